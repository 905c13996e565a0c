//! The procedural macros behind [`reactive-model`] (`#[derive(Model)]` and `#[computed]`) and
//! [`reactive-state`] (`#[derive(State)]`).
//!
//! Use them through `reactive_model`, which re-exports both and holds the runtime types the
//! generated code names (`Model`, `KeyedList`, `Change`, …). This crate only turns a struct into
//! tokens; it has no runtime behaviour of its own.
//!
//! ```
//! use reactive_model::{computed, Model};
//!
//! #[derive(Model, Clone, PartialEq, Debug)]
//! struct Health {
//!     hp: u32,
//!     max_hp: u32,
//! }
//!
//! #[computed]
//! impl HealthModel {
//!     fn ratio(&self) -> f32 {
//!         self.hp() as f32 / self.max_hp() as f32
//!     }
//! }
//!
//! let health = HealthModel::new(Health { hp: 5, max_hp: 10 });
//! assert_eq!(health.ratio(), 0.5);
//! health.set_hp(10);
//! assert_eq!(health.ratio(), 1.0);
//! ```
//!
//! # How the derive is built
//!
//! One file per phase, as in `serde_derive` and `thiserror`:
//!
//! | file        | phase                                                                    |
//! |-------------|--------------------------------------------------------------------------|
//! | `ast.rs`    | parse the `DeriveInput` into a `Container` of fields                     |
//! | `attr.rs`   | read `#[model(...)]` on the struct and its fields                        |
//! | `valid.rs`  | check what the type system cannot: shapes, conflicts, name collisions    |
//! | `expand.rs` | write the handle, field enum, patch enum and trait impls (`quote!`)      |
//!
//! Every phase pushes its errors into one `Errors` collector, so a user sees all
//! their mistakes at once, each under the tokens it is about. When there is any error the
//! output is the `compile_error!`s plus a minimal fallback (the handle type and trait impls whose
//! bodies are unreachable), so one mistake does not cascade into errors at every use of the model.
//!
//! `#[computed]` has the same layout under `computed/`, `#[derive(State)]` under `state_derive/`
//! (it finds its runtime crate through `runtime_path.rs`).
//!
//! [`reactive-model`]: https://docs.rs/reactive-model
//! [`reactive-state`]: https://docs.rs/reactive-state

mod ast;
mod attr;
mod computed;
mod ctxt;
mod expand;
mod runtime_path;
mod state_derive;
mod valid;

use proc_macro::TokenStream;

/// Derives `reactive_model::Model` for a struct with named fields, and generates its reactive
/// handle `<Name>Model`, its field enum `<Name>Field` and its patch enum `<Name>Patch`.
///
/// Field attributes: `#[model(skip)]` (stored, read-only, not tracked), `#[model(nested)]` (the
/// field is itself a model: fine-grained all the way down), `#[model(keyed = "field")]` (on a
/// `Vec<Item>` of models: a `KeyedList` keyed by `Item::field`).
///
/// Container attributes: `#[model(serde)]` (the patch enum converts to and
/// from a `reactive_state::Patch` with `reactive_model::StatePatch` and serialises as that JSON
/// Patch operation, the field enum implements `Serialize` and `Deserialize`, the handle gains
/// `apply_state_patch`; needs the `serde` feature of `reactive-model`).
///
/// ```
/// use reactive_model::Model;
///
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Counter {
///     /// How many times the button was pressed.
///     count: u32,
/// }
///
/// let counter = CounterModel::new(Counter { count: 1 });
/// counter.update_count(|c| *c += 1);
/// assert_eq!(counter.count(), 2);
/// assert_eq!(counter.snapshot(), Counter { count: 2 });
/// ```
#[proc_macro_derive(Model, attributes(model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive(&input).into()
}

