//! The machine's state as signals: matches, value, context fields, `can`, and one batch per
//! macrostep.

use std::cell::RefCell;
use std::rc::Rc;

use reactive_core::{Effect, Memo};
use reactive_machine::{Chart, Machine, Setup};

fn counter_chart() -> Chart {
    Chart::from_xstate_json(
        r#"{"id":"m","initial":"idle","context":{"count":0,"name":"x"},"states":{
            "idle":{"on":{"START":"run"}},
            "run":{"initial":"slow","on":{"STOP":"idle","INC":{"actions":["inc"]}},"states":{
                "slow":{"on":{"FAST":"fast"}},"fast":{"on":{"SLOW":"slow"}}}}}}"#,
    )
    .unwrap()
}

fn setup() -> Setup {
    Setup::new().action("inc", |a| {
        let n = a.context["count"].as_i64().unwrap();
        a.context.insert("count".into(), (n + 1).into());
    })
}

fn runs_of(f: impl Fn() -> bool + 'static) -> Rc<RefCell<Vec<bool>>> {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    Effect::new(move || s.borrow_mut().push(f()));
    seen
}

#[test]
fn a_matcher_reruns_only_when_its_answer_flips() {
    let mut m = Machine::new(counter_chart(), &setup()).unwrap();
    let v = m.view();
    let fast = runs_of(move || v.matches("run.fast"));
    let v = m.view();
    let idle = runs_of(move || v.matches("idle"));
    m.send("START").unwrap(); // idle flips; fast does not
    m.send("FAST").unwrap(); // fast flips; idle does not
    m.send("INC").unwrap(); // neither
    assert_eq!(*fast.borrow(), [false, true]);
    assert_eq!(*idle.borrow(), [true, false]);
}

#[test]
fn a_macrostep_is_published_in_one_batch() {
    let chart = Chart::from_xstate_json(
        r#"{"initial":"a","states":{"a":{"on":{"GO":"b"}},"b":{"always":"c"},"c":{}}}"#,
    )
    .unwrap();
    let mut m = Machine::new(chart, &Setup::new()).unwrap();
    let v = m.view();
    let values = Rc::new(RefCell::new(Vec::new()));
    let seen = values.clone();
    Effect::new(move || seen.borrow_mut().push(v.value()));
    m.send("GO").unwrap();
    assert_eq!(
        *values.borrow(),
        ["a", "c"],
        "b, passed through within the macrostep, is never seen"
    );
}

#[test]
fn a_context_field_reader_reruns_when_that_field_changes_only() {
    let mut m = Machine::new(counter_chart(), &setup()).unwrap();
    let v = m.view();
    let counts = Rc::new(RefCell::new(Vec::new()));
    let c = counts.clone();
    Effect::new(move || c.borrow_mut().push(v.field("count")));
    let v = m.view();
    let names = Rc::new(RefCell::new(0));
    let n = names.clone();
    Effect::new(move || {
        v.field("name");
        *n.borrow_mut() += 1;
    });
    m.send("START").unwrap();
    m.send("INC").unwrap();
    m.send("INC").unwrap();
    assert_eq!(*counts.borrow(), [0, 1, 2]);
    assert_eq!(*names.borrow(), 1);
}

#[test]
fn can_tells_whether_an_event_would_do_something_now() {
    let mut m = Machine::new(counter_chart(), &setup()).unwrap();
    assert!(m.can("START") && !m.can("STOP") && !m.can("NOPE"));
    m.send("START").unwrap();
    assert!(m.can("STOP") && m.can("INC") && !m.can("START"));
}

#[test]
fn memos_over_the_view_recompute_from_the_configuration() {
    let mut m = Machine::new(counter_chart(), &setup()).unwrap();
    let v = m.view();
    let label = Memo::new(move || {
        if v.matches("run") {
            format!("running {}", v.field("count"))
        } else {
            "idle".into()
        }
    });
    assert_eq!(label.get(), "idle");
    m.send("START").unwrap();
    m.send("INC").unwrap();
    assert_eq!(label.get(), "running 1");
    assert_eq!(m.configuration(), ["", "run", "run.slow"]);
}
