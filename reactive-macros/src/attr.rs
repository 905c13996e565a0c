//! Reading `#[model(...)]` on the struct and on its fields, and the doc comments.
//!
//! Parsing keeps going after a mistake: an unknown or duplicate key is recorded and its value
//! skipped, so every mistake in every attribute is reported in one build.

use crate::ctxt::Errors;
use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Ident, LitStr, Token};

/// Keys accepted in `#[model(...)]` on the struct, for the "unknown attribute" message.
const CONTAINER_KEYS: &str = "`serde`";
/// Keys accepted in `#[model(...)]` on a field.
const FIELD_KEYS: &str = "`skip`, `nested`, `keyed = \"...\"`";

/// One attribute value together with the span of its key, for conflict and duplicate messages.
pub(crate) struct Spanned<T> {
    pub(crate) span: Span,
    pub(crate) value: T,
}

/// `#[model(...)]` on the struct.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    /// `computed(a, b)`: the old list of computed properties, ignored with a deprecation
    /// warning (a `#[computed]` block declares them); kept for the span of `computed`.
    pub(crate) computed: Option<Spanned<()>>,
    /// `serde`: derive `Serialize`/`Deserialize` for the patch enum.
    pub(crate) serde: Option<Spanned<()>>,
}

/// `#[model(...)]` on a field, as written: conflicts are checked in `valid.rs`.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    /// `skip`: stored and snapshotted, but read-only and not tracked.
    pub(crate) skip: Option<Spanned<()>>,
    /// `nested`: the field's type is itself a model.
    pub(crate) nested: Option<Spanned<()>>,
    /// `keyed = "id"`: a `Vec` of models, keyed by the named field of the item.
    pub(crate) keyed: Option<Spanned<Ident>>,
}

impl ContainerAttrs {
    pub(crate) fn parse(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut parsed = ContainerAttrs::default();
        for_each_model_meta(attrs, errors, |meta, errors| {
            if meta.path.is_ident("computed") {
                skip_value(meta)?;
                set_once(&mut parsed.computed, meta, (), errors);
            } else if meta.path.is_ident("serde") {
                set_once(&mut parsed.serde, meta, (), errors);
            } else {
                unknown_key(meta, CONTAINER_KEYS, "struct", errors)?;
            }
            Ok(())
        });
        parsed
    }
}

impl FieldAttrs {
    pub(crate) fn parse(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut parsed = FieldAttrs::default();
        for_each_model_meta(attrs, errors, |meta, errors| {
            if meta.path.is_ident("skip") {
                set_once(&mut parsed.skip, meta, (), errors);
            } else if meta.path.is_ident("nested") {
                set_once(&mut parsed.nested, meta, (), errors);
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

/// The text of the doc comments (`///` and `#[doc = "..."]`), one line per attribute, with the
/// single space after `///` removed. Other forms (`#[doc(hidden)]`) are not text and are skipped.
pub(crate) fn doc_text(attrs: &[Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value:
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }),
                ..
            }) => Some(text.value()),
            _ => None,
        })
        .map(|line| line.strip_prefix(' ').map(str::to_owned).unwrap_or(line))
        .collect();
    lines.join("\n").trim().to_owned()
}

/// The doc attributes themselves, to carry them over to generated items.
pub(crate) fn doc_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|attr| attr.path().is_ident("doc"))
}

/// Runs `each` on every key of every `#[<name>(...)]` attribute (`model`, `state`). An error
/// inside one key is recorded and the rest of that attribute is skipped; the other attributes
/// are still read.
pub(crate) fn for_each_meta(
    name: &str,
    attrs: &[Attribute],
    errors: &mut Errors,
    mut each: impl FnMut(&ParseNestedMeta<'_>, &mut Errors) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident(name)) {
        if let syn::Meta::Path(path) = &attr.meta {
            errors.error_spanned_by(
                path,
                format!("expected `#[{name}(...)]` with at least one key"),
            );
            continue;
        }
        let mut local_errors = Errors::default();
        let result = attr.parse_nested_meta(|meta| each(&meta, &mut local_errors));
        errors.extend(local_errors);
        if let Err(error) = result {
            errors.push(error);
        }
    }
}

