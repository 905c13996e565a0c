//! Behaviour tests of the engine, one module per construct; each test is named after the
//! behaviour it pins.

mod behaviour {
    mod cleanups;
    pub mod common;
    mod context;
    mod deep;
    mod diagnostics;
    mod effects;
    mod errors;
    mod memos;
    mod observer;
    mod owners;
    mod panics;
    mod revert;
    mod selector;
    mod signals;
}
