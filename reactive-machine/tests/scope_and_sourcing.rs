//! The reactive integration (features `store` and `sourcing`): a machine in a scope, driven by
//! the scope's event bus, whose run is recorded as events and replays to the same
//! configuration and context.

#[path = "support/generator.rs"]
mod generator;
#[path = "support/vocabulary.rs"]
mod vocabulary;

use std::cell::RefCell;
use std::rc::Rc;

use proptest::prelude::*;
use reactive_core::{Effect, create_root};
use reactive_machine::{
    Chart, Event, Machine, MachineRecorder, ManualClock, ReplayError, RunError, ScopedMachine,
    Setup, StepError, replay_machine,
};
use reactive_sourcing::{EventStore, MemoryStore};
use reactive_store::{Key, Scope};
use serde_json::{Value, json};

fn light() -> Chart {
    Chart::from_xstate_json(
        r#"{"id":"light","initial":"green","context":{"changes":0},"states":{
            "green":{"on":{"NEXT":{"target":"red","actions":["count"]}}},
            "red":{"on":{"NEXT":{"target":"green","actions":["count"]},"STOP":"off"}},
            "off":{"type":"final"}}}"#,
    )
    .unwrap()
}

fn light_setup() -> Setup {
    Setup::new().action("count", |a| {
        let n = a.context["changes"].as_i64().unwrap_or(0);
        a.context.insert("changes".into(), (n + 1).into());
    })
}

#[test]
fn events_emitted_on_the_scope_or_below_drive_the_machine() {
    let app = Scope::root("app").unwrap();
    let crossing = app.child("crossing").unwrap();
    let machine = Machine::new(light(), &light_setup()).unwrap();
    let light = ScopedMachine::new(machine, &app, "light.*").unwrap();

    app.emit("light.cmd", Event::new("NEXT")).unwrap();
    assert!(light.view().matches("red"));
    crossing.emit("light.cmd", Event::new("NEXT")).unwrap(); // bubbles up
    assert!(light.view().matches("green"));
    app.emit("other", Event::new("NEXT")).unwrap(); // another topic
    app.emit("light.cmd", "NEXT".to_string()).unwrap(); // another type
    assert!(light.view().matches("green"));
    assert_eq!(light.with(|m| m.field("changes")), 2);
}

#[test]
fn a_scoped_machine_provided_in_its_scope_is_found_below() {
    const LIGHT: Key<ScopedMachine> = Key::new("light");
    let app = Scope::root("app").unwrap();
    let machine = Machine::new(light(), &light_setup()).unwrap();
    app.provide(LIGHT, ScopedMachine::new(machine, &app, "light").unwrap())
        .unwrap();
    let page = app.child("page").unwrap();
    let found = page.get_provided(LIGHT).unwrap().expect("provided above");
    page.emit("light", Event::new("NEXT")).unwrap();
    assert!(found.view().matches("red"));
}

#[test]
fn an_event_emitted_by_an_effect_during_a_step_is_sent_after_that_step() {
    let ((), root) = create_root(|| {
        let app = Scope::root("app").unwrap();
        let machine = Machine::new(light(), &light_setup()).unwrap();
        let light = ScopedMachine::new(machine, &app, "light").unwrap();
        let view = light.view();
        let seen = Rc::new(RefCell::new(Vec::new()));
        let log = seen.clone();
        // Turning red makes the effect ask for the next change at once.
        Effect::new(move || {
            let red = view.matches("red");
            log.borrow_mut().push(red);
            if red {
                app.emit("light", Event::new("NEXT")).unwrap();
            }
        });
        // Sent directly, the step's effects run while the machine is still handed out: the
        // effect's event waits in the queue until `with` returns.
        light.with(|m| m.send("NEXT")).unwrap();
        assert!(light.view().matches("green"));
        assert_eq!(*seen.borrow(), [false, true, false]);
        // Through the bus the same happens.
        app.emit("light", Event::new("NEXT")).unwrap();
        assert!(light.view().matches("green"));
        assert_eq!(light.with(|m| m.field("changes")), 4);
        assert!(light.take_errors().is_empty());
    });
    root.dispose();
}

