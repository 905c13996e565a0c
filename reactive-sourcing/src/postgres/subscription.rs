//! `PostgresSubscription`: a catch-up subscription that sleeps until an append's notification
//! (`LISTEN/NOTIFY`) wakes it, then reads what is new from the table.

use std::time::{Duration, Instant};

use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;

use super::PostgresStore;
use crate::error::EventStoreError;
use crate::event::RecordedEvent;
use crate::subscription::CatchUpSubscription;

/// The longest pause between two attempts to reach a server that is down.
const MAX_BACKOFF: Duration = Duration::from_millis(500);

/// A named reader of a [`PostgresStore`]'s log that resumes where it left off and, once caught
/// up, waits for new events without polling.
///
/// It listens on the store's channel on a connection of its own. Every append notifies that
/// channel when it commits; a notification only wakes the subscription, which then reads from
/// the table (from its position, in sequence order), so what it returns never depends on
/// notifications arriving: one lost with a dropped connection costs nothing. The order is what
/// makes that safe: it starts listening *before* each read of the table, so an append that
/// commits after the read has its notification waiting.
///
/// When the server goes away (a restart, a failover), [`next_page`](Self::next_page) keeps
/// trying to reconnect, with a pause growing to 0.5 s, until its timeout: events appended
/// meanwhile are read from the table once it is back. Positions are saved with
/// [`checkpoint`](Self::checkpoint), in the store, as for [`CatchUpSubscription`].
///
/// ```no_run
/// use std::time::Duration;
/// use reactive_sourcing::PostgresStore;
/// let store = PostgresStore::connect("host=127.0.0.1 user=postgres dbname=app")?;
/// let mut mailer = store.subscribe("mailer")?;
/// loop {
///     for event in mailer.next_page(Duration::from_secs(30))? {
///         println!("{} {}", event.sequence, event.event_type);
///     }
///     mailer.checkpoint()?;
/// }
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
pub struct PostgresSubscription<'s> {
    store: &'s PostgresStore,
    reader: CatchUpSubscription<'s, PostgresStore>,
    /// The listening connection; `None` until the first read and after it was lost.
    listener: Option<Client>,
    /// Whether a listening connection was ever made (the next one is then a reconnect).
    listened: bool,
    reconnects: u64,
}

impl std::fmt::Debug for PostgresSubscription<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresSubscription")
            .field("name", &self.name())
            .field("position", &self.position())
            .field("listening", &self.listener.is_some())
            .field("reconnects", &self.reconnects)
            .finish()
    }
}

impl PostgresStore {
    /// Opens the subscription `name` at its saved checkpoint (the beginning if none). It
    /// connects to listen at its first [`next_page`](PostgresSubscription::next_page).
    ///
    /// # Errors
    ///
    /// [`EventStoreError::InvalidInput`] for an empty name, or a read error.
    ///
    /// See [`PostgresSubscription`] for an example.
    pub fn subscribe(&self, name: &str) -> Result<PostgresSubscription<'_>, EventStoreError> {
        Ok(PostgresSubscription {
            store: self,
            reader: CatchUpSubscription::open(self, name)?,
            listener: None,
            listened: false,
            reconnects: 0,
        })
    }
}

