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

/// Records what it sees, and vetoes everything.
struct Gatekeeper(Rc<RefCell<Vec<(String, Principal, Principal)>>>);

impl EventInterceptor for Gatekeeper {
    fn before(&self, e: &EventInfo<'_>) -> Result<(), Veto> {
        let seen = (e.topic.to_string(), e.emitter, e.origin.principal());
        self.0.borrow_mut().push(seen);
        Err(Veto::new("gatekeeper", "no"))
    }
}

#[test]
fn an_interceptor_neither_sees_nor_vetoes_events_of_scopes_its_principal_may_not_read() {
    let (app, secret) = app_with_secret();
    let ops = Principal::new("ops");
    let seen = Rc::new(RefCell::new(Vec::new()));
    app.as_principal(ops)
        .unwrap()
        .add_interceptor(Gatekeeper(seen.clone()))
        .unwrap();
    let delivered = Rc::new(RefCell::new(0));
    let d = delivered.clone();
    secret
        .on::<()>("login")
        .handle(move |_, _| *d.borrow_mut() += 1)
        .unwrap();
    secret.emit("login", ()).unwrap(); // not seen, not vetoed
    assert_eq!(*delivered.borrow(), 1);
    assert!(seen.borrow().is_empty());
    // Events ops may read are seen, with an origin acting for ops, and can be vetoed.
    assert!(matches!(
        app.emit("open", ()),
        Err(EventError::Vetoed { .. })
    ));
    assert_eq!(
        *seen.borrow(),
        [("open".to_string(), Principal::system(), ops)]
    );
}

#[test]
fn an_event_log_does_not_record_events_of_descendants_its_principal_may_not_read() {
    let (app, secret) = app_with_secret();
    let viewer = app.as_principal(Principal::new("viewer")).unwrap();
    let viewers_log = viewer.enable_event_log(10).unwrap();
    let systems_log = app.enable_event_log(10).unwrap();
    assert_ne!(viewers_log, systems_log); // one log per principal
    secret
        .emit("password.changed", "hunter3".to_string())
        .unwrap();
    app.emit("opened", ()).unwrap();
    let topics = |log: EventLog| -> Vec<String> {
        log.entries().iter().map(|e| e.topic.to_string()).collect()
    };
    assert_eq!(topics(viewers_log), ["opened"]);
    assert_eq!(topics(systems_log), ["password.changed", "opened"]);
    assert_eq!(viewer.enable_event_log(5).unwrap(), viewers_log);
}
