//! What the derive emits beside its errors: enough for the rest of the crate to type-check, so
//! that the user sees their mistake once and not again at every use of the model.
//!
//! That is the handle type (so `PlayerModel` resolves) and, for a struct the trait can be
//! implemented for, `Model` and `ModelHandle` impls whose bodies are unreachable: the crate does
//! not compile, so they never run.

use crate::ast::{Container, Shape};
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn fallback(container: &Container<'_>) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    let ident = container.ident;
    let vis = container.vis;
    let handle = container.handle_ident();
    let generics = container.generics;
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let handle_name = handle.to_string();
    let doc = format!(" The reactive model of [`{ident}`] (not generated: see the errors above).");

    let handle_type = quote! {
        #[doc = #doc]
        #vis struct #handle #generics #where_clause {
            __marker: ::core::marker::PhantomData<fn() -> #ident #ty_generics>,
        }

        impl #impl_generics ::core::clone::Clone for #handle #ty_generics #where_clause {
            fn clone(&self) -> Self {
                *self
            }
        }

        impl #impl_generics ::core::marker::Copy for #handle #ty_generics #where_clause {}

        impl #impl_generics ::core::cmp::PartialEq for #handle #ty_generics #where_clause {
            fn eq(&self, _: &Self) -> bool {
                true
            }
        }

        impl #impl_generics ::core::cmp::Eq for #handle #ty_generics #where_clause {}

        impl #impl_generics ::core::hash::Hash for #handle #ty_generics #where_clause {
            fn hash<__H: ::core::hash::Hasher>(&self, _: &mut __H) {}
        }

        impl #impl_generics ::core::fmt::Debug for #handle #ty_generics #where_clause {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(#handle_name)
            }
        }
    };

    // An enum, union or borrowing struct cannot be a `Model` at all, and a generic one only under
    // bounds the fallback does not know: implementing the trait would add errors about `Clone` or
    // `'static` that say nothing new.
    let implementable = matches!(container.shape, Shape::Named(_)) && generics.params.is_empty();
    if !implementable {
        return handle_type;
    }
    let unreachable = quote!(::core::unreachable!(
        "#[derive(Model)] failed; see the errors above"
    ));
    quote! {
        #handle_type

        const _: () = {
            impl #impl_generics #reactive_model::__private::IsModel for #ident #ty_generics #where_clause {}

            impl #impl_generics #reactive_model::Model for #ident #ty_generics #where_clause {
                type Handle = #handle #ty_generics;
                type Field = #reactive_model::__private::Unreachable;
                type Patch = #reactive_model::__private::Unreachable;

                fn describe() -> #reactive_model::ModelDescription {
                    #unreachable
                }

                fn diff(_: &Self, _: &Self) -> ::std::vec::Vec<Self::Patch> {
                    #unreachable
                }
            }

            impl #impl_generics #reactive_model::ModelHandle for #handle #ty_generics #where_clause {
                type Model = #ident #ty_generics;

                fn new(_: Self::Model) -> Self {
                    #unreachable
                }

                fn snapshot(&self) -> Self::Model {
                    #unreachable
                }

                fn apply(&self, _: Self::Model) {
                    #unreachable
                }

                fn apply_patch(
                    &self,
                    _: &#reactive_model::__private::Unreachable,
                ) -> ::core::result::Result<(), #reactive_model::ModelError> {
                    #unreachable
                }

                fn track_all(&self) {
                    #unreachable
                }

                fn track_field(&self, _: #reactive_model::__private::Unreachable) {
                    #unreachable
                }

                fn dispose(&self) {
                    #unreachable
                }

                fn is_disposed(&self) -> bool {
                    #unreachable
                }
            }
        };
    }
}
