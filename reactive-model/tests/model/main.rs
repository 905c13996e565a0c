//! Behaviour of derived models, one module per feature. Every test runs in a fresh root and
//! counts effect runs to pin exactly who is notified.

mod fixtures;

mod computed;
mod describe;
mod fields;
mod generics;
mod keyed;
mod keyed_model_check;
mod nested;
mod patches;
mod recursive;
mod subscriptions;
