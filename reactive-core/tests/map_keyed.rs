//! `map_keyed`: items enter, leave and move; each has an owner of its own. Unit tests of each
//! behaviour, then a property test against mapping the list from scratch.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use proptest::prelude::*;
use reactive_core::{
    Derived, Effect, Memo, Owner, Signal, batch, create_root, map_keyed, on_cleanup,
};

/// Counts per key: how many times it was mapped and how many times its owner was cleaned up.
#[derive(Default)]
struct Ledger {
    mapped: RefCell<HashMap<u32, u32>>,
    cleaned: RefCell<HashMap<u32, u32>>,
    serial: Cell<u64>,
}

impl Ledger {
    fn mapped(&self, k: u32) -> u32 {
        self.mapped.borrow().get(&k).copied().unwrap_or(0)
    }
    fn cleaned(&self, k: u32) -> u32 {
        self.cleaned.borrow().get(&k).copied().unwrap_or(0)
    }
    fn total_mapped(&self) -> u32 {
        self.mapped.borrow().values().sum()
    }
}

/// Maps `ids` to `(id, serial)`, where the serial tells apart two mappings of one key.
fn mapped_rows(ids: Signal<Vec<u32>>, ledger: &Rc<Ledger>) -> Memo<Vec<(u32, u64)>> {
    let ledger = ledger.clone();
    map_keyed(
        ids,
        |id| *id,
        move |id| {
            let id = *id;
            *ledger.mapped.borrow_mut().entry(id).or_default() += 1;
            let cleanup = ledger.clone();
            on_cleanup(move || *cleanup.cleaned.borrow_mut().entry(id).or_default() += 1);
            ledger.serial.set(ledger.serial.get() + 1);
            (id, ledger.serial.get())
        },
    )
}

#[test]
fn each_item_is_mapped_once_in_list_order() {
    let ledger = Rc::new(Ledger::default());
    let ids = Signal::new(vec![3, 1, 2]);
    let rows = mapped_rows(ids, &ledger);
    let keys: Vec<u32> = rows.get().iter().map(|r| r.0).collect();
    assert_eq!(keys, [3, 1, 2]);
    rows.get();
    assert_eq!(ledger.total_mapped(), 3);
}

#[test]
fn nothing_is_mapped_until_the_output_is_read() {
    let ledger = Rc::new(Ledger::default());
    let ids = Signal::new(vec![1, 2]);
    let rows = mapped_rows(ids, &ledger);
    ids.set(vec![1, 2, 3]);
    assert_eq!(ledger.total_mapped(), 0);
    assert_eq!(rows.get().len(), 3);
    assert_eq!(ledger.total_mapped(), 3);
}

#[test]
fn an_entering_key_is_mapped_and_the_others_are_kept() {
    let ledger = Rc::new(Ledger::default());
    let ids = Signal::new(vec![1, 2]);
    let rows = mapped_rows(ids, &ledger);
    let before = rows.get();
    ids.set(vec![1, 5, 2]);
    let after = rows.get();
    assert_eq!(after, [before[0], (5, 3), before[1]]);
    assert_eq!(
        (ledger.mapped(1), ledger.mapped(5), ledger.cleaned(1)),
        (1, 1, 0)
    );
}

#[test]
fn a_leaving_key_runs_its_cleanups_and_disposes_what_it_created() {
    let ids = Signal::new(vec![1, 2]);
    let cleaned = Rc::new(RefCell::new(Vec::new()));
    let c = cleaned.clone();
    let rows = map_keyed(
        ids,
        |id| *id,
        move |id| {
            let (c, id) = (c.clone(), *id);
            on_cleanup(move || c.borrow_mut().push(id));
            Signal::new(id * 10)
        },
    );
    let signals = rows.get();
    ids.set(vec![2]);
    assert_eq!(rows.get(), [signals[1]]);
    assert_eq!(*cleaned.borrow(), [1]);
    assert!(signals[0].is_disposed());
    assert!(!signals[1].is_disposed());
}

#[test]
fn a_moved_item_is_neither_remapped_nor_cleaned_up() {
    let ledger = Rc::new(Ledger::default());
    let ids = Signal::new(vec![1, 2, 3, 4]);
    let rows = mapped_rows(ids, &ledger);
    let before = rows.get();
    ids.set(vec![4, 2, 3, 1]);
    let after = rows.get();
    assert_eq!(after, [before[3], before[1], before[2], before[0]]);
    assert_eq!(ledger.total_mapped(), 4);
    assert!(ledger.cleaned.borrow().is_empty());
}

