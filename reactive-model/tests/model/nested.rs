use crate::fixtures::{PlayerModel, Position, Runs, in_root, player};

#[test]
fn a_nested_field_write_reruns_only_readers_of_that_nested_field() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let x = Runs::effect(move || {
            model.pos().x();
        });
        let y = Runs::effect(move || {
            model.pos().y();
        });
        let hp = Runs::effect(move || {
            model.hp();
        });
        model.pos().set_x(3.0);
        assert_eq!((x.get(), y.get(), hp.get()), (2, 1, 1));
    });
}

#[test]
fn setting_a_nested_model_writes_only_its_changed_fields() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let x = Runs::effect(move || {
            model.pos().x();
        });
        let y = Runs::effect(move || {
            model.pos().y();
        });
        model.set_pos(Position { x: 0.0, y: 5.0 });
        assert_eq!((x.get(), y.get()), (1, 2));
        assert_eq!(model.pos().snapshot(), Position { x: 0.0, y: 5.0 });
    });
}

#[test]
fn the_nested_handle_is_the_same_on_every_read() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let first = model.pos();
        model.set_pos(Position { x: 1.0, y: 1.0 });
        first.set_x(2.0);
        assert_eq!(model.pos().x(), 2.0);
    });
}

#[test]
fn tracking_a_nested_field_tracks_all_of_its_fields() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let runs = Runs::effect(move || model.track_field(crate::fixtures::PlayerField::Pos));
        model.pos().set_y(1.0);
        model.pos().set_x(1.0);
        model.set_hp(1);
        assert_eq!(runs.get(), 3);
    });
}
