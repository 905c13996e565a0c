//! Proptest strategies for [`State`] types (feature `proptest`): [`state_like`] varies the
//! leaves of an example value and keeps the variations that are still values of the type.

use proptest::prelude::*;
use reactive_state::State;
use serde_json::{Map, Number, Value};

/// Values of `T` shaped like `seed`: every boolean, number and string in `seed` (as JSON)
/// varies (a string becomes random lowercase letters or stays as it was); lists keep the shape of their first element and vary in length (empty to two longer
/// than in `seed`); map keys and `null`s (an `Option` that is `None`) stay as they are. A
/// variation that does not deserialise back into `T` (a number out of a field's range, a string
/// that is not one of an enum's names) is rejected, so give a seed whose leaves are of the kinds
/// you want varied.
///
/// Works with any `State` type, derived or written by hand, without a strategy of its own.
///
/// ```
/// use proptest::prelude::*;
/// use reactive_state::{Diff, State};
/// use reactive_testing::strategy::state_like;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(reactive_macros::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
/// struct Todo { title: String, done: bool, tags: Vec<String> }
///
/// let seed = Todo { title: "milk".into(), done: false, tags: vec!["shop".into()] };
/// proptest!(|(old in state_like(&seed), new in state_like(&seed))| {
///     // The law every State keeps: the diff of two values turns one into the other.
///     let mut applied = old.clone();
///     for p in Diff::patches(&new, &old).unwrap() {
///         applied.apply_patch(&p).unwrap();
///     }
///     prop_assert_eq!(applied, new);
/// });
/// ```
pub fn state_like<T: State + std::fmt::Debug>(seed: &T) -> impl Strategy<Value = T> + use<T> {
    let shape = serde_json::to_value(seed).unwrap_or(Value::Null);
    value_like(&shape).prop_filter_map("the variation is not a value of the type", |v| {
        serde_json::from_value(v).ok()
    })
}

/// JSON values shaped like `shape`, as [`state_like`] describes (without the type check).
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use reactive_testing::strategy::value_like;
/// use serde_json::json;
///
/// let mut runner = TestRunner::deterministic();
/// let v = value_like(&json!({"n": 1, "ok": true})).new_tree(&mut runner).unwrap().current();
/// assert!(v["n"].is_u64() && v["ok"].is_boolean());
/// ```
pub fn value_like(shape: &Value) -> BoxedStrategy<Value> {
    match shape {
        Value::Null => Just(Value::Null).boxed(),
        Value::Bool(_) => any::<bool>().prop_map(Value::Bool).boxed(),
        Value::Number(n) if n.is_u64() => (0u64..=1000).prop_map(Value::from).boxed(),
        Value::Number(n) if n.is_i64() => (-1000i64..=1000).prop_map(Value::from).boxed(),
        Value::Number(_) => (-1000.0f64..1000.0)
            .prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number))
            .boxed(),
        // The seed's own string stays possible: an enum's variant name is a string, and a
        // random one would almost never be a name of the type.
        Value::String(s) => prop_oneof![
            1 => Just(Value::String(s.clone())),
            3 => proptest::collection::vec(proptest::char::range('a', 'z'), 0..8)
                .prop_map(|cs| Value::String(cs.into_iter().collect())),
        ]
        .boxed(),
        Value::Array(items) => match items.first() {
            None => Just(Value::Array(Vec::new())).boxed(),
            Some(first) => proptest::collection::vec(value_like(first), 0..=items.len() + 2)
                .prop_map(Value::Array)
                .boxed(),
        },
        Value::Object(members) => {
            let keys: Vec<String> = members.keys().cloned().collect();
            let values: Vec<BoxedStrategy<Value>> = members.values().map(value_like).collect();
            values
                .prop_map(move |vs| {
                    Value::Object(keys.iter().cloned().zip(vs).collect::<Map<String, Value>>())
                })
                .boxed()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use serde::{Deserialize, Serialize};

    #[derive(reactive_macros::State, Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
    enum Filter {
        All,
        Done,
    }

    #[derive(reactive_macros::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
    struct App {
        count: u8,
        items: Vec<i32>,
        filter: Filter,
    }

    #[test]
    fn generated_values_keep_the_fields_range_and_vary() {
        let seed = App {
            count: 3,
            items: vec![1],
            filter: Filter::All,
        };
        let mut runner = TestRunner::deterministic();
        let strategy = state_like(&seed);
        let values: Vec<App> = (0..50)
            .map(|_| strategy.new_tree(&mut runner).unwrap().current())
            .collect();
        assert!(values.iter().any(|v| v.count != 3));
        assert!(values.iter().any(|v| v.items.len() != 1));
        assert!(values.iter().all(|v| v.items.len() <= 3));
        // An enum is a string the strategy varies; only the names of the type survive.
        assert!(
            values
                .iter()
                .all(|v| matches!(v.filter, Filter::All | Filter::Done))
        );
    }

    proptest! {
        #[test]
        fn diff_then_apply_reproduces_the_new_value(
            old in state_like(&App { count: 1, items: vec![1, 2], filter: Filter::All }),
            new in state_like(&App { count: 1, items: vec![1, 2], filter: Filter::All }),
        ) {
            let mut applied = old.clone();
            for p in reactive_state::Diff::patches(&new, &old).unwrap() {
                applied.apply_patch(&p).unwrap();
            }
            prop_assert_eq!(applied, new);
        }
    }
}
