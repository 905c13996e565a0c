//! Docs from models: [`model_docs`] turns `#[derive(Model)]` descriptions into Markdown and a
//! static HTML page, with a Mermaid class diagram of how the models nest and refer to each
//! other.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use reactive_model::{FieldKind, ModelDescription};

/// The generated documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelDocs {
    /// A Markdown page: the diagram (a ```` ```mermaid ```` block), then one section per model.
    pub markdown: String,
    /// The same as a standalone HTML page. The diagram is a `<pre class="mermaid">` block,
    /// drawn when the page loads `mermaid.min.js` placed beside it (nothing is fetched from
    /// elsewhere); without it the diagram's text shows.
    pub html: String,
}

/// Documentation of the given models and every model they nest or list, each once, in name
/// order: fields (type, how the model stores it, doc comment), computed properties, and a
/// diagram (composition arrows for nested models and keyed lists).
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
    let mut models = BTreeMap::new();
    for root in roots {
        collect(*root, &mut models);
    }
    let diagram = diagram(&models);
    let mut md = String::from("# Models\n\n```mermaid\n");
    md.push_str(&diagram);
    md.push_str("```\n");
    let mut html = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Models</title>\n\
         <style>body{font-family:sans-serif;max-width:60em;margin:auto}table{border-collapse:collapse}\
         td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}</style>\n</head>\n<body>\n<h1>Models</h1>\n<pre class=\"mermaid\">\n",
    );
    html.push_str(&escape(&diagram));
    html.push_str("</pre>\n");
    for m in models.values() {
        section(m, &mut md, &mut html);
    }
    html.push_str(
        "<script src=\"mermaid.min.js\"></script>\n<script>if (window.mermaid) mermaid.initialize({startOnLoad: true});</script>\n</body>\n</html>\n",
    );
    ModelDocs { markdown: md, html }
}

fn collect(
    describe: fn() -> ModelDescription,
    models: &mut BTreeMap<&'static str, ModelDescription>,
) {
    let m = describe();
    if models.contains_key(m.name) {
        return;
    }
    let inner: Vec<fn() -> ModelDescription> = m
        .fields
        .iter()
        .filter_map(|f| match f.kind {
            FieldKind::Nested { model } => Some(model),
            FieldKind::Keyed { item, .. } => Some(item),
            _ => None,
        })
        .collect();
    models.insert(m.name, m);
    for d in inner {
        collect(d, models);
    }
}

/// `Vec<Item>` → `Vec~Item~` (Mermaid's generics), other angle brackets dropped.
fn mermaid_type(ty: &str) -> String {
    ty.replace(['<', '>'], "~").replace(' ', "")
}

fn diagram(models: &BTreeMap<&'static str, ModelDescription>) -> String {
    let mut d = String::from("classDiagram\n");
    for m in models.values() {
        let _ = writeln!(d, "  class {} {{", m.name);
        for f in &m.fields {
            if matches!(f.kind, FieldKind::Plain | FieldKind::Skipped) {
                let _ = writeln!(d, "    +{} {}", mermaid_type(f.ty), f.name);
            }
        }
        for c in &m.computed {
            let _ = writeln!(d, "    +{}() {}", c.name, mermaid_type(c.ty));
        }
        d.push_str("  }\n");
    }
    for m in models.values() {
        for f in &m.fields {
            match f.kind {
                FieldKind::Nested { model } => {
                    let _ = writeln!(d, "  {} *-- {} : {}", m.name, model().name, f.name);
                }
                FieldKind::Keyed { key, item } => {
                    let _ = writeln!(
                        d,
                        "  {} *-- \"many\" {} : {} by {key}",
                        m.name,
                        item().name,
                        f.name
                    );
                }
                _ => {}
            }
        }
    }
    d
}

fn kind(f: &FieldKind) -> String {
    match f {
        FieldKind::Plain => "signal".into(),
        FieldKind::Skipped => "read-only (`skip`)".into(),
        FieldKind::Nested { model } => format!("nested model [{0}](#{0})", model().name),
        FieldKind::Keyed { key, item } => {
            format!("keyed list of [{0}](#{0}) by `{key}`", item().name)
        }
    }
}

fn section(m: &ModelDescription, md: &mut String, html: &mut String) {
    let _ = write!(md, "\n## {}\n\n", m.name);
    let _ = writeln!(html, "<h2 id=\"{0}\">{0}</h2>", escape(m.name));
    if !m.doc.is_empty() {
        let _ = write!(md, "{}\n\n", m.doc);
        let _ = writeln!(html, "<p>{}</p>", escape(m.doc));
    }
    md.push_str("| field | type | stored as | description |\n|---|---|---|---|\n");
    html.push_str(
        "<table>\n<tr><th>field</th><th>type</th><th>stored as</th><th>description</th></tr>\n",
    );
    for f in &m.fields {
        let k = kind(&f.kind);
        let _ = writeln!(
            md,
            "| `{}` | `{}` | {k} | {} |",
            f.name,
            f.ty,
            one_line(f.doc)
        );
        let _ = writeln!(
            html,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            escape(f.name),
            escape(f.ty),
            html_kind(&f.kind),
            escape(f.doc)
        );
    }
    html.push_str("</table>\n");
    if !m.computed.is_empty() {
        md.push_str("\nComputed properties:\n\n| name | type | description |\n|---|---|---|\n");
        html.push_str("<p>Computed properties:</p>\n<table>\n<tr><th>name</th><th>type</th><th>description</th></tr>\n");
        for c in &m.computed {
            let _ = writeln!(md, "| `{}()` | `{}` | {} |", c.name, c.ty, one_line(c.doc));
            let _ = writeln!(
                html,
                "<tr><td><code>{}()</code></td><td><code>{}</code></td><td>{}</td></tr>",
                escape(c.name),
                escape(c.ty),
                escape(c.doc)
            );
        }
        html.push_str("</table>\n");
    }
}

fn html_kind(f: &FieldKind) -> String {
    match f {
        FieldKind::Plain => "signal".into(),
        FieldKind::Skipped => "read-only (<code>skip</code>)".into(),
        FieldKind::Nested { model } => format!(
            "nested model <a href=\"#{0}\">{0}</a>",
            escape(model().name)
        ),
        FieldKind::Keyed { key, item } => {
            format!(
                "keyed list of <a href=\"#{0}\">{0}</a> by <code>{1}</code>",
                escape(item().name),
                escape(key)
            )
        }
    }
}

/// A doc comment in one table cell: lines joined, pipes escaped.
fn one_line(doc: &str) -> String {
    doc.lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
