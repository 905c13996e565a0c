//! Keyed mapping of a reactive list: [`map_keyed`], one owner per item, created when its key
//! enters and disposed when it leaves.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt::Debug;
use std::hash::Hash;
use std::ops::Deref;
use std::panic::{AssertUnwindSafe, Location, catch_unwind, resume_unwind};
use std::rc::Rc;

use crate::batch::untrack;
use crate::derived::Derived;
use crate::engine::with_engine;
use crate::memo::Memo;
use crate::owner::Owner;
use crate::traits::With;

/// Maps a reactive list item by item, keyed: each item's result is computed once, under an
/// [`Owner`] of its own, when its key enters the list; it is kept (not recomputed) while the key
/// stays, wherever it moves; and its owner is disposed (its cleanups run, the signals, memos and
/// effects made by `map` go) when the key leaves. The output is a memo of the results in the
/// list's current order.
///
/// - `list` is a closure returning the list, a [`Signal`](crate::Signal), a
///   [`Memo`] or a [`Derived`]: any `Into<Derived<L>>` where `L` derefs to a slice
///   (`Vec<T>`, `Rc<[T]>`, `Box<[T]>`). Reading the output tracks the list.
/// - `key` names an item. It runs untracked. Keys must be unique within the list.
/// - `map` computes an item's result. It runs untracked, under the item's owner: what it
///   creates belongs to the item, and [`on_cleanup`](crate::on_cleanup) in it runs when the item
///   leaves. It runs while the output is computed, so, like a memo, it may create nodes but
///   not write signals (an effect it creates may). The cleanups of leaving items run during
///   that computation too, under the same rule.
///
/// **Kept means kept.** An item whose key stays is not mapped again, even if the item's value
/// under that key changed: put what changes in signals or models (the usual shape is a list of
/// ids or of model handles). **No index is passed to `map`**: keeping a per-item index signal
/// current would cost a write per shifted item (every item, for an insertion at the front), and
/// signals cannot be written while the output is computed; a reader that needs positions finds
/// them in the output.
///
/// **Cost.** `map` runs once per entering key, disposal once per leaving key, and nothing runs
/// for items that stay or move. Keys are looked up in a hash map only where the order changed:
/// the unchanged prefix and suffix, and keys that kept their place relative to their
/// neighbours (the inside of a swap, everything an item moved across), are compared with the
/// previous order one by one. What stays linear in the list's length is computing each key,
/// that comparison and copying the output (a few nanoseconds per row: `benches/map_keyed.rs`).
/// The output notifies its readers only when keys entered, left or moved. Like every memo it is
/// lazy: nothing is mapped until it is read.
///
/// **Lifetime.** The item owners belong to a scope created under the owner current at this call;
/// they live until they leave the list or that owner is disposed.
///
/// # Panics
///
/// Reading the output panics when the list holds two items with the same key; the message
/// names the key, both positions and where `map_keyed` was called. Nothing is mapped or disposed
/// by that computation, so the output recovers as soon as the list is fixed. A panic in `map`
/// disposes the owners created by that computation and continues to the reader; a panic in a
/// leaving item's cleanup continues to the reader once every leaving item was disposed.
///
/// ```
/// use reactive_core::{create_root, map_keyed, on_cleanup, Signal};
/// use std::{cell::RefCell, rc::Rc};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let ids = Signal::new(vec![1, 2, 3]);
/// let (rows, root) = create_root(|| {
///     let log = log.clone();
///     map_keyed(ids, |id| *id, move |id| {
///         log.borrow_mut().push(format!("+{id}"));
///         let (log, id) = (log.clone(), *id);
///         on_cleanup(move || log.borrow_mut().push(format!("-{id}")));
///         format!("row {id}")
///     })
/// });
/// assert_eq!(rows.get(), ["row 1", "row 2", "row 3"]);
/// ids.set(vec![3, 1, 4]); // 3 and 1 move, 2 leaves, 4 enters
/// assert_eq!(rows.get(), ["row 3", "row 1", "row 4"]);
/// assert_eq!(*log.borrow(), ["+1", "+2", "+3", "+4", "-2"]);
/// root.dispose(); // the remaining items' cleanups run
/// assert_eq!(log.borrow().len(), 8);
/// ```
#[track_caller]
pub fn map_keyed<L, T, K, U>(
    list: impl Into<Derived<L>>,
    key: impl Fn(&T) -> K + 'static,
    map: impl Fn(&T) -> U + 'static,
) -> Memo<Vec<U>>
where
    L: Deref<Target = [T]> + 'static,
    T: 'static,
    K: Eq + Hash + Clone + Debug + 'static,
    U: Clone + 'static,
{
    let at = Location::caller();
    let list = list.into();
    let scope = Owner::new();
    let state = Rc::new(RefCell::new(Mapped::<K, U> {
        entries: HashMap::new(),
        order: Vec::new(),
        values: Vec::new(),
        pass: 0,
    }));
    let changed = Rc::new(Cell::new(true));
    let changed_in_compute = changed.clone();
    let compute = move || {
        list.with(|items| {
            let (output, moved) = state_reconcile(&state, items, &key, &map, scope, at);
            changed_in_compute.set(moved);
            output
        })
    };
    // The equality cut-off is "no key entered, left or moved", which the computation knows.
    Memo::new_with_compare(compute, move |_, _| !changed.get()).named("map_keyed")
}

