//! `impl Model for Player` (`describe`, `diff`), and the link impls other expansions project
//! through: `FieldOf<name>` for each field, `HasComputedSlots` for the computed memos.

use super::{field_of_trait, impl_where, where_clause};
use crate::ast::{Container, FieldKind};
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn expand(container: &Container<'_>) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    let ident = container.ident;
    let handle = container.handle_ident();
    let field_enum = container.field_enum_ident();
    let patch = container.patch_ident();
    let (impl_generics, ty_generics, _) = container.generics.split_for_impl();
    let impl_where = impl_where(container);
    let is_model_where = super::is_model_where(container);
    // A nested or keyed type that is not a model is reported by this impl, under its self type:
    // spanned at that field's type when there is only one such field, so the error points there.
    let mut model_fields = container
        .fields()
        .iter()
        .filter(|field| matches!(field.kind(), FieldKind::Nested | FieldKind::Keyed { .. }));
    let is_model_self = match (model_fields.next(), model_fields.next()) {
        (Some(field), None) => {
            let ty = match field.kind() {
                FieldKind::Keyed { item, .. } => item,
                _ => field.ty,
            };
            syn::Ident::new(&ident.to_string(), syn::spanned::Spanned::span(ty))
        }
        _ => ident.clone(),
    };
    let describe = describe_body(container);
    let diff = super::patch::diff_body(container);
    let (old, new) = super::patch::diff_params();

    let field_of = container.fields().iter().map(|field| {
        let name = field.ident;
        let ty = field.ty;
        let field_of = field_of_trait(name);
        let user_where = where_clause(container, Vec::new());
        quote! {
            #[automatically_derived]
            impl #impl_generics #field_of for #ident #ty_generics #user_where {
                type Type = #ty;

                #[inline]
                fn field(&self) -> &#ty {
                    &self.#name
                }
            }
        }
    });
    let slots = quote! {
        #[automatically_derived]
        impl #impl_generics #reactive_model::__private::HasComputedSlots for #handle #ty_generics #impl_where {
            #[inline]
            fn computed_memos(&self) -> &[#reactive_model::__private::core::AnyMemo] {
                self.__computed.as_slice()
            }
        }
    };
    let serde_check = container
        .attrs
        .serde
        .as_ref()
        .map(|_| quote!(#reactive_model::__private::assert_serde_feature!();));

    quote! {
        const _: () = {
            #serde_check

            #[automatically_derived]
            impl #impl_generics #reactive_model::__private::IsModel for #is_model_self #ty_generics #is_model_where {}

            #[automatically_derived]
            impl #impl_generics #reactive_model::Model for #ident #ty_generics #impl_where {
                type Handle = #handle #ty_generics;
                type Field = #field_enum;
                type Patch = #patch #ty_generics;

                fn describe() -> #reactive_model::ModelDescription {
                    #describe
                }

                fn diff(#old: &Self, #new: &Self) -> ::std::vec::Vec<Self::Patch> {
                    #diff
                }
            }

            #(#field_of)*
            #slots
        };
    }
}

fn describe_body(container: &Container<'_>) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    let name = container.ident.to_string();
    let doc = &container.doc;
    let field_enum = container.field_enum_ident();
    let fields = container.fields().iter().map(|field| {
        let name = field.name();
        let ty = super::type_name(field.ty);
        let doc = field.doc();
        let kind = match field.kind() {
            FieldKind::Plain => quote!(#reactive_model::FieldKind::Plain),
            FieldKind::Skip => quote!(#reactive_model::FieldKind::Skipped),
            FieldKind::Nested => {
                let ty = field.ty;
                quote!(#reactive_model::FieldKind::Nested {
                    model: <#ty as #reactive_model::Model>::describe,
                })
            }
            FieldKind::Keyed { item, key } => {
                let key = crate::ast::unraw(&key);
                quote!(#reactive_model::FieldKind::Keyed {
                    key: #key,
                    item: <#item as #reactive_model::Model>::describe,
                })
            }
        };
        quote! {
            #reactive_model::FieldDescription {
                name: #name,
                ty: #ty,
                doc: #doc,
                kind: #kind,
            }
        }
    });
    // From the items the `#[computed]` block adds to the field enum (see `handle.rs`).
    quote! {
        #[allow(unused_imports)]
        use #reactive_model::__private::NoComputedProperties as _;
        #reactive_model::ModelDescription {
            name: #name,
            doc: #doc,
            fields: ::std::vec![#(#fields),*],
            computed: #field_enum::__COMPUTED
                .iter()
                .map(|computed| #reactive_model::ComputedDescription {
                    name: computed.id.name(),
                    ty: computed.ty,
                    doc: computed.doc,
                })
                .collect(),
        }
    }
}
