//! The error collector every phase writes into, so all mistakes are reported together.

use proc_macro2::TokenStream;
use quote::ToTokens;
use std::fmt::Display;

/// Collects spanned errors; [`Errors::finish`] combines them into one `syn::Error`.
#[derive(Default)]
pub(crate) struct Errors {
    errors: Vec<syn::Error>,
}

impl Errors {
    /// Records an error under the tokens of `tokens` (its whole span, not only the first token).
    pub(crate) fn error_spanned_by(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.errors
            .push(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    /// Records an error that already carries its span (from `syn`'s parsers).
    pub(crate) fn push(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    /// Moves the errors of `other` (a nested collector) into this one.
    pub(crate) fn extend(&mut self, other: Errors) {
        self.errors.extend(other.errors);
    }

    /// How many errors have been recorded, to tell whether a check added any.
    pub(crate) fn len(&self) -> usize {
        self.errors.len()
    }

    /// All errors combined into one, or `Ok` when there were none.
    pub(crate) fn finish(self) -> Result<(), syn::Error> {
        let mut errors = self.errors.into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for error in errors {
            combined.combine(error);
        }
        Err(combined)
    }
}

/// The `compile_error!` invocations for `error`, followed by the `fallback` tokens.
pub(crate) fn with_fallback(error: syn::Error, fallback: TokenStream) -> TokenStream {
    let mut tokens = error.to_compile_error();
    tokens.extend(fallback);
    tokens
}
