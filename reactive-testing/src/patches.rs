//! [`assert_patches!`](crate::assert_patches) and the comparison behind it,
//! [`match_patches`]: patches are compared as JSON Patch objects, member by member, and the
//! expected side may leave members out (typically `old`).

use std::fmt;

use reactive_state::Patch;
use serde_json::Value;

/// Why [`match_patches`] found the patches different.
#[derive(Clone, Debug, PartialEq)]
pub enum PatchMismatch {
    /// The expected value is not a JSON array of objects.
    NotAList {
        /// What was given instead.
        expected: Value,
    },
    /// Different numbers of patches.
    Count {
        /// How many were expected.
        expected: usize,
        /// The patches there were, as JSON.
        actual: Vec<Value>,
    },
    /// The patch at `index` differs in `member`.
    Member {
        /// Position of the patch in the list.
        index: usize,
        /// The JSON member that differs (`op`, `path`, `value`, `old`, …).
        member: String,
        /// The expected member's value.
        expected: Value,
        /// The actual member's value (`null` when absent).
        actual: Value,
        /// The whole actual patch, as JSON text.
        patch: String,
    },
}

impl fmt::Display for PatchMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatchMismatch::NotAList { expected } => {
                write!(
                    f,
                    "expected patches must be a JSON array of objects, got {expected}"
                )
            }
            PatchMismatch::Count { expected, actual } => {
                write!(f, "expected {expected} patches, got {}:", actual.len())?;
                for p in actual {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
            PatchMismatch::Member {
                index,
                member,
                expected,
                actual,
                patch,
            } => write!(
                f,
                "patch {index}: `{member}` is {actual}, expected {expected}\n  patch: {patch}"
            ),
        }
    }
}

impl std::error::Error for PatchMismatch {}

/// Compares `actual` patches with `expected`, a JSON array with one object per patch. Each
/// member given in an expected object must equal the actual patch's member (serialised as
/// JSON Patch); members left out are not compared, so `{"op": "replace", "path": "/done",
/// "value": true}` matches whatever the `old` value was.
///
/// ```
/// use reactive_state::{path, Patch};
/// use reactive_testing::{match_patches, PatchMismatch};
/// use serde_json::json;
///
/// let patches = [Patch::replace(path!(done), false.into(), true.into())];
/// assert!(match_patches(&patches, &json!([{"op": "replace", "path": "/done", "value": true}])).is_ok());
/// let err = match_patches(&patches, &json!([{"op": "replace", "path": "/done", "value": false}]));
/// assert!(matches!(err, Err(PatchMismatch::Member { index: 0, ref member, .. }) if member == "value"));
/// ```
pub fn match_patches(actual: &[Patch], expected: &Value) -> Result<(), PatchMismatch> {
    let not_a_list = || PatchMismatch::NotAList {
        expected: expected.clone(),
    };
    let list = expected.as_array().ok_or_else(not_a_list)?;
    let actual_json: Vec<Value> = actual
        .iter()
        .map(|p| serde_json::to_value(p).expect("a Patch always serialises"))
        .collect();
    if list.len() != actual_json.len() {
        return Err(PatchMismatch::Count {
            expected: list.len(),
            actual: actual_json,
        });
    }
    for (index, (want, got)) in list.iter().zip(&actual_json).enumerate() {
        let want = want.as_object().ok_or_else(not_a_list)?;
        for (member, expected) in want {
            let actual = got.get(member).cloned().unwrap_or(Value::Null);
            if &actual != expected {
                return Err(PatchMismatch::Member {
                    index,
                    member: member.clone(),
                    expected: expected.clone(),
                    actual,
                    patch: got.to_string(),
                });
            }
        }
    }
    Ok(())
}

/// Panics (at the caller) with what differs unless `actual` matches `expected` as
/// [`match_patches`] defines it. What [`assert_patches!`](crate::assert_patches) calls.
#[track_caller]
pub fn assert_patches_match(actual: &[Patch], expected: &Value) {
    if let Err(mismatch) = match_patches(actual, expected) {
        panic!("assert_patches! failed: {mismatch}");
    }
}

/// Asserts that a list of [`Patch`]es matches JSON Patch objects written inline (the syntax of
/// `serde_json::json!`). Members left out of an expected object are not compared.
///
/// ```
/// use reactive_state::{Diff, State};
/// use reactive_testing::assert_patches;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(reactive_macros::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
/// struct Todo { title: String, done: bool }
///
/// let old = Todo { title: "milk".into(), done: false };
/// let new = Todo { title: "oat milk".into(), done: true };
/// assert_patches!(Diff::patches(&new, &old)?, [
///     {"op": "replace", "path": "/title", "value": "oat milk", "old": "milk"},
///     {"op": "replace", "path": "/done", "value": true},
/// ]);
/// # Ok::<(), reactive_state::PatchError>(())
/// ```
#[macro_export]
macro_rules! assert_patches {
    ($actual:expr, $($expected:tt)+) => {
        $crate::assert_patches_match(
            ::core::convert::AsRef::<[$crate::__private::Patch]>::as_ref(&$actual),
            &$crate::__private::json!($($expected)+),
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use reactive_state::path;
    use serde_json::json;

    #[test]
    fn a_missing_patch_is_reported_with_the_actual_list() {
        let patches = [Patch::replace(path!(a), 1.into(), 2.into())];
        let err = match_patches(&patches, &json!([])).unwrap_err();
        assert!(
            matches!(err, PatchMismatch::Count { expected: 0, ref actual } if actual.len() == 1)
        );
        assert!(err.to_string().contains("\"/a\""));
    }

    #[test]
    fn an_expected_member_absent_from_the_patch_is_a_mismatch() {
        let patches = [Patch::replace(path!(a), 1.into(), 2.into())];
        let err = match_patches(&patches, &json!([{"from": "/b"}])).unwrap_err();
        assert!(
            matches!(err, PatchMismatch::Member { ref member, actual: Value::Null, .. } if member == "from")
        );
    }

    #[test]
    fn a_non_list_expectation_is_a_typed_error() {
        let err = match_patches(&[], &json!({"op": "add"})).unwrap_err();
        assert!(matches!(err, PatchMismatch::NotAList { .. }));
    }

    #[test]
    #[should_panic(expected = "patch 0: `path` is \"/a\", expected \"/b\"")]
    fn the_macro_panics_naming_the_differing_member() {
        let patches = vec![Patch::replace(path!(a), 1.into(), 2.into())];
        crate::assert_patches!(patches, [{"op": "replace", "path": "/b"}]);
    }
}
