//! Snapshots: a machine stored and restored continues as if it had never stopped — its
//! configuration, context, history and pending delayed events (the part XState's persisted
//! snapshots lose).

#[path = "support/generator.rs"]
mod generator;
#[path = "support/vocabulary.rs"]
mod vocabulary;

use std::rc::Rc;

use proptest::prelude::*;
use reactive_machine::{
    Chart, Machine, MachineSnapshot, ManualClock, RestoreError, RunError, Setup,
};
use serde_json::{Value, json};

fn step(m: &mut Machine, clock: &ManualClock, step: &Value) -> bool {
    let result = match step["send"].as_str() {
        Some(e) => m.send(e).map(|_| ()),
        None => {
            clock.advance(step["wait"].as_u64().unwrap());
            m.run_timers().map(|_| ())
        }
    };
    !matches!(result, Err(RunError::Livelock { .. }))
}

fn observe(m: &Machine, log: &vocabulary::Log) -> Value {
    json!({ "value": m.value(), "context": Value::Object(m.context()), "log": log.borrow_mut().drain(..).collect::<Vec<_>>(), "done": m.is_done(), "pending": m.pending() })
}

/// A case the property test below found: in a parallel root, one region's atomic state takes
/// a wildcard transition to a history state standing for itself (XState: it exits nothing and
/// re-enters it), while the other region's transition exits the whole machine and enters the
/// first region's other child. XState takes both and keeps both children of the compound
/// state (showing the first); so does the XState dialect, and its snapshots must restore.
#[test]
fn a_snapshot_of_a_configuration_only_xstate_allows_restores() {
    let case = generator::Gen::case(7124315699736070225);
    let chart = Rc::new(Chart::from_xstate_json(&case.config.to_string()).unwrap());
    let log = vocabulary::Log::default();
    let setup = vocabulary::setup_for(&case.config, &log);
    let clock = ManualClock::new();
    let mut machine = Machine::with_clock(chart.clone(), &setup, clock.clone()).unwrap();
    let mut restored_steps = 0;
    for s in &case.steps {
        // The last step livelocks (as in XState): the run ends there.
        if !step(&mut machine, &clock, s) {
            break;
        }
        let snapshot = MachineSnapshot::from_json(&machine.snapshot().to_json().unwrap()).unwrap();
        let restored = Machine::restore(chart.clone(), &setup, ManualClock::new(), &snapshot);
        assert!(restored.is_ok(), "after {s}: {:?}", restored.err());
        restored_steps += 1;
    }
    // The fifth step (`B`) is the one that leaves `s1` with two active children.
    assert!(restored_steps >= 5, "only {restored_steps} steps ran");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Random machines, stopped after a random step, written to JSON, read back into a new
    /// machine on a new clock at the same time: every later step is the same as without the stop.
    #[test]
    fn a_restored_machine_continues_exactly_as_the_uninterrupted_one(seed in any::<u64>(), split in 0usize..14) {
        let case = generator::Gen::case(seed);
        let chart = Rc::new(Chart::from_xstate_json(&case.config.to_string()).unwrap());
        let log = vocabulary::Log::default();
        let setup = vocabulary::setup_for(&case.config, &log);
        let split = split.min(case.steps.len());

        let clock = ManualClock::new();
        let Ok(mut whole) = Machine::with_clock(chart.clone(), &setup, clock.clone()) else { return Ok(()) };
        log.borrow_mut().clear();
        let mut expected = Vec::new();
        let mut stored = None;
        for (i, s) in case.steps.iter().enumerate() {
            if i == split {
                stored = Some((whole.snapshot().to_json().unwrap(), clock.now()));
            }
            if !step(&mut whole, &clock, s) { break; }
            expected.push(observe(&whole, &log));
        }
        if split == case.steps.len() {
            stored = Some((whole.snapshot().to_json().unwrap(), clock.now()));
        }
        // A livelock before the split ends the run there: nothing to continue.
        let Some((json, at)) = stored else { return Ok(()) };
        log.borrow_mut().clear();

        let snapshot = MachineSnapshot::from_json(&json).unwrap();
        let clock = ManualClock::new();
        clock.set(at);
        let mut restored = Machine::restore(chart, &setup, clock.clone(), &snapshot).unwrap();
        let mut got = Vec::new();
        for s in case.steps.iter().skip(split) {
            if !step(&mut restored, &clock, s) { break; }
            got.push(observe(&restored, &log));
        }
        prop_assert_eq!(&got[..], &expected[split.min(expected.len())..]);
    }
}

trait Now {
    fn now(&self) -> u64;
}

impl Now for ManualClock {
    fn now(&self) -> u64 {
        reactive_machine::Clock::now_ms(self)
    }
}

fn timeout_chart() -> Rc<Chart> {
    Rc::new(
        Chart::from_xstate_json(
            r#"{"id":"m","initial":"a","context":{"n":0},"states":{
                "a":{"after":{"1000":"late"},"on":{"GO":"b"}},"b":{},"late":{}}}"#,
        )
        .unwrap(),
    )
}

