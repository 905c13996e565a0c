//! The runtime of computed properties (`#[computed] impl PlayerModel { .. }`), reached by
//! generated code through `__private`.
//!
//! A computed property is declared once, in its `#[computed]` block. The derive on the struct
//! does not know the block's properties, so it asks for them by name, through two hidden items
//! the block adds to the field enum (`PlayerField::__COMPUTED`, `PlayerField::__computed_memos`).
//! A model without a block finds the same names on [`NoComputedProperties`], implemented for
//! every type: an inherent item is always chosen before a trait's, so the block's items win
//! when they exist and the empty defaults are used otherwise.
//!
//! The memos are created with the model (lazy: none runs before it is read) and kept type-erased
//! in one signal of the handle ([`ComputedSlots`]); each getter knows its property's index and
//! type and reads its memo back.

use reactive_core::{Memo, Signal};
use std::any::Any;
use std::cell::OnceCell;
use std::fmt;
use std::rc::Rc;

/// Names one computed property in a field enum (`PlayerField::HpRatio` is
/// `PlayerField::__Computed(ComputedId { .. })`): its position in the `#[computed]` block and
/// its name.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ComputedId {
    index: u32,
    name: &'static str,
}

impl ComputedId {
    /// Never a real property: fills the field enum's `ALL` array before it is written.
    pub const PLACEHOLDER: ComputedId = ComputedId::new(u32::MAX, "");

    /// The property at `index` of its block, called `name`.
    pub const fn new(index: u32, name: &'static str) -> Self {
        ComputedId { index, name }
    }

    /// The name as written in the block.
    pub const fn name(self) -> &'static str {
        self.name
    }

    /// Its position in the block, which is its memo's position in [`ComputedSlots`].
    pub const fn index(self) -> usize {
        self.index as usize
    }
}

impl fmt::Debug for ComputedId {
    /// The property's name in UpperCamelCase, as the variant it stands for is written
    /// (`HpRatio`): the field enum's `Debug` shows `PlayerField::HpRatio` as
    /// `__Computed(HpRatio)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in self.name.split('_').filter(|part| !part.is_empty()) {
            let mut chars = part.chars();
            if let Some(first) = chars.next() {
                write!(f, "{}{}", first.to_uppercase(), chars.as_str())?;
            }
        }
        Ok(())
    }
}

/// What `describe()` says of one computed property: written by the `#[computed]` block into
/// `PlayerField::__COMPUTED`.
#[derive(Clone, Copy, Debug)]
pub struct ComputedInfo {
    /// Which property.
    pub id: ComputedId,
    /// The output type as written.
    pub ty: &'static str,
    /// The method's doc comment.
    pub doc: &'static str,
}

/// The defaults of the two items a `#[computed]` block adds to a field enum: no properties.
/// See the module docs for why this is a trait implemented for every type.
pub trait NoComputedProperties {
    /// The computed properties, in the block's order.
    const __COMPUTED: &'static [ComputedInfo] = &[];

    /// Creates the memos of a model being created.
    fn __computed_memos<H: Copy + 'static>(_: &ComputedCell<H>) -> ComputedSlots {
        ComputedSlots::NONE
    }
}

impl<T: ?Sized> NoComputedProperties for T {}

/// One memo of any type: what [`ComputedSlots`] holds.
pub trait ErasedMemo {
    /// The `Memo<T>` itself, to be downcast by the getter that knows `T`.
    fn as_any(&self) -> &dyn Any;
    /// Subscribes the running effect or memo to it, computing it first if needed (a memo never
    /// computed has no sources yet, so nothing would ever notify its readers).
    fn track(&self);
    /// Disposes it.
    fn dispose(&self);
    /// Whether it was disposed.
    fn is_disposed(&self) -> bool;
}

impl<T: 'static> ErasedMemo for Memo<T> {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn track(&self) {
        self.with(|_| ());
    }

    fn dispose(&self) {
        Memo::dispose(*self);
    }

    fn is_disposed(&self) -> bool {
        Memo::is_disposed(self)
    }
}

/// The memos of one model, type-erased, in the order of its `#[computed]` block.
type Memos = Box<[Box<dyn ErasedMemo>]>;

/// The memos of a model's computed properties, in the order of its `#[computed]` block: one
/// signal holding them type-erased, or nothing for a model without computed properties.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ComputedSlots(Option<Signal<Memos>>);

impl ComputedSlots {
    /// No computed properties: no signal either.
    pub const NONE: ComputedSlots = ComputedSlots(None);

    /// Holds `memos` (none: [`ComputedSlots::NONE`]).
    #[track_caller]
    pub fn new(memos: Vec<Box<dyn ErasedMemo>>) -> Self {
        if memos.is_empty() {
            Self::NONE
        } else {
            ComputedSlots(Some(Signal::new(memos.into_boxed_slice())))
        }
    }

