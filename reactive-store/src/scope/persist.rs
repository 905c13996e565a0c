//! Saving a scope subtree (values and policies) to versioned JSON, and restoring it: as a new
//! subtree, or in place. Restoring checks everything first and changes nothing on error.
//!
//! The file is flat — one record per scope, with its path relative to the saved root — so a
//! deep tree needs no deep nesting (and no recursion) to write or read:
//!
//! ```json
//! {"format": "reactive-store/scopes", "version": 1, "root": "editor",
//!  "scopes": [{"path": "", "policy": null, "values": {"theme": "dark"}},
//!             {"path": "doc-1", "values": {"title": "Notes"}}]}
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use reactive_core::Signal;
use reactive_state::Migrations;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Scope;
use super::error::{PersistError, ScopeError};
use super::lookup::notify;
use super::policy::{Action, Policy};
use super::registry::{ScopeKey, check_name, with_registry};
use super::tree::insert;
use super::value::Slot;

const FORMAT: &str = "reactive-store/scopes";
/// The version of the file format this build writes. Older versions are brought to it by
/// [`file_migrations`], like any versioned snapshot.
const FILE_VERSION: u32 = 1;

/// The steps between versions of the file format (none yet: version 1 is the first).
fn file_migrations() -> Migrations {
    Migrations::new(FILE_VERSION)
}