#[test]
fn a_key_that_leaves_and_comes_back_is_mapped_again_under_a_new_owner() {
    let ledger = Rc::new(Ledger::default());
    let ids = Signal::new(vec![1, 2]);
    let rows = mapped_rows(ids, &ledger);
    let first = rows.get()[0];
    ids.set(vec![2]);
    rows.get();
    ids.set(vec![2, 1]);
    let again = rows.get()[1];
    assert_eq!(again.0, 1);
    assert_ne!(again.1, first.1);
    assert_eq!((ledger.mapped(1), ledger.cleaned(1)), (2, 1));
}

#[test]
fn the_same_keys_in_the_same_order_notify_no_reader() {
    let ids = Signal::new(vec![1, 2]);
    let runs = Rc::new(Cell::new(0));
    let r = runs.clone();
    let ((), root) = create_root(|| {
        let rows = map_keyed(ids, |id| *id, |id| *id);
        Effect::new(move || {
            rows.track();
            r.set(r.get() + 1);
        });
    });
    ids.set(vec![1, 2]);
    assert_eq!(runs.get(), 1);
    ids.set(vec![2, 1]);
    assert_eq!(runs.get(), 2);
    root.dispose();
}

#[test]
fn a_kept_key_keeps_its_result_even_if_its_item_changed() {
    let items = Signal::new(vec![(1, "a"), (2, "b")]);
    let rows = map_keyed(items, |(id, _)| *id, |(_, text)| text.to_string());
    rows.get();
    items.set(vec![(1, "changed"), (2, "b")]);
    assert_eq!(rows.get(), ["a", "b"]);
}

#[test]
fn the_mapping_runs_untracked_under_the_items_own_owner() {
    let ids = Signal::new(vec![1]);
    let outside = Signal::new(0);
    let maps = Rc::new(Cell::new(0));
    let m = maps.clone();
    let rows = map_keyed(
        ids,
        |id| *id,
        move |_| {
            outside.get();
            m.set(m.get() + 1);
            Owner::current()
        },
    );
    let owner = rows.get()[0].expect("an owner while mapping");
    outside.set(1);
    rows.get();
    assert_eq!(maps.get(), 1);
    ids.set(vec![]);
    rows.get();
    assert!(owner.is_disposed());
}

#[test]
fn an_effect_made_by_the_mapping_runs_until_its_item_leaves() {
    let ids = Signal::new(vec![1]);
    let tick = Signal::new(0);
    let runs = Rc::new(Cell::new(0));
    let r = runs.clone();
    let rows = map_keyed(
        ids,
        |id| *id,
        move |_| {
            let r = r.clone();
            Effect::new(move || {
                tick.get();
                r.set(r.get() + 1);
            })
        },
    );
    rows.get();
    tick.set(1);
    assert_eq!(runs.get(), 2);
    ids.set(vec![]);
    rows.get();
    tick.set(2);
    assert_eq!(runs.get(), 2);
}

#[test]
fn disposing_the_callers_owner_cleans_up_every_item() {
    let ledger = Rc::new(Ledger::default());
    let ids = Signal::new(vec![1, 2, 3]);
    let (rows, root) = create_root(|| mapped_rows(ids, &ledger));
    rows.get();
    root.dispose();
    assert_eq!(
        (ledger.cleaned(1), ledger.cleaned(2), ledger.cleaned(3)),
        (1, 1, 1)
    );
    assert!(rows.is_disposed());
}

#[test]
fn the_list_may_be_a_memo_a_closure_or_a_shared_slice() {
    let n = Signal::new(3u32);
    let from_memo = map_keyed(
        Memo::new(move || (0..n.get()).collect::<Vec<_>>()),
        |i| *i,
        |i| i * 2,
    );
    let from_closure = map_keyed(move || vec![n.get()], |i| *i, |i| i + 1);
    let from_slice = map_keyed(
        Derived::new(move || Rc::<[u32]>::from(vec![n.get(), 0])),
        |i| *i,
        |i| *i,
    );
    assert_eq!(from_memo.get(), [0, 2, 4]);
    assert_eq!(from_closure.get(), [4]);
    assert_eq!(from_slice.get(), [3, 0]);
    n.set(1);
    assert_eq!(
        (from_memo.get(), from_closure.get(), from_slice.get()),
        (vec![0], vec![2], vec![1, 0])
    );
}

#[test]
fn a_duplicate_key_panics_naming_it_and_the_list_recovers_when_fixed() {
    let ledger = Rc::new(Ledger::default());
    let ids = Signal::new(vec![1, 2]);
    let rows = mapped_rows(ids, &ledger);
    rows.get();
    ids.set(vec![2, 7, 2]);
    let message = std::panic::catch_unwind(|| rows.get())
        .expect_err("duplicate keys panic")
        .downcast::<String>()
        .expect("a formatted message");
    assert!(message.contains("the key 2 appears twice"), "{message}");
    assert!(message.contains("positions 0 and 2"), "{message}");
    assert!(message.contains(file!()), "{message}");
    // Nothing was mapped or disposed by the failed computation.
    assert_eq!((ledger.mapped(7), ledger.cleaned(1)), (0, 0));
    ids.set(vec![2, 7]);
    let keys: Vec<u32> = rows.get().iter().map(|r| r.0).collect();
    assert_eq!(keys, [2, 7]);
    assert_eq!((ledger.mapped(2), ledger.cleaned(1)), (1, 1));
}

