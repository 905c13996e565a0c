use reactive_store::*;

use reactive_testing::RunCounter;

const X: Key<u8> = Key::new("x");
const K: Key<u8> = Key::new("k");
const SECRET: Key<u32> = Key::new("secret");

fn denied(result: Result<impl std::fmt::Debug, ScopeError>) -> AccessDenied {
    match result {
        Err(ScopeError::AccessDenied(d)) => d,
        other => panic!("expected a denial, got {other:?}"),
    }
}

fn event_denied(result: Result<impl std::fmt::Debug, EventError>) -> AccessDenied {
    match result {
        Err(EventError::AccessDenied(d)) => d,
        other => panic!("expected a denial, got {other:?}"),
    }
}

#[test]
fn a_child_cannot_escalate_past_its_parents_policy() {
    let app = Scope::root("app").unwrap();
    let alice = Principal::new("alice");
    app.set_policy(Policy::new(Access::NONE).grant(alice, Access::READ | Access::ADMIN))
        .unwrap();
    let plugin = app.child("plugin").unwrap();
    // Alice administers the child and grants herself everything there...
    plugin
        .as_principal(alice)
        .unwrap()
        .set_policy(Policy::new(Access::ALL))
        .unwrap();
    // ...but the child's rights are capped by the parent's.
    let as_alice = plugin.as_principal(alice).unwrap();
    assert_eq!(
        as_alice.effective_access().unwrap(),
        Access::READ | Access::ADMIN
    );
    let d = denied(as_alice.set(X, 1));
    assert_eq!(d.action, Action::Write);
    // A grandchild with no policy of its own inherits the cap.
    let deeper = plugin.child("deeper").unwrap().as_principal(alice).unwrap();
    assert!(matches!(
        deeper.emit("e", ()),
        Err(EventError::AccessDenied(_))
    ));
    // Loosening the parent loosens the children at once (the cache is invalidated).
    app.set_policy(Policy::new(Access::ALL)).unwrap();
    as_alice.set(X, 1).unwrap();
}

#[test]
fn every_kind_of_access_is_checked_and_the_denial_names_who_where_what() {
    let app = Scope::root("app").unwrap();
    app.set(SECRET, 42).unwrap();
    let child = app.child("c").unwrap();
    app.set_policy(Policy::new(Access::NONE)).unwrap();
    let guest = Principal::new("guest");
    let g = app.as_principal(guest).unwrap();

    let d = denied(g.get(SECRET));
    assert_eq!(
        (
            d.principal.as_str(),
            d.scope.as_str(),
            d.key.as_deref(),
            d.action
        ),
        ("guest", "app", Some("secret"), Action::Read)
    );
    assert_eq!(denied(g.set(K, 1)).action, Action::Write);
    assert_eq!(denied(g.remove(SECRET)).action, Action::Write);
    assert_eq!(
        event_denied(g.emit("topic.x", 1u8)).key.as_deref(),
        Some("topic.x")
    );
    assert_eq!(denied(g.child("new")).action, Action::CreateChild);
    assert_eq!(
        denied(g.set_policy(Policy::new(Access::ALL))).action,
        Action::Admin
    );
    assert_eq!(denied(g.dispose()).action, Action::Admin);
    assert_eq!(
        event_denied(g.on::<u8>("x").handle(|_, _| {})).action,
        Action::Read
    );
    assert_eq!(denied(g.save()).action, Action::Read);
    assert_eq!(
        denied(child.as_principal(guest).unwrap().get(SECRET)).scope,
        "app/c"
    );
    // The system principal is not restricted.
    assert_eq!(app.get(SECRET).unwrap(), Some(42));
}

#[test]
fn a_handler_whose_subscriber_cannot_read_the_origin_does_not_see_its_events() {
    let app = Scope::root("app").unwrap();
    let private = app.child("private").unwrap();
    let bob = Principal::new("bob");
    let seen = RunCounter::default();
    let s = seen.clone();
    app.as_principal(bob)
        .unwrap()
        .on::<u8>("**")
        .handle(move |_, _| s.hit())
        .unwrap();
    app.emit("x", 1u8).unwrap();
    private.set_policy(Policy::new(Access::NONE)).unwrap();
    private.emit("x", 1u8).unwrap(); // bubbles to app, but bob may not read `private`
    assert_eq!(seen.get(), 1);
}

#[test]
fn grants_are_per_principal_with_a_default_for_the_others() {
    let app = Scope::root("app").unwrap();
    let (ann, ben) = (Principal::new("ann"), Principal::new("ben"));
    app.set_policy(
        Policy::new(Access::READ).grant(ann, Access::READ | Access::WRITE | Access::EMIT),
    )
    .unwrap();
    app.as_principal(ann).unwrap().set(K, 1).unwrap();
    assert_eq!(app.as_principal(ben).unwrap().get(K).unwrap(), Some(1));
    assert!(app.as_principal(ben).unwrap().set(K, 2).is_err());
    app.clear_policy().unwrap();
    app.as_principal(ben).unwrap().set(K, 2).unwrap();
}

#[test]
fn a_principal_named_system_is_an_ordinary_principal_not_the_system() {
    let app = Scope::root("app").unwrap();
    app.set(SECRET, 42).unwrap();
    app.set_policy(Policy::new(Access::NONE)).unwrap();
    let impostor = Principal::new("system");
    assert_ne!(impostor, Principal::system());
    assert!(!impostor.is_system());
    assert_eq!(
        denied(app.as_principal(impostor).unwrap().get(SECRET)).principal,
        "system"
    );
    assert_eq!(
        app.as_principal(impostor)
            .unwrap()
            .effective_access()
            .unwrap(),
        Access::NONE
    );
}
