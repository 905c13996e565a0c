//! The patch enum `PlayerPatch` (one field-level change) and `Model::diff`, which produces it.
//!
//! A patch is typed: `PlayerPatch::Hp(Change<u32>)` holds the old and new `u32`, a nested field
//! holds the nested model's patch, a keyed list a `ListPatch`. Its `path()` is a
//! `reactive_state::Path` (`/inventory/7/count`), `inverse()` undoes it, and with
//! `#[model(serde)]` it converts to and from a `reactive_state::Patch` (`StatePatch`), which is
//! also its serde form (a JSON Patch operation), so it can be sent and applied to another model
//! of the same type or to a `reactive-store` state of the same shape.

use super::{definition_where, params_marker};
use crate::ast::{Container, FieldKind};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

/// A generic patch enum may not use every type parameter (one used only by skipped fields); a
/// hidden, uninhabited variant keeps them all used.
pub(super) fn has_marker_variant(container: &Container<'_>) -> bool {
    container.generics.type_params().next().is_some()
}

/// The type each variant of the patch enum carries.
fn payload(kind: &FieldKind<'_>, ty: &syn::Type) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    match kind {
        FieldKind::Plain => quote!(#reactive_model::Change<#ty>),
        FieldKind::Nested => quote!(<#ty as #reactive_model::Model>::Patch),
        FieldKind::Keyed { item, key } => {
            let key_type = super::key_type(item, key);
            quote!(#reactive_model::ListPatch<#item, #key_type>)
        }
        FieldKind::Skip => TokenStream::new(),
    }
}

pub(super) fn expand(container: &Container<'_>) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    let ident = container.ident;
    let vis = container.vis;
    let patch = container.patch_ident();
    let field_enum = container.field_enum_ident();
    let generics = container.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let definition_where = definition_where(container);
    let impl_where = super::impl_where(container);
    let serde = container.attrs.serde.is_some();
    let inner = Ident::new("inner", Span::mixed_site());
    let never = Ident::new("never", Span::mixed_site());

    let tracked: Vec<_> = container
        .fields()
        .iter()
        .filter(|f| f.is_tracked())
        .collect();
    let variants = tracked.iter().map(|field| {
        let variant = field.variant_ident();
        let name = field.name();
        let payload = payload(&field.kind(), field.ty);
        let doc = match field.kind() {
            FieldKind::Plain => format!(" `{name}` changed: its old and new value."),
            FieldKind::Nested => format!(" A change inside the nested model `{name}`."),
            _ => format!(
                " A change to the keyed list `{name}`: an item inserted, removed, moved or edited."
            ),
        };
        quote!(#[doc = #doc] #variant(#payload))
    });
    let marker_variant = has_marker_variant(container).then(|| {
        let marker = params_marker(container);
        quote!(#[doc(hidden)] __Unused(::core::convert::Infallible, #marker),)
    });
    let marker_arm = || {
        has_marker_variant(container)
            .then(|| quote!(#patch::__Unused(#never, _) => match *#never {},))
    };

    let field_arms = tracked.iter().map(|field| {
        let variant = field.variant_ident();
        quote!(#patch::#variant(_) => #field_enum::#variant,)
    });
    let path_arms = tracked.iter().map(|field| {
        let variant = field.variant_ident();
        let name = field.name();
        match field.kind() {
            FieldKind::Plain => {
                quote!(#patch::#variant(_) => #reactive_model::__private::field_path(#name),)
            }
            FieldKind::Nested => quote! {
                #patch::#variant(#inner) => #reactive_model::__private::field_path_then(
                    #name,
                    &#reactive_model::ModelPatch::path(#inner),
                ),
            },
            _ => quote! {
                #patch::#variant(#inner) => #reactive_model::__private::field_path_then(#name, &#inner.path()),
            },
        }
    });
    let inverse_arms = tracked.iter().map(|field| {
        let variant = field.variant_ident();
        match field.kind() {
            FieldKind::Nested => quote! {
                #patch::#variant(#inner) => #patch::#variant(#reactive_model::ModelPatch::inverse(#inner)),
            },
            _ => quote!(#patch::#variant(#inner) => #patch::#variant(#inner.inverse()),),
        }
    });
    let field_marker = marker_arm();
    let path_marker = marker_arm();
    let inverse_marker = marker_arm();
    let (field_body, path_body, inverse_body) = if tracked.is_empty() && marker_variant.is_none() {
        (
            quote!(match *self {}),
            quote!(match *self {}),
            quote!(match *self {}),
        )
    } else {
        (
            quote!(match self { #(#field_arms)* #field_marker }),
            quote!(match self { #(#path_arms)* #path_marker }),
            quote!(match self { #(#inverse_arms)* #inverse_marker }),
        )
    };

    let serde_impls = serde.then(|| serde_impls(container, &tracked));
    let std_impls = std_impls(container, &tracked);
    let doc = format!(
        " One field-level change to a [`{ident}`] model: which field, its old and its new value.\n\n \
         Produced by `Model::diff` and [`{ident}Model::on_patch`], applied with \
         [`{ident}Model::apply_patch`]; [`inverse`](#reactive_model::ModelPatch::inverse) undoes it."
    );

    quote! {
        #[doc = #doc]
        #vis enum #patch #generics #definition_where {
            #(#variants,)*
            #marker_variant
        }

        const _: () = {
            #std_impls

            #[automatically_derived]
            impl #impl_generics #reactive_model::ModelPatch for #patch #ty_generics #impl_where {
                type Field = #field_enum;

                fn field(&self) -> #field_enum {
                    #field_body
                }

                fn path(&self) -> #reactive_model::__private::reactive_state::Path {
                    #path_body
                }

                fn inverse(&self) -> Self {
                    #inverse_body
                }
            }

            #serde_impls
        };
    }
}

/// `Clone`, `PartialEq` and `Debug`, written out: `#[derive]` would bound only the type
/// parameters, not the key types of keyed lists (`<Item<K> as FieldOf<..>>::Type`), so a generic
/// model with a keyed field would not get them.
fn std_impls(container: &Container<'_>, tracked: &[&crate::ast::Field<'_>]) -> TokenStream {
    let patch = container.patch_ident();
    let (impl_generics, ty_generics, _) = container.generics.split_for_impl();
    let impl_where = super::impl_where(container);
    let a = Ident::new("a", Span::mixed_site());
    let b = Ident::new("b", Span::mixed_site());
    let f = Ident::new("f", Span::mixed_site());
    let never = Ident::new("never", Span::mixed_site());
    let variants: Vec<Ident> = tracked.iter().map(|field| field.variant_ident()).collect();
    let names: Vec<String> = variants.iter().map(ToString::to_string).collect();
    let marker = has_marker_variant(container);
    let clone_marker = marker.then(|| quote!(#patch::__Unused(#never, _) => match *#never {},));
    let eq_marker = marker.then(|| quote!((#patch::__Unused(#never, _), _) => match *#never {},));
    let debug_marker = clone_marker.clone();
    let empty = tracked.is_empty() && !marker;
    let clone_body = if empty {
        quote!(match *self {})
    } else {
        quote!(match self {
            #(#patch::#variants(#a) => #patch::#variants(::core::clone::Clone::clone(#a)),)*
            #clone_marker
        })
    };
    // With one variant and no marker the catch-all arm would be unreachable; with the marker,
    // `(Hits, __Unused)` is only unreachable through a reference, which the compiler does not
    // count, so it needs the arm.
    let mismatch = (variants.len() > 1 || marker).then(|| quote!(_ => false,));
    let eq_body = if empty {
        quote!(match *self {})
    } else {
        quote!(match (self, other) {
            #((#patch::#variants(#a), #patch::#variants(#b)) => #a == #b,)*
            #eq_marker
            #mismatch
        })
    };
    let debug_body = if empty {
        quote!(match *self {})
    } else {
        quote!(match self {
            #(#patch::#variants(#a) => #f.debug_tuple(#names).field(#a).finish(),)*
            #debug_marker
        })
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics ::core::clone::Clone for #patch #ty_generics #impl_where {
            fn clone(&self) -> Self {
                #clone_body
            }
        }

        #[automatically_derived]
        impl #impl_generics ::core::cmp::PartialEq for #patch #ty_generics #impl_where {
            fn eq(&self, other: &Self) -> bool {
                #eq_body
            }
        }

        #[automatically_derived]
        impl #impl_generics ::core::fmt::Debug for #patch #ty_generics #impl_where {
            fn fmt(&self, #f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #debug_body
            }
        }
    }
}

/// With `#[model(serde)]`: `StatePatch` (to and from a `reactive_state::Patch`, field by
/// field; a nested or keyed field hands the rest of the path to its own patch type) and
/// `Serialize`/`Deserialize` through it, so the serde form is the JSON Patch operation. Wrapped
/// in `__private::serde_items!`, which drops them (after its own clear error) when the `serde`
/// feature is off.
fn serde_impls(container: &Container<'_>, tracked: &[&crate::ast::Field<'_>]) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    let patch = container.patch_ident();
    let generics = container.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let private = quote!(#reactive_model::__private);
    let state = quote!(#private::reactive_state);
    let inner = Ident::new("inner", Span::mixed_site());
    let at = Ident::new("at", Span::mixed_site());
    let depth = Ident::new("depth", Span::mixed_site());
    let state_patch = Ident::new("patch", Span::mixed_site());
    let never = Ident::new("never", Span::mixed_site());

    // A generic model's patch converts when every payload does.
    let mut extra = super::structural_predicates(container);
    extra.extend(super::value_predicates(container));
    // Guards (see `structural_predicates`): a field type that is not serialisable is reported
    // once, by the struct's own `#[derive(Serialize, Deserialize)]`, not again in these bodies.
    for field in tracked {
        let ty = field.ty;
        extra.push(match field.kind() {
            FieldKind::Plain => syn::parse_quote!(
                for<'__guard> #ty: #private::serde::Serialize + #private::serde::de::DeserializeOwned
            ),
            kind => {
                let payload = payload(&kind, ty);
                syn::parse_quote!(for<'__guard> #payload: #reactive_model::StatePatch)
            }
        });
    }
    let serde_where = super::where_clause(container, extra);

    let to_arms = tracked.iter().map(|field| {
        let variant = field.variant_ident();
        let name = field.name();
        let place = quote!(#private::join_field(&#at, #name));
        match field.kind() {
            FieldKind::Plain => {
                quote!(#patch::#variant(#inner) => #private::change_to_patch(#inner, #place),)
            }
            _ => quote! {
                #patch::#variant(#inner) => #reactive_model::StatePatch::to_patch_at(#inner, #place),
            },
        }
    });
    let from_arms = tracked.iter().map(|field| {
        let variant = field.variant_ident();
        let name = field.name();
        match field.kind() {
            FieldKind::Plain => quote! {
                #name => ::core::result::Result::Ok(#patch::#variant(
                    #private::change_from_patch(#state_patch, #depth + 1)?,
                )),
            },
            _ => quote! {
                #name => ::core::result::Result::Ok(#patch::#variant(
                    #reactive_model::StatePatch::from_patch_at(#state_patch, #depth + 1)?,
                )),
            },
        }
    });
    let marker = has_marker_variant(container)
        .then(|| quote!(#patch::__Unused(#never, _) => match *#never {},));
    let to_body = if tracked.is_empty() && marker.is_none() {
        quote!(match *self {})
    } else {
        quote!(match self { #(#to_arms)* #marker })
    };

    let mut de_generics = generics.clone();
    de_generics.params.insert(0, syn::parse_quote!('de));
    let (de_impl_generics, _, _) = de_generics.split_for_impl();

    quote! {
        #private::serde_items! {
            #[automatically_derived]
            impl #impl_generics #reactive_model::StatePatch for #patch #ty_generics #serde_where {
                fn to_patch_at(
                    &self,
                    #at: #state::Path,
                ) -> ::core::result::Result<#state::Patch, #state::PatchError> {
                    #to_body
                }

                fn from_patch_at(
                    #state_patch: &#state::Patch,
                    #depth: usize,
                ) -> ::core::result::Result<Self, #state::PatchError> {
                    match &*#private::field_segment(#state_patch, #depth)? {
                        #(#from_arms)*
                        _ => ::core::result::Result::Err(#private::no_such_field(#state_patch)),
                    }
                }
            }

            #[automatically_derived]
            impl #impl_generics #private::serde::Serialize for #patch #ty_generics #serde_where {
                fn serialize<__S: #private::serde::Serializer>(
                    &self,
                    serializer: __S,
                ) -> ::core::result::Result<__S::Ok, __S::Error> {
                    #private::serialize_patch(self, serializer)
                }
            }

            #[automatically_derived]
            impl #de_impl_generics #private::serde::Deserialize<'de> for #patch #ty_generics #serde_where {
                fn deserialize<__D: #private::serde::Deserializer<'de>>(
                    deserializer: __D,
                ) -> ::core::result::Result<Self, __D::Error> {
                    #private::deserialize_patch(deserializer)
                }
            }
        }
    }
}

/// The body of `Model::diff`: field by field, only what differs.
pub(super) fn diff_body(container: &Container<'_>) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    let patch = container.patch_ident();
    let old = Ident::new("old", Span::mixed_site());
    let new = Ident::new("new", Span::mixed_site());
    let patches = Ident::new("patches", Span::mixed_site());
    let inner = Ident::new("inner", Span::mixed_site());
    let steps = container.fields().iter().filter(|f| f.is_tracked()).map(|field| {
        let name = field.ident;
        let variant = field.variant_ident();
        let ty = field.ty;
        match field.kind() {
            FieldKind::Plain => quote! {
                if #old.#name != #new.#name {
                    #patches.push(#patch::#variant(#reactive_model::Change {
                        old: ::core::clone::Clone::clone(&#old.#name),
                        new: ::core::clone::Clone::clone(&#new.#name),
                    }));
                }
            },
            FieldKind::Nested => quote! {
                #patches.extend(
                    <#ty as #reactive_model::Model>::diff(&#old.#name, &#new.#name)
                        .into_iter()
                        .map(#patch::#variant),
                );
            },
            FieldKind::Keyed { item, key } => {
                let field_of = super::field_of_trait(&key);
                quote! {
                    #patches.extend(
                        #reactive_model::ListPatch::diff(
                            &#old.#name,
                            &#new.#name,
                            |#inner: &#item| ::core::clone::Clone::clone(<#item as #field_of>::field(#inner)),
                        )
                        .into_iter()
                        .map(#patch::#variant),
                    );
                }
            }
            FieldKind::Skip => TokenStream::new(),
        }
    });
    quote! {
        let mut #patches = ::std::vec::Vec::new();
        #(#steps)*
        #patches
    }
}

/// The parameter names `diff_body` uses, for the signature that surrounds it.
pub(super) fn diff_params() -> (Ident, Ident) {
    (
        Ident::new("old", Span::mixed_site()),
        Ident::new("new", Span::mixed_site()),
    )
}
