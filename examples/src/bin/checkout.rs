//! A checkout flow as a statechart loaded from XState JSON (`examples/machines/checkout.json`):
//! cart → paying (shipping ∥ payment, with a 30 s timeout and a deep history state to come
//! back from help) → confirmed. Scripted events drive it on a manual clock; an effect prints
//! the configuration each time it changes; the Mermaid diagram of the chart comes last.
//!
//! `cargo run -p examples --bin checkout`

use examples::outln;
use std::rc::Rc;

use examples::checkout::checkout_chart;
use reactive::Effect;
use reactive::machine::{Machine, ManualClock, Setup};

fn count(a: &mut reactive::machine::ActionArgs<'_>, field: &str) {
    let n = a.context[field].as_i64().unwrap_or(0);
    a.context.insert(field.into(), (n + 1).into());
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let chart = Rc::new(checkout_chart()?);
    let setup = Setup::new()
        .action("addItem", |a| count(a, "items"))
        .action("countAttempt", |a| count(a, "attempts"))
        .action("timedOut", |_| {
            outln!("  (the payment timed out: back to the cart)")
        })
        .action("sendReceipt", |a| {
            outln!(
                "  (receipt sent after {} payment attempt(s))",
                a.context["attempts"]
            )
        })
        .guard("hasItems", |g| g.context["items"].as_i64().unwrap_or(0) > 0);
    let clock = ManualClock::new();
    let mut machine = Machine::with_clock(chart.clone(), &setup, clock.clone())?;

    let view = machine.view();
    Effect::new(move || outln!("state: {}", view.value()));

    let script: &[&str] = &[
        "CHECKOUT", // refused: the cart is empty (the guard fails)
        "ADD",
        "CHECKOUT",
        "ADDRESS",
        "wait 31000", // too slow: the timeout brings us back to the cart
        "CHECKOUT",
        "ADDRESS",
        "HELP",
        "BACK", // deep history: shipping is still at `method`
        "PAY",
        "DECLINED",
        "PAY",
        "APPROVED",
        "METHOD",
    ];
    for step in script {
        match step.strip_prefix("wait ") {
            Some(ms) => {
                outln!("> {ms} ms pass");
                clock.advance(ms.parse()?);
                machine.run_timers()?;
            }
            None => {
                outln!("> {step}");
                machine.send(*step)?;
            }
        }
    }
    assert!(
        machine.is_done(),
        "the script ends with the order confirmed"
    );
    outln!("\n{}", chart.to_mermaid());
    Ok(())
}
