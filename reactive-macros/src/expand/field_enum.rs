//! The field enum `PlayerField`: one variant per tracked field, then the computed properties.
//!
//! It names what a selective subscription listens to, what a patch touched, and what the devtools
//! show. It is never generic, so it is cheap to store and compare.
//!
//! The derive does not know the computed properties (their `#[computed]` block declares them),
//! so they all share one hidden variant, `__Computed(ComputedId)`, and the block adds a constant
//! per property (`PlayerField::HpRatio`) and the list `ALL` is built from its `__COMPUTED`.

use crate::ast::Container;
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn expand(container: &Container<'_>) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    let private = quote!(#reactive_model::__private);
    let ident = container.ident;
    let vis = container.vis;
    let field_enum = container.field_enum_ident();

    // (variant, name as written)
    let entries: Vec<_> = container
        .fields()
        .iter()
        .filter(|field| field.is_tracked())
        .map(|field| (field.variant_ident(), field.name()))
        .collect();

    let variants = entries.iter().map(|(variant, name)| {
        let doc = format!(" The field `{name}`.");
        quote!(#[doc = #doc] #variant)
    });
    let fields_count = entries.len();
    let fill_fields = entries
        .iter()
        .enumerate()
        .map(|(index, (variant, _))| quote!(all[#index] = #field_enum::#variant;));
    let debug_arms = entries.iter().map(|(variant, _)| {
        let shown = variant.to_string();
        quote!(#field_enum::#variant => f.write_str(#shown),)
    });
    let name_arms = entries
        .iter()
        .map(|(variant, name)| quote!(#field_enum::#variant => #name,));
    let serde = container.attrs.serde.as_ref().map(|_| {
        quote! {
            #private::serde_items! {
                impl #private::serde::Serialize for #field_enum {
                    fn serialize<S: #private::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                        serializer.serialize_str(#field_enum::name(*self))
                    }
                }

                impl<'de> #private::serde::Deserialize<'de> for #field_enum {
                    fn deserialize<D: #private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                        #private::deserialize_field(deserializer)
                    }
                }
            }
        }
    });
    let doc = format!(
        " Names the fields and computed properties of [`{ident}`], for selective subscriptions \
         ([`{ident}Model::subscribe`]), patches and descriptions. Computed properties are \
         constants of this type, added by the model's `#[computed]` block \
         (`{field_enum}::HpRatio` for `hp_ratio`)."
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
        )]
        #vis enum #field_enum {
            #(#variants,)*
            /// A computed property: written as the constant the `#[computed]` block defines.
            #[doc(hidden)]
            __Computed(#private::ComputedId),
        }

        impl #field_enum {
            /// Every field, then every computed property, in declaration order.
            #vis const ALL: &'static [#field_enum] = {
                #[allow(unused_imports)]
                use #private::NoComputedProperties as _;
                const COMPUTED: &[#private::ComputedInfo] = #field_enum::__COMPUTED;
                const ALL: [#field_enum; #fields_count + COMPUTED.len()] = {
                    let mut all = [#field_enum::__Computed(#private::ComputedId::PLACEHOLDER);
                        #fields_count + COMPUTED.len()];
                    #(#fill_fields)*
                    let mut index = 0;
                    while index < COMPUTED.len() {
                        all[#fields_count + index] = #field_enum::__Computed(COMPUTED[index].id);
                        index += 1;
                    }
                    all
                };
                &ALL
            };

            /// The name as written in the struct (`max_hp` for `MaxHp`) or in the `#[computed]`
            /// block.
            #vis const fn name(self) -> &'static str {
                match self {
                    #(#name_arms)*
                    #field_enum::__Computed(computed) => computed.name(),
                }
            }

            /// Whether this names a computed property rather than a stored field.
            #vis const fn is_computed(self) -> bool {
                ::core::matches!(self, #field_enum::__Computed(_))
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
            impl ::core::fmt::Debug for #field_enum {
                /// The variant or constant as written: `Hp`, `HpRatio`.
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    match self {
                        #(#debug_arms)*
                        #field_enum::__Computed(computed) => ::core::fmt::Debug::fmt(computed, f),
                    }
                }
            }

            #[automatically_derived]
            impl ::core::fmt::Display for #field_enum {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(#field_enum::name(*self))
                }
            }

            #serde
        };
    }
}
