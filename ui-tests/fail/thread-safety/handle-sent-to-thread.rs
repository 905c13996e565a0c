use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
}

fn main() {
    let player = PlayerModel::new(Player { hp: 1 });
    std::thread::spawn(move || player.set_hp(2)).join().unwrap();
}
