use std::panic::{AssertUnwindSafe, catch_unwind};

use reactive_core::{Effect, Signal, batch, create_root};
use reactive_store::*;

use super::common::DropCounter;
use reactive_testing::{RunCounter, ValueLog};

#[test]
fn events_are_delivered_in_emission_order_and_nested_emits_are_queued() {
    let app = Scope::root("app").unwrap();
    let log = ValueLog::new();
    let l = log.clone();
    app.on::<u32>("n")
        .handle(move |cx, n| {
            l.push(format!("{n} start (seq {})", cx.seq()));
            if *n < 3 {
                cx.scope().emit("n", n + 1).unwrap();
                cx.scope().emit("n", n + 10).unwrap();
            }
            l.push(format!("{n} end"));
        })
        .unwrap();
    app.emit("n", 1u32).unwrap();
    let got = log.take();
    let order: Vec<&str> = got.iter().map(|s| s.split(" (").next().unwrap()).collect();
    assert_eq!(
        order,
        [
            "1 start", "1 end", "2 start", "2 end", "11 start", "11 end", "3 start", "3 end",
            "12 start", "12 end"
        ]
    );
}

#[test]
fn an_event_goes_down_in_capture_then_up_in_bubble() {
    let root = Scope::root("root").unwrap();
    let mid = root.child("mid").unwrap();
    let leaf = mid.child("leaf").unwrap();
    let log = ValueLog::new();
    for (scope, name) in [(root, "root"), (mid, "mid"), (leaf, "leaf")] {
        let (a, b) = (log.clone(), log.clone());
        scope
            .on::<()>("go")
            .capture()
            .handle(move |cx, _| a.push(format!("{name} capture {:?}", cx.phase())))
            .unwrap();
        scope
            .on::<()>("go")
            .handle(move |cx, _| b.push(format!("{name} {:?}", cx.phase())))
            .unwrap();
    }
    leaf.emit("go", ()).unwrap();
    assert_eq!(
        log.take(),
        [
            "root capture Capture",
            "mid capture Capture",
            "leaf capture Target",
            "leaf Target",
            "mid Bubble",
            "root Bubble"
        ]
    );
    leaf.emit_with("go", (), EmitOptions::new().bubbles(false))
        .unwrap();
    assert_eq!(log.take().len(), 4); // capture still runs, bubbling does not
}

#[test]
fn topics_route_with_single_and_multi_segment_wildcards() {
    let game = Scope::root("game").unwrap();
    let log = ValueLog::new();
    for pattern in [
        "player.*.damaged",
        "player.**",
        "**.damaged",
        "player.1.damaged",
    ] {
        let l = log.clone();
        game.on::<u32>(pattern)
            .handle(move |cx, _| l.push(format!("{pattern} <- {}", cx.topic())))
            .unwrap();
    }
    game.emit("player.1.damaged", 5u32).unwrap();
    game.emit("player.2.stats.updated", 1u32).unwrap();
    game.emit("boss.damaged", 1u32).unwrap();
    assert_eq!(
        log.take(),
        [
            "player.*.damaged <- player.1.damaged",
            "player.** <- player.1.damaged",
            "**.damaged <- player.1.damaged",
            "player.1.damaged <- player.1.damaged",
            "player.** <- player.2.stats.updated",
            "**.damaged <- boss.damaged",
        ]
    );
    assert!(matches!(
        game.on::<u32>("bad..pattern").handle(|_, _| {}),
        Err(EventError::InvalidTopic { .. })
    ));
    assert!(matches!(
        game.emit("player.*", 1u32),
        Err(EventError::InvalidTopic { .. })
    ));
}

