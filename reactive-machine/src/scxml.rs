//! SCXML documents ([`Chart::from_scxml`]) with the small data model of `scxml/expr.rs`.
//!
//! Supported: `<scxml>` (`initial`, `name`, `datamodel="null"` or none, `binding="early"`),
//! `<state>`, `<parallel>`, `<final>`, `<history>` (with a default `<transition>` without
//! content), `<initial>`, `<transition>` (`event`, `cond`, `target`, `type`), `<onentry>`,
//! `<onexit>`, `<datamodel>`/`<data id expr>`, and the executable content `<raise>`, `<send>`
//! (`event`, `delay`, `id`, to the machine itself: no `target` for the external queue,
//! `#_internal` for the internal one), `<cancel sendid>`, `<assign>`, `<log>`,
//! `<if>`/`<elseif>`/`<else>`. Anything else is a [`DefinitionError::Unsupported`] naming the
//! element (or attribute) and its line.

pub(crate) mod expr;

use roxmltree::{Document, Node};

use crate::chart::{
    Action, Chart, Delay, Dialect, Guard, HistoryDepth, Names, StateKind, StateNode, Sx, Transition,
};
use crate::error::DefinitionError;
use crate::event::{DescriptorSyntax, EventDescriptor};
use crate::setup::Context;

const SCXML_NS: &str = "http://www.w3.org/2005/07/scxml";
const SCXML_PROCESSOR: &str = "http://www.w3.org/TR/scxml/#SCXMLEventProcessor";

struct Loader<'d, 'i> {
    doc: &'d Document<'i>,
    states: Vec<StateNode>,
    context: Context,
    /// (state, on-list index or None for `initial`/history default, target ids, line).
    raw: Vec<(Sx, RawSlot, Vec<String>, String)>,
    next_auto: usize,
}

#[derive(Clone, Copy)]
enum RawSlot {
    On(usize),
    Always(usize),
    Initial,
}