#[test]
fn a_key_repeated_from_the_unchanged_prefix_suffix_or_place_is_a_duplicate() {
    let ids = Signal::new(vec![1, 2, 3]);
    let rows = map_keyed(ids, |id| *id, |id| *id);
    rows.get();
    for (list, key, first, second) in [
        (vec![1, 2, 3, 1], 1, 0, 3),
        (vec![3, 1, 2, 3], 3, 0, 3),
        (vec![3, 2, 2], 2, 1, 2), // 2 kept at its place, and claimed again
    ] {
        ids.set(list);
        let message = std::panic::catch_unwind(|| rows.get())
            .expect_err("duplicate keys panic")
            .downcast::<String>()
            .expect("a formatted message");
        let expected =
            format!("the key {key} appears twice in the list, at positions {first} and {second}");
        assert!(message.contains(&expected), "{message}");
    }
    ids.set(vec![3, 2, 1]);
    assert_eq!(rows.get(), [3, 2, 1]);
}

#[test]
fn a_panicking_mapping_disposes_the_owners_it_created_and_leaves_the_rest() {
    let ids = Signal::new(vec![1]);
    let cleaned = Rc::new(RefCell::new(Vec::new()));
    let c = cleaned.clone();
    let rows = map_keyed(
        ids,
        |id| *id,
        move |id| {
            let (c, id) = (c.clone(), *id);
            on_cleanup(move || c.borrow_mut().push(id));
            assert!(id != 13, "unlucky");
            id
        },
    );
    rows.get();
    ids.set(vec![1, 2, 13, 3]);
    assert!(std::panic::catch_unwind(|| rows.get()).is_err());
    // 2 was mapped before 13 panicked; both owners are gone, 1 stays.
    assert_eq!(*cleaned.borrow(), [2, 13]);
    ids.set(vec![1, 3]);
    assert_eq!(rows.get(), [1, 3]);
    assert_eq!(*cleaned.borrow(), [2, 13]);
}

#[test]
fn a_batch_of_edits_maps_and_cleans_up_once_per_net_change() {
    let ledger = Rc::new(Ledger::default());
    let ids = Signal::new(vec![1, 2]);
    let rows = mapped_rows(ids, &ledger);
    rows.get();
    batch(|| {
        ids.set(vec![3]);
        ids.set(vec![1, 3, 4]);
    });
    let keys: Vec<u32> = rows.get().iter().map(|r| r.0).collect();
    assert_eq!(keys, [1, 3, 4]);
    assert_eq!((ledger.mapped(1), ledger.cleaned(1)), (1, 0));
    assert_eq!((ledger.mapped(2), ledger.cleaned(2)), (1, 1));
}

/// One edit of a list of unique keys below 24.
#[derive(Clone, Debug)]
enum Edit {
    Insert { key: u32, at: usize },
    Remove { at: usize },
    Move { from: usize, to: usize },
    Replace { keys: Vec<u32> },
    Reverse,
    Same,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (0..24u32, any::<usize>()).prop_map(|(key, at)| Edit::Insert { key, at }),
        2 => any::<usize>().prop_map(|at| Edit::Remove { at }),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(from, to)| Edit::Move { from, to }),
        1 => proptest::collection::vec(0..24u32, 0..12).prop_map(|keys| Edit::Replace { keys }),
        1 => Just(Edit::Reverse),
        1 => Just(Edit::Same),
    ]
}