#[test]
fn all_state_changes_caused_by_one_event_are_one_batch() {
    let app = Scope::root("app").unwrap();
    let (a, b) = (Signal::new(0), Signal::new(0));
    let seen = ValueLog::new();
    let s = seen.clone();
    Effect::new(move || s.push((a.get(), b.get())));
    app.on::<i32>("set").handle(move |_, n| a.set(*n)).unwrap();
    app.on::<i32>("set").handle(move |_, n| b.set(*n)).unwrap();
    let store = Store::new(0i32);
    app.on::<i32>("set")
        .handle(move |_, n| {
            store.update(|v| *v = *n).unwrap();
        })
        .unwrap();
    let store_seen = ValueLog::new();
    let ss = store_seen.clone();
    Effect::new(move || ss.push((a.get(), *store.snapshot())));
    app.emit("set", 7).unwrap();
    assert_eq!(seen.take(), [(0, 0), (7, 7)]);
    assert_eq!(store_seen.take(), [(0, 0), (7, 7)]);
}

#[test]
fn a_subscription_made_under_an_owner_is_removed_with_it() {
    let app = Scope::root("app").unwrap();
    let drops = RunCounter::default();
    let runs = RunCounter::default();
    let (sub, root) = create_root(|| {
        let guard = DropCounter(drops.clone());
        let r = runs.clone();
        app.on::<()>("x")
            .handle(move |_, _| {
                let _ = &guard;
                r.hit();
            })
            .unwrap()
    });
    app.emit("x", ()).unwrap();
    root.dispose();
    app.emit("x", ()).unwrap();
    assert_eq!((runs.get(), drops.get()), (1, 1));
    assert!(!sub.is_active());
    assert_eq!(app.handler_count().unwrap(), 0);
}

#[test]
fn a_handler_removed_during_a_delivery_is_skipped() {
    let app = Scope::root("app").unwrap();
    let runs = RunCounter::default();
    let r = runs.clone();
    let later = std::rc::Rc::new(std::cell::Cell::new(None::<EventSubscription>));
    let l = later.clone();
    app.on::<()>("x")
        .handle(move |_, _| {
            if let Some(s) = l.get() {
                s.unsubscribe();
            }
        })
        .unwrap();
    later.set(Some(app.on::<()>("x").handle(move |_, _| r.hit()).unwrap()));
    app.emit("x", ()).unwrap();
    assert_eq!(runs.get(), 0);
}

#[test]
fn the_last_event_of_a_topic_is_a_signal() {
    let app = Scope::root("app").unwrap();
    let seen = ValueLog::new();
    let ((), root) = create_root(|| {
        let last = app.last_event::<String>("chat.*").unwrap();
        let s = seen.clone();
        Effect::new(move || s.push(last.get()));
    });
    app.emit("chat.general", "hi".to_string()).unwrap();
    app.emit("other", "ignored".to_string()).unwrap();
    batch(|| {
        app.emit("chat.dev", "a".to_string()).unwrap();
    });
    assert_eq!(
        seen.take(),
        [None, Some("hi".to_string()), Some("a".to_string())]
    );
    root.dispose();
    assert_eq!(app.handler_count().unwrap(), 0);
}

#[test]
fn the_event_log_is_bounded_reactive_and_records_vetoes() {
    struct Veto7;
    impl EventInterceptor for Veto7 {
        fn before(&self, e: &EventInfo<'_>) -> Result<(), Veto> {
            match e.payload.downcast_ref::<u8>() {
                Some(7) => Err(Veto::new("veto7", "seven")),
                _ => Ok(()),
            }
        }
    }
    let app = Scope::root("app").unwrap();
    let child = app.child("c").unwrap();
    let log = app.enable_event_log(3).unwrap();
    child.add_interceptor(Veto7).unwrap();
    child.on::<u8>("n").handle(|_, _| {}).unwrap();
    let lengths = ValueLog::new();
    let ((), root) = create_root(|| {
        let l = lengths.clone();
        Effect::new(move || l.push(log.len()));
    });
    for n in [1u8, 7, 2, 3] {
        match child.emit("n", n) {
            Err(EventError::Vetoed { veto, .. }) => assert_eq!((n, &*veto.by), (7, "veto7")),
            other => assert!(other.is_ok() && n != 7, "{n}: {other:?}"),
        }
    }
    let entries = log.entries();
    assert_eq!(
        entries
            .iter()
            .map(|e| *e.payload::<u8>().unwrap())
            .collect::<Vec<_>>(),
        [7, 2, 3]
    );
    assert_eq!(
        entries[0].outcome,
        EventOutcome::Vetoed(Veto::new("veto7", "seven"))
    );
    assert_eq!(entries[1].outcome, EventOutcome::Delivered { handlers: 1 });
    assert_eq!(entries[1].origin, "app/c");
    assert_eq!(lengths.take(), [0, 1, 2, 3, 3]);
    assert_eq!(log.total(), 4);
    root.dispose();
}

