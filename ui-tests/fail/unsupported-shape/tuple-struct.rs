use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
struct Meters(f32, f32);

fn main() {
    // The handle type exists despite the error, so this line adds no second error.
    let _unused: Option<MetersModel> = None;
}
