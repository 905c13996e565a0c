//! The handle `PlayerModel`: its definition, its accessors, and `impl ModelHandle`.
//!
//! The handle is a plain struct of arena keys (one `Signal` per field, the nested handles, the
//! keyed lists, the computed memos), so it is `Copy` and reading a field costs exactly what
//! reading a hand-written `Signal` costs: the accessor is `self.hp.get()`.

use super::{definition_where, impl_where, params_marker, storage_type};
use crate::ast::{Container, Field, FieldKind};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};

pub(super) fn expand(container: &Container<'_>) -> TokenStream {
    let definition = definition(container);
    let accessors = accessors(container);
    let handle_impl = model_handle_impl(container);
    quote! {
        #definition
        #accessors
        const _: () = {
            #handle_impl
        };
    }
}

fn definition(container: &Container<'_>) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    let ident = container.ident;
    let vis = container.vis;
    let handle = container.handle_ident();
    let generics = container.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let definition_where = definition_where(container);
    let clone_where = impl_where(container);
    let field_enum = container.field_enum_ident();

    let tracked = container
        .fields()
        .iter()
        .filter(|field| field.is_tracked())
        .map(|field| {
            let name = field.ident;
            let storage = storage_type(&field.kind(), field.ty);
            quote!(#name: #storage)
        });
    let skipped = skipped_storage(container).map(|ty| quote!(__skipped: #ty,));
    let marker = params_marker(container);
    let handle_name = handle.to_string();
    let debug_fields: Vec<_> = container
        .fields()
        .iter()
        .filter(|field| field.is_tracked())
        .map(|field| field.ident)
        .collect();
    // Every arena key the handle holds: identity is all of them.
    let storage: Vec<syn::Ident> = debug_fields
        .iter()
        .map(|ident| (*ident).clone())
        .chain(skipped_storage(container).map(|_| format_ident!("__skipped")))
        .chain([format_ident!("__computed")])
        .collect();
    let debug_names: Vec<String> = container
        .fields()
        .iter()
        .filter(|field| field.is_tracked())
        .map(|field| field.name())
        .collect();

    let doc = format!(
        " The reactive model of [`{ident}`]: a `Copy` handle with one signal per field.\n\n \
         Reading a field through it (`model.field()`) subscribes the running effect or memo to \
         that field only; a setter notifies only that field's readers, and only when the value \
         changed. Create it with [`{handle}::new`], read it back with [`{handle}::snapshot`]."
    );
    quote! {
        #[doc = #doc]
        #vis struct #handle #generics #definition_where {
            #(#tracked,)*
            #skipped
            // As many memos as the `#[computed]` block has properties (none without a block):
            // the length is a constant of the field enum (see `reactive_model::__private`).
            __computed: #reactive_model::__private::ComputedSlots<{
                #[allow(unused_imports)]
                use #reactive_model::__private::NoComputedProperties as _;
                #field_enum::__COMPUTED.len()
            }>,
            __marker: #marker,
        }

        #[automatically_derived]
        impl #impl_generics ::core::clone::Clone for #handle #ty_generics #clone_where {
            #[inline]
            fn clone(&self) -> Self {
                *self
            }
        }

        #[automatically_derived]
        impl #impl_generics ::core::marker::Copy for #handle #ty_generics #clone_where {}

        #[automatically_derived]
        impl #impl_generics ::core::cmp::PartialEq for #handle #ty_generics #clone_where {
            /// Identity: two handles are equal when they are the same model.
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                true #(&& self.#storage == other.#storage)*
            }
        }

        #[automatically_derived]
        impl #impl_generics ::core::cmp::Eq for #handle #ty_generics #clone_where {}

        #[automatically_derived]
        impl #impl_generics ::core::hash::Hash for #handle #ty_generics #clone_where {
            fn hash<__H: ::core::hash::Hasher>(&self, state: &mut __H) {
                #(::core::hash::Hash::hash(&self.#storage, state);)*
            }
        }

        #[automatically_derived]
        impl #impl_generics ::core::fmt::Debug for #handle #ty_generics #clone_where {
            /// The arena ids of the field signals, not their values: formatting never tracks
            /// and never fails on a disposed model.
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#handle_name)
                    #(.field(#debug_names, &self.#debug_fields))*
                    .finish()
            }
        }
    }
}

