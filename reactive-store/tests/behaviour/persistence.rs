use reactive_core::{Effect, create_root};
use reactive_store::*;
use serde_json::json;

use reactive_testing::RunCounter;

const THEME: Key<String> = Key::new("theme");
const ZOOM: Key<f64> = Key::new("zoom");
const OPEN: Key<Vec<String>> = Key::new("open");
const TITLE: Key<String> = Key::new("title");
const ADDED: Key<bool> = Key::new("added");
const SERVICE: Key<u8> = Key::new("service");

fn sample() -> Scope {
    let app = Scope::root("app").unwrap();
    app.set(THEME, "dark".to_string()).unwrap();
    app.set(ZOOM, 1.25).unwrap();
    let editor = app.child("editor").unwrap();
    editor
        .set_policy(Policy::new(Access::READ).grant(Principal::new("ed"), Access::ALL))
        .unwrap();
    editor.set(OPEN, vec!["a.md".to_string()]).unwrap();
    editor
        .child("doc-1")
        .unwrap()
        .set(TITLE, "A".to_string())
        .unwrap();
    app.child("empty").unwrap();
    app
}

#[test]
fn a_saved_subtree_restores_with_values_policies_and_children() {
    let app = sample();
    let json = app.save().unwrap().to_json_pretty();
    let snap = ScopeSnapshot::from_json(&json).unwrap();
    assert_eq!(snap.paths(), ["", "editor", "editor/doc-1", "empty"]);
    let copy = Scope::restore_root(&snap).unwrap();
    assert_eq!(copy.get(THEME).unwrap().as_deref(), Some("dark"));
    assert_eq!(copy.get(ZOOM).unwrap(), Some(1.25));
    let editor = copy.find("editor").unwrap().unwrap();
    assert_eq!(
        editor.policy().unwrap(),
        app.find("editor").unwrap().unwrap().policy().unwrap()
    );
    assert_eq!(editor.get(OPEN).unwrap(), Some(vec!["a.md".to_string()]));
    let doc = editor.find("doc-1").unwrap().unwrap();
    assert_eq!(doc.get(TITLE).unwrap().as_deref(), Some("A"));
    assert_eq!(doc.get(THEME).unwrap().as_deref(), Some("dark")); // inherited
    // Saving the copy gives the same document.
    assert_eq!(
        copy.save().unwrap().to_json(),
        app.save().unwrap().to_json()
    );
}

#[test]
fn a_file_from_an_unknown_version_or_a_corrupt_file_is_refused_clearly() {
    let good = sample().save().unwrap().to_json();
    let newer = good.replace("\"version\":1", "\"version\":2");
    assert_eq!(
        ScopeSnapshot::from_json(&newer).unwrap_err(),
        PersistError::Version(MigrationError::FutureVersion {
            found: 2,
            current: 1
        })
    );
    let truncated = &good[..good.len() / 2];
    let err = ScopeSnapshot::from_json(truncated).unwrap_err();
    assert!(matches!(err, PersistError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("line"), "{err}");
    let other = json!({"format": "something-else", "version": 1}).to_string();
    assert!(matches!(
        ScopeSnapshot::from_json(&other),
        Err(PersistError::UnknownFormat { .. })
    ));
    let wrong_shape = good.replace("\"scopes\":[", "\"scopes\":[3,");
    assert!(matches!(
        ScopeSnapshot::from_json(&wrong_shape),
        Err(PersistError::Corrupt { .. })
    ));
    let twice = json!({"format": "reactive-store/scopes", "version": 1, "root": "r",
        "scopes": [{"path": ""}, {"path": "a"}, {"path": "a"}]})
    .to_string();
    assert!(matches!(
        ScopeSnapshot::from_json(&twice),
        Err(PersistError::Invalid { .. })
    ));
    let bad_name = json!({"format": "reactive-store/scopes", "version": 1, "root": "r",
        "scopes": [{"path": ""}, {"path": "bad\u{7}name"}]})
    .to_string();
    assert!(matches!(
        ScopeSnapshot::from_json(&bad_name),
        Err(PersistError::Invalid { .. })
    ));
}

#[test]
fn restoring_in_place_with_a_value_that_does_not_fit_changes_nothing() {
    let app = sample();
    let saved = app.save().unwrap();
    // Change the live tree after saving.
    app.set(THEME, "light".to_string()).unwrap();
    app.child("extra").unwrap();
    app.find("editor/doc-1")
        .unwrap()
        .unwrap()
        .set(Key::new("title"), 7u32) // now a number: the saved "A" cannot become a u32
        .unwrap();
    let live_before = app.save().unwrap().to_json();
    let err = app.restore(&saved).unwrap_err();
    let ScopeError::Persist(PersistError::TypeMismatch { scope, key, .. }) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (scope.as_str(), key.as_str()),
        ("app/editor/doc-1", "title")
    );
    assert_eq!(app.save().unwrap().to_json(), live_before); // nothing half-restored
}

