//! Writing `#[derive(State)]`'s code: `impl Node` (navigate by path) and `impl State` (diff,
//! apply), inside `const _: () = { … };`, naming the runtime by the absolute path `rt`.
//!
//! For `struct Todos { title: String, #[state(keyed = "id")] items: Vec<Todo> }`:
//!
//! | method             | what it does per field                                               |
//! |--------------------|----------------------------------------------------------------------|
//! | `child`            | `"title"` → `&self.title`, `"items"` → the list (leaf fields: none)  |
//! | `item`, `item_mut` | `"items"` + key → the item, through `keyed::child`                   |
//! | `diff`             | `cx.field("title", …)`, `keyed::diff` at `/items`, `==` for a leaf   |
//! | `apply`            | by the first segment: `State::apply`, `keyed::apply`, `apply_whole`  |
//!
//! A leaf type (enum, tuple or unit struct, `#[state(leaf)]` struct) gets empty impls: the
//! traits' default methods compare with `==` and replace the whole value.

use super::ast::{Container, Field, FieldKind};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;

/// The impls for a container that passed validation.
pub(crate) fn expand(container: &Container<'_>, rt: &TokenStream) -> TokenStream {
    if container.is_leaf() {
        return leaf_impls(container, rt);
    }
    let (impl_generics, ty_generics, _) = container.generics.split_for_impl();
    let ident = container.ident;
    let where_clause = where_clause(container, rt);
    let node_methods = node_methods(container, rt);
    let diff = diff_body(container, rt);
    let apply = apply_body(container, rt);
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #rt::Node for #ident #ty_generics #where_clause {
                #node_methods
            }

            #[automatically_derived]
            impl #impl_generics #rt::State for #ident #ty_generics #where_clause {
                fn diff(&self, old: &Self, cx: &mut #rt::Diff<'_>) {
                    #diff
                }

                fn apply(
                    &mut self,
                    path: &[#rt::Segment],
                    patch: &#rt::Patch,
                ) -> ::core::result::Result<(), #rt::PatchError> {
                    #apply
                }
            }
        };
    }
}

/// `impl Node for T {}` and `impl State for T {}`: the default methods treat the value as a
/// whole. Also the fallback after an error, so that uses of the type stay quiet.
pub(crate) fn leaf_impls(container: &Container<'_>, rt: &TokenStream) -> TokenStream {
    let (impl_generics, ty_generics, _) = container.generics.split_for_impl();
    let ident = container.ident;
    let where_clause = where_clause(container, rt);
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #rt::Node for #ident #ty_generics #where_clause {}

            #[automatically_derived]
            impl #impl_generics #rt::State for #ident #ty_generics #where_clause {}
        };
    }
}