/// Turns the methods of an `impl <Name>Model { ... }` block into computed properties: lazy, cached
/// memos with an equality cut-off, read like fields.
///
/// Each method takes `&self`, nothing else, and returns a value (`Clone + PartialEq`). The block
/// is the only place a computed property is declared: the model's derive finds the block's
/// properties by itself, stores a memo for each when the model is created, lists them in
/// `describe()`, and the field enum gains one constant per property (`RectField::Area`), for
/// `subscribe` and `track_field`. One `#[computed]` block per model; the getters have the
/// methods' docs and visibility.
///
/// ```
/// use reactive_model::{computed, Model};
///
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Rect {
///     width: u32,
///     height: u32,
/// }
///
/// #[computed]
/// impl RectModel {
///     /// Width times height.
///     fn area(&self) -> u32 {
///         self.width() * self.height()
///     }
/// }
///
/// let rect = RectModel::new(Rect { width: 2, height: 3 });
/// assert_eq!(rect.area(), 6);
/// ```
#[proc_macro_attribute]
pub fn computed(args: TokenStream, input: TokenStream) -> TokenStream {
    computed::expand(args.into(), input.into()).into()
}

/// Derives `reactive_state::Node` and `reactive_state::State`: the structural diff of a value
/// into JSON Patch patches, applying a patch, and navigating the value by path.
///
/// A **struct with named fields** is diffed, applied and navigated field by field: a change to
/// `done` is one patch at `/done`. Each field's path segment is its serde name, so patch paths
/// match the JSON: `#[serde(rename = "…")]` on a field and `#[serde(rename_all = "…")]` on the
/// struct (all of serde's rules) are honoured. Fields with `#[serde(skip)]` (or
/// `skip_serializing`) are not in the JSON, so they are not in the state either: they are not
/// compared (a change only there produces no patch), have no path, and a whole-value
/// replacement leaves them at their serde default.
///
/// An **enum**, a **tuple struct** or a **unit struct** is one value: compared with `==` and
/// replaced whole by one patch at its path. So is a struct marked `#[state(leaf)]`.
///
/// # Attributes
///
/// | attribute | on | meaning |
/// |---|---|---|
/// | `#[state(keyed = "id")]` | a field of type `Vec<T>`, `imbl::Vector<T>` (any `keyed::Sequence`) | a keyed collection: items are addressed by their field `id` (`/items/<id>`), so a moved item is one `move` patch and patches stay correct after reordering |
/// | `#[state(leaf)]` | a field | compared with `==` and replaced whole; the field's type needs only `PartialEq`, `Serialize` and `Deserialize`, not `State`; it is not navigable by path |
/// | `#[state(leaf)]` | the struct | the whole struct is one value |
/// | `#[state(crate = "path")]` | the type | where the runtime is (`"::reactive_state"`), instead of looking it up in `Cargo.toml` |
///
/// The generated code names the runtime by absolute path: `::reactive::__private::state` when
/// the crate depends on the `reactive` facade, else `::reactive_state`, else `::reactive_store`
/// (which re-exports it), under the name the crate's `Cargo.toml` gives them.
///
/// A generic type gets a `State` bound on each type parameter.
///
/// ```
/// use reactive_state::{node_at, path, Diff, Patch, Segment};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(reactive_macros::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
/// struct Todo { id: u32, title: String }
///
/// #[derive(reactive_macros::State, Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
/// enum Filter { All, Done }
///
/// #[derive(reactive_macros::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
/// #[serde(rename_all = "camelCase")]
/// struct App {
///     filter: Filter,
///     page_size: u32,
///     #[state(keyed = "id")]
///     todos: Vec<Todo>,
/// }
///
/// let todo = |id, title: &str| Todo { id, title: title.into() };
/// let old = App { filter: Filter::All, page_size: 10, todos: vec![todo(1, "milk"), todo(2, "eggs")] };
/// let mut new = old.clone();
/// new.page_size = 20;
/// new.todos.swap(0, 1);
/// let patches = Diff::patches(&new, &old)?;
/// assert_eq!(patches, [
///     Patch::replace(path!(pageSize), 10.into(), 20.into()),
///     Patch::move_item(path!(todos).join(Segment::key(2)), 1, 0),
/// ]);
///
/// let mut replica = old.clone();
/// for patch in &patches {
///     reactive_state::State::apply_patch(&mut replica, patch)?;
/// }
/// assert_eq!(replica, new);
///
/// let eggs = node_at(&new, path!(todos).join(Segment::key(2)).segments()).unwrap();
/// assert_eq!((eggs as &dyn std::any::Any).downcast_ref::<Todo>(), Some(&todo(2, "eggs")));
/// # Ok::<(), reactive_state::PatchError>(())
/// ```
#[proc_macro_derive(State, attributes(state))]
pub fn derive_state(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    state_derive::derive(&input).into()
}
