//! Writing a `#[computed]` block: the getters, the bodies, and what the derive asks of the block.

use super::ast::{ComputedImpl, Method};
use crate::ctxt::{Errors, with_fallback};
use crate::expand::type_name;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

pub(crate) fn expand(block: &ComputedImpl, mut errors: Errors) -> TokenStream {
    let field_enum = super::valid::field_enum_path(block, &mut errors);
    let names_free = errors.len();
    let methods = super::valid::check_names(block, &mut errors);
    let names_free = errors.len() == names_free;
    let valid = methods
        .iter()
        .map(|method| super::valid::check_method(method, &mut errors))
        .fold(names_free, |all, valid| all && valid);

    let attrs = &block.attrs;
    let self_ty = &block.self_ty;
    let (impl_generics, _, where_clause) = block.generics.split_for_impl();
    let (Some(field_enum), true) = (field_enum, valid) else {
        // Getters whose bodies are never run, so that the model and every caller still
        // type-check and only the mistakes are reported.
        let getters = methods.iter().map(|method| {
            let body = quote!(::core::unreachable!(
                "invalid computed property; see the errors above"
            ));
            getter(method, body)
        });
        let tokens = quote! {
            #(#attrs)*
            impl #impl_generics #self_ty #where_clause {
                #(#getters)*
            }
        };
        return match errors.finish() {
            Err(error) => with_fallback(error, tokens),
            Ok(()) => tokens,
        };
    };

    let reactive_model = crate::runtime_path::model_runtime();
    let private = quote!(#reactive_model::__private);
    let getters = methods.iter().copied().enumerate().map(|(index, method)| {
        let output = output_type(method);
        // Spanned at the output type: a type without `Clone` is reported there.
        let read = quote_spanned!(output.span()=>
            #private::computed_get::<Self, #output>(self, #index)
        );
        getter(method, read)
    });
    let bodies = methods.iter().copied().map(body);
    let constants = methods.iter().copied().enumerate().map(|(index, method)| {
        let vis = &method.vis;
        let name = crate::ast::unraw(&method.ident);
        let constant = crate::ast::variant_ident(&method.ident);
        let index = index as u32;
        let doc = format!(" The computed property `{name}`.");
        quote! {
            #[doc = #doc]
            #[allow(non_upper_case_globals)]
            #vis const #constant: Self = Self::__Computed(#private::ComputedId::new(#index, #name));
        }
    });
    let infos = methods.iter().copied().enumerate().map(|(index, method)| {
        let name = crate::ast::unraw(&method.ident);
        let index = index as u32;
        let ty = method
            .output
            .as_ref()
            .map_or_else(|| "()".to_owned(), type_name);
        let doc = crate::attr::doc_text(&method.attrs);
        quote! {
            #private::ComputedInfo {
                id: #private::ComputedId::new(#index, #name),
                ty: #ty,
                doc: #doc,
            }
        }
    });
    let memos = methods.iter().copied().map(|method| {
        let output = output_type(method);
        let compute = compute_ident(method);
        // Spanned at the output type: a type without `PartialEq` is reported there.
        quote_spanned!(output.span()=> cell.memo::<#output>(<#self_ty>::#compute))
    });

    let count = methods.len();
    quote! {
        #(#attrs)*
        impl #impl_generics #self_ty #where_clause {
            #(#getters)*
            #(#bodies)*
        }

        // What the derive on the struct reads (see `reactive_model::__private::computed`): one
        // `impl` of these per model, so a second `#[computed]` block is a duplicate definition.
        impl #field_enum {
            #(#constants)*

            #[doc(hidden)]
            pub const __COMPUTED: &'static [#private::ComputedInfo] = &[#(#infos),*];

            #[doc(hidden)]
            pub fn __computed_memos #impl_generics (
                cell: &#private::ComputedCell<#self_ty>,
            ) -> #private::ComputedSlots<#count> #where_clause {
                #private::ComputedSlots::new([#(#memos),*])
            }
        }
    }
}

/// `__compute_hp_ratio`: the method's body, as a private method the memo calls.
fn compute_ident(method: &Method) -> syn::Ident {
    format_ident!("__compute_{}", crate::ast::unraw(&method.ident))
}

/// The public getter, with the method's attributes (docs included), around `read`.
fn getter(method: &Method, read: TokenStream) -> TokenStream {
    let attrs = &method.attrs;
    let vis = &method.vis;
    let ident = &method.ident;
    let output = output_type(method);
    let cached = " \n\n Computed: cached, recomputed only when what it reads changes, and readers \
                  are notified only when the result differs.";
    let has_docs = crate::attr::doc_attrs(attrs).next().is_some();
    let cached = has_docs.then(|| quote!(#[doc = #cached]));
    let inline =
        (!attrs.iter().any(|attr| attr.path().is_ident("inline"))).then(|| quote!(#[inline]));
    quote! {
        #(#attrs)*
        #cached
        #inline
        #[track_caller]
        #vis fn #ident(&self) -> #output {
            #read
        }
    }
}

/// The body, as written, in a private method with the body's lint attributes.
fn body(method: &Method) -> TokenStream {
    let compute = compute_ident(method);
    let output = output_type(method);
    let lint_attrs = method.attrs.iter().filter(|attr| {
        ["allow", "expect", "warn", "deny", "cfg"]
            .iter()
            .any(|name| attr.path().is_ident(name))
    });
    let body = &method.body;
    quote! {
        #(#lint_attrs)*
        fn #compute(&self) -> #output #body
    }
}

fn output_type(method: &Method) -> TokenStream {
    match &method.output {
        Some(ty) => quote!(#ty),
        None => quote!(()),
    }
}