/// `Signal<(A, B)>` holding the skipped fields, if there are any.
fn skipped_storage(container: &Container<'_>) -> Option<TokenStream> {
    let reactive_model = crate::runtime_path::model_runtime();
    let types: Vec<_> = skipped_fields(container).map(|field| field.ty).collect();
    (!types.is_empty()).then(|| quote!(#reactive_model::__private::core::Signal<(#(#types,)*)>))
}

fn skipped_fields<'c, 'a>(container: &'c Container<'a>) -> impl Iterator<Item = &'c Field<'a>> {
    container
        .fields()
        .iter()
        .filter(|field| matches!(field.kind(), FieldKind::Skip))
}

fn tracked_fields<'c, 'a>(container: &'c Container<'a>) -> impl Iterator<Item = &'c Field<'a>> {
    container.fields().iter().filter(|field| field.is_tracked())
}

/// Locals of generated function bodies, hygienic so they never meet the user's names.
fn local(name: &str) -> syn::Ident {
    syn::Ident::new(name, Span::mixed_site())
}

/// The inherent impl: one group of accessors per field, then the whole-model methods as
/// inherent wrappers of `ModelHandle` (so that no trait import is needed to use a model).
fn accessors(container: &Container<'_>) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    let ident = container.ident;
    let handle = container.handle_ident();
    let field_enum = container.field_enum_ident();
    let patch = container.patch_ident();
    let vis = container.vis;
    let (impl_generics, ty_generics, _) = container.generics.split_for_impl();
    let impl_where = impl_where(container);
    let per_field = container
        .fields()
        .iter()
        .map(|field| field_accessors(container, field));
    let handle_trait = quote!(<Self as #reactive_model::ModelHandle>);
    let value = local("value");
    let patch_arg = local("patch");
    let patches = local("patches");
    let field_arg = local("field");
    let fields_arg = local("fields");
    let callback = local("callback");
    let state_patches = container.attrs.serde.is_some().then(|| {
        // A generic model's patch converts only for some parameters: say which.
        let bound = container
            .generics
            .type_params()
            .next()
            .is_some()
            .then(|| quote!(where #patch #ty_generics: #reactive_model::StatePatch));
        let state = quote!(#reactive_model::__private::reactive_state);
        quote! {
            #reactive_model::__private::serde_items! {
                impl #impl_generics #handle #ty_generics #impl_where {
                    /// Applies one `reactive_state::Patch` (a JSON Patch operation, from a
                    /// `reactive-store` commit, a peer or a file) that is a patch of this model.
                    ///
                    /// # Errors
                    ///
                    /// `ModelError::Patch` when it is not a patch of this model, or what
                    /// [`apply_patch`](Self::apply_patch) returns; nothing is written then.
                    #[inline]
                    #vis fn apply_state_patch(&self, #patch_arg: &#state::Patch) -> ::core::result::Result<(), #reactive_model::ModelError> #bound {
                        #handle_trait::apply_state_patch(self, #patch_arg)
                    }

                    /// Applies `reactive_state::Patch`es in order, in one batch.
                    ///
                    /// # Errors
                    ///
                    /// The first that is not a patch of this model or does not fit; the ones
                    /// before it stay applied.
                    #[inline]
                    #vis fn apply_state_patches(&self, #patches: &[#state::Patch]) -> ::core::result::Result<(), #reactive_model::ModelError> #bound {
                        #handle_trait::apply_state_patches(self, #patches)
                    }
                }
            }
        }
    });

    quote! {
        #state_patches

        impl #impl_generics #handle #ty_generics #impl_where {
            #(#per_field)*

            /// Creates the model from a value: one signal per field, owned by the current owner.
            ///
            /// # Panics
            ///
            /// If a keyed list in the value has two items with the same key.
            #[inline]
            #[track_caller]
            #vis fn new(#value: #ident #ty_generics) -> Self {
                #handle_trait::new(#value)
            }

            /// The current value of every field, as a plain struct. Tracked: the caller re-runs
            /// when any field changes.
            #[inline]
            #[track_caller]
            #vis fn snapshot(&self) -> #ident #ty_generics {
                #handle_trait::snapshot(self)
            }

            /// [`snapshot`](Self::snapshot), without subscribing the caller.
            #[inline]
            #vis fn snapshot_untracked(&self) -> #ident #ty_generics {
                #handle_trait::snapshot_untracked(self)
            }

            /// Writes the fields of `value` that differ from the model's, in one batch: readers
            /// of unchanged fields are not notified. Skipped fields are left as they are.
            #[inline]
            #[track_caller]
            #vis fn apply(&self, #value: #ident #ty_generics) {
                #handle_trait::apply(self, #value)
            }

            /// Applies one field-level patch (from [`on_patch`](Self::on_patch) or
            /// `Model::diff`), possibly made on another model of the same type.
            ///
            /// # Errors
            ///
            /// When the patch does not fit this model's keyed lists (a missing key, an
            /// out-of-range index); nothing is written then.
            #[inline]
            #vis fn apply_patch(&self, #patch_arg: &#patch #ty_generics) -> ::core::result::Result<(), #reactive_model::ModelError> {
                #handle_trait::apply_patch(self, #patch_arg)
            }

            /// Applies patches in order, in one batch.
            ///
            /// # Errors
            ///
            /// The first patch that does not fit; the ones before it stay applied.
            #[inline]
            #vis fn apply_patches(&self, #patches: &[#patch #ty_generics]) -> ::core::result::Result<(), #reactive_model::ModelError> {
                #handle_trait::apply_patches(self, #patches)
            }

            /// Calls `callback` once per batch in which any of `fields` changed, with the ones
            /// that did. It is not called for the current values.
            #vis fn subscribe(
                &self,
                #fields_arg: impl ::core::iter::IntoIterator<Item = #field_enum>,
                #callback: impl ::core::ops::FnMut(&[#field_enum]) + 'static,
            ) -> #reactive_model::ModelSubscription {
                #handle_trait::subscribe(self, #fields_arg, #callback)
            }

            /// Calls `callback` once per batch that changed the model, with the field-level
            /// patches that turn the previous value into the new one.
            #vis fn on_patch(
                &self,
                #callback: impl ::core::ops::FnMut(&[#patch #ty_generics]) + 'static,
            ) -> #reactive_model::ModelSubscription {
                #handle_trait::on_patch(self, #callback)
            }

            /// Subscribes the caller to every field, nested and keyed ones included.
            #[inline]
            #vis fn track_all(&self) {
                #handle_trait::track_all(self)
            }

            /// Subscribes the caller to one field or computed property.
            #[inline]
            #vis fn track_field(&self, #field_arg: #field_enum) {
                #handle_trait::track_field(self, #field_arg)
            }

            /// Disposes every signal and memo of the model; using it afterwards is an error.
            #[inline]
            #vis fn dispose(&self) {
                #handle_trait::dispose(self)
            }

            /// Whether the model was disposed (by [`dispose`](Self::dispose), its owner, or its
            /// removal from a keyed list): reading it would then panic.
            #[inline]
            #vis fn is_disposed(&self) -> bool {
                #handle_trait::is_disposed(self)
            }

            /// The model's fields and computed properties: names, types, docs.
            #[inline]
            #vis fn describe() -> #reactive_model::ModelDescription {
                <#ident #ty_generics as #reactive_model::Model>::describe()
            }
        }
    }
}

