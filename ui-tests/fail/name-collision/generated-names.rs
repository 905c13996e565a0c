use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    snapshot: u32,
    hp: u32,
    max_hp: u32,
    max__hp: u32,
    label: String,
    set_label: String,
    __marker: u8,
    mana: u32,
    mana_signal: u32,
}

fn main() {}
