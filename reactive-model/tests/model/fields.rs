use crate::fixtures::{Player, PlayerModel, Runs, in_root, player};
use reactive_core::batch;

#[test]
fn an_effect_reading_name_does_not_rerun_when_hp_changes() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let name_runs = Runs::effect(move || {
            model.name();
        });
        let hp_runs = Runs::effect(move || {
            model.hp();
        });
        model.set_hp(10);
        model.update_hp(|hp| *hp -= 1);
        assert_eq!(name_runs.get(), 1);
        assert_eq!(hp_runs.get(), 3);
        assert_eq!(model.hp(), 9);
    });
}

#[test]
fn writing_an_equal_value_notifies_nobody_and_reports_no_change() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let runs = Runs::effect(move || {
            model.hp();
        });
        assert!(!model.set_hp(30));
        assert!(!model.update_hp(|hp| *hp += 0));
        assert_eq!(runs.get(), 1);
        assert!(model.set_hp(31));
        assert_eq!(runs.get(), 2);
    });
}

#[test]
fn with_borrows_the_value_and_tracks_it() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let runs = Runs::effect(move || assert!(model.with_name(|name| !name.is_empty())));
        assert_eq!(model.with_name(String::len), 3);
        model.set_name("Grace".into());
        assert_eq!(runs.get(), 2);
    });
}

#[test]
fn a_skipped_field_is_kept_read_only_and_ignored_by_apply() {
    in_root(|| {
        let model = PlayerModel::new(player());
        assert_eq!(model.id(), 7);
        model.apply(Player { id: 99, ..player() });
        assert_eq!(model.id(), 7, "apply leaves skipped fields as they were");
        assert_eq!(model.snapshot().id, 7);
    });
}

#[test]
fn apply_writes_only_the_fields_that_differ_in_one_batch() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let hp_and_name = Runs::effect(move || {
            model.hp();
            model.name();
        });
        let max_hp = Runs::effect(move || {
            model.max_hp();
        });
        let x = Runs::effect(move || {
            model.pos().x();
        });
        model.apply(Player {
            name: "Grace".into(),
            hp: 12,
            ..player()
        });
        assert_eq!(hp_and_name.get(), 2, "two fields changed, one run");
        assert_eq!(max_hp.get(), 1);
        assert_eq!(x.get(), 1);
        assert_eq!(
            model.snapshot(),
            Player {
                name: "Grace".into(),
                hp: 12,
                ..player()
            }
        );
    });
}

#[test]
fn snapshot_is_tracked_and_snapshot_untracked_is_not() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let tracked = Runs::effect(move || {
            model.snapshot();
        });
        let untracked = Runs::effect(move || {
            model.snapshot_untracked();
        });
        model.pos().set_y(2.0);
        assert_eq!(tracked.get(), 2);
        assert_eq!(untracked.get(), 1);
    });
}

#[test]
fn writes_in_a_batch_rerun_each_reader_once() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let runs = Runs::effect(move || {
            model.hp();
            model.max_hp();
        });
        batch(|| {
            model.set_hp(1);
            model.set_max_hp(2);
        });
        assert_eq!(runs.get(), 2);
    });
}

#[test]
fn into_model_and_new_build_the_same_handle_contents() {
    use reactive_model::Model;
    in_root(|| {
        let a = player().into_model();
        let b = PlayerModel::new(player());
        assert_eq!(a.snapshot(), b.snapshot());
    });
}

#[test]
fn disposing_the_root_frees_every_node_of_the_model() {
    let before = reactive_core::Runtime::node_count();
    in_root(|| {
        let model = PlayerModel::new(player());
        model.inventory().push(crate::fixtures::item(9, 9));
        assert_eq!(model.hp_ratio(), 0.75);
    });
    assert_eq!(reactive_core::Runtime::node_count(), before);
}

#[test]
fn dispose_disposes_the_whole_model() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let item = model.inventory().get(&1).unwrap();
        let pos = model.pos();
        assert!(!model.is_disposed());
        model.dispose();
        assert!(model.is_disposed());
        assert!(item.is_disposed());
        assert!(pos.is_disposed());
    });
}

#[test]
fn a_read_after_dispose_panics_naming_the_callers_line_not_the_derive() {
    in_root(|| {
        let model = PlayerModel::new(player());
        model.dispose();
        let line = line!() + 1;
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| model.hp()));
        let payload = result.expect_err("reading a disposed model panics");
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        if cfg!(debug_assertions) {
            assert!(message.contains(&format!("fields.rs:{line}")), "{message}");
        }
    });
}

#[test]
fn a_field_signal_is_any_readable_value_and_sees_the_setters_writes() {
    use reactive_core::{Derived, Get, Memo};
    fn doubled(n: impl Get<Value = u32> + 'static) -> Memo<u32> {
        Memo::new(move || n.get() * 2)
    }
    in_root(|| {
        let model = PlayerModel::new(player());
        let hp = model.hp_signal();
        let twice = doubled(hp);
        let name: Derived<String> = model.name_signal().into();
        let runs = Runs::effect(move || {
            name.get();
        });
        model.set_hp(12);
        assert_eq!(twice.get(), 24);
        assert_eq!(
            runs.get(),
            1,
            "reading the name signal tracks the name only"
        );
        model.set_name("Grace".into());
        assert_eq!((runs.get(), name.get()), (2, "Grace".to_string()));
    });
}
