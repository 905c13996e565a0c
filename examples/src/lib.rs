//! The examples' types, shared by their programs (`src/bin/*.rs`) and by the generated docs.
//!
//! Each module holds the state of one example: [`arena`] (`#[derive(Model)]` models with a keyed
//! list, a nested model and computed properties), [`editor`] (a `State` document and the rules its
//! store validates), [`bank`] (an event-sourced account and its versioned event types) and
//! [`checkout`] (a statechart). [`docs`] gathers their metadata into a
//! `reactive_codegen::DocCatalog`; `cargo run -p reactive-codegen -- docs` (or
//! `cargo run -p examples --bin docs`) writes it to `examples/docs/`, and a test keeps the
//! committed files up to date.

pub mod arena;
pub mod bank;
pub mod checkout;
pub mod docs;
pub mod editor;
