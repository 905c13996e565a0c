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
