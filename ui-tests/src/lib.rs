//! Models as a user crate writes them, under `#![deny(missing_docs)]`: the generated items must
//! be documented, and pass `clippy -D warnings`, in the crate that derives them. Building this
//! library is the test; the trybuild cases live in `tests/ui.rs`.
//!
//! ```
//! use ui_tests::{Inventory, InventoryModel, Slot};
//!
//! let inventory = InventoryModel::new(Inventory {
//!     owner: "Ada".into(),
//!     slots: vec![Slot { id: 1, label: "axe".into(), count: 1 }],
//! });
//! inventory.slots().get(&1).unwrap().set_count(2);
//! assert_eq!(inventory.total(), 2);
//! ```
#![deny(missing_docs)]

use reactive_model::{Model, computed};
use serde::{Deserialize, Serialize};

/// Everything a player carries.
#[derive(Model, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[model(serde)]
pub struct Inventory {
    /// Who carries it.
    pub owner: String,
    /// The slots, keyed by their id.
    #[model(keyed = "id")]
    pub slots: Vec<Slot>,
}

/// One slot of an inventory.
#[derive(Model, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[model(serde)]
pub struct Slot {
    /// Identifies the slot; never changes.
    #[model(skip)]
    pub id: u32,
    /// What is in it.
    pub label: String,
    /// How many.
    pub count: u32,
}

#[computed]
impl InventoryModel {
    /// How many items, over all slots.
    pub fn total(&self) -> u32 {
        self.slots().handles().iter().map(|slot| slot.count()).sum()
    }
}

/// A point, generic over its coordinate type, nested in [`Marker`].
#[derive(Model, Clone, PartialEq, Debug, Default)]
pub struct Point<T> {
    /// Horizontal.
    pub x: T,
    /// Vertical.
    pub y: T,
}

/// A labelled point on a map.
#[derive(Model, Clone, PartialEq, Debug)]
pub struct Marker {
    /// Shown next to the point.
    pub label: String,
    /// Where it is.
    #[model(nested)]
    pub at: Point<i64>,
    /// Private fields get private accessors.
    visible: bool,
}

impl Marker {
    /// A visible marker.
    pub fn new(label: &str, x: i64, y: i64) -> Self {
        Marker {
            label: label.into(),
            at: Point { x, y },
            visible: true,
        }
    }
}

impl MarkerModel {
    /// Hides the marker (the `visible` accessors are private to this module).
    pub fn hide(&self) {
        self.set_visible(false);
    }

    /// Whether it is shown.
    pub fn is_visible(&self) -> bool {
        self.visible()
    }
}

/// A model with no tracked fields still derives.
#[derive(Model, Clone, PartialEq, Debug)]
pub struct Constant {
    /// Fixed at creation.
    #[model(skip)]
    pub value: u8,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_field_accessors_work_inside_the_defining_module() {
        let marker = MarkerModel::new(Marker::new("home", 1, 2));
        marker.hide();
        assert!(!marker.is_visible());
        assert_eq!(marker.at().snapshot(), Point { x: 1, y: 2 });
    }

    #[test]
    fn a_field_enum_serialises_fields_and_computed_properties_by_name() {
        let all = serde_json::to_string(InventoryField::ALL).unwrap();
        assert_eq!(all, r#"["owner","slots","total"]"#);
        let back: Vec<InventoryField> = serde_json::from_str(&all).unwrap();
        assert_eq!(back, InventoryField::ALL);
        assert_eq!(
            serde_json::from_str::<InventoryField>(r#""total""#).unwrap(),
            InventoryField::Total
        );
        let unknown = serde_json::from_str::<InventoryField>(r#""totl""#).unwrap_err();
        assert!(
            unknown
                .to_string()
                .contains("unknown field or computed property `totl`"),
            "{unknown}"
        );
    }

    #[test]
    fn a_model_without_tracked_fields_has_empty_field_and_patch_enums() {
        use reactive_model::ModelField;
        let constant = ConstantModel::new(Constant { value: 3 });
        assert_eq!(constant.value(), 3);
        assert!(ConstantField::ALL.is_empty());
        assert!(Constant::diff(&Constant { value: 1 }, &Constant { value: 2 }).is_empty());
        assert!(<ConstantField as ModelField>::ALL.is_empty());
    }
}
