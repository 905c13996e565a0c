//! Where the generated code finds its runtime: the absolute path of the crate that holds the
//! traits a derive implements, under the name the user's crate knows it by.
//!
//! A user depends on one of: the facade `reactive` (which re-exports each runtime crate in a
//! hidden `reactive::__private::<module>`), the runtime crate itself (`reactive-state`), or a
//! crate that re-exports it flat at its root (`reactive-store` re-exports `reactive-state`).
//! Each may be renamed in `Cargo.toml` (`rs = { package = "reactive-state", … }`);
//! `proc-macro-crate` reads the user's manifest and tells us the name in use.
//!
//! When nothing is found (a build without Cargo, an unusual manifest) the path is the crate's
//! own name: the compiler's "unresolved import" then names the crate to add. A derive can also
//! take the path from the user (`#[state(crate = "…")]`), as serde's `crate` attribute does.

use proc_macro_crate::{FoundCrate, crate_name};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

/// The facade crate every runtime crate is reachable through.
const FACADE: &str = "reactive";

/// Crates that re-export a runtime crate's items flat at their root, in order of preference:
/// a user who depends only on one of them is served through it.
const RE_EXPORTERS: &[(&str, &[&str])] = &[("reactive-state", &["reactive-store"])];

/// The absolute path of the runtime crate `crate_name_in_cargo` (its package name, with
/// dashes: `"reactive-state"`) for the crate being compiled: `::reactive::__private::<facade_module>`
/// when it depends on the facade, else `::<name>` of the runtime crate or of a crate that
/// re-exports it, under the name it is depended on by.
///
/// `FoundCrate::Itself` (the runtime crate's own tests and doc tests, which are separate
/// crates) is served by the crate's name too: the runtime library itself never uses the
/// derive, so `crate::` is never the right answer.
pub(crate) fn runtime(crate_name_in_cargo: &str, facade_module: &str) -> TokenStream {
    if let Ok(found) = crate_name(FACADE) {
        let facade = found_ident(found, FACADE);
        let module = Ident::new(facade_module, Span::call_site());
        return quote!(::#facade::__private::#module);
    }
    let re_exporters = RE_EXPORTERS
        .iter()
        .find(|(runtime, _)| *runtime == crate_name_in_cargo)
        .map_or(&[][..], |(_, crates)| *crates);
    for candidate in std::iter::once(crate_name_in_cargo).chain(re_exporters.iter().copied()) {
        if let Ok(found) = crate_name(candidate) {
            let name = found_ident(found, candidate);
            return quote!(::#name);
        }
    }
    let name = Ident::new(&crate_name_in_cargo.replace('-', "_"), Span::call_site());
    quote!(::#name)
}

/// The identifier a found crate is written with in paths.
fn found_ident(found: FoundCrate, package: &str) -> Ident {
    let name = match found {
        FoundCrate::Name(name) => name,
        FoundCrate::Itself => package.replace('-', "_"),
    };
    Ident::new(&name, Span::call_site())
}

/// The path of `reactive-model` for the Model derive and `#[computed]`: through the facade
/// (`::reactive::__private::model`) or `::reactive_model`. The engine is reached through it
/// (`…::__private::core`), so a user needs neither `reactive-model` nor `reactive-core` in their
/// manifest when they depend on the facade.
pub(crate) fn model_runtime() -> TokenStream {
    runtime("reactive-model", "model")
}
