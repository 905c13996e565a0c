//! [`State`] for values without children (numbers, strings), tuples, and the transparent
//! wrappers `Option`, `Box` and `Arc`.

use std::sync::Arc;

use super::{Diff, Node, State, apply_whole, no_such_path};
use crate::patch::{Patch, PatchError, PatchOp};
use crate::path::Segment;

/// Values without children: the default methods compare with `==` and replace the whole value.
macro_rules! leaf_state {
    ($($t:ty),*) => {$(
        impl Node for $t {}
        impl State for $t {}
    )*};
}
leaf_state!(
    bool,
    char,
    u8,
    u16,
    u32,
    u64,
    usize,
    i8,
    i16,
    i32,
    i64,
    isize,
    String,
    ()
);

macro_rules! float_state {
    ($($t:ty),*) => {$(
        impl Node for $t {}
        /// Compared bit for bit, so that a `NaN` that stays `NaN` is not a change (and `-0.0`
        /// replacing `0.0` is one).
        impl State for $t {
            fn diff(&self, old: &Self, cx: &mut Diff<'_>) {
                if self.to_bits() != old.to_bits() {
                    cx.replaced(old, self);
                }
            }
        }
    )*};
}
float_state!(f32, f64);

/// `None` and `Some` are written as JSON is: `null` or the value itself, so a path goes straight
/// through a `Some`.
impl<T: Node> Node for Option<T> {
    fn child(&self, segment: &Segment) -> Option<&dyn Node> {
        self.as_ref()?.child(segment)
    }

    fn child_mut(&mut self, segment: &Segment) -> Option<&mut dyn Node> {
        self.as_mut()?.child_mut(segment)
    }

    fn for_each_child(&self, f: &mut dyn FnMut(Segment, &dyn Node)) {
        if let Some(v) = self {
            v.for_each_child(f);
        }
    }
}

impl<T: State> State for Option<T> {
    fn diff(&self, old: &Self, cx: &mut Diff<'_>) {
        match (self, old) {
            (Some(new), Some(old)) => new.diff(old, cx),
            (None, None) => {}
            _ => cx.replaced(old, self),
        }
    }

    /// `remove` at the value itself sets it to `None`.
    fn apply(&mut self, path: &[Segment], patch: &Patch) -> Result<(), PatchError> {
        match (path, self) {
            ([], this) if patch.op == PatchOp::Remove => {
                *this = None;
                Ok(())
            }
            ([], this) => apply_whole(this, patch),
            (_, Some(v)) => v.apply(path, patch),
            (_, None) => Err(no_such_path(patch)),
        }
    }
}

impl<T: Node> Node for Box<T> {
    fn child(&self, segment: &Segment) -> Option<&dyn Node> {
        (**self).child(segment)
    }

    fn child_mut(&mut self, segment: &Segment) -> Option<&mut dyn Node> {
        (**self).child_mut(segment)
    }

    fn for_each_child(&self, f: &mut dyn FnMut(Segment, &dyn Node)) {
        (**self).for_each_child(f);
    }
}

impl<T: State> State for Box<T> {
    fn diff(&self, old: &Self, cx: &mut Diff<'_>) {
        (**self).diff(old, cx);
    }

    fn apply(&mut self, path: &[Segment], patch: &Patch) -> Result<(), PatchError> {
        (**self).apply(path, patch)
    }
}

/// `Arc` is how a state shares structure: two versions pointing at the same allocation are equal
/// without looking inside, and applying a patch copies only the path to the change.
impl<T: Node + Clone> Node for Arc<T> {
    fn child(&self, segment: &Segment) -> Option<&dyn Node> {
        (**self).child(segment)
    }

    /// Copies the shared value first (`Arc::make_mut`), as a write through the `Arc` would.
    fn child_mut(&mut self, segment: &Segment) -> Option<&mut dyn Node> {
        Arc::make_mut(self).child_mut(segment)
    }

    fn for_each_child(&self, f: &mut dyn FnMut(Segment, &dyn Node)) {
        (**self).for_each_child(f);
    }
}

impl<T: State> State for Arc<T> {
    fn diff(&self, old: &Self, cx: &mut Diff<'_>) {
        if !Arc::ptr_eq(self, old) {
            (**self).diff(old, cx);
        }
    }

    fn apply(&mut self, path: &[Segment], patch: &Patch) -> Result<(), PatchError> {
        Arc::make_mut(self).apply(path, patch)
    }
}

macro_rules! tuple_state {
    ($(($($name:ident $idx:tt),+))*) => {$(
        /// A tuple is written as a JSON array: its elements are at paths `/0`, `/1`, ….
        impl<$($name: Node),+> Node for ($($name,)+) {
            fn child(&self, segment: &Segment) -> Option<&dyn Node> {
                match segment.as_index()? {
                    $($idx => Some(&self.$idx),)+
                    _ => None,
                }
            }

            fn for_each_child(&self, f: &mut dyn FnMut(Segment, &dyn Node)) {
                $(f(Segment::Index($idx), &self.$idx);)+
            }

            fn child_mut(&mut self, segment: &Segment) -> Option<&mut dyn Node> {
                match segment.as_index()? {
                    $($idx => Some(&mut self.$idx),)+
                    _ => None,
                }
            }
        }

        impl<$($name: State),+> State for ($($name,)+) {
            fn diff(&self, old: &Self, cx: &mut Diff<'_>) {
                $(cx.child(Segment::Index($idx), &self.$idx, &old.$idx);)+
            }

            fn apply(&mut self, path: &[Segment], patch: &Patch) -> Result<(), PatchError> {
                let Some((first, rest)) = path.split_first() else {
                    return apply_whole(self, patch);
                };
                match first.as_index() {
                    $(Some($idx) => self.$idx.apply(rest, patch),)+
                    _ => Err(no_such_path(patch)),
                }
            }
        }
    )*};
}
tuple_state! {
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path;
    use serde_json::json;

    #[test]
    fn nan_that_stays_nan_is_not_a_change() {
        assert!(Diff::patches(&f64::NAN, &f64::NAN).unwrap().is_empty());
        assert_eq!(Diff::patches(&-0.0f64, &0.0).unwrap().len(), 1);
    }

    #[test]
    fn option_paths_go_through_some() {
        let old: Option<Vec<u8>> = Some(vec![1]);
        let new = Some(vec![2]);
        let p = Diff::patches(&new, &old).unwrap();
        assert_eq!(p, [Patch::replace(path!([0]), json!(1), json!(2))]);
        let mut none: Option<Vec<u8>> = None;
        assert!(matches!(
            none.apply_patch(&p[0]),
            Err(PatchError::NoSuchPath { .. })
        ));
    }

    #[test]
    fn removing_an_option_sets_it_to_none_and_null_replaces_it_too() {
        let mut v = Some(3u8);
        v.apply_patch(&Patch::remove(path!(), json!(3))).unwrap();
        assert_eq!(v, None);
        let mut w = Some(3u8);
        w.apply_patch(&Patch::replace(path!(), json!(3), json!(null)))
            .unwrap();
        assert_eq!(w, None);
    }

    #[test]
    fn arc_shared_parts_are_skipped_and_patches_copy_on_write() {
        let a = Arc::new(vec![1u8, 2]);
        let mut b = a.clone();
        assert!(Diff::patches(&b, &a).unwrap().is_empty());
        b.apply_patch(&Patch::replace(path!([0]), json!(1), json!(9)))
            .unwrap();
        assert_eq!(*a, [1, 2]);
        assert_eq!(*b, [9, 2]);
    }
}
