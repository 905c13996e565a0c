//! Patches → Loro operations: each patch is applied to the container its path names, as the
//! schema says that place is kept (map entry, movable-list item, text, counter, value).

use std::cell::RefCell;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use loro::{
    Container, ContainerID, ContainerTrait, Frontiers, LoroDoc, LoroMap, LoroMovableList,
    ValueOrContainer,
};
use reactive_state::{Patch, PatchOp, Path, Segment, keyed};
use serde_json::Value;

use super::{
    FieldKind, ROOT_MAP, SyncError, SyncSchema, item_key, json_to_loro, key_text, loro_to_json,
    segment_text,
};

/// Writes patches into a document: the local half of a binding.
///
/// The writer does not commit: call `doc.commit()` after a batch of patches, so that one store
/// commit becomes one Loro change (and one update on the wire).
///
/// ```
/// use loro::LoroDoc;
/// use reactive_state::{path, Patch};
/// use reactive_sync::{read_json, DocWriter, SyncSchema};
/// use serde_json::json;
///
/// let doc = LoroDoc::new();
/// let schema = SyncSchema::new().keyed("/todos", "id").text("/todos/*/title");
/// let writer = DocWriter::new(&doc, &schema);
/// writer.write_state(&json!({"todos": []}))?;
/// writer.apply(&Patch::add_item(
///     "/todos/a".parse()?,
///     0,
///     json!({"id": "a", "title": "milk"}),
/// ))?;
/// writer.apply(&Patch::replace("/todos/a/title".parse()?, json!("milk"), json!("oat milk")))?;
/// doc.commit();
/// assert_eq!(read_json(&doc), json!({"todos": [{"id": "a", "title": "oat milk"}]}));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct DocWriter<'a> {
    root: LoroMap,
    schema: &'a SyncSchema,
    positions: Option<&'a ItemPositions>,
}

/// Where the items of keyed lists were last seen, by list and key: a hint that spares a scan of
/// the list per patch. Kept by a binding across its local commits, and only across them: any
/// other change of the document (an import, a checkout, a direct edit) makes its state
/// frontiers differ from those [`seen`](ItemPositions::seen) after the last local commit, and
/// the hints are dropped. Every hint is also checked (the item there must still have that key)
/// before it is used; a wrong one rebuilds that list's hints in one scan. A key that two items
/// share gets no hint (the scan's first-wins rule decides), and local writes never add one.
#[cfg_attr(not(feature = "store"), allow(dead_code))] // used by the store binding
#[derive(Default)]
pub(crate) struct ItemPositions {
    lists: RefCell<HashMap<ContainerID, HashMap<String, usize>>>,
    /// The document's state frontiers after the last local commit.
    frontiers: RefCell<Option<Frontiers>>,
}

#[cfg_attr(not(feature = "store"), allow(dead_code))] // used by the store binding
impl ItemPositions {
    /// Records `doc`'s state after a local commit: the hints hold until it changes otherwise.
    pub(crate) fn seen(&self, doc: &LoroDoc) {
        *self.frontiers.borrow_mut() = Some(doc.state_frontiers());
    }

    /// Drops every hint if `doc` changed since [`seen`](ItemPositions::seen).
    fn check(&self, doc: &LoroDoc) {
        let current = doc.state_frontiers();
        if self.frontiers.borrow().as_ref() != Some(&current) {
            self.lists.borrow_mut().clear();
        }
    }

    /// The position and the map of the item with key `key` in `list`.
    fn find(&self, list: &LoroMovableList, key_field: &str, key: &str) -> Option<(usize, LoroMap)> {
        let id = list.id();
        let hint = self
            .lists
            .borrow()
            .get(&id)
            .and_then(|keys| keys.get(key).copied());
        if let Some(i) = hint
            && let Some(found) = item_with_key(list, i, key_field, key)
        {
            return Some(found);
        }
        let mut keys: HashMap<String, usize> = HashMap::new();
        let mut shared = Vec::new();
        for (i, k) in list_keys(list, key_field).into_iter().enumerate() {
            match keys.entry(k) {
                Entry::Occupied(seen) => shared.push(seen.key().clone()),
                Entry::Vacant(first) => {
                    first.insert(i);
                }
            }
        }
        for k in &shared {
            keys.remove(k);
        }
        self.lists.borrow_mut().insert(id, keys);
        if shared.iter().any(|k| k == key) {
            return find_item(list, key_field, key);
        }
        self.lists
            .borrow()
            .get(&list.id())
            .and_then(|keys| keys.get(key).copied())
            .and_then(|i| item_with_key(list, i, key_field, key))
    }
}

