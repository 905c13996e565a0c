//! Criterion benchmarks: the creation and update micro cases, on every library.

mod support;

fn main() {
    support::main(benches::case::Group::Micro);
}
