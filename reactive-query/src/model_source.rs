//! A source over a `#[model(keyed = ..)]` list of a `#[derive(Model)]` model (feature `model`):
//! one watcher per item records its edits, one watcher of the list's order records the items
//! that enter and leave.

use crate::collection::{Inbox, RowKey, SourceNode, record_into};
use crate::query::Query;
use reactive_core::{Effect, Signal, untrack};
use reactive_model::{KeyedList, ListKey, Model, ModelHandle};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::{Rc, Weak};

/// What the watchers share: the inbox of the query, and per item its handle and the value last
/// recorded (the `old` of its next change).
struct Feed<K, M: Model> {
    inbox: Rc<RefCell<Inbox<K, M>>>,
    rows: RefCell<HashMap<K, (M::Handle, M)>>,
    changed: Signal<()>,
}

impl<K: RowKey, M: Model> Feed<K, M> {
    /// Records that the item `handle` under `key` now holds `new` (`None`: it left).
    fn record(&self, key: &K, handle: M::Handle, new: Option<M>) {
        let old = {
            let mut rows = self.rows.borrow_mut();
            let old = match rows.get(key) {
                Some((h, value)) if *h == handle => Some(value.clone()),
                _ => None,
            };
            match &new {
                Some(value) => {
                    rows.insert(key.clone(), (handle, value.clone()));
                }
                None => {
                    rows.remove(key);
                }
            }
            old
        };
        if old != new {
            record_into(&mut self.inbox.borrow_mut(), key.clone(), old, new);
            self.changed.notify();
        }
    }
}

impl<K: RowKey + ListKey, M: Model> Query<K, M> {
    /// A query over a keyed list of models (the storage of a `#[model(keyed = "id")]` field, or
    /// a [`KeyedList`] of its own): its rows are the items by key, their values the items'
    /// snapshots. Feature `model`.
    ///
    /// Each item gets a watcher (an effect under the item's own owner, disposed with it) that
    /// tracks the item's fields and records its new value; one more watcher tracks the list's
    /// order and records the items that enter and leave (a move changes no row). Everything
    /// written in one batch reaches the query as one change set. The watchers keep a copy of
    /// each item's value (the `old` of its next change); nobody reading the query means no
    /// operator runs, only the recording.
    ///
    /// ```
    /// use reactive_model::{KeyedList, Model};
    /// use reactive_query::Query;
    ///
    /// #[derive(Model, Clone, PartialEq, Debug)]
    /// struct Player { #[model(skip)] id: u32, score: u64 }
    ///
    /// let players = KeyedList::new(
    ///     vec![Player { id: 1, score: 30 }, Player { id: 2, score: 20 }],
    ///     |p: &Player| p.id,
    /// );
    /// let top = Query::from_keyed_list(players)
    ///     .order_by_desc(|p| p.score)
    ///     .limit(Some(1))
    ///     .live();
    /// assert_eq!(top.keys(), [1]);
    /// players.get(&2).unwrap().set_score(50);
    /// assert_eq!(top.keys(), [2]);
    /// ```
    #[track_caller]
    pub fn from_keyed_list(list: KeyedList<M, K>) -> Query<K, M> {
        let inbox: Rc<RefCell<Inbox<K, M>>> = Rc::default();
        let changed = Signal::new(());
        let feed = Rc::new(Feed {
            inbox: inbox.clone(),
            rows: RefCell::new(HashMap::new()),
            changed,
        });
        let weak = Rc::downgrade(&feed);
        // The order watcher: runs now (every item enters), then once per batch that inserts,
        // removes or moves items.
        Effect::new(move || {
            if list.is_disposed() {
                return;
            }
            let Some(feed) = weak.upgrade() else {
                return; // the query is gone: read nothing, never run again
            };
            let keys = list.keys();
            untrack(|| membership_changed(&feed, &weak, list, keys));
        });
        let keep: Rc<dyn std::any::Any> = feed;
        Query::from_node(SourceNode::new(inbox, changed, Some(keep)))
    }
}

/// Records the items that left (their last value → nothing) and starts a watcher for each
/// item that entered (its first run records it).
fn membership_changed<K: RowKey + ListKey, M: Model>(
    feed: &Feed<K, M>,
    weak: &Weak<Feed<K, M>>,
    list: KeyedList<M, K>,
    keys: Vec<K>,
) {
    let handles = list.handles();
    let mut entered = Vec::new();
    let mut kept = 0;
    {
        let rows = feed.rows.borrow();
        for (key, handle) in keys.iter().zip(&handles) {
            match rows.get(key) {
                Some((h, _)) if h == handle => kept += 1,
                _ => entered.push((key.clone(), *handle)),
            }
        }
    }
    if feed.rows.borrow().len() != kept {
        // Some recorded item is no longer in the list (or was replaced under its key).
        let present: HashSet<(&K, &M::Handle)> = keys.iter().zip(&handles).collect();
        let left: Vec<(K, M::Handle)> = feed
            .rows
            .borrow()
            .iter()
            .filter(|(key, (handle, _))| !present.contains(&(*key, handle)))
            .map(|(key, (handle, _))| (key.clone(), *handle))
            .collect();
        for (key, handle) in left {
            feed.record(&key, handle, None);
        }
    }
    for (key, handle) in entered {
        let Some(owner) = list.item_owner(&key) else {
            continue;
        };
        let weak = weak.clone();
        owner.run_in(|| {
            Effect::new(move || {
                if handle.is_disposed() {
                    return;
                }
                let Some(feed) = weak.upgrade() else {
                    return;
                };
                let value = handle.snapshot();
                untrack(|| feed.record(&key, handle, Some(value)));
            })
        });
    }
}
