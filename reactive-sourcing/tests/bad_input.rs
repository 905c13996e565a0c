//! Bad input: unknown event types, undecodable payloads, wrong schema versions and failing
//! upcasters are typed errors naming stream, sequence, type and version — never a panic, never
//! a silent skip.

use reactive_sourcing::{
    Aggregate, AllowAll, Append, DomainEvent, EventStore, EventStoreError, ExpectedVersion,
    MemoryStore, NewEvent, Projection, RecordedEvent, ReplayTo, Repository, Schema,
    assert_all_readable, replay,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum CartEvent {
    ItemAdded { sku: String, quantity: u32 },
    CheckedOut,
}

impl DomainEvent for CartEvent {
    const TYPES: &'static [(&'static str, u32)] = &[("ItemAdded", 3), ("CheckedOut", 1)];
}

struct Cart;

impl Aggregate for Cart {
    type State = Vec<(String, u32)>;
    type Event = CartEvent;
    type Command = CartEvent;
    type Error = String;

    fn apply(state: &mut Self::State, event: &CartEvent) {
        if let CartEvent::ItemAdded { sku, quantity } = event {
            state.push((sku.clone(), *quantity));
        }
    }

    fn handle(_: &Self::State, command: CartEvent) -> Result<Vec<CartEvent>, String> {
        Ok(vec![command])
    }
}

/// v1: `{"item": "…"}` (quantity 1); v2: `{"sku": "…"}`; v3: `{"sku": "…", "quantity": n}`.
fn schema() -> Schema {
    let mut schema = Schema::new();
    schema.register::<CartEvent>().unwrap();
    schema
        .upcaster("ItemAdded", 1, |payload| {
            let item = payload["item"].as_str().ok_or("v1 has no `item`")?;
            Ok(json!({ "sku": item }))
        })
        .unwrap()
        .upcaster("ItemAdded", 2, |mut payload| {
            payload["quantity"] = json!(1);
            Ok(payload)
        })
        .unwrap();
    schema
}

fn store_with(events: Vec<NewEvent>) -> MemoryStore {
    let store = MemoryStore::new();
    store
        .append(Append::new("cart-1", ExpectedVersion::Any).events(events))
        .unwrap();
    store
}

fn load_error(store: MemoryStore) -> EventStoreError {
    match Repository::new(store, schema()).load::<Cart>("cart-1") {
        Ok(cart) => panic!(
            "expected an error, loaded {:?}",
            cart.state().get_untracked()
        ),
        Err(error) => error,
    }
}

#[test]
fn old_versions_are_upcast_through_the_chain_on_read() {
    let store = store_with(vec![
        NewEvent::new("ItemAdded", 1, json!({ "item": "apple" })),
        NewEvent::new("ItemAdded", 2, json!({ "sku": "pear" })),
        NewEvent::new("ItemAdded", 3, json!({ "sku": "fig", "quantity": 4 })),
    ]);
    let repository = Repository::new(store, schema());
    let cart = repository.load::<Cart>("cart-1").unwrap();
    assert_eq!(
        cart.state().get_untracked(),
        [
            ("apple".to_owned(), 1),
            ("pear".to_owned(), 1),
            ("fig".to_owned(), 4)
        ]
    );
    // Stored events are never rewritten.
    let stored = repository.store().read_all(1, 1).unwrap();
    assert_eq!(stored[0].schema_version, 1);
    assert_all_readable(repository.store(), repository.schema());
}

