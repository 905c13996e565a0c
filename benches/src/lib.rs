//! Side-by-side benchmarks of `reactive-core` and peer signal libraries.
//!
//! The cases are those of the standard JavaScript reactivity benchmark (kairo, molBench,
//! cellx, the dynamic graphs, the creation and update micro cases), specified in the design
//! notes and re-implemented here once, generic over the small [`adapter::Reactive`] trait, so
//! every library runs exactly the same workload:
//!
//! | library | adapter |
//! |---|---|
//! | `reactive-core` (this workspace) | [`adapter::ReactiveCore`] |
//! | `alien-signals` 0.1 (Rust port) | `adapter::AlienSignals` |
//! | `sycamore-reactive` 0.9 | `adapter::Sycamore` |
//! | `leptos_reactive` 0.6 | `adapter::LeptosReactive` |
//! | `reactive_graph` 0.2 | `adapter::ReactiveGraph` |
//!
//! The peers are compiled only with the `peers` feature (off by default, so
//! `cargo test --workspace` does not build them); without it every case, bench target and test
//! runs on reactive-core alone, and the report binary, which compares the libraries, is not
//! built.
//!
//! The JavaScript reference (alien-signals under Node) lives in `benches/js/` and uses the same
//! case names.
//!
//! # Layout
//! - [`adapter`]: the trait, one adapter per library, and [`adapter::for_each_library`].
//! - [`case`]: every case, built into an [`case::Instance`] whose `unit()` is the timed work and
//!   whose checks panic on a wrong result.
//! - [`random`]: the generator the dynamic graphs are drawn from.
//! - [`scaling`]: graphs of 10³…10⁶ nodes where a write affects a fixed set of nodes.
//! - [`memory`]: the node populations whose heap use the report measures.
//! - [`event_store`]: the event-sourcing workload (reactive-sourcing's stores against raw
//!   `rusqlite`), measured by the report and the `event_store` bench.
//! - [`statechart`]: reactive-machine's benchmark machines, measured by the report (against
//!   XState v5 under Node) and the `statechart` bench (group `machine`).
//! - [`harness`]: the median-of-samples timer of the report binary, and the big-stack thread
//!   every runner uses.
//!
//! Criterion bench targets (`benches/*.rs`, one per [`case::Group`]) and the report binary
//! (`src/bin/report.rs`) are thin drivers over this library.
//!
//! # Example
//! ```
//! use benches::adapter::ReactiveCore;
//! use benches::case::{all_cases, instantiate, Scale};
//!
//! let diamond = all_cases().into_iter().find(|case| case.name == "diamond").unwrap();
//! let mut instance = instantiate::<ReactiveCore>(&diamond, Scale::FULL).unwrap();
//! instance.before();
//! instance.unit(); // 500 × iter(), every value and run count checked
//! instance.after();
//! ```

pub mod adapter;
pub mod case;
pub mod event_store;
pub mod harness;
pub mod memory;
pub mod query;
pub mod random;
pub mod scaling;
pub mod statechart;
