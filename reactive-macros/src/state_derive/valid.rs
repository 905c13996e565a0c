//! Checks on `#[derive(State)]`'s input that the compiler cannot make, each reported under the
//! tokens it is about.
//!
//! What the type system checks is left to it, with spans on the user's tokens: a `keyed` field
//! that is not a list (`Sequence` has a diagnostic message), an item without the key field
//! (rustc's "no field `idd`", under the attribute's string), a field type that is not a
//! `State`.

use super::ast::{Container, Field, Shape, unraw};
use crate::ctxt::Errors;
use std::collections::BTreeMap;

pub(crate) fn check(container: &Container<'_>, errors: &mut Errors) {
    check_shape(container, errors);
    check_generics(container, errors);
    check_serde_container(container, errors);
    if let Shape::Named(fields) = &container.shape {
        for field in fields {
            check_field_attrs(container, field, errors);
        }
    }
    check_path_names(container, errors);
}

fn check_shape(container: &Container<'_>, errors: &mut Errors) {
    match &container.shape {
        Shape::Named(_) => {}
        Shape::Value(fields) => {
            // Enums, tuple and unit structs are one value: a field attribute would do nothing.
            for field in fields {
                for attr in field.attrs.iter().filter(|a| a.path().is_ident("state")) {
                    errors.error_spanned_by(
                        attr,
                        "`#[state(...)]` has no effect here: enums, tuple structs and unit \
                         structs are compared with `==` and replaced whole",
                    );
                }
            }
        }
        Shape::Union(token) => errors.error_spanned_by(
            token,
            "`#[derive(State)]` does not support unions: a union's fields overlap, so there is \
             no telling which one to compare; use an enum (compared and replaced whole) or a \
             struct",
        ),
    }
}

/// `Node: Any`, so a state owns its data.
fn check_generics(container: &Container<'_>, errors: &mut Errors) {
    for lifetime in container.generics.lifetimes() {
        errors.error_spanned_by(
            lifetime,
            "a state cannot borrow: `State` values are `'static` (stores keep and share them); \
             use owned data (`String`, `Arc<str>`, `Arc<T>`) instead of a lifetime parameter",
        );
    }
}

/// `#[serde(transparent)]` would put the one field's children at the struct's own path.
fn check_serde_container(container: &Container<'_>, errors: &mut Errors) {
    if let (Some(span), false) = (container.serde.transparent, container.is_leaf()) {
        errors.push(syn::Error::new(
            span,
            "`#[derive(State)]` does not support `#[serde(transparent)]` on a struct diffed \
             field by field; add `#[state(leaf)]` to compare and replace it whole",
        ));
    }
}

fn check_field_attrs(container: &Container<'_>, field: &Field<'_>, errors: &mut Errors) {
    let attrs = &field.attrs;
    let name = unraw(field.ident);
    if container.attrs.leaf.is_some() {
        if let Some(span) = field_attr_span(field) {
            errors.push(syn::Error::new(
                span,
                "field attributes have no effect on a struct marked `#[state(leaf)]`: it is \
                 compared with `==` and replaced whole",
            ));
        }
        return;
    }
    if let (Some(_), Some(keyed)) = (&attrs.leaf, &attrs.keyed) {
        errors.push(syn::Error::new(
            keyed.span,
            format!(
                "`keyed` and `leaf` cannot be combined on `{name}`: a keyed collection is diffed \
                 item by item, a leaf is replaced whole; keep one"
            ),
        ));
    }
    if field.serde.skip.is_some() {
        if let Some(span) = field_attr_span(field) {
            errors.push(syn::Error::new(
                span,
                format!(
                    "`{name}` has `#[serde(skip)]`, so it is not part of the state: \
                     `#[state(...)]` has no effect on it"
                ),
            ));
        }
    }
    if attrs.keyed.is_some() {
        check_keyed_type(field, errors);
    }
    if let Some(flatten) = field.serde.flatten {
        errors.push(syn::Error::new(
            flatten,
            format!(
                "`#[derive(State)]` does not support `#[serde(flatten)]`: the fields of \
                 `{name}` would have paths on this struct; nest it as a field, or add \
                 `#[state(leaf)]` to the struct"
            ),
        ));
    }
}

/// Types that are certainly not lists, rejected here so that the mistake is one error rather
/// than one per generated use of `keyed::Sequence`. Any other type is left to the compiler (a
/// user's own `Sequence` is accepted).
const NOT_LISTS: &[&str] = &[
    "Option", "Box", "Rc", "Arc", "String", "HashMap", "BTreeMap", "OrdMap", "HashSet", "BTreeSet",
    "OrdSet", "VecDeque",
];

fn check_keyed_type(field: &Field<'_>, errors: &mut Errors) {
    let name = match field.ty {
        syn::Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .map(|segment| segment.ident.to_string()),
        syn::Type::Path(_) => None,
        // Tuples, arrays, slices, references, pointers, function pointers.
        _ => Some(String::new()),
    };
    if let Some(name) = name.filter(|name| name.is_empty() || NOT_LISTS.contains(&name.as_str())) {
        let shown = if name.is_empty() {
            "this type".to_owned()
        } else {
            format!("`{name}`")
        };
        errors.error_spanned_by(
            field.ty,
            format!(
                "`keyed` needs a list (`Vec<T>`, `imbl::Vector<T>` or another \
                 `reactive_state::keyed::Sequence`), but {shown} is not one"
            ),
        );
    }
}

/// The first `#[state(...)]` key on a field, if any.
fn field_attr_span(field: &Field<'_>) -> Option<proc_macro2::Span> {
    let leaf = field.attrs.leaf.as_ref().map(|leaf| leaf.span);
    leaf.or(field.attrs.keyed.as_ref().map(|keyed| keyed.span))
}

/// Two fields with one path name would make patches ambiguous.
fn check_path_names(container: &Container<'_>, errors: &mut Errors) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for field in container.state_fields() {
        let path_name = container.path_name(field);
        let name = unraw(field.ident);
        if let Some(previous) = seen.get(&path_name) {
            let span = field
                .serde
                .rename
                .as_ref()
                .map_or_else(|| field.ident.span(), |rename| rename.span);
            errors.push(syn::Error::new(
                span,
                format!(
                    "`{name}` and `{previous}` both have the path name `{path_name}`; \
                     patches could not tell them apart"
                ),
            ));
        } else {
            seen.insert(path_name, name);
        }
    }
}