fn field_accessors(container: &Container<'_>, field: &Field<'_>) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    let name = field.ident;
    let shown = field.name();
    let vis = field.vis;
    let ty = field.ty;
    let docs: Vec<_> = crate::attr::doc_attrs(&field.original.attrs).collect();
    let getter_docs = if docs.is_empty() {
        let doc = format!(" The `{shown}` field.");
        quote!(#[doc = #doc])
    } else {
        quote!(#(#docs)*)
    };
    let setter = format_ident!("set_{}", shown);
    let value = local("value");
    let f = local("f");
    match field.kind() {
        FieldKind::Plain => {
            let with = format_ident!("with_{}", shown);
            let update = format_ident!("update_{}", shown);
            let signal = format_ident!("{}_signal", shown);
            let signal_doc = format!(
                " The signal of [`{shown}`](Self::{shown}), read-only: for code that takes any \
                 readable value (`impl Get<Value = T>`, `Derived`, `MaybeReactive`). Reading it \
                 tracks like the getter; writes go through [`{setter}`](Self::{setter})."
            );
            let tracked = format!(
                "\n\n Tracked: the running effect or memo re-runs when `{shown}` changes, and only then."
            );
            let with_doc = format!(
                " Borrows [`{shown}`](Self::{shown}) without cloning it. Tracked like the getter."
            );
            let set_doc = format!(
                " Sets [`{shown}`](Self::{shown}). Readers of `{shown}` re-run only if the value \
                 changed; returns whether it did."
            );
            let update_doc = format!(
                " Updates [`{shown}`](Self::{shown}) in place. Readers of `{shown}` re-run only if \
                 the value changed; returns whether it did."
            );
            quote! {
                #getter_docs
                #[doc = #tracked]
                #[inline]
                #[track_caller]
                #vis fn #name(&self) -> #ty {
                    self.#name.get()
                }

                #[doc = #with_doc]
                #[inline]
                #[track_caller]
                #vis fn #with<__R>(&self, #f: impl ::core::ops::FnOnce(&#ty) -> __R) -> __R {
                    self.#name.with(#f)
                }

                #[doc = #signal_doc]
                #[inline]
                #vis fn #signal(&self) -> #reactive_model::__private::core::ReadSignal<#ty> {
                    self.#name.read_only()
                }

                #[doc = #set_doc]
                #[inline]
                #[track_caller]
                #vis fn #setter(&self, #value: #ty) -> bool {
                    self.#name.set_if_changed(#value)
                }

                #[doc = #update_doc]
                #[inline]
                #[track_caller]
                #vis fn #update(&self, #f: impl ::core::ops::FnOnce(&mut #ty)) -> bool {
                    self.#name.update_if_changed(#f)
                }
            }
        }
        FieldKind::Nested => {
            let getter_extra = "\n\n The nested model's handle: reading it tracks nothing, reading its \
                                fields tracks each of them.";
            let set_doc =
                format!(" Writes the fields of `{shown}` that differ from `value`, in one batch.");
            quote! {
                #getter_docs
                #[doc = #getter_extra]
                #[inline]
                #[track_caller]
                #vis fn #name(&self) -> <#ty as #reactive_model::Model>::Handle {
                    self.#name
                }

                #[doc = #set_doc]
                #[inline]
                #[track_caller]
                #vis fn #setter(&self, #value: #ty) {
                    #reactive_model::ModelHandle::apply(&self.#name, #value)
                }
            }
        }
        FieldKind::Keyed { item, key } => {
            let key_type = super::key_type(item, &key);
            let getter_extra = format!(
                "\n\n A keyed list of models, keyed by `{key}`: its length, membership and order \
                 are tracked apart from the items' fields."
            );
            let set_doc = format!(
                " Reconciles `{shown}` with `value` by key, in one batch: kept items are updated \
                 field by field (their handles stay valid), missing ones removed, new ones \
                 inserted.\n\n # Panics\n\n If `value` has two items with the same key."
            );
            quote! {
                #getter_docs
                #[doc = #getter_extra]
                #[inline]
                #[track_caller]
                #vis fn #name(&self) -> #reactive_model::KeyedList<#item, #key_type> {
                    self.#name
                }

                #[doc = #set_doc]
                #[inline]
                #[track_caller]
                #vis fn #setter(&self, #value: ::std::vec::Vec<#item>) {
                    self.#name.reconcile(#value)
                }
            }
        }
        FieldKind::Skip => {
            let index = syn::Index::from(
                skipped_fields(container)
                    .position(|skipped| skipped.ident == field.ident)
                    .unwrap_or_default(),
            );
            let getter_extra = " \n\n Skipped by the model: set once at creation, not tracked.";
            quote! {
                #getter_docs
                #[doc = #getter_extra]
                #[inline]
                #[track_caller]
                #vis fn #name(&self) -> #ty {
                    self.__skipped.with_untracked(|#value| ::core::clone::Clone::clone(&#value.#index))
                }
            }
        }
    }
}