/// The user's where-clause plus `T: State` for each type parameter (fields of type `T`,
/// `Vec<T>` or `Option<T>` are states when `T` is).
fn where_clause(container: &Container<'_>, rt: &TokenStream) -> TokenStream {
    let states = container.generics.type_params().map(|param| {
        let ident = &param.ident;
        syn::parse_quote!(#ident: #rt::State)
    });
    crate::expand::where_clause_with(container.generics, states)
}

/// `|item| &item.id`, spanned at the attribute's string: an item without that field is
/// reported there.
fn key_of(key: &syn::Ident) -> TokenStream {
    // Resolved as in a `macro_rules!` macro: a span from the expansion, so rustc does not offer
    // to rewrite the attribute's string as a field name (`keyed = id`).
    let key = syn::Ident::new(
        &key.to_string(),
        proc_macro2::Span::mixed_site().located_at(key.span()),
    );
    quote_spanned!(key.span()=> |__item| &__item.#key)
}

/// The field access, spanned at the field's type: a type that is not a `State` (or, for a
/// keyed field, not a `Sequence`) is reported there.
fn access(field: &Field<'_>, mutable: bool) -> TokenStream {
    let ident = field.ident;
    let span = field.ty.span();
    if mutable {
        quote_spanned!(span=> &mut self.#ident)
    } else {
        quote_spanned!(span=> &self.#ident)
    }
}

fn node_methods(container: &Container<'_>, rt: &TokenStream) -> TokenStream {
    // Navigable fields: states and keyed lists (the list itself is a `Node`), not leaves.
    let navigable: Vec<(String, &Field<'_>)> = container
        .state_fields()
        .filter(|field| !matches!(field.kind(), FieldKind::Leaf))
        .map(|field| (container.path_name(field), field))
        .collect();
    let child_arms = navigable.iter().map(|(name, field)| {
        let access = access(field, false);
        quote!(#name => ::core::option::Option::Some(#access))
    });
    let child_mut_arms = navigable.iter().map(|(name, field)| {
        let access = access(field, true);
        quote!(#name => ::core::option::Option::Some(#access))
    });
    let each_child = navigable.iter().map(|(name, field)| {
        let access = access(field, false);
        quote!(f(#rt::Segment::field(#name), #access);)
    });
    let keyed: Vec<(String, &Field<'_>, TokenStream)> = container
        .state_fields()
        .filter_map(|field| match field.kind() {
            FieldKind::Keyed { key } => Some((container.path_name(field), field, key_of(key))),
            _ => None,
        })
        .collect();
    let keyed_methods = if keyed.is_empty() {
        TokenStream::new()
    } else {
        let item_arms = keyed.iter().map(|(name, field, key_of)| {
            let access = access(field, false);
            quote!(#name => #rt::keyed::child(#access, key, #key_of))
        });
        let item_mut_arms = keyed.iter().map(|(name, field, key_of)| {
            let access = access(field, true);
            quote!(#name => #rt::keyed::child_mut(#access, key, #key_of))
        });
        let each_item_arms = keyed.iter().map(|(name, field, key_of)| {
            let access = access(field, false);
            quote!(#name => {
                #rt::keyed::for_each(#access, #key_of, f);
                true
            })
        });
        quote! {
            fn item(
                &self,
                field: &#rt::Segment,
                key: &#rt::Segment,
            ) -> ::core::option::Option<&dyn #rt::Node> {
                match &*field.as_text() {
                    #(#item_arms,)*
                    _ => ::core::option::Option::None,
                }
            }

            fn item_mut(
                &mut self,
                field: &#rt::Segment,
                key: &#rt::Segment,
            ) -> ::core::option::Option<&mut dyn #rt::Node> {
                match &*field.as_text() {
                    #(#item_mut_arms,)*
                    _ => ::core::option::Option::None,
                }
            }

            fn for_each_item(
                &self,
                field: &#rt::Segment,
                f: &mut dyn ::core::ops::FnMut(#rt::Segment, &dyn #rt::Node),
            ) -> bool {
                match &*field.as_text() {
                    #(#each_item_arms)*
                    _ => false,
                }
            }
        }
    };
    quote! {
        fn child(&self, segment: &#rt::Segment) -> ::core::option::Option<&dyn #rt::Node> {
            match &*segment.as_text() {
                #(#child_arms,)*
                _ => ::core::option::Option::None,
            }
        }

        fn child_mut(
            &mut self,
            segment: &#rt::Segment,
        ) -> ::core::option::Option<&mut dyn #rt::Node> {
            match &*segment.as_text() {
                #(#child_mut_arms,)*
                _ => ::core::option::Option::None,
            }
        }

        fn for_each_child(
            &self,
            f: &mut dyn ::core::ops::FnMut(#rt::Segment, &dyn #rt::Node),
        ) {
            #(#each_child)*
        }

        #keyed_methods
    }
}

fn diff_body(container: &Container<'_>, rt: &TokenStream) -> TokenStream {
    let fields = container.state_fields().map(|field| {
        let name = container.path_name(field);
        let ident = field.ident;
        let new = access(field, false);
        match field.kind() {
            FieldKind::Nested => quote!(cx.field(#name, #new, &old.#ident);),
            FieldKind::Keyed { key } => {
                let key_of = key_of(key);
                quote! {
                    cx.within(#rt::Segment::field(#name), |cx| {
                        #rt::keyed::diff(#new, &old.#ident, #key_of, cx);
                    });
                }
            }
            FieldKind::Leaf => quote! {
                if self.#ident != old.#ident {
                    cx.within(#rt::Segment::field(#name), |cx| cx.replaced(&old.#ident, #new));
                }
            },
            FieldKind::Skipped => TokenStream::new(),
        }
    });
    let fields: Vec<TokenStream> = fields.collect();
    if fields.is_empty() {
        // No field to compare: a struct whose fields are all skipped never changes.
        return quote!(let _ = (old, cx););
    }
    quote!(#(#fields)*)
}

fn apply_body(container: &Container<'_>, rt: &TokenStream) -> TokenStream {
    let arms = container.state_fields().map(|field| {
        let name = container.path_name(field);
        let target = access(field, true);
        match field.kind() {
            FieldKind::Nested => quote!(#name => #rt::State::apply(#target, rest, patch)),
            FieldKind::Keyed { key } => {
                let key_of = key_of(key);
                quote!(#name => #rt::keyed::apply(#target, rest, patch, #key_of))
            }
            FieldKind::Leaf => quote! {
                #name if rest.is_empty() => #rt::apply_whole(#target, patch)
            },
            FieldKind::Skipped => TokenStream::new(),
        }
    });
    let arms: Vec<TokenStream> = arms.collect();
    if arms.is_empty() {
        return quote! {
            match path {
                [] => #rt::apply_whole(self, patch),
                _ => ::core::result::Result::Err(#rt::PatchError::NoSuchPath {
                    path: ::core::clone::Clone::clone(&patch.path),
                }),
            }
        };
    }
    quote! {
        let ::core::option::Option::Some((first, rest)) = path.split_first() else {
            return #rt::apply_whole(self, patch);
        };
        match &*first.as_text() {
            #(#arms,)*
            _ => ::core::result::Result::Err(#rt::PatchError::NoSuchPath {
                path: ::core::clone::Clone::clone(&patch.path),
            }),
        }
    }
}
