use std::panic::{AssertUnwindSafe, catch_unwind};

use reactive_core::{Effect, Signal, batch, create_root};
use reactive_store::*;

use super::common::{Counter, DropCounter, Log};

#[test]
fn events_are_delivered_in_emission_order_and_nested_emits_are_queued() {
    let app = Scope::root("app").unwrap();
    let log = Log::new();
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
    let log = Log::new();
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
    let log = Log::new();
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
        Err(ScopeError::InvalidTopic { .. })
    ));
    assert!(matches!(
        game.emit("player.*", 1u32),
        Err(ScopeError::InvalidTopic { .. })
    ));
}

#[test]
fn all_state_changes_caused_by_one_event_are_one_batch() {
    let app = Scope::root("app").unwrap();
    let (a, b) = (Signal::new(0), Signal::new(0));
    let seen = Log::new();
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
    let store_seen = Log::new();
    let ss = store_seen.clone();
    Effect::new(move || ss.push((a.get(), *store.snapshot())));
    app.emit("set", 7).unwrap();
    assert_eq!(seen.take(), [(0, 0), (7, 7)]);
    assert_eq!(store_seen.take(), [(0, 0), (7, 7)]);
}

#[test]
fn a_subscription_made_under_an_owner_is_removed_with_it() {
    let app = Scope::root("app").unwrap();
    let drops = Counter::default();
    let runs = Counter::default();
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
    let runs = Counter::default();
    let r = runs.clone();
    let later = std::rc::Rc::new(std::cell::Cell::new(None::<Subscription>));
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
    let seen = Log::new();
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
    let lengths = Log::new();
    let ((), root) = create_root(|| {
        let l = lengths.clone();
        Effect::new(move || l.push(log.len()));
    });
    for n in [1u8, 7, 2, 3] {
        child.emit("n", n).unwrap();
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
    struct Trace(&'static str, Log<String>);
    impl EventInterceptor for Trace {
        fn before(&self, e: &EventInfo<'_>) -> Result<(), Veto> {
            self.1.push(format!("{} before {}", self.0, e.topic));
            Ok(())
        }
        fn after(&self, _: &EventInfo<'_>, outcome: &EventOutcome) {
            self.1.push(format!("{} after {outcome:?}", self.0));
        }
    }
    let log = Log::new();
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
    let got = Log::new();
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
    let (projection, side_effect) = (Counter::default(), Counter::default());
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
    let got = Counter::default();
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
    let big = Log::new();
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