    /// The memo of the property at `index`, whose value is a `T`.
    ///
    /// # Panics
    ///
    /// If the model has no such property: only a getter of the model's own `#[computed]`
    /// block asks, with its index and type.
    #[track_caller]
    pub fn memo<T: 'static>(self, index: usize) -> Memo<T> {
        let memo = self.0.and_then(|slots| {
            slots.with_untracked(|slots| {
                slots
                    .get(index)
                    .and_then(|slot| slot.as_any().downcast_ref::<Memo<T>>().copied())
            })
        });
        memo.expect(
            "this computed property was not created with its model: the model's \
             `#[derive(Model)]` did not find its `#[computed]` block",
        )
    }

    /// Subscribes the caller to the property `id`.
    #[track_caller]
    pub fn track(self, id: ComputedId) {
        if let Some(slots) = self.0 {
            slots.with_untracked(|slots| {
                if let Some(slot) = slots.get(id.index()) {
                    slot.track();
                }
            });
        }
    }

    /// Disposes every memo, then the signal holding them.
    pub fn dispose(self) {
        if let Some(slots) = self.0 {
            if slots.is_disposed() {
                return;
            }
            slots.with_untracked(|slots| slots.iter().for_each(|slot| slot.dispose()));
            slots.dispose();
        }
    }

    /// Whether the memos were disposed (never, for a model without computed properties).
    pub fn is_disposed(self) -> bool {
        self.0.is_some_and(|slots| slots.is_disposed())
    }
}

/// Implemented by the derive for each handle: where its computed memos are.
pub trait HasComputedSlots: Copy + 'static {
    /// The handle's memos.
    fn computed_slots(&self) -> ComputedSlots;
}

/// The getter of a computed property: reads its memo (tracked).
#[inline]
#[track_caller]
pub fn computed_get<H: HasComputedSlots, T: Clone + 'static>(handle: &H, index: usize) -> T {
    handle.computed_slots().memo::<T>(index).get()
}

/// The handle, shared with the computed memos of the model being created.
///
/// A memo's closure needs the finished handle, and the handle holds the memos: the closures
/// read the handle from this cell, which is filled right after the handle is built. Memos are
/// lazy, so none runs before that.
pub struct ComputedCell<H>(Rc<OnceCell<H>>);

impl<H: Copy + 'static> ComputedCell<H> {
    /// An empty cell.
    #[allow(clippy::new_without_default)] // only generated code makes these
    pub fn new() -> Self {
        ComputedCell(Rc::new(OnceCell::new()))
    }

    /// A memo of `compute` (the body of a computed property) on the handle in this cell.
    #[track_caller]
    pub fn memo<T: PartialEq + 'static>(&self, compute: fn(&H) -> T) -> Box<dyn ErasedMemo> {
        let cell = Rc::clone(&self.0);
        Box::new(Memo::new(move || {
            let handle = cell
                .get()
                .expect("a computed property was read while its model was being created");
            compute(handle)
        }))
    }

    /// Fills the cell with the finished handle.
    pub fn set(&self, handle: H) {
        // Only the derive's `new` fills it, once.
        let _ = self.0.set(handle);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reactive_core::{Signal, create_root};

    #[test]
    fn a_computed_id_prints_like_the_constant_that_names_it() {
        assert_eq!(format!("{:?}", ComputedId::new(0, "hp_ratio")), "HpRatio");
        assert_eq!(format!("{:?}", ComputedId::new(1, "is_down_")), "IsDown");
        assert_eq!(ComputedId::new(2, "total").name(), "total");
        assert_eq!(ComputedId::new(2, "total").index(), 2);
        assert!(
            ComputedId::new(0, "b") < ComputedId::new(1, "a"),
            "ordered by position"
        );
    }

    #[test]
    fn slots_without_memos_hold_no_signal_and_do_nothing() {
        let (_, root) = create_root(|| {
            let slots = ComputedSlots::new(Vec::new());
            assert_eq!(slots, ComputedSlots::NONE);
            slots.track(ComputedId::new(0, "x"));
            slots.dispose();
            assert!(!slots.is_disposed());
        });
        root.dispose();
    }

    #[test]
    fn slots_read_back_each_memo_by_index_and_dispose_them_all() {
        let (_, root) = create_root(|| {
            let n = Signal::new(2_u32);
            let cell = ComputedCell::<Signal<u32>>::new();
            let slots = ComputedSlots::new(vec![
                cell.memo(|n: &Signal<u32>| n.get() * 10),
                cell.memo(|n: &Signal<u32>| n.get().is_multiple_of(2)),
            ]);
            cell.set(n);
            assert_eq!(slots.memo::<u32>(0).get(), 20);
            assert!(slots.memo::<bool>(1).get());
            n.set(3);
            assert_eq!(slots.memo::<u32>(0).get(), 30);
            let first = slots.memo::<u32>(0);
            slots.dispose();
            assert!(slots.is_disposed());
            assert!(first.is_disposed());
        });
        root.dispose();
    }

    #[test]
    #[should_panic(expected = "was not created with its model")]
    fn a_slot_read_as_the_wrong_type_panics_with_the_reason() {
        let (_, root) = create_root(|| {
            let cell = ComputedCell::<u8>::new();
            let slots = ComputedSlots::new(vec![cell.memo(|n: &u8| *n)]);
            cell.set(1);
            slots.memo::<String>(0);
        });
        root.dispose();
    }
}
