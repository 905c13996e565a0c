//! Multi-client state sync on the Loro CRDT.
//!
//! Work in progress: the modules arrive with issue 15.