/// A saved scope subtree: its values (not the [`provide`](Scope::provide)d ones) and policies.
/// Values are saved under their [`Key`](crate::Key)'s name, and restored values are typed when
/// first read through a key.
///
/// ```
/// use reactive_store::{Access, Key, Policy, Scope, ScopeSnapshot};
///
/// const FONT: Key<String> = Key::new("font");
/// const TITLE: Key<String> = Key::new("title");
///
/// let app = Scope::root("app")?;
/// let editor = app.child("editor")?;
/// editor.set(FONT, "mono".to_string())?;
/// editor.child("doc-1")?.set(TITLE, "Notes".to_string())?;
/// editor.set_policy(Policy::new(Access::READ))?;
///
/// let json = editor.save()?.to_json();
/// let restored = app.restore_child(&ScopeSnapshot::from_json(&json)?.renamed("editor-copy")?)?;
/// assert_eq!(restored.find("doc-1")?.unwrap().get(TITLE)?.as_deref(), Some("Notes"));
/// assert_eq!(restored.policy()?, Some(Policy::new(Access::READ)));
/// # Ok::<(), reactive_store::ScopeError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ScopeSnapshot {
    file: ScopeFile,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct ScopeFile {
    format: String,
    version: u64,
    root: String,
    scopes: Vec<SavedScope>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct SavedScope {
    /// Relative to the saved root: `""` for the root itself, `"a/b"` below it.
    path: String,
    #[serde(default)]
    policy: Option<Policy>,
    #[serde(default)]
    values: BTreeMap<String, Value>,
    /// Keys of provided values, which are not saved (listed so that nothing is lost silently).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    not_saved: Vec<String>,
}

impl ScopeSnapshot {
    /// Reads a saved file.
    ///
    /// # Errors
    /// [`PersistError::Corrupt`] (not JSON, or not the expected shape, with the parser's
    /// position), [`PersistError::UnknownFormat`], [`PersistError::Version`],
    /// [`PersistError::Invalid`] (a tree that cannot exist).
    ///
    /// ```
    /// use reactive_store::{PersistError, ScopeSnapshot};
    /// let ok = r#"{"format":"reactive-store/scopes","version":1,"root":"app","scopes":[{"path":""}]}"#;
    /// assert_eq!(ScopeSnapshot::from_json(ok)?.root_name(), "app");
    /// let orphan = r#"{"format":"reactive-store/scopes","version":1,"root":"app","scopes":[{"path":""},{"path":"a/b"}]}"#;
    /// assert!(matches!(ScopeSnapshot::from_json(orphan), Err(PersistError::Invalid { .. })));
    /// # Ok::<(), PersistError>(())
    /// ```
    pub fn from_json(json: &str) -> Result<ScopeSnapshot, PersistError> {
        let doc: Value = serde_json::from_str(json).map_err(corrupt)?;
        let format = doc.get("format").and_then(Value::as_str);
        if format != Some(FORMAT) {
            return Err(PersistError::UnknownFormat {
                found: format.unwrap_or("(none)").to_owned(),
                expected: FORMAT,
            });
        }
        let version = doc
            .get("version")
            .and_then(Value::as_u64)
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| PersistError::Corrupt {
                message: "missing or non-integer \"version\"".into(),
            })?;
        let mut doc = file_migrations()
            .migrate(version, doc)
            .map_err(PersistError::Version)?;
        doc["version"] = Value::from(FILE_VERSION);
        let file = ScopeFile::deserialize(&doc).map_err(corrupt)?;
        validate(&file)?;
        Ok(ScopeSnapshot { file })
    }

    /// The snapshot as compact JSON.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let json = Scope::root("app")?.save()?.to_json();
    /// assert!(json.starts_with(r#"{"format":"reactive-store/scopes","version":1"#));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn to_json(&self) -> String {
        // Strings, maps with string keys and JSON values: serialising cannot fail.
        serde_json::to_string(&self.file).unwrap_or_default()
    }

    /// The snapshot as indented JSON.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// assert!(Scope::root("app")?.save()?.to_json_pretty().contains('\n'));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.file).unwrap_or_default()
    }

    /// The name of the saved root scope.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// assert_eq!(Scope::root("app")?.save()?.root_name(), "app");
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn root_name(&self) -> &str {
        &self.file.root
    }

    /// The same snapshot with another root name (to restore a copy beside the original).
    ///
    /// # Errors
    /// [`ScopeError::InvalidName`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// assert_eq!(Scope::root("app")?.save()?.renamed("copy")?.root_name(), "copy");
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn renamed(&self, name: &str) -> Result<ScopeSnapshot, ScopeError> {
        check_name(name)?;
        let mut s = self.clone();
        s.file.root = name.to_owned();
        Ok(s)
    }

    /// The paths of the saved scopes, relative to the root (`""` is the root).
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// app.child("a")?.child("b")?;
    /// assert_eq!(app.save()?.paths(), ["", "a", "a/b"]);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn paths(&self) -> Vec<&str> {
        self.file.scopes.iter().map(|s| s.path.as_str()).collect()
    }

    /// A saved value, as JSON.
    ///
    /// ```
    /// use reactive_store::{Key, Scope};
    /// let app = Scope::root("app")?;
    /// app.child("a")?.set(Key::new("n"), 3u8)?;
    /// assert_eq!(app.save()?.value("a", "n"), Some(&serde_json::json!(3)));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn value(&self, path: &str, key: &str) -> Option<&Value> {
        self.file
            .scopes
            .iter()
            .find(|s| s.path == path)?
            .values
            .get(key)
    }

    /// The keys of provided values that were not saved, per scope path.
    ///
    /// ```
    /// use reactive_store::{Key, Scope};
    /// let app = Scope::root("app")?;
    /// app.provide(Key::new("service"), 42u8)?;
    /// assert_eq!(app.save()?.not_saved(), [("", "service")]);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn not_saved(&self) -> Vec<(&str, &str)> {
        self.file
            .scopes
            .iter()
            .flat_map(|s| s.not_saved.iter().map(|k| (s.path.as_str(), k.as_str())))
            .collect()
    }
}

fn corrupt(e: serde_json::Error) -> PersistError {
    PersistError::Corrupt {
        message: e.to_string(),
    }
}

