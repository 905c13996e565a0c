//! Who a handle acts for: changing principal is a capability of the system handle.

use reactive_store::*;

const SECRET: Key<u32> = Key::new("secret");

fn cannot_act_as(result: Result<Scope, ScopeError>) -> (String, String) {
    match result {
        Err(ScopeError::CannotActAs {
            principal,
            requested,
        }) => (principal, requested),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_non_system_handle_cannot_relabel_itself_as_the_system() {
    let app = Scope::root("app").unwrap();
    app.set(SECRET, 42).unwrap();
    app.set_policy(Policy::new(Access::NONE)).unwrap();
    let mallory = app.as_principal(Principal::new("mallory")).unwrap();
    assert_eq!(
        cannot_act_as(mallory.as_principal(Principal::system())),
        ("mallory".to_string(), "system".to_string())
    );
    // Nor through a relative: parents and children keep the handle's principal.
    let child = app
        .child("c")
        .unwrap()
        .as_principal(Principal::new("mallory"))
        .unwrap();
    let parent = child.parent().unwrap().unwrap();
    assert_eq!(parent.principal(), Principal::new("mallory"));
    cannot_act_as(parent.as_principal(Principal::system()));
    assert!(matches!(
        mallory.get(SECRET),
        Err(ScopeError::AccessDenied(_))
    ));
}

#[test]
fn a_non_system_handle_cannot_become_another_principal() {
    let app = Scope::root("app").unwrap();
    let (ann, ben) = (Principal::new("ann"), Principal::new("ben"));
    app.set_policy(Policy::new(Access::NONE).grant(ben, Access::ALL))
        .unwrap();
    let as_ann = app.as_principal(ann).unwrap();
    assert_eq!(
        cannot_act_as(as_ann.as_principal(ben)),
        ("ann".to_string(), "ben".to_string())
    );
    // Asking for its own principal changes nothing, and is allowed.
    assert_eq!(as_ann.as_principal(ann).unwrap(), as_ann);
}

#[test]
fn the_system_handle_hands_out_handles_for_other_principals() {
    let app = Scope::root("app").unwrap();
    let bob = Principal::new("bob");
    app.set_policy(Policy::new(Access::READ)).unwrap();
    let as_bob = app.as_principal(bob).unwrap();
    assert_eq!(as_bob.principal(), bob);
    assert_eq!(as_bob.effective_access().unwrap(), Access::READ);
    assert_eq!(app.as_principal(Principal::system()).unwrap(), app);
}
