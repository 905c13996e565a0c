//! K processes × N appends to overlapping streams, each with the version it read just before.
//!
//! The parent re-executes this test binary K times with `PG_WRITER_ENV` set, running only
//! `writer_child_appends_to_overlapping_streams`. Each child reports, one JSON line each, every
//! acknowledged append, every conflict, and a fingerprint of every read of the whole log it
//! made. The parent then checks the final log against all of it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use reactive_sourcing::{
    Append, EventStore, EventStoreError, ExpectedVersion, NewEvent, PostgresStore, RecordedEvent,
    verify_chain,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::support::{TestStore, server_url};

const PG_WRITER_ENV: &str = "REACTIVE_PG_WRITER";
const STREAMS: [&str; 3] = ["alpha", "beta", "gamma"];
const PROCESSES: usize = 4;
const APPENDS_PER_PROCESS: u64 = 40;

/// A fingerprint of a read of the log from sequence 1: how many events, and a digest of
/// their sequences and hashes in order. Two reads have the same fingerprint exactly when one
/// is the other (the digest covers every event's position and hash).
fn fingerprint(events: &[RecordedEvent]) -> (usize, String) {
    let mut hasher = Sha256::new();
    for event in events {
        hasher.update(event.sequence.to_be_bytes());
        hasher.update(event.hash.0);
    }
    let digest: String = hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    (events.len(), digest)
}

/// Reads the whole log from sequence 1, in pages of 50 (so a read spans several queries).
fn read_whole_log(store: &dyn EventStore) -> Vec<RecordedEvent> {
    let mut events = Vec::new();
    loop {
        let page = store.read_all(events.len() as u64 + 1, 50).expect("read");
        if page.is_empty() {
            return events;
        }
        events.extend(page);
    }
}

/// One writer's run: `count` appends, each to a stream picked by a small generator seeded with
/// the writer's number, expecting the version read just before. Reports on `out`.
fn write_share(store: &PostgresStore, writer: usize, count: u64, out: &mut dyn Write) {
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64 ^ writer as u64;
    for n in 0..count {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let stream = STREAMS[(seed >> 33) as usize % STREAMS.len()];
        let version = store.stream_version(stream).expect("version");
        let key = format!("w{writer}-{n}");
        let batch = Append::new(stream, ExpectedVersion::Exact(version))
            .event(NewEvent::new(
                "Written",
                1,
                json!({ "writer": writer, "n": n }),
            ))
            .idempotency_key(key.clone());
        let line = match store.append(batch) {
            Ok(appended) => {
                assert_eq!(appended.stream_version, version + 1);
                json!({ "acked": { "key": key, "stream": stream, "version": appended.stream_version,
                                   "sequence": appended.sequences.start } })
            }
            Err(EventStoreError::Conflict { actual, .. }) => {
                assert!(actual > version, "a conflict means someone else appended");
                json!({ "conflict": { "stream": stream, "expected": version, "actual": actual } })
            }
            Err(other) => panic!("an append neither succeeded nor conflicted: {other}"),
        };
        writeln!(out, "{line}").expect("report");
        let (len, digest) = fingerprint(&read_whole_log(store));
        writeln!(
            out,
            "{}",
            json!({ "read": { "len": len, "digest": digest } })
        )
        .expect("report");
    }
}

/// The child, when `REACTIVE_PG_WRITER` is `<writer>:<schema>`: waits for the parent's "go",
/// appends its share and reports each outcome on stdout.
///
/// Run as a normal test, one writer appends alone in a fresh schema: every append is
/// acknowledged, with versions counting up per stream.
#[test]
fn writer_child_appends_to_overlapping_streams() {
    let Ok(spec) = std::env::var(PG_WRITER_ENV) else {
        let Some(fresh) = TestStore::fresh("writer_alone") else {
            return;
        };
        let mut report = Vec::new();
        write_share(&fresh.store, 0, 20, &mut report);
        let lines: Vec<Value> = report
            .split(|b| *b == b'\n')
            .filter(|line| !line.is_empty())
            .map(|line| serde_json::from_slice(line).unwrap())
            .collect();
        assert_eq!(
            lines.iter().filter(|l| l.get("acked").is_some()).count(),
            20
        );
        assert_eq!(
            lines.iter().filter(|l| l.get("conflict").is_some()).count(),
            0
        );
        assert_eq!(fresh.store.head().unwrap(), 20);
        return;
    };
    let (writer, schema) = spec.split_once(':').expect("writer:schema");
    let url = server_url("writer_child").expect("the parent has a server");
    let store = PostgresStore::connect_schema(&url, schema).expect("open");
    let mut go = String::new();
    std::io::stdin().read_line(&mut go).expect("stdin");
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    // The test harness has printed `test <name> ... ` without ending the line.
    writeln!(out).expect("report");
    write_share(
        &store,
        writer.parse().expect("writer number"),
        APPENDS_PER_PROCESS,
        &mut out,
    );
    writeln!(out, "{}", json!({ "done": true })).expect("report");
}

