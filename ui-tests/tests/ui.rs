//! The derive's compile-time contract: `pass/` programs build and run, `fail/` programs are
//! rejected with exactly the messages in their `.stderr` files.
//!
//! The `.stderr` files are compiler output for the toolchain pinned in `rust-toolchain.toml`;
//! regenerate them with `TRYBUILD=overwrite cargo test -p ui-tests` (see README.md).

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("pass/*.rs");
    cases.compile_fail("fail/*/*.rs");
}
