//! Behaviour tests of the store, the scope tree and the events, one module per area; each test
//! is named after the behaviour it pins.

mod behaviour {
    mod commit_patches;
    pub mod common;
    mod event_access;
    mod events;
    mod history;
    mod persistence;
    mod policies;
    mod principals;
    mod render;
    mod scopes;
    mod snapshots;
    mod store;
    mod validation;
}
