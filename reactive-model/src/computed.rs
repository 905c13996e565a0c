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
//! in the handle itself ([`ComputedSlots`], an array of [`AnyMemo`] as long as the block); each
//! getter knows its property's index and type and reads its memo back with one type check.

use reactive_core::{AnyMemo, Memo};
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
    fn __computed_memos<H: Copy + 'static>(_: &ComputedCell<H>) -> ComputedSlots<0> {
        ComputedSlots::new([])
    }
}

impl<T: ?Sized> NoComputedProperties for T {}

/// The memos of a model's computed properties, in the order of its `#[computed]` block, kept in
/// the handle itself: `N` is the length of the block (`PlayerField::__COMPUTED.len()`).
///
/// They are created with the model and never change, so they need no signal: a getter reads its
/// memo by position and checks its type once ([`AnyMemo::downcast`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ComputedSlots<const N: usize>([AnyMemo; N]);

impl<const N: usize> ComputedSlots<N> {
    /// Holds `memos`, in the block's order.
    pub fn new(memos: [AnyMemo; N]) -> Self {
        ComputedSlots(memos)
    }

    /// The memos, in the block's order.
    #[inline]
    pub fn as_slice(&self) -> &[AnyMemo] {
        &self.0
    }

    /// Subscribes the caller to the property `id`.
    #[track_caller]
    pub fn track(&self, id: ComputedId) {
        if let Some(memo) = self.0.get(id.index()) {
            memo.track();
        }
    }

    /// Disposes every memo.
    pub fn dispose(&self) {
        self.0.iter().for_each(|memo| memo.dispose());
    }

    /// Whether the memos were disposed (never, for a model without computed properties).
    pub fn is_disposed(&self) -> bool {
        self.0.iter().any(|memo| memo.is_disposed())
    }
}

/// The memo of the property at `index` of `memos`, whose value is a `T`.
///
/// # Panics
///
/// If there is no such property: only a getter of the model's own `#[computed]` block asks,
/// with its index and type.
#[inline]
#[track_caller]
pub fn computed_memo<T: 'static>(memos: &[AnyMemo], index: usize) -> Memo<T> {
    match memos.get(index).and_then(|memo| memo.downcast::<T>()) {
        Some(memo) => memo,
        None => missing_memo(),
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn missing_memo() -> ! {
    panic!(
        "this computed property was not created with its model: the model's \
         `#[derive(Model)]` did not find its `#[computed]` block"
    )
}

/// Implemented by the derive for each handle: where its computed memos are.
pub trait HasComputedSlots: Copy + 'static {
    /// The handle's memos, in the order of its `#[computed]` block.
    fn computed_memos(&self) -> &[AnyMemo];
}

/// The getter of a computed property: reads its memo (tracked).
#[inline]
#[track_caller]
pub fn computed_get<H: HasComputedSlots, T: Clone + 'static>(handle: &H, index: usize) -> T {
    computed_memo::<T>(handle.computed_memos(), index).get()
}

/// The handle, shared with the computed memos of the model being created.
///
/// A memo's closure needs the finished handle, and the handle holds the memos: the closures
/// read the handle from this cell, which is filled right after the handle is built. Memos are
/// lazy, so none runs before that. The shared part is allocated by the first memo, so a model
/// without computed properties allocates nothing for it.
pub struct ComputedCell<H>(OnceCell<Rc<OnceCell<H>>>);

impl<H: Copy + 'static> ComputedCell<H> {
    /// An empty cell.
    #[allow(clippy::new_without_default)] // only generated code makes these
    pub fn new() -> Self {
        ComputedCell(OnceCell::new())
    }

    /// A memo of `compute` (the body of a computed property) on the handle in this cell.
    #[track_caller]
    pub fn memo<T: PartialEq + 'static>(&self, compute: fn(&H) -> T) -> AnyMemo {
        let cell = Rc::clone(self.0.get_or_init(|| Rc::new(OnceCell::new())));
        AnyMemo::from(Memo::new(move || {
            let handle = cell
                .get()
                .expect("a computed property was read while its model was being created");
            compute(handle)
        }))
    }

    /// Fills the cell with the finished handle.
    pub fn set(&self, handle: H) {
        if let Some(cell) = self.0.get() {
            // Only the derive's `new` fills it, once.
            let _ = cell.set(handle);
        }
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
    fn slots_without_memos_do_nothing_and_are_never_disposed() {
        let (_, root) = create_root(|| {
            let cell = ComputedCell::<u8>::new();
            let slots = <u8 as NoComputedProperties>::__computed_memos(&cell);
            assert!(slots.as_slice().is_empty());
            cell.set(1);
            assert!(
                cell.0.get().is_none(),
                "no memo: nothing shared, nothing allocated"
            );
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
            let slots = ComputedSlots::new([
                cell.memo(|n: &Signal<u32>| n.get() * 10),
                cell.memo(|n: &Signal<u32>| n.get().is_multiple_of(2)),
            ]);
            cell.set(n);
            assert_eq!(computed_memo::<u32>(slots.as_slice(), 0).get(), 20);
            assert!(computed_memo::<bool>(slots.as_slice(), 1).get());
            n.set(3);
            assert_eq!(computed_memo::<u32>(slots.as_slice(), 0).get(), 30);
            let first = computed_memo::<u32>(slots.as_slice(), 0);
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
            let slots = ComputedSlots::new([cell.memo(|n: &u8| *n)]);
            cell.set(1);
            computed_memo::<String>(slots.as_slice(), 0);
        });
        root.dispose();
    }

    #[test]
    #[should_panic(expected = "was not created with its model")]
    fn a_slot_past_the_end_panics_with_the_reason() {
        computed_memo::<u8>(&[], 0);
    }
}