fn invalid(path: &str, reason: impl Into<String>) -> PersistError {
    PersistError::Invalid {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

/// Checks that the records describe a tree: the root first, each scope after its parent, no
/// path twice, valid names and keys.
fn validate(file: &ScopeFile) -> Result<(), PersistError> {
    check_name(&file.root).map_err(|e| invalid("", e.to_string()))?;
    let mut seen = HashSet::new();
    for (i, s) in file.scopes.iter().enumerate() {
        match (i, s.path.as_str()) {
            (0, "") => {}
            (0, _) => {
                return Err(invalid(
                    &s.path,
                    "the first record must be the root (path \"\")",
                ));
            }
            (_, "") => return Err(invalid("", "the root appears twice")),
            (_, path) => {
                let (parent, name) = path.rsplit_once('/').unwrap_or(("", path));
                check_name(name).map_err(|e| invalid(path, e.to_string()))?;
                if !seen.contains(parent) {
                    return Err(invalid(path, "its parent is not saved before it"));
                }
            }
        }
        if !seen.insert(s.path.as_str()) {
            return Err(invalid(&s.path, "this path appears twice"));
        }
        for key in s.values.keys() {
            check_name(key).map_err(|e| invalid(&s.path, e.to_string()))?;
        }
    }
    if file.scopes.is_empty() {
        return Err(invalid("", "no root record"));
    }
    Ok(())
}

/// The parent path of a relative path (`"a/b"` → `"a"`, `"a"` → `""`).
fn parent_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}

fn name_of(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, n)| n)
}

/// The body of [`Scope::save`].
pub(super) fn save(scope: Scope) -> Result<ScopeSnapshot, ScopeError> {
    type Collected = (String, Option<Policy>, Vec<(Rc<str>, Signal<Slot>)>);
    let (root, collected) = with_registry(|r| {
        r.data(scope.key)?;
        let mut rel: HashMap<ScopeKey, String> = HashMap::new();
        let mut out: Vec<Collected> = Vec::new();
        for key in r.subtree(scope.key) {
            r.check(key, scope.principal, Action::Read, None)?;
            let d = &r.scopes[key];
            let path = match d.parent.and_then(|p| rel.get(&p)) {
                Some(p) if p.is_empty() => d.name.to_string(),
                Some(p) => format!("{p}/{}", d.name),
                None => String::new(),
            };
            rel.insert(key, path.clone());
            let mut values: Vec<_> = d.values.iter().map(|(k, s)| (k.clone(), *s)).collect();
            values.sort_by(|a, b| a.0.cmp(&b.0));
            out.push((path, d.policy.clone(), values));
        }
        Ok::<_, ScopeError>((r.scopes[scope.key].name.to_string(), out))
    })?;
    let mut scopes = Vec::with_capacity(collected.len());
    for (path, policy, values) in collected {
        let mut saved = SavedScope {
            path,
            policy,
            values: BTreeMap::new(),
            not_saved: Vec::new(),
        };
        for (key, signal) in values {
            // User `Serialize` code runs with the registry released.
            match signal.try_with_untracked(Slot::to_json).ok().flatten() {
                Some(Ok(v)) => {
                    saved.values.insert(key.to_string(), v);
                }
                Some(Err(message)) => {
                    let scope = scope.path().unwrap_or_default();
                    return Err(PersistError::Encode {
                        scope: join(&scope, &saved.path),
                        key: key.to_string(),
                        message,
                    }
                    .into());
                }
                None => saved.not_saved.push(key.to_string()),
            }
        }
        scopes.push(saved);
    }
    Ok(ScopeSnapshot {
        file: ScopeFile {
            format: FORMAT.to_owned(),
            version: u64::from(FILE_VERSION),
            root,
            scopes,
        },
    })
}

/// The body of [`Scope::restore_child`].
///
/// Restoring writes values and policies into the new subtree, so it takes what making the child
/// and then setting them would: `CreateChild` and `Write` here, and `Admin` if the snapshot
/// carries a policy. All are checked before anything is created.
pub(super) fn restore_child(scope: Scope, snapshot: &ScopeSnapshot) -> Result<Scope, ScopeError> {
    let name = &snapshot.file.root;
    let has_policy = snapshot.file.scopes.iter().any(|s| s.policy.is_some());
    with_registry(|r| {
        r.check(scope.key, scope.principal, Action::CreateChild, Some(name))?;
        r.check(scope.key, scope.principal, Action::Write, Some(name))?;
        if has_policy {
            r.check(scope.key, scope.principal, Action::Admin, Some(name))?;
        }
        Ok::<_, ScopeError>(())
    })?;
    let root = scope.child(name)?;
    build_below(root, snapshot);
    Ok(root)
}

