use reactive_store::*;

const THEME: Key<String> = Key::new("theme");
const LANG: Key<String> = Key::new("lang");

fn tree() -> Scope {
    let app = Scope::root("app").unwrap();
    app.set(THEME, "dark".to_string()).unwrap();
    app.set(LANG, "en".to_string()).unwrap();
    let editor = app.child("editor").unwrap();
    editor.set(THEME, "light".to_string()).unwrap();
    editor.provide(Key::new("store"), Store::new(0u8)).unwrap();
    let locked = app.child("locked").unwrap();
    locked.set_policy(Policy::new(Access::NONE)).unwrap();
    locked.set(Key::new("pin"), 1234u32).unwrap();
    app
}

#[test]
fn text_shows_own_inherited_and_shadowed_values_and_policies() {
    let text = tree().render_text().unwrap();
    assert_eq!(
        text,
        "\
app
  lang = \"en\"
  theme = \"dark\"
  editor
    store = <reactive_store::store::Store<u8>>
    theme = \"light\"  (shadows app)
    lang = \"en\"  (from app)
  locked  [policy: default none]
    pin = 1234
    lang = \"en\"  (from app)
    theme = \"dark\"  (from app)
"
    );
}

#[test]
fn a_viewer_without_read_access_sees_the_scope_but_not_its_values() {
    let text = tree()
        .as_principal(Principal::new("guest"))
        .unwrap()
        .render_text()
        .unwrap();
    assert!(
        text.contains("locked  [policy: default none]  (no read access)\n"),
        "{text}"
    );
    assert!(!text.contains("1234"));
}

#[test]
fn dot_has_a_node_per_scope_and_parent_edges() {
    let dot = tree().to_dot().unwrap();
    assert!(dot.starts_with("digraph scopes {"));
    assert!(dot.contains("\"app\" -> \"app/editor\";"));
    assert!(dot.contains("\"app\" -> \"app/locked\";"));
    assert!(dot.contains("theme = \\\"light\\\"  (shadows app)\\l"));
    assert!(dot.trim_end().ends_with('}'));
}

#[test]
fn devtools_json_is_flat_and_marks_inherited_values() {
    let json = tree().to_devtools_json().unwrap();
    let scopes = json["scopes"].as_array().unwrap();
    assert_eq!(scopes.len(), 3);
    let editor = &scopes[1];
    assert_eq!(editor["path"], "app/editor");
    assert_eq!(editor["parent"], "app");
    let values = editor["values"].as_array().unwrap();
    let theme = values.iter().find(|v| v["key"] == "theme").unwrap();
    assert_eq!(
        (theme["own"].as_bool(), theme["shadows"].as_str()),
        (Some(true), Some("app"))
    );
    let lang = values.iter().find(|v| v["key"] == "lang").unwrap();
    assert_eq!(
        (lang["own"].as_bool(), lang["from"].as_str()),
        (Some(false), Some("app"))
    );
    let store = values.iter().find(|v| v["key"] == "store").unwrap();
    assert!(store["value"].is_null() && store["type"].as_str().unwrap().contains("Store"));
    assert_eq!(scopes[2]["policy"]["default"], serde_json::json!([]));
}
