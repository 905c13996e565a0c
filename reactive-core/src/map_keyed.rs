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
///   not write signals (an effect it creates may).
///
/// **Kept means kept.** An item whose key stays is not mapped again, even if the item's value
/// under that key changed: put what changes in signals or models (the usual shape is a list of
/// ids or of model handles). **No index is passed to `map`**: keeping a per-item index signal
/// current would cost a write per shifted item (every item, for an insertion at the front), and
/// signals cannot be written while the output is computed; a reader that needs positions finds
/// them in the output.
///
/// **Cost.** Reading the list and hashing its keys is linear in its length; `map` runs once per
/// entering key, disposal once per leaving key, and nothing runs for items that stay or move.
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
    order: Vec<K>,
}

struct Entry<U> {
    owner: Owner,
    value: U,
}

/// Brings `state` in line with `items`; returns the output and whether any key entered, left or
/// moved. No borrow of `state` is held while user code (`key`, `map`, cleanups) runs.
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
    let mut position: HashMap<&K, usize> = HashMap::with_capacity(keys.len());
    for (i, k) in keys.iter().enumerate() {
        if let Some(first) = position.insert(k, i) {
            panic!(
                "reactive: map_keyed (called at {at}): the key {k:?} appears twice in the list, \
                 at positions {first} and {i}; keys must be unique"
            );
        }
    }

    let entering: Vec<usize> = {
        let st = state.borrow();
        (0..keys.len())
            .filter(|&i| !st.entries.contains_key(&keys[i]))
            .collect()
    };
    let created = map_entering(&entering, items, map, scope);

    let (output, leaving, moved) = {
        let mut st = state.borrow_mut();
        let entered = !created.is_empty();
        for (i, entry) in entering.iter().zip(created) {
            st.entries.insert(keys[*i].clone(), entry);
        }
        let old_order = std::mem::take(&mut st.order);
        let leaving: Vec<Owner> = old_order
            .iter()
            .filter(|k| !position.contains_key(k))
            .filter_map(|k| st.entries.remove(k))
            .map(|entry| entry.owner)
            .collect();
        let moved = entered || !leaving.is_empty() || old_order != keys;
        let output = keys.iter().map(|k| st.entries[k].value.clone()).collect();
        drop(position);
        st.order = keys;
        (output, leaving, moved)
    };
    dispose_all(leaving);
    (output, moved)
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
            Ok(value) => created.push(Entry { owner, value }),
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
