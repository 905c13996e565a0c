//! Checks on each computed property's signature, reported under the offending tokens.

use super::ast::{ComputedImpl, Method, is_ref_self};
use crate::ctxt::Errors;
use proc_macro2::TokenStream;

/// The methods whose names are free: not one of the handle's own methods, not a name an earlier
/// method of the block took. Records an error for each other one, which gets no getter, so that
/// the compiler does not report the clash again.
pub(crate) fn check_names<'m>(block: &'m ComputedImpl, errors: &mut Errors) -> Vec<&'m Method> {
    let mut seen = std::collections::BTreeSet::new();
    let mut free = Vec::new();
    for method in &block.methods {
        let name = crate::ast::unraw(&method.ident);
        if crate::valid::HANDLE_METHODS.contains(&name.as_str()) {
            errors.error_spanned_by(
                &method.ident,
                format!(
                    "computed property `{name}` would replace the handle's own `{name}` method; \
                     rename it"
                ),
            );
        } else if !seen.insert(name.clone()) {
            errors.error_spanned_by(
                &method.ident,
                format!("computed property `{name}` is defined twice in this block"),
            );
        } else {
            free.push(method);
        }
    }
    free
}

/// Whether `method` is a well-formed computed property; records what is wrong otherwise.
pub(crate) fn check_method(method: &Method, errors: &mut Errors) -> bool {
    let before = errors.len();
    let name = &method.ident;
    if !method.qualifiers.is_empty() {
        errors.error_spanned_by(
            &method.qualifiers,
            format!(
                "computed property `{name}` must be a plain `fn`: it runs synchronously inside a \
                 memo whenever what it reads changes"
            ),
        );
    }
    if !method.generics.params.is_empty() || method.generics.where_clause.is_some() {
        errors.error_spanned_by(
            &method.generics,
            format!("computed property `{name}` cannot be generic: it is cached as one value"),
        );
    }
    let arguments = method.arguments();
    match arguments.first() {
        None => errors.push(syn::Error::new(
            method.inputs.span(),
            format!("computed property `{name}` takes `&self`: it reads the model it belongs to"),
        )),
        Some(first) if !is_ref_self(first) => errors.error_spanned_by(
            first,
            format!(
                "computed property `{name}` takes `&self`, not `{first}`: it only reads the model"
            ),
        ),
        Some(_) => {}
    }
    if arguments.len() > 1 {
        let extra: TokenStream = arguments[1..].iter().cloned().collect();
        errors.error_spanned_by(
            extra,
            format!(
                "computed property `{name}` takes no arguments besides `&self`: it is cached as \
                 one value, so it cannot depend on arguments; read other fields or signals inside \
                 it instead"
            ),
        );
    }
    if method.output.is_none() {
        errors.error_spanned_by(
            name,
            format!("computed property `{name}` must return its value: add `-> Type`"),
        );
    }
    errors.len() == before
}

/// `PlayerField` (with the path written before it) for `impl PlayerModel`: where the block's
/// constants and the items the derive reads go. Records an error when the block is not on a
/// model handle's name.
pub(crate) fn field_enum_path(block: &ComputedImpl, errors: &mut Errors) -> Option<syn::Path> {
    let found = match &block.self_ty {
        syn::Type::Path(path) if path.qself.is_none() => {
            let mut path = path.path.clone();
            let renamed = path.segments.last_mut().is_some_and(|last| {
                let name = last.ident.to_string();
                match name.strip_suffix("Model").filter(|model| !model.is_empty()) {
                    Some(model) => {
                        last.ident = syn::Ident::new(&format!("{model}Field"), last.ident.span());
                        last.arguments = syn::PathArguments::None;
                        true
                    }
                    None => false,
                }
            });
            renamed.then_some(path)
        }
        _ => None,
    };
    if found.is_none() {
        let written = crate::expand::type_name(&block.self_ty);
        let model = written.split('<').next().unwrap_or_default();
        errors.error_spanned_by(
            &block.self_ty,
            format!(
                "`#[computed]` goes on the handle of a model: `impl {model}Model`, the type \
                 `#[derive(Model)]` generates for `struct {model}`, not `impl {written}`"
            ),
        );
    }
    found
}
