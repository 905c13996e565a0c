//! What a user with only `reactive` in `Cargo.toml` writes: both derives, a store of a derived
//! state with a keyed collection, and the same change seen as the same patch by a model and a
//! store. The generated code reaches its runtime through `reactive::__private`.

use reactive::prelude::*;
use reactive::state::Segment;
use serde::{Deserialize, Serialize};

#[derive(Model, State, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[model(serde)]
struct Board {
    title: String,
    #[model(keyed = "id")]
    #[state(keyed = "id")]
    cards: Vec<Card>,
}

#[derive(Model, State, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[model(serde)]
struct Card {
    #[model(skip)]
    id: String,
    done: bool,
}

fn board() -> Board {
    Board {
        title: "sprint".into(),
        cards: vec![
            Card {
                id: "a".into(),
                done: false,
            },
            Card {
                id: "b".into(),
                done: false,
            },
        ],
    }
}

#[test]
fn a_store_of_a_derived_state_addresses_keyed_items_by_key() {
    let ((), root) = create_root(|| {
        let store = Store::new(board());
        let commit = store
            .update(|b| {
                b.cards.swap(0, 1);
                b.cards[0].done = true;
            })
            .unwrap();
        let paths: Vec<String> = commit
            .patches()
            .iter()
            .map(|p| p.path.to_string())
            .collect();
        assert_eq!(paths, ["/cards/b", "/cards/b/done"]);
        let done = store.watch::<bool>(path!(cards).join(Segment::key("b")).join("done"));
        assert_eq!(done.get(), Some(true));
    });
    root.dispose();
}

#[test]
fn a_model_and_a_store_describe_one_change_with_the_same_json_patch() {
    let ((), root) = create_root(|| {
        let model = BoardModel::new(board());
        let store = Store::new(board());
        let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let sink = seen.clone();
        model.on_patch(move |patches| {
            sink.borrow_mut()
                .extend(patches.iter().map(|p| serde_json::to_value(p).unwrap()))
        });
        model.cards().get(&"b".to_string()).unwrap().set_done(true);
        let commit = store.update(|b| b.cards[1].done = true).unwrap();
        let from_store: Vec<_> = commit
            .patches()
            .iter()
            .map(|p| serde_json::to_value(p).unwrap())
            .collect();
        assert_eq!(*seen.borrow(), from_store);
        assert_eq!(
            from_store,
            [
                serde_json::json!({"op": "replace", "path": "/cards/b/done", "value": true, "old": false})
            ]
        );
    });
    root.dispose();
}
