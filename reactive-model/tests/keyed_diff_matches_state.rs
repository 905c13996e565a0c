//! `ListPatch::diff` and `reactive_state::keyed::diff` describe every change of a keyed list with
//! the same patches: same operations, same order, same positions, same JSON. Checked on random
//! pairs of lists. Needs `--features serde`.
#![cfg(feature = "serde")]

use proptest::prelude::*;
use reactive_model::{ListPatch, Model, StatePatch};
use reactive_state::{Diff, Path, keyed};
use serde::{Deserialize, Serialize};

#[derive(Model, reactive_macros::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[model(serde)]
struct Card {
    #[model(skip)]
    id: u8,
    rank: u8,
}

/// A list of cards with unique ids in a random order, with random ranks.
fn cards() -> impl Strategy<Value = Vec<Card>> {
    proptest::sample::subsequence((0u8..10).collect::<Vec<_>>(), 0..=10)
        .prop_shuffle()
        .prop_flat_map(|ids| {
            let n = ids.len();
            (Just(ids), proptest::collection::vec(0u8..3, n))
        })
        .prop_map(|(ids, ranks)| {
            ids.into_iter()
                .zip(ranks)
                .map(|(id, rank)| Card { id, rank })
                .collect()
        })
}

proptest! {
    #[test]
    fn a_list_patch_diff_is_the_keyed_state_diff(old in cards(), new in cards()) {
        let typed = ListPatch::diff(&old, &new, |card: &Card| card.id);
        let from_model: Vec<_> = typed.iter().map(|p| p.to_patch().unwrap()).collect();

        let mut from_state = Vec::new();
        let mut cx = Diff::at(Path::root(), &mut from_state);
        keyed::diff(&new, &old, |card: &Card| &card.id, &mut cx);
        cx.finish().unwrap();

        prop_assert_eq!(
            serde_json::to_value(&from_model).unwrap(),
            serde_json::to_value(&from_state).unwrap()
        );
        // And they read back into the same typed patches.
        let back: Vec<ListPatch<Card, u8>> =
            from_state.iter().map(|p| ListPatch::from_patch(p).unwrap()).collect();
        prop_assert_eq!(back, typed);
    }
}
