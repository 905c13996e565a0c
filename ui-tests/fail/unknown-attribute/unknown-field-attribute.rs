use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    #[model(skipp)]
    hp: u32,
    #[model(rename = "x", nested)]
    name: String,
}

fn main() {
    // The fallback keeps the handle usable in types: no error here.
    let _unused: Option<PlayerModel> = None;
}
