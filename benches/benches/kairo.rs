//! Criterion benchmarks: the eight kairo cases and molBench, on every library.

mod support;

fn main() {
    support::main(benches::case::Group::Kairo);
}
