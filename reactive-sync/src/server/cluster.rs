//! Several server nodes serving the same documents (feature `cluster`): every update a node
//! stores is published on NATS, on one subject per document, and the other nodes import it
//! into their room of that document (if they have it loaded) and forward it to their clients.
//!
//! **Core NATS, not JetStream.** The nodes share their storage (`PostgresStorage`), and an
//! update is stored before it is acknowledged or published: the storage is the durable log,
//! and NATS is only the fast path between nodes. What the fast path can lose — messages in
//! flight when NATS restarts, a publish while the node is disconnected, a slow subscriber's
//! dropped messages — is healed by a *catch-up*: after every (re)connection to NATS, and every
//! `catch_up_every` (default 10 s), each loaded room re-reads its document from the storage and
//! imports what it lacks. A node that was down has no rooms: it loads each one from the storage
//! when a client joins, after its subscription is in place, so nothing published after the
//! load is missed. A JetStream stream would have kept a second durable copy of every update, to
//! heal only what the catch-up already heals.
//!
//! Loro updates are idempotent and commutative, so an update that reaches a room twice (by
//! NATS and by a catch-up) or out of order changes nothing.
//!
//! Subjects: `<prefix>.doc.<document as hex>` (a document name may hold any character, a NATS
//! token may not). Payload: the publishing node's 8-byte id, then the Loro update; a node
//! skips its own messages. An update larger than the NATS server's `max_payload` (1 MiB by
//! default) cannot be published: it reaches the other nodes by their next catch-up.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use loro::ExportMode;
use tokio::sync::mpsc;

use super::room::Room;
use super::{Shared, UpdateHook};
use crate::protocol::Frame;

/// Why a node could not join its cluster.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// NATS could not be reached.
    #[error("cannot connect to NATS at {url}: {message}")]
    Connect {
        /// The URL tried.
        url: String,
        /// The client's reason.
        message: String,
    },
    /// The subscription to the other nodes' updates failed.
    #[error("cannot subscribe to {subject}: {message}")]
    Subscribe {
        /// The subject.
        subject: String,
        /// The client's reason.
        message: String,
    },
}

/// An update this node stored, on its way to NATS.
struct Published {
    subject: String,
    payload: Vec<u8>,
}

/// A node's link to its cluster: a NATS connection, before the server starts using it.
///
/// ```no_run
/// # #[cfg(all(feature = "cluster", feature = "postgres"))]
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use reactive_sync::server::{Cluster, PostgresStorage, SyncServer};
/// // Outside the runtime: the blocking PostgreSQL client drives a runtime of its own.
/// let storage = PostgresStorage::open("host=127.0.0.1 user=postgres dbname=postgres")?;
/// tokio::runtime::Runtime::new()?.block_on(async {
///     let cluster = Cluster::connect("nats://127.0.0.1:4222").await?;
///     let node = SyncServer::new(storage).cluster(cluster).spawn("127.0.0.1:9001").await?;
///     # drop(node);
///     Ok(())
/// })
/// # }
/// ```
pub struct Cluster {
    client: async_nats::Client,
    node: [u8; 8],
    prefix: String,
    catch_up_every: Duration,
    connected: mpsc::UnboundedReceiver<()>,
    outgoing: mpsc::UnboundedSender<Published>,
    outgoing_rx: mpsc::UnboundedReceiver<Published>,
}

impl Cluster {
    /// Connects to NATS at `url` (`nats://host:port`, or several separated by commas). The
    /// connection is retried for ever after it drops; the initial one must succeed.
    pub async fn connect(url: &str) -> Result<Cluster, ClusterError> {
        let (connected_tx, connected) = mpsc::unbounded_channel();
        let client = async_nats::ConnectOptions::new()
            .name("reactive-sync-server")
            .max_reconnects(None)
            .connection_timeout(Duration::from_secs(5))
            // Quick retries: a node out of the cluster serves stale documents meanwhile.
            .reconnect_delay_callback(|attempts| {
                Duration::from_millis((50 * attempts as u64).min(1000))
            })
            .event_callback(move |event| {
                let connected_tx = connected_tx.clone();
                async move {
                    if matches!(event, async_nats::Event::Connected) {
                        let _ = connected_tx.send(());
                    }
                }
            })
            .connect(url)
            .await
            .map_err(|e| ClusterError::Connect {
                url: url.to_owned(),
                message: e.to_string(),
            })?;
        let (outgoing, outgoing_rx) = mpsc::unbounded_channel();
        Ok(Cluster {
            client,
            node: node_id(),
            prefix: "reactive-sync".to_owned(),
            catch_up_every: Duration::from_secs(10),
            connected,
            outgoing,
            outgoing_rx,
        })
    }

    /// The first token of every subject (default `reactive-sync`): clusters that share one
    /// NATS server need different prefixes.
    pub fn subject_prefix(mut self, prefix: &str) -> Cluster {
        prefix.clone_into(&mut self.prefix);
        self
    }

    /// How often each loaded room re-reads its document from the storage, besides after every
    /// reconnection to NATS (default 10 s).
    pub fn catch_up_every(mut self, period: Duration) -> Cluster {
        self.catch_up_every = period.max(Duration::from_millis(10));
        self
    }

