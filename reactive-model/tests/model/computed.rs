use crate::fixtures::{HP_RATIO_RUNS, PlayerModel, Runs, in_root, player};
use reactive_core::batch;

fn hp_ratio_runs() -> u32 {
    HP_RATIO_RUNS.with(|runs| runs.get())
}

#[test]
fn a_computed_property_is_lazy_and_cached() {
    in_root(|| {
        let start = hp_ratio_runs();
        let model = PlayerModel::new(player());
        assert_eq!(
            hp_ratio_runs(),
            start,
            "nothing computed before the first read"
        );
        assert_eq!(model.hp_ratio(), 0.75);
        assert_eq!(model.hp_ratio(), 0.75);
        assert_eq!(hp_ratio_runs(), start + 1, "the second read is cached");
        model.set_name("Grace".into());
        assert_eq!(model.hp_ratio(), 0.75);
        assert_eq!(
            hp_ratio_runs(),
            start + 1,
            "a field it does not read does not invalidate it"
        );
        model.set_hp(10);
        assert_eq!(model.hp_ratio(), 0.25);
        assert_eq!(hp_ratio_runs(), start + 2);
    });
}

#[test]
fn readers_of_a_computed_property_rerun_only_when_its_value_changes() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let runs = Runs::effect(move || {
            model.hp_ratio();
        });
        batch(|| {
            model.set_hp(60);
            model.set_max_hp(80);
        });
        assert_eq!(model.hp_ratio(), 0.75);
        assert_eq!(runs.get(), 1, "same ratio: cut off by equality");
        model.set_hp(20);
        assert_eq!(runs.get(), 2);
    });
}

#[test]
fn a_computed_property_can_read_another_and_is_cut_off_in_turn() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let alive = Runs::effect(move || {
            model.is_alive();
        });
        model.set_hp(10);
        model.set_hp(5);
        assert!(model.is_alive());
        assert_eq!(alive.get(), 1, "the ratio changed, alive did not");
        model.set_hp(0);
        assert!(!model.is_alive());
        assert_eq!(alive.get(), 2);
    });
}

#[test]
fn computed_properties_are_disposed_with_the_model() {
    in_root(|| {
        let model = PlayerModel::new(player());
        model.hp_ratio();
        model.dispose();
        assert!(model.is_disposed());
    });
}
