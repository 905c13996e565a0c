//! `#[computed]` on an `impl PlayerModel { ... }` block: parse, check, expand.
//!
//! Each method `fn hp_ratio(&self) -> f32 { body }` becomes two items:
//!
//! - `impl ComputedProperty<hash("hp_ratio")> for PlayerModel` holding the body as `compute`,
//!   its output type, and its doc and type name for `describe()`;
//! - the public getter `fn hp_ratio(&self) -> f32`, with the method's docs, which reads the memo
//!   the derive stores for it (found through `ComputedSlot<hash("hp_ratio")>`).
//!
//! The derive on the struct creates the memo (`Memo::new(|| compute(&handle))`) in
//! `PlayerModel::new`, so the property is lazy, cached and cut off by equality, and a body that
//! reads `self.hp()` depends on `hp` alone.

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
