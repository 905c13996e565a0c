//! Docs from models: golden Markdown and HTML for a small game's models (nesting, a keyed list
//! of itself, computed properties, skipped fields).

use reactive_codegen::model_docs;
use reactive_model::{Model, computed};

/// A team in the league.
#[derive(Model, Clone, PartialEq, Debug)]
struct Team {
    #[model(skip)]
    id: u32,
    /// Shown on the | scoreboard.
    name: String,
    #[model(nested)]
    ground: Ground,
    /// Youth teams, by id.
    #[model(keyed = "id")]
    youth: Vec<Team>,
    points: Vec<u8>,
}

#[computed]
impl TeamModel {
    /// Sum of the points.
    fn total(&self) -> u32 {
        self.points().iter().map(|p| u32::from(*p)).sum()
    }
}

/// Where a team plays.
#[derive(Model, Clone, PartialEq, Debug)]
struct Ground {
    capacity: Option<u32>,
}

#[test]
fn docs_of_the_league_models_are_the_committed_ones() {
    let docs = model_docs(&[Team::describe]);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
    for (file, text) in [("league.md", &docs.markdown), ("league.html", &docs.html)] {
        let path = format!("{dir}/{file}");
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, text).unwrap();
        }
        assert!(
            &std::fs::read_to_string(&path).unwrap() == text,
            "{path} is stale (UPDATE_GOLDEN=1):\n{text}"
        );
    }
}

#[test]
fn a_model_that_lists_itself_is_documented_once() {
    let docs = model_docs(&[Team::describe, Team::describe]);
    assert_eq!(docs.markdown.matches("\n## Team\n").count(), 1);
    assert!(
        docs.markdown
            .contains("Team *-- \"many\" Team : youth by id")
    );
    assert!(docs.markdown.contains("+total() u32"));
    assert!(docs.markdown.contains("+Vec~u8~ points"));
}

#[test]
fn table_cells_and_html_are_escaped() {
    let docs = model_docs(&[Team::describe]);
    assert!(docs.markdown.contains("Shown on the \\| scoreboard."));
    assert!(docs.html.contains("<code>Option&lt;u32&gt;</code>"));
}

#[test]
fn a_rule_on_a_model_is_listed_in_its_section_and_others_get_their_own() {
    let docs = reactive_codegen::DocCatalog::new("League")
        .models(&[Team::describe])
        .validator("Team", "/name", "not blank")
        .validator("Fixture", "/", "home <> away")
        .render();
    let team = docs.markdown.find("\n## Team\n").unwrap();
    let rule = docs.markdown.find("| `/name` | not blank |").unwrap();
    let fixture = docs.markdown.find("\n## Fixture\n").unwrap();
    assert!(team < rule && rule < fixture, "{}", docs.markdown);
    assert!(docs.markdown[fixture..].contains("| `/` | home <> away |"));
    assert!(docs.html.contains("<td>home &lt;&gt; away</td>"));
}

#[test]
fn events_and_statecharts_are_rendered_with_versions_and_diagrams() {
    let docs = reactive_codegen::DocCatalog::new("Orders")
        .events(
            "OrderEvent",
            "An order's events.",
            &[("Placed", 3), ("Paid", 1)],
        )
        .statechart("order", "", "stateDiagram-v2\n  a --> b : GO")
        .render();
    assert!(
        docs.markdown
            .contains("## OrderEvent\n\nAn order's events.\n\nEvent types, each stored with its schema version:\n\n| event type | version |\n|---|---|\n| `Placed` | 3 |\n| `Paid` | 1 |\n")
    );
    assert!(
        docs.markdown
            .ends_with("## order\n\n```mermaid\nstateDiagram-v2\n  a --> b : GO\n```\n"),
        "{}",
        docs.markdown
    );
    assert!(
        docs.html
            .contains("<pre class=\"mermaid\">\nstateDiagram-v2\n  a --&gt; b : GO\n</pre>")
    );
    assert!(docs.html.contains("works offline"));
    assert!(
        !docs.markdown.contains("classDiagram"),
        "no models, no class diagram"
    );
}

#[test]
fn a_catalog_reads_back_from_its_json() {
    let catalog = reactive_codegen::DocCatalog::new("League")
        .models(&[Team::describe])
        .events("E", "", &[("A", 1)]);
    let json = serde_json::to_string(&catalog).unwrap();
    let back: reactive_codegen::DocCatalog = serde_json::from_str(&json).unwrap();
    assert_eq!(back, catalog);
    assert_eq!(back.render(), catalog.render());
}

mod catalogs {
    use proptest::prelude::*;
    use reactive_codegen::DocCatalog;

    /// Text with the characters Markdown tables and HTML care about.
    fn text() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[a-z |<>&\"\n]{0,12}").unwrap()
    }

    /// A catalog with the rules (path, rule) and event types (name, version) it was built from.
    type Built = (DocCatalog, Vec<(String, String)>, Vec<(String, u32)>);

    fn catalog() -> impl Strategy<Value = Built> {
        (
            proptest::collection::vec((text(), text()), 0..5),
            proptest::collection::vec(("[A-Z][a-z]{0,6}", 1..20u32), 0..5),
        )
            .prop_map(|(rules, types)| {
                let mut c = DocCatalog::new("T");
                for (path, rule) in &rules {
                    c = c.validator("Doc", path, rule);
                }
                let pairs: Vec<(&str, u32)> = types.iter().map(|(n, v)| (n.as_str(), *v)).collect();
                c = c.events("E", "", &pairs);
                (c, rules, types)
            })
    }

    proptest! {
        #[test]
        fn every_rule_and_event_type_is_one_escaped_row_and_the_json_reads_back(
            (catalog, rules, types) in catalog()
        ) {
            let docs = catalog.render();
            let md_rows = docs.markdown.lines().filter(|l| l.starts_with("| `")).count();
            prop_assert_eq!(md_rows, rules.len() + types.len(), "one Markdown row per rule and event type");
            let html_rows = docs.html.matches("<tr><td>").count();
            prop_assert_eq!(html_rows, rules.len() + types.len());
            for (name, version) in &types {
                let row = format!("| `{name}` | {version} |");
                prop_assert!(docs.markdown.contains(&row));
            }
            // Rules are one line in their cell, pipes escaped: every row has exactly the
            // table's three unescaped pipes.
            for line in docs.markdown.lines().filter(|l| l.starts_with("| `")) {
                let unescaped = line.match_indices('|').filter(|(i, _)| *i == 0 || &line[i - 1..*i] != "\\").count();
                prop_assert_eq!(unescaped, 3, "{}", line);
            }
            // No text reaches the HTML unescaped.
            let body = &docs.html[docs.html.find("<body>").unwrap()..];
            for (path, rule) in &rules {
                for s in [path, rule] {
                    let raw = format!("<td>{s}</td>");
                    if s.contains(['<', '>', '&', '"']) {
                        prop_assert!(!body.contains(&raw), "unescaped: {:?}", raw);
                    }
                }
            }
            let json = serde_json::to_string(&catalog).unwrap();
            let back: DocCatalog = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, catalog);
        }
    }
}
