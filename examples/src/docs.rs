//! The examples' documentation: [`catalog`] gathers the metadata of their types, [`files`]
//! renders it into the files committed in `examples/docs/`.

use reactive::model::Model;
use reactive::sourcing::DomainEvent;
use reactive_codegen::DocCatalog;

use crate::arena::Arena;
use crate::bank::AccountEvent;
use crate::checkout::checkout_chart;
use crate::editor::DOCUMENT_RULES;

/// Where the docs go, relative to the workspace root.
pub const DOCS_DIR: &str = "examples/docs";

/// What the examples' types say about themselves: the arena's models (and those they nest and
/// list), the editor document's validation rules, the bank's event types with their schema
/// versions, and the checkout statechart as a Mermaid state diagram.
///
/// ```
/// let catalog = examples::docs::catalog();
/// assert!(catalog.models.iter().any(|m| m.name == "Fighter"));
/// assert_eq!(catalog.events[0].types.len(), 3);
/// ```
pub fn catalog() -> DocCatalog {
    let chart = checkout_chart().expect("the checkout chart loads (its example runs it)");
    let mut catalog = DocCatalog::new("The examples' models").models(&[Arena::describe]);
    for (path, rule) in DOCUMENT_RULES {
        catalog = catalog.validator("Document", path, rule);
    }
    catalog
        .events(
            "AccountEvent",
            "What happens to a bank account: the events of its stream, folded into `Account` by the `BankAccount` aggregate.",
            AccountEvent::TYPES,
        )
        .statechart(
            "checkout",
            "The checkout flow (`examples/machines/checkout.json`): cart, then shipping and payment side by side with a 30 s timeout and a deep history state for help, then confirmed.",
            &chart.to_mermaid(),
        )
}

/// The files of `examples/docs/`, by name: the catalog as JSON (what
/// `reactive-codegen docs CATALOG.json OUT_DIR` reads), the Markdown and the HTML page.
///
/// ```
/// let files = examples::docs::files();
/// assert_eq!(files.map(|(name, _)| name), ["catalog.json", "models.md", "models.html"]);
/// ```
pub fn files() -> [(&'static str, String); 3] {
    let catalog = catalog();
    let docs = catalog.render();
    let mut json = serde_json::to_string_pretty(&catalog).expect("a catalog is plain data");
    json.push('\n');
    [
        ("catalog.json", json),
        ("models.md", docs.markdown),
        ("models.html", docs.html),
    ]
}
