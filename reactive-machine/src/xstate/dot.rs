//! The chart as a Graphviz DOT digraph, for a picture where Mermaid is not at hand.

use std::fmt::Write as _;

use crate::chart::{Chart, HistoryDepth, StateKind, Sx};

impl Chart {
    /// The chart as a Graphviz `digraph`: compound and parallel states are clusters (a
    /// parallel one drawn dashed) holding their children, the initial child is pointed at from
    /// a dot, final states have a double border, history states are `H` / `H*` circles, and
    /// transitions are edges labelled as in [`to_mermaid`](Chart::to_mermaid) (event, `[guard]`,
    /// `after 500ms`, `always`, `done`). An edge from or to a compound state starts or ends at
    /// its cluster's border.
    ///
    /// ```
    /// use reactive_machine::Chart;
    /// let chart = Chart::from_xstate_json(
    ///     r#"{"id":"m","initial":"a","states":{"a":{"on":{"GO":"b"}},"b":{"type":"final"}}}"#,
    /// )?;
    /// let dot = chart.to_dot();
    /// assert!(dot.starts_with("digraph \"m\" {"));
    /// assert!(dot.contains("\"a\" -> \"b\" [label=\"GO\"]"));
    /// # Ok::<(), reactive_machine::DefinitionError>(())
    /// ```
    pub fn to_dot(&self) -> String {
        let mut out = format!(
            "digraph {} {{\n    compound=true;\n    rankdir=LR;\n    node [shape=box, style=rounded];\n",
            quoted(&self.states[0].id)
        );
        self.dot_body(0, 1, &mut out);
        for (s, node) in self.states.iter().enumerate() {
            for t in node.on.iter().chain(&node.always) {
                let label = quoted(&self.mermaid_label(t));
                for &target in t.targets.as_deref().unwrap_or(&[]) {
                    let mut attrs = format!("label={label}");
                    if self.is_cluster(s) {
                        let _ = write!(attrs, ", ltail={}", quoted(&cluster(&self.dot_name(s))));
                    }
                    if self.is_cluster(target) {
                        let _ = write!(
                            attrs,
                            ", lhead={}",
                            quoted(&cluster(&self.dot_name(target)))
                        );
                    }
                    let _ = writeln!(
                        out,
                        "    {} -> {} [{attrs}];",
                        quoted(&self.dot_name(s)),
                        quoted(&self.dot_name(target))
                    );
                }
            }
        }
        out.push_str("}\n");
        out
    }

    /// A compound or parallel state below the root: drawn as a cluster.
    fn is_cluster(&self, s: Sx) -> bool {
        s != 0
            && matches!(
                self.states[s].kind,
                StateKind::Compound | StateKind::Parallel
            )
    }

    fn dot_name(&self, s: Sx) -> String {
        if s == 0 {
            "(machine)".into()
        } else {
            self.states[s].path.clone()
        }
    }

    /// Writes the children of `s`: atomic, final and history states as nodes, compound and
    /// parallel ones as clusters with an invisible anchor node (the end of edges to them).
    fn dot_body(&self, s: Sx, indent: usize, out: &mut String) {
        let pad = "    ".repeat(indent);
        let node = &self.states[s];
        if node.kind == StateKind::Compound
            && let Some(&first) = node
                .initial
                .as_ref()
                .and_then(|t| t.targets.as_ref())
                .and_then(|t| t.first())
        {
            let start = quoted(&format!("{}(initial)", self.dot_name(s)));
            let _ = writeln!(out, "{pad}{start} [shape=point, label=\"\"];");
            let head = if self.is_cluster(first) {
                format!(" [lhead={}]", quoted(&cluster(&self.dot_name(first))))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "{pad}{start} -> {}{head};",
                quoted(&self.dot_name(first))
            );
        }
        for &c in &node.children {
            let child = &self.states[c];
            let name = quoted(&self.dot_name(c));
            let label = quoted(&child.key);
            match child.kind {
                StateKind::Compound | StateKind::Parallel => {
                    let style = if child.kind == StateKind::Parallel {
                        "dashed"
                    } else {
                        "rounded"
                    };
                    let _ = writeln!(
                        out,
                        "{pad}subgraph {} {{\n{pad}    label={label};\n{pad}    style={style};\n{pad}    {name} [shape=point, style=invis, label=\"\"];",
                        quoted(&cluster(&self.dot_name(c)))
                    );
                    self.dot_body(c, indent + 1, out);
                    let _ = writeln!(out, "{pad}}}");
                }
                StateKind::Final => {
                    let _ = writeln!(out, "{pad}{name} [label={label}, peripheries=2];");
                }
                StateKind::History(depth) => {
                    let h = if depth == HistoryDepth::Deep {
                        "H*"
                    } else {
                        "H"
                    };
                    let _ = writeln!(out, "{pad}{name} [label=\"{h}\", shape=circle];");
                }
                StateKind::Atomic => {
                    let _ = writeln!(out, "{pad}{name} [label={label}];");
                }
            }
        }
    }
}

/// Graphviz needs a cluster's subgraph name to start with `cluster`.
fn cluster(name: &str) -> String {
    format!("cluster {name}")
}

/// A DOT string literal: quotes and backslashes escaped, newlines as `\n`.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            _ => out.push(ch),
        }
    }
    out.push('"');
    out
}
