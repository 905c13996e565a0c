//! The helpers shared by the behaviour tests: `reactive-testing`'s recorders, under the short
//! names the tests use (a dev-dependency cycle, which Cargo allows: the tests and
//! `reactive-testing` link the same `reactive-core`).

pub use reactive_testing::{RunCounter as Counter, ValueLog as Log};