/// Where a path leads in the document.
enum Place {
    /// A container.
    Container(Container),
    /// Inside a plain value: the map entry that holds it and the path below it.
    InValue {
        map: LoroMap,
        key: String,
        at: Path,
        below: Vec<Segment>,
    },
}

impl<'a> DocWriter<'a> {
    /// A writer into `doc`'s root map ([`ROOT_MAP`](crate::ROOT_MAP)) with `schema`.
    ///
    /// ```
    /// let doc = loro::LoroDoc::new();
    /// let schema = reactive_sync::SyncSchema::new();
    /// let _writer = reactive_sync::DocWriter::new(&doc, &schema);
    /// ```
    pub fn new(doc: &LoroDoc, schema: &'a SyncSchema) -> DocWriter<'a> {
        DocWriter {
            root: doc.get_map(ROOT_MAP),
            schema,
            positions: None,
        }
    }

    /// A writer that finds keyed items through `positions` (checked hints) instead of a scan.
    #[cfg_attr(not(feature = "store"), allow(dead_code))] // used by the store binding
    pub(crate) fn with_positions(
        doc: &LoroDoc,
        schema: &'a SyncSchema,
        positions: &'a ItemPositions,
    ) -> DocWriter<'a> {
        positions.check(doc);
        DocWriter {
            positions: Some(positions),
            ..DocWriter::new(doc, schema)
        }
    }

    fn find_item(
        &self,
        list: &LoroMovableList,
        key_field: &str,
        key: &str,
    ) -> Option<(usize, LoroMap)> {
        match self.positions {
            Some(positions) => positions.find(list, key_field, key),
            None => find_item(list, key_field, key),
        }
    }

    /// Makes the document hold `state` (a JSON object): fields are written where they differ,
    /// entries that `state` lacks are deleted, keyed items are matched by key (moved, not
    /// re-created). Used to seed a document and to bring it back in step after an error.
    ///
    /// # Errors
    /// [`SyncError::NotAnObject`] if `state` is not an object; [`SyncError::Mismatch`] if a
    /// value does not fit its marked kind.
    ///
    /// ```
    /// use reactive_sync::{read_json, DocWriter, SyncSchema};
    /// use serde_json::json;
    /// let doc = loro::LoroDoc::new();
    /// let schema = SyncSchema::new();
    /// DocWriter::new(&doc, &schema).write_state(&json!({"a": 1, "b": {"c": true}}))?;
    /// assert_eq!(read_json(&doc), json!({"a": 1, "b": {"c": true}}));
    /// # Ok::<(), reactive_sync::SyncError>(())
    /// ```
    pub fn write_state(&self, state: &Value) -> Result<(), SyncError> {
        match state {
            Value::Object(_) => self.write_object(&self.root, state, &Path::root()),
            _ => Err(SyncError::NotAnObject),
        }
    }

