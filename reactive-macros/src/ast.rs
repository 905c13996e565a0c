//! The derive's input, parsed into the shape the later phases work on.

use crate::attr::{ContainerAttrs, FieldAttrs};
use crate::ctxt::Errors;
use quote::format_ident;
use syn::{DeriveInput, Generics, Ident, Type, Visibility};

/// The struct `#[derive(Model)]` is applied to.
pub(crate) struct Container<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) vis: &'a Visibility,
    pub(crate) generics: &'a Generics,
    pub(crate) attrs: ContainerAttrs,
    /// The struct's doc comment, for `describe()`.
    pub(crate) doc: String,
    pub(crate) shape: Shape<'a>,
}

/// What kind of type the derive was applied to. Only `Named` is a model; the others are kept
/// so that `valid.rs` can point at the right token when it says why not.
pub(crate) enum Shape<'a> {
    Named(Vec<Field<'a>>),
    Tuple(&'a syn::FieldsUnnamed),
    Unit(&'a syn::token::Struct),
    Enum(&'a syn::token::Enum),
    Union(&'a syn::token::Union),
}

/// One named field of the struct.
pub(crate) struct Field<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) vis: &'a Visibility,
    pub(crate) ty: &'a Type,
    pub(crate) attrs: FieldAttrs,
    pub(crate) original: &'a syn::Field,
}

/// How a field is stored in the handle, once its attributes are known to be consistent.
pub(crate) enum FieldKind<'a> {
    /// One `Signal<T>`.
    Plain,
    /// Stored once, read-only, untracked.
    Skip,
    /// The field's own model handle.
    Nested,
    /// A `KeyedList<Item, Key>` keyed by the item's field `key`.
    Keyed { item: &'a Type, key: Ident },
}

impl<'a> Container<'a> {
    pub(crate) fn from_ast(input: &'a DeriveInput, errors: &mut Errors) -> Self {
        let attrs = ContainerAttrs::parse(&input.attrs, errors);
        let shape = match &input.data {
            syn::Data::Struct(data) => match &data.fields {
                syn::Fields::Named(named) => Shape::Named(
                    named
                        .named
                        .iter()
                        .filter_map(|field| Field::from_ast(field, errors))
                        .collect(),
                ),
                syn::Fields::Unnamed(unnamed) => Shape::Tuple(unnamed),
                syn::Fields::Unit => Shape::Unit(&data.struct_token),
            },
            syn::Data::Enum(data) => Shape::Enum(&data.enum_token),
            syn::Data::Union(data) => Shape::Union(&data.union_token),
        };
        Container {
            ident: &input.ident,
            vis: &input.vis,
            generics: &input.generics,
            attrs,
            doc: crate::attr::doc_text(&input.attrs),
            shape,
        }
    }

    /// The named fields, or none for the shapes `valid.rs` rejects.
    pub(crate) fn fields(&self) -> &[Field<'a>] {
        match &self.shape {
            Shape::Named(fields) => fields,
            _ => &[],
        }
    }

    /// `PlayerModel`: the `Copy` handle.
    pub(crate) fn handle_ident(&self) -> Ident {
        format_ident!("{}Model", self.ident)
    }

    /// `PlayerField`: names the tracked fields and computed properties.
    pub(crate) fn field_enum_ident(&self) -> Ident {
        format_ident!("{}Field", self.ident)
    }

    /// `PlayerPatch`: one field-level change.
    pub(crate) fn patch_ident(&self) -> Ident {
        format_ident!("{}Patch", self.ident)
    }
}

impl<'a> Field<'a> {
    fn from_ast(field: &'a syn::Field, errors: &mut Errors) -> Option<Self> {
        let attrs = FieldAttrs::parse(&field.attrs, errors);
        Some(Field {
            ident: field.ident.as_ref()?,
            vis: &field.vis,
            ty: &field.ty,
            attrs,
            original: field,
        })
    }

    /// The storage of this field. Conflicting attributes are reported by `valid.rs`; here the
    /// first of `skip`, `keyed`, `nested` wins, so that the fallback stays well-formed.
    pub(crate) fn kind(&self) -> FieldKind<'a> {
        if self.attrs.skip.is_some() {
            FieldKind::Skip
        } else if let Some(keyed) = &self.attrs.keyed {
            match vec_item_type(self.ty) {
                Some(item) => FieldKind::Keyed {
                    item,
                    key: keyed.value.clone(),
                },
                None => FieldKind::Plain,
            }
        } else if self.attrs.nested.is_some() {
            FieldKind::Nested
        } else {
            FieldKind::Plain
        }
    }

    /// The field's name without a `r#` prefix: `r#type` is the field `type`.
    pub(crate) fn name(&self) -> String {
        unraw(self.ident)
    }

    /// `MaxHp` for `max_hp`: the field's variant in the field enum.
    pub(crate) fn variant_ident(&self) -> Ident {
        variant_ident(self.ident)
    }

    /// The doc comment, carried to the getter and into `describe()`.
    pub(crate) fn doc(&self) -> String {
        crate::attr::doc_text(&self.original.attrs)
    }

    /// Whether the field has a signal (or model, or list) of its own, i.e. is not skipped.
    pub(crate) fn is_tracked(&self) -> bool {
        !matches!(self.kind(), FieldKind::Skip)
    }
}

/// `Item` in `Vec<Item>` (also `std::vec::Vec<Item>`, `alloc::vec::Vec<Item>`).
pub(crate) fn vec_item_type(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != "Vec" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|arg| match arg {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    });
    let item = types.next()?;
    // `Vec<T, A>` with a custom allocator is not a plain list of models.
    types.next().is_none().then_some(item)
}

/// `name` without a leading `r#`.
pub(crate) fn unraw(ident: &Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map(str::to_owned).unwrap_or(name)
}

/// UpperCamelCase of a snake_case ident: `max_hp` → `MaxHp`, `r#type` → `Type`.
pub(crate) fn variant_ident(ident: &Ident) -> Ident {
    let camel: String = unraw(ident)
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect();
    // A name made only of underscores has no letters to capitalise.
    let camel = if camel.is_empty() {
        "Field".to_owned()
    } else {
        camel
    };
    Ident::new(&camel, ident.span())
}
