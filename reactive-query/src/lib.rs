//! # reactive-query
//!
//! Live queries over keyed reactive collections. A view subscribes to *the result of a
//! query* — the top 50 players by score, open orders grouped by symbol — and the result is
//! kept up to date incrementally: one changed row costs a few ordered-index operations plus
//! the size of the change, not a re-run of the query.
//!
//! ```
//! use reactive_core::{Effect, Signal, batch};
//! use reactive_query::{Collection, RowChange};
//!
//! #[derive(Clone, PartialEq, Debug)]
//! struct Player { name: &'static str, score: u32, online: bool }
//!
//! let players = Collection::new();
//! players.insert(1, Player { name: "ada", score: 30, online: true });
//! players.insert(2, Player { name: "bob", score: 20, online: true });
//! players.insert(3, Player { name: "cy", score: 10, online: false });
//!
//! let page = Signal::new(Some(2));
//! let top = players
//!     .query()
//!     .filter(|p| p.online)
//!     .map(|p| (p.name, p.score))
//!     .order_by_desc(|(_, score)| *score)
//!     .limit(page)
//!     .live();
//! assert_eq!(top.rows(), [(1, ("ada", 30)), (2, ("bob", 20))]);
//!
//! // One batch, one update, one change list that turns the old result into the new one.
//! batch(|| {
//!     players.update(&3, |p| { p.online = true; p.score = 40; });
//!     players.update(&2, |p| p.score = 5);
//! });
//! assert_eq!(top.keys(), [3, 1]);
//! assert_eq!(
//!     *top.changes(),
//!     [
//!         RowChange::Removed { key: 2, row: ("bob", 20), old_index: 1 },
//!         RowChange::Added { key: 3, row: ("cy", 40), new_index: 0 },
//!     ]
//! );
//! ```
//!
//! ## The model
//!
//! - A **source** ([`Collection`]) is a map of rows by key. Each query reading it has an inbox
//!   of pending changes, folded per key (the value before the first change, the value after
//!   the last), so the writes of a [`batch`](reactive_core::batch) arrive as one change set and
//!   an insert undone in the same batch arrives as nothing.
//! - Two more sources feed the same operators, each behind a feature so the light use stays
//!   light: a keyed map inside a `reactive-store` state (`Query::from_store`, feature
//!   `store`: the commits' patches name the touched rows, one change set per transaction) and
//!   a keyed list of `#[derive(Model)]` models (`Query::from_keyed_list`, feature `model`: a
//!   watcher per item, one change set per batch). The facade's `store` and `model` features
//!   turn them on for `reactive::query`.
//! - A **query** ([`Query`]) is a chain of operators. Each pulls its input's changes — per key,
//!   the old and the new row — and emits its own, at most one per key.
//! - A **live result** ([`LiveQuery`]) ends every chain with an order (the sort key, then the
//!   row key: a total order) and a window (`offset`, `limit`). It is a memo: reading it pulls
//!   the chain, so a query nobody reads does no work, and readers re-run only when the result
//!   changed. Each update comes with its [`RowChange`] list in Firestore's form.
//! - **Parameters** (a threshold, a page size) are [`MaybeReactive`](reactive_core::MaybeReactive):
//!   a constant, a signal or a memo. Reading them inside the query's pull subscribes it.
//!
//! ## What each operator keeps, what a change costs
//!
//! | operator | keeps | one input row change costs |
//! |---|---|---|
//! | [`filter`](Query::filter), [`map`](Query::map) | nothing | O(1) |
//! | [`filter_by`](Query::filter_by) (reactive parameter) | its input rows, the last parameter | O(1); a parameter change O(n) |
//! | [`group_by`](Query::group_by) | per group: count, sum, multiset of values | O(log n) |
//! | [`distinct`](Query::distinct) | a count per distinct value | O(1) |
//! | [`join`](Query::join), [`left_join`](Query::left_join) | both sides' rows by join key | O(log n + rows paired with) |
//! | [`order_by`](Query::order_by) + window ([`Sorted`]) | an ordered index of all its input rows, their sort keys, the visible rows (a counted B-tree, shared with readers as a [`Rows`] snapshot) | no window: O(log n); a fixed window: O(log n + rows crossing its edges); a changed `offset`/`limit`: O(offset + limit) |
//!
//! The closures given to operators (a filter, a projection, a sort, group or join key) must
//! be deterministic: an operator recomputes them to retract a row. One that is not breaks the
//! operator's invariant and panics with a message naming it.
//!
//! ## Change lists
//!
//! A [`RowChange`] list applies in order — `Removed` removes at `old_index`, `Added` inserts
//! at `new_index`, `Moved` does both, `Modified` replaces in place — and turns the previous
//! result into the new one; indices are positions at the moment each step applies. There is
//! no update, and no change list, when the result did not change.
//! [`LiveQuery::for_each_row`] uses them to build a UI row under its own owner when it enters
//! and dispose it when it leaves.
#![forbid(unsafe_code)]

mod collection;
mod group;
mod join;
mod live;
#[cfg(feature = "model")]
mod model_source;
mod order;
mod query;
mod rows;
mod seq;
#[cfg(feature = "store")]
mod store_source;

pub use collection::{Collection, RowKey, RowValue};
pub use group::GroupStats;
pub use live::{LiveQuery, Sorted};
pub use order::RowChange;
pub use query::Query;
pub use rows::{Rows, RowsIter};
#[cfg(feature = "store")]
pub use store_source::StoreRows;