#[test]
fn errors_of_steps_driven_by_the_bus_are_kept_until_taken() {
    let app = Scope::root("app").unwrap();
    let machine = Machine::new(light(), &light_setup()).unwrap();
    let light = ScopedMachine::new(machine, &app, "light").unwrap();
    for e in ["NEXT", "STOP", "NEXT"] {
        app.emit("light", Event::new(e)).unwrap();
    }
    let errors = light.take_errors();
    assert!(
        matches!(errors[..], [StepError::Run(RunError::Done)]),
        "{errors:?}"
    );
    assert!(light.take_errors().is_empty());
}

#[test]
fn a_detached_or_disposed_scope_no_longer_drives_the_machine() {
    let app = Scope::root("app").unwrap();
    let child = app.child("c").unwrap();
    let a = ScopedMachine::new(Machine::new(light(), &light_setup()).unwrap(), &app, "l").unwrap();
    let b =
        ScopedMachine::new(Machine::new(light(), &light_setup()).unwrap(), &child, "l").unwrap();
    assert!(a.detach());
    assert!(!a.detach());
    child.dispose().unwrap();
    app.emit("l", Event::new("NEXT")).unwrap();
    assert!(a.view().matches("green"));
    assert!(b.view().matches("green"));
}

#[test]
#[should_panic(expected = "ScopedMachine::with called while the machine is stepping")]
fn handing_out_the_machine_from_inside_its_own_step_is_a_named_panic() {
    let ((), _root) = create_root(|| {
        let app = Scope::root("app").unwrap();
        let machine = Machine::new(light(), &light_setup()).unwrap();
        let light = ScopedMachine::new(machine, &app, "light").unwrap();
        let view = light.view();
        let inside = light.clone();
        Effect::new(move || {
            if view.matches("red") {
                inside.with(|m| m.value());
            }
        });
        light.with(|m| m.send("NEXT")).unwrap();
    });
}

fn door() -> Chart {
    Chart::from_xstate_json(
        r#"{"id":"door","initial":"shut","context":{"changes":0},"states":{
            "shut":{"on":{"OPEN":{"target":"open","actions":["count"]}}},
            "open":{"after":{"50":"shut"},"on":{"NEXT":{"target":"shut","actions":["count"]}}}}}"#,
    )
    .unwrap()
}

#[test]
fn a_run_driven_by_the_bus_and_recorded_replays_to_the_same_configuration_and_context() {
    let store = Rc::new(MemoryStore::new());
    let app = Scope::root("app").unwrap();
    let clock = ManualClock::new();
    clock.set(1_000);
    let machine = Machine::with_clock(door(), &light_setup(), clock.clone()).unwrap();
    let door_machine = ScopedMachine::new(machine, &app, "door").unwrap();
    let recorder = door_machine
        .with(|m| MachineRecorder::start(m, store.clone(), "door-1"))
        .unwrap();
    door_machine.record_to(recorder);

    app.emit("door", Event::new("OPEN")).unwrap();
    clock.advance(50);
    assert_eq!(door_machine.run_timers().unwrap(), 1);
    app.emit("door", Event::new("OPEN")).unwrap();
    app.emit("door", Event::new("NEXT")).unwrap();
    app.emit("door", Event::new("OPEN")).unwrap();
    clock.advance(20); // not due yet: nothing recorded
    assert_eq!(door_machine.run_timers().unwrap(), 0);
    assert_eq!(store.stream_version("door-1").unwrap(), 6);

    let (replayed, replay_clock) =
        replay_machine(door(), &light_setup(), &*store, "door-1").unwrap();
    let (configuration, context) = door_machine.with(|m| (m.configuration(), m.context()));
    assert_eq!(replayed.configuration(), configuration);
    assert_eq!(replayed.context(), context);
    assert_eq!(replayed.field("changes"), 4);
    // The pending timer is where it was: due 50 ms after the last OPEN.
    assert_eq!(replayed.next_due(), Some(1_050 + 50));
    // The replay clock is at the last recorded step (a `run_timers` that fired nothing is not one).
    assert_eq!(reactive_machine::Clock::now_ms(&replay_clock), 1_050);
}

