//! Snapshots, `apply`, and serialisable patches (JSON Patch) replayed on another model.
use reactive_model::{Model, ModelPatch};
use serde::{Deserialize, Serialize};

#[derive(Model, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[model(serde)]
struct Doc {
    title: String,
    words: u32,
}

fn main() {
    let doc = DocModel::new(Doc { title: "a".into(), words: 0 });
    let replica = DocModel::new(doc.snapshot());
    let patches = Doc::diff(&doc.snapshot(), &Doc { title: "b".into(), words: 0 });
    let json = serde_json::to_string(&patches).unwrap();
    let received: Vec<DocPatch> = serde_json::from_str(&json).unwrap();
    replica.apply_patches(&received).unwrap();
    doc.apply(Doc { title: "b".into(), words: 0 });
    assert_eq!(replica.snapshot(), doc.snapshot());
    assert_eq!(received[0].path().to_string(), "/title");
    // The wire form is JSON Patch.
    assert_eq!(json, r#"[{"op":"replace","path":"/title","value":"b","old":"a"}]"#);
}
