//! Writing the generated code: the entry point, shared helpers, and one file per generated item
//! under `expand/`.
//!
//! For `struct Player { .. }` the derive writes, inside `const _: () = { .. };` where it can:
//!
//! | item                  | file               | what it is                                           |
//! |-----------------------|--------------------|------------------------------------------------------|
//! | `PlayerModel`         | `handle.rs`        | the `Copy` handle: one signal per field, accessors   |
//! | `PlayerField`         | `field_enum.rs`    | names fields and computed properties                 |
//! | `PlayerPatch`         | `patch.rs`         | one field-level change, and `Model::diff`            |
//! | `Model` impl          | `model_impl.rs`    | ties the three together, `describe()`, `FieldOf`     |
//! | on error              | `fallback.rs`      | the minimal items that keep the rest of a crate quiet |
//!
//! The handle, field enum and patch enum are named by the user, so they are emitted beside the
//! struct (with its visibility); only trait impls go inside the `const _` block.

mod fallback;
mod field_enum;
mod handle;
mod model_impl;
mod patch;

use crate::ast::{Container, FieldKind};
use crate::ctxt::{Errors, with_fallback};
use proc_macro2::{Spacing, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::{Ident, Type, WherePredicate};

/// The whole derive: parse, validate, expand; or errors plus a fallback.
pub(crate) fn derive(input: &syn::DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let container = Container::from_ast(input, &mut errors);
    crate::valid::check(&container, &mut errors);
    match errors.finish() {
        Ok(()) => expand(&container),
        Err(error) => with_fallback(error, fallback::fallback(&container)),
    }
}

fn expand(container: &Container<'_>) -> TokenStream {
    let handle = handle::expand(container);
    let field_enum = field_enum::expand(container);
    let patch = patch::expand(container);
    let model_impl = model_impl::expand(container);
    let assertions = assertions(container);
    let deprecated = deprecated_computed_list(container);
    quote! {
        #deprecated
        #assertions
        #handle
        #field_enum
        #patch
        #model_impl
    }
}

/// `#[model(computed(...))]`, the old second declaration of computed properties, is ignored: a
/// use of a deprecated item under the word `computed` makes the compiler warn about it there.
fn deprecated_computed_list(container: &Container<'_>) -> TokenStream {
    let Some(computed) = &container.attrs.computed else {
        return TokenStream::new();
    };
    // Every token under `computed`: the compiler does not report lints inside code that looks
    // like it comes from another crate's macro.
    let span = computed.span;
    let path = crate::runtime_path::model_runtime();
    let path: TokenStream = path
        .into_iter()
        .map(|mut token| {
            token.set_span(span);
            token
        })
        .collect();
    quote_spanned! {span=>
        const _: () = #path::__private::model_computed_list;
    }
}

/// The type as the user wrote it, spaced as `rustfmt` would for simple types: `Vec<Item>`,
/// `Option<&'static str>`, `HashMap<u32, String>`, `fn(u32) -> bool`.
pub(crate) fn type_name(ty: &Type) -> String {
    let mut out = String::new();
    write_tokens(ty.to_token_stream(), &mut out);
    out
}

fn write_tokens(tokens: TokenStream, out: &mut String) {
    // `prev_word`: the previous token was an ident or literal, so a following word needs a space.
    let mut prev_word = false;
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Ident(ident) => {
                if prev_word {
                    out.push(' ');
                }
                out.push_str(&ident.to_string());
                prev_word = true;
            }
            TokenTree::Literal(literal) => {
                if prev_word {
                    out.push(' ');
                }
                out.push_str(&literal.to_string());
                prev_word = true;
            }
            TokenTree::Punct(punct) => {
                let ch = punct.as_char();
                let joint = punct.spacing() == Spacing::Joint;
                match ch {
                    ',' | ';' => {
                        out.push(ch);
                        out.push(' ');
                    }
                    // `->`, `+`, `=`: spaced on both sides.
                    '-' if joint => {
                        out.push_str(" -");
                    }
                    '>' if out.ends_with(" -") => out.push_str("> "),
                    '+' | '=' => {
                        out.push(' ');
                        out.push(ch);
                        out.push(' ');
                    }
                    '\'' => {
                        // A lifetime: `'static` is one word.
                        if prev_word {
                            out.push(' ');
                        }
                        out.push('\'');
                        if let Some(TokenTree::Ident(name)) = tokens.next() {
                            out.push_str(&name.to_string());
                        }
                        prev_word = true;
                        continue;
                    }
                    _ => out.push(ch),
                }
                prev_word = false;
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                    proc_macro2::Delimiter::Bracket => ("[", "]"),
                    proc_macro2::Delimiter::Brace => ("{", "}"),
                    proc_macro2::Delimiter::None => ("", ""),
                };
                if prev_word && group.delimiter() == proc_macro2::Delimiter::Brace {
                    out.push(' ');
                }
                out.push_str(open);
                write_tokens(group.stream(), out);
                out.push_str(close);
                prev_word = group.delimiter() == proc_macro2::Delimiter::None;
            }
        }
    }
    // `, ` before a closing bracket is never wanted.
    if out.ends_with(", ") {
        out.truncate(out.len() - 2);
    }
    // `a + b` inside: spaces were added around `+`; collapse accidental doubles.
    while out.contains("  ") {
        *out = out.replace("  ", " ");
    }
}

