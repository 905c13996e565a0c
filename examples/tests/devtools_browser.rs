//! The devtools page end to end, in headless Chromium: the editor example runs with
//! `--devtools`, and `reactive-devtools/tests/e2e/run.mjs` (playwright-core, pinned with its
//! lock file) opens the page, checks that it shows the app's graph, reads a node's value, sees
//! a write from the app arrive live, jumps the app's store back and forth in the timeline
//! (checking the app's own output), exports and re-imports the session, and imports a
//! 1,000-node session to check that it starts collapsed by owner. A screenshot per
//! step is saved under the target directory; their paths are printed.
//!
//! Needs `node`, `npm` (for `npm ci` when `node_modules` is missing) and Debian's chromium at
//! `/usr/bin/chromium`. Without them the test passes with a message, unless
//! `REACTIVE_REQUIRE_BROWSER=1`, which makes it fail (CI sets it). With them, any other trouble
//! (`npm ci` failing, the page or the app misbehaving) fails the test.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const CHROMIUM: &str = "/usr/bin/chromium";

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../reactive-devtools/tests/e2e")
}

/// Reports that the browser test cannot run: a failure under `REACTIVE_REQUIRE_BROWSER=1`.
#[track_caller]
fn unavailable(why: &str) {
    assert!(
        std::env::var("REACTIVE_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "the devtools browser test cannot run: {why}, and REACTIVE_REQUIRE_BROWSER=1"
    );
    eprintln!("skipped: the devtools browser test: {why}");
}

fn works(command: &mut Command) -> bool {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `node_modules` with playwright-core, installed with `npm ci` if missing, or why not.
fn playwright() -> Result<(), String> {
    let dir = e2e_dir();
    if dir
        .join("node_modules/playwright-core/package.json")
        .exists()
    {
        return Ok(());
    }
    eprintln!("installing playwright-core: `npm ci` in {}", dir.display());
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("npm cannot start ({e})"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`npm ci` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Where the screenshots go: `<target dir>/devtools-e2e/`.
fn screenshot_dir() -> PathBuf {
    // The test binary is `<target>/<profile>/deps/devtools_browser-…`.
    let exe = std::env::current_exe().expect("the test binary's path");
    let target = exe
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    target.join("devtools-e2e")
}

#[test]
fn the_devtools_page_shows_the_editor_and_time_travel_moves_its_store() {
    // Only a missing tool skips the test; anything failing after that fails it.
    for tool in ["node", "npm"] {
        if !works(Command::new(tool).arg("--version")) {
            return unavailable(&format!("`{tool}` is not on the PATH"));
        }
    }
    if !Path::new(CHROMIUM).exists() {
        return unavailable("Debian's chromium is not installed (/usr/bin/chromium)");
    }
    if let Err(why) = playwright() {
        panic!("playwright-core cannot be installed: {why}");
    }
    let shots = screenshot_dir();
    let out = Command::new("node")
        .arg(e2e_dir().join("run.mjs"))
        .arg(env!("CARGO_BIN_EXE_editor"))
        .arg(&shots)
        .stdin(Stdio::null())
        .output()
        .expect("node starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The screenshots' names, for whoever reads the test's output.
    for line in stdout.lines() {
        println!("{line}");
    }
    assert!(
        out.status.success(),
        "the browser test failed:\n{stdout}\n{stderr}"
    );
    let screenshots = stdout
        .lines()
        .filter(|l| l.starts_with("screenshot: "))
        .count();
    assert_eq!(screenshots, 9, "a screenshot per step:\n{stdout}");
}