#[test]
fn k_processes_appending_to_overlapping_streams_lose_duplicate_and_fork_nothing() {
    let Some(fresh) = TestStore::fresh("k_processes") else {
        return;
    };
    let executable = std::env::current_exe().expect("test binary");
    let mut children: Vec<std::process::Child> = (0..PROCESSES)
        .map(|writer| {
            Command::new(&executable)
                .args([
                    "concurrency::writer_child_appends_to_overlapping_streams",
                    "--exact",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(PG_WRITER_ENV, format!("{writer}:{}", fresh.store.schema()))
                .env(super::support::URL_ENV, &fresh.url)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn a writer")
        })
        .collect();
    for child in &mut children {
        writeln!(child.stdin.as_mut().expect("stdin"), "go").expect("go");
    }
    let mut acked = Vec::new();
    let mut conflicts = 0;
    let mut reads = Vec::new();
    for child in children {
        let output = child.wait_with_output().expect("writer");
        assert!(
            output.status.success(),
            "a writer failed: {}",
            output.status
        );
        let mut done = false;
        for line in BufReader::new(&output.stdout[..]).lines() {
            let line = line.expect("utf-8");
            let Ok(value) = serde_json::from_str::<Value>(&line) else {
                continue; // the test harness's own lines
            };
            if let Some(ack) = value.get("acked") {
                acked.push(ack.clone());
            } else if value.get("conflict").is_some() {
                conflicts += 1;
            } else if let Some(read) = value.get("read") {
                reads.push((
                    read["len"].as_u64().expect("len") as usize,
                    read["digest"].as_str().expect("digest").to_owned(),
                ));
            } else if value.get("done").is_some() {
                done = true;
            }
        }
        assert!(done, "a writer did not finish its share");
    }
    let total = (PROCESSES as u64 * APPENDS_PER_PROCESS) as usize;
    assert_eq!(acked.len() + conflicts, total, "every append answered once");
    assert!(
        conflicts > 0,
        "the writers never raced: the test proves nothing"
    );

    let log = read_whole_log(&fresh.store);
    // Every acknowledged append is in the log exactly once, where it was acknowledged, and
    // nothing else is.
    assert_eq!(
        log.len(),
        acked.len(),
        "the log holds exactly the acknowledged appends"
    );
    let by_sequence: BTreeMap<u64, &RecordedEvent> = log.iter().map(|e| (e.sequence, e)).collect();
    let mut keys = BTreeSet::new();
    for ack in &acked {
        let event = by_sequence[&ack["sequence"].as_u64().unwrap()];
        assert_eq!(event.stream, ack["stream"].as_str().unwrap());
        assert_eq!(event.version, ack["version"].as_u64().unwrap());
        assert_eq!(event.idempotency_key.as_deref(), ack["key"].as_str());
        assert!(
            keys.insert(ack["key"].as_str().unwrap().to_owned()),
            "a key acked twice"
        );
    }
    // Sequences 1..=n, versions gapless per stream.
    assert!(log.iter().map(|e| e.sequence).eq(1..=log.len() as u64));
    for stream in STREAMS {
        let versions: Vec<u64> = log
            .iter()
            .filter(|e| e.stream == stream)
            .map(|e| e.version)
            .collect();
        assert!(
            versions.iter().copied().eq(1..=versions.len() as u64),
            "{stream}: {versions:?}"
        );
    }
    assert_eq!(
        verify_chain(&fresh.store).expect("chain").events,
        log.len() as u64
    );
    // Every read any writer made was a prefix of the final log: no gap, no reordering, no
    // event that later vanished.
    assert_eq!(reads.len(), total);
    for (len, digest) in &reads {
        assert!(*len <= log.len());
        assert_eq!(
            &fingerprint(&log[..*len]).1,
            digest,
            "a read of {len} events was not a prefix"
        );
    }
}
