//! The examples' types, shared by their programs (`src/bin/*.rs`) and by the generated docs.
//!
//! Each module holds the state of one example: [`arena`] (`#[derive(Model)]` models with a keyed
//! list, a nested model and computed properties), [`editor`] (a `State` document and the rules its
//! store validates), [`bank`] (an event-sourced account and its versioned event types) and
//! [`checkout`] (a statechart). [`docs`] gathers their metadata into a
//! `reactive_codegen::DocCatalog`; `cargo run -p reactive-codegen -- docs` (or
//! `cargo run -p examples --bin docs`) writes it to `examples/docs/`, and a test keeps the
//! committed files up to date. [`output`] is the programs' standard output, which ends them
//! quietly when its reader goes away (`bank --history | head`).

pub mod arena;
pub mod bank;
pub mod checkout;
pub mod docs;
pub mod editor;
pub mod output;

/// The devtools address a program was asked to serve on: `--devtools` (the default,
/// `127.0.0.1:7777`) or `--devtools=ADDR` among its arguments; `None` without the flag. Shared
/// by the `dashboard` and `editor` programs.
pub fn devtools_addr() -> Option<String> {
    devtools_addr_in(std::env::args().skip(1))
}

fn devtools_addr_in(args: impl IntoIterator<Item = String>) -> Option<String> {
    args.into_iter()
        .find_map(|a| match a.strip_prefix("--devtools") {
            Some("") => Some("127.0.0.1:7777".to_string()),
            Some(rest) => rest.strip_prefix('=').map(String::from),
            None => None,
        })
}

#[cfg(test)]
mod tests {
    use super::devtools_addr_in;

    fn addr(args: &[&str]) -> Option<String> {
        devtools_addr_in(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn the_devtools_flag_gives_the_default_or_the_named_address() {
        assert_eq!(addr(&["--quiet"]), None);
        assert_eq!(addr(&["--devtools"]).as_deref(), Some("127.0.0.1:7777"));
        assert_eq!(
            addr(&["--devtools=0.0.0.0:9"]).as_deref(),
            Some("0.0.0.0:9")
        );
        assert_eq!(addr(&["--devtoolsx"]), None);
    }
}