    /// Applies one patch.
    ///
    /// # Errors
    /// [`SyncError::NoSuchPath`] when the path is not in the document, [`SyncError::Mismatch`]
    /// when the patch does not fit the place (a `remove` of a text, a value without a key), or
    /// [`SyncError::Loro`].
    ///
    /// ```
    /// use reactive_state::{path, Patch};
    /// use reactive_sync::{read_json, DocWriter, SyncSchema};
    /// use serde_json::json;
    /// let doc = loro::LoroDoc::new();
    /// let schema = SyncSchema::new().counter("/votes");
    /// let w = DocWriter::new(&doc, &schema);
    /// w.write_state(&json!({"votes": 1}))?;
    /// w.apply(&Patch::replace(path!(votes), json!(1), json!(4)))?;
    /// assert_eq!(read_json(&doc), json!({"votes": 4}));
    /// # Ok::<(), reactive_sync::SyncError>(())
    /// ```
    pub fn apply(&self, patch: &Patch) -> Result<(), SyncError> {
        if patch.op == PatchOp::Move && !patch.is_item_move() {
            // A move between two places: remove, then add the value it carries.
            let from = patch
                .from
                .clone()
                .ok_or_else(|| mismatch(&patch.path, "move without from"))?;
            let value = patch
                .value
                .clone()
                .ok_or_else(|| mismatch(&patch.path, "move without its value"))?;
            self.apply(&Patch::remove(from, Value::Null))?;
            return self.apply(&Patch::add(patch.path.clone(), value));
        }
        let Some((last, parent)) = patch.path.segments().split_last() else {
            return match patch.op {
                PatchOp::Add | PatchOp::Replace => self.write_state(new_value(patch)?),
                _ => Err(mismatch(&patch.path, "the root can only be replaced")),
            };
        };
        let parent_path = Path::from_segments(parent.iter().cloned());
        match self.locate(&parent_path)? {
            Place::Container(Container::Map(map)) => {
                let name = segment_text(last);
                match patch.op {
                    PatchOp::Remove => Ok(map.delete(&name)?),
                    _ => self.write_field(&map, &name, new_value(patch)?, &patch.path),
                }
            }
            Place::Container(Container::MovableList(list)) => {
                let key_field = self
                    .schema
                    .key_field(&parent_path)
                    .ok_or_else(|| mismatch(&parent_path, "a list that is not marked keyed"))?
                    .to_owned();
                self.apply_item(&list, &key_field, last, patch)
            }
            Place::Container(_) => Err(mismatch(&patch.path, "below a text or a counter")),
            Place::InValue {
                map,
                key,
                at,
                below,
            } => {
                let mut whole = map
                    .get(&key)
                    .map(|v| loro_to_json(&v.get_deep_value()))
                    .unwrap_or(Value::Null);
                let mut rest = below;
                rest.push(last.clone());
                apply_inside(&mut whole, &rest, patch)?;
                self.write_field(&map, &key, &whole, &at)
            }
        }
    }

    /// A patch to an item of a keyed collection (or inside it, at the item itself).
    fn apply_item(
        &self,
        list: &LoroMovableList,
        key_field: &str,
        key: &Segment,
        patch: &Patch,
    ) -> Result<(), SyncError> {
        let key = segment_text(key);
        let found = self.find_item(list, key_field, &key);
        match patch.op {
            PatchOp::Add => {
                if found.is_some() {
                    return Err(mismatch(
                        &patch.path,
                        "an item with this key is already there",
                    ));
                }
                let index = patch.index.unwrap_or(list.len()).min(list.len());
                let item = list.insert_container(index, LoroMap::new())?;
                self.write_object(&item, new_value(patch)?, &patch.path)
            }
            PatchOp::Remove => {
                let (index, _) = found.ok_or_else(|| no_such_path(&patch.path))?;
                list.delete(index, 1)?;
                // Items that shared the key (added concurrently by two replicas) were shadowed
                // by this one; the key is gone from the state, so they go too.
                while let Some((index, _)) = find_item(list, key_field, &key) {
                    list.delete(index, 1)?;
                }
                Ok(())
            }
            PatchOp::Replace => {
                let (_, item) = found.ok_or_else(|| no_such_path(&patch.path))?;
                self.write_object(&item, new_value(patch)?, &patch.path)
            }
            PatchOp::Move => {
                let (from, _) = found.ok_or_else(|| no_such_path(&patch.path))?;
                let to = patch
                    .index
                    .ok_or_else(|| mismatch(&patch.path, "an item move without its index"))?;
                if to >= list.len() {
                    return Err(mismatch(&patch.path, "an item move past the end"));
                }
                if from != to {
                    list.mov(from, to)?;
                }
                Ok(())
            }
        }
    }

    /// The container (or the plain value) that `path` names.
    fn locate(&self, path: &Path) -> Result<Place, SyncError> {
        let mut here = Container::Map(self.root.clone());
        let mut at = Path::root();
        let segments = path.segments();
        for (i, segment) in segments.iter().enumerate() {
            let child = match &here {
                Container::Map(map) => {
                    let name = segment_text(segment);
                    match map.get(&name) {
                        Some(ValueOrContainer::Container(c)) => c,
                        Some(ValueOrContainer::Value(_)) => {
                            return Ok(Place::InValue {
                                map: map.clone(),
                                key: name,
                                at: at.join(segment.clone()),
                                below: segments[i + 1..].to_vec(),
                            });
                        }
                        None => return Err(no_such_path(path)),
                    }
                }
                Container::MovableList(list) => {
                    let key_field = self
                        .schema
                        .key_field(&at)
                        .ok_or_else(|| mismatch(&at, "a list that is not marked keyed"))?;
                    let (_, item) = self
                        .find_item(list, key_field, &segment_text(segment))
                        .ok_or_else(|| no_such_path(path))?;
                    Container::Map(item)
                }
                _ => return Err(mismatch(path, "below a text or a counter")),
            };
            at.push(segment.clone());
            here = child;
        }
        Ok(Place::Container(here))
    }

