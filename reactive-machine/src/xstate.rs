//! XState v5 machine configs as JSON: loading ([`Chart::from_xstate_json`]) and exporting
//! ([`Chart::to_xstate_json`], in `xstate/export.rs`).
//!
//! Supported keys: `id`, `initial` (a child's key), `states`, `on`, `always`, `after`, `onDone`,
//! `entry`, `exit`, `type` (`atomic`, `compound`, `parallel`, `final`, `history`), `history`
//! (`shallow`, `deep`), `target` (of a history state), `context` (root), `description`;
//! transitions as a target string, an object (`target` string or array, `guard`, `actions`,
//! `reenter`, `description`) or an array of those; guards and actions as a name or
//! `{ "type": name, "params": … }`. Anything else (`invoke`, `tags`, `meta`, `output`, …) is a
//! [`DefinitionError::Unsupported`] naming where it is, never skipped.

mod dot;
mod export;
pub(crate) mod json;

use serde_json::Value;

use crate::chart::{
    Action, Chart, Delay, Dialect, Guard, HistoryDepth, Names, StateKind, StateNode, Sx, Transition,
};
use crate::error::DefinitionError;
use crate::event::{DescriptorSyntax, EventDescriptor};
use json::Json;

/// Which list of a state a transition whose targets are still strings belongs to.
#[derive(Clone, Copy)]
enum Slot {
    On(usize),
    Always(usize),
    Initial,
}

struct RawTargets {
    state: Sx,
    slot: Slot,
    targets: Vec<String>,
    path: String,
}

struct Loader {
    states: Vec<StateNode>,
    names: Names,
    raw: Vec<RawTargets>,
    /// Per state: the `after` actions to append to entry and exit once the user's are in.
    after_entry: Vec<Vec<Action>>,
    after_exit: Vec<Vec<Action>>,
}

fn invalid(path: &str, message: impl Into<String>) -> DefinitionError {
    DefinitionError::Invalid {
        path: path.to_owned(),
        message: message.into(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn object<'j>(j: &'j Json, path: &str) -> Result<&'j [(String, Json)], DefinitionError> {
    match j {
        Json::Object(o) => Ok(o),
        other => Err(invalid(
            path,
            format!("expected an object, found {}", other.kind()),
        )),
    }
}

fn string<'j>(j: &'j Json, path: &str) -> Result<&'j str, DefinitionError> {
    match j {
        Json::String(s) => Ok(s),
        other => Err(invalid(
            path,
            format!("expected a string, found {}", other.kind()),
        )),
    }
}

impl Chart {
    /// Loads an XState v5 machine config written as JSON. Guards, actions and named delays are
    /// referred to by name; [`Machine::new`](crate::Machine::new) takes their implementations
    /// from a [`Setup`](crate::Setup).
    ///
    /// ```
    /// use reactive_machine::{Chart, DefinitionError};
    /// let chart = Chart::from_xstate_json(r#"{ "id": "m", "initial": "a", "states": { "a": {} } }"#)?;
    /// assert_eq!(chart.id(), "m");
    /// let bad = Chart::from_xstate_json(r#"{ "initial": "a", "states": { "a": { "on": { "GO": "nowhere" } } } }"#);
    /// assert!(matches!(bad, Err(DefinitionError::UnknownTarget { ref path, .. }) if path == "states.a.on.GO[0].target"));
    /// # Ok::<(), DefinitionError>(())
    /// ```
    ///
    /// # Errors
    /// [`DefinitionError`] naming the path of the first problem.
    pub fn from_xstate_json(text: &str) -> Result<Chart, DefinitionError> {
        let json: Json =
            serde_json::from_str(text).map_err(|e| DefinitionError::Syntax(e.to_string()))?;
        Chart::from_xstate(&json)
    }

