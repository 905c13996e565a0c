//! Fan-out latency across two server nodes: the time from a client's commit on node A to the
//! update's arrival in a client's document on node B, beside the same with both clients on
//! one node. Not run in CI (it needs PostgreSQL and NATS); `cargo bench --no-run` builds it.
//!
//! Two nodes in this process (`PostgresStorage` + `Cluster`, each its own NATS connection),
//! one writer and one reader client. Each sample: the writer sets one key of a map and
//! commits; the time until the reader's document holds that value. The path crosses: the
//! writer's WebSocket, node A's room (import, PostgreSQL `INSERT` committed with
//! `fsync=on`), NATS, node B's room (import, fan-out), B's WebSocket, the reader's import.
//! 50 warm-up samples, then `SAMPLES` (default 500), one at a time.
//!
//! ```sh
//! eval "$(.ci/postgres.sh start)"; eval "$(.ci/nats.sh start)"
//! cargo bench -p reactive-sync --bench cluster_fanout
//! ```

use std::time::{Duration, Instant};

use loro::LoroDoc;
use reactive_sync::client::{ClientConfig, SyncClient};
use reactive_sync::server::{Cluster, PostgresStorage, RunningServer, SyncServer};

/// A node on `storage` (opened outside the runtime: the blocking client drives one of its own).
async fn node(storage: PostgresStorage, nats: &str) -> RunningServer {
    let cluster = Cluster::connect(nats).await.expect("NATS");
    SyncServer::new(storage)
        .cluster(cluster)
        .spawn("127.0.0.1:0")
        .await
        .expect("listen")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

async fn measure(label: &str, writer_url: &str, reader_url: &str, samples: usize) {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos();
    let document = format!("fanout-{label}-{nanos}");
    let (wdoc, rdoc) = (LoroDoc::new(), LoroDoc::new());
    let writer = SyncClient::start(ClientConfig::new(writer_url, "w", &document), wdoc.clone());
    let reader = SyncClient::start(ClientConfig::new(reader_url, "r", &document), rdoc.clone());
    writer.wait_online().await;
    reader.wait_online().await;
    let mut changes = reader.watch_changes();
    let mut times = Vec::with_capacity(samples);
    for i in 0..samples + 50 {
        let value = i as i64;
        let start = Instant::now();
        wdoc.get_map("m").insert("k", value).expect("insert");
        wdoc.commit();
        loop {
            let seen = rdoc
                .get_map("m")
                .get("k")
                .and_then(|v| v.into_value().ok())
                .and_then(|v| v.into_i64().ok());
            if seen == Some(value) {
                break;
            }
            let _ = tokio::time::timeout(Duration::from_secs(5), changes.changed()).await;
        }
        if i >= 50 {
            times.push(start.elapsed());
        }
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    println!(
        "{label:<22} samples {samples:>5}  p50 {:>8.3} ms  p99 {:>8.3} ms  mean {:>8.3} ms  max {:>8.3} ms",
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        mean.as_secs_f64() * 1e3,
        times.last().expect("samples").as_secs_f64() * 1e3,
    );
    writer.shutdown().await;
    reader.shutdown().await;
}

fn main() {
    // `cargo test --benches` runs bench targets with `--bench`-less arguments; only measure
    // under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (Some(postgres), Some(nats)) = (var("REACTIVE_POSTGRES_URL"), var("REACTIVE_NATS_URL"))
    else {
        println!("cluster_fanout: SKIPPED: set REACTIVE_POSTGRES_URL and REACTIVE_NATS_URL");
        return;
    };
    let samples = var("SAMPLES").and_then(|s| s.parse().ok()).unwrap_or(500);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let open = || PostgresStorage::open(&postgres).expect("PostgreSQL");
    let (storage_a, storage_b) = (open(), open());
    runtime.block_on(async {
        let a = node(storage_a, &nats).await;
        let b = node(storage_b, &nats).await;
        measure("one node (A to A)", &a.url(), &a.url(), samples).await;
        measure("two nodes (A to B)", &a.url(), &b.url(), samples).await;
        a.shutdown().await;
        b.shutdown().await;
    });
}