#[test]
fn an_unknown_event_type_is_a_typed_error_naming_the_event() {
    let store = store_with(vec![
        NewEvent::new("ItemAdded", 3, json!({ "sku": "a", "quantity": 1 })),
        NewEvent::new("CouponApplied", 1, json!({ "code": "X" })),
    ]);
    match load_error(store) {
        EventStoreError::UnknownEventType {
            stream,
            sequence,
            event_type,
        } => assert_eq!(
            (stream.as_str(), sequence, event_type.as_str()),
            ("cart-1", 2, "CouponApplied")
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_undecodable_payload_is_a_typed_error_naming_the_event() {
    let store = store_with(vec![NewEvent::new(
        "ItemAdded",
        3,
        json!({ "sku": "a", "quantity": "many" }),
    )]);
    let error = load_error(store);
    match &error {
        EventStoreError::Undecodable {
            stream,
            sequence,
            event_type,
            version,
            reason,
        } => {
            assert_eq!(
                (stream.as_str(), *sequence, event_type.as_str(), *version),
                ("cart-1", 1, "ItemAdded", 3)
            );
            assert!(
                reason.contains("quantity") || reason.contains("invalid type"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("sequence 1"));
}

#[test]
fn a_version_newer_than_the_code_is_a_typed_error() {
    let store = store_with(vec![NewEvent::new("ItemAdded", 4, json!({ "sku": "a" }))]);
    match load_error(store) {
        EventStoreError::UnsupportedVersion {
            stream,
            sequence,
            event_type,
            version,
            current,
        } => assert_eq!(
            (
                stream.as_str(),
                sequence,
                event_type.as_str(),
                version,
                current
            ),
            ("cart-1", 1, "ItemAdded", 4, 3)
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_version_no_upcaster_reaches_is_a_typed_error() {
    let store = store_with(vec![NewEvent::new("CheckedOut", 0, json!(null))]);
    match load_error(store) {
        EventStoreError::UnsupportedVersion {
            version, current, ..
        } => assert_eq!((version, current), (0, 1)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_upcaster_rejecting_a_payload_is_a_typed_error_at_the_version_it_failed() {
    let store = store_with(vec![NewEvent::new("ItemAdded", 1, json!({ "oops": 1 }))]);
    match load_error(store) {
        EventStoreError::Undecodable {
            version, reason, ..
        } => {
            assert_eq!(version, 1);
            assert!(reason.contains("v1 has no `item`"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_readability_check_lists_every_unreadable_pair() {
    let store = store_with(vec![
        NewEvent::new("ItemAdded", 1, json!({ "item": "a" })),
        NewEvent::new("ItemAdded", 4, json!({})),
        NewEvent::new("CheckedOut", 0, json!(null)),
        NewEvent::new("CouponApplied", 1, json!({})),
        NewEvent::new("ItemAdded", 3, json!({ "sku": 7 })),
    ]);
    let schema = schema();
    let quick: Vec<(String, u32)> = schema
        .check(&store)
        .unwrap()
        .into_iter()
        .map(|problem| (problem.event_type, problem.version))
        .collect();
    assert_eq!(
        quick,
        [
            ("CheckedOut".to_owned(), 0),
            ("CouponApplied".to_owned(), 1),
            ("ItemAdded".to_owned(), 4)
        ]
    );
    // The thorough check also decodes: `{"sku": 7}` does not fit.
    let thorough = schema.check_every_event(&store).unwrap();
    assert_eq!(thorough.len(), 4);
    assert!(
        thorough
            .iter()
            .any(|p| p.event_type == "ItemAdded" && p.version == 3)
    );
}

#[test]
#[should_panic(expected = "cannot be read by the current code")]
fn the_readability_test_helper_fails_a_test_for_stranded_events() {
    let store = store_with(vec![NewEvent::new("ItemAdded", 4, json!({}))]);
    assert_all_readable(&store, &schema());
}

#[derive(Default)]
struct Count(u32);

impl Projection for Count {
    type Event = CartEvent;

    fn apply(&mut self, _: &CartEvent, _: &RecordedEvent) {
        self.0 += 1;
    }
}

#[test]
fn a_replay_stops_with_the_typed_error_instead_of_skipping() {
    let store = store_with(vec![
        NewEvent::new("ItemAdded", 3, json!({ "sku": "a", "quantity": 1 })),
        NewEvent::new("Mystery", 1, json!({})),
        NewEvent::new("CheckedOut", 1, json!(null)),
    ]);
    let mut count = Count::default();
    let error = replay(&store, &schema(), &mut count, ReplayTo::End, &AllowAll).unwrap_err();
    assert!(matches!(
        error,
        EventStoreError::UnknownEventType { sequence: 2, .. }
    ));
    assert_eq!(count.0, 1, "the events before it were applied, none after");
}

#[test]
fn encoding_an_event_missing_from_types_is_a_typed_error() {
    #[derive(Serialize, Deserialize)]
    enum Partial {
        Listed,
        Forgotten,
    }
    impl DomainEvent for Partial {
        const TYPES: &'static [(&'static str, u32)] = &[("Listed", 1)];
    }
    assert!(NewEvent::from_domain(&Partial::Listed).is_ok());
    assert!(matches!(
        NewEvent::from_domain(&Partial::Forgotten),
        Err(EventStoreError::UnknownEventType { event_type, .. }) if event_type == "Forgotten"
    ));

    #[derive(Serialize, Deserialize)]
    struct NotAnEnum {
        value: u8,
        other: u8,
    }
    impl DomainEvent for NotAnEnum {
        const TYPES: &'static [(&'static str, u32)] = &[];
    }
    assert!(matches!(
        NewEvent::from_domain(&NotAnEnum { value: 1, other: 2 }),
        Err(EventStoreError::Encode { .. })
    ));
}

#[test]
fn registering_one_type_at_two_versions_is_refused() {
    #[derive(Serialize, Deserialize)]
    enum Other {
        ItemAdded,
    }
    impl DomainEvent for Other {
        const TYPES: &'static [(&'static str, u32)] = &[("ItemAdded", 1)];
    }
    let mut schema = schema();
    assert!(matches!(
        schema.register::<Other>(),
        Err(EventStoreError::InvalidInput { .. })
    ));
}
