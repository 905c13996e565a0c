//! Events under policies: what a handler, an interceptor or a log may see, and with whose
//! rights it acts.

use std::cell::RefCell;
use std::rc::Rc;

use reactive_store::*;

const PASSWORD: Key<String> = Key::new("password");

/// `app` (open) with a child `secret` holding a password, closed to everyone but the system.
fn app_with_secret() -> (Scope, Scope) {
    let app = Scope::root("app").unwrap();
    let secret = app.child("secret").unwrap();
    secret.set(PASSWORD, "hunter2".to_string()).unwrap();
    secret.set_policy(Policy::new(Access::NONE)).unwrap();
    (app, secret)
}

#[test]
fn a_handler_cannot_borrow_the_emitters_rights_through_the_origin_handle() {
    let (app, _secret) = app_with_secret();
    let low = Principal::new("low");
    let got = Rc::new(RefCell::new(Vec::new()));
    let g = got.clone();
    app.as_principal(low)
        .unwrap()
        .on::<()>("ping")
        .handle(move |cx, _| {
            let secret = cx.origin().find("secret").unwrap().unwrap();
            g.borrow_mut().push((
                cx.emitter(),
                cx.origin().principal(),
                secret
                    .get(PASSWORD)
                    .map_err(|e| matches!(e, ScopeError::AccessDenied(_))),
            ));
        })
        .unwrap();
    app.emit("ping", ()).unwrap(); // emitted by the system
    assert_eq!(*got.borrow(), [(Principal::system(), low, Err(true))]);
}
