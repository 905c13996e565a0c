//! Writing the getters and the `ComputedProperty` impls of a `#[computed]` block.

use super::ast::{ComputedImpl, Method};
use crate::ctxt::{Errors, with_fallback};
use crate::expand::{computed_trait, type_name};
use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn expand(block: &ComputedImpl, mut errors: Errors) -> TokenStream {
    let valid: Vec<bool> = block
        .methods
        .iter()
        .map(|method| super::valid::check_method(method, &mut errors))
        .collect();
    let getters = block.methods.iter().map(getter);
    let properties = block
        .methods
        .iter()
        .zip(&valid)
        .map(|(method, valid)| property(block, method, *valid));

    let attrs = &block.attrs;
    let self_ty = &block.self_ty;
    let (impl_generics, _, where_clause) = block.generics.split_for_impl();
    let tokens = quote! {
        #(#attrs)*
        impl #impl_generics #self_ty #where_clause {
            #(#getters)*
        }

        const _: () = {
            #(#properties)*
        };
    };
    match errors.finish() {
        Ok(()) => tokens,
        // The getters and impls are emitted anyway (an invalid body as `unreachable!()`), so
        // that the model and every caller still type-check and only the mistake is reported.
        Err(error) => with_fallback(error, tokens),
    }
}

/// The public getter, with the method's attributes (docs included): it reads the memo.
fn getter(method: &Method) -> TokenStream {
    let reactive_model = crate::runtime_path::model_runtime();
    let attrs = &method.attrs;
    let vis = &method.vis;
    let ident = &method.ident;
    let output = output_type(method);
    let hash = crate::name_hash::name_hash(&crate::ast::unraw(ident));
    let cached = " \n\n Computed: cached, recomputed only when what it reads changes, and readers \
                  are notified only when the result differs.";
    // Spanned at the name: "not listed on the struct" points at it.
    let read = quote::quote_spanned!(ident.span()=>
        #reactive_model::__private::computed_value::<#hash, _>(self)
    );
    let has_docs = crate::attr::doc_attrs(attrs).next().is_some();
    let cached = has_docs.then(|| quote!(#[doc = #cached]));
    let inline =
        (!attrs.iter().any(|attr| attr.path().is_ident("inline"))).then(|| quote!(#[inline]));
    quote! {
        #(#attrs)*
        #cached
        #inline
        #vis fn #ident(&self) -> #output {
            #read
        }
    }
}

/// `impl ComputedProperty<hash> for PlayerModel`: the body, its type and docs.
fn property(block: &ComputedImpl, method: &Method, valid: bool) -> TokenStream {
    let self_ty = &block.self_ty;
    let (impl_generics, _, where_clause) = block.generics.split_for_impl();
    let property = computed_trait(&method.ident);
    let output = output_type(method);
    let type_text = method
        .output
        .as_ref()
        .map_or_else(|| "()".to_owned(), type_name);
    let doc = crate::attr::doc_text(&method.attrs);
    // Lint attributes apply to the body, which now lives here.
    let lint_attrs = method.attrs.iter().filter(|attr| {
        ["allow", "expect", "warn", "deny", "cfg"]
            .iter()
            .any(|name| attr.path().is_ident(name))
    });
    let body = if valid {
        let body = &method.body;
        quote!(#body)
    } else {
        quote!({ ::core::unreachable!("invalid computed property; see the errors above") })
    };
    quote! {
        impl #impl_generics #property for #self_ty #where_clause {
            type Output = #output;
            const TYPE: &'static str = #type_text;
            const DOC: &'static str = #doc;

            #(#lint_attrs)*
            fn compute(&self) -> #output #body
        }
    }
}

fn output_type(method: &Method) -> TokenStream {
    match &method.output {
        Some(ty) => quote!(#ty),
        None => quote!(()),
    }
}