    /// Loads an XState config already parsed into a `serde_json::Value`. Note that without
    /// serde_json's `preserve_order` feature a `Value` has lost the order of keys, which
    /// decides document order; prefer [`Chart::from_xstate_json`] on the text.
    ///
    /// # Errors
    /// As [`Chart::from_xstate_json`].
    pub fn from_xstate_value(value: &Value) -> Result<Chart, DefinitionError> {
        Chart::from_xstate(&Json::from_value(value))
    }

    pub(crate) fn from_xstate(json: &Json) -> Result<Chart, DefinitionError> {
        let mut loader = Loader {
            states: Vec::new(),
            names: Names::default(),
            raw: Vec::new(),
            after_entry: Vec::new(),
            after_exit: Vec::new(),
        };
        let root = object(json, "")?;
        let id = match root.iter().find(|(k, _)| k == "id") {
            Some((_, v)) => string(v, "id")?.to_owned(),
            None => "(machine)".to_owned(),
        };
        let mut context = serde_json::Map::new();
        if let Some((_, c)) = root.iter().find(|(k, _)| k == "context") {
            object(c, "context")?;
            if let Value::Object(map) = c.to_value() {
                context = map;
            }
        }
        loader.state(json, String::new(), id, None, "")?;
        for (i, (entry, exit)) in loader
            .after_entry
            .iter_mut()
            .zip(loader.after_exit.iter_mut())
            .enumerate()
        {
            loader.states[i].entry.append(entry);
            loader.states[i].exit.append(exit);
        }
        let chart = Chart::assemble(
            std::mem::take(&mut loader.states),
            Dialect::XState,
            context,
            std::mem::take(&mut loader.names),
        );
        let mut chart = chart;
        for raw in std::mem::take(&mut loader.raw) {
            let targets = raw
                .targets
                .iter()
                .map(|t| {
                    resolve(&chart, raw.state, t).ok_or_else(|| DefinitionError::UnknownTarget {
                        path: raw.path.clone(),
                        target: t.clone(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let node = &mut chart.states[raw.state];
            let t = match raw.slot {
                Slot::On(i) => &mut node.on[i],
                Slot::Always(i) => &mut node.always[i],
                Slot::Initial => node.initial.as_mut().expect("initial slot"),
            };
            t.targets = Some(targets);
        }
        validate(&chart)?;
        Ok(chart)
    }
}

/// Resolves an XState target string from the state `from`: `#id` (then a path), `.child.path`
/// (below `from`), or `sibling.path` (below `from`'s parent).
fn resolve(chart: &Chart, from: Sx, target: &str) -> Option<Sx> {
    let by_path = |start: Sx, path: &str| -> Option<Sx> {
        let mut at = start;
        for key in path.split('.').filter(|k| !k.is_empty()) {
            at = *chart.states[at]
                .children
                .iter()
                .find(|&&c| chart.states[c].key == key)?;
        }
        Some(at)
    };
    if let Some(rest) = target.strip_prefix('#') {
        let (id, path) = rest.split_once('.').unwrap_or((rest, ""));
        let start = *chart.by_id.get(id)?;
        return by_path(start, path);
    }
    if let Some(rest) = target.strip_prefix('.') {
        return by_path(from, rest);
    }
    by_path(chart.states[from].parent?, target)
}

fn validate(chart: &Chart) -> Result<(), DefinitionError> {
    for s in &chart.states {
        if s.kind == StateKind::Compound {
            let init = s
                .initial
                .as_ref()
                .and_then(|t| t.targets.as_ref())
                .and_then(|t| t.first());
            match init {
                Some(&c)
                    if chart.states[c]
                        .parent
                        .is_some_and(|p| chart.states[p].id == s.id) => {}
                _ => {
                    return Err(invalid(
                        &state_path(&s.path),
                        "a state with child states needs `initial` naming one of them",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Where a state is in the JSON (`states.a.states.b`).
fn state_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("states.{}", path.replace('.', ".states."))
    }
}

impl Loader {
    fn state(
        &mut self,
        json: &Json,
        key: String,
        id: String,
        parent: Option<Sx>,
        jpath: &str,
    ) -> Result<Sx, DefinitionError> {
        let fields = object(json, jpath)?;
        let me = self.states.len();
        let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v);
        for (k, _) in fields {
            let known = matches!(
                k.as_str(),
                "id" | "initial"
                    | "states"
                    | "on"
                    | "always"
                    | "after"
                    | "onDone"
                    | "entry"
                    | "exit"
                    | "type"
                    | "history"
                    | "target"
                    | "description"
            ) || (parent.is_none() && k == "context");
            if !known {
                return Err(DefinitionError::Unsupported {
                    path: join(jpath, k),
                    name: k.clone(),
                });
            }
        }
        let explicit_id = parent.is_some() && get("id").is_some();
        let id = match (parent, get("id")) {
            (Some(_), Some(v)) => string(v, &join(jpath, "id"))?.to_owned(),
            _ => id,
        };
        if self.states.iter().any(|s| s.id == id) {
            return Err(DefinitionError::DuplicateId {
                path: jpath.to_owned(),
                id,
            });
        }
        let children_json = match get("states") {
            Some(s) => object(s, &join(jpath, "states"))?,
            None => &[],
        };
        let kind = match get("type") {
            None => {
                if children_json.is_empty() {
                    StateKind::Atomic
                } else {
                    StateKind::Compound
                }
            }
            Some(t) => match string(t, &join(jpath, "type"))? {
                "atomic" => StateKind::Atomic,
                "compound" => StateKind::Compound,
                "parallel" => StateKind::Parallel,
                "final" => StateKind::Final,
                "history" => StateKind::History(match get("history") {
                    None => HistoryDepth::Shallow,
                    Some(h) => match string(h, &join(jpath, "history"))? {
                        "shallow" => HistoryDepth::Shallow,
                        "deep" => HistoryDepth::Deep,
                        other => {
                            return Err(invalid(
                                &join(jpath, "history"),
                                format!("`{other}` is not `shallow` or `deep`"),
                            ));
                        }
                    },
                }),
                other => {
                    return Err(invalid(
                        &join(jpath, "type"),
                        format!("unknown state type `{other}`"),
                    ));
                }
            },
        };
        if parent.is_none() && matches!(kind, StateKind::History(_) | StateKind::Final) {
            return Err(invalid(
                &join(jpath, "type"),
                "the machine's root cannot be a final or history state",
            ));
        }
        let path = match parent {
            None => String::new(),
            Some(p) => join(&self.states[p].path, &key),
        };
        let depth = parent.map_or(0, |p| self.states[p].depth + 1);
        let description = match get("description") {
            Some(d) => Some(string(d, &join(jpath, "description"))?.to_owned()),
            None => None,
        };
        let mut node = StateNode::new(key, id.clone(), explicit_id, path, parent, kind, depth);
        node.description = description;
        self.states.push(node);
        self.after_entry.push(Vec::new());
        self.after_exit.push(Vec::new());
        if let Some(e) = get("entry") {
            self.states[me].entry = self.actions(e, &join(jpath, "entry"))?;
        }
        if let Some(e) = get("exit") {
            self.states[me].exit = self.actions(e, &join(jpath, "exit"))?;
        }
        if let Some(i) = get("initial") {
            let ipath = join(jpath, "initial");
            let target = string(i, &ipath).map_err(|_| DefinitionError::Unsupported {
                path: ipath.clone(),
                name: "initial (object form)".into(),
            })?;
            if target.contains('.') || target.starts_with('#') {
                return Err(invalid(&ipath, "`initial` names a child state by its key"));
            }
            self.states[me].initial = Some(bare(me));
            self.raw.push(RawTargets {
                state: me,
                slot: Slot::Initial,
                targets: vec![format!(".{target}")],
                path: ipath,
            });
        }
        if let Some(t) = get("target") {
            let tpath = join(jpath, "target");
            if !matches!(kind, StateKind::History(_)) {
                return Err(DefinitionError::Unsupported {
                    path: tpath,
                    name: "target (outside a history state)".into(),
                });
            }
            let targets = target_list(t, &tpath)?;
            self.states[me].initial = Some(bare(me));
            // A history state's default target is relative to its parent, as a sibling's is.
            self.raw.push(RawTargets {
                state: me,
                slot: Slot::Initial,
                targets,
                path: tpath,
            });
        }
        if let Some(on) = get("on") {
            let opath = join(jpath, "on");
            for (desc, tj) in object(on, &opath)? {
                if desc.is_empty() {
                    return Err(invalid(
                        &opath,
                        "an empty event name: use `always` for eventless transitions",
                    ));
                }
                let d = EventDescriptor::parse(desc, DescriptorSyntax::XState);
                self.transitions(me, tj, &join(&opath, desc), Some(d), None, false)?;
            }
        }
        if let Some(done) = get("onDone") {
            let d = EventDescriptor::parse(
                &format!("xstate.done.state.{id}"),
                DescriptorSyntax::XState,
            );
            self.transitions(me, done, &join(jpath, "onDone"), Some(d), None, true)?;
        }
        if let Some(after) = get("after") {
            let apath = join(jpath, "after");
            for (delay_text, tj) in object(after, &apath)? {
                let dpath = join(&apath, delay_text);
                let (delay, shown) = match delay_text.parse::<f64>() {
                    Ok(ms) if ms.is_finite() && ms >= 0.0 && ms.fract() == 0.0 => {
                        (Delay::Ms(ms as u64), format!("{}", ms as u64))
                    }
                    Ok(_) => {
                        return Err(invalid(
                            &dpath,
                            "a delay is a whole number of milliseconds or a name",
                        ));
                    }
                    Err(_) => (
                        Delay::Named(self.names.delay(delay_text, &dpath)),
                        delay_text.clone(),
                    ),
                };
                let event = format!("xstate.after.{shown}.{id}");
                self.after_entry[me].push(Action::Raise {
                    event: event.clone(),
                    delay: Some(delay.clone()),
                    id: Some(event.clone()),
                    implicit: true,
                });
                self.after_exit[me].push(Action::Cancel {
                    id: event.clone(),
                    implicit: true,
                });
                let d = EventDescriptor::parse(&event, DescriptorSyntax::XState);
                self.transitions(me, tj, &dpath, Some(d), Some(delay), false)?;
            }
        }
        if let Some(a) = get("always") {
            self.transitions(me, a, &join(jpath, "always"), None, None, false)?;
        }
        let spath = join(jpath, "states");
        for (child_key, child) in children_json {
            let child_id = format!("{id}.{child_key}");
            let c = self.state(
                child,
                child_key.clone(),
                child_id,
                Some(me),
                &join(&spath, child_key),
            )?;
            self.states[me].children.push(c);
        }
        if matches!(
            kind,
            StateKind::Atomic | StateKind::Final | StateKind::History(_)
        ) && !children_json.is_empty()
        {
            return Err(invalid(
                &spath,
                "only compound and parallel states have child states",
            ));
        }
        if kind == StateKind::Compound && self.states[me].initial.is_none() {
            return Err(invalid(
                jpath,
                "a state with child states needs `initial` naming one of them",
            ));
        }
        Ok(me)
    }

    /// Adds the transitions of one `on` entry (or `always`, `after`, `onDone`) to state `me`.
    fn transitions(
        &mut self,
        me: Sx,
        json: &Json,
        path: &str,
        descriptor: Option<EventDescriptor>,
        after: Option<Delay>,
        on_done: bool,
    ) -> Result<(), DefinitionError> {
        let list: Vec<&Json> = match json {
            Json::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        for (i, tj) in list.into_iter().enumerate() {
            let tpath = format!("{path}[{i}]");
            let mut t = bare(me);
            t.events = descriptor.iter().cloned().collect();
            t.after = after.clone();
            t.on_done = on_done;
            let mut targets = None;
            match tj {
                Json::String(s) => targets = Some(vec![s.clone()]),
                Json::Object(fields) => {
                    for (k, v) in fields {
                        let fpath = join(&tpath, k);
                        match k.as_str() {
                            "target" => targets = Some(target_list(v, &fpath)?),
                            "guard" => t.guard = Some(self.guard(v, &fpath)?),
                            "actions" => t.actions = self.actions(v, &fpath)?,
                            "reenter" => match v {
                                Json::Bool(b) => t.reenter = *b,
                                other => {
                                    return Err(invalid(
                                        &fpath,
                                        format!("expected a boolean, found {}", other.kind()),
                                    ));
                                }
                            },
                            "description" => {
                                string(v, &fpath)?;
                            }
                            _ => {
                                return Err(DefinitionError::Unsupported {
                                    path: fpath,
                                    name: k.clone(),
                                });
                            }
                        }
                    }
                }
                other => {
                    return Err(invalid(
                        &tpath,
                        format!(
                            "expected a target or a transition object, found {}",
                            other.kind()
                        ),
                    ));
                }
            }
            let slot = match descriptor {
                Some(_) => {
                    self.states[me].on.push(t);
                    Slot::On(self.states[me].on.len() - 1)
                }
                None => {
                    self.states[me].always.push(t);
                    Slot::Always(self.states[me].always.len() - 1)
                }
            };
            if let Some(targets) = targets {
                self.raw.push(RawTargets {
                    state: me,
                    slot,
                    targets,
                    path: join(&tpath, "target"),
                });
            }
        }
        Ok(())
    }

    fn actions(&mut self, json: &Json, path: &str) -> Result<Vec<Action>, DefinitionError> {
        let list: Vec<&Json> = match json {
            Json::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        let mut out = Vec::new();
        for (i, a) in list.into_iter().enumerate() {
            let apath = format!("{path}[{i}]");
            let (name, params) = named(a, &apath)?;
            out.push(Action::Named {
                slot: self.names.action(&name, &apath),
                params,
            });
        }
        Ok(out)
    }

    fn guard(&mut self, json: &Json, path: &str) -> Result<Guard, DefinitionError> {
        let (name, params) = named(json, path)?;
        Ok(Guard::Named {
            slot: self.names.guard(&name, path),
            params,
        })
    }
}

/// A name written as `"name"` or `{ "type": "name", "params": … }`.
fn named(json: &Json, path: &str) -> Result<(String, Option<Value>), DefinitionError> {
    match json {
        Json::String(s) => Ok((s.clone(), None)),
        Json::Object(fields) => {
            let mut name = None;
            let mut params = None;
            for (k, v) in fields {
                match k.as_str() {
                    "type" => name = Some(string(v, &join(path, "type"))?.to_owned()),
                    "params" => params = Some(v.to_value()),
                    _ => {
                        return Err(DefinitionError::Unsupported {
                            path: join(path, k),
                            name: k.clone(),
                        });
                    }
                }
            }
            name.map(|n| (n, params))
                .ok_or_else(|| invalid(path, "missing `type`"))
        }
        other => Err(invalid(
            path,
            format!(
                "expected a name or {{\"type\": name}}, found {}",
                other.kind()
            ),
        )),
    }
}

fn target_list(json: &Json, path: &str) -> Result<Vec<String>, DefinitionError> {
    match json {
        Json::String(s) => Ok(vec![s.clone()]),
        Json::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, t)| string(t, &format!("{path}[{i}]")).map(str::to_owned))
            .collect(),
        other => Err(invalid(
            path,
            format!(
                "expected a target string or an array of them, found {}",
                other.kind()
            ),
        )),
    }
}

/// A transition from `source` with nothing yet.
fn bare(source: Sx) -> Transition {
    Transition {
        source,
        events: Vec::new(),
        guard: None,
        targets: None,
        reenter: false,
        actions: Vec::new(),
        after: None,
        on_done: false,
    }
}
