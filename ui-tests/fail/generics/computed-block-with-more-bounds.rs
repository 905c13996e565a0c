//! A generic model's computed properties are created with every model, so its `#[computed]`
//! block may not ask more of the type parameters than the struct does.
use reactive_model::{computed, Model};

#[derive(Model, Clone, PartialEq, Debug)]
struct Pair<T> {
    a: T,
    b: T,
}

#[computed]
impl<T: Ord + Clone + std::fmt::Debug + 'static> PairModel<T> {
    fn larger(&self) -> T {
        std::cmp::max(self.a(), self.b())
    }
}

fn main() {}
