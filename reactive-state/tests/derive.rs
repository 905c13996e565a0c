//! `#[derive(State)]` (from `reactive-macros`) behaves as the hand-written impls it replaces:
//! field-by-field diffs at serde's names, keyed collections diffed by key, leaves replaced
//! whole, navigation by path.

use proptest::prelude::*;
use reactive_state::{
    Diff, Node, Patch, PatchError, PatchOp, Segment, State, invert, node_at, node_at_mut, path,
};
use serde::{Deserialize, Serialize};
use std::any::Any;

#[derive(reactive_macros::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Todo {
    id: String,
    title: String,
    done: bool,
}

#[derive(reactive_macros::State, Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
enum Filter {
    All,
    Done,
}

/// Compared with `==` by `#[state(leaf)]`: not a `State` itself.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Colour(u8, u8, u8);

#[derive(reactive_macros::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct App {
    filter: Filter,
    page_size: u32,
    #[serde(rename = "heading")]
    title: String,
    #[state(keyed = "id")]
    todos: Vec<Todo>,
    #[state(keyed = "id")]
    archive: imbl::Vector<Todo>,
    #[state(leaf)]
    accent: Colour,
    #[serde(skip)]
    cache: u32,
}

fn todo(id: &str) -> Todo {
    Todo {
        id: id.into(),
        title: format!("todo {id}"),
        done: false,
    }
}

fn app(todos: &[&str]) -> App {
    App {
        filter: Filter::All,
        page_size: 10,
        title: "mine".into(),
        todos: todos.iter().map(|id| todo(id)).collect(),
        archive: imbl::Vector::new(),
        accent: Colour(0, 0, 0),
        cache: 0,
    }
}

fn apply_all<S: State>(state: &mut S, patches: &[Patch]) -> Result<(), PatchError> {
    patches
        .iter()
        .try_for_each(|patch| state.apply_patch(patch))
}

/// `Todo` implemented by hand, field by field, as the derive replaces it.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
struct HandTodo {
    id: String,
    title: String,
    done: bool,
}

impl Node for HandTodo {}

impl State for HandTodo {
    fn diff(&self, old: &Self, cx: &mut Diff<'_>) {
        cx.field("id", &self.id, &old.id);
        cx.field("title", &self.title, &old.title);
        cx.field("done", &self.done, &old.done);
    }

    fn apply(&mut self, path: &[Segment], patch: &Patch) -> Result<(), PatchError> {
        match path.split_first() {
            None => reactive_state::apply_whole(self, patch),
            Some((first, rest)) => match &*first.as_text() {
                "id" => self.id.apply(rest, patch),
                "title" => self.title.apply(rest, patch),
                "done" => self.done.apply(rest, patch),
                _ => Err(PatchError::NoSuchPath {
                    path: patch.path.clone(),
                }),
            },
        }
    }
}

#[test]
fn a_derived_struct_diffs_and_applies_like_the_hand_written_impl() {
    let old = todo("a");
    let new = Todo {
        title: "milk".into(),
        done: true,
        ..old.clone()
    };
    let hand = |t: &Todo| HandTodo {
        id: t.id.clone(),
        title: t.title.clone(),
        done: t.done,
    };
    let derived = Diff::patches(&new, &old).unwrap();
    assert_eq!(derived, Diff::patches(&hand(&new), &hand(&old)).unwrap());
    assert_eq!(
        derived,
        [
            Patch::replace(path!(title), "todo a".into(), "milk".into()),
            Patch::replace(path!(done), false.into(), true.into()),
        ]
    );
    let mut replica = old.clone();
    apply_all(&mut replica, &derived).unwrap();
    assert_eq!(replica, new);
    apply_all(&mut replica, &invert(&derived)).unwrap();
    assert_eq!(replica, old);
}

#[test]
fn renamed_fields_have_their_serde_names_in_paths() {
    let old = app(&[]);
    let mut new = old.clone();
    new.page_size = 20;
    new.title = "ours".into();
    let paths: Vec<String> = Diff::patches(&new, &old)
        .unwrap()
        .iter()
        .map(|p| p.path.to_string())
        .collect();
    assert_eq!(paths, ["/pageSize", "/heading"]);
    let json = serde_json::to_value(&new).unwrap();
    assert_eq!(json["pageSize"], 20);
    assert_eq!(json["heading"], "ours");

    let mut replica = old.clone();
    replica
        .apply_patch(&Patch::replace(path!(pageSize), 10.into(), 30.into()))
        .unwrap();
    assert_eq!(replica.page_size, 30);
    let by_rust_name = Patch::replace(path!(page_size), 10.into(), 30.into());
    assert!(matches!(
        replica.apply_patch(&by_rust_name),
        Err(PatchError::NoSuchPath { .. })
    ));
}

