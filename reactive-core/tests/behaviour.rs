//! Behaviour tests of the engine, one module per construct; each test is named after the
//! behaviour it pins.

mod behaviour {
    pub mod common;
    mod context;
    mod deep;
    mod diagnostics;
    mod effects;
    mod errors;
    mod memos;
    mod owners;
    mod panics;
    mod selector;
    mod signals;
}
