//! The named guards and actions of the differential test (and the tests that borrow its
//! machines), implemented as `tests/xstate/run.cjs` implements them for XState:
//! action `log.<x>` records its name, `inc.<field>` adds one to a context field, `raise.<E>`
//! raises `E`; guard `even.<field>`, `lt.<field>.<n>`. Every action records its name.

use std::cell::RefCell;
use std::rc::Rc;

use reactive_machine::Setup;
use serde_json::Value;

/// The action log: names in the order the actions ran.
pub type Log = Rc<RefCell<Vec<String>>>;

fn collect(json: &Value, actions: &mut Vec<String>, guards: &mut Vec<String>) {
    match json {
        Value::Array(a) => a.iter().for_each(|v| collect(v, actions, guards)),
        Value::Object(o) => {
            for (k, v) in o {
                let name_of = |a: &Value| {
                    a.as_str()
                        .map(str::to_owned)
                        .or_else(|| a["type"].as_str().map(str::to_owned))
                };
                match k.as_str() {
                    "actions" | "entry" | "exit" => {
                        let list = if let Value::Array(a) = v {
                            a.clone()
                        } else {
                            vec![v.clone()]
                        };
                        actions.extend(list.iter().filter_map(name_of));
                    }
                    "guard" => guards.extend(name_of(v)),
                    _ => collect(v, actions, guards),
                }
            }
        }
        _ => {}
    }
}

fn count(ctx: &serde_json::Map<String, Value>, field: &str) -> i64 {
    ctx.get(field).and_then(Value::as_i64).unwrap_or(0)
}

/// A setup with every name `config` uses, logging to `log`.
pub fn setup_for(config: &Value, log: &Log) -> Setup {
    let (mut actions, mut guards) = (Vec::new(), Vec::new());
    collect(config, &mut actions, &mut guards);
    let mut setup = Setup::new();
    for name in actions {
        let log = log.clone();
        let (kind, arg) = name
            .split_once('.')
            .map(|(k, a)| (k.to_owned(), a.to_owned()))
            .unwrap_or((name.clone(), String::new()));
        let recorded = name.clone();
        setup = setup.action(name, move |a| {
            log.borrow_mut().push(recorded.clone());
            match kind.as_str() {
                "inc" => {
                    let n = count(a.context, &arg);
                    a.context.insert(arg.clone(), (n + 1).into());
                }
                "raise" => a.raise(arg.as_str()),
                _ => {}
            }
        });
    }
    for name in guards {
        let parts: Vec<String> = name.split('.').map(str::to_owned).collect();
        setup = match parts[0].as_str() {
            "even" => setup.guard(name, move |g| count(g.context, &parts[1]) % 2 == 0),
            "lt" => {
                let limit: i64 = parts[2].parse().expect("lt.<field>.<n>");
                setup.guard(name, move |g| count(g.context, &parts[1]) < limit)
            }
            other => panic!("no guard kind {other} in the test vocabulary"),
        };
    }
    setup
}