/// `impl ModelHandle for PlayerModel`: the whole-model operations, field by field.
fn model_handle_impl(container: &Container<'_>) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    let ident = container.ident;
    let handle = container.handle_ident();
    let field_enum = container.field_enum_ident();
    let patch = container.patch_ident();
    let (impl_generics, ty_generics, _) = container.generics.split_for_impl();
    let impl_where = impl_where(container);
    let value = local("value");
    let handle_var = local("handle");
    let cell = local("cell");
    let patch_arg = local("patch");
    let field_arg = local("field");
    let change = local("change");
    let inner = local("inner");
    let never = local("never");

    let tracked: Vec<_> = tracked_fields(container).collect();
    let skipped: Vec<_> = skipped_fields(container).collect();

    // `new`: every field into its storage.
    let create = tracked.iter().map(|field| {
        let name = field.ident;
        match field.kind() {
            FieldKind::Plain => quote!(#name: #reactive_model::__private::core::Signal::new(#value.#name)),
            FieldKind::Nested => {
                quote!(#name: #reactive_model::ModelHandle::new(#value.#name))
            }
            FieldKind::Keyed { item, key } => {
                let field_of = super::field_of_trait(&key);
                let shown = field.name();
                quote!(#name: #reactive_model::KeyedList::with_name(
                    #value.#name,
                    |#inner: &#item| ::core::clone::Clone::clone(<#item as #field_of>::field(#inner)),
                    #shown,
                ))
            }
            FieldKind::Skip => unreachable_kind(),
        }
    });
    let create_skipped = (!skipped.is_empty()).then(|| {
        let names = skipped.iter().map(|field| field.ident);
        quote!(__skipped: #reactive_model::__private::core::Signal::new((#(#value.#names,)*)),)
    });
    // The computed properties are declared by the model's `#[computed]` block, if it has one,
    // in items it adds to the field enum; `NoComputedProperties` gives the empty defaults
    // (see `reactive_model::__private::computed`). The cell allocates only when a memo shares it.
    let private = quote!(#reactive_model::__private);
    let create_cell = quote! {
        #[allow(unused_imports)]
        use #private::NoComputedProperties as _;
        let #cell = #private::ComputedCell::<Self>::new();
    };
    let create_computed = quote!(__computed: #field_enum::__computed_memos(&#cell));
    let fill_cell = quote!(#cell.set(#handle_var););

    // `snapshot`: every field back out.
    let read = container.fields().iter().map(|field| {
        let name = field.ident;
        match field.kind() {
            FieldKind::Plain => quote!(#name: self.#name.get()),
            FieldKind::Nested => quote!(#name: #reactive_model::ModelHandle::snapshot(&self.#name)),
            FieldKind::Keyed { .. } => quote!(#name: self.#name.snapshot()),
            FieldKind::Skip => {
                let index = syn::Index::from(
                    skipped.iter().position(|s| s.ident == field.ident).unwrap_or_default(),
                );
                quote!(#name: self.__skipped.with_untracked(|#inner| ::core::clone::Clone::clone(&#inner.#index)))
            }
        }
    });

    // `apply`: only what differs.
    let write = tracked.iter().map(|field| {
        let name = field.ident;
        match field.kind() {
            FieldKind::Plain => quote!(self.#name.set_if_changed(#value.#name);),
            FieldKind::Nested => {
                quote!(#reactive_model::ModelHandle::apply(&self.#name, #value.#name);)
            }
            FieldKind::Keyed { .. } => quote!(self.#name.reconcile(#value.#name);),
            FieldKind::Skip => unreachable_kind(),
        }
    });

    let apply_patch_arms = tracked.iter().map(|field| {
        let name = field.ident;
        let variant = field.variant_ident();
        match field.kind() {
            FieldKind::Plain => quote! {
                #patch::#variant(#change) => {
                    self.#name.set_if_changed(::core::clone::Clone::clone(&#change.new));
                    ::core::result::Result::Ok(())
                }
            },
            FieldKind::Nested => quote! {
                #patch::#variant(#inner) => #reactive_model::ModelHandle::apply_patch(&self.#name, #inner)
            },
            FieldKind::Keyed { .. } => quote! {
                #patch::#variant(#inner) => self.#name.apply_patch(#inner)
            },
            FieldKind::Skip => unreachable_kind(),
        }
    });
    let unused_arm = super::patch::has_marker_variant(container)
        .then(|| quote!(#patch::__Unused(#never, _) => match *#never {},));

    let track_all = tracked.iter().map(|field| {
        let name = field.ident;
        match field.kind() {
            FieldKind::Plain => quote!(self.#name.track();),
            FieldKind::Nested => quote!(#reactive_model::ModelHandle::track_all(&self.#name);),
            FieldKind::Keyed { .. } => quote!(self.#name.track_all();),
            FieldKind::Skip => unreachable_kind(),
        }
    });

    let track_field_arms = tracked.iter().map(|field| {
        let name = field.ident;
        let variant = field.variant_ident();
        let track = match field.kind() {
            FieldKind::Plain => quote!(self.#name.track()),
            FieldKind::Nested => quote!(#reactive_model::ModelHandle::track_all(&self.#name)),
            FieldKind::Keyed { .. } => quote!(self.#name.track_all()),
            FieldKind::Skip => unreachable_kind(),
        };
        quote!(#field_enum::#variant => #track,)
    });
    let computed_id = local("computed");
    let field_match = quote! {
        match #field_arg {
            #(#track_field_arms)*
            #field_enum::__Computed(#computed_id) => self.__computed.track(#computed_id),
        }
    };

    let dispose = tracked.iter().map(|field| {
        let name = field.ident;
        match field.kind() {
            FieldKind::Plain => quote!(self.#name.dispose();),
            FieldKind::Nested => quote!(#reactive_model::ModelHandle::dispose(&self.#name);),
            FieldKind::Keyed { .. } => quote!(self.#name.dispose();),
            FieldKind::Skip => unreachable_kind(),
        }
    });
    let dispose_skipped = (!skipped.is_empty()).then(|| quote!(self.__skipped.dispose();));
    let disposed_checks: Vec<TokenStream> = tracked
        .iter()
        .map(|field| {
            let name = field.ident;
            match field.kind() {
                FieldKind::Nested => {
                    quote!(#reactive_model::ModelHandle::is_disposed(&self.#name))
                }
                _ => quote!(self.#name.is_disposed()),
            }
        })
        .chain((!skipped.is_empty()).then(|| quote!(self.__skipped.is_disposed())))
        .chain([quote!(self.__computed.is_disposed())])
        .collect();
    let is_disposed = quote!(#(#disposed_checks)||*);

    let patch_match = if tracked.is_empty() && unused_arm.is_none() {
        quote!(match *#patch_arg {})
    } else {
        quote! {
            match #patch_arg {
                #(#apply_patch_arms,)*
                #unused_arm
            }
        }
    };

    quote! {
        #[automatically_derived]
        impl #impl_generics #reactive_model::ModelHandle for #handle #ty_generics #impl_where {
            type Model = #ident #ty_generics;

            #[track_caller]
            fn new(#value: #ident #ty_generics) -> Self {
                #create_cell
                let #handle_var = #handle {
                    #(#create,)*
                    #create_skipped
                    #create_computed,
                    __marker: ::core::marker::PhantomData,
                };
                #fill_cell
                #handle_var
            }

            #[track_caller]
            fn snapshot(&self) -> #ident #ty_generics {
                #ident {
                    #(#read,)*
                }
            }

            #[track_caller]
            fn apply(&self, #value: #ident #ty_generics) {
                #reactive_model::__private::core::batch(|| {
                    #(#write)*
                });
            }

            fn apply_patch(&self, #patch_arg: &#patch #ty_generics) -> ::core::result::Result<(), #reactive_model::ModelError> {
                #patch_match
            }

            fn track_all(&self) {
                #(#track_all)*
            }

            fn track_field(&self, #field_arg: #field_enum) {
                #field_match
            }

            fn dispose(&self) {
                #(#dispose)*
                #dispose_skipped
                self.__computed.dispose();
            }

            fn is_disposed(&self) -> bool {
                #is_disposed
            }
        }
    }
}

/// Skipped fields are filtered out before the arms that would need this.
fn unreachable_kind() -> TokenStream {
    quote!(::core::compile_error!(
        "internal error in #[derive(Model)]: skipped field in a tracked position"
    ))
}
