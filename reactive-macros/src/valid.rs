//! Checks the compiler cannot make for us, each reported under the tokens it is about.
//!
//! What the type system does check is left to it, with spans that point at the user's tokens:
//! `nested` on a type that is not a model, `keyed` naming a field the item does not have, a
//! field type without `Clone`, `PartialEq` or `Debug`. Those surface as trait errors whose
//! messages are set with `#[diagnostic::on_unimplemented]` in `reactive-model`.

use crate::ast::{Container, Field, Shape, vec_item_type};
use crate::ctxt::Errors;
use quote::ToTokens;
use std::collections::BTreeMap;

/// Methods every handle has; a field or computed property of the same name would shadow one.
pub(crate) const HANDLE_METHODS: &[&str] = &[
    "new",
    "snapshot",
    "snapshot_untracked",
    "apply",
    "apply_patch",
    "apply_patches",
    "subscribe",
    "on_patch",
    "track_all",
    "track_field",
    "dispose",
    "is_disposed",
    "describe",
];

pub(crate) fn check(container: &Container<'_>, errors: &mut Errors) {
    check_shape(container, errors);
    check_generics(container, errors);
    for field in container.fields() {
        check_field_attrs(field, errors);
        check_reserved_name(field, errors);
    }
    check_method_names(container, errors);
    check_variant_names(container, errors);
}

fn check_shape(container: &Container<'_>, errors: &mut Errors) {
    const HINT: &str = "`#[derive(Model)]` needs a struct with named fields";
    match &container.shape {
        Shape::Named(_) => {}
        Shape::Tuple(fields) => errors.error_spanned_by(
            fields,
            format!(
                "{HINT}: a tuple struct's fields have no names to generate accessors from \
                 (`hp()`, `set_hp`); name them"
            ),
        ),
        Shape::Unit(token) => errors.error_spanned_by(
            token,
            format!("{HINT}: a unit struct has no fields to make reactive"),
        ),
        Shape::Enum(token) => errors.error_spanned_by(
            token,
            format!(
                "{HINT}, not an enum: a model tracks a fixed set of fields, and an enum's fields \
                 change with its variant; wrap the enum in a struct field (`state: MyEnum`) to \
                 track it as one value"
            ),
        ),
        Shape::Union(token) => errors.error_spanned_by(
            token,
            format!("{HINT}, not a union: a union's fields overlap and cannot be tracked apart"),
        ),
    }
}

fn check_generics(container: &Container<'_>, errors: &mut Errors) {
    for lifetime in container.generics.lifetimes() {
        errors.error_spanned_by(
            lifetime,
            "a model cannot have lifetime parameters: its values live in signals, which own \
             them (`'static`); use owned data (`String`, `Rc<str>`, `Arc<T>`) instead of borrows",
        );
    }
}

fn check_field_attrs(field: &Field<'_>, errors: &mut Errors) {
    let attrs = &field.attrs;
    if let (Some(_), Some(nested)) = (&attrs.skip, &attrs.nested) {
        errors.push(syn::Error::new(
            nested.span,
            "`skip` and `nested` cannot be combined: a skipped field is not tracked at all",
        ));
    }
    if let (Some(_), Some(keyed)) = (&attrs.skip, &attrs.keyed) {
        errors.push(syn::Error::new(
            keyed.span,
            "`skip` and `keyed` cannot be combined: a skipped field is not tracked at all",
        ));
    }
    if let (Some(_), Some(keyed)) = (&attrs.nested, &attrs.keyed) {
        errors.push(syn::Error::new(
            keyed.span,
            "`nested` and `keyed` cannot be combined: `keyed` already makes every item of the \
             list a nested model",
        ));
    }
    if attrs.keyed.is_some() && vec_item_type(field.ty).is_none() {
        errors.error_spanned_by(
            field.ty,
            format!(
                "`keyed` needs a field of type `Vec<Item>`, where `Item` is a model, but `{}` \
                 has type `{}`",
                field.name(),
                crate::expand::type_name(field.ty),
            ),
        );
    }
}

/// The handle keeps its own storage in fields named `__...`.
fn check_reserved_name(field: &Field<'_>, errors: &mut Errors) {
    if field.name().starts_with("__") {
        errors.error_spanned_by(
            field.ident,
            "field names starting with `__` are reserved for the model handle's own storage; \
             rename the field",
        );
    }
}

/// Every generated method of the handle must have one meaning: `set_hp` generated for `hp` must
/// not also be a field's getter, and no field may be called `snapshot`.
fn check_method_names(container: &Container<'_>, errors: &mut Errors) {
    let mut taken: BTreeMap<String, String> = HANDLE_METHODS
        .iter()
        .map(|method| {
            (
                method.to_string(),
                format!("the handle's own `{method}` method"),
            )
        })
        .collect();
    let mut claim = |name: String, owner: &dyn ToTokens, what: String, errors: &mut Errors| {
        if let Some(previous) = taken.get(&name) {
            errors.error_spanned_by(
                owner,
                format!(
                    "{what} generates the method `{name}`, which is already {previous}; rename it"
                ),
            );
        } else {
            taken.insert(name, what);
        }
    };
    for field in container.fields() {
        let name = field.name();
        let what = format!("the field `{name}`");
        let methods: Vec<String> = match field.kind() {
            crate::ast::FieldKind::Plain => vec![
                name.clone(),
                format!("with_{name}"),
                format!("set_{name}"),
                format!("update_{name}"),
                format!("{name}_signal"),
            ],
            crate::ast::FieldKind::Nested | crate::ast::FieldKind::Keyed { .. } => {
                vec![name.clone(), format!("set_{name}")]
            }
            crate::ast::FieldKind::Skip => vec![name.clone()],
        };
        for method in methods {
            claim(method, field.ident, what.clone(), errors);
        }
    }
}

/// `max_hp` and `max__hp` would both be `PlayerField::MaxHp`.
fn check_variant_names(container: &Container<'_>, errors: &mut Errors) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let tracked = container
        .fields()
        .iter()
        .filter(|field| field.is_tracked())
        .map(|field| (field.ident, field.variant_ident()));
    for (ident, variant) in tracked {
        let variant_name = variant.to_string();
        match seen.get(&variant_name) {
            // The same name twice is already reported by `check_method_names`.
            Some(previous) if *ident == *previous => {}
            Some(previous) => {
                errors.error_spanned_by(
                    ident,
                    format!(
                        "`{ident}` and `{previous}` both become the variant `{}::{variant_name}`; \
                         rename one of them",
                        container.field_enum_ident(),
                    ),
                );
            }
            None => {
                seen.insert(variant_name, ident.to_string());
            }
        }
    }
}