#[test]
fn restoring_in_place_replaces_values_children_and_policies_and_rerun_readers_once() {
    let app = sample();
    let saved = app.save().unwrap();
    app.set(THEME, "light".to_string()).unwrap();
    app.set(ADDED, true).unwrap();
    app.provide(SERVICE, 5).unwrap();
    let extra = app.child("extra").unwrap();
    app.find("editor").unwrap().unwrap().clear_policy().unwrap();
    let runs = RunCounter::default();
    let ((), root) = create_root(|| {
        let r = runs.clone();
        Effect::new(move || {
            app.get(THEME).unwrap();
            app.get(ADDED).unwrap();
            r.hit();
        });
    });
    app.restore(&saved).unwrap();
    assert_eq!(runs.get(), 2);
    assert_eq!(app.get(THEME).unwrap().as_deref(), Some("dark"));
    assert_eq!(app.get(ADDED).unwrap(), None);
    assert_eq!(app.get_provided(SERVICE).unwrap(), Some(5)); // never saved: kept
    assert!(extra.is_disposed());
    assert!(
        app.find("editor")
            .unwrap()
            .unwrap()
            .policy()
            .unwrap()
            .is_some()
    );
    root.dispose();
}

#[test]
fn provided_values_are_listed_as_not_saved() {
    let app = Scope::root("app").unwrap();
    app.provide(Key::new("store"), Store::new(1u8)).unwrap();
    app.child("c")
        .unwrap()
        .provide(Key::new("cb"), 3u8)
        .unwrap();
    let snap = app.save().unwrap();
    assert_eq!(snap.not_saved(), [("", "store"), ("c", "cb")]);
    assert!(!snap.to_json().contains("\"store\":"));
}

#[test]
fn a_restored_value_that_does_not_decode_reports_a_type_mismatch_when_read() {
    let snap = ScopeSnapshot::from_json(
        r#"{"format":"reactive-store/scopes","version":1,"root":"r","scopes":[{"path":"","values":{"n":"text"}}]}"#,
    )
    .unwrap();
    let r = Scope::restore_root(&snap).unwrap();
    assert!(matches!(
        r.get(Key::<u32>::new("n")),
        Err(ScopeError::TypeMismatch { .. })
    ));
    assert_eq!(
        r.get(Key::<String>::new("n")).unwrap().as_deref(),
        Some("text")
    );
}

#[test]
fn restoring_as_a_child_needs_the_right_to_create_children() {
    let app = Scope::root("app").unwrap();
    app.set_policy(Policy::new(Access::READ)).unwrap();
    let snap = sample().save().unwrap().renamed("copy").unwrap();
    let guest = app.as_principal(Principal::new("guest")).unwrap();
    assert!(matches!(
        guest.restore_child(&snap),
        Err(ScopeError::AccessDenied(_))
    ));
    assert_eq!(app.children().unwrap(), []);
}

