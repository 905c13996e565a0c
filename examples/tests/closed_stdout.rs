//! The example programs end quietly when the reader of their output goes away, as in
//! `bank --history | head`: success, and nothing on stderr (`println!` used to panic with
//! "failed printing to stdout: Broken pipe").

use std::process::{Command, ExitStatus, Stdio};

/// Runs `program` with `args`, its standard output a pipe whose reading end is already closed
/// (so its first write fails, as a write after `head` has exited does); returns how it ended and
/// what it wrote to stderr.
fn run_into_a_closed_pipe(program: &str, args: &[&str]) -> (ExitStatus, String) {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = Command::new(program)
        .args(args)
        .stdout(Stdio::from(writer))
        .output()
        .expect("the program runs");
    (
        output.status,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn bank_history_into_a_closed_pipe_ends_with_success_and_no_panic() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let db = directory.path().join("bank.sqlite");
    let db = db.to_str().expect("a UTF-8 path");
    let bank = env!("CARGO_BIN_EXE_bank");
    let day = Command::new(bank)
        .args(["--db", db])
        .stdout(Stdio::null())
        .status()
        .expect("the bank runs");
    assert!(day.success(), "a day of business: {day}");

    let (status, stderr) = run_into_a_closed_pipe(bank, &["--db", db, "--history"]);
    assert!(
        status.success(),
        "bank --history ended with {status}: {stderr}"
    );
    assert_eq!(stderr, "", "bank --history wrote to stderr");
}

#[test]
fn every_finite_example_into_a_closed_pipe_ends_with_success_and_no_panic() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let db = directory.path().join("bank.sqlite");
    let db = db.to_str().expect("a UTF-8 path");
    let programs: [(&str, &[&str]); 4] = [
        (env!("CARGO_BIN_EXE_bank"), &["--db", db]),
        (env!("CARGO_BIN_EXE_arena"), &[]),
        (env!("CARGO_BIN_EXE_checkout"), &[]),
        (env!("CARGO_BIN_EXE_leaderboard"), &[]),
    ];
    for (program, args) in programs {
        let (status, stderr) = run_into_a_closed_pipe(program, args);
        assert!(status.success(), "{program} ended with {status}: {stderr}");
        assert_eq!(stderr, "", "{program} wrote to stderr");
    }
}