    /// Writes `value` into the entry `name` of `map`, as the schema keeps the place `path`.
    fn write_field(
        &self,
        map: &LoroMap,
        name: &str,
        value: &Value,
        path: &Path,
    ) -> Result<(), SyncError> {
        let existing = map.get(name);
        let kind = match value {
            // `None` of an optional struct, text or list: a plain null, whatever the mark.
            Value::Null => FieldKind::Value,
            _ => self.schema.kind_at(path, value),
        };
        if kind == FieldKind::Value {
            if let Some(ValueOrContainer::Value(old)) = &existing
                && loro_to_json(old) == *value
            {
                return Ok(());
            }
            return Ok(map.insert(name, json_to_loro(value))?);
        }
        // A container goes where a plain value was: clear the entry first (the mergeable
        // child containers refuse to replace a value).
        if matches!(existing, Some(ValueOrContainer::Value(_))) {
            map.delete(name)?;
        }
        match kind {
            FieldKind::Map => {
                let child = map.ensure_mergeable_map(name)?;
                self.write_object(&child, value, path)
            }
            FieldKind::KeyedList { key } => {
                let Value::Array(items) = value else {
                    return Err(mismatch(path, "a keyed collection that is not a list"));
                };
                let list = map.ensure_mergeable_movable_list(name)?;
                self.write_list(&list, &key, items, path)
            }
            FieldKind::Text => {
                let Value::String(s) = value else {
                    return Err(mismatch(path, "collaborative text that is not a string"));
                };
                let text = map.ensure_mergeable_text(name)?;
                if text.to_string() != *s {
                    text.update(s, Default::default())
                        .map_err(|e| mismatch(path, &format!("text update: {e}")))?;
                }
                Ok(())
            }
            FieldKind::Counter => {
                let target = value
                    .as_f64()
                    .ok_or_else(|| mismatch(path, "a counter that is not a number"))?;
                let counter = map.ensure_mergeable_counter(name)?;
                let delta = target - counter.get_value();
                if delta != 0.0 {
                    counter.increment(delta)?;
                }
                Ok(())
            }
            FieldKind::Value => unreachable!("handled above"),
        }
    }

    /// Makes `map` hold the object `value`: changed fields written, missing ones deleted.
    fn write_object(&self, map: &LoroMap, value: &Value, path: &Path) -> Result<(), SyncError> {
        let Value::Object(fields) = value else {
            return Err(mismatch(path, "a map that is not an object"));
        };
        for (name, field) in fields {
            self.write_field(map, name, field, &path.join(Segment::field(name.clone())))?;
        }
        let stale: Vec<String> = map
            .keys()
            .filter(|k| !fields.contains_key(k.as_str()))
            .map(|k| k.to_string())
            .collect();
        for name in stale {
            map.delete(&name)?;
        }
        Ok(())
    }

    /// Makes `list` hold `items` (matched by key): removes, moves, inserts, then each item's
    /// fields.
    fn write_list(
        &self,
        list: &LoroMovableList,
        key_field: &str,
        items: &[Value],
        path: &Path,
    ) -> Result<(), SyncError> {
        let mut target = Vec::with_capacity(items.len());
        for item in items {
            let key = item
                .get(key_field)
                .and_then(key_text)
                .ok_or_else(|| mismatch(path, &format!("an item without its key `{key_field}`")))?;
            target.push(key);
        }
        let wanted: std::collections::HashSet<&String> = target.iter().collect();
        // Removes, from the back so positions stay valid; an item that an earlier one with the
        // same key shadows (two replicas added the key concurrently) goes too.
        let mut now = list_keys(list, key_field);
        let mut first = std::collections::HashSet::new();
        let shadowed: Vec<bool> = now.iter().map(|k| !first.insert(k.clone())).collect();
        for index in (0..now.len()).rev() {
            if !wanted.contains(&now[index]) || shadowed[index] {
                list.delete(index, 1)?;
                now.remove(index);
            }
        }
        // Moves among the kept items, into the target's relative order.
        let present: std::collections::HashSet<&String> = now.iter().collect();
        let kept: Vec<String> = target
            .iter()
            .filter(|k| present.contains(k))
            .cloned()
            .collect();
        for (_, from, to) in keyed::moves(&now, &kept) {
            list.mov(from, to)?;
        }
        // Inserts at their target positions, front to back; then every item's fields.
        for (index, (key, item)) in target.iter().zip(items).enumerate() {
            let child = path.join(Segment::key_text(key.clone()));
            let map = if present.contains(key) {
                match list.get(index) {
                    Some(ValueOrContainer::Container(Container::Map(m))) => m,
                    _ => return Err(mismatch(&child, "a keyed item that is not a map")),
                }
            } else {
                list.insert_container(index, LoroMap::new())?
            };
            self.write_object(&map, item, &child)?;
        }
        Ok(())
    }
}