#[test]
fn a_skipped_field_produces_no_patch_and_has_no_path() {
    let old = app(&["a"]);
    let new = App {
        cache: 99,
        ..old.clone()
    };
    assert!(Diff::patches(&new, &old).unwrap().is_empty());
    assert!(node_at(&new, path!(cache).segments()).is_none());
    let mut names = Vec::new();
    new.for_each_child(&mut |segment, _| names.push(segment.as_text().into_owned()));
    assert_eq!(names, ["filter", "pageSize", "heading", "todos", "archive"]);
}

#[test]
fn moving_an_item_of_a_keyed_field_is_one_move_patch_at_its_key() {
    let old = app(&["a", "b", "c"]);
    let new = app(&["c", "a", "b"]);
    let patches = Diff::patches(&new, &old).unwrap();
    assert_eq!(
        patches,
        [Patch::move_item(path!(todos).join(Segment::key("c")), 2, 0)]
    );
    let mut replica = old.clone();
    apply_all(&mut replica, &patches).unwrap();
    assert_eq!(replica, new);
}

#[test]
fn an_edit_inside_an_item_is_addressed_by_its_key() {
    let old = app(&["a", "b"]);
    let mut new = old.clone();
    new.archive.push_back(todo("z"));
    new.todos[1].done = true;
    let patches = Diff::patches(&new, &old).unwrap();
    assert_eq!(
        patches,
        [
            Patch::replace(
                path!(todos).join(Segment::key("b")).join("done"),
                false.into(),
                true.into()
            ),
            Patch::add_item(
                path!(archive).join(Segment::key("z")),
                0,
                serde_json::to_value(todo("z")).unwrap()
            ),
        ]
    );
}

#[test]
fn navigation_finds_keyed_items_by_key() {
    let mut state = app(&["a", "b"]);
    let at_b = path!(todos).join(Segment::key("b"));
    let found = node_at(&state, at_b.segments()).unwrap();
    assert_eq!((found as &dyn Any).downcast_ref::<Todo>(), Some(&todo("b")));
    let title = node_at(&state, at_b.join("title").segments()).unwrap();
    assert_eq!(
        (title as &dyn Any)
            .downcast_ref::<String>()
            .map(String::as_str),
        Some("todo b")
    );
    assert!(node_at(&state, path!(todos).join(Segment::key("x")).segments()).is_none());

    let done = node_at_mut(&mut state, at_b.join("done").segments()).unwrap();
    *(done as &mut dyn Any).downcast_mut::<bool>().unwrap() = true;
    assert!(state.todos[1].done);

    let mut keys = Vec::new();
    assert!(state.for_each_item(&Segment::field("todos"), &mut |key, _| keys.push(key)));
    assert_eq!(keys, [Segment::key("a"), Segment::key("b")]);
    assert!(!state.for_each_item(&Segment::field("filter"), &mut |_, _| {}));
}

#[test]
fn an_enum_is_a_leaf_replaced_whole() {
    let old = app(&[]);
    let new = App {
        filter: Filter::Done,
        ..old.clone()
    };
    let patches = Diff::patches(&new, &old).unwrap();
    assert_eq!(
        patches,
        [Patch::replace(path!(filter), "All".into(), "Done".into())]
    );
    assert!(Filter::All.child(&Segment::field("x")).is_none());
    let mut replica = old.clone();
    apply_all(&mut replica, &patches).unwrap();
    assert_eq!(replica, new);
}

#[test]
fn a_leaf_field_is_compared_with_eq_and_replaced_whole() {
    let old = app(&[]);
    let new = App {
        accent: Colour(1, 0, 0),
        ..old.clone()
    };
    let patches = Diff::patches(&new, &old).unwrap();
    assert_eq!(patches.len(), 1);
    assert_eq!(
        (patches[0].op, patches[0].path.to_string()),
        (PatchOp::Replace, "/accent".into())
    );
    let mut replica = old.clone();
    apply_all(&mut replica, &patches).unwrap();
    assert_eq!(replica, new);
    // Nothing below a leaf.
    let below = Patch::replace(path!(accent[0]), 1.into(), 2.into());
    assert!(matches!(
        replica.apply_patch(&below),
        Err(PatchError::NoSuchPath { .. })
    ));
}