#[test]
fn a_typed_value_saved_and_restored_reads_back_through_its_key() {
    #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Layout {
        panes: Vec<String>,
        split: f32,
    }
    const LAYOUT: Key<Layout> = Key::new("layout");
    let layout = Layout {
        panes: vec!["tree".into(), "editor".into()],
        split: 0.5,
    };
    let app = Scope::root("app").unwrap();
    app.child("window")
        .unwrap()
        .set(LAYOUT, layout.clone())
        .unwrap();
    // Saved under the key's name, as plain JSON.
    let json = app.save().unwrap().to_json();
    let snap = ScopeSnapshot::from_json(&json).unwrap();
    assert_eq!(
        snap.value("window", LAYOUT.name()),
        Some(&json!({"panes": ["tree", "editor"], "split": 0.5}))
    );
    // Restored as a new tree and in place: the typed key reads the value back.
    let copy = Scope::restore_root(&snap.renamed("copy").unwrap()).unwrap();
    let window = copy.find("window").unwrap().unwrap();
    assert_eq!(window.get(LAYOUT).unwrap(), Some(layout.clone()));
    app.find("window").unwrap().unwrap().remove(LAYOUT).unwrap();
    app.restore(&snap).unwrap();
    assert_eq!(
        app.find("window").unwrap().unwrap().get(LAYOUT).unwrap(),
        Some(layout)
    );
}

#[test]
fn a_restored_value_decodes_once_on_its_first_typed_read_and_is_then_a_typed_value() {
    const ZOOM_LEVEL: Key<u16> = Key::new("zoom");
    let snap = ScopeSnapshot::from_json(
        r#"{"format":"reactive-store/scopes","version":1,"root":"r","scopes":[{"path":"","values":{"zoom":3}}]}"#,
    )
    .unwrap();
    let r = Scope::restore_root(&snap).unwrap();
    // Not read yet: its type is unknown, so a provided-value read cannot see it.
    assert!(matches!(
        r.get_provided(ZOOM_LEVEL),
        Err(ScopeError::TypeMismatch { .. })
    ));
    assert_eq!(r.get_untracked(ZOOM_LEVEL).unwrap(), Some(3));
    assert_eq!(r.with_value(ZOOM_LEVEL, |z| z * 2).unwrap(), Some(6));
    // Decoded once, the value is known as a u16.
    assert_eq!(r.get_provided(ZOOM_LEVEL).unwrap(), Some(3));
    // Saving it again gives the same JSON.
    assert_eq!(r.save().unwrap().value("", "zoom"), Some(&json!(3)));
}

#[test]
fn a_saved_policy_naming_a_user_called_system_restores_as_that_user_not_the_system() {
    let app = Scope::root("app").unwrap();
    let user = Principal::new("system");
    let vault = app.child("vault").unwrap();
    vault
        .set_policy(Policy::new(Access::NONE).grant(user, Access::READ))
        .unwrap();
    let json = vault.save().unwrap().to_json();
    let snap = ScopeSnapshot::from_json(&json)
        .unwrap()
        .renamed("copy")
        .unwrap();
    let copy = app.restore_child(&snap).unwrap();
    let policy = copy.policy().unwrap().unwrap();
    assert_eq!(policy.grants(), [(user, Access::READ)]);
    assert!(!policy.grants()[0].0.is_system());
    assert_eq!(
        copy.as_principal(user).unwrap().effective_access().unwrap(),
        Access::READ
    );
    // Saved again, the file is the same: the policy round-trips.
    assert_eq!(
        copy.save().unwrap().renamed("vault").unwrap().to_json(),
        json
    );
}

#[test]
fn a_grant_to_the_system_principal_is_not_saved_so_it_cannot_come_back_as_a_user_grant() {
    let app = Scope::root("app").unwrap();
    app.set_policy(Policy::new(Access::NONE).grant(Principal::system(), Access::ALL))
        .unwrap();
    let json = app.save().unwrap().to_json();
    assert!(!json.contains("system"));
    let copy = Scope::restore_root(&ScopeSnapshot::from_json(&json).unwrap()).unwrap();
    assert_eq!(copy.policy().unwrap(), Some(Policy::new(Access::NONE)));
    let user = copy.as_principal(Principal::new("system")).unwrap();
    assert_eq!(user.effective_access().unwrap(), Access::NONE);
}

