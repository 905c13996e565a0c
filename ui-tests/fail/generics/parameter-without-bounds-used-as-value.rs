//! A type parameter is stored in signals and compared: the model needs it `Clone + PartialEq +
//! Debug`, which the struct's own derives ask for too. Reported where the model is created.
use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
struct Wrapper<T> {
    value: T,
}

#[derive(Clone, Debug)]
struct Opaque;

fn main() {
    let _ = WrapperModel::new(Wrapper { value: Opaque });
}
