//! Catch-up subscriptions: read the history from a checkpoint, then keep up with what is
//! appended, and remember how far they got.

use crate::error::StoreError;
use crate::event::RecordedEvent;
use crate::store::{DEFAULT_PAGE_SIZE, EventStore};

/// A named reader of the whole log that resumes where it left off.
///
/// [`poll`](Subscription::poll) returns the next page of events — the history first, then,
/// once caught up, whatever was appended since the last poll (an empty page means "nothing
/// new"). [`checkpoint`](Subscription::checkpoint) stores the position in the store itself, so
/// a restarted process continues from there.
///
/// ```
/// use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent, Subscription};
/// let store = MemoryStore::new();
/// let append = |n: i64| store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, n.into())));
/// append(1)?;
/// append(2)?;
///
/// let mut subscription = Subscription::open(&store, "mailer")?;
/// assert_eq!(subscription.poll()?.len(), 2); // history
/// assert!(subscription.poll()?.is_empty());   // caught up
/// assert!(subscription.is_live());
/// subscription.checkpoint()?;
///
/// append(3)?;                                  // live
/// let mut resumed = Subscription::open(&store, "mailer")?;
/// assert_eq!(resumed.poll()?[0].payload, serde_json::json!(3));
/// # Ok::<(), reactive_sourcing::StoreError>(())
/// ```
#[derive(Debug)]
pub struct Subscription<'s, S: EventStore + ?Sized> {
    store: &'s S,
    name: String,
    /// The next sequence to read.
    position: u64,
    page_size: usize,
    live: bool,
}

impl<'s, S: EventStore + ?Sized> Subscription<'s, S> {
    /// Opens the subscription `name` at its saved checkpoint (the beginning if none).
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidInput`] for an empty name, or a read error.
    ///
    /// ```
    /// # use reactive_sourcing::{MemoryStore, Subscription};
    /// let store = MemoryStore::new();
    /// assert_eq!(Subscription::open(&store, "projector")?.position(), 1);
    /// # Ok::<(), reactive_sourcing::StoreError>(())
    /// ```
    pub fn open(store: &'s S, name: &str) -> Result<Self, StoreError> {
        if name.is_empty() {
            return Err(StoreError::InvalidInput {
                reason: "a subscription needs a name".into(),
            });
        }
        let position = store.load_checkpoint(name)?.unwrap_or(1).max(1);
        Ok(Subscription {
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
    /// # use reactive_sourcing::{MemoryStore, Subscription};
    /// let store = MemoryStore::new();
    /// let subscription = Subscription::open(&store, "s")?.page_size(100);
    /// # drop(subscription);
    /// # Ok::<(), reactive_sourcing::StoreError>(())
    /// ```
    #[must_use]
    pub fn page_size(mut self, page_size: usize) -> Self {
        self.page_size = page_size.max(1);
        self
    }

    /// The subscription's name.
    ///
    /// ```
    /// # use reactive_sourcing::{MemoryStore, Subscription};
    /// let store = MemoryStore::new();
    /// assert_eq!(Subscription::open(&store, "audit")?.name(), "audit");
    /// # Ok::<(), reactive_sourcing::StoreError>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The next sequence number it will read.
    ///
    /// ```
    /// # use reactive_sourcing::{EventStore, MemoryStore, Subscription};
    /// let store = MemoryStore::new();
    /// store.save_checkpoint("s", 42)?;
    /// assert_eq!(Subscription::open(&store, "s")?.position(), 42);
    /// # Ok::<(), reactive_sourcing::StoreError>(())
    /// ```
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Whether it has read everything there was at its last poll (it is following live).
    ///
    /// ```
    /// # use reactive_sourcing::{MemoryStore, Subscription};
    /// let store = MemoryStore::new();
    /// let mut subscription = Subscription::open(&store, "s")?;
    /// assert!(!subscription.is_live());
    /// subscription.poll()?;
    /// assert!(subscription.is_live());
    /// # Ok::<(), reactive_sourcing::StoreError>(())
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
    /// See [`Subscription`] for a full example.
    pub fn poll(&mut self) -> Result<Vec<RecordedEvent>, StoreError> {
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
    /// See [`Subscription`] for a full example.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
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
    /// # use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent, Subscription};
    /// let store = MemoryStore::new();
    /// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, 5.into())))?;
    /// let mut seen = Vec::new();
    /// let mut subscription = Subscription::open(&store, "printer")?;
    /// subscription.catch_up(|event| { seen.push(event.sequence); Ok(()) })?;
    /// assert_eq!(seen, [1]);
    /// assert_eq!(store.load_checkpoint("printer")?, Some(2));
    /// # Ok::<(), reactive_sourcing::StoreError>(())
    /// ```
    pub fn catch_up(
        &mut self,
        mut handler: impl FnMut(&RecordedEvent) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
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
