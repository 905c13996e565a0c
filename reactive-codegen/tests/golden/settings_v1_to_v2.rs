/// Migrates a stored state from schema version 1 to 2 (scaffolded by reactive-codegen).
#[allow(clippy::collapsible_if)]
pub fn migrate_v1_to_v2(mut state: serde_json::Value) -> Result<serde_json::Value, String> {
    // Renamed: /dark -> /darkMode.
    if let Some(obj) = state.pointer_mut("").and_then(|v| v.as_object_mut()) {
        if let Some(v) = obj.remove("dark") {
            obj.insert("darkMode".into(), v);
        }
    }
    // Retyped: /fontSize from integer to number: convert here.
    if let Some(v) = state.pointer("/fontSize") {
        if !v.is_number() {
            return Err(format!("/fontSize is {v}, not of the new type number"));
        }
    }
    // Added (required): /window/maximised.
    if let Some(obj) = state.pointer_mut("/window").and_then(|v| v.as_object_mut()) {
        obj.entry("maximised").or_insert(serde_json::json!(false));
    }
    // Removed: /legacy.
    if let Some(obj) = state.pointer_mut("").and_then(|v| v.as_object_mut()) {
        obj.remove("legacy");
    }
    // Added (required): /language.
    if let Some(obj) = state.pointer_mut("").and_then(|v| v.as_object_mut()) {
        obj.entry("language").or_insert(serde_json::json!("en"));
    }
    Ok(state)
}