#[test]
fn a_pending_timer_fires_after_restore_when_it_was_due() {
    let clock = ManualClock::new();
    let m = Machine::with_clock(timeout_chart(), &Setup::new(), clock.clone()).unwrap();
    clock.advance(700);
    let snapshot = m.snapshot();
    assert_eq!(snapshot.pending.len(), 1);
    assert_eq!(snapshot.pending[0].due, 1000);

    let mut restored =
        Machine::restore(timeout_chart(), &Setup::new(), clock.clone(), &snapshot).unwrap();
    clock.advance(299);
    assert_eq!(restored.run_timers().unwrap(), 0);
    clock.advance(1);
    assert_eq!(restored.run_timers().unwrap(), 1);
    assert_eq!(restored.value(), "late");
}

#[test]
fn an_overdue_timer_fires_on_the_first_run_after_restore() {
    let clock = ManualClock::new();
    let m = Machine::with_clock(timeout_chart(), &Setup::new(), clock.clone()).unwrap();
    let snapshot = m.snapshot();
    let later = ManualClock::new();
    later.set(5_000);
    let mut restored = Machine::restore(timeout_chart(), &Setup::new(), later, &snapshot).unwrap();
    assert_eq!(restored.value(), "a", "restoring runs nothing");
    assert_eq!(restored.run_timers().unwrap(), 1);
    assert_eq!(restored.value(), "late");
}

#[test]
fn resume_at_keeps_the_time_left_instead_of_the_due_time() {
    let clock = ManualClock::new();
    let m = Machine::with_clock(timeout_chart(), &Setup::new(), clock.clone()).unwrap();
    clock.advance(400);
    let snapshot = m.snapshot().resume_at(10_000);
    assert_eq!(snapshot.pending[0].due, 10_600, "600 ms were left");
}

#[test]
fn a_snapshot_from_another_chart_is_refused_with_the_state_it_names() {
    let clock = ManualClock::new();
    let m = Machine::with_clock(timeout_chart(), &Setup::new(), clock.clone()).unwrap();
    let other = Chart::from_xstate_json(r#"{"id":"m","initial":"x","states":{"x":{}}}"#).unwrap();
    let err = Machine::restore(other, &Setup::new(), clock, &m.snapshot()).unwrap_err();
    assert!(
        matches!(err, RestoreError::UnknownState(ref s) if s == "a"),
        "{err}"
    );
}

#[test]
fn a_snapshot_with_an_illegal_configuration_is_refused() {
    // SCXML: a compound state with two active children.
    let scxml = || {
        Rc::new(
            Chart::from_scxml(
                r#"<scxml xmlns="http://www.w3.org/2005/07/scxml" initial="a">
                     <state id="a"><transition event="GO" target="b"/></state><state id="b"/>
                   </scxml>"#,
            )
            .unwrap(),
        )
    };
    let clock = ManualClock::new();
    let m = Machine::with_clock(scxml(), &Setup::new(), clock.clone()).unwrap();
    let mut snapshot = m.snapshot();
    snapshot.configuration.push("b".into());
    let err = Machine::restore(scxml(), &Setup::new(), clock, &snapshot).unwrap_err();
    assert!(
        matches!(err, RestoreError::IllegalConfiguration(_)),
        "{err}"
    );
}

#[test]
fn a_snapshot_with_an_active_history_state_is_refused_in_either_dialect() {
    let chart = || {
        Rc::new(
            Chart::from_xstate_json(
                r##"{"id":"m","initial":"s","states":{"s":{"initial":"a","states":{
                    "a":{},"h":{"type":"history"}}}}}"##,
            )
            .unwrap(),
        )
    };
    let clock = ManualClock::new();
    let m = Machine::with_clock(chart(), &Setup::new(), clock.clone()).unwrap();
    let mut snapshot = m.snapshot();
    snapshot.configuration.push("s.h".into());
    let err = Machine::restore(chart(), &Setup::new(), clock, &snapshot).unwrap_err();
    assert!(
        matches!(err, RestoreError::IllegalConfiguration(ref e) if e.contains("history")),
        "{err}"
    );
}

#[test]
fn a_snapshot_keeps_context_and_deep_history() {
    let chart = Rc::new(
        Chart::from_xstate_json(
            r##"{"id":"m","initial":"s","context":{"count":0},"states":{
                "s":{"initial":"a","on":{"OUT":"out"},"states":{
                    "a":{"on":{"NEXT":{"target":"b","actions":["inc.count"]}}},
                    "b":{"initial":"b1","states":{"b1":{"on":{"NEXT":"b2"}},"b2":{}}},
                    "h":{"type":"history","history":"deep"}}},
                "out":{"on":{"BACK":"#m.s.h"}}}}"##,
        )
        .unwrap(),
    );
    let log = vocabulary::Log::default();
    let setup = vocabulary::setup_for(&json!({"actions": ["inc.count"]}), &log);
    let clock = ManualClock::new();
    let mut m = Machine::with_clock(chart.clone(), &setup, clock.clone()).unwrap();
    for e in ["NEXT", "NEXT", "OUT"] {
        m.send(e).unwrap();
    }
    let json = m.snapshot().to_json().unwrap();
    let mut back = Machine::restore(
        chart,
        &setup,
        clock,
        &MachineSnapshot::from_json(&json).unwrap(),
    )
    .unwrap();
    assert_eq!(back.field("count"), 1);
    back.send("BACK").unwrap();
    assert_eq!(back.value(), json!({"s": {"b": "b2"}}));
}
