//! # reactive-query
//!
//! Live queries over keyed reactive collections.
#![forbid(unsafe_code)]

mod collection;
mod group;
mod join;
mod live;
mod order;
mod query;

pub use collection::{Collection, RowKey, RowValue};
pub use group::Aggregate;
pub use live::{LiveQuery, Sorted};
pub use order::RowChange;
pub use query::Query;
