use reactive_core::{Effect, Runtime, Signal, create_root};
use reactive_store::*;

use super::common::DropCounter;
use reactive_testing::{RunCounter, ValueLog};

const THEME: Key<String> = Key::new("theme");
const N: Key<u32> = Key::new("n");
const K: Key<u8> = Key::new("k");

#[test]
fn a_reader_in_a_child_follows_the_parent_until_the_child_shadows_the_key() {
    let app = Scope::root("app").unwrap();
    let editor = app.child("session").unwrap().child("editor").unwrap();
    app.set(THEME, "dark".to_string()).unwrap();
    let seen = ValueLog::new();
    let ((), root) = create_root(|| {
        let s = seen.clone();
        Effect::new(move || s.push(editor.get(THEME).unwrap()));
    });
    app.set(THEME, "light".to_string()).unwrap();
    editor.set(THEME, "mine".to_string()).unwrap();
    app.set(THEME, "ignored".to_string()).unwrap(); // shadowed: no re-run
    editor.remove(THEME).unwrap();
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        seen.take(),
        [some("dark"), some("light"), some("mine"), some("ignored")]
    );
    root.dispose();
}

#[test]
fn a_key_added_between_the_reader_and_its_cached_provider_takes_over() {
    let app = Scope::root("app").unwrap();
    let mid = app.child("mid").unwrap();
    let leaf = mid.child("leaf").unwrap();
    app.set(N, 1).unwrap();
    let seen = ValueLog::new();
    let ((), root) = create_root(|| {
        let s = seen.clone();
        Effect::new(move || s.push(leaf.get(N).unwrap()));
    });
    assert_eq!(leaf.provider_of(N).unwrap(), Some(app));
    mid.set(N, 2).unwrap();
    assert_eq!(leaf.provider_of(N).unwrap(), Some(mid));
    app.remove(N).unwrap(); // no effect on the leaf: mid provides it
    mid.remove(N).unwrap();
    app.set(N, 3).unwrap();
    assert_eq!(seen.take(), [Some(1), Some(2), None, Some(3)]);
    root.dispose();
}

#[test]
fn a_deep_inherited_lookup_is_answered_from_the_cache_after_the_first() {
    let root = Scope::root("s0").unwrap();
    let mut leaf = root;
    for i in 1..100 {
        leaf = leaf.child(&format!("s{i}")).unwrap();
    }
    root.set(K, 7).unwrap();
    assert_eq!(leaf.get_untracked(K).unwrap(), Some(7));
    // Changing the value needs no invalidation; the cached provider still answers.
    root.set(K, 8).unwrap();
    assert_eq!(leaf.get_untracked(K).unwrap(), Some(8));
    // Moving the key invalidates.
    let mid = root.find("s1/s2/s3").unwrap().unwrap();
    mid.set(K, 9).unwrap();
    assert_eq!(leaf.get_untracked(K).unwrap(), Some(9));
    assert_eq!(leaf.provider_of(K).unwrap(), Some(mid));
}

