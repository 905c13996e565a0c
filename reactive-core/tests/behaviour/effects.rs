use reactive_core::*;

use super::common::{Counter, Log};

#[test]
fn effect_runs_once_on_creation() {
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || r.hit());
    assert_eq!(runs.get(), 1);
}

#[test]
fn effect_reruns_after_a_change_of_what_it_read() {
    let s = Signal::new(1);
    let log = Log::new();
    let l = log.clone();
    Effect::new(move || l.push(s.get()));
    s.set(2);
    s.set(3);
    assert_eq!(log.take(), [1, 2, 3]);
}

#[test]
fn effect_does_not_rerun_for_an_unrelated_signal() {
    let (a, b) = (Signal::new(1), Signal::new(1));
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        a.get();
        r.hit();
    });
    b.set(2);
    assert_eq!(runs.get(), 1);
}

#[test]
fn batch_runs_each_effect_once_at_the_outermost_end() {
    let (a, b) = (Signal::new(0), Signal::new(0));
    let log = Log::new();
    let l = log.clone();
    Effect::new(move || l.push((a.get(), b.get())));
    batch(|| {
        a.set(1);
        batch(|| b.set(1));
        assert_eq!(
            log.take(),
            [(0, 0)],
            "nothing runs before the outermost batch ends"
        );
        a.set(2);
    });
    assert_eq!(log.take(), [(2, 1)]);
}

#[test]
fn effect_never_sees_a_half_updated_state() {
    let first = Signal::new("Ada".to_string());
    let last = Signal::new("Lovelace".to_string());
    let full = Memo::new(move || format!("{} {}", first.get(), last.get()));
    let log = Log::new();
    let l = log.clone();
    Effect::new(move || l.push((first.get(), full.get())));
    batch(|| {
        first.set("Grace".into());
        last.set("Hopper".into());
    });
    let seen = log.take();
    assert_eq!(
        seen.last().unwrap(),
        &("Grace".to_string(), "Grace Hopper".to_string())
    );
    for (f, full) in seen {
        assert!(full.starts_with(&f), "inconsistent: {f} vs {full}");
    }
}

#[test]
fn effects_run_in_creation_order() {
    let s = Signal::new(0);
    let log = Log::new();
    for i in 0..5 {
        let l = log.clone();
        Effect::new(move || {
            s.get();
            l.push(i);
        });
    }
    log.take();
    s.set(1);
    assert_eq!(log.take(), [0, 1, 2, 3, 4]);
}

#[test]
fn owner_effect_runs_before_the_effects_it_owns() {
    let s = Signal::new(0);
    let log = Log::new();
    let l = log.clone();
    Effect::new(move || {
        s.get();
        l.push("outer");
        let l2 = l.clone();
        Effect::new(move || {
            s.get();
            l2.push("inner");
        });
    });
    log.take();
    s.set(1);
    // The inner effect of the previous run is disposed by the re-run; the new one runs once.
    assert_eq!(log.take(), ["outer", "inner"]);
}

#[test]
fn cleanup_runs_before_each_rerun_and_on_disposal() {
    let s = Signal::new(0);
    let log = Log::new();
    let l = log.clone();
    let e = Effect::new(move || {
        let v = s.get();
        l.push(format!("run {v}"));
        let l2 = l.clone();
        on_cleanup(move || l2.push(format!("cleanup {v}")));
    });
    s.set(1);
    e.dispose();
    assert_eq!(log.take(), ["run 0", "cleanup 0", "run 1", "cleanup 1"]);
}

#[test]
fn nodes_created_in_an_effect_are_disposed_when_it_reruns() {
    let s = Signal::new(0);
    let created = std::rc::Rc::new(std::cell::Cell::new(None));
    let c = created.clone();
    Effect::new(move || {
        s.get();
        c.set(Some(Signal::new(1)));
    });
    let first = created.get().unwrap();
    s.set(1);
    assert!(first.is_disposed());
    assert!(!created.get().unwrap().is_disposed());
}

