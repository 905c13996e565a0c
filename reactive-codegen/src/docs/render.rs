//! Markdown and HTML for a [`DocCatalog`]: the class diagram of the models, then a section per
//! model, per validated type that is not a model, per event enum and per statechart.

use std::fmt::Write as _;

use super::{DocCatalog, DocFieldKind, DocModel, DocValidator, ModelDocs};

/// Shown above the diagrams on the HTML page: they are Mermaid source, drawn only when the
/// script is there.
const OFFLINE_NOTE: &str = "<p class=\"note\">The diagrams are shown as their Mermaid source, so \
this page works offline with nothing fetched. To draw them, place <code>mermaid.min.js</code> \
beside this page.</p>\n";

pub(super) fn render(catalog: &DocCatalog) -> ModelDocs {
    let mut md = format!("# {}\n", catalog.title);
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{0}</title>\n\
         <style>body{{font-family:sans-serif;max-width:60em;margin:auto}}table{{border-collapse:collapse}}\
         td,th{{border:1px solid #ccc;padding:.2em .5em;text-align:left}}.note{{color:#555}}</style>\n</head>\n<body>\n<h1>{0}</h1>\n",
        escape(&catalog.title)
    );
    let has_diagram = !catalog.models.is_empty() || !catalog.statecharts.is_empty();
    if has_diagram {
        html.push_str(OFFLINE_NOTE);
    }
    if !catalog.models.is_empty() {
        let diagram = diagram(&catalog.models);
        md.push_str("\n```mermaid\n");
        md.push_str(&diagram);
        md.push_str("```\n");
        html.push_str("<pre class=\"mermaid\">\n");
        html.push_str(&escape(&diagram));
        html.push_str("</pre>\n");
    }
    for m in &catalog.models {
        model_section(m, &mut md, &mut html);
        let rules = rules_on(catalog, &m.name);
        if !rules.is_empty() {
            md.push('\n');
        }
        validation(&rules, &mut md, &mut html);
    }
    let mut validated: Vec<&str> = Vec::new();
    for v in &catalog.validators {
        let is_model = catalog.models.iter().any(|m| m.name == v.on);
        if !is_model && !validated.contains(&v.on.as_str()) {
            validated.push(&v.on);
        }
    }
    for on in validated {
        heading(on, "", &mut md, &mut html);
        validation(&rules_on(catalog, on), &mut md, &mut html);
    }
    for e in &catalog.events {
        heading(&e.name, &e.doc, &mut md, &mut html);
        md.push_str(
            "Event types, each stored with its schema version:\n\n| event type | version |\n|---|---|\n",
        );
        html.push_str("<p>Event types, each stored with its schema version:</p>\n<table>\n<tr><th>event type</th><th>version</th></tr>\n");
        for t in &e.types {
            let _ = writeln!(md, "| `{}` | {} |", one_line(&t.name), t.version);
            let _ = writeln!(
                html,
                "<tr><td><code>{}</code></td><td>{}</td></tr>",
                escape(&t.name),
                t.version
            );
        }
        html.push_str("</table>\n");
    }
    for s in &catalog.statecharts {
        heading(&s.name, &s.doc, &mut md, &mut html);
        let mut source = s.mermaid.clone();
        if !source.ends_with('\n') {
            source.push('\n');
        }
        let _ = write!(md, "```mermaid\n{source}```\n");
        let _ = write!(html, "<pre class=\"mermaid\">\n{}</pre>\n", escape(&source));
    }
    if has_diagram {
        html.push_str(
            "<script src=\"mermaid.min.js\"></script>\n<script>if (window.mermaid) mermaid.initialize({startOnLoad: true});</script>\n",
        );
    }
    html.push_str("</body>\n</html>\n");
    ModelDocs { markdown: md, html }
}

fn rules_on<'a>(catalog: &'a DocCatalog, on: &str) -> Vec<&'a DocValidator> {
    catalog.validators.iter().filter(|v| v.on == on).collect()
}

/// `## name`, then the doc paragraph if there is one.
fn heading(name: &str, doc: &str, md: &mut String, html: &mut String) {
    let _ = write!(md, "\n## {name}\n\n");
    let _ = writeln!(html, "<h2 id=\"{0}\">{0}</h2>", escape(name));
    if !doc.is_empty() {
        let _ = write!(md, "{doc}\n\n");
        let _ = writeln!(html, "<p>{}</p>", escape(doc));
    }
}

