//! A drop counter and a sample state shared by the behaviour tests.

use reactive_store::State;
use reactive_testing::RunCounter;
use serde::{Deserialize, Serialize};

/// Counts its drops: a value captured by a closure shows when the closure is dropped.
pub struct DropCounter(pub RunCounter);

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
