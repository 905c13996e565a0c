//! `#[derive(State)]`: implements `reactive_state::Node` and `reactive_state::State` for a
//! struct field by field, or for a type treated as one value.
//!
//! The same pipeline as `#[derive(Model)]`, one file per phase under `state_derive/`:
//!
//! | file        | phase                                                                      |
//! |-------------|----------------------------------------------------------------------------|
//! | `ast.rs`    | parse the `DeriveInput`: shape, fields, each field's path name and kind    |
//! | `attr.rs`   | read `#[state(...)]` (every mistake reported) and the path-related serde keys |
//! | `case.rs`   | serde's `rename_all` rules                                                 |
//! | `valid.rs`  | check what the type system cannot: shapes, conflicts, duplicate path names  |
//! | `expand.rs` | write `impl Node` and `impl State` (`quote!`)                              |
//!
//! All errors are collected and reported together; with any error the output is the
//! `compile_error!`s plus empty `Node` and `State` impls (the leaf behaviour), so uses of the
//! type do not add errors of their own.

mod ast;
mod attr;
mod case;
mod expand;
mod valid;

use crate::ctxt::{Errors, with_fallback};
use ast::{Container, Shape};
use proc_macro2::TokenStream;
use quote::ToTokens;

/// The whole derive: parse, validate, expand; or errors plus a fallback.
pub(crate) fn derive(input: &syn::DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let container = Container::from_ast(input, &mut errors);
    valid::check(&container, &mut errors);
    let rt = match &container.attrs.krate {
        Some(path) => path.value.to_token_stream(),
        None => crate::runtime_path::runtime("reactive-state", "state"),
    };
    match errors.finish() {
        Ok(()) => expand::expand(&container, &rt),
        Err(error) => with_fallback(error, fallback(&container, &rt)),
    }
}

/// Empty impls where the traits can be implemented at all: not for a union, nor for a type
/// with lifetime parameters (`State` values are `'static`).
fn fallback(container: &Container<'_>, rt: &TokenStream) -> TokenStream {
    let implementable = !matches!(container.shape, Shape::Union(_))
        && container.generics.lifetimes().next().is_none();
    if implementable {
        expand::leaf_impls(container, rt)
    } else {
        TokenStream::new()
    }
}