fn denied_action(result: Result<impl std::fmt::Debug, ScopeError>) -> Action {
    match result {
        Err(ScopeError::AccessDenied(d)) => d.action,
        other => panic!("expected a denial, got {other:?}"),
    }
}

#[test]
fn restoring_as_a_child_without_the_right_to_write_is_refused_and_creates_nothing() {
    let app = Scope::root("app").unwrap();
    let guest = Principal::new("guest");
    app.set_policy(Policy::new(Access::NONE).grant(guest, Access::READ | Access::CREATE_CHILD))
        .unwrap();
    let snap = Scope::root("prefs").unwrap();
    snap.set(THEME, "dark".to_string()).unwrap();
    let snap = snap.save().unwrap();
    let as_guest = app.as_principal(guest).unwrap();
    assert_eq!(denied_action(as_guest.restore_child(&snap)), Action::Write);
    assert_eq!(app.children().unwrap(), []);
    // With Write it may, but a snapshot carrying a policy needs Admin as well.
    app.set_policy(Policy::new(Access::NONE).grant(guest, Access::ALL & !Access::ADMIN))
        .unwrap();
    let with_policy = sample().save().unwrap().renamed("copy").unwrap();
    assert_eq!(
        denied_action(as_guest.restore_child(&with_policy)),
        Action::Admin
    );
    let restored = as_guest.restore_child(&snap).unwrap();
    assert_eq!(restored.get(THEME).unwrap().as_deref(), Some("dark"));
}

#[test]
fn restoring_in_place_without_the_right_to_write_is_refused_and_changes_nothing() {
    let app = Scope::root("app").unwrap();
    app.set(ZOOM, 1.0).unwrap();
    let saved = app.save().unwrap();
    app.set(ZOOM, 2.0).unwrap();
    let guest = Principal::new("guest");
    app.set_policy(Policy::new(Access::ALL & !Access::WRITE))
        .unwrap();
    let as_guest = app.as_principal(guest).unwrap();
    assert_eq!(denied_action(as_guest.restore(&saved)), Action::Write);
    assert_eq!(app.get(ZOOM).unwrap(), Some(2.0));
}

#[test]
fn restoring_in_place_a_missing_child_needs_the_right_to_create_children() {
    let app = Scope::root("app").unwrap();
    app.child("gone").unwrap();
    let saved = app.save().unwrap();
    app.find("gone").unwrap().unwrap().dispose().unwrap();
    let guest = Principal::new("guest");
    app.set_policy(Policy::new(Access::ALL & !Access::CREATE_CHILD))
        .unwrap();
    let as_guest = app.as_principal(guest).unwrap();
    assert_eq!(denied_action(as_guest.restore(&saved)), Action::CreateChild);
    assert_eq!(app.children().unwrap(), []);
}

#[test]
fn a_provided_store_is_the_shared_object_for_whoever_may_read_the_scope() {
    const STORE: Key<Store<u32>> = Key::new("store");
    let app = Scope::root("app").unwrap();
    let store = Store::new(1u32);
    app.provide(STORE, store).unwrap();
    let (reader, stranger) = (Principal::new("reader"), Principal::new("stranger"));
    app.set_policy(Policy::new(Access::NONE).grant(reader, Access::READ))
        .unwrap();
    // No policy travels with the object: reading the scope is reading (and using) the store.
    let got = app
        .as_principal(reader)
        .unwrap()
        .get_provided(STORE)
        .unwrap()
        .unwrap();
    got.update(|n| *n = 2).unwrap();
    assert_eq!(*store.snapshot_untracked(), 2);
    // Without Read on the scope, the service is out of reach.
    let as_stranger = app.as_principal(stranger).unwrap();
    assert_eq!(denied_action(as_stranger.get_provided(STORE)), Action::Read);
}
