//! `#[derive(State)]`: field-by-field diffs at serde's names, a keyed collection, a leaf field,
//! an enum as one value, a generic struct.

use reactive_macros::State;
use reactive_state::{Diff, Patch, Segment, node_at, path};
use serde::{Deserialize, Serialize};

#[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Todo {
    id: u32,
    title: String,
}

#[derive(State, Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
enum Filter {
    All,
    Done,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Opaque(u8);

#[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct App {
    filter: Filter,
    page_size: u32,
    #[state(keyed = "id")]
    todos: reactive_state::imbl::Vector<Todo>,
    #[state(leaf)]
    opaque: Opaque,
}

#[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Pair<T> {
    left: T,
    right: T,
}

fn main() {
    let todo = |id, title: &str| Todo { id, title: title.into() };
    let old = App {
        filter: Filter::All,
        page_size: 1,
        todos: [todo(1, "a"), todo(2, "b")].into_iter().collect(),
        opaque: Opaque(0),
    };
    let mut new = old.clone();
    new.page_size = 2;
    new.todos.swap(0, 1);
    new.opaque = Opaque(1);
    let patches = Diff::patches(&new, &old).unwrap();
    let paths: Vec<String> = patches.iter().map(|p| p.path.to_string()).collect();
    assert_eq!(paths, ["/page-size", "/todos/2", "/opaque"]);
    assert!(node_at(&new, path!(todos).join(Segment::key(1)).segments()).is_some());

    let pair = Pair { left: 1u8, right: 2 };
    let moved = Pair { left: 1u8, right: 3 };
    assert_eq!(
        Diff::patches(&moved, &pair).unwrap(),
        [Patch::replace(path!(right), 2.into(), 3.into())]
    );
}