/// The per-item results and the previous order of keys.
struct Mapped<K, U> {
    entries: HashMap<K, Entry<U>>,
    /// The keys in the order of the last computation (unique).
    order: Vec<K>,
    /// The results in that order: the last output.
    values: Vec<U>,
    /// Counts computations; marks which entries the current one has claimed.
    pass: u64,
}

struct Entry<U> {
    owner: Owner,
    value: U,
    /// The pass that last found this key in the changed middle of the new list.
    claimed_in: u64,
}

/// What a computation changes, found before any user code runs.
struct Plan<U> {
    /// The unchanged prefix ends at `start`; the changed middle is `start..start +
    /// middle.len()` in the new list and `start..old_end` in the old order; the rest is an
    /// unchanged suffix.
    start: usize,
    old_end: usize,
    /// The new middle's results: kept ones filled in, entering ones `None`.
    middle: Vec<Option<U>>,
    /// Positions (in the new list) of the entering items.
    entering: Vec<usize>,
    /// Positions (in the old order) of the leaving keys.
    leaving: Vec<usize>,
}

/// Brings `state` in line with `items`; returns the output and whether any key entered, left or
/// moved. No borrow of `state` is held while `key`, `map` or cleanups run.
///
/// The common prefix and suffix of the old and new orders are compared key by key and kept
/// without hashing; only the changed middle is looked up, so appending, removing or editing
/// near one place costs hashing in proportion to the change (plus one comparison per key).
fn state_reconcile<T, K, U>(
    state: &RefCell<Mapped<K, U>>,
    items: &[T],
    key: &impl Fn(&T) -> K,
    map: &impl Fn(&T) -> U,
    scope: Owner,
    at: &'static Location<'static>,
) -> (Vec<U>, bool)
where
    K: Eq + Hash + Clone + Debug,
    U: Clone,
{
    let keys: Vec<K> = untrack(|| items.iter().map(key).collect());
    let plan = {
        let mut st = state.borrow_mut();
        match plan(&mut st, &keys, at) {
            Some(plan) => plan,
            None => return (st.values.clone(), false),
        }
    };
    let created = map_entering(&plan.entering, items, map, scope);

    let (output, leaving) = {
        let mut st = state.borrow_mut();
        let st = &mut *st;
        let mut values = Vec::with_capacity(keys.len());
        values.extend_from_slice(&st.values[..plan.start]);
        let mut created = created.into_iter();
        for (slot, at) in plan.middle.into_iter().zip(plan.start..) {
            values.push(match slot {
                Some(kept) => kept,
                None => {
                    let entry = created.next().expect("one new entry per entering item");
                    let value = entry.value.clone();
                    st.entries.insert(keys[at].clone(), entry);
                    value
                }
            });
        }
        values.extend_from_slice(&st.values[plan.old_end..]);
        let leaving: Vec<Owner> = plan
            .leaving
            .iter()
            .filter_map(|&j| st.entries.remove(&st.order[j]))
            .map(|entry| entry.owner)
            .collect();
        st.order = keys;
        st.values = values;
        (st.values.clone(), leaving)
    };
    dispose_all(leaving);
    (output, true)
}

