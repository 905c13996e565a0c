//! Catch-up subscriptions: read the history from a checkpoint, then keep up with what is
//! appended, and remember how far they got.

use crate::error::EventStoreError;
use crate::event::RecordedEvent;
use crate::store::{DEFAULT_PAGE_SIZE, EventStore};

/// A named reader of the whole log that resumes where it left off.
///
/// [`poll`](CatchUpSubscription::poll) returns the next page of events — the history first, then,
/// once caught up, whatever was appended since the last poll (an empty page means "nothing
/// new"). [`checkpoint`](CatchUpSubscription::checkpoint) stores the position in the store itself,
/// so a restarted process continues from there.
///
/// ```
/// use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent, CatchUpSubscription};
/// let store = MemoryStore::new();
/// let append = |n: i64| store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, n.into())));
/// append(1)?;
/// append(2)?;
///
/// let mut subscription = CatchUpSubscription::open(&store, "mailer")?;
/// assert_eq!(subscription.poll()?.len(), 2); // history
/// assert!(subscription.poll()?.is_empty());   // caught up
/// assert!(subscription.is_live());
/// subscription.checkpoint()?;
///
/// append(3)?;                                  // live
/// let mut resumed = CatchUpSubscription::open(&store, "mailer")?;
/// assert_eq!(resumed.poll()?[0].payload, serde_json::json!(3));
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
#[derive(Debug)]
pub struct CatchUpSubscription<'s, S: EventStore + ?Sized> {
    store: &'s S,
    name: String,
    /// The next sequence to read.
    position: u64,
    page_size: usize,
    live: bool,
}

impl<'s, S: EventStore + ?Sized> CatchUpSubscription<'s, S> {
    /// Opens the subscription `name` at its saved checkpoint (the beginning if none).
    ///
    /// # Errors
    ///
    /// [`EventStoreError::InvalidInput`] for an empty name, or a read error.
    ///
    /// ```
    /// # use reactive_sourcing::{MemoryStore, CatchUpSubscription};
    /// let store = MemoryStore::new();
    /// assert_eq!(CatchUpSubscription::open(&store, "projector")?.position(), 1);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn open(store: &'s S, name: &str) -> Result<Self, EventStoreError> {
        if name.is_empty() {
            return Err(EventStoreError::InvalidInput {
                reason: "a subscription needs a name".into(),
            });
        }
        let position = store.load_checkpoint(name)?.unwrap_or(1).max(1);
        Ok(CatchUpSubscription {
            store,
            name: name.to_owned(),
            position,
            page_size: DEFAULT_PAGE_SIZE,
            live: false,
        })
    }

    /// Sets how many events a poll returns at most (at least 1).
    ///
    /// ```
    /// # use reactive_sourcing::{MemoryStore, CatchUpSubscription};
    /// let store = MemoryStore::new();
    /// let subscription = CatchUpSubscription::open(&store, "s")?.page_size(100);
    /// # drop(subscription);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    #[must_use]
    pub fn page_size(mut self, page_size: usize) -> Self {
        self.page_size = page_size.max(1);
        self
    }

    /// The subscription's name.
    ///
    /// ```
    /// # use reactive_sourcing::{MemoryStore, CatchUpSubscription};
    /// let store = MemoryStore::new();
    /// assert_eq!(CatchUpSubscription::open(&store, "audit")?.name(), "audit");
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The next sequence number it will read.
    ///
    /// ```
    /// # use reactive_sourcing::{EventStore, MemoryStore, CatchUpSubscription};
    /// let store = MemoryStore::new();
    /// store.save_checkpoint("s", 42)?;
    /// assert_eq!(CatchUpSubscription::open(&store, "s")?.position(), 42);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Whether it has read everything there was at its last poll (it is following live).
    ///
    /// ```
    /// # use reactive_sourcing::{MemoryStore, CatchUpSubscription};
    /// let store = MemoryStore::new();
    /// let mut subscription = CatchUpSubscription::open(&store, "s")?;
    /// assert!(!subscription.is_live());
    /// subscription.poll()?;
    /// assert!(subscription.is_live());
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn is_live(&self) -> bool {
        self.live
    }

    /// The next page of events (empty when there is nothing new), advancing the position in
    /// memory. Compacted events are skipped.
    ///
    /// # Errors
    ///
    /// A read error (the position does not move).
    ///
    /// See [`CatchUpSubscription`] for a full example.
    pub fn poll(&mut self) -> Result<Vec<RecordedEvent>, EventStoreError> {
        let page = self.store.read_all(self.position, self.page_size)?;
        match page.last() {
            Some(last) => {
                self.position = last.sequence + 1;
                self.live = false;
            }
            None => self.live = true,
        }
        Ok(page)
    }

    /// Stores the position, so a reopened subscription resumes here.
    ///
    /// # Errors
    ///
    /// A write error.
    ///
    /// See [`CatchUpSubscription`] for a full example.
    pub fn checkpoint(&self) -> Result<(), EventStoreError> {
        self.store.save_checkpoint(&self.name, self.position)
    }

    /// Polls until caught up, calling `handler` for each event and checkpointing after each
    /// page. Returns how many events were handled.
    ///
    /// # Errors
    ///
    /// The first error of `handler` (the checkpoint stays at the start of that page, so the
    /// page is handled again next time: at-least-once delivery), or a store error.
    ///
    /// ```
    /// # use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent, CatchUpSubscription};
    /// let store = MemoryStore::new();
    /// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, 5.into())))?;
    /// let mut seen = Vec::new();
    /// let mut subscription = CatchUpSubscription::open(&store, "printer")?;
    /// subscription.catch_up(|event| { seen.push(event.sequence); Ok(()) })?;
    /// assert_eq!(seen, [1]);
    /// assert_eq!(store.load_checkpoint("printer")?, Some(2));
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn catch_up(
        &mut self,
        mut handler: impl FnMut(&RecordedEvent) -> Result<(), EventStoreError>,
    ) -> Result<u64, EventStoreError> {
        let mut handled = 0;
        loop {
            let start = self.position;
            let page = self.poll()?;
            if page.is_empty() {
                return Ok(handled);
            }
            for event in &page {
                if let Err(error) = handler(event) {
                    self.position = start;
                    return Err(error);
                }
                handled += 1;
            }
            self.checkpoint()?;
        }
    }
}
