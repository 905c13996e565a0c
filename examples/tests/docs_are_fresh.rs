//! The committed `examples/docs/` is what the examples' types generate now.

#[test]
fn committed_docs_match_the_examples_types() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let stale: Vec<String> = examples::docs::files()
        .into_iter()
        .filter(|(name, text)| std::fs::read_to_string(dir.join(name)).ok().as_ref() != Some(text))
        .map(|(name, _)| name.to_owned())
        .collect();
    assert!(
        stale.is_empty(),
        "examples/docs/ is out of date ({}): run `cargo run -p reactive-codegen -- docs` and commit the result",
        stale.join(", ")
    );
}

#[test]
fn the_docs_cover_models_validators_events_and_the_statechart() {
    let [(_, json), (_, md), (_, html)] = examples::docs::files();
    for name in [
        "## Arena",
        "## Fighter",
        "## Pos",
        "## Document",
        "## AccountEvent",
        "## checkout",
    ] {
        assert!(md.contains(&format!("\n{name}\n")), "no section {name}");
    }
    assert!(md.contains("Arena *-- \"many\" Fighter : fighters by id"));
    assert!(md.contains("Fighter *-- Pos : pos"));
    assert!(md.contains("| `hp_ratio()` | `f32` | Health left, from 0 to 1. |"));
    assert!(md.contains("| `/lines/*` |"));
    assert!(md.contains("| `Deposited` | 1 |"));
    assert!(md.contains("```mermaid\nstateDiagram-v2\n"));
    assert_eq!(html.matches("<pre class=\"mermaid\">").count(), 2);
    assert!(html.contains("works offline"));
    let back: reactive_codegen::DocCatalog = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back,
        examples::docs::catalog(),
        "the JSON reads back as the catalog"
    );
}
