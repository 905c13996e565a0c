//! Drawing a scope tree for people and devtools: indented text, Graphviz DOT, and JSON. Each
//! shows, per scope, its own values (and which ancestor's value they shadow) and the values it
//! inherits (and from where). Scopes the viewer may not read are listed without their values.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::rc::Rc;

use reactive_core::Signal;
use serde_json::{Value, json};

use super::policy::{Action, Policy};
use super::registry::with_registry;
use super::value::Slot;
use super::{Scope, ScopeError};

/// Where a visible value comes from.
enum Origin {
    /// The scope's own value; `shadows` is the ancestor whose value it hides, if any.
    Own { shadows: Option<String> },
    /// Inherited from the ancestor at this path.
    Inherited { from: String },
}

struct ValueView {
    key: Rc<str>,
    origin: Origin,
    text: String,
    json: Value,
}

struct ScopeView {
    path: String,
    name: String,
    parent: Option<String>,
    depth: usize,
    policy: Option<Policy>,
    readable: bool,
    values: Vec<ValueView>,
}

/// Collects the views of `scope`'s subtree; values are rendered after the registry is
/// released (their `Serialize` is user code).
fn collect(scope: Scope) -> Result<Vec<ScopeView>, ScopeError> {
    type Raw = (Rc<str>, Origin, Signal<Slot>);
    let raw: Vec<(ScopeView, Vec<Raw>)> = with_registry(|r| {
        r.data(scope.key)?;
        let base_depth = r.ancestry(scope.key).len();
        let mut out = Vec::new();
        for key in r.subtree(scope.key) {
            let chain = r.ancestry(key);
            let readable = r.access(key, scope.principal).allows(Action::Read);
            let d = &r.scopes[key];
            let mut values: Vec<Raw> = Vec::new();
            if readable {
                // Nearest provider wins: walk the chain from this scope up.
                let mut seen: BTreeMap<Rc<str>, (Origin, Signal<Slot>)> = BTreeMap::new();
                for (i, c) in chain.iter().rev().enumerate() {
                    let cd = &r.scopes[*c];
                    for (k, s) in &cd.values {
                        match seen.get_mut(k) {
                            Some((Origin::Own { shadows }, _)) if shadows.is_none() => {
                                *shadows = Some(r.path(*c));
                            }
                            Some(_) => {}
                            None => {
                                let origin = match i {
                                    0 => Origin::Own { shadows: None },
                                    _ => Origin::Inherited { from: r.path(*c) },
                                };
                                seen.insert(k.clone(), (origin, *s));
                            }
                        }
                    }
                }
                // Own values first, then inherited ones; each group sorted by key.
                let (own, inherited): (Vec<_>, Vec<_>) = seen
                    .into_iter()
                    .map(|(k, (o, s))| (k, o, s))
                    .partition(|(_, o, _)| matches!(o, Origin::Own { .. }));
                values = own.into_iter().chain(inherited).collect();
            }
            out.push((
                ScopeView {
                    path: r.path(key),
                    name: d.name.to_string(),
                    parent: d.parent.map(|p| r.path(p)),
                    depth: chain.len() - base_depth,
                    policy: d.policy.clone(),
                    readable,
                    values: Vec::new(),
                },
                values,
            ));
        }
        Ok::<_, ScopeError>(out)
    })?;
    Ok(raw
        .into_iter()
        .map(|(mut view, values)| {
            view.values = values
                .into_iter()
                .map(|(key, origin, signal)| {
                    let (text, json) = signal
                        .try_with_untracked(|slot| match slot.to_json() {
                            Some(Ok(v)) => (v.to_string(), v),
                            Some(Err(e)) => (format!("<cannot be shown: {e}>"), Value::Null),
                            None => (format!("<{}>", slot.type_name()), Value::Null),
                        })
                        .unwrap_or_else(|_| ("<disposed>".into(), Value::Null));
                    ValueView {
                        key,
                        origin,
                        text,
                        json,
                    }
                })
                .collect();
            view
        })
        .collect())
}

fn policy_text(p: &Policy) -> String {
    let mut s = format!("default {:?}", p.default_access());
    for (who, a) in p.grants() {
        let _ = write!(s, ", {who} {a:?}");
    }
    s
}

/// The body of [`Scope::render_text`].
pub(super) fn render_text(scope: Scope) -> Result<String, ScopeError> {
    let mut out = String::new();
    for view in collect(scope)? {
        let pad = "  ".repeat(view.depth);
        let _ = write!(out, "{pad}{}", view.name);
        if let Some(p) = &view.policy {
            let _ = write!(out, "  [policy: {}]", policy_text(p));
        }
        if !view.readable {
            out.push_str("  (no read access)");
        }
        out.push('\n');
        for v in &view.values {
            let _ = write!(out, "{pad}  {} = {}", v.key, v.text);
            match &v.origin {
                Origin::Own { shadows: Some(s) } => {
                    let _ = write!(out, "  (shadows {s})");
                }
                Origin::Own { shadows: None } => {}
                Origin::Inherited { from } => {
                    let _ = write!(out, "  (from {from})");
                }
            }
            out.push('\n');
        }
    }
    Ok(out)
}

/// The body of [`Scope::to_dot`].
pub(super) fn to_dot(scope: Scope) -> Result<String, ScopeError> {
    let mut out = String::from("digraph scopes {\n  node [shape=box, fontname=\"monospace\"];\n");
    for view in collect(scope)? {
        let mut label = escape(&view.name);
        if let Some(p) = &view.policy {
            let _ = write!(label, "\\n[policy: {}]", escape(&policy_text(p)));
        }
        if !view.readable {
            label.push_str("\\n(no read access)");
        }
        label.push_str("\\n");
        for v in &view.values {
            let _ = write!(label, "{} = {}", escape(&v.key), escape(&v.text));
            match &v.origin {
                Origin::Own { shadows: Some(s) } => {
                    let _ = write!(label, "  (shadows {})", escape(s));
                }
                Origin::Own { shadows: None } => {}
                Origin::Inherited { from } => {
                    let _ = write!(label, "  (from {})", escape(from));
                }
            }
            label.push_str("\\l");
        }
        let _ = writeln!(out, "  \"{}\" [label=\"{label}\"];", escape(&view.path));
        if let Some(parent) = &view.parent
            && view.depth > 0
        {
            let _ = writeln!(
                out,
                "  \"{}\" -> \"{}\";",
                escape(parent),
                escape(&view.path)
            );
        }
    }
    out.push_str("}\n");
    Ok(out)
}

/// The body of [`Scope::to_devtools_json`].
pub(super) fn to_devtools_json(scope: Scope) -> Result<Value, ScopeError> {
    let scopes: Vec<Value> = collect(scope)?
            .into_iter()
            .map(|view| {
                let values: Vec<Value> = view
                    .values
                    .into_iter()
                    .map(|v| {
                        let (own, from, shadows) = match v.origin {
                            Origin::Own { shadows } => (true, None, shadows),
                            Origin::Inherited { from } => (false, Some(from), None),
                        };
                        let mut entry = json!({
                            "key": &*v.key, "value": v.json, "own": own, "from": from, "shadows": shadows,
                        });
                        if v.text.starts_with('<') {
                            entry["type"] = Value::String(v.text);
                        }
                        entry
                    })
                    .collect();
                json!({
                    "path": view.path,
                    "name": view.name,
                    "parent": view.parent,
                    "depth": view.depth,
                    "policy": view.policy,
                    "readable": view.readable,
                    "values": values,
                })
            })
            .collect();
    Ok(json!({ "scopes": scopes }))
}

/// Escapes text for a double-quoted DOT string.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}