fn apply(list: &mut Vec<u32>, edit: &Edit) {
    match edit {
        Edit::Insert { key, at } => {
            if !list.contains(key) {
                let at = at % (list.len() + 1);
                list.insert(at, *key);
            }
        }
        Edit::Remove { at } => {
            if !list.is_empty() {
                list.remove(at % list.len());
            }
        }
        Edit::Move { from, to } => {
            if !list.is_empty() {
                let k = list.remove(from % list.len());
                list.insert(to % (list.len() + 1), k);
            }
        }
        Edit::Replace { keys } => {
            list.clear();
            for k in keys {
                if !list.contains(k) {
                    list.push(*k);
                }
            }
        }
        Edit::Reverse => list.reverse(),
        Edit::Same => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Lists drawn from few keys often repeat one: reading the output panics exactly then,
    /// naming a repeated key, and changes nothing; lists without repeats map as from scratch.
    #[test]
    fn map_keyed_panics_exactly_on_duplicate_keys_and_recovers(
        lists in proptest::collection::vec(proptest::collection::vec(0..6u32, 0..8), 1..30),
    ) {
        let ledger = Rc::new(Ledger::default());
        let ids = Signal::new(Vec::new());
        let (rows, root) = create_root(|| mapped_rows(ids, &ledger));
        let mut shown: Vec<u32> = Vec::new();
        for list in lists {
            ids.set(list.clone());
            let mut seen = std::collections::HashSet::new();
            let repeated: Vec<u32> = list.iter().copied().filter(|k| !seen.insert(*k)).collect();
            let before = (ledger.mapped.borrow().clone(), ledger.cleaned.borrow().clone());
            match std::panic::catch_unwind(|| rows.get()) {
                Ok(out) => {
                    prop_assert!(repeated.is_empty(), "{:?} has repeats but mapped", list);
                    let keys: Vec<u32> = out.iter().map(|r| r.0).collect();
                    prop_assert_eq!(&keys, &list);
                    for k in 0..6 {
                        let entered = u32::from(list.contains(&k) && !shown.contains(&k));
                        let left = u32::from(!list.contains(&k) && shown.contains(&k));
                        prop_assert_eq!(ledger.mapped(k), before.0.get(&k).copied().unwrap_or(0) + entered);
                        prop_assert_eq!(ledger.cleaned(k), before.1.get(&k).copied().unwrap_or(0) + left);
                    }
                    shown = list;
                }
                Err(panic) => {
                    let message = panic.downcast::<String>().expect("a formatted message");
                    prop_assert!(
                        repeated.iter().any(|k| message.contains(&format!("the key {k} appears twice"))),
                        "{:?}: {}", list, message
                    );
                    prop_assert_eq!(&*ledger.mapped.borrow(), &before.0);
                    prop_assert_eq!(&*ledger.cleaned.borrow(), &before.1);
                }
            }
        }
        root.dispose();
    }

    /// After every edit (some in batches, some read only after several edits) the output is the
    /// list mapped from scratch; each key was mapped once per entry and cleaned up once per exit;
    /// and an item that stayed kept the result of its entry (its serial).
    #[test]
    fn map_keyed_matches_mapping_from_scratch_with_one_owner_per_entry(
        start in proptest::collection::vec(0..24u32, 0..12),
        steps in proptest::collection::vec((edit(), any::<bool>(), any::<bool>()), 1..40),
    ) {
        let ledger = Rc::new(Ledger::default());
        let mut list = Vec::new();
        apply(&mut list, &Edit::Replace { keys: start });
        let ids = Signal::new(list.clone());
        let (rows, root) = create_root(|| mapped_rows(ids, &ledger));

        // The reference: entries and exits counted on the lists the output was read at.
        let mut entries: HashMap<u32, u32> = HashMap::new();
        let mut exits: HashMap<u32, u32> = HashMap::new();
        let mut serial_of: HashMap<u32, u64> = HashMap::new();
        let mut last_read: Vec<u32> = Vec::new();
        let mut check = |list: &Vec<u32>, last_read: &mut Vec<u32>| -> Result<(), TestCaseError> {
            let out = rows.get();
            for k in list.iter().filter(|k| !last_read.contains(k)) {
                *entries.entry(*k).or_default() += 1;
            }
            for k in last_read.iter().filter(|k| !list.contains(k)) {
                *exits.entry(*k).or_default() += 1;
                serial_of.remove(k);
            }
            let keys: Vec<u32> = out.iter().map(|r| r.0).collect();
            prop_assert_eq!(&keys, list);
            for (k, serial) in &out {
                let expected = *serial_of.entry(*k).or_insert(*serial);
                prop_assert_eq!(*serial, expected, "key {} was mapped again while it stayed", k);
            }
            for k in 0..24 {
                prop_assert_eq!(ledger.mapped(k), entries.get(&k).copied().unwrap_or(0));
                prop_assert_eq!(ledger.cleaned(k), exits.get(&k).copied().unwrap_or(0));
            }
            *last_read = list.clone();
            Ok(())
        };
        check(&list, &mut last_read)?;
        for (edit, batched, read_now) in &steps {
            apply(&mut list, edit);
            if *batched {
                // Write a detour first: only the net change counts.
                batch(|| {
                    ids.set(vec![99]);
                    ids.set(list.clone());
                });
            } else {
                ids.set(list.clone());
            }
            if *read_now {
                check(&list, &mut last_read)?;
            }
        }
        check(&list, &mut last_read)?;
        root.dispose();
        for k in &list {
            prop_assert_eq!(ledger.cleaned(*k), ledger.mapped(*k));
        }
    }
}
