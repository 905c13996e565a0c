//! [`Store`]: a state held as immutable snapshots, changed by transactions, read through
//! memos, with undo history, validation and middleware.

mod error;
mod history;
mod middleware;
mod save;
mod transaction;
mod validate;
mod watch;

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::Location;
use std::rc::Rc;

use reactive_core::{Memo, Owner, Signal, try_on_cleanup};

pub use error::{ReadAtError, StoreError};
pub use history::{HistoryLimits, HistoryStatus, HistoryStep};
pub use middleware::{Commit, CommitKind, Middleware, Proposal};
pub use transaction::Transaction;
pub use validate::{ValidationError, Violation, Violations};

use history::History;
use reactive_state::Snapshot;
use reactive_state::{Path, PathPattern};
use reactive_state::{State, node_at};
use validate::{PathValidator, StateValidator};
use watch::WatchTree;

/// A reactive store: the application state as an immutable [`Snapshot`], changed only by
/// transactions, each of which produces the next snapshot and the [`Patch`](crate::Patch)es
/// that lead to it.
///
/// `Store` is a `Copy` handle, like a signal: it belongs to the owner that was current when it
/// was created, and is disposed with it. Its methods panic if it was disposed, except those
/// returning a [`StoreError`], which report [`StoreError::Disposed`].
///
/// ```
/// use reactive_core::Effect;
/// use reactive_store::{State, imbl, path, Store};
/// use serde::{Deserialize, Serialize};
/// use std::{cell::RefCell, rc::Rc};
///
/// #[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
/// struct Todo { title: String, done: bool }
///
/// #[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
/// struct App { todos: imbl::Vector<Todo> }
///
/// let store = Store::new(App {
///     todos: (0..3).map(|i| Todo { title: format!("todo {i}"), done: false }).collect(),
/// });
/// // A selection re-runs its readers only when *its* value changes.
/// let title = store.watch::<String>(path!(todos[1].title));
/// let seen = Rc::new(RefCell::new(Vec::new()));
/// let s = seen.clone();
/// Effect::new(move || s.borrow_mut().push(title.get()));
///
/// store.update(|app| app.todos[2].done = true)?; // not todo 1: no re-run
/// let commit = store.update(|app| app.todos[1].title = "milk".into())?;
/// assert_eq!(commit.patches()[0].path, path!(todos[1].title));
/// assert_eq!(*seen.borrow(), [Some("todo 1".to_string()), Some("milk".to_string())]);
///
/// store.undo()?;
/// assert_eq!(store.snapshot_untracked().todos[1].title, "todo 1");
/// # Ok::<(), reactive_store::StoreError>(())
/// ```
pub struct Store<S: 'static> {
    cell: Signal<Rc<Inner<S>>>,
}

/// The store's shared state. No `RefCell` here is borrowed while user code runs (closures,
/// validators, middleware, `Clone`/`PartialEq`/`Serialize` of the state).
pub(crate) struct Inner<S: 'static> {
    /// Owns the store's signals: disposing it disposes the store.
    owner: Owner,
    /// The current state.
    snapshot: Signal<Snapshot<S>>,
    /// The history position, for "undo"/"redo" buttons.
    status: Signal<HistoryStatus>,
    history: RefCell<History<S>>,
    watchers: RefCell<WatchTree>,
    hooks: RefCell<Hooks<S>>,
    /// A transaction is running: another one would lose its changes.
    busy: Cell<bool>,
    /// Number of the last commit.
    seq: Cell<u64>,
}

/// Identifies a validator or middleware, to remove it with [`Store::remove_hook`].
///
/// ```
/// use reactive_store::{HookId, Store};
/// let store = Store::new(0);
/// let id: HookId = store.on_commit(|_| {});
/// assert!(store.remove_hook(id));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HookId(u64);

/// Validators and middleware. Each list is copied on write, so a commit iterates a list that
/// registration during the commit cannot change.
struct Hooks<S> {
    next: u64,
    validators: Rc<Vec<(u64, StateValidator<S>)>>,
    path_validators: Rc<Vec<(u64, Rc<PathValidator>)>>,
    middleware: Rc<Vec<(u64, SharedMiddleware<S>)>>,
}

type SharedMiddleware<S> = Rc<dyn Middleware<S>>;

impl<S: State> Store<S> {
    /// Creates a store holding `initial`, with the default [`HistoryLimits`].
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(vec!["a".to_string()]);
    /// assert_eq!(store.snapshot_untracked().len(), 1);
    /// ```
    #[track_caller]
    pub fn new(initial: S) -> Store<S> {
        Store::with_history(initial, HistoryLimits::default())
    }

