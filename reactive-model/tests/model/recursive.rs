use crate::fixtures::{Runs, in_root};
use reactive_model::Model;

/// A tree: a keyed list of itself.
#[derive(Model, Clone, PartialEq, Debug)]
pub struct Node {
    #[model(skip)]
    pub id: u32,
    pub label: String,
    #[model(keyed = "id")]
    pub children: Vec<Node>,
}

/// Two models that contain each other (through keyed lists).
#[derive(Model, Clone, PartialEq, Debug)]
pub struct Folder {
    #[model(skip)]
    pub id: u32,
    #[model(keyed = "id")]
    pub files: Vec<File>,
}

#[derive(Model, Clone, PartialEq, Debug)]
pub struct File {
    #[model(skip)]
    pub id: u32,
    #[model(keyed = "id")]
    pub attachments: Vec<Folder>,
}

fn leaf(id: u32) -> Node {
    Node {
        id,
        label: format!("node {id}"),
        children: Vec::new(),
    }
}

#[test]
fn a_tree_model_is_fine_grained_at_every_depth() {
    in_root(|| {
        let root = NodeModel::new(Node {
            children: vec![Node {
                children: vec![leaf(3)],
                ..leaf(2)
            }],
            ..leaf(1)
        });
        let deep = root.children().get(&2).unwrap().children().get(&3).unwrap();
        let root_label = Runs::effect(move || {
            root.label();
        });
        deep.set_label("renamed".into());
        assert_eq!(root_label.get(), 1);
        assert_eq!(root.snapshot().children[0].children[0].label, "renamed");
        assert_eq!(Node::describe().fields[2].ty, "Vec<Node>");
    });
}

#[test]
fn models_that_contain_each_other_derive_and_work() {
    in_root(|| {
        let folder = FolderModel::new(Folder {
            id: 1,
            files: vec![File {
                id: 10,
                attachments: vec![Folder {
                    id: 2,
                    files: vec![],
                }],
            }],
        });
        folder.files().get(&10).unwrap().attachments().push(Folder {
            id: 3,
            files: vec![],
        });
        assert_eq!(folder.snapshot().files[0].attachments.len(), 2);
    });
}
