//! What a scope key holds: a [`Slot`], either a typed value (data, saved with the scope, or a
//! provided service, never saved) or raw JSON restored from a file and typed on first read.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::rc::Rc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A typed value behind `dyn`: what it is, and how (whether) it is saved.
pub(crate) trait AnyValue: 'static {
    /// The value itself.
    fn value(&self) -> &dyn Any;
    /// Its type's name, for messages and devtools.
    fn type_name(&self) -> &'static str;
    /// Whether the value is saved with its scope.
    fn is_saved(&self) -> bool;
    /// The value as JSON; `None` for values that are never saved.
    fn to_json(&self) -> Option<Result<Value, String>>;
    /// A value of the same type read from JSON; `None` for values that are never saved.
    fn same_type_from_json(&self, json: &Value) -> Option<Result<Rc<dyn AnyValue>, String>>;
}

/// A data value: saved with its scope.
pub(crate) struct Data<T>(pub T);

impl<T: Serialize + DeserializeOwned + 'static> AnyValue for Data<T> {
    fn value(&self) -> &dyn Any {
        &self.0
    }
    fn type_name(&self) -> &'static str {
        std::any::type_name::<T>()
    }
    fn is_saved(&self) -> bool {
        true
    }
    fn to_json(&self) -> Option<Result<Value, String>> {
        Some(serde_json::to_value(&self.0).map_err(|e| e.to_string()))
    }
    fn same_type_from_json(&self, json: &Value) -> Option<Result<Rc<dyn AnyValue>, String>> {
        Some(
            T::deserialize(json)
                .map(|v| Rc::new(Data(v)) as Rc<dyn AnyValue>)
                .map_err(|e| e.to_string()),
        )
    }
}

/// A provided value (a service, a store handle): never saved.
pub(crate) struct Provided<T>(pub T);

impl<T: 'static> AnyValue for Provided<T> {
    fn value(&self) -> &dyn Any {
        &self.0
    }
    fn type_name(&self) -> &'static str {
        std::any::type_name::<T>()
    }
    fn is_saved(&self) -> bool {
        false
    }
    fn to_json(&self) -> Option<Result<Value, String>> {
        None
    }
    fn same_type_from_json(&self, _: &Value) -> Option<Result<Rc<dyn AnyValue>, String>> {
        None
    }
}

/// The content of a key's signal.
pub(crate) enum Slot {
    /// A value set in code.
    Typed(Rc<dyn AnyValue>),
    /// A value restored from a file: its type is known only when it is read. The first typed
    /// read caches the decoded value (the logical value does not change, so no notification).
    Raw {
        json: Value,
        decoded: RefCell<Option<(TypeId, Rc<dyn Any>)>>,
    },
}

impl Slot {
    pub fn raw(json: Value) -> Slot {
        Slot::Raw {
            json,
            decoded: RefCell::new(None),
        }
    }

    /// The value as a `T`, decoding raw JSON if needed. `Err` carries what is there instead.
    pub fn read<T: DeserializeOwned + 'static>(&self) -> Result<Rc<dyn Any>, String> {
        match self {
            Slot::Typed(_) => Err("internal: typed slots are read by reference".into()),
            Slot::Raw { json, decoded } => {
                if let Some((ty, v)) = &*decoded.borrow()
                    && *ty == TypeId::of::<T>()
                {
                    return Ok(v.clone());
                }
                // User `Deserialize` code runs with nothing borrowed.
                let value: Rc<dyn Any> = Rc::new(
                    T::deserialize(json)
                        .map_err(|e| format!("saved JSON value that does not decode ({e})"))?,
                );
                *decoded.borrow_mut() = Some((TypeId::of::<T>(), value.clone()));
                Ok(value)
            }
        }
    }

    /// The type name shown in messages and devtools.
    pub fn type_name(&self) -> &'static str {
        match self {
            Slot::Typed(v) => v.type_name(),
            Slot::Raw { .. } => "saved JSON value",
        }
    }

    /// Whether the value is saved with its scope (data, or restored JSON).
    pub fn is_saved(&self) -> bool {
        match self {
            Slot::Typed(v) => v.is_saved(),
            Slot::Raw { .. } => true,
        }
    }

    /// The value as JSON, for saving and devtools; `None` when never saved.
    pub fn to_json(&self) -> Option<Result<Value, String>> {
        match self {
            Slot::Typed(v) => v.to_json(),
            Slot::Raw { json, .. } => Some(Ok(json.clone())),
        }
    }
}