impl Chart {
    /// Loads an SCXML document. Its conditions and expressions use the small data model
    /// described in the crate's documentation (integers, strings, booleans, comparisons,
    /// `&&`, `||`, `!`, `In('id')`); a state's path for [`Machine::matches`](crate::Machine::matches)
    /// is its id.
    ///
    /// ```
    /// use reactive_machine::{Chart, DefinitionError, Machine, Setup};
    /// let chart = Chart::from_scxml(r#"<scxml xmlns="http://www.w3.org/2005/07/scxml" initial="a">
    ///   <datamodel><data id="n" expr="0"/></datamodel>
    ///   <state id="a">
    ///     <transition event="go" cond="n &lt; 2" target="a"><assign location="n" expr="n + 1"/></transition>
    ///     <transition event="go" target="b"/>
    ///   </state>
    ///   <final id="b"/>
    /// </scxml>"#)?;
    /// let mut m = Machine::new(chart, &Setup::new())?;
    /// for _ in 0..3 { m.send("go")?; }
    /// assert!(m.matches("b") && m.is_done());
    /// assert_eq!(m.field("n"), 2);
    ///
    /// let err = Chart::from_scxml(r#"<scxml xmlns="http://www.w3.org/2005/07/scxml">
    ///   <state id="a"><invoke src="x"/></state></scxml>"#).unwrap_err();
    /// assert_eq!(err, DefinitionError::Unsupported { path: "line 2".into(), name: "<invoke>".into() });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`DefinitionError`]: malformed XML, an unsupported element or attribute, an expression
    /// outside the data model, an unknown target — each with its line.
    pub fn from_scxml(text: &str) -> Result<Chart, DefinitionError> {
        let doc = Document::parse(text).map_err(|e| DefinitionError::Syntax(e.to_string()))?;
        let root = doc.root_element();
        let mut l = Loader {
            doc: &doc,
            states: Vec::new(),
            context: Context::new(),
            raw: Vec::new(),
            next_auto: 0,
        };
        if root.tag_name().name() != "scxml" {
            return Err(l.invalid(root, "the document element is not <scxml>"));
        }
        l.attrs(
            root,
            &[
                "xmlns",
                "version",
                "initial",
                "name",
                "datamodel",
                "binding",
            ],
        )?;
        if let Some(dm) = root.attribute("datamodel").filter(|d| *d != "null") {
            return Err(DefinitionError::Unsupported {
                path: l.line(root),
                name: format!("datamodel=\"{dm}\""),
            });
        }
        if root.attribute("binding").is_some_and(|b| b != "early") {
            return Err(DefinitionError::Unsupported {
                path: l.line(root),
                name: "binding=\"late\"".into(),
            });
        }
        let id = root.attribute("name").unwrap_or("scxml").to_owned();
        l.state(root, id, None)?;
        let mut chart = Chart::assemble(
            std::mem::take(&mut l.states),
            Dialect::Scxml,
            std::mem::take(&mut l.context),
            Names::default(),
        );
        for (s, slot, ids, line) in std::mem::take(&mut l.raw) {
            let targets = ids
                .iter()
                .map(|id| {
                    chart
                        .by_id
                        .get(id)
                        .copied()
                        .ok_or_else(|| DefinitionError::UnknownTarget {
                            path: line.clone(),
                            target: id.clone(),
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let node = &mut chart.states[s];
            let t = match slot {
                RawSlot::On(i) => &mut node.on[i],
                RawSlot::Always(i) => &mut node.always[i],
                RawSlot::Initial => node.initial.as_mut().expect("initial slot"),
            };
            t.targets = Some(targets);
        }
        Ok(chart)
    }
}

fn elements<'a, 'i>(n: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children().filter(Node::is_element)
}

fn bare(source: Sx) -> Transition {
    Transition {
        source,
        events: Vec::new(),
        guard: None,
        targets: None,
        reenter: true,
        actions: Vec::new(),
        after: None,
        on_done: false,
    }
}

impl Loader<'_, '_> {
    fn line(&self, n: Node<'_, '_>) -> String {
        format!("line {}", self.doc.text_pos_at(n.range().start).row)
    }

    fn invalid(&self, n: Node<'_, '_>, message: impl Into<String>) -> DefinitionError {
        DefinitionError::Invalid {
            path: self.line(n),
            message: message.into(),
        }
    }

    fn unsupported(&self, n: Node<'_, '_>) -> DefinitionError {
        DefinitionError::Unsupported {
            path: self.line(n),
            name: format!("<{}>", n.tag_name().name()),
        }
    }

    /// Refuses elements outside the SCXML namespace and attributes not in `allowed`.
    fn attrs(&self, n: Node<'_, '_>, allowed: &[&str]) -> Result<(), DefinitionError> {
        if n.tag_name().namespace().is_some_and(|ns| ns != SCXML_NS) {
            return Err(self.unsupported(n));
        }
        for a in n.attributes() {
            if a.namespace().is_none() && !allowed.contains(&a.name()) {
                return Err(DefinitionError::Unsupported {
                    path: self.line(n),
                    name: format!("<{} {}>", n.tag_name().name(), a.name()),
                });
            }
        }
        Ok(())
    }

    fn expr(&self, n: Node<'_, '_>, text: &str) -> Result<expr::Expr, DefinitionError> {
        expr::parse(text).map_err(|message| DefinitionError::Unsupported {
            path: self.line(n),
            name: format!("the expression `{text}`: {message}"),
        })
    }

    fn state(
        &mut self,
        n: Node<'_, '_>,
        id: String,
        parent: Option<Sx>,
    ) -> Result<Sx, DefinitionError> {
        let tag = n.tag_name().name();
        let me = self.states.len();
        let is_state =
            |c: &Node<'_, '_>| matches!(c.tag_name().name(), "state" | "parallel" | "final");
        let kind = match tag {
            "parallel" => StateKind::Parallel,
            "final" => StateKind::Final,
            "history" => StateKind::History(match n.attribute("type") {
                None | Some("shallow") => HistoryDepth::Shallow,
                Some("deep") => HistoryDepth::Deep,
                Some(other) => return Err(self.invalid(n, format!("history type `{other}`"))),
            }),
            _ if elements(n).any(|c| is_state(&c)) => StateKind::Compound,
            _ => StateKind::Atomic,
        };
        if self.states.iter().any(|s| s.id == id) {
            return Err(DefinitionError::DuplicateId {
                path: self.line(n),
                id,
            });
        }
        let depth = parent.map_or(0, |p| self.states[p].depth + 1);
        let path = if parent.is_some() {
            id.clone()
        } else {
            String::new()
        };
        self.states.push(StateNode::new(
            id.clone(),
            id.clone(),
            true,
            path,
            parent,
            kind,
            depth,
        ));
        match tag {
            "scxml" => {}
            "state" => self.attrs(n, &["id", "initial"])?,
            "parallel" | "final" => self.attrs(n, &["id"])?,
            _ => self.attrs(n, &["id", "type"])?,
        }
        if let Some(initial) = n.attribute("initial") {
            self.states[me].initial = Some(bare(me));
            self.raw.push((
                me,
                RawSlot::Initial,
                initial.split_whitespace().map(str::to_owned).collect(),
                self.line(n),
            ));
        }
        for c in elements(n) {
            let ctag = c.tag_name().name();
            match (kind, ctag) {
                (StateKind::History(_), "transition") => {
                    if elements(c).next().is_some() {
                        return Err(DefinitionError::Unsupported {
                            path: self.line(c),
                            name: "executable content in a history state's transition".into(),
                        });
                    }
                    self.attrs(c, &["target"])?;
                    self.states[me].initial = Some(bare(me));
                    let targets = c
                        .attribute("target")
                        .unwrap_or_default()
                        .split_whitespace()
                        .map(str::to_owned)
                        .collect();
                    self.raw.push((me, RawSlot::Initial, targets, self.line(c)));
                }
                (StateKind::History(_), _) => return Err(self.unsupported(c)),
                (_, "state" | "parallel" | "final" | "history") if kind != StateKind::Final => {
                    let cid = match c.attribute("id") {
                        Some(id) => id.to_owned(),
                        None => {
                            self.next_auto += 1;
                            format!("__state{}", self.next_auto)
                        }
                    };
                    let child = self.state(c, cid, Some(me))?;
                    self.states[me].children.push(child);
                }
                (_, "onentry") => {
                    self.attrs(c, &[])?;
                    let actions = self.content(c)?;
                    self.states[me].entry.extend(actions);
                }
                (_, "onexit") => {
                    self.attrs(c, &[])?;
                    let actions = self.content(c)?;
                    self.states[me].exit.extend(actions);
                }
                (_, "datamodel") => self.datamodel(c)?,
                (StateKind::Compound, "initial") => {
                    self.attrs(c, &[])?;
                    let t = elements(c)
                        .find(|t| t.tag_name().name() == "transition")
                        .ok_or_else(|| self.invalid(c, "<initial> needs a <transition>"))?;
                    self.attrs(t, &["target"])?;
                    let mut tr = bare(me);
                    tr.actions = self.content(t)?;
                    self.states[me].initial = Some(tr);
                    let targets = t
                        .attribute("target")
                        .unwrap_or_default()
                        .split_whitespace()
                        .map(str::to_owned)
                        .collect();
                    self.raw.push((me, RawSlot::Initial, targets, self.line(t)));
                }
                (StateKind::Final, _) => return Err(self.unsupported(c)),
                (_, "transition") if tag != "scxml" => self.transition(me, c)?,
                _ => return Err(self.unsupported(c)),
            }
        }
        if kind == StateKind::Compound && self.states[me].initial.is_none() {
            // The first child state in document order.
            let first = self.states[me]
                .children
                .iter()
                .copied()
                .find(|&c| !matches!(self.states[c].kind, StateKind::History(_)));
            let mut t = bare(me);
            t.targets = first.map(|f| vec![f]);
            self.states[me].initial = Some(t);
        }
        Ok(me)
    }

    fn datamodel(&mut self, n: Node<'_, '_>) -> Result<(), DefinitionError> {
        self.attrs(n, &[])?;
        for d in elements(n) {
            if d.tag_name().name() != "data" {
                return Err(self.unsupported(d));
            }
            if elements(d).next().is_some() || d.text().is_some_and(|t| !t.trim().is_empty()) {
                return Err(DefinitionError::Unsupported {
                    path: self.line(d),
                    name: "<data> with inline content".into(),
                });
            }
            self.attrs(d, &["id", "expr"])?;
            let id = d
                .attribute("id")
                .ok_or_else(|| self.invalid(d, "<data> needs an id"))?;
            let value = match d.attribute("expr") {
                None => serde_json::Value::Null,
                Some(text) => {
                    let e = self.expr(d, text)?;
                    expr::eval(&e, &self.context, &|_| false)
                        .map_err(|_| self.invalid(d, format!("cannot evaluate `{text}`")))?
                }
            };
            self.context.insert(id.to_owned(), value);
        }
        Ok(())
    }

    fn transition(&mut self, me: Sx, n: Node<'_, '_>) -> Result<(), DefinitionError> {
        self.attrs(n, &["event", "cond", "target", "type"])?;
        let mut t = bare(me);
        t.events = n
            .attribute("event")
            .unwrap_or_default()
            .split_whitespace()
            .map(|d| EventDescriptor::parse(d, DescriptorSyntax::Scxml))
            .collect();
        if let Some(cond) = n.attribute("cond") {
            t.guard = Some(Guard::Expr(self.expr(n, cond)?));
        }
        t.reenter = match n.attribute("type") {
            None | Some("external") => true,
            Some("internal") => false,
            Some(other) => return Err(self.invalid(n, format!("transition type `{other}`"))),
        };
        t.actions = self.content(n)?;
        let targets: Option<Vec<String>> = n
            .attribute("target")
            .map(|t| t.split_whitespace().map(str::to_owned).collect());
        let slot = if t.events.is_empty() {
            self.states[me].always.push(t);
            RawSlot::Always(self.states[me].always.len() - 1)
        } else {
            self.states[me].on.push(t);
            RawSlot::On(self.states[me].on.len() - 1)
        };
        if let Some(targets) = targets {
            self.raw.push((me, slot, targets, self.line(n)));
        }
        Ok(())
    }

    /// Executable content of `n`'s children.
    fn content(&mut self, n: Node<'_, '_>) -> Result<Vec<Action>, DefinitionError> {
        let mut out = Vec::new();
        for c in elements(n) {
            out.push(self.action(c)?);
        }
        Ok(out)
    }

    fn action(&mut self, n: Node<'_, '_>) -> Result<Action, DefinitionError> {
        let need = |a: &str| {
            n.attribute(a)
                .ok_or_else(|| self.invalid(n, format!("<{}> needs `{a}`", n.tag_name().name())))
        };
        Ok(match n.tag_name().name() {
            "raise" => {
                self.attrs(n, &["event"])?;
                Action::Raise {
                    event: need("event")?.to_owned(),
                    delay: None,
                    id: None,
                    implicit: false,
                }
            }
            "send" => {
                self.attrs(n, &["event", "delay", "target", "id", "type"])?;
                if elements(n).next().is_some() {
                    return Err(DefinitionError::Unsupported {
                        path: self.line(n),
                        name: "<send> with <param> or <content>".into(),
                    });
                }
                if n.attribute("type")
                    .is_some_and(|t| t != SCXML_PROCESSOR && t != "scxml")
                {
                    return Err(DefinitionError::Unsupported {
                        path: self.line(n),
                        name: format!(
                            "<send type=\"{}\">",
                            n.attribute("type").unwrap_or_default()
                        ),
                    });
                }
                let event = need("event")?.to_owned();
                let delay = match n.attribute("delay") {
                    None => 0,
                    Some(d) => parse_delay(d).ok_or_else(|| {
                        self.invalid(n, format!("the delay `{d}` is not like `500ms` or `1.5s`"))
                    })?,
                };
                let id = n.attribute("id").map(str::to_owned);
                match n.attribute("target") {
                    None => Action::Raise {
                        event,
                        delay: Some(Delay::Ms(delay)),
                        id,
                        implicit: false,
                    },
                    Some("#_internal") if delay == 0 => Action::Raise {
                        event,
                        delay: None,
                        id,
                        implicit: false,
                    },
                    Some(t) => {
                        return Err(DefinitionError::Unsupported {
                            path: self.line(n),
                            name: format!("<send target=\"{t}\">"),
                        });
                    }
                }
            }
            "cancel" => {
                self.attrs(n, &["sendid"])?;
                Action::Cancel {
                    id: need("sendid")?.to_owned(),
                    implicit: false,
                }
            }
            "assign" => {
                self.attrs(n, &["location", "expr"])?;
                if elements(n).next().is_some() || n.text().is_some_and(|t| !t.trim().is_empty()) {
                    return Err(DefinitionError::Unsupported {
                        path: self.line(n),
                        name: "<assign> with content".into(),
                    });
                }
                Action::Assign {
                    location: need("location")?.to_owned(),
                    expr: self.expr(n, need("expr")?)?,
                }
            }
            "log" => {
                self.attrs(n, &["label", "expr"])?;
                let expr = match n.attribute("expr") {
                    Some(e) => Some(self.expr(n, e)?),
                    None => None,
                };
                Action::Log {
                    label: n.attribute("label").unwrap_or_default().to_owned(),
                    expr,
                }
            }
            "if" => {
                self.attrs(n, &["cond"])?;
                let mut branches = vec![(Some(self.expr(n, need("cond")?)?), Vec::new())];
                for c in elements(n) {
                    match c.tag_name().name() {
                        "elseif" => {
                            self.attrs(c, &["cond"])?;
                            let cond = c
                                .attribute("cond")
                                .ok_or_else(|| self.invalid(c, "<elseif> needs `cond`"))?;
                            branches.push((Some(self.expr(c, cond)?), Vec::new()));
                        }
                        "else" => {
                            self.attrs(c, &[])?;
                            branches.push((None, Vec::new()));
                        }
                        _ => {
                            let a = self.action(c)?;
                            branches.last_mut().expect("one branch at least").1.push(a);
                        }
                    }
                }
                Action::If { branches }
            }
            _ => return Err(self.unsupported(n)),
        })
    }
}

/// `"500ms"`, `"1s"`, `"1.5s"`, `".5s"` → milliseconds.
fn parse_delay(text: &str) -> Option<u64> {
    let t = text.trim();
    let (num, scale) = match t.strip_suffix("ms") {
        Some(n) => (n, 1.0),
        None => (t.strip_suffix('s')?, 1000.0),
    };
    let v: f64 = num.trim().parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| (v * scale).round() as u64)
}
