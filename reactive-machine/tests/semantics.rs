//! The statechart rules, one test each, on XState JSON machines (the differential test checks
//! the same rules against XState itself on random machines).

#[path = "support/vocabulary.rs"]
mod vocabulary;

use reactive_machine::{Chart, DefinitionError, Machine, ManualClock, RunError, Setup, StartError};
use serde_json::{Value, json};

/// A machine from `config`, its action log and its clock.
fn start(config: Value) -> (Machine, vocabulary::Log, ManualClock) {
    let log = vocabulary::Log::default();
    let setup = vocabulary::setup_for(&config, &log);
    let clock = ManualClock::new();
    let chart = Chart::from_xstate_json(&config.to_string()).expect("loads");
    let machine = Machine::with_clock(chart, &setup, clock.clone()).expect("starts");
    (machine, log, clock)
}

fn drain(log: &vocabulary::Log) -> Vec<String> {
    log.borrow_mut().drain(..).collect()
}

#[test]
fn exit_actions_run_deepest_first_then_transition_actions_then_entry_actions_outermost_first() {
    let (mut m, log, _) = start(json!({"id":"m","initial":"a","states":{
        "a":{"exit":["log.ex_a"],"initial":"a1","states":{"a1":{"exit":["log.ex_a1"],"on":{"GO":{"target":"#m.b.b1","actions":["log.t"]}}}}},
        "b":{"entry":["log.en_b"],"initial":"b1","states":{"b1":{"entry":["log.en_b1"]}}}}}));
    drain(&log);
    m.send("GO").unwrap();
    assert_eq!(
        drain(&log),
        ["log.ex_a1", "log.ex_a", "log.t", "log.en_b", "log.en_b1"]
    );
    assert_eq!(m.value(), json!({"b": "b1"}));
}

#[test]
fn the_first_transition_in_document_order_whose_guard_holds_is_taken() {
    let (mut m, _, _) = start(
        json!({"id":"m","initial":"a","context":{"count":1},"states":{
        "a":{"on":{"GO":[{"guard":"even.count","target":"even"},{"guard":"lt.count.5","target":"small"},{"target":"other"}]}},
        "even":{},"small":{},"other":{}}}),
    );
    m.send("GO").unwrap();
    assert_eq!(m.value(), "small");
}

#[test]
fn a_child_transition_wins_over_its_ancestors_transition_for_the_same_event() {
    let (mut m, _, _) = start(json!({"id":"m","initial":"p","states":{
        "p":{"on":{"GO":"q"},"initial":"c","states":{"c":{"on":{"GO":"d"}},"d":{}}},"q":{}}}));
    m.send("GO").unwrap();
    assert_eq!(m.value(), json!({"p": "d"}));
    m.send("GO").unwrap();
    assert_eq!(m.value(), "q");
}

#[test]
fn parallel_regions_each_take_their_own_transition_for_one_event() {
    let (mut m, _, _) = start(json!({"id":"m","type":"parallel","states":{
        "r1":{"initial":"a","states":{"a":{"on":{"GO":"b"}},"b":{}}},
        "r2":{"initial":"a","states":{"a":{"on":{"GO":"b"}},"b":{}}}}}));
    m.send("GO").unwrap();
    assert_eq!(m.value(), json!({"r1": "b", "r2": "b"}));
}

#[test]
fn raised_events_are_processed_before_the_next_external_event_in_order() {
    let (mut m, log, _) = start(json!({"id":"m","initial":"a","states":{
        "a":{"on":{"GO":{"target":"b","actions":["raise.X","raise.Y"]}}},
        "b":{"on":{"X":{"target":"c","actions":["log.x"]}}},
        "c":{"on":{"Y":{"target":"d","actions":["log.y"]}}},"d":{}}}));
    m.send("GO").unwrap();
    assert_eq!(drain(&log), ["raise.X", "raise.Y", "log.x", "log.y"]);
    assert_eq!(m.value(), "d");
}

#[test]
fn eventless_transitions_run_until_no_guard_holds() {
    let (mut m, _, _) = start(
        json!({"id":"m","initial":"idle","context":{"count":0},"states":{
        "idle":{"on":{"GO":"counting"}},
        "counting":{"always":[{"guard":"lt.count.3","actions":["inc.count"]},{"target":"done"}]},
        "done":{}}}),
    );
    m.send("GO").unwrap();
    assert_eq!(m.field("count"), 3);
    assert_eq!(m.value(), "done");
}

