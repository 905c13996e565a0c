//! Criterion benchmarks: cellx at 1,000, 2,500 and 5,000 layers, on every library.

mod support;

fn main() {
    support::main(benches::case::Group::Cellx);
}
