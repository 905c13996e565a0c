//! Runtime validation at transaction boundaries: [`Violations`] collected by validators, the
//! [`ValidationError`] that lists them, and how path validators find what to check.

use std::collections::BTreeSet;
use std::fmt;
use std::panic::Location;
use std::rc::Rc;

use reactive_state::Patch;
use reactive_state::{Node, for_each_child_at, node_at};
use reactive_state::{Path, PathPattern, PatternSegment};

/// One broken rule: where, and what is wrong.
///
/// ```
/// use reactive_store::{path, Violation};
/// let v = Violation { path: path!(todos[2].title), message: "must not be empty".into() };
/// assert_eq!(v.to_string(), "/todos/2/title: must not be empty");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Violation {
    /// Where the rule is broken.
    pub path: Path,
    /// What the rule says.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_root() {
            write!(f, "(root): {}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Where a validator reports what it found. Paths given to [`add_at`](Violations::add_at) are
/// relative to the value being validated.
///
/// ```
/// use reactive_store::{path, Store};
///
/// let store = Store::new(vec![String::from("milk")]);
/// store.add_validator(|todos: &Vec<String>, v| {
///     for (i, t) in todos.iter().enumerate() {
///         if t.is_empty() {
///             v.add_at(path!([i]), "a todo needs a title");
///         }
///     }
/// });
/// let err = store.update(|t| t.push(String::new())).unwrap_err();
/// assert!(err.to_string().contains("/1: a todo needs a title"));
/// ```
#[derive(Debug, Default)]
pub struct Violations {
    base: Path,
    found: Vec<Violation>,
}

impl Violations {
    pub(crate) fn at(base: Path) -> Violations {
        Violations {
            base,
            found: Vec::new(),
        }
    }

    /// Reports a violation at the value being validated.
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(5u8);
    /// store.add_validator(|n: &u8, v| if *n > 9 { v.add("at most 9") });
    /// assert!(store.update(|n| *n = 10).is_err());
    /// ```
    pub fn add(&mut self, message: impl Into<String>) {
        self.found.push(Violation {
            path: self.base.clone(),
            message: message.into(),
        });
    }

    /// Reports a violation at `path`, relative to the value being validated.
    ///
    /// ```
    /// use reactive_store::{path, Store};
    /// let store = Store::new(0u8);
    /// store.add_validator(|_: &u8, v| v.add_at(path!(detail), "always"));
    /// let err = store.update(|n| *n = 1).unwrap_err();
    /// assert!(err.to_string().contains("/detail: always"));
    /// ```
    pub fn add_at(&mut self, path: Path, message: impl Into<String>) {
        self.found.push(Violation {
            path: self.base.concat(&path),
            message: message.into(),
        });
    }

    /// Whether nothing was reported so far.
    ///
    /// ```
    /// use reactive_store::Violations;
    /// assert!(Violations::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    pub(crate) fn into_vec(self) -> Vec<Violation> {
        self.found
    }
}

/// A transaction produced a state that breaks validation rules: every violation found, from
/// every validator, in the order the validators were registered.
///
/// ```
/// use reactive_store::{path, Store, StoreError};
/// let store = Store::new(vec![1i32]);
/// store.add_validator(|v: &Vec<i32>, out| if v.len() > 2 { out.add("at most 2 items") });
/// store.add_path_validator(reactive_store::PathPattern::parse("/*").unwrap(), |n: &i32, out| {
///     if *n < 0 { out.add("must not be negative") }
/// });
/// let Err(StoreError::Invalid(err)) = store.update(|v| v.extend([-1, -2])) else { panic!() };
/// assert_eq!(err.violations.len(), 3);
/// assert_eq!(err.violations[1].path, path!([1]));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ValidationError {
    /// Every violation.
    pub violations: Vec<Violation>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        write!(
            f,
            "{n} validation rule{} broken",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, v) in self.violations.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

/// A whole-state validator.
pub(crate) type StateValidator<S> = Rc<dyn Fn(&S, &mut Violations)>;

/// Validates the node at a path (already found); panics on a type mismatch.
pub(crate) type NodeCheck = Rc<dyn Fn(&dyn Node, &mut Violations)>;

/// A validator of the values matching a path pattern.
pub(crate) struct PathValidator {
    pub pattern: PathPattern,
    pub check: NodeCheck,
}

/// Runs `check` on `node`, which must be a `T`: a path validator registered for another type
/// is a programming error, reported with where it was registered.
pub(crate) fn typed_check<T: 'static>(
    pattern: PathPattern,
    at: &'static Location<'static>,
    f: impl Fn(&T, &mut Violations) + 'static,
) -> PathValidator {
    let shown = pattern.to_string();
    PathValidator {
        pattern,
        check: Rc::new(move |node, out| {
            let any: &dyn std::any::Any = node;
            match any.downcast_ref::<T>() {
                Some(v) => f(v, out),
                None => panic!(
                    "{}",
                    super::error::wrong_type_message(
                        &format!(
                            "the path validator for {shown}, checking {}, registered",
                            out.base
                        ),
                        at,
                        std::any::type_name::<T>(),
                        node.type_name()
                    )
                ),
            }
        }),
    }
}

/// The concrete paths matching `pattern` that a commit with `patches` may have changed, in
/// the new state `root`. A patch at or below an instance selects that instance; a patch above
/// the pattern's depth selects every instance under it.
pub(crate) fn affected_instances(
    pattern: &PathPattern,
    root: &dyn Node,
    patches: &[Patch],
) -> BTreeSet<Path> {
    let pat = pattern.segments();
    let mut found = BTreeSet::new();
    for patch in patches {
        let segs = patch.path.segments();
        let compatible = pat.iter().zip(segs).all(|(p, s)| match p {
            PatternSegment::Any => true,
            PatternSegment::Exact(e) => e == s,
        });
        if !compatible {
            continue;
        }
        if segs.len() >= pat.len() {
            found.insert(Path::from_segments(segs[..pat.len()].iter().cloned()));
            continue;
        }
        // Below a patch that is above the pattern's depth, every instance may be new. (An add
        // or remove in a list shifts later elements, but their values are unchanged.)
        if node_at(root, segs).is_some() {
            expand(root, patch.path.clone(), &pat[segs.len()..], &mut found);
        }
    }
    found
}

/// Adds every path under `path` (in `root`) that matches `rest`. Steps are looked up from the
/// root, so items of keyed collections are found (and named) by key.
fn expand(root: &dyn Node, path: Path, rest: &[PatternSegment], found: &mut BTreeSet<Path>) {
    // Patterns are short (a handful of segments): recursion depth is the pattern's length.
    let Some((first, rest)) = rest.split_first() else {
        found.insert(path);
        return;
    };
    match first {
        PatternSegment::Exact(s) => {
            let next = path.join(s.clone());
            if node_at(root, next.segments()).is_some() {
                expand(root, next, rest, found);
            }
        }
        PatternSegment::Any => {
            let mut children = Vec::new();
            for_each_child_at(root, path.segments(), &mut |s, _| children.push(s));
            for s in children {
                expand(root, path.join(s), rest, found);
            }
        }
    }
}