#[test]
fn dynamic_dependency_not_taken_anymore_is_unsubscribed() {
    let cond = Signal::new(true);
    let (a, b) = (Signal::new(0), Signal::new(0));
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        r.hit();
        if cond.get() {
            a.get();
        } else {
            b.get();
        }
    });
    cond.set(false);
    runs.reset();
    a.set(1);
    assert_eq!(runs.get(), 0, "a is no longer read");
    b.set(1);
    assert_eq!(runs.get(), 1);
}

#[test]
fn memo_in_a_branch_not_taken_no_longer_reruns_the_effect_and_keeps_its_cache() {
    let cond = Signal::new(true);
    let a = Signal::new(0);
    let memo_runs = Counter::default();
    let mr = memo_runs.clone();
    let m = Memo::new(move || {
        mr.hit();
        a.get()
    });
    let effect_runs = Counter::default();
    let er = effect_runs.clone();
    let e = Effect::new(move || {
        er.hit();
        if cond.get() {
            m.get();
        }
    });
    cond.set(false);
    let snap = Runtime::graph_snapshot();
    assert!(
        !snap
            .edges
            .iter()
            .any(|x| x.source == m.id() && x.target == e.id())
    );
    assert_eq!(m.get(), 0);
    assert_eq!(
        memo_runs.get(),
        1,
        "cached value reused after losing its reader"
    );
    a.set(5);
    assert_eq!(
        effect_runs.get(),
        2,
        "changes in the branch not taken cause no runs"
    );
    assert_eq!(memo_runs.get(), 1, "nobody reads it: not recomputed");
    assert_eq!(m.get(), 5);
}

#[test]
fn write_inside_an_effect_is_flushed_in_the_same_flush() {
    let input = Signal::new(1);
    let doubled = Signal::new(0);
    Effect::new(move || doubled.set(input.get() * 2));
    let log = Log::new();
    let l = log.clone();
    Effect::new(move || l.push(doubled.get()));
    input.set(5);
    assert_eq!(doubled.get(), 10);
    assert_eq!(log.take(), [2, 10]);
}

#[test]
fn effect_writing_what_it_reads_settles_when_the_value_stops_changing() {
    let s = Signal::new(0);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        r.hit();
        let v = s.get();
        if v < 10 {
            s.set(v + 1);
        }
    });
    assert_eq!(s.get(), 10);
    assert_eq!(runs.get(), 11);
}

#[test]
fn effect_disposed_by_an_earlier_effect_in_the_same_flush_does_not_run() {
    let s = Signal::new(0);
    let runs = Counter::default();
    let victim = std::rc::Rc::new(std::cell::Cell::new(None::<Effect>));
    let v = victim.clone();
    Effect::new(move || {
        if s.get() == 1 {
            if let Some(e) = v.get() {
                e.dispose();
            }
        }
    });
    let r = runs.clone();
    victim.set(Some(Effect::new(move || {
        s.get();
        r.hit();
    })));
    s.set(1);
    assert_eq!(runs.get(), 1);
}

#[test]
fn effect_can_dispose_itself_while_running() {
    let s = Signal::new(0);
    let me = std::rc::Rc::new(std::cell::Cell::new(None::<Effect>));
    let m = me.clone();
    let runs = Counter::default();
    let r = runs.clone();
    me.set(Some(Effect::new(move || {
        r.hit();
        if s.get() == 1 {
            m.get().unwrap().dispose();
            s.get(); // reading after self-disposal is harmless
        }
    })));
    s.set(1);
    s.set(2);
    assert_eq!(runs.get(), 2);
    assert!(me.get().unwrap().is_disposed());
}

#[test]
fn disposed_effect_stops_running() {
    let s = Signal::new(0);
    let runs = Counter::default();
    let r = runs.clone();
    let e = Effect::new(move || {
        s.get();
        r.hit();
    });
    e.dispose();
    s.set(1);
    assert_eq!(runs.get(), 1);
}

#[test]
fn effect_reading_a_signal_twice_runs_once_per_change() {
    let s = Signal::new(0);
    let other = Signal::new(0);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        s.get();
        other.get();
        s.get();
        r.hit();
    });
    assert_eq!(Runtime::graph_snapshot().edges.len(), 2);
    s.set(1);
    assert_eq!(runs.get(), 2);
}
