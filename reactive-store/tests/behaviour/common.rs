//! Small helpers and a sample state shared by the behaviour tests.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use reactive_store::State;
use serde::{Deserialize, Serialize};

/// A shared run counter.
#[derive(Clone, Default)]
pub struct Counter(Rc<Cell<usize>>);

impl Counter {
    pub fn hit(&self) {
        self.0.set(self.0.get() + 1);
    }
    pub fn get(&self) -> usize {
        self.0.get()
    }
}

/// A shared log of observed values.
#[derive(Clone)]
pub struct Log<T>(Rc<RefCell<Vec<T>>>);

impl<T: Clone> Log<T> {
    pub fn new() -> Self {
        Log(Rc::new(RefCell::new(Vec::new())))
    }
    pub fn push(&self, v: T) {
        self.0.borrow_mut().push(v);
    }
    pub fn take(&self) -> Vec<T> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

/// Counts its drops: a value captured by a closure shows when the closure is dropped.
pub struct DropCounter(pub Counter);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.hit();
    }
}

#[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Todo {
    pub title: String,
    pub done: bool,
}

#[derive(State, Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
pub enum Filter {
    All,
    Active,
    Done,
}

#[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct App {
    pub todos: reactive_store::imbl::Vector<Todo>,
    pub filter: Filter,
    pub owner: Option<String>,
}

pub fn todo(i: usize) -> Todo {
    Todo {
        title: format!("todo {i}"),
        done: false,
    }
}

/// An app with `n` todos.
pub fn app(n: usize) -> App {
    App {
        todos: (0..n).map(todo).collect(),
        filter: Filter::All,
        owner: None,
    }
}
