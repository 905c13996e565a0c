use reactive_core::{Effect, Runtime, Signal, create_root};
use reactive_store::*;

use super::common::{Counter, DropCounter, Log};

#[test]
fn a_reader_in_a_child_follows_the_parent_until_the_child_shadows_the_key() {
    let app = Scope::root("app").unwrap();
    let editor = app.child("session").unwrap().child("editor").unwrap();
    app.set("theme", "dark".to_string()).unwrap();
    let seen = Log::new();
    let ((), root) = create_root(|| {
        let s = seen.clone();
        Effect::new(move || s.push(editor.get::<String>("theme").unwrap()));
    });
    app.set("theme", "light".to_string()).unwrap();
    editor.set("theme", "mine".to_string()).unwrap();
    app.set("theme", "ignored".to_string()).unwrap(); // shadowed: no re-run
    editor.remove("theme").unwrap();
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
    app.set("n", 1u32).unwrap();
    let seen = Log::new();
    let ((), root) = create_root(|| {
        let s = seen.clone();
        Effect::new(move || s.push(leaf.get::<u32>("n").unwrap()));
    });
    assert_eq!(leaf.provider_of("n").unwrap(), Some(app));
    mid.set("n", 2u32).unwrap();
    assert_eq!(leaf.provider_of("n").unwrap(), Some(mid));
    app.remove("n").unwrap(); // no effect on the leaf: mid provides it
    mid.remove("n").unwrap();
    app.set("n", 3u32).unwrap();
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
    root.set("k", 7u8).unwrap();
    assert_eq!(leaf.get_untracked::<u8>("k").unwrap(), Some(7));
    // Changing the value needs no invalidation; the cached provider still answers.
    root.set("k", 8u8).unwrap();
    assert_eq!(leaf.get_untracked::<u8>("k").unwrap(), Some(8));
    // Moving the key invalidates.
    let mid = root.find("s1/s2/s3").unwrap().unwrap();
    mid.set("k", 9u8).unwrap();
    assert_eq!(leaf.get_untracked::<u8>("k").unwrap(), Some(9));
    assert_eq!(leaf.provider_of("k").unwrap(), Some(mid));
}

#[test]
fn reading_a_value_as_another_type_is_a_type_mismatch_naming_both() {
    let app = Scope::root("app").unwrap();
    app.set("size", 12u32).unwrap();
    let err = app.child("c").unwrap().get::<String>("size").unwrap_err();
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
fn bad_names_are_refused() {
    let app = Scope::root("app").unwrap();
    for bad in ["", "a/b", "tab\there"] {
        assert!(matches!(
            app.child(bad),
            Err(ScopeError::InvalidName { .. })
        ));
        assert!(matches!(
            app.set(bad, 1u8),
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
    let nodes_before = Runtime::node_count();
    let scopes_before = Scope::live_count();
    let drops = Counter::default();
    let app = Scope::root("app").unwrap();
    let child = app.child("child").unwrap();
    let grandchild = child.child("grandchild").unwrap();
    for s in [app, child, grandchild] {
        s.set("value", vec![1, 2, 3]).unwrap();
        s.provide("service", DropCounter(drops.clone())).unwrap();
        let guard = DropCounter(drops.clone());
        s.on::<u8>("tick")
            .handle(move |_, _| {
                let _ = &guard;
            })
            .unwrap();
        s.enable_event_log(4).unwrap();
        s.emit("tick", 1u8).unwrap();
    }
    grandchild.get::<Vec<i32>>("value").unwrap(); // a trigger signal too
    assert_eq!(drops.get(), 0);
    app.dispose().unwrap();
    assert_eq!(drops.get(), 6); // 3 provided values + 3 handler closures
    assert!(child.is_disposed() && grandchild.is_disposed());
    assert_eq!(Scope::live_count(), scopes_before);
    assert_eq!(Runtime::node_count(), nodes_before);
    assert!(matches!(
        grandchild.get::<u8>("x"),
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
    let scopes = Log::new();
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
    let store = Store::new(vec![1u8]);
    app.provide("store", store).unwrap();
    let deep = app.child("a").unwrap().child("b").unwrap();
    assert_eq!(
        deep.get_provided::<Store<Vec<u8>>>("store").unwrap(),
        Some(store)
    );
    assert!(matches!(
        deep.get_provided::<Store<Vec<u16>>>("store"),
        Err(ScopeError::TypeMismatch { .. })
    ));
    // A data value can be read either way.
    app.set("n", 3u8).unwrap();
    assert_eq!(deep.get_provided::<u8>("n").unwrap(), Some(3));
}

#[test]
fn a_reader_of_a_missing_key_runs_again_when_an_ancestor_adds_it() {
    let app = Scope::root("app").unwrap();
    let leaf = app.child("a").unwrap().child("b").unwrap();
    let runs = Counter::default();
    let ((), root) = create_root(|| {
        let r = runs.clone();
        Effect::new(move || {
            leaf.get::<u8>("late").unwrap();
            r.hit();
        });
    });
    app.set("other", 1u8).unwrap();
    assert_eq!(runs.get(), 1);
    app.set("late", 1u8).unwrap();
    assert_eq!(runs.get(), 2);
    root.dispose();
}

#[test]
fn a_very_deep_scope_chain_works_without_recursion() {
    let root = Scope::root("r").unwrap();
    root.set("k", 1u8).unwrap();
    let mut leaf = root;
    for i in 0..2_000 {
        leaf = leaf.child(&format!("{i}")).unwrap();
    }
    assert_eq!(leaf.get::<u8>("k").unwrap(), Some(1));
    leaf.set("k", 2u8).unwrap();
    let copy = Scope::restore_root(&root.save().unwrap().renamed("copy").unwrap()).unwrap();
    let path: Vec<String> = (0..2_000).map(|i| i.to_string()).collect();
    let deep = copy.find(&path.join("/")).unwrap().unwrap();
    assert_eq!(deep.get::<u8>("k").unwrap(), Some(2));
    assert!(root.render_text().unwrap().lines().count() > 2_000);
    root.dispose().unwrap();
    copy.dispose().unwrap();
    assert!(leaf.is_disposed() && deep.is_disposed());
}
