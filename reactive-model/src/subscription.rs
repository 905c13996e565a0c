//! Selective subscriptions ([`ModelHandle::subscribe`]) and the patch stream
//! ([`ModelHandle::on_patch`]).
//!
//! # How "what changed" is known without comparing values
//!
//! A subscription to fields `[Hp, Name]` makes one tiny memo per field, a *watcher*, that tracks
//! its field and counts its own recomputations. A watcher recomputes only when its field was
//! written with a different value (setters use `set_if_changed`), so its count is a version
//! number of the field. One effect reads all the watchers: the engine runs it once per batch
//! that changed any of them, and the watchers whose version moved are exactly the fields that
//! changed. Nothing is cloned or compared, and a write to a field outside the set reaches
//! neither the watchers nor the effect.

use crate::model::{FieldOfHandle, PatchOfHandle};
use crate::{Model, ModelHandle};
use reactive_core::{Effect, Memo, untrack};

/// A running subscription made by [`ModelHandle::subscribe`] or [`ModelHandle::on_patch`].
///
/// It lives, like any effect, until its owner is disposed or [`dispose`](Self::dispose) is
/// called; dropping the `ModelSubscription` value does not end it. When the model it watches is
/// disposed (a keyed item removed), it stops calling back.
///
/// ```
/// use reactive_model::Model;
/// use std::{cell::Cell, rc::Rc};
///
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Gauge {
///     level: u8,
/// }
///
/// let gauge = GaugeModel::new(Gauge { level: 0 });
/// let calls = Rc::new(Cell::new(0));
/// let seen = calls.clone();
/// let subscription = gauge.subscribe([GaugeField::Level], move |_| seen.set(seen.get() + 1));
/// gauge.set_level(1);
/// subscription.dispose();
/// gauge.set_level(2);
/// assert_eq!(calls.get(), 1);
/// ```
pub struct ModelSubscription {
    effect: Effect,
    watchers: Vec<Memo<u64>>,
}

impl std::fmt::Debug for ModelSubscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelSubscription")
            .field("effect", &self.effect.id())
            .field("watchers", &self.watchers)
            .finish()
    }
}

impl ModelSubscription {
    /// Stops the subscription: the callback is not called again.
    ///
    /// ```
    /// # use reactive_model::Model;
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Gauge { level: u8 }
    /// let gauge = GaugeModel::new(Gauge { level: 0 });
    /// gauge.on_patch(|_| panic!("not called after dispose")).dispose();
    /// gauge.set_level(1);
    /// ```
    pub fn dispose(self) {
        self.effect.dispose();
        for watcher in self.watchers {
            watcher.dispose();
        }
    }
}

pub(crate) fn subscribe<H: ModelHandle>(
    handle: H,
    fields: impl IntoIterator<Item = FieldOfHandle<H>>,
    mut callback: impl FnMut(&[FieldOfHandle<H>]) + 'static,
) -> ModelSubscription {
    let mut fields: Vec<FieldOfHandle<H>> = fields.into_iter().collect();
    // Declaration order, each field once: that is the order the callback sees them in.
    fields.sort_unstable();
    fields.dedup();
    let watchers: Vec<Memo<u64>> = fields
        .iter()
        .map(|&field| {
            let mut version = 0_u64;
            Memo::new_always(move || {
                // A model disposed in the batch that also wrote it (a keyed item removed right
                // after an edit) is no longer there to track: the subscription goes quiet.
                if handle.is_disposed() {
                    return version;
                }
                handle.track_field(field);
                version += 1;
                version
            })
        })
        .collect();
    let watched = watchers.clone();
    // Version 0 is never a watcher's value: the first run records without reporting.
    let mut seen = vec![0_u64; fields.len()];
    let mut changed = Vec::with_capacity(fields.len());
    let effect = Effect::new(move || {
        changed.clear();
        for ((watcher, last), field) in watched.iter().zip(&mut seen).zip(&fields) {
            let version = watcher.get();
            if version != *last {
                if *last != 0 {
                    changed.push(*field);
                }
                *last = version;
            }
        }
        if !changed.is_empty() {
            untrack(|| callback(&changed));
        }
    });
    ModelSubscription { effect, watchers }
}

pub(crate) fn on_patch<H: ModelHandle>(
    handle: H,
    mut callback: impl FnMut(&[PatchOfHandle<H>]) + 'static,
) -> ModelSubscription {
    let mut previous: Option<H::Model> = None;
    let effect = Effect::new(move || {
        // See `subscribe`: a disposed model has nothing left to report.
        if handle.is_disposed() {
            return;
        }
        let current = handle.snapshot();
        if let Some(previous) = &previous {
            let patches = H::Model::diff(previous, &current);
            if !patches.is_empty() {
                untrack(|| callback(&patches));
            }
        }
        previous = Some(current);
    });
    ModelSubscription {
        effect,
        watchers: Vec::new(),
    }
}