fn for_each_model_meta(
    attrs: &[Attribute],
    errors: &mut Errors,
    each: impl FnMut(&ParseNestedMeta<'_>, &mut Errors) -> syn::Result<()>,
) {
    for_each_meta("model", attrs, errors, each);
}

/// Records `value` under `slot`, or a "duplicate" error pointing at the second occurrence of
/// the key in a `#[<name>(...)]` attribute.
pub(crate) fn set_once_in<T>(
    name: &str,
    slot: &mut Option<Spanned<T>>,
    meta: &ParseNestedMeta<'_>,
    value: T,
    errors: &mut Errors,
) {
    let key = path_to_string(&meta.path);
    if slot.is_some() {
        errors.error_spanned_by(&meta.path, format!("duplicate `{name}({key})` attribute"));
    } else {
        *slot = Some(Spanned {
            span: span_of(&meta.path),
            value,
        });
    }
}

fn set_once<T>(
    slot: &mut Option<Spanned<T>>,
    meta: &ParseNestedMeta<'_>,
    value: T,
    errors: &mut Errors,
) {
    set_once_in("model", slot, meta, value, errors);
}

/// Records an "unknown attribute" error for a key of `#[<name>(...)]` and consumes the key's
/// value (`= ...` or `(...)`) so the keys after it are still read.
pub(crate) fn unknown_key_in(
    name: &str,
    meta: &ParseNestedMeta<'_>,
    expected: &str,
    place: &str,
    errors: &mut Errors,
) -> syn::Result<()> {
    let key = path_to_string(&meta.path);
    errors.error_spanned_by(
        &meta.path,
        format!("unknown {name} attribute `{key}` on a {place}; expected one of {expected}"),
    );
    skip_value(meta)
}

fn unknown_key(
    meta: &ParseNestedMeta<'_>,
    expected: &str,
    place: &str,
    errors: &mut Errors,
) -> syn::Result<()> {
    unknown_key_in("model", meta, expected, place, errors)
}

/// Consumes a key's value (`= tokens` up to the next comma, or `(...)`), so the keys after it
/// are still read.
pub(crate) fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.input.parse::<Token![=]>()?;
        while !meta.input.is_empty() && !meta.input.peek(Token![,]) {
            meta.input.parse::<proc_macro2::TokenTree>()?;
        }
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        // Consumed, or syn reports the rest as unexpected.
        content.parse::<proc_macro2::TokenStream>()?;
    }
    Ok(())
}

/// Parses `keyed = "id"`: the name of the items' key field, with the string's span (so that
/// rustc's "no field `idd`" points at `"idd"`).
pub(crate) fn parse_keyed(meta: &ParseNestedMeta<'_>) -> syn::Result<Ident> {
    const USAGE: &str = "`keyed` takes the name of the items' key field as a string: \
                         `keyed = \"id\"`";
    if !meta.input.peek(Token![=]) {
        return Err(syn::Error::new(meta.path.require_ident()?.span(), USAGE));
    }
    let name: LitStr = meta
        .value()?
        .parse()
        .map_err(|error| syn::Error::new(error.span(), USAGE))?;
    let mut key = name.parse::<Ident>().map_err(|_| {
        syn::Error::new(
            name.span(),
            "`keyed` takes the name of a field of the item type, e.g. `keyed = \"id\"`",
        )
    })?;
    key.set_span(name.span());
    Ok(key)
}

fn path_to_string(path: &syn::Path) -> String {
    let segments: Vec<String> = path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    segments.join("::")
}

/// The span of a whole path (the first token's, joined with the last's where the compiler can).
fn span_of(path: &syn::Path) -> Span {
    let first = path.segments.first().map(|s| s.ident.span());
    let last = path.segments.last().map(|s| s.ident.span());
    match (first, last) {
        (Some(first), Some(last)) => first.join(last).unwrap_or(first),
        _ => Span::call_site(),
    }
}
