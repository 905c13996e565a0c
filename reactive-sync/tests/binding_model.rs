//! `#[derive(Model)]` models bound to synced documents: local changes travel as Loro updates,
//! remote updates land as one batch (effects run once per remote update), and replicas
//! converge through a lossy, reordering network.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use loro::LoroDoc;
use proptest::prelude::*;
use reactive_core::{Effect, batch, create_root};
use reactive_model::Model;
use reactive_sync::{ModelBinding, SyncSchema};
use serde::{Deserialize, Serialize};

#[derive(Model, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[model(serde)]
struct Board {
    title: String,
    votes: i64,
    #[model(keyed = "id")]
    cards: Vec<Card>,
}

#[derive(Model, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[model(serde)]
struct Card {
    #[model(skip)]
    id: String,
    text: String,
    done: bool,
}

fn schema() -> SyncSchema {
    SyncSchema::new().keyed("/cards", "id")
}

fn empty() -> Board {
    Board {
        title: String::new(),
        votes: 0,
        cards: Vec::new(),
    }
}

fn card(id: &str, text: &str) -> Card {
    Card {
        id: id.into(),
        text: text.into(),
        done: false,
    }
}

#[test]
fn a_remote_update_is_one_batch_for_the_effects_however_much_it_changed() {
    let ((), owner) = create_root(|| {
        let ada = BoardModel::new(empty());
        let a = ModelBinding::new(ada, LoroDoc::new(), schema()).unwrap();
        let bob = BoardModel::new(empty());
        let b = ModelBinding::new(bob, a.doc().fork(), schema()).unwrap();
        let runs = Rc::new(Cell::new(0));
        let seen = Rc::new(RefCell::new(Vec::new()));
        let (r, s) = (runs.clone(), seen.clone());
        Effect::new(move || {
            let snapshot = bob.snapshot();
            s.borrow_mut()
                .push((snapshot.title.clone(), snapshot.cards.len()));
            r.set(r.get() + 1);
        });

        // Three separate local changes on Ada's side, one update for Bob.
        let since = b.version();
        ada.set_title("sprint".into());
        ada.inventory_like_push(card("c1", "write tests"));
        ada.inventory_like_push(card("c2", "ship"));
        b.import(&a.updates_since(&since).unwrap()).unwrap();
        assert_eq!(runs.get(), 2, "the first run and one for the remote update");
        assert_eq!(
            *seen.borrow(),
            [(String::new(), 0), ("sprint".to_string(), 2)],
            "the effect never saw half of the update"
        );
        assert_eq!(bob.snapshot(), ada.snapshot());
        assert_eq!(b.stats().remote_batches, 1);
        assert_eq!(a.stats().local_changes, 3);

        // The echo of a remote update is not written back as a local change.
        let before = b.version();
        assert_eq!(b.stats().local_changes, 0);
        assert_eq!(b.version(), before);
    });
    owner.dispose();
}

/// Pushing a card as an app would: a new list, applied as one model change.
trait PushCard {
    fn inventory_like_push(&self, card: Card);
}

impl PushCard for BoardModel {
    fn inventory_like_push(&self, card: Card) {
        let mut next = self.snapshot_untracked();
        next.cards.push(card);
        self.apply(next);
    }
}

#[test]
fn concurrent_edits_of_two_models_converge_and_keyed_items_merge_by_key() {
    let ((), owner) = create_root(|| {
        let ada = BoardModel::new(Board {
            title: "plan".into(),
            votes: 0,
            cards: vec![card("c1", "a"), card("c2", "b")],
        });
        let a = ModelBinding::new(ada, LoroDoc::new(), schema()).unwrap();
        a.doc().set_peer_id(1).unwrap();
        let bob = BoardModel::new(empty());
        let b = ModelBinding::new(bob, a.doc().fork(), schema()).unwrap();
        b.doc().set_peer_id(2).unwrap();
        assert_eq!(bob.snapshot(), ada.snapshot(), "bound to content: loaded");

        let (seen_a, seen_b) = (a.version(), b.version());
        // Ada ticks c1 and renames the board; Bob edits c2's text and moves it first.
        batch(|| {
            ada.cards().get(&"c1".to_string()).unwrap().set_done(true);
            ada.set_title("plan v2".into());
        });
        let mut moved = bob.snapshot_untracked();
        moved.cards.swap(0, 1);
        moved.cards[0].text = "B".into();
        bob.apply(moved);

        a.import(&b.updates_since(&seen_a).unwrap()).unwrap();
        b.import(&a.updates_since(&seen_b).unwrap()).unwrap();
        let (x, y) = (ada.snapshot(), bob.snapshot());
        assert_eq!(x, y);
        assert_eq!(x.title, "plan v2");
        let ids: Vec<&str> = x.cards.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c2", "c1"], "the move stayed a move");
        assert!(x.cards[1].done);
        assert_eq!(x.cards[0].text, "B");
    });
    owner.dispose();
}

