//! Exporting a chart: back to XState JSON ([`Chart::to_xstate_json`]) and to a Mermaid
//! `stateDiagram-v2` ([`Chart::to_mermaid`]).

use std::fmt::Write as _;

use serde_json::Value;

use super::json::Json;
use crate::chart::{Action, Chart, Delay, Guard, HistoryDepth, StateKind, Sx, Transition};

impl Chart {
    /// The chart as an XState v5 JSON config. Targets are written as `#id`; `after` and
    /// `onDone` come back as written; loading the result gives a chart that behaves the same.
    /// Charts from SCXML export only what XState can say: SCXML conditions and executable
    /// content other than named actions are left out (the export says nothing of them).
    ///
    /// ```
    /// use reactive_machine::Chart;
    /// let chart = Chart::from_xstate_json(r#"{"id":"m","initial":"a","states":{"a":{"on":{"GO":"b"}},"b":{}}}"#)?;
    /// let again = Chart::from_xstate_json(&chart.to_xstate_json())?;
    /// assert_eq!(again.to_xstate_json(), chart.to_xstate_json());
    /// # Ok::<(), reactive_machine::DefinitionError>(())
    /// ```
    pub fn to_xstate_json(&self) -> String {
        let mut out = String::new();
        self.export_state(0).write(&mut out);
        out
    }

    fn export_state(&self, s: Sx) -> Json {
        let node = &self.states[s];
        let mut o: Vec<(String, Json)> = Vec::new();
        if s == 0 || node.explicit_id {
            o.push(("id".into(), Json::String(node.id.clone())));
        }
        match node.kind {
            StateKind::Parallel => o.push(("type".into(), Json::String("parallel".into()))),
            StateKind::Final => o.push(("type".into(), Json::String("final".into()))),
            StateKind::History(depth) => {
                o.push(("type".into(), Json::String("history".into())));
                let d = if depth == HistoryDepth::Deep {
                    "deep"
                } else {
                    "shallow"
                };
                o.push(("history".into(), Json::String(d.into())));
                if let Some(t) = &node.initial {
                    o.push(("target".into(), self.export_targets(t)));
                }
            }
            _ => {}
        }
        if let Some(d) = &node.description {
            o.push(("description".into(), Json::String(d.clone())));
        }
        if s == 0 && !self.context.is_empty() {
            o.push((
                "context".into(),
                Json::from_value(&Value::Object(self.context.clone())),
            ));
        }
        if node.kind == StateKind::Compound
            && let Some(c) = node
                .initial
                .as_ref()
                .and_then(|t| t.targets.as_ref())
                .and_then(|t| t.first())
        {
            o.push(("initial".into(), Json::String(self.states[*c].key.clone())));
        }
        let entry = self.export_actions(&node.entry);
        if !entry.is_empty() {
            o.push(("entry".into(), Json::Array(entry)));
        }
        let exit = self.export_actions(&node.exit);
        if !exit.is_empty() {
            o.push(("exit".into(), Json::Array(exit)));
        }
        let mut on: Vec<(String, Json)> = Vec::new();
        let mut after: Vec<(String, Json)> = Vec::new();
        let mut on_done: Vec<Json> = Vec::new();
        for t in &node.on {
            let exported = self.export_transition(t);
            if let Some(delay) = &t.after {
                let key = match delay {
                    Delay::Ms(ms) => ms.to_string(),
                    Delay::Named(slot) => self.names.delays[*slot].0.clone(),
                };
                push_grouped(&mut after, key, exported);
            } else if t.on_done {
                on_done.push(exported);
            } else if let Some(d) = t.events.first() {
                push_grouped(&mut on, d.as_str().to_owned(), exported);
            }
        }
        if !on.is_empty() {
            o.push(("on".into(), Json::Object(on)));
        }
        if !after.is_empty() {
            o.push(("after".into(), Json::Object(after)));
        }
        if !on_done.is_empty() {
            o.push(("onDone".into(), Json::Array(on_done)));
        }
        if !node.always.is_empty() {
            o.push((
                "always".into(),
                Json::Array(
                    node.always
                        .iter()
                        .map(|t| self.export_transition(t))
                        .collect(),
                ),
            ));
        }
        if !node.children.is_empty() {
            let states = node
                .children
                .iter()
                .map(|&c| (self.states[c].key.clone(), self.export_state(c)))
                .collect();
            o.push(("states".into(), Json::Object(states)));
        }
        Json::Object(o)
    }

    fn export_targets(&self, t: &Transition) -> Json {
        let targets = t.targets.as_deref().unwrap_or(&[]);
        Json::Array(
            targets
                .iter()
                .map(|&x| Json::String(format!("#{}", self.states[x].id)))
                .collect(),
        )
    }

    fn export_transition(&self, t: &Transition) -> Json {
        let mut o = Vec::new();
        if t.targets.is_some() {
            o.push(("target".into(), self.export_targets(t)));
        }
        if let Some(Guard::Named { slot, params }) = &t.guard {
            o.push((
                "guard".into(),
                named(&self.names.guards[*slot].0, params.as_ref()),
            ));
        }
        let actions = self.export_actions(&t.actions);
        if !actions.is_empty() {
            o.push(("actions".into(), Json::Array(actions)));
        }
        if t.reenter {
            o.push(("reenter".into(), Json::Bool(true)));
        }
        Json::Object(o)
    }