#[test]
fn interceptors_run_root_first_before_and_in_reverse_after() {
    struct Trace(&'static str, ValueLog<String>);
    impl EventInterceptor for Trace {
        fn before(&self, e: &EventInfo<'_>) -> Result<(), Veto> {
            self.1.push(format!("{} before {}", self.0, e.topic));
            Ok(())
        }
        fn after(&self, _: &EventInfo<'_>, outcome: &EventOutcome) {
            self.1.push(format!("{} after {outcome:?}", self.0));
        }
    }
    let log = ValueLog::new();
    let app = Scope::root("app").unwrap();
    let child = app.child("c").unwrap();
    child.add_interceptor(Trace("child", log.clone())).unwrap();
    app.add_interceptor(Trace("app", log.clone())).unwrap();
    let l = log.clone();
    child
        .on::<()>("t")
        .handle(move |_, _| l.push("handler".into()))
        .unwrap();
    child.emit("t", ()).unwrap();
    assert_eq!(
        log.take(),
        [
            "app before t",
            "child before t",
            "handler",
            "child after Delivered { handlers: 1 }",
            "app after Delivered { handlers: 1 }"
        ]
    );
    app.emit("t", ()).unwrap(); // the child's interceptor does not see the parent's events
    assert_eq!(log.take().len(), 2);
}

#[test]
fn a_panicking_handler_leaves_the_bus_usable_and_delivers_the_rest_later() {
    let app = Scope::root("app").unwrap();
    let got = ValueLog::new();
    let g = got.clone();
    app.on::<u8>("n")
        .handle(move |cx, n| {
            if *n == 1 {
                cx.scope().emit("n", 2u8).unwrap(); // queued behind the panic
                panic!("handler failed");
            }
            g.push(*n);
        })
        .unwrap();
    assert!(catch_unwind(AssertUnwindSafe(|| app.emit("n", 1u8))).is_err());
    assert_eq!(got.take(), Vec::<u8>::new());
    app.emit("n", 3u8).unwrap();
    assert_eq!(got.take(), [2, 3]);
}

#[test]
fn replayed_events_reach_only_handlers_that_accept_replays() {
    let app = Scope::root("app").unwrap();
    let (projection, side_effect) = (RunCounter::default(), RunCounter::default());
    let (p, s) = (projection.clone(), side_effect.clone());
    app.on::<u8>("e")
        .include_replay()
        .handle(move |_, _| p.hit())
        .unwrap();
    app.on::<u8>("e").handle(move |_, _| s.hit()).unwrap();
    app.emit_with("e", 1u8, EmitOptions::new().replay(true))
        .unwrap();
    app.emit("e", 1u8).unwrap();
    assert_eq!((projection.get(), side_effect.get()), (2, 1));
}

#[test]
fn events_of_a_scope_disposed_while_queued_are_dropped() {
    let app = Scope::root("app").unwrap();
    let child = app.child("c").unwrap();
    let got = RunCounter::default();
    let g = got.clone();
    app.on::<u8>("late").handle(move |_, _| g.hit()).unwrap();
    app.on::<u8>("first")
        .handle(move |_, _| {
            child.emit("late", 1u8).unwrap(); // queued
            child.dispose().unwrap(); // its scope goes before delivery
        })
        .unwrap();
    app.emit("first", 0u8).unwrap();
    assert_eq!(got.get(), 0);
}

#[test]
fn filters_select_events_by_payload() {
    let app = Scope::root("app").unwrap();
    let big = ValueLog::new();
    let b = big.clone();
    app.on::<u32>("hit")
        .filter(|d| *d >= 10)
        .handle(move |_, d| b.push(*d))
        .unwrap();
    for d in [1u32, 10, 3, 30] {
        app.emit("hit", d).unwrap();
    }
    assert_eq!(big.take(), [10, 30]);
}

#[test]
fn disposing_a_scope_clears_its_event_table_and_drops_its_handlers_and_interceptors() {
    struct Guarded(#[allow(dead_code)] DropCounter); // held only for its drop
    impl EventInterceptor for Guarded {}
    let tables_before = Scope::live_event_tables();
    let drops = RunCounter::default();
    let app = Scope::root("app").unwrap();
    let child = app.child("c").unwrap();
    let keep = app.child("keep").unwrap();
    let keep_sub = keep.on::<()>("x").handle(|_, _| {}).unwrap();
    let mut subs = Vec::new();
    for s in [app, child] {
        let guard = DropCounter(drops.clone());
        subs.push(
            s.on::<u8>("exact.topic")
                .handle(move |_, _| {
                    let _ = &guard;
                })
                .unwrap(),
        );
        let guard = DropCounter(drops.clone());
        subs.push(
            s.on_any("wild.**")
                .handle(move |_, _| {
                    let _ = &guard;
                })
                .unwrap(),
        );
        s.add_interceptor(Guarded(DropCounter(drops.clone())))
            .unwrap();
        s.enable_event_log(2).unwrap();
    }
    assert_eq!(Scope::live_event_tables(), tables_before + 3);
    child.dispose().unwrap();
    // The child's table is gone: its two handlers and its interceptor were dropped.
    assert_eq!(Scope::live_event_tables(), tables_before + 2);
    assert_eq!(drops.get(), 3);
    assert!(!subs[2].is_active() && !subs[3].is_active());
    assert!(!subs[2].unsubscribe()); // nothing left to remove
    assert!(matches!(
        child.handler_count(),
        Err(EventError::Disposed { .. })
    ));
    // The parent and the sibling keep theirs.
    assert!(subs[0].is_active() && keep_sub.is_active());
    assert_eq!(app.handler_count().unwrap(), 2);
    app.dispose().unwrap();
    assert_eq!(drops.get(), 6);
    assert_eq!(Scope::live_event_tables(), tables_before);
}

#[test]
fn a_scope_whose_last_handler_goes_has_no_event_table() {
    let before = Scope::live_event_tables();
    let app = Scope::root("app").unwrap();
    let sub = app.on::<()>("x").handle(|_, _| {}).unwrap();
    struct Nothing;
    impl EventInterceptor for Nothing {}
    let id = app.add_interceptor(Nothing).unwrap();
    assert_eq!(Scope::live_event_tables(), before + 1);
    sub.unsubscribe();
    assert_eq!(Scope::live_event_tables(), before + 1); // the interceptor is still there
    app.remove_interceptor(id);
    assert_eq!(Scope::live_event_tables(), before);
    app.emit("x", ()).unwrap(); // emitting needs no table
    assert_eq!(Scope::live_event_tables(), before);
}

#[test]
fn a_handler_of_a_scope_disposed_during_a_delivery_does_not_run() {
    let app = Scope::root("app").unwrap();
    let child = app.child("c").unwrap();
    let ran = RunCounter::default();
    // The root's capture handler runs first and disposes the child, whose target handler was
    // already planned for this event.
    app.on::<()>("go")
        .capture()
        .handle(move |_, _| child.dispose().unwrap())
        .unwrap();
    let r = ran.clone();
    child.on::<()>("go").handle(move |_, _| r.hit()).unwrap();
    child.emit("go", ()).unwrap();
    assert_eq!(ran.get(), 0);
}

#[test]
fn each_event_failure_is_its_own_event_error_variant() {
    struct No;
    impl EventInterceptor for No {
        fn before(&self, _: &EventInfo<'_>) -> Result<(), Veto> {
            Err(Veto::new("no", "never"))
        }
    }
    let app = Scope::root("app").unwrap();
    let guest = Principal::new("guest");
    let locked = app.child("locked").unwrap();
    locked.set_policy(Policy::new(Access::NONE)).unwrap();
    let as_guest = locked.as_principal(guest).unwrap();

    // Invalid topics, emitted or subscribed to.
    for bad in ["", "a..b", "a.*"] {
        let Err(EventError::InvalidTopic { topic, .. }) = app.emit(bad, ()) else {
            panic!("{bad:?} was accepted");
        };
        assert_eq!(topic, bad);
    }
    assert!(matches!(
        app.on::<()>("a.b*").handle(|_, _| {}),
        Err(EventError::InvalidTopic { .. })
    ));

    // Access denied: emit needs Emit, subscribing Read, intercepting Admin.
    let denied = |r: Result<(), EventError>| match r {
        Err(EventError::AccessDenied(d)) => d.action,
        other => panic!("{other:?}"),
    };
    assert_eq!(denied(as_guest.emit("x", ()).map(drop)), Action::Emit);
    assert_eq!(
        denied(as_guest.on::<()>("x").handle(|_, _| {}).map(drop)),
        Action::Read
    );
    assert_eq!(
        denied(as_guest.last_event::<u8>("x").map(drop)),
        Action::Read
    );
    assert_eq!(denied(as_guest.enable_event_log(1).map(drop)), Action::Read);
    assert_eq!(
        denied(as_guest.add_interceptor(No).map(drop)),
        Action::Admin
    );

    // Vetoed: no handler ran, and the error says who refused.
    let ran = RunCounter::default();
    let r = ran.clone();
    app.on::<()>("x").handle(move |_, _| r.hit()).unwrap();
    locked.add_interceptor(No).unwrap();
    let Err(EventError::Vetoed { seq, topic, veto }) = locked.emit("x", ()) else {
        panic!("not vetoed")
    };
    assert!(seq > 0);
    assert_eq!((topic.as_str(), veto), ("x", Veto::new("no", "never")));
    assert_eq!(ran.get(), 0);

    // Disposed scope: every event operation says so.
    locked.dispose().unwrap();
    let disposed = |r: Result<(), EventError>| matches!(r, Err(EventError::Disposed { .. }));
    assert!(disposed(locked.emit("x", ()).map(drop)));
    assert!(disposed(locked.on::<()>("x").handle(|_, _| {}).map(drop)));
    assert!(disposed(locked.enable_event_log(1).map(drop)));
    assert!(disposed(locked.add_interceptor(No).map(drop)));
    assert!(disposed(locked.handler_count().map(drop)));
}

#[test]
fn a_veto_of_an_event_queued_behind_another_is_not_reported_to_its_emitter() {
    struct NoLate;
    impl EventInterceptor for NoLate {
        fn before(&self, e: &EventInfo<'_>) -> Result<(), Veto> {
            match e.topic {
                "late" => Err(Veto::new("no-late", "too late")),
                _ => Ok(()),
            }
        }
    }
    let app = Scope::root("app").unwrap();
    app.add_interceptor(NoLate).unwrap();
    let log = app.enable_event_log(4).unwrap();
    let queued = ValueLog::new();
    let q = queued.clone();
    app.on::<()>("first")
        .handle(move |cx, _| q.push(cx.scope().emit("late", ()).is_ok()))
        .unwrap();
    app.emit("first", ()).unwrap();
    assert_eq!(queued.take(), [true]); // queued: its outcome was not known yet
    assert!(matches!(log.entries()[1].outcome, EventOutcome::Vetoed(_)));
}
