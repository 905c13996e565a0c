//! Loro events → patches: what changed in the document since it was last looked at, as the
//! patches that bring a state from its old value to the document's.
//!
//! Events only say *which* containers and map entries changed; the values are read from the
//! document as it is now. Several imports between two looks therefore merge into one set of
//! patches that lands on the final state, and an event about a container that was deleted
//! meanwhile is skipped (its parent's change covers it).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use loro::event::{Diff, DiffEvent};
use loro::{
    Container, ContainerID, ContainerTrait, Index, LoroDoc, LoroMap, Subscription, ValueOrContainer,
};
use reactive_state::{Node, Patch, Path, Segment, for_each_child_at, keyed, node_at};
use serde_json::Value;

use super::write::list_keys;
use super::{ROOT_MAP, SyncSchema, item_key, loro_to_json};

/// One changed container: the map entries that changed, or `None` for "look at all of it".
type Changed = (ContainerID, Option<Vec<String>>);

/// Per keyed list, the keys that more than one item carries (two replicas added an item with
/// the same key concurrently): the first item counts, the others are shadowed.
type Duplicates = HashMap<ContainerID, HashSet<String>>;

/// Records which parts of a document changed (by imports, checkouts, or local edits made
/// outside [`muted`](DocChanges::muted)), and turns them into patches on demand.
///
/// ```
/// use loro::LoroDoc;
/// use reactive_state::{path, Patch};
/// use reactive_sync::{DocChanges, SyncSchema, ROOT_MAP};
/// use serde_json::json;
///
/// let remote = LoroDoc::new();
/// remote.get_map(ROOT_MAP).insert("n", 2).unwrap();
/// remote.commit();
///
/// let local = LoroDoc::new();
/// let changes = DocChanges::new(&local);
/// local.import(&remote.export(loro::ExportMode::all_updates())?)?;
/// let state: std::collections::BTreeMap<String, i64> = Default::default();
/// let patches = changes.take_patches(&SyncSchema::new(), &state);
/// assert_eq!(patches, [Patch::add(path!(n), json!(2))]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct DocChanges {
    doc: LoroDoc,
    queue: Arc<Mutex<Vec<Changed>>>,
    muted: Arc<AtomicBool>,
    duplicates: Mutex<Duplicates>,
    _subscription: Subscription,
}

