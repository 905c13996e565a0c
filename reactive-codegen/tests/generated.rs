//! The generated golden source compiles (it is included here) and behaves: valid instances
//! deserialise and validate, invalid ones are rejected naming the path, values diff as `State`.

#[allow(missing_docs, dead_code)]
mod shop {
    include!("golden/shop.rs");
}

use reactive_state::{Diff, path};
use serde_json::json;
use shop::{SchemaViolation, Shop, Size};

fn valid() -> serde_json::Value {
    json!({
        "name": "Corner",
        "open": true,
        "products": [{"sku": "AB12", "price": 2.5, "size": "small"}],
        "ratings": [5, 4],
        "schemaVersion": 2,
        "address": {"streetLine": "1 High St", "type": "office"}
    })
}

#[test]
fn a_valid_instance_deserialises_validates_and_round_trips() {
    let shop: Shop = serde_json::from_value(valid()).unwrap();
    assert_eq!(shop.products[0].size, Some(Size::Small));
    assert_eq!(shop.validate(), Ok(()));
    assert_eq!(serde_json::to_value(&shop).unwrap(), valid());
}

#[test]
fn constraint_violations_are_listed_with_their_paths() {
    let mut v = valid();
    v["products"][0]["sku"] = json!("AB123");
    v["ratings"] = json!([3, 9]);
    v["name"] = json!("");
    v["schemaVersion"] = json!(3);
    let shop: Shop = serde_json::from_value(v).unwrap();
    let errors = shop.validate().unwrap_err();
    let found: Vec<(&str, &str)> = errors
        .iter()
        .map(|e: &SchemaViolation| (e.path.as_str(), e.keyword))
        .collect();
    assert_eq!(errors[3].message, "3 is not the constant 2");
    assert_eq!(
        found,
        [
            ("/name", "minLength"),
            ("/products/0/sku", "maxLength"),
            ("/ratings/1", "maximum"),
            ("/schemaVersion", "const")
        ]
    );
}

#[test]
fn a_string_that_does_not_match_its_pattern_is_reported_with_its_path() {
    let mut v = valid();
    v["products"][0]["sku"] = json!("ab12");
    let shop: Shop = serde_json::from_value(v).unwrap();
    let errors = shop.validate().unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0].path.as_str(), errors[0].keyword),
        ("/products/0/sku", "pattern")
    );
    assert_eq!(
        errors[0].message,
        "\"ab12\" does not match \"^[A-Z]{2}[0-9]+$\""
    );
}

#[test]
fn types_reject_what_the_schema_forbids_structurally() {
    let mut missing = valid();
    missing.as_object_mut().unwrap().remove("products");
    assert!(serde_json::from_value::<Shop>(missing).is_err());
    let mut unknown = valid();
    unknown["extra"] = json!(1);
    assert!(
        serde_json::from_value::<Shop>(unknown).is_err(),
        "additionalProperties: false"
    );
    let mut bad_enum = valid();
    bad_enum["products"][0]["size"] = json!("huge");
    assert!(serde_json::from_value::<Shop>(bad_enum).is_err());
}

#[test]
fn generated_types_diff_field_by_field_as_state() {
    let old: Shop = serde_json::from_value(valid()).unwrap();
    let mut new = old.clone();
    new.open = false;
    let patches = Diff::patches(&new, &old).unwrap();
    assert_eq!(patches.len(), 1);
    assert_eq!(patches[0].path, path!(open));
}
