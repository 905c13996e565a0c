//! The field enum `PlayerField`: one variant per tracked field, then one per computed property.
//!
//! It names what a selective subscription listens to, what a patch touched, and what the devtools
//! show. It is never generic, so it is cheap to store and compare.

use crate::ast::Container;
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn expand(container: &Container<'_>) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    let ident = container.ident;
    let vis = container.vis;
    let field_enum = container.field_enum_ident();

    // (variant, name as written, is computed)
    let entries: Vec<_> = container
        .fields()
        .iter()
        .filter(|field| field.is_tracked())
        .map(|field| (field.variant_ident(), field.name(), false))
        .chain(container.computed().iter().map(|name| {
            (
                crate::ast::variant_ident(name),
                crate::ast::unraw(name),
                true,
            )
        }))
        .collect();

    let variants = entries.iter().map(|(variant, name, computed)| {
        let doc = if *computed {
            format!(" The computed property `{name}`.")
        } else {
            format!(" The field `{name}`.")
        };
        let serde_rename = container
            .attrs
            .serde
            .is_some()
            .then(|| quote!(#[serde(rename = #name)]));
        quote!(#[doc = #doc] #serde_rename #variant)
    });
    let all = entries
        .iter()
        .map(|(variant, _, _)| quote!(#field_enum::#variant));
    let name_arms = entries
        .iter()
        .map(|(variant, name, _)| quote!(#field_enum::#variant => #name,));
    let computed_variants: Vec<_> = entries
        .iter()
        .filter(|(_, _, computed)| *computed)
        .map(|(variant, _, _)| quote!(#field_enum::#variant))
        .collect();
    let is_computed = if computed_variants.is_empty() {
        quote!(false)
    } else {
        quote!(::core::matches!(self, #(#computed_variants)|*))
    };
    let name_body = if entries.is_empty() {
        quote!(match self {})
    } else {
        quote!(match self { #(#name_arms)* })
    };
    let serde = container.attrs.serde.as_ref().map(|_| {
        // serde's `crate` attribute takes the path as a string literal.
        let serde_path = format!("{}::__private::serde", reactive_model).replace(' ', "");
        quote! {
            #[derive(
                #reactive_model::__private::serde::Serialize,
                #reactive_model::__private::serde::Deserialize,
            )]
            #[serde(crate = #serde_path)]
        }
    });
    let doc = format!(
        " Names the fields and computed properties of [`{ident}`], for selective subscriptions \
         ([`{ident}Model::subscribe`]), patches and descriptions."
    );

    quote! {
        #[doc = #doc]
        #[derive(
            ::core::clone::Clone,
            ::core::marker::Copy,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::cmp::PartialOrd,
            ::core::cmp::Ord,
            ::core::hash::Hash,
            ::core::fmt::Debug,
        )]
        #serde
        #vis enum #field_enum {
            #(#variants,)*
        }

        impl #field_enum {
            /// Every field, then every computed property, in declaration order.
            #vis const ALL: &'static [#field_enum] = &[#(#all),*];

            /// The name as written in the struct (`max_hp` for `MaxHp`).
            #vis const fn name(self) -> &'static str {
                #name_body
            }

            /// Whether this names a computed property rather than a stored field.
            #vis const fn is_computed(self) -> bool {
                #is_computed
            }
        }

        const _: () = {
            #[automatically_derived]
            impl #reactive_model::ModelField for #field_enum {
                const ALL: &'static [Self] = #field_enum::ALL;

                #[inline]
                fn name(self) -> &'static str {
                    #field_enum::name(self)
                }

                #[inline]
                fn is_computed(self) -> bool {
                    #field_enum::is_computed(self)
                }
            }

            #[automatically_derived]
            impl ::core::fmt::Display for #field_enum {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(#field_enum::name(*self))
                }
            }
        };
    }
}