    fn export_actions(&self, actions: &[Action]) -> Vec<Json> {
        actions
            .iter()
            .filter_map(|a| match a {
                Action::Named { slot, params } => {
                    Some(named(&self.names.actions[*slot].0, params.as_ref()))
                }
                _ => None,
            })
            .collect()
    }

    /// The chart as a Mermaid `stateDiagram-v2`, for a picture: compound states as nested
    /// states with their initial arrow, parallel regions separated by `--`, transitions
    /// labelled with their event (and `[guard]`), `after` as `after 500ms`, `always` as
    /// `always`.
    ///
    /// ```
    /// use reactive_machine::Chart;
    /// let chart = Chart::from_xstate_json(r#"{"id":"m","initial":"a","states":{"a":{"on":{"GO":"b"}},"b":{}}}"#)?;
    /// let diagram = chart.to_mermaid();
    /// assert!(diagram.starts_with("stateDiagram-v2"));
    /// assert!(diagram.contains("a --> b : GO"));
    /// # Ok::<(), reactive_machine::DefinitionError>(())
    /// ```
    pub fn to_mermaid(&self) -> String {
        let mut out = String::from("stateDiagram-v2\n");
        self.mermaid_body(0, 1, &mut out);
        let mut edges = String::new();
        for (s, node) in self.states.iter().enumerate() {
            for t in node.on.iter().chain(&node.always) {
                let label = self.mermaid_label(t);
                for &target in t.targets.as_deref().unwrap_or(&[]) {
                    let _ = writeln!(
                        edges,
                        "    {} --> {} : {}",
                        self.mermaid_name(s),
                        self.mermaid_name(target),
                        label
                    );
                }
            }
        }
        out.push_str(&edges);
        out
    }

    fn mermaid_name(&self, s: Sx) -> String {
        if s == 0 {
            "root".into()
        } else {
            self.states[s].path.replace('.', "_")
        }
    }

    pub(super) fn mermaid_label(&self, t: &Transition) -> String {
        let mut label = match (&t.after, t.events.first()) {
            (Some(Delay::Ms(ms)), _) => format!("after {ms}ms"),
            (Some(Delay::Named(slot)), _) => format!("after {}", self.names.delays[*slot].0),
            (None, Some(_)) if t.on_done => "done".into(),
            (None, Some(d)) => d.as_str().to_owned(),
            (None, None) => "always".into(),
        };
        if let Some(Guard::Named { slot, .. }) = &t.guard {
            let _ = write!(label, " [{}]", self.names.guards[*slot].0);
        }
        label
    }

    fn mermaid_body(&self, s: Sx, indent: usize, out: &mut String) {
        let pad = "    ".repeat(indent);
        let node = &self.states[s];
        if node.kind == StateKind::Compound
            && let Some(c) = node
                .initial
                .as_ref()
                .and_then(|t| t.targets.as_ref())
                .and_then(|t| t.first())
        {
            let _ = writeln!(out, "{pad}[*] --> {}", self.mermaid_name(*c));
        }
        // Regions first, separated by `--`; history states after them (they are no region).
        let (regions, histories): (Vec<Sx>, Vec<Sx>) =
            node.children.iter().partition(|&&c| !self.is_history(c));
        for (i, c) in regions.into_iter().chain(histories).enumerate() {
            if node.kind == StateKind::Parallel && i > 0 && !self.is_history(c) {
                let _ = writeln!(out, "{pad}--");
            }
            let child = &self.states[c];
            let name = self.mermaid_name(c);
            let _ = writeln!(out, "{pad}state \"{}\" as {name}", child.key);
            match child.kind {
                StateKind::Compound | StateKind::Parallel => {
                    let _ = writeln!(out, "{pad}state {name} {{");
                    self.mermaid_body(c, indent + 1, out);
                    let _ = writeln!(out, "{pad}}}");
                }
                StateKind::Final => {
                    let _ = writeln!(out, "{pad}{name} --> [*]");
                }
                StateKind::History(d) => {
                    let _ = writeln!(
                        out,
                        "{pad}note right of {name} : {} history",
                        if d == HistoryDepth::Deep {
                            "deep"
                        } else {
                            "shallow"
                        }
                    );
                }
                StateKind::Atomic => {}
            }
        }
    }
}

fn named(name: &str, params: Option<&Value>) -> Json {
    match params {
        None => Json::String(name.to_owned()),
        Some(p) => Json::Object(vec![
            ("type".into(), Json::String(name.to_owned())),
            ("params".into(), Json::from_value(p)),
        ]),
    }
}

fn push_grouped(list: &mut Vec<(String, Json)>, key: String, t: Json) {
    match list.iter_mut().find(|(k, _)| *k == key) {
        Some((_, Json::Array(a))) => a.push(t),
        _ => list.push((key, Json::Array(vec![t]))),
    }
}