#[test]
fn shallow_history_restores_the_child_and_deep_history_the_whole_subtree() {
    let config = |depth: &str| {
        json!({"id":"m","initial":"s","states":{
            "s":{"initial":"a","on":{"OUT":"out"},"states":{
                "a":{"on":{"NEXT":"b"}},
                "b":{"initial":"b1","states":{"b1":{"on":{"NEXT":"b2"}},"b2":{}}},
                "h":{"type":"history","history":depth}}},
            "out":{"on":{"BACK":"#m.s.h"}}}})
    };
    for (depth, expected) in [
        ("shallow", json!({"s": {"b": "b1"}})),
        ("deep", json!({"s": {"b": "b2"}})),
    ] {
        let (mut m, _, _) = start(config(depth));
        for e in ["NEXT", "NEXT", "OUT", "BACK"] {
            m.send(e).unwrap();
        }
        assert_eq!(m.value(), expected, "{depth} history");
    }
}

#[test]
fn history_without_a_recorded_value_enters_its_parents_initial_state() {
    let (mut m, _, _) = start(json!({"id":"m","initial":"out","states":{
        "s":{"initial":"a","states":{"a":{},"b":{},"h":{"type":"history"}}},
        "out":{"on":{"IN":"#m.s.h"}}}}));
    m.send("IN").unwrap();
    assert_eq!(m.value(), json!({"s": "a"}));
}

#[test]
fn a_final_state_in_each_parallel_region_completes_the_parallel_state() {
    let (mut m, log, _) = start(json!({"id":"m","initial":"p","states":{
        "p":{"type":"parallel","onDone":{"target":"after","actions":["log.p_done"]},"states":{
            "r1":{"initial":"a","states":{"a":{"on":{"A":"f"}},"f":{"type":"final"}}},
            "r2":{"initial":"a","states":{"a":{"on":{"B":"f"}},"f":{"type":"final"}}}}},
        "after":{}}}));
    m.send("A").unwrap();
    assert_eq!(
        m.value(),
        json!({"p": {"r1": "f", "r2": "a"}}),
        "one region final is not enough"
    );
    m.send("B").unwrap();
    assert_eq!(m.value(), "after");
    assert_eq!(drain(&log), ["log.p_done"]);
}

#[test]
fn a_top_level_final_state_completes_the_machine_and_later_events_are_refused() {
    let (mut m, log, _) = start(json!({"id":"m","initial":"a","states":{
        "a":{"on":{"END":"end"}},"end":{"type":"final","exit":["log.ex_end"]}}}));
    m.send("END").unwrap();
    assert!(m.is_done());
    assert_eq!(
        drain(&log),
        ["log.ex_end"],
        "completion runs the exit actions"
    );
    assert_eq!(m.send("END"), Err(RunError::Done));
}

#[test]
fn xstate_descriptors_match_exactly_or_by_prefix_wildcard() {
    let (mut m, log, _) = start(json!({"id":"m","initial":"a","states":{"a":{"on":{
        "err":{"actions":["log.exact"]},"err.*":{"actions":["log.prefix"]},"*":{"actions":["log.any"]}}}}}));
    for e in ["err", "err.net", "errors"] {
        m.send(e).unwrap();
    }
    assert_eq!(drain(&log), ["log.exact", "log.prefix", "log.any"]);
}

#[test]
fn a_transition_to_its_own_source_reenters_it_only_with_reenter() {
    let (mut m, log, _) = start(
        json!({"id":"m","initial":"a","states":{"a":{"entry":["log.en"],"exit":["log.ex"],
        "on":{"SELF":"a","RE":{"target":"a","reenter":true}}}}}),
    );
    drain(&log);
    m.send("SELF").unwrap();
    assert_eq!(drain(&log), Vec::<String>::new());
    m.send("RE").unwrap();
    assert_eq!(drain(&log), ["log.ex", "log.en"]);
}

#[test]
fn delayed_transitions_fire_when_the_clock_reaches_them_and_are_cancelled_on_exit() {
    let (mut m, _, clock) = start(json!({"id":"m","initial":"a","states":{
        "a":{"after":{"100":"timeout"},"on":{"LEAVE":"b"}},"b":{"on":{"BACK":"a"}},"timeout":{}}}));
    clock.advance(99);
    assert_eq!(m.run_timers().unwrap(), 0);
    m.send("LEAVE").unwrap();
    assert!(
        m.pending().is_empty(),
        "leaving the state cancels its timer"
    );
    m.send("BACK").unwrap();
    assert_eq!(m.next_due(), Some(199), "re-entering schedules from now");
    clock.advance(100);
    assert_eq!(m.run_timers().unwrap(), 1);
    assert_eq!(m.value(), "timeout");
}

