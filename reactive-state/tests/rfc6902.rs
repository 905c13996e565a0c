//! Our patches are RFC 6902 JSON Patch: diffs of plain (unkeyed) states, written as JSON, are
//! applied by an outside implementation (the `json-patch` crate) to the old state's JSON and
//! must give the new state's JSON. Keyed collections address items by key, which plain JSON
//! Patch cannot express, so they are not part of this check.

use std::collections::BTreeMap;

use proptest::prelude::*;
use reactive_state::Diff;
use serde::{Deserialize, Serialize};

#[derive(reactive_macros::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Doc {
    title: String,
    tags: Vec<String>,
    counts: BTreeMap<String, u8>,
    nested: Vec<Vec<u8>>,
    note: Option<String>,
}

fn doc() -> impl Strategy<Value = Doc> {
    (
        "[a-c]{0,3}",
        proptest::collection::vec("[a-c]{1,2}", 0..6),
        proptest::collection::btree_map("[a-d]", 0u8..3, 0..4),
        proptest::collection::vec(proptest::collection::vec(0u8..3, 0..4), 0..4),
        proptest::option::of("[x-z]"),
    )
        .prop_map(|(title, tags, counts, nested, note)| Doc {
            title,
            tags,
            counts,
            nested,
            note,
        })
}

proptest! {
    #[test]
    fn an_outside_json_patch_implementation_applies_our_diffs(old in doc(), new in doc()) {
        let patches = Diff::patches(&new, &old).unwrap();
        let wire = serde_json::to_value(&patches).unwrap();
        let outside: json_patch::Patch = serde_json::from_value(wire).unwrap();
        let mut json = serde_json::to_value(&old).unwrap();
        json_patch::patch(&mut json, &outside).unwrap();
        prop_assert_eq!(json, serde_json::to_value(&new).unwrap());
    }
}
