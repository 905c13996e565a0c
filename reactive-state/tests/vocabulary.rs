//! The vocabulary of change, from the outside: paths with keys survive the wire, moves apply as
//! RFC 6902 says, keyed collections refuse what does not fit with an error naming the path.

use std::collections::BTreeMap;

use proptest::prelude::*;
use reactive_state::{Diff, Patch, PatchError, PatchOp, Path, Segment, State, keyed, path};
use serde_json::json;

#[test]
fn a_path_with_a_key_segment_reads_back_equal_from_its_json_pointer() {
    let written = path!(todos).join(Segment::key("t/7")).join("title");
    let text = written.to_string();
    assert_eq!(text, "/todos/t~17/title");
    assert_eq!(Path::parse(&text).unwrap(), written);
    let numeric = path!(players).join(Segment::key(42u32));
    assert_eq!(Path::parse(&numeric.to_string()).unwrap(), numeric);
}

#[test]
fn equal_segments_hash_equal_whatever_their_kind() {
    use std::collections::HashSet;
    let set: HashSet<Segment> = [Segment::key(3), Segment::field("x")].into_iter().collect();
    assert!(set.contains(&Segment::Index(3)));
    assert!(set.contains(&Segment::key("x")));
    assert!(!set.contains(&Segment::key("03")));
}

#[test]
fn an_rfc_move_between_list_positions_applies_and_inverts() {
    let mut list = vec![10, 20, 30, 40];
    let p = Patch::move_value(path!([0]), path!([2]));
    list.apply_patch(&p).unwrap();
    assert_eq!(list, [20, 30, 10, 40]);
    list.apply_patch(&p.inverse()).unwrap();
    assert_eq!(list, [10, 20, 30, 40]);
}

#[test]
fn a_foreign_move_document_between_map_entries_applies() {
    let mut map: BTreeMap<String, u8> = [("a".into(), 1), ("b".into(), 2)].into();
    let doc = r#"[{"op":"move","from":"/a","path":"/c"}]"#;
    let patches: Vec<Patch> = serde_json::from_str(doc).unwrap();
    map.apply_patch(&patches[0]).unwrap();
    assert_eq!(map, [("b".into(), 2), ("c".into(), 1)].into());
}

#[test]
fn a_move_from_nowhere_is_an_error_naming_the_source() {
    let mut list = vec![1];
    let err = list
        .apply_patch(&Patch::move_value(path!([5]), path!([0])))
        .unwrap_err();
    assert_eq!(err, PatchError::NoSuchPath { path: path!([5]) });
    assert_eq!(list, [1]);
}

#[test]
fn keyed_patches_serialise_as_json_patch_with_positions() {
    let add = Patch::add_item(
        path!(todos).join(Segment::key("t1")),
        0,
        json!({"id": "t1"}),
    );
    assert_eq!(
        serde_json::to_value(&add).unwrap(),
        json!({"op": "add", "path": "/todos/t1", "value": {"id": "t1"}, "index": 0})
    );
    let back: Patch = serde_json::from_value(serde_json::to_value(&add).unwrap()).unwrap();
    assert_eq!(back, add);
    assert_eq!(back.inverse().op, PatchOp::Remove);
    assert_eq!(back.inverse().old_index, Some(0));
}

#[test]
fn a_keyed_add_of_a_present_key_or_a_mismatched_item_is_a_key_conflict() {
    let mut ids = vec![1u32, 2];
    let at = |k: u32| path!(ids).join(Segment::key(k));
    let present = Patch::add_item(at(2), 0, json!(2));
    let mismatched = Patch::add_item(at(3), 0, json!(4));
    for p in [present, mismatched] {
        let err = keyed::apply(&mut ids, &p.path.segments()[1..], &p, |k| k).unwrap_err();
        assert!(matches!(err, PatchError::KeyConflict { ref path, .. } if *path == p.path));
    }
    let missing = Patch::remove_item(at(9), 0, json!(9));
    let err = keyed::apply(&mut ids, &missing.path.segments()[1..], &missing, |k| k).unwrap_err();
    assert_eq!(err, PatchError::NoSuchPath { path: at(9) });
    assert_eq!(ids, [1, 2]);
}

/// A keyed list of `(key, value)` pairs, diffed and applied through `reactive_state::keyed`.
fn keyed_round_trip(old: &[(u8, u8)], new: &[(u8, u8)]) -> Result<(), TestCaseError> {
    let mut patches = Vec::new();
    let mut cx = Diff::at(path!(items), &mut patches);
    keyed::diff(&new.to_vec(), &old.to_vec(), |item| &item.0, &mut cx);
    cx.finish().unwrap();
    let mut replica = old.to_vec();
    for p in &patches {
        keyed::apply(&mut replica, &p.path.segments()[1..], p, |item| &item.0)
            .map_err(|e| TestCaseError::fail(format!("{p:?}: {e}")))?;
    }
    prop_assert_eq!(&replica, &new.to_vec());
    for p in patches.iter().rev() {
        let back = p.inverse();
        keyed::apply(&mut replica, &back.path.segments()[1..], &back, |item| {
            &item.0
        })
        .map_err(|e| TestCaseError::fail(format!("{back:?}: {e}")))?;
    }
    prop_assert_eq!(&replica, &old.to_vec());
    // A diff of equal lists says nothing.
    let mut none = Vec::new();
    keyed::diff(
        &new.to_vec(),
        &new.to_vec(),
        |item| &item.0,
        &mut Diff::new(&mut none),
    );
    prop_assert!(none.is_empty());
    Ok(())
}

fn keyed_list() -> impl Strategy<Value = Vec<(u8, u8)>> {
    proptest::collection::btree_map(0u8..24, 0u8..4, 0..12)
        .prop_map(|m| m.into_iter().collect::<Vec<_>>())
        .prop_shuffle()
}

proptest! {
    #[test]
    fn keyed_diffs_apply_in_order_and_their_inverses_undo_them(old in keyed_list(), new in keyed_list()) {
        keyed_round_trip(&old, &new)?;
    }
}