#[test]
fn a_macrostep_that_never_settles_is_a_livelock_error() {
    let config =
        json!({"id":"m","initial":"a","states":{"a":{"on":{"GO":{"actions":["raise.GO"]}}}}});
    let (mut m, _, _) = start(config);
    assert!(matches!(m.send("GO"), Err(RunError::Livelock { .. })));
}

#[test]
fn unknown_targets_and_unsupported_keys_are_errors_naming_their_path() {
    let err =
        Chart::from_xstate_json(r#"{"initial":"a","states":{"a":{"on":{"GO":{"target":"zz"}}}}}"#)
            .unwrap_err();
    assert_eq!(
        err,
        DefinitionError::UnknownTarget {
            path: "states.a.on.GO[0].target".into(),
            target: "zz".into()
        }
    );
    let err = Chart::from_xstate_json(r#"{"initial":"a","states":{"a":{"invoke":{"src":"x"}}}}"#)
        .unwrap_err();
    assert_eq!(
        err,
        DefinitionError::Unsupported {
            path: "states.a.invoke".into(),
            name: "invoke".into()
        }
    );
    let err = Chart::from_xstate_json(r#"{"states":{"a":{}}}"#).unwrap_err();
    assert!(
        matches!(err, DefinitionError::Invalid { ref path, .. } if path.is_empty()),
        "{err}"
    );
    let err = Chart::from_xstate_json("{").unwrap_err();
    assert!(matches!(err, DefinitionError::Syntax(_)));
}

#[test]
fn names_missing_from_the_setup_are_errors_naming_where_they_are_used() {
    let chart = Chart::from_xstate_json(
        r#"{"initial":"a","states":{"a":{"on":{"GO":{"guard":"ready","target":"a"}}}}}"#,
    )
    .unwrap();
    let err = Machine::new(chart, &Setup::new()).unwrap_err();
    assert_eq!(
        err,
        StartError::Definition(DefinitionError::UnknownName {
            kind: "guard",
            name: "ready".into(),
            path: "states.a.on.GO[0].guard".into()
        })
    );
}

#[test]
fn named_delays_come_from_the_setup() {
    let chart =
        Chart::from_xstate_json(r#"{"initial":"a","states":{"a":{"after":{"retry":"b"}},"b":{}}}"#)
            .unwrap();
    let clock = ManualClock::new();
    let mut m =
        Machine::with_clock(chart, &Setup::new().delay("retry", |_| 30), clock.clone()).unwrap();
    clock.advance(30);
    m.run_timers().unwrap();
    assert_eq!(m.value(), "b");
}

#[test]
fn the_mermaid_diagram_shows_states_regions_and_labelled_transitions() {
    let chart = Chart::from_xstate_json(
        r#"{"id":"m","initial":"p","states":{"p":{"type":"parallel","states":{
            "r1":{"initial":"a","states":{"a":{"after":{"500":"b"}},"b":{}}},
            "r2":{"initial":"x","states":{"x":{"on":{"GO":{"target":"y","guard":"ok"}}},"y":{"type":"final"}}}}}}}"#,
    )
    .unwrap();
    let d = chart.to_mermaid();
    for line in [
        "state p {",
        "--",
        "p_r1_a --> p_r1_b : after 500ms",
        "p_r2_x --> p_r2_y : GO [ok]",
        "p_r2_y --> [*]",
    ] {
        assert!(d.contains(line), "missing {line:?} in\n{d}");
    }
}

#[test]
fn scxml_descriptors_match_token_prefixes() {
    let chart = Chart::from_scxml(
        r#"<scxml xmlns="http://www.w3.org/2005/07/scxml"><state id="a">
             <transition event="error" target="b"/></state><state id="b"/></scxml>"#,
    )
    .unwrap();
    let mut m = Machine::new(chart, &Setup::new()).unwrap();
    m.send("errors").unwrap();
    assert!(m.matches("a"), "`error` does not match `errors`");
    m.send("error.net.down").unwrap();
    assert!(m.matches("b"));
}