fn validation(rules: &[&DocValidator], md: &mut String, html: &mut String) {
    if rules.is_empty() {
        return;
    }
    md.push_str("Validation, checked on every change:\n\n| path | rule |\n|---|---|\n");
    html.push_str("<p>Validation, checked on every change:</p>\n<table>\n<tr><th>path</th><th>rule</th></tr>\n");
    for r in rules {
        let _ = writeln!(md, "| `{}` | {} |", one_line(&r.path), one_line(&r.rule));
        let _ = writeln!(
            html,
            "<tr><td><code>{}</code></td><td>{}</td></tr>",
            escape(&r.path),
            escape(&r.rule)
        );
    }
    html.push_str("</table>\n");
}

/// `Vec<Item>` → `Vec~Item~` (Mermaid's generics), other angle brackets dropped.
fn mermaid_type(ty: &str) -> String {
    ty.replace(['<', '>'], "~").replace(' ', "")
}

fn diagram(models: &[DocModel]) -> String {
    let mut d = String::from("classDiagram\n");
    for m in models {
        let _ = writeln!(d, "  class {} {{", m.name);
        for f in &m.fields {
            if matches!(f.kind, DocFieldKind::Plain | DocFieldKind::Skipped) {
                let _ = writeln!(d, "    +{} {}", mermaid_type(&f.ty), f.name);
            }
        }
        for c in &m.computed {
            let _ = writeln!(d, "    +{}() {}", c.name, mermaid_type(&c.ty));
        }
        d.push_str("  }\n");
    }
    for m in models {
        for f in &m.fields {
            match &f.kind {
                DocFieldKind::Nested { model } => {
                    let _ = writeln!(d, "  {} *-- {} : {}", m.name, model, f.name);
                }
                DocFieldKind::Keyed { key, item } => {
                    let _ = writeln!(
                        d,
                        "  {} *-- \"many\" {} : {} by {key}",
                        m.name, item, f.name
                    );
                }
                _ => {}
            }
        }
    }
    d
}

fn kind(f: &DocFieldKind) -> String {
    match f {
        DocFieldKind::Plain => "signal".into(),
        DocFieldKind::Skipped => "read-only (`skip`)".into(),
        DocFieldKind::Nested { model } => format!("nested model [{model}](#{model})"),
        DocFieldKind::Keyed { key, item } => {
            format!("keyed list of [{item}](#{item}) by `{key}`")
        }
    }
}

fn model_section(m: &DocModel, md: &mut String, html: &mut String) {
    heading(&m.name, &m.doc, md, html);
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
            one_line(&f.doc)
        );
        let _ = writeln!(
            html,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            escape(&f.name),
            escape(&f.ty),
            html_kind(&f.kind),
            escape(&f.doc)
        );
    }
    html.push_str("</table>\n");
    if !m.computed.is_empty() {
        md.push_str("\nComputed properties:\n\n| name | type | description |\n|---|---|---|\n");
        html.push_str("<p>Computed properties:</p>\n<table>\n<tr><th>name</th><th>type</th><th>description</th></tr>\n");
        for c in &m.computed {
            let _ = writeln!(md, "| `{}()` | `{}` | {} |", c.name, c.ty, one_line(&c.doc));
            let _ = writeln!(
                html,
                "<tr><td><code>{}()</code></td><td><code>{}</code></td><td>{}</td></tr>",
                escape(&c.name),
                escape(&c.ty),
                escape(&c.doc)
            );
        }
        html.push_str("</table>\n");
    }
}

fn html_kind(f: &DocFieldKind) -> String {
    match f {
        DocFieldKind::Plain => "signal".into(),
        DocFieldKind::Skipped => "read-only (<code>skip</code>)".into(),
        DocFieldKind::Nested { model } => {
            format!("nested model <a href=\"#{0}\">{0}</a>", escape(model))
        }
        DocFieldKind::Keyed { key, item } => {
            format!(
                "keyed list of <a href=\"#{0}\">{0}</a> by <code>{1}</code>",
                escape(item),
                escape(key)
            )
        }
    }
}

/// Text in one table cell: lines joined, pipes escaped (GitHub's tables take `\|` inside code
/// spans too).
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
