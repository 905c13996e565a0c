//! Distributed scopes, in-process: shared scope values replicate through Loro updates, and the
//! server's check refuses an update that writes a scope its sender may not write.

use loro::LoroDoc;
use reactive_core::{Effect, create_root};
use reactive_store::{Access, Key, Policy, Principal, Scope};
use reactive_sync::{ReplicatedScope, check_scope_update};
use std::cell::RefCell;
use std::rc::Rc;

const THEME: Key<String> = Key::new("theme");
const LIMIT: Key<u32> = Key::new("limit");

#[test]
fn shared_values_replicate_and_arrive_in_one_batch() {
    let ((), owner) = create_root(|| {
        let here = ReplicatedScope::new(Scope::root("app").unwrap(), LoroDoc::new());
        let there = ReplicatedScope::new(Scope::root("app").unwrap(), LoroDoc::new());
        for r in [&here, &there] {
            r.share(THEME);
            r.share(LIMIT);
        }
        let seen = Rc::new(RefCell::new(Vec::new()));
        let log = seen.clone();
        let scope = there.scope();
        Effect::new(move || {
            let pair = (scope.get(THEME).unwrap(), scope.get(LIMIT).unwrap());
            log.borrow_mut().push(pair);
        });
        let since = there.version();
        here.set(THEME, "dark".to_string()).unwrap();
        here.set(LIMIT, 7).unwrap();
        there.import(&here.updates_since(&since).unwrap()).unwrap();
        assert_eq!(
            *seen.borrow(),
            [(None, None), (Some("dark".to_string()), Some(7))]
        );
    });
    owner.dispose();
}

#[test]
fn the_server_refuses_an_update_from_a_principal_without_write() {
    let ((), owner) = create_root(|| {
        let server = LoroDoc::new();
        let client = ReplicatedScope::new(Scope::root("app").unwrap(), server.fork());
        client.share(THEME);
        client.set(THEME, "dark".to_string()).unwrap();
        let update = client.updates_since(&server.oplog_vv()).unwrap();

        let alice = Principal::new("alice");
        let mallory = Principal::new("mallory");
        let policy = Policy::new(Access::READ).grant(alice, Access::ALL);
        let policy_of = |scope: &str| (scope == "app").then(|| policy.clone());

        assert_eq!(
            check_scope_update(&server, &update, &alice, policy_of),
            Ok(())
        );
        let denied = check_scope_update(&server, &update, &mallory, policy_of).unwrap_err();
        assert_eq!(
            (denied.principal.as_str(), denied.scope.as_str()),
            ("mallory", "app")
        );
        // The check never changes the server's document.
        assert!(server.get_map(reactive_sync::SCOPES_MAP).is_empty());
        // A scope without a policy is open.
        assert_eq!(
            check_scope_update(&server, &update, &mallory, |_| None),
            Ok(())
        );
        // Bytes that do not decode are refused, not let through.
        assert!(check_scope_update(&server, &[1, 2, 3], &alice, policy_of).is_err());
    });
    owner.dispose();
}

#[test]
fn a_local_write_the_scope_policy_denies_changes_neither_scope_nor_document() {
    let ((), owner) = create_root(|| {
        let root = Scope::root("app").unwrap();
        root.set_policy(Policy::new(Access::READ)).unwrap();
        let as_mallory = root.as_principal(Principal::new("mallory")).unwrap();
        let replicated = ReplicatedScope::new(as_mallory, LoroDoc::new());
        replicated.share(THEME);
        let err = replicated.set(THEME, "dark".to_string()).unwrap_err();
        assert!(
            matches!(err, reactive_sync::ScopeSyncError::Scope(_)),
            "{err:?}"
        );
        assert!(
            replicated
                .doc()
                .get_map(reactive_sync::SCOPES_MAP)
                .is_empty()
        );
    });
    owner.dispose();
}
