//! [`ListPatch`] as a [`reactive_state::Patch`] and back ([`StatePatch`]), and its serde form,
//! which is that patch: `{"op":"move","from":"/7","path":"/7","index":0,"oldIndex":2}`.

use super::{ListKey, ListPatch};
use crate::Model;
use crate::state_patch::{StatePatch, decode, deserialize_patch, encode, invalid, serialize_patch};
use reactive_state::{Patch, PatchError, PatchOp, Path, Segment};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::str::FromStr;

/// An item is `/<key>` (the key's `Display` text); `Insert` is an `add` with `index`, `Remove`
/// a `remove` with `oldIndex` and `old`, `Move` a `move` with `oldIndex` and `index`, `Item`
/// the item patch below `/<key>`. Keys are read back with `FromStr`.
///
/// ```
/// use reactive_model::{ListPatch, Model, StatePatch};
/// use reactive_state::{Patch, Path};
///
/// #[derive(Model, Clone, PartialEq, Debug, serde::Serialize, serde::Deserialize)]
/// #[model(serde)]
/// struct Tag {
///     #[model(skip)]
///     id: u32,
/// }
///
/// let patch: ListPatch<Tag, u32> = ListPatch::Move { key: 7, from: 2, to: 0 };
/// assert_eq!(patch.to_patch()?, Patch::move_item(Path::parse("/7")?, 2, 0));
/// assert_eq!(ListPatch::from_patch(&patch.to_patch()?)?, patch);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl<M, K> StatePatch for ListPatch<M, K>
where
    M: Model + Serialize + DeserializeOwned,
    M::Patch: StatePatch,
    K: ListKey + FromStr,
{
    fn to_patch_at(&self, at: Path) -> Result<Patch, PatchError> {
        let item = at.join(Segment::key(self.key()));
        Ok(match self {
            ListPatch::Insert { index, value, .. } => {
                let value = encode(value, &item)?;
                Patch::add_item(item, *index, value)
            }
            ListPatch::Remove { index, value, .. } => {
                let value = encode(value, &item)?;
                Patch::remove_item(item, *index, value)
            }
            ListPatch::Move { from, to, .. } => Patch::move_item(item, *from, *to),
            ListPatch::Item { patch, .. } => return patch.to_patch_at(item),
        })
    }

    fn from_patch_at(patch: &Patch, depth: usize) -> Result<Self, PatchError> {
        let segments = patch.path.segments();
        let Some(segment) = segments.get(depth) else {
            return Err(invalid(
                patch,
                "a keyed list is patched item by item, at `/<list>/<key>`",
            ));
        };
        let text = segment.as_text();
        let key: K = text.parse().map_err(|_| PatchError::Decode {
            path: patch.path.clone(),
            message: format!("`{text}` is not a key of this list"),
        })?;
        if segments.len() > depth + 1 {
            let inner = <M::Patch as StatePatch>::from_patch_at(patch, depth + 1)?;
            return Ok(ListPatch::Item {
                key,
                patch: Box::new(inner),
            });
        }
        let index =
            |position: Option<usize>, member| position.ok_or_else(|| invalid(patch, member));
        Ok(match patch.op {
            PatchOp::Add => ListPatch::Insert {
                key,
                index: index(patch.index, "an insertion into a keyed list needs `index`")?,
                value: decode(patch.new_value()?, patch)?,
            },
            PatchOp::Remove => {
                let old = patch.old.as_ref().ok_or_else(|| {
                    invalid(
                        patch,
                        "a removal from a keyed list needs the removed item (`old`)",
                    )
                })?;
                ListPatch::Remove {
                    key,
                    index: index(
                        patch.old_index,
                        "a removal from a keyed list needs `oldIndex`",
                    )?,
                    value: decode(old, patch)?,
                }
            }
            PatchOp::Move if patch.is_item_move() => ListPatch::Move {
                key,
                from: index(patch.old_index, "a move in a keyed list needs `oldIndex`")?,
                to: index(patch.index, "a move in a keyed list needs `index`")?,
            },
            PatchOp::Move => {
                return Err(invalid(
                    patch,
                    "a move between two places is not a change of a keyed list",
                ));
            }
            PatchOp::Replace => {
                return Err(invalid(
                    patch,
                    "a keyed list's item is not replaced whole; its fields are patched",
                ));
            }
        })
    }
}

/// The JSON Patch form, through [`StatePatch`].
impl<M: Model, K: ListKey> Serialize for ListPatch<M, K>
where
    Self: StatePatch,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_patch(self, serializer)
    }
}

/// From the JSON Patch form, through [`StatePatch`].
impl<'de, M: Model, K: ListKey> Deserialize<'de> for ListPatch<M, K>
where
    Self: StatePatch,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_patch(deserializer)
    }
}
