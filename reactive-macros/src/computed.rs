//! `#[computed]` on an `impl PlayerModel { ... }` block: parse, check, expand.
//!
//! The block is the only declaration of its computed properties. Each method
//! `fn hp_ratio(&self) -> f32 { body }` becomes:
//!
//! - the public getter `fn hp_ratio(&self) -> f32`, with the method's docs, which reads the
//!   property's memo from the handle (`__private::computed_get`, by the property's index);
//! - a private method `__compute_hp_ratio` holding the body;
//! - a constant `PlayerField::HpRatio`, naming the property for `subscribe` and `track_field`.
//!
//! The block also adds `PlayerField::__COMPUTED` (names, types, docs) and
//! `PlayerField::__computed_memos` (creates the memos), which the derive on the struct reads by
//! name: so `PlayerModel::new` creates one lazy, cached memo per property, and a body that reads
//! `self.hp()` depends on `hp` alone. A model without a block gets empty defaults (see
//! `reactive_model::__private::computed`).

mod ast;
mod expand;
mod valid;

use proc_macro2::TokenStream;

pub(crate) fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut errors = crate::ctxt::Errors::default();
    if !args.is_empty() {
        errors.error_spanned_by(&args, "`#[computed]` takes no arguments");
    }
    match syn::parse2::<ast::ComputedImpl>(input.clone()) {
        Ok(block) => expand::expand(&block, errors),
        // Not an impl block we understand: report it and leave the input as it was.
        Err(error) => {
            errors.push(error);
            let error = errors.finish().err();
            let mut tokens = error.map(|e| e.to_compile_error()).unwrap_or_default();
            tokens.extend(input);
            tokens
        }
    }
}