/// The body of [`Scope::restore_root`].
pub(super) fn restore_root(snapshot: &ScopeSnapshot) -> Result<Scope, ScopeError> {
    let root = Scope::root(&snapshot.file.root)?;
    build_below(root, snapshot);
    Ok(root)
}

/// The body of [`Scope::restore`].
pub(super) fn restore(scope: Scope, snapshot: &ScopeSnapshot) -> Result<(), ScopeError> {
    let plan = plan_restore(scope, snapshot)?;
    apply_restore(scope, snapshot, plan);
    Ok(())
}

fn join(base: &str, rel: &str) -> String {
    match (base.is_empty(), rel.is_empty()) {
        (_, true) => base.to_owned(),
        (true, false) => rel.to_owned(),
        (false, false) => format!("{base}/{rel}"),
    }
}

/// Fills a freshly created `root` with the snapshot: it cannot fail (the snapshot was
/// validated, and the new subtree is empty).
fn build_below(root: Scope, snapshot: &ScopeSnapshot) {
    let mut keys: HashMap<&str, ScopeKey> = HashMap::new();
    for saved in &snapshot.file.scopes {
        let key = if saved.path.is_empty() {
            root.key
        } else {
            let parent = keys[parent_of(&saved.path)];
            let owner = with_registry(|r| r.scopes[parent].owner);
            insert(
                name_of(&saved.path),
                Some(parent),
                owner.run_in(reactive_core::Owner::new),
            )
            .key
        };
        keys.insert(&saved.path, key);
        with_registry(|r| {
            let d = &mut r.scopes[key];
            d.policy = saved.policy.clone();
            for (k, v) in &saved.values {
                let signal = d.owner.run_in(|| Signal::new(Slot::raw(v.clone())));
                d.values.insert(Rc::from(k.as_str()), signal);
            }
            r.clear_access(key);
        });
    }
}

/// What an in-place restore will do, decided (and checked) before anything changes.
struct RestorePlan {
    /// Live scopes that are not in the snapshot.
    dispose: Vec<ScopeKey>,
    /// New slots for live keys, already decoded to their live types.
    replace: HashMap<(String, String), Slot>,
}

fn plan_restore(scope: Scope, snapshot: &ScopeSnapshot) -> Result<RestorePlan, ScopeError> {
    // Live scopes by relative path, and the live typed values the snapshot replaces.
    type Live = (
        HashMap<String, ScopeKey>,
        Vec<(String, String, Signal<Slot>)>,
    );
    let saved_paths: HashSet<&str> = snapshot
        .file
        .scopes
        .iter()
        .map(|s| s.path.as_str())
        .collect();
    let (live, typed): Live = with_registry(|r| {
        r.data(scope.key)?;
        let mut live: HashMap<ScopeKey, String> = HashMap::new();
        let mut by_path = HashMap::new();
        let mut typed = Vec::new();
        for key in r.subtree(scope.key) {
            // Replacing policies and disposing children is `Admin`; replacing values, `Write`.
            r.check(key, scope.principal, Action::Admin, None)?;
            r.check(key, scope.principal, Action::Write, None)?;
            let d = &r.scopes[key];
            let path = match (key == scope.key, d.parent.and_then(|p| live.get(&p))) {
                (true, _) | (false, None) => String::new(),
                (false, Some(p)) => join(p, &d.name),
            };
            live.insert(key, path.clone());
            if let Some(saved) = snapshot.file.scopes.iter().find(|s| s.path == path) {
                for (k, signal) in &d.values {
                    if saved.values.contains_key(&**k) {
                        typed.push((path.clone(), k.to_string(), *signal));
                    }
                }
            }
            by_path.insert(path, key);
        }
        // A saved scope that is missing is created in a live parent: `CreateChild` there.
        for saved in &snapshot.file.scopes {
            if let (false, Some(parent)) = (
                by_path.contains_key(&saved.path),
                by_path.get(parent_of(&saved.path)),
            ) {
                let name = name_of(&saved.path);
                r.check(*parent, scope.principal, Action::CreateChild, Some(name))?;
            }
        }
        Ok::<_, ScopeError>((by_path, typed))
    })?;
    // Decode saved values into the live types (user `Deserialize` code: registry released).
    let mut replace = HashMap::new();
    for (path, key, signal) in typed {
        let json = snapshot.value(&path, &key).cloned().unwrap_or(Value::Null);
        let decoded = signal
            .try_with_untracked(|slot| match slot {
                Slot::Typed(v) => match v.same_type_from_json(&json) {
                    Some(r) => r
                        .map(Slot::Typed)
                        .map_err(|m| (v.type_name().to_string(), m)),
                    None => Err((
                        v.type_name().to_string(),
                        "a provided value cannot be restored from a file".to_string(),
                    )),
                },
                Slot::Raw { .. } => Ok(Slot::raw(json.clone())),
            })
            .map_err(|_| super::registry::disposed(scope.key))?;
        match decoded {
            Ok(slot) => {
                replace.insert((path, key), slot);
            }
            Err((expected, message)) => {
                let base = scope.path()?;
                return Err(PersistError::TypeMismatch {
                    scope: join(&base, &path),
                    key,
                    expected,
                    message,
                }
                .into());
            }
        }
    }
    let mut dispose: Vec<ScopeKey> = live
        .iter()
        .filter(|(path, _)| !saved_paths.contains(path.as_str()))
        .map(|(_, k)| *k)
        .collect();
    dispose.sort();
    Ok(RestorePlan { dispose, replace })
}