/// The keys of a keyed list's items, in order (an item without a key reads as empty).
pub(crate) fn list_keys(list: &LoroMovableList, key_field: &str) -> Vec<String> {
    (0..list.len())
        .map(|i| match list.get(i) {
            Some(ValueOrContainer::Container(Container::Map(m))) => {
                item_key(&m, key_field).unwrap_or_default()
            }
            _ => String::new(),
        })
        .collect()
}

/// The item at `index` of `list`, if its key is `key`.
#[cfg_attr(not(feature = "store"), allow(dead_code))] // used by the store binding
fn item_with_key(
    list: &LoroMovableList,
    index: usize,
    key_field: &str,
    key: &str,
) -> Option<(usize, LoroMap)> {
    match list.get(index) {
        Some(ValueOrContainer::Container(Container::Map(m)))
            if item_key(&m, key_field).as_deref() == Some(key) =>
        {
            Some((index, m))
        }
        _ => None,
    }
}

/// The position and the map of the item with key `key`.
fn find_item(list: &LoroMovableList, key_field: &str, key: &str) -> Option<(usize, LoroMap)> {
    (0..list.len()).find_map(|i| match list.get(i) {
        Some(ValueOrContainer::Container(Container::Map(m)))
            if item_key(&m, key_field).as_deref() == Some(key) =>
        {
            Some((i, m))
        }
        _ => None,
    })
}

/// Applies a patch inside a plain JSON value (a list without keys, a map held as one value).
fn apply_inside(whole: &mut Value, rest: &[Segment], patch: &Patch) -> Result<(), SyncError> {
    let Some((last, parent)) = rest.split_last() else {
        return Err(mismatch(&patch.path, "empty path inside a value"));
    };
    let mut here = whole;
    for segment in parent {
        here = match here {
            Value::Object(map) => map.get_mut(segment.as_text().as_ref()),
            Value::Array(list) => segment.as_index().and_then(|i| list.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| no_such_path(&patch.path))?;
    }
    let name = segment_text(last);
    match (here, patch.op) {
        (Value::Object(map), PatchOp::Remove) => {
            map.remove(&name).ok_or_else(|| no_such_path(&patch.path))?;
        }
        (Value::Object(map), _) => {
            map.insert(name, new_value(patch)?.clone());
        }
        (Value::Array(list), op) => {
            let index = if name == "-" {
                list.len()
            } else {
                last.as_index().ok_or_else(|| no_such_path(&patch.path))?
            };
            match op {
                PatchOp::Add if index <= list.len() => {
                    list.insert(index, new_value(patch)?.clone())
                }
                PatchOp::Remove if index < list.len() => {
                    list.remove(index);
                }
                PatchOp::Replace if index < list.len() => list[index] = new_value(patch)?.clone(),
                _ => return Err(no_such_path(&patch.path)),
            }
        }
        _ => return Err(no_such_path(&patch.path)),
    }
    Ok(())
}

fn new_value(patch: &Patch) -> Result<&Value, SyncError> {
    patch
        .value
        .as_ref()
        .ok_or_else(|| mismatch(&patch.path, "a patch without its value"))
}

fn mismatch(path: &Path, reason: &str) -> SyncError {
    SyncError::Mismatch {
        path: path.clone(),
        reason: reason.to_owned(),
    }
}

fn no_such_path(path: &Path) -> SyncError {
    SyncError::NoSuchPath { path: path.clone() }
}