#[test]
fn a_replay_of_another_chart_reports_the_step_where_it_diverged() {
    let store = MemoryStore::new();
    let mut m = Machine::with_clock(light(), &light_setup(), ManualClock::new()).unwrap();
    let mut recorder = MachineRecorder::start(&m, &store, "l").unwrap();
    recorder.send(&mut m, "NEXT").unwrap();
    let other = Chart::from_xstate_json(
        r#"{"id":"light","initial":"green","context":{"changes":0},"states":{"green":{"on":{"NEXT":"amber"}},"amber":{}}}"#,
    )
    .unwrap();
    let err = replay_machine(other, &Setup::new(), &store, "l")
        .err()
        .unwrap();
    assert!(
        matches!(err, ReplayError::Diverged { version: 2, .. }),
        "{err}"
    );
}

#[test]
fn replaying_a_stream_that_is_not_a_run_is_a_typed_error() {
    let store = MemoryStore::new();
    let err = replay_machine(light(), &light_setup(), &store, "nothing")
        .err()
        .unwrap();
    assert!(matches!(err, ReplayError::NotARun { .. }), "{err}");
    let m = Machine::new(light(), &light_setup()).unwrap();
    MachineRecorder::start(&m, &store, "l").unwrap();
    let again = MachineRecorder::start(&m, &store, "l").err().unwrap();
    assert!(
        matches!(again, reactive_sourcing::EventStoreError::Conflict { .. }),
        "{again}"
    );
}

#[test]
fn a_refused_step_is_recorded_and_replayed_as_refused() {
    let store = MemoryStore::new();
    let mut m = Machine::with_clock(light(), &light_setup(), ManualClock::new()).unwrap();
    let mut recorder = MachineRecorder::start(&m, &store, "l").unwrap();
    for e in ["NEXT", "STOP"] {
        recorder.send(&mut m, e).unwrap();
    }
    let err = recorder.send(&mut m, "NEXT").err().unwrap();
    assert!(matches!(err, StepError::Run(RunError::Done)), "{err}");
    assert_eq!(recorder.version(), 4);
    let (replayed, _) = replay_machine(light(), &light_setup(), &store, "l").unwrap();
    assert!(replayed.is_done());
    assert_eq!(replayed.field("changes"), 1);
}

fn observe(m: &Machine) -> Value {
    json!({ "configuration": m.configuration(), "context": Value::Object(m.context()), "pending": m.pending() })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// Random machines (parallel regions, history, `always`, `after`, guards, raised events)
    /// driven by random steps through a recorder: the replay ends where the run did, pending
    /// timers included.
    #[test]
    fn a_recorded_random_run_replays_to_the_same_configuration_context_and_timers(seed in any::<u64>()) {
        let case = generator::Gen::case(seed);
        let chart = Rc::new(Chart::from_xstate_json(&case.config.to_string()).unwrap());
        let log = vocabulary::Log::default();
        let setup = vocabulary::setup_for(&case.config, &log);
        let clock = ManualClock::new();
        let Ok(mut m) = Machine::with_clock(chart.clone(), &setup, clock.clone()) else { return Ok(()) };
        let store = MemoryStore::new();
        let mut recorder = MachineRecorder::start(&m, &store, "run").unwrap();
        for s in &case.steps {
            let _ = match s["send"].as_str() {
                Some(e) => recorder.send(&mut m, e).map(|_| ()),
                None => {
                    clock.advance(s["wait"].as_u64().unwrap());
                    recorder.run_timers(&mut m).map(|_| ())
                }
            };
        }
        let (replayed, _) = replay_machine(chart, &setup, &store, "run").unwrap();
        prop_assert_eq!(observe(&replayed), observe(&m));
    }
}
