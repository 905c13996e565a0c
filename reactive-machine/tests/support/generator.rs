//! Random XState machines and event sequences for the differential and persistence tests:
//! depth up to 4, parallel regions, shallow and deep history, `always`, `after`, named guards,
//! wildcard descriptors, `reenter`, targets anywhere (history states included).

#![allow(dead_code)] // each test file uses part of it

use serde_json::{Value, json};

/// One machine and the steps to drive it: `{"send": name}` or `{"wait": ms}`.
#[derive(Clone, Debug)]
pub struct Case {
    pub config: Value,
    pub steps: Vec<Value>,
}

/// Steps from `["A", "wait 10", ...]`.
pub fn sends(events: &[&str]) -> Vec<Value> {
    events
        .iter()
        .map(|e| match e.strip_prefix("wait ") {
            Some(ms) => json!({ "wait": ms.parse::<u64>().unwrap() }),
            None => json!({ "send": e }),
        })
        .collect()
}

const WAITS: [u64; 3] = [5, 15, 30];

/// A small deterministic generator: machines and steps from a seed.
pub struct Gen {
    state: u64,
    next_key: usize,
    /// Every state's target string (`#m.path`), by kind.
    targets: Vec<String>,
}

impl Gen {
    fn next(&mut self) -> u64 {
        // SplitMix64.
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    /// Actions for a transition; only transitions on events other than `C` raise `C`, so
    /// raised events never loop.
    fn actions(&mut self, tag: &str, may_raise: bool) -> Value {
        let n = self.below(3);
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(match self.below(6) {
                0 => json!("inc.count"),
                1 if may_raise => json!("raise.C"),
                _ => json!(format!("log.{tag}")),
            });
        }
        Value::Array(out)
    }

    fn guard(&mut self) -> Option<Value> {
        match self.below(10) {
            0..=1 => Some(json!("even.count")),
            2 => Some(json!(format!("lt.count.{}", 1 + self.below(4)))),
            _ => None,
        }
    }

    /// A state's config; `path` is its `#id`. Transitions are filled in later, when every
    /// state exists.
    fn state(&mut self, path: &str, depth: usize, parent_parallel: bool) -> Value {
        let kind = if depth >= 4 {
            self.below(2)
        } else {
            self.below(5)
        };
        let mut o = serde_json::Map::new();
        match kind {
            // Compound.
            2 | 3 => {
                let n = 1 + self.below(3);
                let mut states = serde_json::Map::new();
                for i in 0..n {
                    let key = self.key();
                    let child_path = format!("{path}.{key}");
                    states.insert(key.clone(), self.state(&child_path, depth + 1, false));
                    if i == 0 {
                        o.insert("initial".into(), json!(key));
                    }
                }
                if self.chance(40) {
                    let key = format!("h{}", self.key());
                    let deep = self.chance(50);
                    states.insert(
                        key.clone(),
                        json!({"type":"history","history": if deep {"deep"} else {"shallow"}}),
                    );
                    self.targets.push(format!("{path}.{key}"));
                }
                o.insert("states".into(), Value::Object(states));
            }
            // Parallel.
            4 => {
                o.insert("type".into(), json!("parallel"));
                let n = 2 + self.below(2);
                let mut states = serde_json::Map::new();
                for _ in 0..n {
                    let key = self.key();
                    let child_path = format!("{path}.{key}");
                    states.insert(key, self.state(&child_path, depth + 1, true));
                }
                o.insert("states".into(), Value::Object(states));
            }
            // Final (never directly in a parallel state).
            1 if !parent_parallel && depth > 1 => {
                o.insert("type".into(), json!("final"));
            }
            _ => {}
        }
        self.targets.push(path.to_owned());
        o.insert("_path".into(), json!(path));
        Value::Object(o)
    }

    fn target(&mut self) -> String {
        let i = self.below(self.targets.len() as u64) as usize;
        self.targets[i].clone()
    }

    fn key(&mut self) -> String {
        self.next_key += 1;
        format!("s{}", self.next_key)
    }

    /// Adds entry/exit actions and transitions to every state below `v`.
    fn decorate(&mut self, v: &mut Value) {
        let Value::Object(o) = v else { return };
        let path = o
            .remove("_path")
            .and_then(|p| p.as_str().map(str::to_owned))
            .unwrap_or_default();
        let tag = path.rsplit('.').next().unwrap_or("m").to_owned();
        if o.get("type").and_then(Value::as_str) == Some("history") {
            return;
        }
        if self.chance(40) {
            o.insert("entry".into(), json!([format!("log.en_{tag}")]));
        }
        if self.chance(30) {
            o.insert("exit".into(), json!([format!("log.ex_{tag}")]));
        }
        let is_final = o.get("type").and_then(Value::as_str) == Some("final");
        if !is_final {
            let mut on = serde_json::Map::new();
            for _ in 0..self.below(3) {
                let event = self.pick(&["A", "B", "C", "A.x", "A.*", "*"]);
                let mut t = serde_json::Map::new();
                if self.chance(80) {
                    let target = self.target();
                    t.insert("target".into(), json!(format!("#{target}")));
                }
                if let Some(g) = self.guard() {
                    t.insert("guard".into(), g);
                }
                let actions = self.actions(&format!("t_{tag}"), event != "C" && event != "*");
                if actions.as_array().is_some_and(|a| !a.is_empty()) {
                    t.insert("actions".into(), actions);
                }
                if self.chance(20) {
                    t.insert("reenter".into(), json!(true));
                }
                let entry = on.entry(event.to_owned()).or_insert_with(|| json!([]));
                entry.as_array_mut().unwrap().push(Value::Object(t));
            }
            if !on.is_empty() {
                o.insert("on".into(), Value::Object(on));
            }
            if self.chance(12) {
                let target = self.target();
                let limit = 1 + self.below(5);
                o.insert("always".into(), json!({"guard": format!("lt.count.{limit}"), "target": format!("#{target}"), "actions": ["inc.count"]}));
            }
            if self.chance(15) {
                let target = self.target();
                let delay = self.pick(&["10", "25", "40"]);
                o.insert("after".into(), json!({ delay: { "target": format!("#{target}"), "actions": [format!("log.after_{tag}")] } }));
            }
            if o.contains_key("states") && self.chance(25) {
                o.insert(
                    "onDone".into(),
                    json!({"actions": [format!("log.done_{tag}")]}),
                );
            }
        }
        if let Some(Value::Object(states)) = o.get_mut("states") {
            for child in states.values_mut() {
                self.decorate(child);
            }
        }
    }

    pub fn case(seed: u64) -> Case {
        let mut g = Gen {
            state: seed,
            next_key: 0,
            targets: Vec::new(),
        };
        // The root: compound or parallel, never atomic.
        let mut root = loop {
            let v = g.state("m", 0, false);
            if v.get("states").is_some() {
                break v;
            }
            g.targets.clear();
        };
        // Targets are non-root states.
        g.targets.retain(|t| t != "m");
        if g.targets.is_empty() {
            g.targets.push("m".into());
        }
        g.decorate(&mut root);
        let o = root.as_object_mut().unwrap();
        o.insert("id".into(), json!("m"));
        o.insert("context".into(), json!({"count": 0}));
        let steps = (0..4 + g.below(10))
            .map(|_| match g.below(6) {
                0 => json!({ "wait": WAITS[g.below(3) as usize] }),
                _ => json!({"send": g.pick(&["A", "B", "C", "A.x"])}),
            })
            .collect();
        Case {
            config: root,
            steps,
        }
    }
}
