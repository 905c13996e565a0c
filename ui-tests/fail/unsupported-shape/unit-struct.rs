use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
struct Marker;

fn main() {}
