//! Keyed selection in O(1): [`Selector`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::Hash;
use std::panic::Location;
use std::rc::Rc;

use crate::effect::Effect;
use crate::memo::Memo;
use crate::owner::Owner;
use crate::signal::Signal;

/// Answers "is `key` the selected one?" so that when the selection moves from `a` to `b`, only
/// the readers of `is_selected(a)` and `is_selected(b)` re-run, not every row: O(1) per change
/// instead of O(rows).
///
/// ```
/// use reactive_core::{Effect, Selector, Signal};
/// use std::{cell::Cell, rc::Rc};
///
/// let selected = Signal::new(1);
/// let sel = Selector::new(move || selected.get());
/// let runs = Rc::new(Cell::new(0));
/// for row in 0..100 {
///     let r = runs.clone();
///     Effect::new(move || { sel.is_selected(&row); r.set(r.get() + 1); });
/// }
/// runs.set(0);
/// selected.set(2);
/// assert_eq!(runs.get(), 2); // rows 1 and 2 only
/// assert!(sel.is_selected(&2));
/// ```
pub struct Selector<K: 'static> {
    key: Memo<K>,
    state: Signal<SelectorState<K>>,
    scope: Owner,
}

struct SelectorState<K> {
    /// One trigger per key that has been asked about; notified when that key's answer flips.
    triggers: Rc<RefCell<Triggers<K>>>,
}

struct Triggers<K> {
    by_key: HashMap<K, Signal<()>>,
    /// Size after the last sweep of unread triggers; the next sweep waits until it doubles, so
    /// sweeping costs O(1) amortised per trigger.
    swept_len: usize,
}

impl<K: Eq + Hash> Triggers<K> {
    /// Drops the trigger of `key` if nothing reads it any more.
    fn forget_if_unread(&mut self, key: &K) {
        if let Some(t) = self.by_key.get(key) {
            if !has_subscribers(t.raw.id) {
                let t = *t;
                self.by_key.remove(key);
                t.dispose();
            }
        }
    }

    fn sweep_if_grown(&mut self) {
        if self.by_key.len() <= 2 * self.swept_len.max(32) {
            return;
        }
        let mut unread = Vec::new();
        self.by_key.retain(|_, t| {
            let keep = has_subscribers(t.raw.id);
            if !keep {
                unread.push(*t);
            }
            keep
        });
        self.swept_len = self.by_key.len();
        for t in unread {
            t.dispose();
        }
    }
}

fn has_subscribers(id: crate::NodeId) -> bool {
    crate::engine::with_engine(|e| {
        e.graph
            .borrow()
            .nodes
            .get(id)
            .is_some_and(|n| n.subs_head != crate::engine::NONE)
    })
}

impl<K: Eq + Hash + Clone + 'static> Selector<K> {
    /// Creates a selector over the key computed by `source`, owned by the current owner.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let s = Signal::new("a");
    /// let sel = Selector::new(move || s.get());
    /// assert!(sel.is_selected(&"a"));
    /// ```
    #[track_caller]
    pub fn new(source: impl FnMut() -> K + 'static) -> Self {
        let at = Location::caller();
        let scope = Owner::new();
        scope.run_in(|| {
            let key = Memo::new(source).named("selector key");
            let triggers = Rc::new(RefCell::new(Triggers {
                by_key: HashMap::new(),
                swept_len: 0,
            }));
            let state = Signal::new(SelectorState {
                triggers: triggers.clone(),
            })
            .named("selector");
            let mut previous: Option<K> = None;
            Effect::new_system(
                move || {
                    let current = key.get();
                    let Some(old) = previous.replace(current.clone()) else {
                        return;
                    };
                    if old == current {
                        return;
                    }
                    let flipped = {
                        let t = triggers.borrow();
                        [t.by_key.get(&old).copied(), t.by_key.get(&current).copied()]
                    };
                    for trigger in flipped.into_iter().flatten() {
                        trigger.notify();
                    }
                    let mut t = triggers.borrow_mut();
                    t.forget_if_unread(&old);
                    t.sweep_if_grown();
                },
                at,
            );
            Selector { key, state, scope }
        })
    }

    /// Whether `key` is the selected key. Tracks only this key's answer.
    ///
    /// # Panics
    /// If the selector was disposed.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let sel = Selector::new(|| 5);
    /// assert!(sel.is_selected(&5) && !sel.is_selected(&6));
    /// ```
    #[track_caller]
    pub fn is_selected(&self, key: &K) -> bool {
        let scope = self.scope;
        let trigger = self.state.with_untracked(|s| {
            let existing = s.triggers.borrow().by_key.get(key).copied();
            existing.unwrap_or_else(|| {
                let t = scope.run_in(|| Signal::new(()));
                s.triggers.borrow_mut().by_key.insert(key.clone(), t);
                t
            })
        });
        trigger.track();
        self.key.with_untracked(|k| k == key)
    }

    /// Disposes the selector and its per-key triggers.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let sel = Selector::new(|| 1);
    /// sel.dispose();
    /// ```
    pub fn dispose(self) {
        self.scope.dispose();
    }

    /// The selected key now (tracked: re-runs the reader on every change).
    ///
    /// ```
    /// # use reactive_core::*;
    /// assert_eq!(Selector::new(|| 5).selected(), 5);
    /// ```
    #[track_caller]
    pub fn selected(&self) -> K {
        self.key.get()
    }
}

impl<K> Clone for Selector<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K> Copy for Selector<K> {}
