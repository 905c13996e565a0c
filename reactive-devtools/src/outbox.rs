//! The [`Outbox`]: how the reactive thread hands serialised messages to the server without
//! ever waiting for it. A bounded queue; when it is full, the message is dropped and counted.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};

use crate::protocol::Message;

/// The sending end, on the reactive thread. `send` serialises and never blocks.
///
/// ```
/// use reactive_devtools::{Message, Outbox};
/// let (outbox, inbox) = Outbox::bounded(1);
/// outbox.send(&Message::NodeDisposed { id: 1 });
/// outbox.send(&Message::NodeDisposed { id: 2 }); // full: dropped, counted
/// assert_eq!(outbox.dropped(), 1);
/// assert_eq!(&*inbox.recv().unwrap(), r#"{"type":"node_disposed","id":1}"#);
/// ```
#[derive(Clone, Debug)]
pub struct Outbox {
    tx: SyncSender<Arc<str>>,
    dropped: Arc<AtomicU64>,
}

impl Outbox {
    /// A queue holding at most `capacity` messages (at least 1), and its receiving end.
    pub fn bounded(capacity: usize) -> (Outbox, Receiver<Arc<str>>) {
        let (tx, rx) = sync_channel(capacity.max(1));
        (
            Outbox {
                tx,
                dropped: Arc::new(AtomicU64::new(0)),
            },
            rx,
        )
    }

    /// Serialises `message` and queues it; if the queue is full or its receiver is gone, the
    /// message is dropped and counted instead. Never blocks. Returns whether it was queued.
    pub fn send(&self, message: &Message) -> bool {
        let json: Arc<str> = match serde_json::to_string(message) {
            Ok(json) => json.into(),
            // Messages are plain data with string keys: serialising cannot fail. Should it,
            // losing the message is what dropping means.
            Err(_) => {
                self.count_drop();
                return false;
            }
        };
        match self.tx.try_send(json) {
            Ok(()) => true,
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.count_drop();
                false
            }
        }
    }

    /// Messages dropped so far (by this outbox and its clones, and by the server's slow
    /// streams, which share the counter).
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Counts one dropped message.
    pub(crate) fn count_drop(&self) {
        self.dropped.fetch_add(1, Ordering::Relaxed);
    }

    /// The shared drop counter (the server adds the drops of its slow streams to it).
    pub(crate) fn drop_counter(&self) -> Arc<AtomicU64> {
        self.dropped.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn written(id: u64) -> Message {
        Message::Written { id, changed: true }
    }

    #[test]
    fn a_full_outbox_drops_and_counts_instead_of_blocking() {
        let (outbox, inbox) = Outbox::bounded(2);
        let queued: Vec<bool> = (0..5).map(|i| outbox.send(&written(i))).collect();
        assert_eq!(queued, [true, true, false, false, false]);
        assert_eq!(outbox.dropped(), 3);
        // The first two arrive, in order; the later ones are gone.
        assert!(inbox.recv().unwrap().contains("\"id\":0"));
        assert!(inbox.recv().unwrap().contains("\"id\":1"));
        assert!(inbox.try_recv().is_err());
    }

    #[test]
    fn room_made_by_the_receiver_is_used_again() {
        let (outbox, inbox) = Outbox::bounded(1);
        assert!(outbox.send(&written(1)));
        assert!(!outbox.send(&written(2)));
        inbox.recv().unwrap();
        assert!(outbox.send(&written(3)));
        assert_eq!(outbox.dropped(), 1);
    }

    #[test]
    fn sending_after_the_server_is_gone_counts_drops_and_does_not_panic() {
        let (outbox, inbox) = Outbox::bounded(4);
        drop(inbox);
        assert!(!outbox.send(&written(1)));
        assert_eq!(outbox.dropped(), 1);
    }

    #[test]
    fn clones_share_the_queue_and_the_counter() {
        let (outbox, _inbox) = Outbox::bounded(1);
        let other = outbox.clone();
        outbox.send(&written(1));
        other.send(&written(2));
        assert_eq!((outbox.dropped(), other.dropped()), (1, 1));
    }

    proptest! {
        /// Against a naive model: a queue of `capacity` slots, sends and receives in any order;
        /// every message is either received or counted as dropped, never both, never lost.
        #[test]
        fn every_message_is_delivered_or_counted(
            capacity in 1usize..5,
            ops in proptest::collection::vec(any::<bool>(), 0..60),
        ) {
            let (outbox, inbox) = Outbox::bounded(capacity);
            let (mut model_len, mut model_dropped, mut sent, mut received) = (0usize, 0u64, 0u64, 0u64);
            for send in ops {
                if send {
                    let queued = outbox.send(&written(sent));
                    sent += 1;
                    prop_assert_eq!(queued, model_len < capacity);
                    if queued { model_len += 1 } else { model_dropped += 1 }
                } else if inbox.try_recv().is_ok() {
                    received += 1;
                    model_len -= 1;
                } else {
                    prop_assert_eq!(model_len, 0);
                }
            }
            while inbox.try_recv().is_ok() {
                received += 1;
            }
            prop_assert_eq!(outbox.dropped(), model_dropped);
            prop_assert_eq!(received + outbox.dropped(), sent);
        }
    }
}
