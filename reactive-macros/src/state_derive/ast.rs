//! `#[derive(State)]`'s input, parsed: the type's shape, its fields with their path names, and
//! the `#[state(...)]` and `#[serde(...)]` attributes that matter to paths.

use super::attr::{ContainerAttrs, FieldAttrs, SerdeContainer, SerdeField};
use super::case::RenameRule;
use crate::ctxt::Errors;
use syn::{DeriveInput, Generics, Ident, Type};

/// The type the derive is applied to.
pub(crate) struct Container<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) serde: SerdeContainer,
    pub(crate) shape: Shape<'a>,
}

/// What the derive was applied to.
pub(crate) enum Shape<'a> {
    /// A struct with named fields: diffed, applied and navigated field by field (unless
    /// `#[state(leaf)]` is on the struct).
    Named(Vec<Field<'a>>),
    /// An enum, a tuple struct or a unit struct: one value, compared with `==` and replaced
    /// whole. The fields are kept to report `#[state(...)]` attributes that would do nothing.
    Value(Vec<&'a syn::Field>),
    /// A union: rejected in `valid.rs`.
    Union(&'a syn::token::Union),
}

/// One named field.
pub(crate) struct Field<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    pub(crate) attrs: FieldAttrs,
    pub(crate) serde: SerdeField,
}

/// How a field takes part in the state, once its attributes are known to be consistent.
pub(crate) enum FieldKind<'a> {
    /// A `State` value: diffed and applied recursively, navigable.
    Nested,
    /// `#[state(leaf)]`: compared with `==`, replaced whole, not navigable.
    Leaf,
    /// `#[state(keyed = "id")]`: a keyed collection whose items are keyed by their field `key`.
    Keyed { key: &'a Ident },
    /// `#[serde(skip)]`: not in the JSON, so not in the state's paths.
    Skipped,
}

impl<'a> Container<'a> {
    pub(crate) fn from_ast(input: &'a DeriveInput, errors: &mut Errors) -> Self {
        let attrs = ContainerAttrs::parse(&input.attrs, errors);
        let serde = SerdeContainer::parse(&input.attrs);
        let shape = match &input.data {
            syn::Data::Struct(data) => match &data.fields {
                syn::Fields::Named(named) => Shape::Named(
                    named
                        .named
                        .iter()
                        .filter_map(|field| Field::from_ast(field, errors))
                        .collect(),
                ),
                fields => Shape::Value(fields.iter().collect()),
            },
            syn::Data::Enum(data) => Shape::Value(
                data.variants
                    .iter()
                    .flat_map(|variant| variant.fields.iter())
                    .collect(),
            ),
            syn::Data::Union(data) => Shape::Union(&data.union_token),
        };
        Container {
            ident: &input.ident,
            generics: &input.generics,
            attrs,
            serde,
            shape,
        }
    }

    /// Whether the whole type is one value: an enum, a tuple or unit struct, or a struct marked
    /// `#[state(leaf)]`.
    pub(crate) fn is_leaf(&self) -> bool {
        matches!(self.shape, Shape::Value(_)) || self.attrs.leaf.is_some()
    }

    /// The fields diffed one by one: none for a leaf type.
    pub(crate) fn fields(&self) -> &[Field<'a>] {
        match &self.shape {
            Shape::Named(fields) if self.attrs.leaf.is_none() => fields,
            _ => &[],
        }
    }

    /// The fields that have a path: all but the skipped ones.
    pub(crate) fn state_fields(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields()
            .iter()
            .filter(|field| !matches!(field.kind(), FieldKind::Skipped))
    }

    /// The struct's `rename_all` rule, if it has one this derive knows.
    fn rename_rule(&self) -> Option<RenameRule> {
        self.serde.rename_all.as_ref().map(|rule| rule.value)
    }

    /// The field's segment in paths: its serde name.
    pub(crate) fn path_name(&self, field: &Field<'_>) -> String {
        if let Some(rename) = &field.serde.rename {
            return rename.value.clone();
        }
        let name = unraw(field.ident);
        match self.rename_rule() {
            Some(rule) => rule.apply_to_field(&name),
            None => name,
        }
    }
}

impl<'a> Field<'a> {
    fn from_ast(field: &'a syn::Field, errors: &mut Errors) -> Option<Self> {
        let attrs = FieldAttrs::parse(&field.attrs, errors);
        Some(Field {
            ident: field.ident.as_ref()?,
            ty: &field.ty,
            attrs,
            serde: SerdeField::parse(&field.attrs),
        })
    }

    /// How the field takes part. Conflicts are reported by `valid.rs`; here `skip` wins, then
    /// `keyed`, then `leaf`, so that the fallback stays well-formed.
    pub(crate) fn kind(&self) -> FieldKind<'_> {
        if self.serde.skip.is_some() {
            FieldKind::Skipped
        } else if let Some(keyed) = &self.attrs.keyed {
            FieldKind::Keyed { key: &keyed.value }
        } else if self.attrs.leaf.is_some() {
            FieldKind::Leaf
        } else {
            FieldKind::Nested
        }
    }
}

/// `name` without a leading `r#`: serde names the field `r#type` `type`.
pub(crate) fn unraw(ident: &Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map(str::to_owned).unwrap_or(name)
}