/// Finds the changed middle and sorts its keys into kept, entering and leaving; `None` when the
/// order is unchanged. Only marks entries (with this pass's number) before it may panic on a
/// duplicate key, so a failed computation leaves the state as it was.
fn plan<K, U>(st: &mut Mapped<K, U>, keys: &[K], at: &'static Location<'static>) -> Option<Plan<U>>
where
    K: Eq + Hash + Debug,
    U: Clone,
{
    st.pass += 1;
    let pass = st.pass;
    let old = &st.order;
    let mut start = 0;
    while start < keys.len().min(old.len()) && keys[start] == old[start] {
        start += 1;
    }
    let (mut new_end, mut old_end) = (keys.len(), old.len());
    while new_end > start && old_end > start && keys[new_end - 1] == old[old_end - 1] {
        new_end -= 1;
        old_end -= 1;
    }
    if start == new_end && start == old_end {
        return None;
    }

    // The middles, indexed from 0: new position `start + i`, old position `start + j`.
    let new_middle = &keys[start..new_end];
    let old_middle = &st.order[start..old_end];
    let old_values = &st.values[start..old_end];
    let mut middle = Vec::with_capacity(new_middle.len());
    let mut entering = Vec::new();
    let mut entering_at: HashMap<&K, usize> = HashMap::new();
    let mut claimed = 0;
    // Keys that kept their place relative to their neighbours are kept without a lookup: the
    // key at new position `i` is compared with the old key at `i + shift`, and when that fails,
    // with its two neighbours (an item moved or inserted earlier shifts the rest by one). So a
    // swap, or one item moved across the list, hashes only the keys that moved.
    let mut matched_old = vec![false; old_middle.len()];
    let mut shift: isize = 0;
    for (i, k) in new_middle.iter().enumerate() {
        let unmatched_at = |j: isize| {
            let j = usize::try_from(j).ok()?;
            (old_middle.get(j) == Some(k) && matched_old.get(j) == Some(&false)).then_some(j)
        };
        let base = i as isize + shift;
        let found = unmatched_at(base)
            .or_else(|| unmatched_at(base + 1))
            .or_else(|| unmatched_at(base - 1));
        if let Some(j) = found {
            matched_old[j] = true;
            shift = j as isize - i as isize;
            middle.push(Some(old_values[j].clone()));
            continue;
        }
        match st.entries.get_mut(k) {
            Some(entry) if entry.claimed_in == pass => duplicate(keys, k, start + i, at),
            Some(entry) => {
                entry.claimed_in = pass;
                claimed += 1;
                middle.push(Some(entry.value.clone()));
            }
            None => {
                if entering_at.insert(k, start + i).is_some() {
                    duplicate(keys, k, start + i, at);
                }
                entering.push(start + i);
                middle.push(None);
            }
        }
    }
    let mut leaving = Vec::new();
    let mut kept_from_old_middle = 0;
    for (j, (k, &matched)) in old_middle.iter().zip(&matched_old).enumerate() {
        if matched {
            continue;
        }
        if st.entries[k].claimed_in == pass {
            kept_from_old_middle += 1;
        } else {
            leaving.push(start + j);
        }
    }
    // Every claimed key is a distinct entry, and every matched old position is matched once.
    // A claimed key not counted above is in the unchanged prefix or suffix, or was also matched
    // by its place: the new list holds it twice.
    if kept_from_old_middle != claimed {
        let mut seen = HashMap::with_capacity(keys.len());
        let (i, k) = keys
            .iter()
            .enumerate()
            .find(|(i, k)| seen.insert(*k, *i).is_some())
            .expect("a key claimed twice is in the list twice");
        duplicate(keys, k, i, at);
    }
    Some(Plan {
        start,
        old_end,
        middle,
        entering,
        leaving,
    })
}

/// Panics for a key found twice: `later` is one position of `k`, the first is looked up.
#[track_caller]
#[cold]
fn duplicate<K: Eq + Debug>(keys: &[K], k: &K, later: usize, at: &Location<'_>) -> ! {
    let first = keys.iter().position(|x| x == k).unwrap_or(later);
    let second = keys
        .iter()
        .enumerate()
        .skip(first + 1)
        .find(|(_, x)| *x == k)
        .map_or(later, |(i, _)| i);
    panic!(
        "reactive: map_keyed (called at {at}): the key {k:?} appears twice in the list, at \
         positions {first} and {second}; keys must be unique"
    )
}

/// Runs `map` for each entering item under a new owner of its own. If one panics, the owners
/// created so far are disposed and the panic continues.
fn map_entering<T, U>(
    entering: &[usize],
    items: &[T],
    map: &impl Fn(&T) -> U,
    scope: Owner,
) -> Vec<Entry<U>> {
    let mut created = Vec::with_capacity(entering.len());
    for &i in entering {
        let owner = scope.run_in(Owner::new);
        match catch_unwind(AssertUnwindSafe(|| owner.run_in(|| map(&items[i])))) {
            Ok(value) => created.push(Entry {
                owner,
                value,
                claimed_in: 0,
            }),
            Err(panic) => {
                let mut owners: Vec<Owner> = created.into_iter().map(|e| e.owner).collect();
                owners.push(owner);
                // The mapping panic is the cause; a cleanup's panic during this disposal is not.
                let _ = catch_unwind(AssertUnwindSafe(|| dispose_all(owners)));
                resume_unwind(panic);
            }
        }
    }
    created
}

/// Disposes every owner (without flushing: the caller is computing a memo), then resumes the
/// first panic of a cleanup, if any.
fn dispose_all(owners: Vec<Owner>) {
    let mut first_panic = None;
    for owner in owners {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            with_engine(|e| e.dispose_node(owner.id()));
        }));
        if let Err(panic) = outcome {
            first_panic.get_or_insert(panic);
        }
    }
    if let Some(panic) = first_panic {
        resume_unwind(panic);
    }
}