/// `::reactive_model::__private::FieldOf<(Ch<'i'>, Ch<'d'>)>`: links `keyed = "id"` to the
/// item's field `id`.
fn field_of_trait(name: &Ident) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    let spelled = spelled_name(name);
    quote_spanned!(name.span()=> #reactive_model::__private::FieldOf<#spelled>)
}

/// A field's name as a type both expansions can write: `(Ch<'i'>, Ch<'d'>,)` for `id`.
fn spelled_name(name: &Ident) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    let chars = crate::ast::unraw(name).chars().collect::<Vec<_>>();
    quote_spanned!(name.span()=> (#(#reactive_model::__private::Ch<#chars>,)*))
}

/// The key type of a keyed field: `<Item as FieldOf<(Ch<'i'>, Ch<'d'>,)>>::Type`, spanned at `"id"`
/// so that a missing field is reported there.
fn key_type(item: &Type, key: &Ident) -> TokenStream {
    let field_of = field_of_trait(key);
    quote_spanned!(key.span()=> <#item as #field_of>::Type)
}

/// The type of a field inside the handle.
fn storage_type(kind: &FieldKind<'_>, ty: &Type) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    match kind {
        FieldKind::Plain | FieldKind::Skip => quote!(#reactive_model::__private::core::Signal<#ty>),
        FieldKind::Nested => {
            quote_spanned!(syn::spanned::Spanned::span(ty)=> <#ty as #reactive_model::Model>::Handle)
        }
        FieldKind::Keyed { item, key } => {
            let key_type = key_type(item, key);
            quote!(#reactive_model::KeyedList<#item, #key_type>)
        }
    }
}

/// The where-clause predicates that make every projection in the generated items well-formed:
/// `T: 'static` for each type parameter, and one *guard* per requirement on another expansion:
/// `for<'g> Position: IsModel` for a nested field, `for<'g> Item: IsModel + FieldOf<..>` and its
/// key's bounds for a keyed one.
///
/// # Why guards
///
/// A requirement written as a where-clause is *assumed* inside the item, so the bodies of the
/// generated code type-check even when it does not hold: a `nested` field whose type is not a
/// model gives one error (the assertion from [`assertions`], under the field's type), not one
/// per generated method. The `for<'g>` binder keeps a requirement on a concrete type from being
/// checked where it is written (rustc rejects a plain unsatisfiable `where Position: Model`).
/// Guards name `IsModel`, whose impls have no guards of their own, so models that contain each
/// other (a tree: `Node` with `children: Vec<Node>`) need no cyclic proof. For a generic model
/// the guards make the impls conditional: `Wrapper<T>` is a model for the `T`s its nested
/// model accepts.
fn structural_predicates(container: &Container<'_>) -> Vec<WherePredicate> {
    let reactive_model = crate::runtime_path::model_runtime();
    let mut predicates: Vec<WherePredicate> = container
        .generics
        .type_params()
        .map(|param| {
            let ident = &param.ident;
            syn::parse_quote!(#ident: 'static)
        })
        .collect();
    for field in container.fields() {
        match field.kind() {
            FieldKind::Nested => {
                let ty = field.ty;
                predicates.push(syn::parse_quote!(
                    for<'__guard> #ty: #reactive_model::__private::IsModel
                ));
            }
            FieldKind::Keyed { item, key } => {
                let field_of = field_of_trait(&key);
                // Two predicates: `impl IsModel` keeps the second and drops the first.
                predicates.push(syn::parse_quote!(
                    for<'__guard> #item: #reactive_model::__private::IsModel
                ));
                predicates.push(syn::parse_quote!(for<'__guard> #item: #field_of));
                let key_type = key_type(item, &key);
                predicates.push(syn::parse_quote!(
                    for<'__guard> #key_type: ::core::clone::Clone + ::core::cmp::Eq + ::core::hash::Hash
                        + ::core::fmt::Debug + ::core::fmt::Display
                ));
            }
            FieldKind::Plain | FieldKind::Skip => {}
        }
    }
    predicates
}

/// The assertions that report a broken requirement once, under the user's tokens: the struct
/// without `Clone`, `PartialEq` or `Debug`; `keyed = "id"` naming no field of the item, or a key
/// that is not a `ListKey`.
/// They are the only unguarded uses of the generated items in the expansion.
///
/// A nested or keyed type that is not a model needs no assertion: `impl IsModel for Player`
/// (which cannot be guarded by it, see [`is_model_where`]) reports it, once, pointing at the
/// field's type.
fn assertions(container: &Container<'_>) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    let mut checks = Vec::new();
    // The struct is the model's snapshot: `Clone + PartialEq + Debug`. Reported here, under its
    // name, once per missing trait; everything else is guarded by `value_predicates`.
    let ident = container.ident;
    let (impl_generics, ty_generics, _) = container.generics.split_for_impl();
    checks.push(quote_spanned!(ident.span()=>
        #reactive_model::__private::assert_model_value::<#ident #ty_generics>();
    ));
    // Generic models get no keyed assertions: their guards make the impls conditional instead
    // (a requirement on `Inner<T>` may hold for some `T` only).
    let keyed_fields = container
        .fields()
        .iter()
        .filter(|_| container.generics.params.is_empty());
    for field in keyed_fields {
        match field.kind() {
            FieldKind::Keyed { item, key } => {
                let spelled = spelled_name(&key);
                let private = quote!(#reactive_model::__private);
                checks.push(quote_spanned!(key.span()=>
                    #private::assert_keyed_by::<#spelled, _, _>(
                        (&#private::KeyedProbe::<#item>::new()).item(),
                    );
                ));
            }
            FieldKind::Plain | FieldKind::Skip | FieldKind::Nested => {}
        }
    }
    // Only what every impl asks of the type parameters: the struct's own derive is checked.
    let mut bounds: Vec<WherePredicate> = container
        .generics
        .type_params()
        .map(|param| {
            let ident = &param.ident;
            syn::parse_quote!(
                #ident: ::core::clone::Clone + ::core::cmp::PartialEq + ::core::fmt::Debug + 'static
            )
        })
        .collect();
    bounds.extend(
        container
            .generics
            .where_clause
            .iter()
            .flat_map(|clause| clause.predicates.iter().cloned()),
    );
    let where_clause = (!bounds.is_empty()).then(|| quote!(where #(#bounds,)*));
    quote! {
        const _: () = {
            #[allow(dead_code)]
            fn requirements #impl_generics () #where_clause {
                #[allow(unused_imports)]
                use #reactive_model::__private::{KeyedItemOfModel as _, KeyedItemOfOther as _};
                #(#checks)*
            }
        };
    }
}

/// The predicates the generated impls need beyond `structural_predicates`: every type parameter
/// is `Clone + PartialEq + Debug` (what `#[derive(Clone, PartialEq, Debug)]` on the struct, which
/// `Model` requires, asks of them anyway), and, as guards, so is the struct and every stored
/// field type (snapshots, the equality cut-off, patches).
///
/// A field type without `PartialEq` is reported by the struct's own `#[derive(PartialEq)]`, under
/// the field, and the struct without it by [`assertions`], under its name: the guards keep the
/// generated bodies from reporting the same mistake again at every use.
fn value_predicates(container: &Container<'_>) -> Vec<WherePredicate> {
    let value_traits = quote!(::core::clone::Clone + ::core::cmp::PartialEq + ::core::fmt::Debug);
    let mut predicates: Vec<WherePredicate> = container
        .generics
        .type_params()
        .map(|param| {
            let ident = &param.ident;
            syn::parse_quote!(#ident: #value_traits)
        })
        .collect();
    // The struct's own guard only where it is not already implied at every use: for a generic
    // struct, `Pair<Opaque>` without `Clone` is reported (once per trait) through `T`'s bounds.
    if container.generics.type_params().next().is_none() {
        let ident = container.ident;
        predicates.push(syn::parse_quote!(for<'__guard> #ident: #value_traits));
    }
    for field in container.fields() {
        let ty = field.ty;
        match field.kind() {
            FieldKind::Plain | FieldKind::Skip => {
                predicates.push(syn::parse_quote!(for<'__guard> #ty: #value_traits))
            }
            FieldKind::Keyed { .. } | FieldKind::Nested => {}
        }
    }
    predicates
}

/// The user's where-clause plus `extra`, printed as a `where` clause (or nothing).
fn where_clause(container: &Container<'_>, extra: Vec<WherePredicate>) -> TokenStream {
    where_clause_with(container.generics, extra)
}

/// The where-clause of `generics` plus `extra`, printed as a `where` clause (or nothing).
/// Shared by the derives.
pub(crate) fn where_clause_with(
    generics: &syn::Generics,
    extra: impl IntoIterator<Item = WherePredicate>,
) -> TokenStream {
    let mut predicates: Vec<WherePredicate> = generics
        .where_clause
        .as_ref()
        .map(|clause| clause.predicates.iter().cloned().collect())
        .unwrap_or_default();
    predicates.extend(extra);
    if predicates.is_empty() {
        TokenStream::new()
    } else {
        quote!(where #(#predicates,)*)
    }
}

/// The where-clause of the handle struct, field enum and patch enum definitions.
fn definition_where(container: &Container<'_>) -> TokenStream {
    where_clause(container, structural_predicates(container))
}

/// The where-clause of `impl IsModel`: the impls' minus the `IsModel` guards, which would make
/// a recursive model's proof cyclic (`Node: IsModel` needing `Node: IsModel`). So when a nested
/// type is not a model, `IsModel: Model` fails here, and this impl is where it is reported.
fn is_model_where(container: &Container<'_>) -> TokenStream {
    let is_model_guard = |predicate: &WherePredicate| {
        predicate
            .to_token_stream()
            .into_iter()
            .any(|token| matches!(token, TokenTree::Ident(ident) if ident == "IsModel"))
    };
    let mut extra: Vec<WherePredicate> = structural_predicates(container)
        .into_iter()
        .filter(|predicate| !is_model_guard(predicate))
        .collect();
    extra.extend(value_predicates(container));
    where_clause(container, extra)
}

/// The where-clause of the generated impls.
fn impl_where(container: &Container<'_>) -> TokenStream {
    let mut extra = structural_predicates(container);
    extra.extend(value_predicates(container));
    where_clause(container, extra)
}

/// `PhantomData<fn() -> (A, B)>` over the type parameters: keeps every parameter used without
/// affecting auto traits or variance in surprising ways.
fn params_marker(container: &Container<'_>) -> TokenStream {
    let params = container.generics.type_params().map(|param| &param.ident);
    quote!(::core::marker::PhantomData<fn() -> (#(#params,)*)>)
}

#[cfg(test)]
mod tests {
    use super::type_name;

    fn name_of(source: &str) -> String {
        type_name(&syn::parse_str(source).expect("a type"))
    }

    #[test]
    fn type_names_are_printed_as_written_without_token_spacing() {
        assert_eq!(name_of("u32"), "u32");
        assert_eq!(name_of("Vec < Item >"), "Vec<Item>");
        assert_eq!(
            name_of("std::collections::HashMap<u32, String>"),
            "std::collections::HashMap<u32, String>"
        );
        assert_eq!(name_of("Option<&'static str>"), "Option<&'static str>");
        assert_eq!(name_of("(u32, f32)"), "(u32, f32)");
        assert_eq!(name_of("[u8; 4]"), "[u8; 4]");
        assert_eq!(name_of("fn(u32) -> bool"), "fn(u32) -> bool");
        assert_eq!(name_of("Box<dyn Fn() + Send>"), "Box<dyn Fn() + Send>");
    }
}
