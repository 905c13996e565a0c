use crate::fixtures::{Runs, in_root};
use reactive_model::{Change, Model, computed};

/// Two values of any comparable type.
#[derive(Model, Clone, PartialEq, Debug)]
pub struct Pair<T> {
    pub a: T,
    pub b: T,
}

#[computed]
impl<T: Clone + PartialEq + std::fmt::Debug + 'static> PairModel<T> {
    /// Whether both halves are equal.
    pub fn same(&self) -> bool {
        self.with_a(|a| self.with_b(|b| a == b))
    }
}

/// A generic model nested in a generic model, and a generic keyed list.
#[derive(Model, Clone, PartialEq, Debug)]
pub struct Tagged<T, K> {
    #[model(nested)]
    pub pair: Pair<T>,
    #[model(keyed = "key")]
    pub entries: Vec<Entry<K>>,
    #[model(skip)]
    pub marker: Option<K>,
}

#[derive(Model, Clone, PartialEq, Debug)]
pub struct Entry<K> {
    #[model(skip)]
    pub key: K,
    pub hits: u32,
}

#[test]
fn a_generic_model_tracks_each_field_and_computes() {
    in_root(|| {
        let pair = PairModel::new(Pair {
            a: "x".to_string(),
            b: "y".to_string(),
        });
        let a_runs = Runs::effect(move || {
            pair.a();
        });
        assert!(!pair.same());
        pair.set_b("x".into());
        assert!(pair.same());
        assert_eq!(a_runs.get(), 1);
        assert_eq!(
            Pair::diff(&Pair { a: 1, b: 2 }, &Pair { a: 1, b: 3 }),
            [PairPatch::B(Change { old: 2, new: 3 })]
        );
    });
}

#[test]
fn generic_models_nest_and_key_by_a_generic_field() {
    in_root(|| {
        let tagged = TaggedModel::new(Tagged {
            pair: Pair { a: 1.5_f64, b: 2.5 },
            entries: vec![Entry { key: 'a', hits: 0 }],
            marker: None,
        });
        tagged.entries().push(Entry { key: 'b', hits: 1 });
        tagged.entries().get(&'a').unwrap().set_hits(5);
        tagged.pair().set_a(2.5);
        assert!(tagged.pair().same());
        assert_eq!(
            tagged.snapshot().entries,
            [Entry { key: 'a', hits: 5 }, Entry { key: 'b', hits: 1 }]
        );
        assert_eq!(
            Tagged::<f64, char>::describe().fields[1].ty,
            "Vec<Entry<K>>"
        );
    });
}
