use reactive_core::*;

#[derive(Clone, Debug, PartialEq)]
struct Theme(&'static str);

#[test]
fn context_is_found_along_the_owner_chain() {
    let ((), root) = create_root(|| {
        provide_context(Theme("dark"));
        let seen = std::rc::Rc::new(std::cell::RefCell::new(None));
        let s = seen.clone();
        Effect::new(move || {
            Effect::new({
                let s = s.clone();
                move || *s.borrow_mut() = use_context::<Theme>()
            });
        });
        assert_eq!(*seen.borrow(), Some(Theme("dark")));
    });
    root.dispose();
}

#[test]
fn nearest_context_shadows_outer_ones() {
    let ((), root) = create_root(|| {
        provide_context(Theme("dark"));
        let child = Owner::new();
        child.run_in(|| provide_context(Theme("light")));
        assert_eq!(child.run_in(use_context::<Theme>), Some(Theme("light")));
        assert_eq!(use_context::<Theme>(), Some(Theme("dark")));
    });
    root.dispose();
}

#[test]
fn providing_again_replaces_the_value_of_this_owner() {
    let ((), root) = create_root(|| {
        provide_context(1u8);
        provide_context(2u8);
        assert_eq!(use_context::<u8>(), Some(2));
    });
    root.dispose();
}

#[test]
fn missing_context_is_none() {
    let ((), root) = create_root(|| assert_eq!(use_context::<Theme>(), None));
    root.dispose();
    assert_eq!(use_context::<Theme>(), None);
}

#[test]
fn providing_outside_an_owner_is_an_error() {
    assert!(matches!(
        try_provide_context(Theme("x")),
        Err(ReactiveError::NoOwner { .. })
    ));
}

#[test]
#[should_panic(expected = "no owner above provides this type")]
fn expect_context_panics_with_the_type_name() {
    expect_context::<Theme>();
}