impl PostgresSubscription<'_> {
    /// Sets how many events a page holds at most (at least 1).
    ///
    /// ```no_run
    /// # let store = reactive_sourcing::PostgresStore::connect("host=127.0.0.1 user=postgres")?;
    /// let subscription = store.subscribe("projector")?.page_size(100);
    /// # drop(subscription);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    #[must_use]
    pub fn page_size(mut self, page_size: usize) -> Self {
        self.reader = self.reader.page_size(page_size);
        self
    }

    /// The subscription's name.
    ///
    /// ```no_run
    /// # let store = reactive_sourcing::PostgresStore::connect("host=127.0.0.1 user=postgres")?;
    /// assert_eq!(store.subscribe("audit")?.name(), "audit");
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn name(&self) -> &str {
        self.reader.name()
    }

    /// The next sequence number it will read.
    ///
    /// ```no_run
    /// # use reactive_sourcing::EventStore;
    /// # let store = reactive_sourcing::PostgresStore::connect("host=127.0.0.1 user=postgres")?;
    /// store.save_checkpoint("audit", 42)?;
    /// assert_eq!(store.subscribe("audit")?.position(), 42);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn position(&self) -> u64 {
        self.reader.position()
    }

    /// How many times the listening connection was made again after it was lost.
    ///
    /// ```no_run
    /// # let store = reactive_sourcing::PostgresStore::connect("host=127.0.0.1 user=postgres")?;
    /// assert_eq!(store.subscribe("audit")?.reconnects(), 0);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn reconnects(&self) -> u64 {
        self.reconnects
    }

    /// Stores the position, so a reopened subscription resumes here.
    ///
    /// # Errors
    ///
    /// A write error.
    ///
    /// See [`PostgresSubscription`] for an example.
    pub fn checkpoint(&self) -> Result<(), EventStoreError> {
        self.reader.checkpoint()
    }

    /// The next page of events: at once if there are events past the position, else as soon
    /// as an append commits one, or empty once `timeout` has passed with nothing new. Advances
    /// the position in memory. Compacted events are skipped.
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Postgres`] if the server could not be reached until `timeout` (the
    /// position does not move; call again to go on trying), or another read error.
    ///
    /// See [`PostgresSubscription`] for an example.
    pub fn next_page(&mut self, timeout: Duration) -> Result<Vec<RecordedEvent>, EventStoreError> {
        let deadline = Instant::now() + timeout;
        let mut backoff = Duration::from_millis(10);
        loop {
            match self.read_or_wait(deadline) {
                Err(EventStoreError::Postgres(error)) => {
                    // The server is unreachable or dropped a connection: listen again.
                    self.listener = None;
                    let remaining = deadline.saturating_duration_since(Instant::now());
                    if remaining.is_zero() {
                        return Err(EventStoreError::Postgres(error));
                    }
                    std::thread::sleep(backoff.min(remaining));
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
                other => return other,
            }
        }
    }

    /// Listens (connecting if needed), reads what is new, and if nothing is, waits for a
    /// notification until `deadline` and reads again.
    fn read_or_wait(&mut self, deadline: Instant) -> Result<Vec<RecordedEvent>, EventStoreError> {
        loop {
            // Notifications already received announce events the read below sees anyway.
            {
                let mut pending = self.listen()?.notifications();
                let mut buffered = pending.iter();
                while buffered.next()?.is_some() {}
            }
            let page = self.reader.poll()?;
            if !page.is_empty() {
                return Ok(page);
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Ok(page);
            }
            let listener = self.listen()?;
            let woken = listener.notifications().timeout_iter(remaining).next()?;
            if woken.is_none() && Instant::now() < deadline {
                // Woken early with nothing: the connection ended. Check it, so that a lost one
                // is reported (and replaced) rather than read again in a loop.
                listener.is_valid(Duration::from_secs(5))?;
            }
        }
    }

    /// The listening connection, made (and `LISTEN` issued) if there is none.
    fn listen(&mut self) -> Result<&mut Client, EventStoreError> {
        if self.listener.as_ref().is_some_and(Client::is_closed) {
            self.listener = None;
        }
        let listener = match self.listener.take() {
            Some(listener) => listener,
            None => {
                let mut listener = self.store.new_client()?;
                // The channel is the schema's name plus `.events`: it needs no escaping.
                listener.batch_execute(&format!("LISTEN \"{}\"", self.store.channel))?;
                if self.listened {
                    self.reconnects += 1;
                }
                self.listened = true;
                listener
            }
        };
        Ok(self.listener.insert(listener))
    }
}
