use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
enum State {
    Idle,
    Running { speed: u32 },
}

fn main() {}