    /// The hook rooms call with each update they stored.
    pub(crate) fn publisher(&mut self) -> UpdateHook {
        let outgoing = self.outgoing.clone();
        let (prefix, node) = (self.prefix.clone(), self.node);
        Arc::new(move |document: &str, update: &[u8]| {
            let mut payload = Vec::with_capacity(8 + update.len());
            payload.extend_from_slice(&node);
            payload.extend_from_slice(update);
            let subject = subject(&prefix, document);
            let _ = outgoing.send(Published { subject, payload });
        })
    }

    /// Subscribes to the other nodes' updates, then starts the publishing and importing tasks.
    pub(crate) async fn start(self, shared: Arc<Shared>) -> Result<(), ClusterError> {
        let wildcard = format!("{}.doc.*", self.prefix);
        let mut subscription =
            self.client
                .subscribe(wildcard.clone())
                .await
                .map_err(|e| ClusterError::Subscribe {
                    subject: wildcard.clone(),
                    message: e.to_string(),
                })?;
        // The subscription is registered with the server before any room loads.
        let _ = self.client.flush().await;

        let (client, mut outgoing_rx) = (self.client.clone(), self.outgoing_rx);
        let mut shutdown = shared.shutdown.subscribe();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    published = outgoing_rx.recv() => {
                        let Some(Published { subject, payload }) = published else { return };
                        // A lost publish is healed by the other nodes' catch-up.
                        let _ = client.publish(subject, payload.into()).await;
                    }
                    _ = shutdown.changed() => return,
                }
            }
        });

        let (node, prefix, mut connected) = (self.node, self.prefix, self.connected);
        let mut shutdown = shared.shutdown.subscribe();
        let mut every = tokio::time::interval(self.catch_up_every);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::spawn(async move {
            // Kept alive for the life of the subscription.
            let _client = self.client;
            loop {
                tokio::select! {
                    message = subscription.next() => {
                        let Some(message) = message else { return };
                        let Some(document) = document_of(&prefix, &message.subject) else {
                            continue;
                        };
                        let payload = &message.payload;
                        if payload.len() < 8 || payload[..8] == node {
                            continue;
                        }
                        if let Some(room) = shared.rooms.get(&document) {
                            room.lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .import_remote(std::slice::from_ref(&payload[8..].to_vec()));
                        }
                    }
                    Some(()) = connected.recv() => catch_up(&shared).await,
                    _ = every.tick() => catch_up(&shared).await,
                    _ = shutdown.changed() => return,
                }
            }
        });
        Ok(())
    }
}

/// Re-reads every loaded room's document from the storage and imports what the room lacks.
async fn catch_up(shared: &Arc<Shared>) {
    let shared = shared.clone();
    let _ = tokio::task::spawn_blocking(move || {
        for (document, room) in shared.rooms.loaded() {
            // Read outside the room's lock: clients keep working meanwhile, and whatever they
            // add is in the room already.
            let Ok(stored) = shared.storage.load(&document) else {
                continue;
            };
            let updates: Vec<Vec<u8>> = stored.snapshot.into_iter().chain(stored.updates).collect();
            if !updates.is_empty() {
                room.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .import_remote(&updates);
            }
        }
    })
    .await;
}

impl Room {
    /// Imports updates another node stored (already durable: nothing is persisted here) and
    /// forwards what changed to every client of this room.
    pub(crate) fn import_remote(&mut self, updates: &[Vec<u8>]) {
        if self.failed {
            return;
        }
        let before = self.doc.oplog_vv();
        // A damaged update imports nothing; the rest of the batch still does.
        let _ = match updates {
            [one] => self.doc.import(one).map(|_| ()),
            many => self.doc.import_batch(many).map(|_| ()),
        };
        if self.doc.oplog_vv() == before {
            return;
        }
        if let Ok(bytes) = self.doc.export(ExportMode::updates(&before)) {
            self.fan_out(None, &Frame::Update { id: 0, bytes });
        }
    }
}

/// This process's id on the subjects: random enough that two nodes never share it.
fn node_id() -> [u8; 8] {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    hasher.finish().to_le_bytes()
}

/// The subject of `document`'s updates; `_` stands for the empty name (a token cannot be
/// empty, and hex never holds `_`).
fn subject(prefix: &str, document: &str) -> String {
    let mut subject = format!("{prefix}.doc.");
    if document.is_empty() {
        subject.push('_');
    }
    for byte in document.bytes() {
        subject.push_str(&format!("{byte:02x}"));
    }
    subject
}

fn document_of(prefix: &str, subject: &str) -> Option<String> {
    let hex = subject.strip_prefix(prefix)?.strip_prefix(".doc.")?;
    if hex == "_" {
        return Some(String::new());
    }
    if hex.is_empty() || hex.len() % 2 != 0 {
        return None;
    }
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_document_name_round_trips_through_its_subject(document in ".*") {
            let subject = subject("reactive-sync", &document);
            prop_assert!(!subject["reactive-sync.doc.".len()..].contains(['.', '*', '>', ' ']));
            prop_assert_eq!(document_of("reactive-sync", &subject), Some(document));
        }
    }

    #[test]
    fn a_subject_of_another_prefix_or_bad_hex_names_no_document() {
        assert_eq!(document_of("a", "b.doc.6869"), None);
        assert_eq!(document_of("a", "a.doc.686"), None);
        assert_eq!(document_of("a", "a.doc.zz"), None);
        assert_eq!(document_of("a", "a.doc.6869").as_deref(), Some("hi"));
    }
}