#[test]
fn reading_a_value_as_another_type_is_a_type_mismatch_naming_both() {
    let app = Scope::root("app").unwrap();
    app.set(Key::<u32>::new("size"), 12).unwrap();
    // Another key of the same name and another type.
    let err = app
        .child("c")
        .unwrap()
        .get(Key::<String>::new("size"))
        .unwrap_err();
    let ScopeError::TypeMismatch {
        scope,
        key,
        expected,
        found,
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!((scope.as_str(), key.as_str()), ("app", "size"));
    assert!(expected.contains("String") && found.contains("u32"));
}

#[test]
fn bad_scope_names_are_refused() {
    let app = Scope::root("app").unwrap();
    for bad in ["", "a/b", "tab\there"] {
        assert!(matches!(
            app.child(bad),
            Err(ScopeError::InvalidName { .. })
        ));
    }
    assert!(matches!(
        Scope::root(""),
        Err(ScopeError::InvalidName { .. })
    ));
}

#[test]
fn disposing_a_scope_disposes_its_subtree_signals_and_handlers() {
    const VALUE: Key<Vec<i32>> = Key::new("value");
    let nodes_before = Runtime::node_count();
    let scopes_before = Scope::live_count();
    let drops = RunCounter::default();
    let app = Scope::root("app").unwrap();
    let child = app.child("child").unwrap();
    let grandchild = child.child("grandchild").unwrap();
    for s in [app, child, grandchild] {
        s.set(VALUE, vec![1, 2, 3]).unwrap();
        s.provide(Key::new("service"), DropCounter(drops.clone()))
            .unwrap();
        let guard = DropCounter(drops.clone());
        s.on::<u8>("tick")
            .handle(move |_, _| {
                let _ = &guard;
            })
            .unwrap();
        s.enable_event_log(4).unwrap();
        s.emit("tick", 1u8).unwrap();
    }
    grandchild.get(VALUE).unwrap(); // a trigger signal too
    assert_eq!(drops.get(), 0);
    app.dispose().unwrap();
    assert_eq!(drops.get(), 6); // 3 provided values + 3 handler closures
    assert!(child.is_disposed() && grandchild.is_disposed());
    assert_eq!(Scope::live_count(), scopes_before);
    assert_eq!(Runtime::node_count(), nodes_before);
    assert!(matches!(
        grandchild.get(Key::<u8>::new("x")),
        Err(ScopeError::Disposed { .. })
    ));
}

#[test]
fn disposing_a_child_keeps_the_parent_and_its_siblings() {
    let app = Scope::root("app").unwrap();
    let (a, b) = (app.child("a").unwrap(), app.child("b").unwrap());
    a.dispose().unwrap();
    assert_eq!(app.children().unwrap(), [b]);
    assert!(!b.is_disposed());
    app.child("a").unwrap(); // the name is free again
}

#[test]
fn a_root_created_in_an_effect_is_disposed_when_the_effect_reruns() {
    let trigger = Signal::new(0);
    let scopes = ValueLog::new();
    let s = scopes.clone();
    let effect = Effect::new(move || {
        trigger.get();
        s.push(Scope::root("temp").unwrap());
    });
    trigger.set(1);
    let made = scopes.take();
    assert!(made[0].is_disposed() && !made[1].is_disposed());
    effect.dispose();
    assert!(made[1].is_disposed());
}

#[test]
fn provided_values_are_inherited_and_typed() {
    let app = Scope::root("app").unwrap();
    const STORE: Key<Store<Vec<u8>>> = Key::new("store");
    let store = Store::new(vec![1u8]);
    app.provide(STORE, store).unwrap();
    let deep = app.child("a").unwrap().child("b").unwrap();
    assert_eq!(deep.get_provided(STORE).unwrap(), Some(store));
    assert!(matches!(
        deep.get_provided(Key::<Store<Vec<u16>>>::new("store")),
        Err(ScopeError::TypeMismatch { .. })
    ));
    // A data value can be read either way.
    app.set(K, 3).unwrap();
    assert_eq!(deep.get_provided(K).unwrap(), Some(3));
}

#[test]
fn a_reader_of_a_missing_key_runs_again_when_an_ancestor_adds_it() {
    let app = Scope::root("app").unwrap();
    let leaf = app.child("a").unwrap().child("b").unwrap();
    let runs = RunCounter::default();
    let ((), root) = create_root(|| {
        let r = runs.clone();
        Effect::new(move || {
            leaf.get(Key::<u8>::new("late")).unwrap();
            r.hit();
        });
    });
    app.set(Key::new("other"), 1u8).unwrap();
    assert_eq!(runs.get(), 1);
    app.set(Key::new("late"), 1u8).unwrap();
    assert_eq!(runs.get(), 2);
    root.dispose();
}

#[test]
fn a_very_deep_scope_chain_works_without_recursion() {
    let root = Scope::root("r").unwrap();
    root.set(K, 1).unwrap();
    let mut leaf = root;
    for i in 0..2_000 {
        leaf = leaf.child(&format!("{i}")).unwrap();
    }
    assert_eq!(leaf.get(K).unwrap(), Some(1));
    leaf.set(K, 2).unwrap();
    let copy = Scope::restore_root(&root.save().unwrap().renamed("copy").unwrap()).unwrap();
    let path: Vec<String> = (0..2_000).map(|i| i.to_string()).collect();
    let deep = copy.find(&path.join("/")).unwrap().unwrap();
    assert_eq!(deep.get(K).unwrap(), Some(2));
    assert!(root.render_text().unwrap().lines().count() > 2_000);
    root.dispose().unwrap();
    copy.dispose().unwrap();
    assert!(leaf.is_disposed() && deep.is_disposed());
}

#[test]
fn a_typed_key_needs_no_turbofish_and_is_copy() {
    #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    enum Theme {
        Dark,
        Light,
    }
    const THEME: Key<Theme> = Key::new("theme");
    let app = Scope::root("app").unwrap();
    let child = app.child("c").unwrap();
    let key = THEME; // Copy: the constant stays usable
    app.set(key, Theme::Dark).unwrap();
    child.set(THEME, Theme::Light).unwrap();
    assert_eq!(child.get(THEME).unwrap(), Some(Theme::Light));
    assert_eq!(
        app.with_value(THEME, |t| *t == Theme::Dark).unwrap(),
        Some(true)
    );
    assert_eq!(app.own_keys().unwrap(), [THEME.name()]);
    assert_eq!(
        format!("{THEME:?}"),
        format!("Key<{}>(\"theme\")", std::any::type_name::<Theme>())
    );
}

#[test]
#[should_panic(expected = "a key name must not be empty")]
fn a_key_with_an_empty_name_panics_where_it_is_made() {
    let name = String::new();
    let _ = Key::<u8>::new(Box::leak(name.into_boxed_str()));
}
