//! Docs from models: a [`DocCatalog`] gathers what a program's types say about themselves
//! (`#[derive(Model)]` descriptions, store validators, event types with their versions,
//! statecharts as Mermaid) and renders it as Markdown and a static HTML page, with a Mermaid
//! class diagram of how the models nest and refer to each other. [`model_docs`] is the short
//! form for models alone.
//!
//! The catalog is plain owned data (it serialises as JSON), so a program can emit it and the
//! CLI (`reactive-codegen docs CATALOG.json OUT_DIR`) can render it.

mod render;

use std::collections::BTreeMap;

use reactive_model::{FieldKind, ModelDescription};
use serde::{Deserialize, Serialize};

/// The generated documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelDocs {
    /// A Markdown page: the class diagram (a ```` ```mermaid ```` block), then one section per
    /// model, validated type, event enum and statechart.
    pub markdown: String,
    /// The same as a standalone HTML page that works offline. Each diagram is its Mermaid
    /// source in a `<pre class="mermaid">` block, shown as text, with a note saying so; the
    /// page draws the diagrams itself when `mermaid.min.js` is placed beside it (nothing is
    /// fetched from elsewhere).
    pub html: String,
}

/// Everything the generated docs describe, as owned data.
///
/// ```
/// use reactive_codegen::DocCatalog;
/// use reactive_model::Model;
///
/// /// One line of an order.
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Line { sku: String, quantity: u32 }
///
/// let docs = DocCatalog::new("Shop")
///     .models(&[Line::describe])
///     .validator("Line", "/quantity", "at least 1")
///     .events("OrderEvent", "What happens to an order.", &[("Placed", 2), ("Shipped", 1)])
///     .statechart("order", "An order's life.", "stateDiagram-v2\n  [*] --> open\n")
///     .render();
/// assert!(docs.markdown.starts_with("# Shop\n"));
/// assert!(docs.markdown.contains("| `/quantity` | at least 1 |"));
/// assert!(docs.markdown.contains("| `Placed` | 2 |"));
/// assert!(docs.markdown.contains("```mermaid\nstateDiagram-v2\n  [*] --> open\n```"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocCatalog {
    /// The page's title.
    pub title: String,
    /// Every model, each once, in name order.
    pub models: Vec<DocModel>,
    /// Validation rules, in the order they were added.
    pub validators: Vec<DocValidator>,
    /// Event enums, in the order they were added.
    pub events: Vec<DocEvents>,
    /// Statecharts, in the order they were added.
    pub statecharts: Vec<DocStatechart>,
}

/// A `#[derive(Model)]` type, from its `describe()`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocModel {
    /// The struct's name.
    pub name: String,
    /// Its doc comment (empty if none).
    pub doc: String,
    /// Every field, in declaration order.
    pub fields: Vec<DocField>,
    /// The computed properties.
    pub computed: Vec<DocComputed>,
}

/// One field of a [`DocModel`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocField {
    /// The field's name.
    pub name: String,
    /// Its type, as written.
    pub ty: String,
    /// Its doc comment (empty if none).
    pub doc: String,
    /// How the model stores it.
    pub kind: DocFieldKind,
}

/// How a model stores a field ([`FieldKind`] with models named instead of described).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DocFieldKind {
    /// One signal.
    Plain,
    /// `#[model(skip)]`: read-only.
    Skipped,
    /// `#[model(nested)]`: the named model.
    Nested {
        /// The nested model's name.
        model: String,
    },
    /// `#[model(keyed = "…")]`: a keyed list of the named model.
    Keyed {
        /// The item field that is the key.
        key: String,
        /// The item model's name.
        item: String,
    },
}

/// A computed property of a [`DocModel`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocComputed {
    /// The property's name.
    pub name: String,
    /// Its type.
    pub ty: String,
    /// Its doc comment (empty if none).
    pub doc: String,
}

/// A validation rule: what a store (or a model's owner) checks, at which path of which type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocValidator {
    /// The validated type's name.
    pub on: String,
    /// The path or path pattern checked (`/title`, `/lines/*`); `/` for the whole value.
    pub path: String,
    /// The rule, in words.
    pub rule: String,
}

/// An enum of domain events and the schema version each type is stored with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocEvents {
    /// The enum's name.
    pub name: String,
    /// What the events are for.
    pub doc: String,
    /// Each event type's stored name and current schema version, in declaration order.
    pub types: Vec<DocEventType>,
}

/// One event type of a [`DocEvents`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocEventType {
    /// The name stored with each event.
    pub name: String,
    /// Its current schema version.
    pub version: u32,
}