    /// Creates a store holding `initial`, keeping at most `limits` of undo history.
    ///
    /// ```
    /// use reactive_store::{HistoryLimits, Store};
    /// let store = Store::with_history(0, HistoryLimits { max_steps: 0, ..Default::default() });
    /// store.update(|n| *n = 1)?;
    /// assert!(!store.history_status().can_undo);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    #[track_caller]
    pub fn with_history(initial: S, limits: HistoryLimits) -> Store<S> {
        let owner = Owner::new();
        owner.run_in(|| {
            let snapshot = Snapshot::new(initial);
            let history = History::new(snapshot.clone(), limits);
            let inner = Inner {
                owner,
                snapshot: Signal::new(snapshot),
                status: Signal::new(history.status()),
                history: RefCell::new(history),
                watchers: RefCell::new(WatchTree::default()),
                hooks: RefCell::new(Hooks {
                    next: 0,
                    validators: Rc::default(),
                    path_validators: Rc::default(),
                    middleware: Rc::default(),
                }),
                busy: Cell::new(false),
                seq: Cell::new(0),
            };
            Store {
                cell: Signal::new(Rc::new(inner)),
            }
        })
    }
}

impl<S: 'static> Store<S> {
    #[track_caller]
    pub(crate) fn inner(&self) -> Rc<Inner<S>> {
        match self.cell.try_with_untracked(Rc::clone) {
            Ok(inner) => inner,
            Err(_) => panic!(
                "reactive-store: a Store<{}> was used at {} after it was disposed",
                std::any::type_name::<S>(),
                Location::caller()
            ),
        }
    }

    pub(crate) fn try_inner(&self) -> Result<Rc<Inner<S>>, StoreError> {
        self.cell
            .try_with_untracked(Rc::clone)
            .map_err(|_| StoreError::Disposed)
    }

    /// Whether the store was disposed.
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(1);
    /// store.dispose();
    /// assert!(store.is_disposed());
    /// ```
    pub fn is_disposed(&self) -> bool {
        self.cell.is_disposed()
    }

    /// Disposes the store: its signals, and the memos and effects created by its middleware.
    /// Selections made from it stop updating. Idempotent.
    ///
    /// ```
    /// use reactive_store::{Store, StoreError};
    /// let store = Store::new(1);
    /// store.dispose();
    /// assert_eq!(store.update(|n| *n = 2).unwrap_err(), StoreError::Disposed);
    /// ```
    pub fn dispose(self) {
        if let Ok(inner) = self.try_inner() {
            inner.owner.dispose();
        }
    }

    /// The current state, tracked: the current memo or effect re-runs after every commit.
    /// Prefer [`select`](Store::select) or [`select_at`](Store::select_at) to re-run less.
    ///
    /// # Panics
    /// If the store was disposed.
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(String::from("hi"));
    /// assert_eq!(*store.snapshot(), "hi");
    /// ```
    #[track_caller]
    pub fn snapshot(&self) -> Snapshot<S> {
        self.inner().snapshot.get()
    }

    /// The current state, untracked. O(1): the snapshot shares the state.
    ///
    /// # Panics
    /// If the store was disposed.
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(3);
    /// let snap = store.snapshot_untracked();
    /// store.update(|n| *n = 4)?;
    /// assert_eq!((*snap, *store.snapshot_untracked()), (3, 4));
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    #[track_caller]
    pub fn snapshot_untracked(&self) -> Snapshot<S> {
        self.inner().snapshot.get_untracked()
    }

    /// Reads the current state through a borrow, tracked like [`snapshot`](Store::snapshot).
    ///
    /// # Panics
    /// If the store was disposed.
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(vec![1, 2, 3]);
    /// assert_eq!(store.with(|v| v.len()), 3);
    /// ```
    #[track_caller]
    pub fn with<R>(&self, f: impl FnOnce(&S) -> R) -> R {
        self.inner().snapshot.with(|s| f(s))
    }

    /// A memo of `f` over the state: it recomputes after each commit, and its readers re-run
    /// only when its value changes (`PartialEq`).
    ///
    /// `f` runs once per commit per selection, so 10,000 selections cost 10,000 small calls per
    /// commit; [`select_at`](Store::select_at) costs nothing for the selections a commit does
    /// not touch.
    ///
    /// # Panics
    /// If the store was disposed.
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(vec![1, 2, 3]);
    /// let total = store.select(|v| v.iter().sum::<i32>());
    /// store.update(|v| v.push(4))?;
    /// assert_eq!(total.get(), 10);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    #[track_caller]
    pub fn select<T: PartialEq + 'static>(&self, f: impl Fn(&S) -> T + 'static) -> Memo<T> {
        let snapshot = self.inner().snapshot;
        Memo::new(move || snapshot.with(|s| f(s)))
    }

    /// A memo of `f` over the value at `path`, which must be a `T`; `None` while nothing is
    /// there (a removed list element, a `None` option).
    ///
    /// It is notified only by commits whose patches touch `path`, one of its ancestors or one
    /// of its descendants (or shift it, in a list): selections elsewhere cost nothing. Its
    /// readers re-run only when its value changes. The selection is removed when the owner
    /// current at this call is disposed.
    ///
    /// # Panics
    /// If the store was disposed. Reading the memo panics if the value at `path` is not a `T`
    /// (the message names the path, where `select_at` was called, the type asked for and the
    /// type of the value there). For a typed error instead, read once with
    /// [`get_at_untracked`](Store::get_at_untracked).
    ///
    /// ```
    /// use reactive_store::{path, Store};
    /// let store = Store::new(vec![vec![1u32, 2], vec![3]]);
    /// let len = store.select_at(path!([1]), |row: &Vec<u32>| row.len());
    /// assert_eq!(len.get(), Some(1));
    /// store.update(|rows| rows[1].push(4))?;
    /// assert_eq!(len.get(), Some(2));
    /// store.update(|rows| { rows.pop(); })?;
    /// assert_eq!(len.get(), None);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    #[track_caller]
    pub fn select_at<T: 'static, R: PartialEq + 'static>(
        &self,
        path: Path,
        f: impl Fn(&T) -> R + 'static,
    ) -> Memo<Option<R>>
    where
        S: State,
    {
        self.select_at_for("select_at", path, f)
    }

    /// [`select_at`](Store::select_at) for the public method `method`, which a type mismatch
    /// names.
    #[track_caller]
    fn select_at_for<T: 'static, R: PartialEq + 'static>(
        &self,
        method: &'static str,
        path: Path,
        f: impl Fn(&T) -> R + 'static,
    ) -> Memo<Option<R>>
    where
        S: State,
    {
        let at = Location::caller();
        let inner = self.inner();
        let trigger = Signal::new(());
        let id = inner.watchers.borrow_mut().add(&path, trigger);
        let store = *self;
        let watched = path.clone();
        let _ = try_on_cleanup(move || {
            if let Ok(inner) = store.try_inner()
                && let Ok(mut w) = inner.watchers.try_borrow_mut()
            {
                w.remove(&watched, id);
            }
        });
        let snapshot = inner.snapshot;
        Memo::new(move || {
            trigger.track();
            snapshot
                .try_with_untracked(|s| {
                    let node = node_at(&**s, path.segments())?;
                    let any: &dyn Any = node;
                    match any.downcast_ref::<T>() {
                        Some(v) => Some(f(v)),
                        None => panic!(
                            "{}",
                            error::wrong_type_message(
                                &format!("{method}({path})"),
                                at,
                                std::any::type_name::<T>(),
                                node.type_name()
                            )
                        ),
                    }
                })
                .ok()
                .flatten()
        })
    }

    /// A memo of a clone of the value at `path`: [`select_at`](Store::select_at) with `T::clone`.
    ///
    /// # Panics
    /// As [`select_at`](Store::select_at): reading the memo panics if the value at `path` is
    /// not a `T`, with a message such as ``reactive-store: watch(/todos/0/title) at
    /// src/main.rs:9:22 expects a `u32`, but the value there is a `alloc::string::String` ``.
    ///
    /// ```
    /// use reactive_store::{path, Store};
    /// let store = Store::new(vec![String::from("a")]);
    /// let first = store.watch::<String>(path!([0]));
    /// assert_eq!(first.get().as_deref(), Some("a"));
    /// ```
    #[track_caller]
    pub fn watch<T: Clone + PartialEq + 'static>(&self, path: Path) -> Memo<Option<T>>
    where
        S: State,
    {
        self.select_at_for("watch", path, T::clone)
    }

    /// A clone of the value at `path`, untracked, or why there is none: nothing there, or a
    /// value of another type than `T` (the error names both types), or a disposed store.
    ///
    /// ```
    /// use reactive_store::{path, ReadAtError, Store};
    /// let store = Store::new((String::from("a"), 1u8));
    /// assert_eq!(store.get_at_untracked::<u8>(&path!([1])), Ok(1));
    /// let Err(ReadAtError::WrongType { expected, found, .. }) =
    ///     store.get_at_untracked::<u32>(&path!([1]))
    /// else {
    ///     panic!()
    /// };
    /// assert_eq!((expected, found), ("u32", "u8"));
    /// ```
    pub fn get_at_untracked<T: Clone + 'static>(&self, path: &Path) -> Result<T, ReadAtError>
    where
        S: State,
    {
        let inner = self.try_inner().map_err(|_| ReadAtError::Disposed)?;
        inner
            .snapshot
            .try_with_untracked(|s| {
                let node = node_at(&**s, path.segments())
                    .ok_or_else(|| ReadAtError::NoSuchPath { path: path.clone() })?;
                let any: &dyn Any = node;
                any.downcast_ref::<T>()
                    .cloned()
                    .ok_or_else(|| ReadAtError::WrongType {
                        path: path.clone(),
                        expected: std::any::type_name::<T>(),
                        found: node.type_name(),
                    })
            })
            .map_err(|_| ReadAtError::Disposed)?
    }

    /// Number of live [`select_at`](Store::select_at) selections (for leak checks).
    ///
    /// ```
    /// use reactive_core::create_root;
    /// use reactive_store::{path, Store};
    /// let store = Store::new(vec![1]);
    /// let ((), root) = create_root(|| { store.watch::<i32>(path!([0])); });
    /// assert_eq!(store.selection_count(), 1);
    /// root.dispose();
    /// assert_eq!(store.selection_count(), 0);
    /// ```
    #[track_caller]
    pub fn selection_count(&self) -> usize {
        self.inner().watchers.borrow().len()
    }

    /// Where the store is in its history, tracked.
    ///
    /// # Panics
    /// If the store was disposed.
    ///
    /// ```
    /// use reactive_store::Store;
    /// assert!(!Store::new(0).history_status().can_undo);
    /// ```
    #[track_caller]
    pub fn history_status(&self) -> HistoryStatus {
        self.inner().status.get()
    }

    /// Every step of the history, oldest first, for devtools and time travel.
    ///
    /// # Panics
    /// If the store was disposed.
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(0);
    /// store.update(|n| *n = 1)?;
    /// let h = store.history();
    /// assert_eq!(h.len(), 2);
    /// assert!(h[1].current);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    #[track_caller]
    pub fn history(&self) -> Vec<HistoryStep<S>> {
        self.inner().history.borrow().steps()
    }

    /// Forgets the history: the current state becomes the only step.
    ///
    /// # Panics
    /// If the store was disposed.
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(0);
    /// store.update(|n| *n = 1)?;
    /// store.clear_history();
    /// assert_eq!(store.history().len(), 1);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    #[track_caller]
    pub fn clear_history(&self) {
        let inner = self.inner();
        let status = {
            let mut h = inner.history.borrow_mut();
            h.clear();
            h.status()
        };
        inner.status.set_if_changed(status);
    }

    fn add_hook(&self, register: impl FnOnce(&mut Hooks<S>, u64)) -> HookId {
        let inner = self.inner();
        let id = {
            let mut hooks = inner.hooks.borrow_mut();
            hooks.next += 1;
            let id = hooks.next;
            register(&mut hooks, id);
            id
        };
        let store = *self;
        let _ = try_on_cleanup(move || {
            store.remove_hook(HookId(id));
        });
        HookId(id)
    }

    /// Registers a validator of the whole state, run before every commit of a transaction.
    /// It reports what it finds in [`Violations`]; any violation rejects the transaction with
    /// [`StoreError::Invalid`], listing the violations of every validator.
    ///
    /// The validator is removed when the owner current at this call is disposed, or with
    /// [`remove_hook`](Store::remove_hook). Undo, redo and jumps are not validated: they go back
    /// to states that were valid.
    ///
    /// # Panics
    /// If the store was disposed.
    ///
    /// ```
    /// use reactive_store::{Store, StoreError};
    /// let store = Store::new(0i32);
    /// store.add_validator(|n: &i32, v| if *n < 0 { v.add("must not be negative") });
    /// assert!(matches!(store.update(|n| *n = -1), Err(StoreError::Invalid(_))));
    /// assert_eq!(*store.snapshot_untracked(), 0);
    /// ```
    #[track_caller]
    pub fn add_validator(&self, f: impl Fn(&S, &mut Violations) + 'static) -> HookId {
        let f: StateValidator<S> = Rc::new(f);
        self.add_hook(|h, id| Rc::make_mut(&mut h.validators).push((id, f)))
    }

    /// Registers a validator of the values matching `pattern` (`/todos/*/title`), which must
    /// be `T`s. It runs only for the values a commit may have changed: those at or under a
    /// patch, or under a patch above them.
    ///
    /// # Panics
    /// If the store was disposed. A commit panics if a matching value is not a `T` (the message
    /// names the pattern and where the validator was registered).
    ///
    /// ```
    /// use reactive_store::{PathPattern, Store};
    /// let store = Store::new(vec![String::from("milk")]);
    /// store.add_path_validator(PathPattern::parse("/*").unwrap(), |t: &String, v| {
    ///     if t.trim().is_empty() { v.add("a title must not be blank") }
    /// });
    /// let err = store.update(|todos| todos.push("  ".into())).unwrap_err();
    /// assert!(err.to_string().contains("/1: a title must not be blank"));
    /// ```
    #[track_caller]
    pub fn add_path_validator<T: 'static>(
        &self,
        pattern: PathPattern,
        f: impl Fn(&T, &mut Violations) + 'static,
    ) -> HookId {
        let check = Rc::new(validate::typed_check(pattern, Location::caller(), f));
        self.add_hook(|h, id| Rc::make_mut(&mut h.path_validators).push((id, check)))
    }

    /// Registers a [`Middleware`]. Removed like validators.
    ///
    /// # Panics
    /// If the store was disposed.
    ///
    /// ```
    /// use reactive_store::{Middleware, Store};
    /// struct Nothing;
    /// impl Middleware<u8> for Nothing {}
    /// let store = Store::new(0u8);
    /// let id = store.add_middleware(Nothing);
    /// assert!(store.remove_hook(id));
    /// ```
    #[track_caller]
    pub fn add_middleware(&self, middleware: impl Middleware<S>) -> HookId {
        let m: SharedMiddleware<S> = Rc::new(middleware);
        self.add_hook(|h, id| Rc::make_mut(&mut h.middleware).push((id, m)))
    }

    /// Calls `f` after each commit (a middleware with only
    /// [`after_commit`](Middleware::after_commit)). Removed like validators.
    ///
    /// # Panics
    /// If the store was disposed.
    ///
    /// ```
    /// use reactive_store::Store;
    /// use std::{cell::Cell, rc::Rc};
    /// let store = Store::new(0);
    /// let commits = Rc::new(Cell::new(0));
    /// let c = commits.clone();
    /// store.on_commit(move |_| c.set(c.get() + 1));
    /// store.update(|n| *n = 1)?;
    /// store.update(|n| *n = 1)?; // no change: no commit
    /// assert_eq!(commits.get(), 1);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    #[track_caller]
    pub fn on_commit(&self, f: impl Fn(&Commit<S>) + 'static) -> HookId {
        self.add_middleware(middleware::OnCommit(f))
    }

    /// Removes a validator or middleware; returns whether it was registered.
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(0);
    /// let id = store.add_validator(|_, v| v.add("never valid"));
    /// assert!(store.update(|n| *n = 1).is_err());
    /// assert!(store.remove_hook(id));
    /// assert!(store.update(|n| *n = 1).is_ok());
    /// assert!(!store.remove_hook(id));
    /// ```
    pub fn remove_hook(&self, id: HookId) -> bool {
        let Ok(inner) = self.try_inner() else {
            return false;
        };
        let Ok(mut hooks) = inner.hooks.try_borrow_mut() else {
            return false;
        };
        let hooks = &mut *hooks;
        let before = hooks.validators.len() + hooks.path_validators.len() + hooks.middleware.len();
        if hooks.validators.iter().any(|(i, _)| *i == id.0) {
            Rc::make_mut(&mut hooks.validators).retain(|(i, _)| *i != id.0);
        }
        if hooks.path_validators.iter().any(|(i, _)| *i == id.0) {
            Rc::make_mut(&mut hooks.path_validators).retain(|(i, _)| *i != id.0);
        }
        if hooks.middleware.iter().any(|(i, _)| *i == id.0) {
            Rc::make_mut(&mut hooks.middleware).retain(|(i, _)| *i != id.0);
        }
        before != hooks.validators.len() + hooks.path_validators.len() + hooks.middleware.len()
    }
}

impl<S> Clone for Store<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for Store<S> {}

impl<S> PartialEq for Store<S> {
    fn eq(&self, other: &Self) -> bool {
        self.cell == other.cell
    }
}

impl<S> Eq for Store<S> {}

impl<S> fmt::Debug for Store<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Store").field(&self.cell.id()).finish()
    }
}
