use reactive_core::*;

use super::common::Counter;

#[test]
fn selection_change_reruns_only_the_old_and_new_rows() {
    let selected = Signal::new(0usize);
    let sel = Selector::new(move || selected.get());
    let runs: Vec<Counter> = (0..1000).map(|_| Counter::default()).collect();
    for (row, counter) in runs.iter().enumerate() {
        let c = counter.clone();
        Effect::new(move || {
            sel.is_selected(&row);
            c.hit();
        });
    }
    runs.iter().for_each(Counter::reset);
    selected.set(500);
    let reran: Vec<usize> = (0..1000).filter(|&i| runs[i].get() > 0).collect();
    assert_eq!(reran, [0, 500]);
    assert!(runs.iter().all(|c| c.get() <= 1));
    assert!(sel.is_selected(&500) && !sel.is_selected(&0));
}

#[test]
fn is_selected_is_consistent_inside_a_batch() {
    let selected = Signal::new(1);
    let sel = Selector::new(move || selected.get());
    assert!(sel.is_selected(&1));
    batch(|| {
        selected.set(2);
        assert!(sel.is_selected(&2), "pulls the new key before the flush");
        assert!(!sel.is_selected(&1));
    });
}

#[test]
fn effect_reading_both_source_and_selector_sees_one_consistent_state() {
    let selected = Signal::new(1);
    let sel = Selector::new(move || selected.get());
    let ok = std::rc::Rc::new(std::cell::Cell::new(true));
    let o = ok.clone();
    Effect::new(move || {
        let s = selected.get();
        if !sel.is_selected(&s) {
            o.set(false);
        }
    });
    for i in 0..10 {
        selected.set(i);
    }
    assert!(ok.get());
}

#[test]
fn unchanged_selection_reruns_nothing() {
    let selected = Signal::new(3);
    let sel = Selector::new(move || selected.get());
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        sel.is_selected(&3);
        r.hit();
    });
    selected.set(3);
    assert_eq!(runs.get(), 1);
}

#[test]
fn selector_is_disposed_with_its_owner() {
    let before = Runtime::node_count();
    let (sel, root) = create_root(|| {
        let s = Signal::new(0);
        Selector::new(move || s.get())
    });
    for k in 0..10 {
        sel.is_selected(&k);
    }
    root.dispose();
    assert_eq!(Runtime::node_count(), before);
}