/// A generic state: `T: State` is required of the parameter.
#[derive(reactive_macros::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Labelled<T> {
    label: String,
    value: T,
}

#[test]
fn a_generic_struct_diffs_its_parameter_field() {
    let old = Labelled {
        label: "n".into(),
        value: vec![1u8],
    };
    let new = Labelled {
        value: vec![1, 2],
        ..old.clone()
    };
    assert_eq!(
        Diff::patches(&new, &old).unwrap(),
        [Patch::add(path!(value[1]), 2.into())]
    );
}

/// A tuple struct and a leaf struct are one value each.
#[derive(reactive_macros::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Id(u32);

#[derive(reactive_macros::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[state(leaf, crate = "::reactive_state")]
struct Point {
    x: i32,
    y: i32,
}

#[test]
fn tuple_structs_and_leaf_structs_are_replaced_whole() {
    assert_eq!(
        Diff::patches(&Id(2), &Id(1)).unwrap(),
        [Patch::replace(path!(), 1.into(), 2.into())]
    );
    let patches = Diff::patches(&Point { x: 1, y: 2 }, &Point { x: 1, y: 3 }).unwrap();
    assert_eq!(patches.len(), 1);
    assert!(patches[0].path.is_root());
    assert!(Point { x: 0, y: 0 }.child(&Segment::field("x")).is_none());
}

/// One step of a random edit of a keyed list.
#[derive(Clone, Debug)]
enum Edit {
    Insert(usize, u8),
    Remove(usize),
    Move(usize, usize),
    Toggle(usize),
    Retitle(usize, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0u8..40).prop_map(|(at, id)| Edit::Insert(at, id)),
        any::<usize>().prop_map(Edit::Remove),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Move(a, b)),
        any::<usize>().prop_map(Edit::Toggle),
        (any::<usize>(), any::<u8>()).prop_map(|(at, t)| Edit::Retitle(at, t)),
    ]
}

/// Applies `edits` to the todos of `state`, keeping keys unique.
fn edited(state: &App, edits: &[Edit]) -> App {
    let mut out = state.clone();
    let todos = &mut out.todos;
    for edit in edits {
        let len = todos.len();
        match *edit {
            Edit::Insert(at, id) => {
                let id = format!("k{id}");
                if todos.iter().all(|t| t.id != id) {
                    todos.insert(at % (len + 1), todo(&id));
                }
            }
            Edit::Remove(at) if len > 0 => {
                todos.remove(at % len);
            }
            Edit::Move(from, to) if len > 0 => {
                let item = todos.remove(from % len);
                todos.insert(to % len, item);
            }
            Edit::Toggle(at) if len > 0 => todos[at % len].done ^= true,
            Edit::Retitle(at, t) if len > 0 => todos[at % len].title = format!("t{t}"),
            _ => {}
        }
    }
    out
}

proptest! {
    #[test]
    fn applying_the_diff_of_random_edits_reaches_the_new_list_and_its_inverse_goes_back(
        start in prop::collection::vec(edit(), 0..12),
        edits in prop::collection::vec(edit(), 0..16),
    ) {
        let old = edited(&app(&[]), &start);
        let new = edited(&old, &edits);
        let patches = Diff::patches(&new, &old).unwrap();
        let mut replica = old.clone();
        apply_all(&mut replica, &patches).unwrap();
        prop_assert_eq!(&replica, &new);
        apply_all(&mut replica, &invert(&patches)).unwrap();
        prop_assert_eq!(&replica, &old);
        // Every patch of the list is addressed by key, never by position.
        for patch in &patches {
            prop_assert!(patch.path.segments().get(1).is_none_or(Segment::is_key));
        }
    }
}

/// A tree: a keyed collection of the type itself.
#[derive(reactive_macros::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Tree {
    id: u32,
    #[state(keyed = "id")]
    children: Vec<Tree>,
}

#[test]
fn a_recursive_keyed_state_diffs_by_key_at_every_level() {
    let leaf = |id| Tree {
        id,
        children: Vec::new(),
    };
    let old = Tree {
        id: 0,
        children: vec![leaf(1), leaf(2)],
    };
    let mut new = old.clone();
    new.children[1].children.push(leaf(3));
    let patches = Diff::patches(&new, &old).unwrap();
    assert_eq!(patches.len(), 1);
    assert_eq!(patches[0].path.to_string(), "/children/2/children/3");
    let at_3 = node_at(&new, patches[0].path.segments()).unwrap();
    assert_eq!((at_3 as &dyn Any).downcast_ref::<Tree>(), Some(&leaf(3)));
}
