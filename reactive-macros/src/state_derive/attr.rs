//! Reading `#[state(...)]` (ours: every mistake reported) and the parts of `#[serde(...)]` that
//! decide a field's path (serde's: read quietly, serde reports its own mistakes).

use super::case::RenameRule;
use crate::attr::{Spanned, for_each_meta, parse_keyed, set_once_in, skip_value, unknown_key_in};
use crate::ctxt::Errors;
use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Ident, LitStr, Token};

/// Keys accepted in `#[state(...)]` on the type, for the "unknown attribute" message.
const CONTAINER_KEYS: &str = "`leaf`, `crate = \"...\"`";
/// Keys accepted in `#[state(...)]` on a field.
const FIELD_KEYS: &str = "`leaf`, `keyed = \"...\"`";

/// `#[state(...)]` on the type.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    /// `leaf`: the whole struct is one value.
    pub(crate) leaf: Option<Spanned<()>>,
    /// `crate = "path"`: where the runtime is, instead of looking it up in `Cargo.toml`.
    pub(crate) krate: Option<Spanned<syn::Path>>,
}

/// `#[state(...)]` on a field, as written: conflicts are checked in `valid.rs`.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    /// `leaf`: compared with `==` and replaced whole.
    pub(crate) leaf: Option<Spanned<()>>,
    /// `keyed = "id"`: the item's key field, spanned at the string so that a missing field is
    /// reported there.
    pub(crate) keyed: Option<Spanned<Ident>>,
}

/// The `#[serde(...)]` keys on the type that change paths.
#[derive(Default)]
pub(crate) struct SerdeContainer {
    /// `rename_all = "camelCase"` (or its `serialize = "…"` form).
    pub(crate) rename_all: Option<Spanned<RenameRule>>,
    /// `transparent`: the struct is written as its one field, so its fields have no paths.
    pub(crate) transparent: Option<Span>,
}

/// The `#[serde(...)]` keys on a field that change its path.
#[derive(Default)]
pub(crate) struct SerdeField {
    /// `rename = "name"` (or its `serialize = "…"` form).
    pub(crate) rename: Option<Spanned<String>>,
    /// `skip` or `skip_serializing`: the field is not in the JSON.
    pub(crate) skip: Option<Span>,
    /// `flatten`: the field's own fields are written into this struct.
    pub(crate) flatten: Option<Span>,
}

impl ContainerAttrs {
    pub(crate) fn parse(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut parsed = ContainerAttrs::default();
        for_each_state_meta(attrs, errors, |meta, errors| {
            if meta.path.is_ident("leaf") {
                set_once(&mut parsed.leaf, meta, (), errors);
            } else if meta.path.is_ident("crate") {
                let text: LitStr = meta.value()?.parse().map_err(|error| {
                    syn::Error::new(
                        error.span(),
                        "`crate` takes the runtime's path as a string: `crate = \"reactive_state\"`",
                    )
                })?;
                let path = text.parse::<syn::Path>().map_err(|_| {
                    syn::Error::new(
                        text.span(),
                        "`crate` takes a path such as `\"reactive_state\"` or `\"::my::state\"`",
                    )
                })?;
                set_once(&mut parsed.krate, meta, path, errors);
            } else {
                unknown_key(meta, CONTAINER_KEYS, "type", errors)?;
            }
            Ok(())
        });
        parsed
    }
}

impl FieldAttrs {
    pub(crate) fn parse(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut parsed = FieldAttrs::default();
        for_each_state_meta(attrs, errors, |meta, errors| {
            if meta.path.is_ident("leaf") {
                set_once(&mut parsed.leaf, meta, (), errors);
            } else if meta.path.is_ident("keyed") {
                let key = parse_keyed(meta)?;
                set_once(&mut parsed.keyed, meta, key, errors);
            } else {
                unknown_key(meta, FIELD_KEYS, "field", errors)?;
            }
            Ok(())
        });
        parsed
    }
}

impl SerdeContainer {
    pub(crate) fn parse(attrs: &[Attribute]) -> Self {
        let mut parsed = SerdeContainer::default();
        for_each_serde_meta(attrs, |meta| {
            if meta.path.is_ident("rename_all") {
                if let Some(text) = serialize_name(meta)? {
                    if let Some(rule) = RenameRule::from_name(&text.value()) {
                        parsed.rename_all = Some(Spanned {
                            span: text.span(),
                            value: rule,
                        });
                    }
                }
            } else if meta.path.is_ident("transparent") {
                parsed.transparent = Some(meta.path.require_ident()?.span());
            } else {
                skip_value(meta)?;
            }
            Ok(())
        });
        parsed
    }
}

impl SerdeField {
    pub(crate) fn parse(attrs: &[Attribute]) -> Self {
        let mut parsed = SerdeField::default();
        for_each_serde_meta(attrs, |meta| {
            if meta.path.is_ident("rename") {
                if let Some(text) = serialize_name(meta)? {
                    parsed.rename = Some(Spanned {
                        span: text.span(),
                        value: text.value(),
                    });
                }
            } else if meta.path.is_ident("skip") || meta.path.is_ident("skip_serializing") {
                parsed.skip = Some(meta.path.require_ident()?.span());
            } else if meta.path.is_ident("flatten") {
                parsed.flatten = Some(meta.path.require_ident()?.span());
            } else {
                skip_value(meta)?;
            }
            Ok(())
        });
        parsed
    }
}

fn for_each_state_meta(
    attrs: &[Attribute],
    errors: &mut Errors,
    each: impl FnMut(&ParseNestedMeta<'_>, &mut Errors) -> syn::Result<()>,
) {
    for_each_meta("state", attrs, errors, each);
}

/// Runs `each` on every key of every `#[serde(...)]` attribute. Errors are dropped: serde's own
/// derive reports malformed serde attributes, once.
fn for_each_serde_meta(
    attrs: &[Attribute],
    mut each: impl FnMut(&ParseNestedMeta<'_>) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| each(&meta));
    }
}

/// The name in `key = "name"` or `key(serialize = "name", deserialize = "…")`: the name used
/// when writing, which is what patches carry. `None` for a `deserialize`-only rename.
fn serialize_name(meta: &ParseNestedMeta<'_>) -> syn::Result<Option<LitStr>> {
    if meta.input.peek(Token![=]) {
        return meta.value()?.parse().map(Some);
    }
    let mut found = None;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("serialize") {
            found = Some(inner.value()?.parse()?);
        } else {
            skip_value(&inner)?;
        }
        Ok(())
    })?;
    Ok(found)
}

fn set_once<T>(
    slot: &mut Option<Spanned<T>>,
    meta: &ParseNestedMeta<'_>,
    value: T,
    errors: &mut Errors,
) {
    set_once_in("state", slot, meta, value, errors);
}

fn unknown_key(
    meta: &ParseNestedMeta<'_>,
    expected: &str,
    place: &str,
    errors: &mut Errors,
) -> syn::Result<()> {
    unknown_key_in("state", meta, expected, place, errors)
}
