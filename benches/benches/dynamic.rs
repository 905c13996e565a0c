//! Criterion benchmarks: the six dynamic graph configurations, on every library.

mod support;

fn main() {
    support::main(benches::case::Group::Dynamic);
}
