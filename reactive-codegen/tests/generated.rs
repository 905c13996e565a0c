//! The generated golden source compiles (it is included here) and behaves: valid instances
//! deserialise and validate, invalid ones are rejected naming the path, values diff as `State`.

#[allow(missing_docs, dead_code)]
mod shop {
    include!("golden/shop.rs");
}

use reactive_state::{Diff, path};
use serde_json::json;
use shop::{SchemaViolation, Shop, ShopDiscount, ShopPayment, ShopPaymentCard, Size};

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
fn one_of_with_a_const_property_reads_as_a_tagged_enum_and_validates_its_branch() {
    let mut v = valid();
    v["payment"] = json!({"method": "card", "last4": "1234"});
    let shop: Shop = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(
        shop.payment,
        Some(ShopPayment::Card(ShopPaymentCard {
            last4: "1234".into()
        }))
    );
    assert_eq!(
        serde_json::to_value(&shop).unwrap(),
        v,
        "the tag is written back"
    );
    v["payment"] = json!({"method": "cash"});
    assert!(matches!(
        serde_json::from_value::<Shop>(v.clone()).unwrap().payment,
        Some(ShopPayment::Cash(_))
    ));
    v["payment"] = json!({"method": "cheque"});
    assert!(
        serde_json::from_value::<Shop>(v.clone()).is_err(),
        "no such branch"
    );
    v["payment"] = json!({"method": "card"});
    assert!(
        serde_json::from_value::<Shop>(v.clone()).is_err(),
        "last4 is required"
    );
    v["payment"] = json!({"method": "card", "last4": "12a4"});
    let errors = serde_json::from_value::<Shop>(v)
        .unwrap()
        .validate()
        .unwrap_err();
    assert_eq!(
        (errors[0].path.as_str(), errors[0].keyword),
        ("/payment/last4", "pattern")
    );
}

#[test]
fn any_of_reads_as_an_untagged_enum_whose_branch_constraints_are_checked() {
    let mut v = valid();
    for (discount, read) in [
        (json!(5), ShopDiscount::Int(5)),
        (json!("SPRING"), ShopDiscount::Str("SPRING".into())),
    ] {
        v["discount"] = discount.clone();
        let shop: Shop = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(shop.discount, Some(read));
        assert_eq!(shop.validate(), Ok(()));
        assert_eq!(serde_json::to_value(&shop).unwrap(), v);
    }
    v["discount"] = json!(true);
    assert!(
        serde_json::from_value::<Shop>(v.clone()).is_err(),
        "neither branch"
    );
    for (discount, keyword) in [
        (json!(-1), "minimum"),
        (json!("TOO-LONG-CODE"), "maxLength"),
    ] {
        v["discount"] = discount;
        let errors = serde_json::from_value::<Shop>(v.clone())
            .unwrap()
            .validate()
            .unwrap_err();
        assert_eq!(
            (errors[0].path.as_str(), errors[0].keyword),
            ("/discount", keyword)
        );
    }
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
