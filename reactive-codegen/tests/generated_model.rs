//! The generated source with `--derive reactive_model::Model` compiles, and the types are
//! models: per-field signals that effects track.

#[allow(missing_docs, dead_code)]
mod shop {
    include!("golden/shop_model.rs");
}

use reactive_core::create_root;
use reactive_testing::record_effect;
use shop::{Shop, ShopModel};

#[test]
fn a_generated_type_derives_model_and_its_fields_are_signals() {
    let shop: Shop = serde_json::from_value(serde_json::json!({
        "name": "Corner", "open": false, "products": []
    }))
    .unwrap();
    assert_eq!(shop.validate(), Ok(()));
    let ((model, log), root) = create_root(|| {
        let model = ShopModel::new(shop);
        let (_effect, log) = record_effect(move || model.open());
        (model, log)
    });
    model.set_open(true);
    model.set_name("Square".into()); // not read by the effect
    assert_eq!(log.take(), [false, true]);
    root.dispose();
}
