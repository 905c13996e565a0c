//! Generic models.
use reactive_model::{computed, Model};

#[derive(Model, Clone, PartialEq, Debug)]
struct Pair<T: PartialOrd> {
    a: T,
    b: T,
}

#[computed]
impl<T: PartialOrd + Clone + std::fmt::Debug + 'static> PairModel<T> {
    /// The larger half.
    fn larger(&self) -> T {
        if self.a() >= self.b() { self.a() } else { self.b() }
    }
}

fn main() {
    let pair = PairModel::new(Pair { a: 1, b: 2 });
    assert_eq!(pair.larger(), 2);
    pair.set_a(5);
    assert_eq!(pair.larger(), 5);
    let words = PairModel::new(Pair { a: "x".to_string(), b: "y".to_string() });
    assert_eq!(words.larger(), "y");
}