impl DocChanges {
    /// Starts recording the changes of `doc` (a reference to the same document).
    ///
    /// ```
    /// let doc = loro::LoroDoc::new();
    /// assert!(reactive_sync::DocChanges::new(&doc).is_empty());
    /// ```
    pub fn new(doc: &LoroDoc) -> DocChanges {
        let queue: Arc<Mutex<Vec<Changed>>> = Arc::default();
        let muted = Arc::new(AtomicBool::new(false));
        let (q, m) = (queue.clone(), muted.clone());
        let subscription = doc.subscribe_root(Arc::new(move |event: DiffEvent<'_>| {
            if m.load(Ordering::Relaxed) {
                return;
            }
            let mut queue = q.lock().unwrap_or_else(PoisonError::into_inner);
            for change in &event.events {
                let keys = match &change.diff {
                    Diff::Map(delta) => Some(delta.updated.keys().map(|k| k.to_string()).collect()),
                    _ => None,
                };
                queue.push((change.target.clone(), keys));
            }
        }));
        DocChanges {
            doc: doc.clone(),
            queue,
            muted,
            duplicates: Mutex::default(),
            _subscription: subscription,
        }
    }

    /// Runs `f` (which writes into the document and commits) without recording its changes:
    /// the binding's own writes, which the state already has.
    ///
    /// ```
    /// let doc = loro::LoroDoc::new();
    /// let changes = reactive_sync::DocChanges::new(&doc);
    /// changes.muted(|| {
    ///     doc.get_map("state").insert("n", 1).unwrap();
    ///     doc.commit();
    /// });
    /// assert!(changes.is_empty());
    /// ```
    pub fn muted<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Unmute<'a>(&'a AtomicBool);
        impl Drop for Unmute<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Relaxed);
            }
        }
        self.muted.store(true, Ordering::Relaxed);
        let _unmute = Unmute(&self.muted);
        f()
    }

    /// Whether nothing changed since the last [`take_patches`](DocChanges::take_patches).
    ///
    /// ```
    /// let doc = loro::LoroDoc::new();
    /// let changes = reactive_sync::DocChanges::new(&doc);
    /// doc.get_map("state").insert("n", 1).unwrap();
    /// doc.commit();
    /// assert!(!changes.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }

    /// Forgets the recorded changes (after the state was reloaded from the whole document).
    pub fn clear(&self) {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The patches that bring `state` (the value the document had when changes were last
    /// taken) to the document's current value, and forgets the recorded changes.
    ///
    /// Patches name keyed items by key; a keyed list's change becomes removes, moves and adds
    /// (a Loro move stays a `move`); text, counters and plain values are replaced whole.
    /// Patches carry `old: null`: the old values are not read (the binding commits the
    /// patches as given, with `Store::commit_patches`, and undo restores snapshots).
    pub fn take_patches(&self, schema: &SyncSchema, state: &dyn Node) -> Vec<Patch> {
        let drained =
            std::mem::take(&mut *self.queue.lock().unwrap_or_else(PoisonError::into_inner));
        if drained.is_empty() {
            return Vec::new();
        }
        let mut merged: HashMap<ContainerID, Option<BTreeSet<String>>> = HashMap::new();
        for (id, keys) in drained {
            let entry = merged
                .entry(id)
                .or_insert_with(|| keys.as_ref().map(|_| BTreeSet::new()));
            match (entry, keys) {
                (Some(set), Some(keys)) => set.extend(keys),
                (entry, _) => *entry = None,
            }
        }
        let mut duplicates = self
            .duplicates
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut located: Vec<(Path, Container, Option<BTreeSet<String>>)> = merged
            .into_iter()
            .filter_map(|(id, keys)| {
                let (path, container) = resolve(&self.doc, schema, &id, &duplicates)?;
                Some((path, container, keys))
            })
            .collect();
        // Parents first: a parent's whole-value patch covers what changed below it.
        located.sort_by(|a, b| {
            a.0.len()
                .cmp(&b.0.len())
                .then_with(|| a.0.to_string().cmp(&b.0.to_string()))
        });
        let mut out = Emitter {
            state,
            patches: Vec::new(),
            covered: HashSet::new(),
            duplicates: &mut duplicates,
        };
        for (path, container, keys) in located {
            if out.is_covered(&path) {
                continue;
            }
            match (&container, keys) {
                (Container::Map(map), Some(keys)) => {
                    for key in keys {
                        out.map_entry(map, &path.join(Segment::field(key.clone())), &key);
                    }
                }
                (Container::Map(map), None) => {
                    out.whole(&path, loro_to_json(&map.get_deep_value()));
                }
                (Container::MovableList(list), _) => match schema.key_field(&path) {
                    Some(key_field) => out.keyed_list(&path, list, key_field),
                    None => out.whole(&path, loro_to_json(&list.get_deep_value())),
                },
                (other, _) => {
                    let value = ValueOrContainer::Container(other.clone()).get_deep_value();
                    out.whole(&path, loro_to_json(&value));
                }
            }
        }
        out.patches
    }
}

/// Collects patches, remembering which paths got their whole new value.
struct Emitter<'s> {
    state: &'s dyn Node,
    patches: Vec<Patch>,
    covered: HashSet<Path>,
    duplicates: &'s mut Duplicates,
}

