//! The W3C SCXML IRP tests that our data model can express, as published (for the ECMAScript
//! data model) in the npm package `scxml-test-framework` 2.0.0 (Apache-2.0): the test downloads
//! it itself with `npm pack` when `tests/w3c/` is missing, checks the tarball's sha256 and
//! unpacks `test/w3c-ecma/*.scxml` and the licence there (see `support/node.rs`).
//!
//! A document is expressible when, with its `datamodel="ecmascript"` attribute removed, it
//! loads: every element, attribute and expression it uses is one this crate implements (the
//! others are refused with a typed error, which is what makes the selection automatic). Each
//! expressible test runs on a manual clock, advanced to each pending delayed event in turn,
//! and passes when it ends in its `pass` state.

#[path = "support/node.rs"]
mod node;

use std::collections::BTreeMap;

use reactive_machine::{Chart, Machine, ManualClock, Setup};

/// The outcome of one test document.
#[derive(Debug, PartialEq)]
enum Outcome {
    Pass,
    Fail(String),
    NotExpressible(String),
    /// A document with no `pass` state: a manual test (such as test415) or a helper that
    /// another test invokes (`*sub*.scxml`). Not counted.
    NotAutomated,
}

fn run(text: &str) -> Outcome {
    if !text.contains("id=\"pass\"") {
        return Outcome::NotAutomated;
    }
    let text = text.replace(" datamodel=\"ecmascript\"", "");
    let chart = match Chart::from_scxml(&text) {
        Ok(c) => c,
        Err(e) => return Outcome::NotExpressible(e.to_string()),
    };
    let clock = ManualClock::new();
    let mut m = match Machine::with_clock(chart, &Setup::new(), clock.clone()) {
        Ok(m) => m,
        Err(e) => return Outcome::Fail(format!("start: {e}")),
    };
    for _ in 0..1_000 {
        if let Err(e) = m.run_timers()
            && !m.is_done()
        {
            return Outcome::Fail(e.to_string());
        }
        match m.next_due() {
            Some(due) if !m.is_done() => {
                clock.set(due.max(reactive_machine::Clock::now_ms(&clock)))
            }
            _ => break,
        }
    }
    if m.matches("pass") {
        Outcome::Pass
    } else {
        Outcome::Fail(format!("ended in {:?}", m.configuration()))
    }
}

#[test]
fn every_expressible_w3c_test_passes() {
    let dir = match node::w3c() {
        Ok(dir) => dir,
        Err(why) => {
            node::unavailable("the W3C SCXML tests", &why);
            return;
        }
    };
    let entries = std::fs::read_dir(&dir).expect("tests/w3c is readable");
    let mut outcomes = BTreeMap::new();
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "scxml") {
            let name = path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .replace(".txml.scxml", "");
            outcomes.insert(name, run(&std::fs::read_to_string(&path).unwrap()));
        }
    }
    outcomes.retain(|_, o| *o != Outcome::NotAutomated);
    let expressible: Vec<_> = outcomes
        .iter()
        .filter(|(_, o)| !matches!(o, Outcome::NotExpressible(_)))
        .collect();
    let passed: Vec<_> = expressible
        .iter()
        .filter(|(_, o)| **o == Outcome::Pass)
        .map(|(n, _)| n.as_str())
        .collect();
    let failed: Vec<_> = expressible
        .iter()
        .filter(|(_, o)| **o != Outcome::Pass)
        .collect();
    eprintln!(
        "W3C SCXML tests: {} passed / {} expressible / {} total",
        passed.len(),
        expressible.len(),
        outcomes.len()
    );
    eprintln!("passed: {}", passed.join(" "));
    if std::env::var("W3C_VERBOSE").is_ok() {
        for (n, o) in &outcomes {
            eprintln!("{n}: {o:?}");
        }
    }
    assert_eq!(
        outcomes.len(),
        198,
        "scxml-test-framework 2.0.0 has 198 automated W3C tests"
    );
    assert!(
        failed.is_empty(),
        "expressible W3C tests that fail: {failed:#?}"
    );
}
