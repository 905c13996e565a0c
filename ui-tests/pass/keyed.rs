//! `#[model(keyed = "id")]`: a keyed list whose handles survive reorders and removals.
use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
struct Bag {
    #[model(keyed = "id")]
    items: Vec<Item>,
}

#[derive(Model, Clone, PartialEq, Debug)]
struct Item {
    #[model(skip)]
    id: u32,
    count: u32,
}

fn main() {
    let bag = BagModel::new(Bag {
        items: vec![Item { id: 1, count: 1 }, Item { id: 2, count: 2 }],
    });
    let second = bag.items().get(&2).unwrap();
    bag.items().reorder(vec![2, 1]);
    bag.items().remove(&1);
    bag.items().push(Item { id: 3, count: 3 });
    second.set_count(20);
    assert_eq!(bag.items().keys(), [2, 3]);
    assert_eq!(bag.snapshot().items[0], Item { id: 2, count: 20 });
}
