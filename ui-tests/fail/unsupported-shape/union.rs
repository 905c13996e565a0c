use reactive_model::Model;

#[derive(Model)]
union Bits {
    int: u32,
    float: f32,
}

fn main() {}
