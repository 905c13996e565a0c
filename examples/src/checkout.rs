//! The checkout flow's statechart (`cargo run -p examples --bin checkout`), in XState JSON.

use reactive::machine::{Chart, DefinitionError};

/// The chart's XState v5 JSON (`examples/machines/checkout.json`).
pub const CHECKOUT_JSON: &str = include_str!("../machines/checkout.json");

/// The checkout chart: cart → paying (shipping ∥ payment, a 30 s timeout, deep history for
/// help) → confirmed.
///
/// ```
/// let chart = examples::checkout::checkout_chart()?;
/// assert!(chart.to_mermaid().starts_with("stateDiagram-v2"));
/// # Ok::<(), reactive::machine::DefinitionError>(())
/// ```
///
/// # Errors
/// A [`DefinitionError`] if the JSON is not a chart this crate can run (it is: the docs test
/// loads it).
pub fn checkout_chart() -> Result<Chart, DefinitionError> {
    Chart::from_xstate_json(CHECKOUT_JSON)
}
