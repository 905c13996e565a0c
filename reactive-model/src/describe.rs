//! Metadata of a model: [`ModelDescription`], for generated documentation and the devtools.

use std::fmt;

/// What `Model::describe()` returns: the model's name, doc comment, fields and computed
/// properties, as written in the source.
///
/// ```
/// use reactive_model::{FieldKind, Model};
///
/// /// A point on the map.
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Position {
///     /// Metres east of the origin.
///     x: f32,
///     y: f32,
/// }
///
/// let description = Position::describe();
/// assert_eq!(description.name, "Position");
/// assert_eq!(description.doc, "A point on the map.");
/// let x = description.field("x").unwrap();
/// assert_eq!((x.ty, x.doc), ("f32", "Metres east of the origin."));
/// assert!(matches!(x.kind, FieldKind::Plain));
/// ```
#[derive(Clone, Debug)]
pub struct ModelDescription {
    /// The struct's name.
    pub name: &'static str,
    /// The struct's doc comment (empty if none).
    pub doc: &'static str,
    /// Every field, skipped ones included, in declaration order.
    pub fields: Vec<FieldDescription>,
    /// The computed properties, in the order of the model's `#[computed]` block.
    pub computed: Vec<ComputedDescription>,
}

/// One field of a model.
///
/// ```
/// use reactive_model::Model;
///
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Door {
///     /// Whether it is open.
///     open: bool,
/// }
///
/// let open = &Door::describe().fields[0];
/// assert_eq!((open.name, open.ty, open.doc), ("open", "bool", "Whether it is open."));
/// ```
#[derive(Clone, Debug)]
pub struct FieldDescription {
    /// The field's name.
    pub name: &'static str,
    /// Its type, as written (`Vec<Item>`, `Option<String>`).
    pub ty: &'static str,
    /// Its doc comment (empty if none).
    pub doc: &'static str,
    /// How the model stores it.
    pub kind: FieldKind,
}

/// How a model stores a field.
///
/// ```
/// use reactive_model::{FieldKind, Model};
///
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Room {
///     #[model(skip)]
///     id: u32,
///     #[model(nested)]
///     door: Door,
///     #[model(keyed = "id")]
///     furniture: Vec<Chair>,
/// }
/// # #[derive(Model, Clone, PartialEq, Debug)]
/// # struct Door { open: bool }
/// # #[derive(Model, Clone, PartialEq, Debug)]
/// # struct Chair { #[model(skip)] id: u32 }
///
/// let kinds: Vec<String> = Room::describe().fields.iter().map(|f| format!("{:?}", f.kind)).collect();
/// assert_eq!(kinds, [
///     "Skipped",
///     r#"Nested { model: "Door" }"#,
///     r#"Keyed { key: "id", item: "Chair" }"#,
/// ]);
/// ```
#[derive(Clone, Copy)]
pub enum FieldKind {
    /// One signal.
    Plain,
    /// `#[model(skip)]`: stored once, read-only, not tracked.
    Skipped,
    /// `#[model(nested)]`: the field's own model.
    Nested {
        /// Describes the nested model.
        model: fn() -> ModelDescription,
    },
    /// `#[model(keyed = "...")]`: a keyed list of models.
    Keyed {
        /// The item field that is the key.
        key: &'static str,
        /// Describes the item model.
        item: fn() -> ModelDescription,
    },
}

impl fmt::Debug for FieldKind {
    /// Nested models are shown by name (describing them fully could recurse: a tree model is
    /// a keyed list of itself).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldKind::Plain => f.write_str("Plain"),
            FieldKind::Skipped => f.write_str("Skipped"),
            FieldKind::Nested { model } => f
                .debug_struct("Nested")
                .field("model", &model().name)
                .finish(),
            FieldKind::Keyed { key, item } => f
                .debug_struct("Keyed")
                .field("key", key)
                .field("item", &item().name)
                .finish(),
        }
    }
}

/// One computed property of a model.
///
/// ```
/// use reactive_model::{Model, computed};
///
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Rect {
///     w: u32,
///     h: u32,
/// }
///
/// #[computed]
/// impl RectModel {
///     /// Width times height.
///     fn area(&self) -> u32 {
///         self.w() * self.h()
///     }
/// }
///
/// let area = &Rect::describe().computed[0];
/// assert_eq!((area.name, area.ty, area.doc), ("area", "u32", "Width times height."));
/// ```
#[derive(Clone, Debug)]
pub struct ComputedDescription {
    /// The property's name.
    pub name: &'static str,
    /// Its type, as written.
    pub ty: &'static str,
    /// Its doc comment (empty if none).
    pub doc: &'static str,
}

impl ModelDescription {
    /// The field with this name.
    ///
    /// ```
    /// # use reactive_model::Model;
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Door { open: bool }
    /// assert!(Door::describe().field("open").is_some());
    /// assert!(Door::describe().field("shut").is_none());
    /// ```
    pub fn field(&self, name: &str) -> Option<&FieldDescription> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// A Markdown table of the fields and computed properties, for generated documentation.
    ///
    /// ```
    /// # use reactive_model::Model;
    /// #[derive(Model, Clone, PartialEq, Debug)]
    /// struct Door {
    ///     /// Whether it is open.
    ///     open: bool,
    /// }
    /// assert_eq!(
    ///     Door::describe().to_markdown(),
    ///     "## Door\n\n| field | type | kind | doc |\n|---|---|---|---|\n| `open` | `bool` | signal | Whether it is open. |\n"
    /// );
    /// ```
    pub fn to_markdown(&self) -> String {
        let mut out = format!("## {}\n\n", self.name);
        if !self.doc.is_empty() {
            out.push_str(self.doc);
            out.push_str("\n\n");
        }
        out.push_str("| field | type | kind | doc |\n|---|---|---|---|\n");
        let one_line = |doc: &str| doc.replace('\n', " ").replace('|', "\\|");
        for field in &self.fields {
            let kind = match field.kind {
                FieldKind::Plain => "signal".to_owned(),
                FieldKind::Skipped => "skipped".to_owned(),
                FieldKind::Nested { model } => format!("model `{}`", model().name),
                FieldKind::Keyed { key, item } => format!("list of `{}` by `{key}`", item().name),
            };
            out.push_str(&format!(
                "| `{}` | `{}` | {kind} | {} |\n",
                field.name,
                field.ty,
                one_line(field.doc)
            ));
        }
        for computed in &self.computed {
            out.push_str(&format!(
                "| `{}()` | `{}` | computed | {} |\n",
                computed.name,
                computed.ty,
                one_line(computed.doc)
            ));
        }
        out
    }
}
