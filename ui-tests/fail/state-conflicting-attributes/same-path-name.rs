//! Two fields serialised under one name would make patches ambiguous.

// serde's `Deserialize` warns about the repeated name too; only our error is pinned here.
#![allow(unreachable_patterns)]

use serde::{Deserialize, Serialize};

#[derive(reactive_macros::State, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct View {
    page_size: u32,
    #[serde(rename = "pageSize")]
    size: u32,
}

fn main() {}
