use reactive_core::*;

#[test]
fn snapshot_lists_nodes_edges_and_owners() {
    let ((a, m, e), root) = create_root(|| {
        let a = Signal::new(1).named("a");
        let m = Memo::new(move || a.get() + 1).named("m");
        let e = Effect::new(move || {
            m.get();
        })
        .named("e");
        (a, m, e)
    });
    let snap = Runtime::graph_snapshot();
    let node = |id| snap.nodes.iter().find(|n| n.id == id).unwrap();
    assert_eq!(node(a.id()).kind, NodeKind::Signal);
    assert_eq!(node(m.id()).kind, NodeKind::Memo);
    assert_eq!(node(e.id()).kind, NodeKind::Effect);
    assert_eq!(node(m.id()).name.as_deref(), Some("m"));
    assert_eq!(node(a.id()).owner, Some(root.id()));
    assert!(node(m.id()).state == NodeState::Clean);
    let edge = |s, t| snap.edges.iter().any(|x| x.source == s && x.target == t);
    assert!(edge(a.id(), m.id()));
    assert!(edge(m.id(), e.id()));
    if cfg!(debug_assertions) {
        assert!(
            node(a.id())
                .created_at
                .as_deref()
                .unwrap()
                .contains("diagnostics.rs")
        );
    }
    root.dispose();
}

#[test]
fn snapshot_shows_pending_state_inside_a_batch() {
    let a = Signal::new(1);
    let m = Memo::new(move || a.get());
    let m2 = Memo::new(move || m.get());
    Effect::new(move || {
        m2.get();
    });
    batch(|| {
        a.set(2);
        let snap = Runtime::graph_snapshot();
        let state = |id| snap.nodes.iter().find(|n| n.id == id).unwrap().state;
        assert_eq!(state(m.id()), NodeState::Dirty);
        assert_eq!(state(m2.id()), NodeState::Check);
    });
}

#[test]
fn dot_output_draws_data_flow_and_ownership() {
    let ((), root) = create_root(|| {
        let a = Signal::new(1).named("a \"quoted\"");
        let m = Memo::new(move || a.get());
        m.get();
    });
    let dot = Runtime::graph_snapshot().to_dot();
    assert!(dot.starts_with("digraph reactive {"));
    assert!(dot.contains("a \\\"quoted\\\""));
    assert!(dot.contains("->"));
    assert!(dot.contains("style=dashed"));
    assert!(dot.trim_end().ends_with('}'));
    root.dispose();
}

#[cfg(feature = "serde")]
#[test]
fn snapshot_serialises_to_json() {
    let s = Signal::new(1).named("count");
    let json = serde_json::to_value(Runtime::graph_snapshot()).unwrap();
    let nodes = json["nodes"].as_array().unwrap();
    assert!(
        nodes
            .iter()
            .any(|n| n["name"] == "count" && n["kind"] == "signal")
    );
    assert!(nodes.iter().all(|n| n["id"].is_u64()));
    s.dispose();
}