#[derive(Clone, Debug)]
enum Edit {
    Title(String),
    Vote,
    Add(u8),
    Toggle(u8),
    Remove(u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        "[a-z]{0,4}".prop_map(Edit::Title),
        Just(Edit::Vote),
        (0u8..6).prop_map(Edit::Add),
        (0u8..6).prop_map(Edit::Toggle),
        (0u8..6).prop_map(Edit::Remove),
    ]
}

/// Cards are created with ids of their replica (`c{replica}-{n}`): two replicas creating one
/// key concurrently would make two items of one key, which a model cannot hold.
fn perform(model: BoardModel, replica: usize, edit: &Edit) {
    let mut next = model.snapshot_untracked();
    match edit {
        Edit::Title(t) => next.title = t.clone(),
        Edit::Vote => next.votes += 1,
        Edit::Add(n) => {
            let id = format!("c{replica}-{n}");
            if !next.cards.iter().any(|c| c.id == id) {
                next.cards.push(card(&id, "new"));
            }
        }
        Edit::Toggle(n) => {
            if let Some(c) = next.cards.get_mut(usize::from(*n)) {
                c.done = !c.done;
            }
        }
        Edit::Remove(n) => {
            if usize::from(*n) < next.cards.len() {
                next.cards.remove(usize::from(*n));
            }
        }
    }
    model.apply(next);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random edits on three replicas, each delivered (or dropped, to be caught up later) in a
    /// random order; at the end every replica exchanges everything: all three models hold the
    /// same value as their documents, and every remote update ran the effects at most once.
    #[test]
    fn three_models_converge_whatever_the_network_drops_or_reorders(
        steps in prop::collection::vec((0usize..3, edit(), 0usize..3, any::<bool>()), 1..40)
    ) {
        let (result, owner) = create_root(|| -> Result<(), TestCaseError> {
            let seed = BoardModel::new(empty());
            let first = ModelBinding::new(seed, LoroDoc::new(), schema()).unwrap();
            let mut models = vec![seed];
            let mut bindings = vec![first];
            for peer in 1..3 {
                let model = BoardModel::new(empty());
                let binding = ModelBinding::new(model, bindings[0].doc().fork(), schema()).unwrap();
                binding.doc().set_peer_id(peer + 10).unwrap();
                models.push(model);
                bindings.push(binding);
            }
            let runs: Vec<Rc<Cell<u64>>> = models
                .iter()
                .map(|&m| {
                    let runs = Rc::new(Cell::new(0));
                    let r = runs.clone();
                    Effect::new(move || { m.snapshot(); r.set(r.get() + 1); });
                    runs
                })
                .collect();
            for (who, edit, to, deliver) in &steps {
                perform(models[*who], *who, edit);
                if *deliver && to != who {
                    let since = bindings[*to].version();
                    let before = (runs[*to].get(), bindings[*to].stats().remote_batches);
                    let bytes = bindings[*who].updates_since(&since).unwrap();
                    bindings[*to].import(&bytes).unwrap();
                    let after = (runs[*to].get(), bindings[*to].stats().remote_batches);
                    prop_assert!(after.0 - before.0 <= 1, "effects ran {} times for one update", after.0 - before.0);
                    prop_assert_eq!(after.0 - before.0, after.1 - before.1);
                }
            }
            for _round in 0..2 {
                for from in 0..3 {
                    for to in 0..3 {
                        if from != to {
                            let bytes = bindings[from].updates_since(&bindings[to].version()).unwrap();
                            bindings[to].import(&bytes).unwrap();
                        }
                    }
                }
            }
            let expected = models[0].snapshot_untracked();
            for (model, binding) in models.iter().zip(&bindings) {
                prop_assert_eq!(&model.snapshot_untracked(), &expected);
                let decoded: Board = serde_json::from_value(reactive_sync::read_json(binding.doc())).unwrap();
                prop_assert_eq!(&decoded, &expected);
                prop_assert!(binding.take_error().is_none());
            }
            Ok(())
        });
        owner.dispose();
        result?;
    }
}
