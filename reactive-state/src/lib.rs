//! # reactive-state
//!
//! The one vocabulary of change of the workspace: **where** a change happens ([`Path`], made of
//! field, index and key [`Segment`]s), **what** it is ([`Patch`]: add, remove, replace, move;
//! RFC 6902 JSON Patch on the wire), how to compute it (the [`State`] trait's structural diff)
//! and apply it (with a typed [`PatchError`] naming the path), and how a state is stored
//! ([`Snapshot`] with JSON and postcard codecs; [`Migrations`] for versioned snapshots).
//!
//! A model field write, a store transaction, a remote update, a migration and a devtools
//! time-travel jump all produce or consume these patches. This crate has no reactive
//! dependency: it is plain data and functions.
//!
//! ```
//! use reactive_state::{path, Diff, Patch, State};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(reactive_macros::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
//! struct Todo { title: String, done: bool }
//!
//! let old = Todo { title: "milk".into(), done: false };
//! let new = Todo { done: true, ..old.clone() };
//! let patches = Diff::patches(&new, &old)?;
//! assert_eq!(patches, [Patch::replace(path!(done), false.into(), true.into())]);
//! assert_eq!(
//!     serde_json::to_string(&patches[0])?,
//!     r#"{"op":"replace","path":"/done","value":true,"old":false}"#
//! );
//!
//! let mut replica = old.clone();
//! replica.apply_patch(&patches[0])?;
//! assert_eq!(replica, new);
//! replica.apply_patch(&patches[0].inverse())?;
//! assert_eq!(replica, old);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Which construct do I choose?
//!
//! | you want to | use |
//! |---|---|
//! | name a place in a state | [`Path`] (`path!(todos[3].title)`, or parsed from a JSON Pointer) |
//! | name places with wildcards (`/todos/*/title`) | [`PathPattern`] |
//! | describe one change, send it, undo it | [`Patch`], [`Patch::inverse`], [`invert`] |
//! | compute the changes between two versions | [`Diff::patches`] (needs [`State`]) |
//! | make a struct a state | `#[derive(State)]` (from `reactive-macros`, re-exported by `reactive-store` and the `reactive` facade) |
//! | items that keep their identity when they move | a keyed collection: `#[state(keyed = "id")]`, see [`keyed`] |
//! | share one version of a state cheaply | [`Snapshot`] (an `Arc`) |
//! | store a state and read it back after the schema changed | [`Migrations`] ([`Versioned`] snapshots) |
//!
//! ## Design decisions
//!
//! - **Keys, not positions, for keyed collections.** An item of a keyed collection is
//!   addressed as `/todos/<key>`; `add` and `move` carry the position in an extra `index`
//!   member. A patch therefore means the same item on every replica and after any reordering.
//! - **Segments compare by their text.** On the wire every segment is text, so a field, an index
//!   and a key that read the same are equal: a path survives a round trip through JSON.
//! - **Patches carry the old value** (`old`, ignored by JSON Patch tools), so every patch can be
//!   inverted without the state it applied to.
//! - **Diffs skip shared parts.** `Arc`s and `imbl` collections that are the same allocation are
//!   not looked into, so a diff costs in proportion to the change.
//! - **Migrations run in numeric order** and a snapshot newer than the code is refused:
//!   nothing is guessed.

mod migrate;
mod patch;
mod path;
mod snapshot;
mod state;

pub use migrate::{MigrationError, Migrations, Versioned};
pub use patch::{Patch, PatchError, PatchOp, invert};
pub use path::{IntoSegment, Path, PathError, PathPattern, PatternSegment, Segment};
pub use snapshot::{CodecError, Snapshot};
pub use state::{
    Diff, MapKey, Node, State, apply_whole, for_each_child_at, keyed, node_at, node_at_mut,
};

pub use imbl;
