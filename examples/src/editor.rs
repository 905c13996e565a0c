//! The text editor's document (`cargo run -p examples --bin editor`) and the rules its store
//! checks on every transaction.

use reactive::store::imbl::Vector;
use reactive::store::{PathPattern, State, Store, path};
use serde::{Deserialize, Serialize};

/// One document's text.
#[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Document {
    /// Shown in the tab; never blank.
    pub title: String,
    /// The text, a line each.
    pub lines: Vector<String>,
}

/// The message of the title rule.
pub const TITLE_REQUIRED: &str = "a document needs a title";

/// The rules [`add_document_rules`] installs, as (path pattern, rule) for the generated docs.
pub const DOCUMENT_RULES: [(&str, &str); 2] = [
    ("/title", "not blank: \"a document needs a title\""),
    (
        "/lines/*",
        "at most the session's `max_width` characters (80 unless the session sets it): \"longer than N characters\"",
    ),
];

/// Installs the document rules on `store`: the title is not blank, no line is longer than
/// `max_width` characters. A transaction that breaks one is refused.
///
/// ```
/// use examples::editor::{Document, add_document_rules};
/// use reactive::store::Store;
///
/// let store = Store::new(Document { title: "notes".into(), lines: Default::default() });
/// add_document_rules(&store, 10);
/// assert!(store.update(|d| d.title.clear()).is_err());
/// ```
pub fn add_document_rules(store: &Store<Document>, max_width: usize) {
    store.add_validator(|d: &Document, v| {
        if d.title.trim().is_empty() {
            v.add_at(path!(title), TITLE_REQUIRED);
        }
    });
    store.add_path_validator(
        PathPattern::parse(DOCUMENT_RULES[1].0).expect("a valid pattern"),
        move |line: &String, v| {
            if line.chars().count() > max_width {
                v.add(format!("longer than {max_width} characters"));
            }
        },
    );
}