/// A statechart, as a Mermaid state diagram.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocStatechart {
    /// The chart's name.
    pub name: String,
    /// What it is for.
    pub doc: String,
    /// The diagram's Mermaid source (`stateDiagram-v2 …`, as `Chart::to_mermaid` writes it).
    pub mermaid: String,
}

impl DocCatalog {
    /// An empty catalog whose page is titled `title`.
    ///
    /// ```
    /// let docs = reactive_codegen::DocCatalog::new("Nothing yet").render();
    /// assert_eq!(docs.markdown, "# Nothing yet\n");
    /// ```
    pub fn new(title: &str) -> DocCatalog {
        DocCatalog {
            title: title.into(),
            ..DocCatalog::default()
        }
    }

    /// Adds the given models and every model they nest or list, each once (by name), kept in
    /// name order.
    pub fn models(mut self, roots: &[fn() -> ModelDescription]) -> DocCatalog {
        let mut by_name: BTreeMap<String, DocModel> =
            self.models.drain(..).map(|m| (m.name.clone(), m)).collect();
        for root in roots {
            collect(*root, &mut by_name);
        }
        self.models = by_name.into_values().collect();
        self
    }

    /// Adds a validation rule on type `on` at `path`.
    pub fn validator(mut self, on: &str, path: &str, rule: &str) -> DocCatalog {
        self.validators.push(DocValidator {
            on: on.into(),
            path: path.into(),
            rule: rule.into(),
        });
        self
    }

    /// Adds an event enum: `types` as `reactive_sourcing::DomainEvent::TYPES` lists them
    /// (stored name, current schema version).
    pub fn events(mut self, name: &str, doc: &str, types: &[(&str, u32)]) -> DocCatalog {
        self.events.push(DocEvents {
            name: name.into(),
            doc: doc.into(),
            types: types
                .iter()
                .map(|&(name, version)| DocEventType {
                    name: name.into(),
                    version,
                })
                .collect(),
        });
        self
    }

    /// Adds a statechart from its Mermaid state diagram (`Chart::to_mermaid`).
    pub fn statechart(mut self, name: &str, doc: &str, mermaid: &str) -> DocCatalog {
        self.statecharts.push(DocStatechart {
            name: name.into(),
            doc: doc.into(),
            mermaid: mermaid.into(),
        });
        self
    }

    /// The Markdown and the HTML page.
    pub fn render(&self) -> ModelDocs {
        render::render(self)
    }
}

/// Documentation of the given models and every model they nest or list, each once, in name
/// order: fields (type, how the model stores it, doc comment), computed properties, and a
/// diagram (composition arrows for nested models and keyed lists). The short form of
/// [`DocCatalog`] for models alone.
///
/// ```
/// use reactive_codegen::model_docs;
/// use reactive_model::Model;
///
/// /// A point on the map.
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Pos { x: i32, y: i32 }
///
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Unit {
///     #[model(nested)]
///     pos: Pos,
/// }
///
/// let docs = model_docs(&[Unit::describe]);
/// assert!(docs.markdown.contains("Unit *-- Pos : pos"));
/// assert!(docs.markdown.contains("## Pos\n\nA point on the map."));
/// assert!(docs.html.contains("<h2 id=\"Pos\">Pos</h2>"));
/// ```
pub fn model_docs(roots: &[fn() -> ModelDescription]) -> ModelDocs {
    DocCatalog::new("Models").models(roots).render()
}

fn collect(describe: fn() -> ModelDescription, models: &mut BTreeMap<String, DocModel>) {
    let m = describe();
    if models.contains_key(m.name) {
        return;
    }
    let mut inner: Vec<fn() -> ModelDescription> = Vec::new();
    let fields = m
        .fields
        .iter()
        .map(|f| DocField {
            name: f.name.into(),
            ty: f.ty.into(),
            doc: f.doc.into(),
            kind: match f.kind {
                FieldKind::Plain => DocFieldKind::Plain,
                FieldKind::Skipped => DocFieldKind::Skipped,
                FieldKind::Nested { model } => {
                    inner.push(model);
                    DocFieldKind::Nested {
                        model: model().name.into(),
                    }
                }
                FieldKind::Keyed { key, item } => {
                    inner.push(item);
                    DocFieldKind::Keyed {
                        key: key.into(),
                        item: item().name.into(),
                    }
                }
            },
        })
        .collect();
    let computed = m
        .computed
        .iter()
        .map(|c| DocComputed {
            name: c.name.into(),
            ty: c.ty.into(),
            doc: c.doc.into(),
        })
        .collect();
    models.insert(
        m.name.into(),
        DocModel {
            name: m.name.into(),
            doc: m.doc.into(),
            fields,
            computed,
        },
    );
    for d in inner {
        collect(d, models);
    }
}
