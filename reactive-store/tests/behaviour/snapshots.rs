use std::sync::Arc;

use reactive_store::*;
use serde::{Deserialize, Serialize};

use super::common::{App, Filter, app};

#[test]
fn snapshots_round_trip_through_json_and_postcard() {
    let store = Store::new(app(50));
    store.update(|s| s.owner = Some("ada".into())).unwrap();
    let snap = store.snapshot_untracked();
    let json = snap.to_json().unwrap();
    assert_eq!(Snapshot::<App>::from_json(&json).unwrap(), snap);
    let bytes = snap.to_postcard().unwrap();
    assert!(
        bytes.len() < json.len() / 2,
        "{} vs {}",
        bytes.len(),
        json.len()
    );
    assert_eq!(Snapshot::<App>::from_postcard(&bytes).unwrap(), snap);
}

#[test]
fn corrupt_or_foreign_snapshots_are_errors_with_a_cause() {
    let bytes = Snapshot::new(app(3)).to_postcard().unwrap();
    for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
        assert!(matches!(
            Snapshot::<App>::from_postcard(&bytes[..cut]),
            Err(CodecError::Postcard(_))
        ));
    }
    let mut longer = bytes.clone();
    longer.push(0);
    let err = Snapshot::<App>::from_postcard(&longer).unwrap_err();
    assert!(err.to_string().contains("left over"), "{err}");
    let err = Snapshot::<App>::from_json(r#"{"todos": 3}"#).unwrap_err();
    assert!(err.to_string().contains("line 1"), "{err}");
}

#[test]
fn applying_a_snapshot_writes_only_what_differs() {
    let store = Store::new(app(1000));
    let mut incoming = (*store.snapshot_untracked()).clone();
    incoming.todos[500].done = true;
    incoming.filter = Filter::Done;
    // As if read from a file: nothing shared with the live state.
    let incoming = Snapshot::<App>::from_json(&Snapshot::new(incoming).to_json().unwrap()).unwrap();
    let before = store.snapshot_untracked();
    let commit = store.apply_snapshot(&incoming).unwrap();
    assert_eq!(commit.kind(), CommitKind::ApplySnapshot);
    assert_eq!(
        commit
            .patches()
            .iter()
            .map(|p| p.path.to_string())
            .collect::<Vec<_>>(),
        ["/todos/500/done", "/filter"]
    );
    assert_eq!(store.snapshot_untracked(), incoming);
    // Unchanged parts are still the live state's: the untouched leaf chunk is shared.
    assert!(std::ptr::eq(
        &store.snapshot_untracked().todos[0],
        &before.todos[0]
    ));
    // Applying it again changes nothing.
    assert!(store.apply_snapshot(&incoming).unwrap().is_empty());
}

#[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Doc {
    meta: Arc<Meta>,
    body: String,
}

#[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Meta {
    title: String,
}

#[test]
fn arc_parts_of_a_state_are_shared_by_snapshots_and_skipped_by_diffs() {
    let store = Store::new(Doc {
        meta: Arc::new(Meta { title: "t".into() }),
        body: String::new(),
    });
    let before = store.snapshot_untracked();
    let commit = store.update(|d| d.body.push_str("hello")).unwrap();
    assert_eq!(commit.patches().len(), 1);
    assert!(Arc::ptr_eq(&before.meta, &store.snapshot_untracked().meta));
    let commit = store
        .update(|d| Arc::make_mut(&mut d.meta).title = "new".into())
        .unwrap();
    assert_eq!(commit.patches()[0].path, path!(meta.title));
    assert_eq!(before.meta.title, "t");
}
