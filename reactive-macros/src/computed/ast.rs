//! Parsing the `#[computed]` impl block by hand.
//!
//! `syn`'s `ItemImpl` needs its "full" feature (every expression and statement type), a large
//! share of a user's clean build. A computed block has a simple shape: methods whose bodies we
//! never look inside. So the block is read as attributes, generics, self type and methods, and
//! each body is kept as an opaque brace group.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Generics, Ident, Token, Type, Visibility};

/// `impl<G> PlayerModel<G> where .. { methods }`.
pub(crate) struct ComputedImpl {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) generics: Generics,
    pub(crate) self_ty: Type,
    pub(crate) methods: Vec<Method>,
}

/// One method, split into the parts the checks look at.
pub(crate) struct Method {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    /// `const`, `async`, `unsafe`, `extern "C"`: none is allowed.
    pub(crate) qualifiers: TokenStream,
    pub(crate) ident: Ident,
    pub(crate) generics: Generics,
    /// The parenthesised arguments, kept whole for their span.
    pub(crate) inputs: Group,
    pub(crate) output: Option<Type>,
    pub(crate) body: Group,
}

impl Parse for ComputedImpl {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let _: Token![impl] = input.parse().map_err(|error| {
            syn::Error::new(
                error.span(),
                "`#[computed]` goes on an `impl` block of a model handle: \
                 `#[computed] impl PlayerModel { fn hp_ratio(&self) -> f32 { .. } }`",
            )
        })?;
        let mut generics: Generics = input.parse()?;
        let self_ty: Type = input.parse()?;
        if input.peek(Token![for]) {
            return Err(input.error(
                "`#[computed]` goes on an inherent impl block (`impl PlayerModel`), not on a trait impl",
            ));
        }
        generics.where_clause = input.parse()?;
        let content;
        syn::braced!(content in input);
        let mut methods = Vec::new();
        while !content.is_empty() {
            methods.push(content.parse()?);
        }
        Ok(ComputedImpl {
            attrs,
            generics,
            self_ty,
            methods,
        })
    }
}

impl Parse for Method {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let mut qualifiers = TokenStream::new();
        while !input.peek(Token![fn]) {
            if input.is_empty() || input.peek(Token![;]) || input.peek(syn::token::Brace) {
                return Err(input.error(
                    "a `#[computed]` block holds only computed properties: \
                     `fn name(&self) -> Type { .. }`",
                ));
            }
            let token: TokenTree = input.parse()?;
            // `const X: T = ..;` and `type X = ..;` are items, not qualifiers of a method.
            if matches!(&token, TokenTree::Ident(ident) if ident == "type")
                || (matches!(&token, TokenTree::Ident(ident) if ident == "const")
                    && input.peek2(Token![:]))
            {
                return Err(syn::Error::new(
                    token.span(),
                    "a `#[computed]` block holds only computed properties: \
                     `fn name(&self) -> Type { .. }`",
                ));
            }
            qualifiers.extend([token]);
        }
        let _: Token![fn] = input.parse()?;
        let ident: Ident = input.parse()?;
        let mut generics: Generics = input.parse()?;
        let inputs = parse_group(
            input,
            Delimiter::Parenthesis,
            "expected the method's arguments `(&self)`",
        )?;
        let output = if input.peek(Token![->]) {
            let _: Token![->] = input.parse()?;
            Some(input.parse()?)
        } else {
            None
        };
        generics.where_clause = input.parse()?;
        let body = parse_group(
            input,
            Delimiter::Brace,
            "expected the method's body `{ .. }`",
        )?;
        Ok(Method {
            attrs,
            vis,
            qualifiers,
            ident,
            generics,
            inputs,
            output,
            body,
        })
    }
}

fn parse_group(input: ParseStream<'_>, delimiter: Delimiter, message: &str) -> syn::Result<Group> {
    match input.parse::<TokenTree>() {
        Ok(TokenTree::Group(group)) if group.delimiter() == delimiter => Ok(group),
        Ok(other) => Err(syn::Error::new(other.span(), message)),
        Err(error) => Err(syn::Error::new(error.span(), message)),
    }
}

impl Method {
    /// The arguments split at top-level commas (a trailing comma gives no empty argument).
    pub(crate) fn arguments(&self) -> Vec<TokenStream> {
        let mut arguments = vec![TokenStream::new()];
        for token in self.inputs.stream() {
            match &token {
                TokenTree::Punct(punct) if punct.as_char() == ',' => {
                    arguments.push(TokenStream::new())
                }
                _ => arguments
                    .last_mut()
                    .into_iter()
                    .for_each(|arg| arg.extend([token.clone()])),
            }
        }
        arguments.retain(|arg| !arg.is_empty());
        arguments
    }
}

/// Whether `tokens` is exactly `&self`.
pub(crate) fn is_ref_self(tokens: &TokenStream) -> bool {
    let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
    matches!(
        tokens.as_slice(),
        [TokenTree::Punct(amp), TokenTree::Ident(this)] if amp.as_char() == '&' && this == "self"
    )
}
