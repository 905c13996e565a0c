//! Migration tools: schema comparison, the scaffolded step (committed as a golden file and
//! compiled here), and a dry run over stored snapshots of versions 1, 2 and 10.

use reactive_codegen::{
    DryRunOutcome, FieldChange, compare_schemas, dry_run, scaffold_migration, snapshots_in_dir,
};
use reactive_state::Migrations;
use serde_json::{Value, json};

#[allow(dead_code)]
mod scaffold {
    include!("golden/settings_v1_to_v2.rs");
}

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");

fn schema(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/{name}")).unwrap()).unwrap()
}

#[test]
fn comparing_two_versions_finds_renamed_retyped_removed_and_added_fields() {
    let changes = compare_schemas(
        &schema("settings.v1.schema.json"),
        &schema("settings.v2.schema.json"),
    );
    assert_eq!(
        changes,
        [
            FieldChange::Renamed {
                from: "/dark".into(),
                to: "/darkMode".into()
            },
            FieldChange::Retyped {
                path: "/fontSize".into(),
                from: "\"integer\"".into(),
                to: "\"number\"".into()
            },
            FieldChange::Added {
                path: "/window/maximised".into(),
                required: true,
                default: Some(json!(false))
            },
            FieldChange::Removed {
                path: "/legacy".into()
            },
            FieldChange::Added {
                path: "/language".into(),
                required: true,
                default: Some(json!("en"))
            },
        ]
    );
}

#[test]
fn the_scaffolded_step_is_the_committed_one() {
    let changes = compare_schemas(
        &schema("settings.v1.schema.json"),
        &schema("settings.v2.schema.json"),
    );
    let source = scaffold_migration(1, 2, &changes);
    let path = format!("{DIR}/settings_v1_to_v2.rs");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &source).unwrap();
    }
    assert!(
        std::fs::read_to_string(&path).unwrap() == source,
        "{path} is stale (UPDATE_GOLDEN=1):\n{source}"
    );
}

#[test]
fn the_scaffolded_step_moves_drops_and_fills_fields() {
    let v1 = json!({"dark": true, "fontSize": 12, "legacy": "x", "window": {"w": 800, "h": 600}});
    assert_eq!(
        scaffold::migrate_v1_to_v2(v1).unwrap(),
        json!({"darkMode": true, "fontSize": 12, "language": "en", "window": {"w": 800, "h": 600, "maximised": false}})
    );
}

#[test]
fn a_required_field_without_default_makes_the_scaffold_fail_naming_it() {
    let source = scaffold_migration(
        1,
        2,
        &[FieldChange::Added {
            path: "/owner".into(),
            required: true,
            default: None,
        }],
    );
    assert!(
        source.contains("/owner is required and the schema gives no default"),
        "{source}"
    );
}

/// The current (version 10) settings type.
#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct Settings {
    #[serde(rename = "darkMode")]
    dark_mode: bool,
    #[serde(rename = "fontSize")]
    font_size: f64,
    language: String,
    window: Window,
    theme: String,
}

#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct Window {
    w: u32,
    h: u32,
    maximised: bool,
}

#[test]
fn a_dry_run_over_stored_snapshots_of_versions_1_2_and_10_reports_changes_and_failures() {
    let dir = std::env::temp_dir().join(format!("reactive-codegen-dry-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files = [
        (
            "a-v1.json",
            json!({"version": 1, "state": {"dark": false, "fontSize": 11, "window": {"w": 1, "h": 2}}}),
        ),
        (
            "b-v1-bad.json",
            json!({"version": 1, "state": {"dark": false, "fontSize": "big", "window": {"w": 1, "h": 2}}}),
        ),
        (
            "c-v2.json",
            json!({"version": 2, "state": {"darkMode": true, "fontSize": 14.5, "language": "fr", "window": {"w": 3, "h": 4, "maximised": true}}}),
        ),
        (
            "d-v10.json",
            json!({"version": 10, "state": {"darkMode": true, "fontSize": 9, "language": "de", "window": {"w": 5, "h": 6, "maximised": false}, "theme": "dusk"}}),
        ),
        ("e-v11.json", json!({"version": 11, "state": {}})),
        (
            "f-v10-bad.json",
            json!({"version": 10, "state": {"darkMode": true}}),
        ),
    ];
    for (name, value) in &files {
        std::fs::write(dir.join(name), value.to_string()).unwrap();
    }
    std::fs::write(dir.join("notes.txt"), "not a snapshot").unwrap();
    let migrations = Migrations::new(10)
        .step(1, 2, scaffold::migrate_v1_to_v2)
        .step(2, 10, |mut v: Value| {
            v["theme"] = json!(if v["darkMode"] == json!(true) {
                "dark"
            } else {
                "light"
            });
            Ok::<_, String>(v)
        });
    let snapshots = snapshots_in_dir(&dir).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let report = dry_run::<Settings>(&migrations, snapshots);
    let names: Vec<&str> = report.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "a-v1.json",
            "b-v1-bad.json",
            "c-v2.json",
            "d-v10.json",
            "e-v11.json",
            "f-v10-bad.json"
        ]
    );
    assert_eq!(
        report[0].outcome,
        DryRunOutcome::Migrated {
            from: 1,
            changed: [
                "/dark",
                "/darkMode",
                "/language",
                "/theme",
                "/window/maximised"
            ]
            .map(String::from)
            .to_vec()
        }
    );
    assert!(
        matches!(&report[1].outcome, DryRunOutcome::Failed { from: Some(1), error } if error.contains("/fontSize is \"big\"")),
        "{:?}",
        report[1]
    );
    assert_eq!(
        report[2].outcome,
        DryRunOutcome::Migrated {
            from: 2,
            changed: vec!["/theme".into()]
        }
    );
    assert_eq!(report[3].outcome, DryRunOutcome::Current);
    assert!(
        matches!(&report[4].outcome, DryRunOutcome::Failed { from: Some(11), error } if error.contains("newer")),
        "{:?}",
        report[4]
    );
    assert!(
        matches!(&report[5].outcome, DryRunOutcome::Failed { from: Some(10), error } if error.contains("does not read")),
        "{:?}",
        report[5]
    );
}