fn apply_restore(scope: Scope, snapshot: &ScopeSnapshot, mut plan: RestorePlan) {
    // Children that are not saved go first (disposing a parent takes its subtree with it).
    let owners: Vec<_> = with_registry(|r| {
        plan.dispose
            .iter()
            .filter_map(|k| r.scopes.get(*k).map(|d| d.owner))
            .collect()
    });
    for owner in owners {
        owner.dispose();
    }
    let mut keys: HashMap<&str, ScopeKey> = HashMap::new();
    let mut triggers = Vec::new();
    let mut sets = Vec::new();
    let mut removed = Vec::new();
    for saved in &snapshot.file.scopes {
        let key = if saved.path.is_empty() {
            scope.key
        } else {
            let parent = keys[parent_of(&saved.path)];
            let name = name_of(&saved.path);
            match with_registry(|r| r.child_named(parent, name)) {
                Some(k) => k,
                None => {
                    let owner = with_registry(|r| r.scopes[parent].owner);
                    insert(name, Some(parent), owner.run_in(reactive_core::Owner::new)).key
                }
            }
        };
        keys.insert(&saved.path, key);
        with_registry(|r| {
            r.scopes[key].policy = saved.policy.clone();
            r.clear_access(key);
            // Own values the snapshot does not have are removed (provided ones are kept).
            let stale: Vec<Rc<str>> = r.scopes[key]
                .values
                .iter()
                .filter(|(k, _)| !saved.values.contains_key(&***k))
                .filter(|(_, s)| s.try_with_untracked(Slot::is_saved).unwrap_or(false))
                .map(|(k, _)| k.clone())
                .collect();
            for k in stale {
                if let Some(signal) = r.scopes[key].values.remove(&k) {
                    removed.push(signal);
                    triggers.extend(r.invalidate(key, &k));
                }
            }
            for (k, v) in &saved.values {
                let slot = plan
                    .replace
                    .remove(&(saved.path.clone(), k.clone()))
                    .unwrap_or_else(|| Slot::raw(v.clone()));
                match r.scopes[key].values.get(k.as_str()) {
                    Some(signal) => sets.push((*signal, slot)),
                    None => {
                        let owner = r.scopes[key].owner;
                        let signal = owner.run_in(|| Signal::new(slot));
                        r.scopes[key].values.insert(Rc::from(k.as_str()), signal);
                        triggers.extend(r.invalidate(key, k));
                    }
                }
            }
        });
    }
    reactive_core::batch(|| {
        for (signal, slot) in sets {
            signal.set(slot);
        }
        notify(triggers);
    });
    for signal in removed {
        signal.dispose();
    }
}