impl Emitter<'_> {
    fn is_covered(&self, path: &Path) -> bool {
        let mut p = path.clone();
        loop {
            if self.covered.contains(&p) {
                return true;
            }
            if p.pop().is_none() {
                return false;
            }
        }
    }

    fn exists(&self, path: &Path) -> bool {
        node_at(self.state, path.segments()).is_some()
    }

    /// The path takes `value` whole (`replace`, or `add` where the state has nothing).
    fn whole(&mut self, path: &Path, value: Value) {
        let patch = match self.exists(path) {
            true => Patch::replace(path.clone(), Value::Null, value),
            false => Patch::add(path.clone(), value),
        };
        self.patches.push(patch);
        self.covered.insert(path.clone());
    }

    fn map_entry(&mut self, map: &LoroMap, path: &Path, key: &str) {
        if self.is_covered(path) {
            return;
        }
        match map.get(key) {
            Some(v) => self.whole(path, loro_to_json(&v.get_deep_value())),
            None if self.exists(path) => {
                self.patches.push(Patch::remove(path.clone(), Value::Null));
                self.covered.insert(path.clone());
            }
            None => {}
        }
    }

    /// A keyed list changed: removes, moves and adds that turn the state's order of keys into
    /// the document's.
    fn keyed_list(&mut self, path: &Path, list: &loro::LoroMovableList, key_field: &str) {
        let Some(_) = node_at(self.state, path.segments()) else {
            return self.whole(path, loro_to_json(&list.get_deep_value()));
        };
        let mut old = Vec::new();
        for_each_child_at(self.state, path.segments(), &mut |segment, _| {
            old.push(segment.as_text().into_owned());
        });
        // Two replicas that add an item with the same key make two items: the first one counts.
        let mut seen = HashSet::new();
        let mut shared = HashSet::new();
        let new: Vec<(usize, String)> = list_keys(list, key_field)
            .into_iter()
            .enumerate()
            .filter(|(_, k)| {
                seen.insert(k.clone()) || {
                    shared.insert(k.clone());
                    false
                }
            })
            .collect();
        // A key shared now or before may now be shown by another of its items (one was added
        // in front of it, or the first was removed): its kept item is read again whole.
        let was_shared = match shared.is_empty() {
            true => self.duplicates.remove(&list.id()),
            false => self.duplicates.insert(list.id(), shared.clone()),
        }
        .unwrap_or_default();
        let new_keys: HashSet<&String> = new.iter().map(|(_, k)| k).collect();
        let old_keys: HashSet<&String> = old.iter().collect();
        let item = |key: &str| path.join(Segment::key_text(key.to_owned()));
        for (index, key) in old.iter().enumerate().rev() {
            if !new_keys.contains(key) {
                self.patches
                    .push(Patch::remove_item(item(key), index, Value::Null));
            }
        }
        let kept_old: Vec<String> = old
            .iter()
            .filter(|k| new_keys.contains(k))
            .cloned()
            .collect();
        let kept_new: Vec<String> = new
            .iter()
            .filter(|(_, k)| old_keys.contains(k))
            .map(|(_, k)| k.clone())
            .collect();
        for (key, from, to) in keyed::moves(&kept_old, &kept_new) {
            self.patches.push(Patch::move_item(item(&key), from, to));
        }
        let any_shared = !shared.is_empty() || !was_shared.is_empty();
        for (index, key) in new.iter().filter(|_| any_shared) {
            let reread = shared.contains(key) || was_shared.contains(key);
            if !reread || !old_keys.contains(key) {
                continue;
            }
            if let Some(v) = list.get(*index) {
                self.whole(&item(key), loro_to_json(&v.get_deep_value()));
            }
        }
        for (position, (index, key)) in new.iter().enumerate() {
            if old_keys.contains(key) {
                continue;
            }
            let value = list
                .get(*index)
                .map(|v| loro_to_json(&v.get_deep_value()))
                .unwrap_or(Value::Null);
            self.patches
                .push(Patch::add_item(item(key), position, value));
            self.covered.insert(item(key));
        }
    }
}

/// The state path of the container `id` and the container, if it is reachable from the root
/// map now (a container deleted or replaced since its event is not).
///
/// An item of a keyed list that another item before it shadows (they share a key, see
/// [`Duplicates`]) is not reachable either: the state shows the first.
fn resolve(
    doc: &LoroDoc,
    schema: &SyncSchema,
    id: &ContainerID,
    duplicates: &Duplicates,
) -> Option<(Path, Container)> {
    let steps = doc.get_path_to_container(id)?;
    let (first, rest) = steps.split_first()?;
    let root = doc.get_map(ROOT_MAP);
    if first.0 != root.id() {
        return None;
    }
    let mut here = Container::Map(root);
    let mut path = Path::root();
    for (child_id, index) in rest {
        let (segment, child) = match (&here, index) {
            (Container::Map(map), Index::Key(key)) => {
                (Segment::field(key.to_string()), map.get(key)?)
            }
            (Container::MovableList(list), Index::Seq(i)) => {
                let child = list.get(*i)?;
                let key = match (&child, schema.key_field(&path)) {
                    (ValueOrContainer::Container(Container::Map(m)), Some(field)) => {
                        let key = item_key(m, field)?;
                        if duplicates
                            .get(&list.id())
                            .is_some_and(|shared| shared.contains(&key))
                            && list_keys(list, field)[..*i].contains(&key)
                        {
                            return None;
                        }
                        Segment::key_text(key)
                    }
                    _ => Segment::Index(*i),
                };
                (key, child)
            }
            _ => return None,
        };
        let ValueOrContainer::Container(child) = child else {
            return None;
        };
        if child.id() != *child_id {
            return None;
        }
        path.push(segment);
        here = child;
    }
    Some((path, here))
}
