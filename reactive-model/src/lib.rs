//! # reactive-model
//!
//! Fine-grained reactive models for GUI apps, games and dashboards: write a plain struct,
//! derive [`Model`], and get a `Copy` handle in which **every field is a signal of its own**.
//! An effect that reads `name` does not re-run when `hp` changes; a keyed list re-runs the
//! reader of one item when that item is edited, not the whole list.
//!
//! ```
//! use reactive_core::Effect;
//! use reactive_model::{computed, Model};
//! use std::{cell::RefCell, rc::Rc};
//!
//! #[derive(Model, Clone, PartialEq, Debug)]
//! struct Player {
//!     /// Shown above the player's head.
//!     name: String,
//!     hp: u32,
//!     max_hp: u32,
//!     #[model(nested)]
//!     pos: Position,
//!     #[model(keyed = "id")]
//!     inventory: Vec<Item>,
//!     #[model(skip)]
//!     id: u64,
//! }
//!
//! #[derive(Model, Clone, PartialEq, Debug)]
//! struct Position {
//!     x: f32,
//!     y: f32,
//! }
//!
//! #[derive(Model, Clone, PartialEq, Debug)]
//! struct Item {
//!     #[model(skip)]
//!     id: u32,
//!     count: u32,
//! }
//!
//! #[computed]
//! impl PlayerModel {
//!     /// Health left, from 0 to 1.
//!     fn hp_ratio(&self) -> f32 {
//!         self.hp() as f32 / self.max_hp() as f32
//!     }
//! }
//!
//! let player = PlayerModel::new(Player {
//!     name: "Ada".into(),
//!     hp: 30,
//!     max_hp: 40,
//!     pos: Position { x: 0.0, y: 0.0 },
//!     inventory: vec![Item { id: 1, count: 3 }],
//!     id: 7,
//! });
//!
//! let names = Rc::new(RefCell::new(Vec::new()));
//! let seen = names.clone();
//! Effect::new(move || seen.borrow_mut().push(player.name()));
//!
//! player.set_hp(20); // the name effect does not re-run
//! player.pos().set_x(1.5); // fine-grained all the way down
//! player.inventory().get(&1).unwrap().update_count(|c| *c -= 1);
//! assert_eq!(player.hp_ratio(), 0.5);
//! assert_eq!(*names.borrow(), ["Ada"]);
//!
//! player.set_name("Grace".into());
//! assert_eq!(*names.borrow(), ["Ada", "Grace"]);
//!
//! // Snapshots are the plain struct again.
//! assert_eq!(player.snapshot().inventory[0].count, 2);
//! ```
//!
//! One dependency is enough: the `reactive` facade (the generated code then goes through
//! `::reactive::__private::model`), or this crate alone (`::reactive_model`, which reaches the
//! engine through its hidden `__private::core`).
//!
//! ## What the derive generates
//!
//! For `struct Player`, beside the struct and with its visibility:
//!
//! | item | what it is |
//! |---|---|
//! | `PlayerModel` | the handle: `Copy`, `!Send`; `PlayerModel::new(player)` or `player.into_model()` |
//! | `player.hp()`, `with_hp(\|hp\| ..)` | read one field, subscribing the running effect/memo to it only |
//! | `set_hp(v)`, `update_hp(\|hp\| ..)` | write one field; its readers re-run only if the value changed |
//! | `hp_signal()` | the field's `ReadSignal`, for code taking any readable value (`impl Get<Value = u32>`, `Derived`) |
//! | `player.pos()` | a `#[model(nested)]` field: the nested model's handle |
//! | `player.inventory()` | a `#[model(keyed = "id")]` field: a [`KeyedList`] |
//! | `player.id()` | a `#[model(skip)]` field: stored, read-only, untracked |
//! | `snapshot()`, `apply(value)` | the plain struct out; write back only what differs, in one batch |
//! | `subscribe(fields, cb)` | one callback per batch in which any of `fields` changed, told which |
//! | `on_patch(cb)`, `apply_patch(p)` | field-level patches out of one model and into another |
//! | `player.hp_ratio()` | a computed property, declared once in a [`computed`] block on `PlayerModel` |
//! | `PlayerField` | names fields and computed properties: `PlayerField::Hp`, `PlayerField::HpRatio` |
//! | `PlayerPatch` | one change: `PlayerPatch::Hp(Change { old, new })`, with `path()` (`/hp`) and `inverse()` |
//! | `apply_state_patch(p)` | with `#[model(serde)]`: apply a [`reactive_state::Patch`] (JSON Patch) |
//! | `Player::describe()` | names, types as written, docs, computed properties ([`ModelDescription`]) |
//!
//! Field doc comments are carried over to the getters. A field's accessors have the field's
//! visibility; the handle, field enum and patch enum have the struct's.
//!
//! ## Attributes
//!
//! | on | attribute | meaning |
//! |---|---|---|
//! | field | `#[model(skip)]` | not tracked, no setter; kept as given and returned by `snapshot` |
//! | field | `#[model(nested)]` | the type derives `Model` too; fine-grained all the way down |
//! | field | `#[model(keyed = "id")]` | a `Vec<Item>` of models keyed by `Item::id` |
//! | struct | `#[model(serde)]` | `PlayerPatch` implements `StatePatch` and serialises as JSON Patch; `PlayerField` implements `Serialize`/`Deserialize` (feature `serde`) |
//!
//! ## Computed properties
//!
//! A computed property is a method of a [`computed`] block on the handle, and declared nowhere
//! else: `#[computed] impl PlayerModel { fn hp_ratio(&self) -> f32 { .. } }`. The derive finds
//! the block's properties by itself: `PlayerModel::new` creates one lazy memo per property
//! (recomputed only when what it read changes, its readers notified only when the value
//! differs), `describe()` lists them, and the block adds a constant per property to the field
//! enum, `PlayerField::HpRatio`, for `subscribe` and `track_field`. One block per model; in
//! another module than the struct, import the field enum beside the handle
//! (`use super::{PlayerField, PlayerModel};`), since the block adds the constants to it.
//!
//! Anything else inside `#[model(...)]` is an error, as is using the derive on an enum, a
//! union, a tuple or unit struct, or a struct with lifetime parameters. Generic structs work:
//! the generated impls require each type parameter to be `Clone + PartialEq + Debug + 'static`
//! (what the struct's own `#[derive(Clone, PartialEq, Debug)]` asks of it too).
//!
//! ## Which tool for which job
//!
//! | you want to | use | cost |
//! |---|---|---|
//! | show one field | `model.hp()` in an effect | exactly a hand-written signal read |
//! | derive a value from fields | a computed property (`#[computed]`) | one memo, recomputed when what it read changes |
//! | react to a few fields at once and know which changed | `subscribe` | one small memo per field, one effect |
//! | record changes (undo, sync, devtools) | `on_patch` + `apply_patch` | a snapshot and a diff per batch |
//! | load a new state from disk/network | `apply(value)` | one comparison per field; writes only differences |
//!
//! ## Patches: the workspace's one vocabulary of change
//!
//! A model patch is a typed view of a [`reactive_state::Patch`], the patch every crate of the
//! workspace speaks. Its [`path`](ModelPatch::path) is a [`Path`]: field segments, and for an
//! item of a keyed list the key's `Display` text (`/inventory/7/count`), so a patch names the
//! same item after any reordering. A keyed list changes by [`ListPatch`]es: `Insert`,
//! `Remove`, `Move` (a reorder is as few moves as possible) and `Item` (an edit inside one
//! item), emitted in the order and with the positions `reactive_state::keyed::diff` uses. With
//! the `serde` feature and `#[model(serde)]`, `StatePatch` converts each
//! patch to and from a `reactive_state::Patch`, and that is also its serde form; a model and a
//! `reactive-store` state of the same shape therefore describe the same change with the same
//! JSON, and either side's patches apply to the other.
//!
//! ```
//! # #[cfg(feature = "serde")] {
//! use reactive_model::{Model, ModelPatch, StatePatch};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Model, Clone, PartialEq, Debug, Serialize, Deserialize)]
//! #[model(serde)]
//! struct Board {
//!     #[model(keyed = "id")]
//!     cards: Vec<Card>,
//! }
//!
//! #[derive(Model, Clone, PartialEq, Debug, Serialize, Deserialize)]
//! #[model(serde)]
//! struct Card {
//!     #[model(skip)]
//!     id: u32,
//!     title: String,
//! }
//!
//! let card = |id, title: &str| Card { id, title: title.into() };
//! let old = Board { cards: vec![card(1, "a"), card(2, "b"), card(3, "c")] };
//! let new = Board { cards: vec![card(3, "c"), card(1, "a"), card(2, "B")] };
//! let patches = Board::diff(&old, &new);
//! let paths: Vec<String> = patches.iter().map(|p| p.path().to_string()).collect();
//! assert_eq!(paths, ["/cards/3", "/cards/2/title"]); // one move, one edit
//! assert_eq!(
//!     serde_json::to_string(&patches[0]).unwrap(),
//!     r#"{"op":"move","from":"/cards/3","path":"/cards/3","index":0,"oldIndex":2}"#
//! );
//!
//! // Any JSON Patch of this shape applies, typed on the way.
//! let board = BoardModel::new(old);
//! let wire: Vec<reactive_model::Patch> =
//!     patches.iter().map(|p| p.to_patch().unwrap()).collect();
//! board.apply_state_patches(&wire).unwrap();
//! assert_eq!(board.snapshot(), new);
//! # }
//! ```
//!
//! ## Keyed lists and handle validity
//!
//! A [`KeyedList`] gives each item a model handle of its own, created when the item enters the
//! list and disposed when it leaves. Handles never address items by position, so a handle
//! keeps meaning the same item through reorders and through the removal of other items; after
//! its own item is removed it is disposed ([`ModelHandle::is_disposed`]). Length, membership and
//! order are tracked apart from item contents. Create what belongs to one item (the effects of
//! its row) under [`KeyedList::item_owner`]: it is disposed with the item, inside the batch that
//! removes it, so it never runs on a removed item.
//!
//! ## Design decisions
//!
//! - The runtime types live here, not in `reactive-core`: the engine knows nothing of models.
//!   Generated code reaches helpers through `__private`, which is not a stable API.
//! - Handles are plain structs of signal keys, so reading a field through a model costs what
//!   reading a hand-written `Signal` costs; the `model` benchmark in `benches/` checks it.
//! - "What changed" (subscriptions) is computed from per-field version memos, never by
//!   comparing values; patches (`on_patch`) are computed by diffing snapshots, which is
//!   simple and exact but proportional to the model's size, so it is opt-in.
//! - Setters compare before writing (`set_if_changed`): writing the same value notifies nobody.
//! - Patches are `reactive-state`'s, not a dialect of them: `path()` is a `reactive_state::Path`
//!   and `StatePatch` is exact in both directions. `reactive-state` is always a dependency (it
//!   is plain data); the conversions need field values to be `Serialize`/`Deserialize`, so they
//!   stay behind the `serde` feature and `#[model(serde)]`, which add no crate to the build.

// Unit tests use the derive, whose output names `::reactive_model`.
extern crate self as reactive_model;

mod computed;
mod describe;
mod keyed;
mod model;
mod patch;
#[cfg(feature = "serde")]
mod state_patch;
mod subscription;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use describe::{ComputedDescription, FieldDescription, FieldKind, ModelDescription};
pub use keyed::{KeyedList, ListKey, ListPatch};
pub use model::{Model, ModelField, ModelHandle, ModelPatch};
pub use patch::{Change, ModelError};
pub use reactive_macros::{Model, computed};
/// The workspace's one vocabulary of change (from `reactive-state`): where a patch applies and,
/// with `StatePatch` (feature `serde`), what it is on the wire.
pub use reactive_state::{Patch, PatchError, Path, Segment};
#[cfg(feature = "serde")]
pub use state_patch::StatePatch;
pub use subscription::ModelSubscription;

// The README's example is a doctest too, so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
