//! A union has no one field to compare.

#[derive(reactive_macros::State, Clone, Copy)]
union Bits {
    int: u32,
    float: f32,
}

fn main() {}