#[test]
fn scxml_internal_transitions_do_not_exit_their_source() {
    let chart = Chart::from_scxml(
        r#"<scxml xmlns="http://www.w3.org/2005/07/scxml">
             <datamodel><data id="exits" expr="0"/></datamodel>
             <state id="p"><onexit><assign location="exits" expr="exits + 1"/></onexit>
               <transition event="in" type="internal" target="c2"/>
               <transition event="out" target="c2"/>
               <state id="c1"/><state id="c2"/></state></scxml>"#,
    )
    .unwrap();
    let mut m = Machine::new(chart, &Setup::new()).unwrap();
    m.send("in").unwrap();
    assert_eq!(m.field("exits"), 0);
    m.send("out").unwrap();
    assert_eq!(m.field("exits"), 1);
}

#[test]
fn an_scxml_expression_that_fails_raises_error_execution_and_ends_its_block() {
    let chart = Chart::from_scxml(
        r#"<scxml xmlns="http://www.w3.org/2005/07/scxml">
             <datamodel><data id="n" expr="0"/></datamodel>
             <state id="a">
               <onentry><assign location="n" expr="nope + 1"/><assign location="n" expr="5"/></onentry>
               <transition event="error.execution" target="b"/></state>
             <state id="b"/></scxml>"#,
    )
    .unwrap();
    let m = Machine::new(chart, &Setup::new()).unwrap();
    assert!(m.matches("b"));
    assert_eq!(m.field("n"), 0, "the rest of the block did not run");
}

#[test]
fn scxml_elements_outside_the_data_model_are_errors_naming_element_and_line() {
    let err = Chart::from_scxml(
        "<scxml xmlns=\"http://www.w3.org/2005/07/scxml\">\n<state id=\"a\">\n<onentry><script>x = 1</script></onentry>\n</state></scxml>",
    )
    .unwrap_err();
    assert_eq!(
        err,
        DefinitionError::Unsupported {
            path: "line 3".into(),
            name: "<script>".into()
        }
    );
    let err = Chart::from_scxml(
        "<scxml xmlns=\"http://www.w3.org/2005/07/scxml\">\n<state id=\"a\">\n<transition cond=\"_event.name == 'x'\"/></state></scxml>",
    )
    .unwrap_err();
    assert!(
        matches!(err, DefinitionError::Unsupported { ref path, .. } if path == "line 3"),
        "{err}"
    );
}

#[test]
fn scxml_delayed_send_and_cancel_use_the_clock() {
    let chart = Chart::from_scxml(
        r#"<scxml xmlns="http://www.w3.org/2005/07/scxml">
             <state id="a"><onentry><send event="late" delay="1.5s" id="t"/><send event="soon" delay="200ms"/></onentry>
               <transition event="soon" target="b"><cancel sendid="t"/></transition>
               <transition event="late" target="c"/></state>
             <state id="b"/><state id="c"/></scxml>"#,
    )
    .unwrap();
    let clock = ManualClock::new();
    let mut m = Machine::with_clock(chart, &Setup::new(), clock.clone()).unwrap();
    assert_eq!(m.pending().len(), 2);
    clock.advance(200);
    m.run_timers().unwrap();
    assert!(m.matches("b"));
    assert!(m.pending().is_empty(), "the cancel removed the 1.5 s event");
}

#[test]
fn the_dot_graph_draws_clusters_initial_dots_finals_history_and_labelled_edges() {
    let chart = Chart::from_xstate_json(
        r#"{"id":"m","initial":"p","states":{"p":{"type":"parallel","states":{
            "r1":{"initial":"a","states":{"a":{"after":{"500":"b"}},"b":{},"h":{"type":"history","history":"deep"}}},
            "r2":{"initial":"x","states":{"x":{"on":{"GO":{"target":"y","guard":"ok"}}},"y":{"type":"final"}}}}},
            "q":{"on":{"BACK":"p"}}}}"#,
    )
    .unwrap();
    let d = chart.to_dot();
    for line in [
        "digraph \"m\" {",
        "subgraph \"cluster p\" {",
        "style=dashed;",
        "subgraph \"cluster p.r1\" {",
        "\"p.r1(initial)\" -> \"p.r1.a\";",
        "\"p.r1.a\" -> \"p.r1.b\" [label=\"after 500ms\"];",
        "\"p.r2.x\" -> \"p.r2.y\" [label=\"GO [ok]\"];",
        "\"p.r2.y\" [label=\"y\", peripheries=2];",
        "\"p.r1.h\" [label=\"H*\", shape=circle];",
        "\"q\" -> \"p\" [label=\"BACK\", lhead=\"cluster p\"];",
    ] {
        assert!(d.contains(line), "missing {line:?} in\n{d}");
    }
    assert_eq!(d.matches('{').count(), d.matches('}').count(), "{d}");
}
