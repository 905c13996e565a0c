//! The undo history: a bounded list of snapshots with a cursor, grouped steps, and the public
//! views of it ([`HistoryLimits`], [`HistoryStatus`], [`HistoryStep`]).
//!
//! Each step keeps the snapshot *after* it (an `Arc`, sharing structure with its neighbours) and
//! the patches that led to it from the step before. Undo and redo move the cursor and publish
//! the snapshot at the new position; the patches of that move are computed by diffing the two
//! snapshots, which is cheap because they share everything they did not change.

use std::collections::VecDeque;
use std::sync::Arc;

use reactive_state::Patch;
use reactive_state::Snapshot;

/// How much history a store keeps. When a commit goes over either bound, the oldest steps are
/// dropped (never the current one).
///
/// ```
/// use reactive_store::{HistoryLimits, Store};
/// let store = Store::with_history(0u32, HistoryLimits { max_steps: 2, ..Default::default() });
/// for i in 1..=5 {
///     store.update(|n| *n = i)?;
/// }
/// assert!(store.undo()?.is_some());
/// assert!(store.undo()?.is_some());
/// assert!(store.undo()?.is_none()); // only two steps were kept
/// assert_eq!(*store.snapshot_untracked(), 3);
/// # Ok::<(), reactive_store::StoreError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryLimits {
    /// Undo steps kept (0: no undo).
    pub max_steps: usize,
    /// Approximate bytes of patches kept (see [`Patch::approx_size`]): the data that each step
    /// adds, since a step shares everything else with its neighbours.
    pub max_bytes: usize,
}

impl Default for HistoryLimits {
    /// 1,000 steps, 64 MiB.
    fn default() -> Self {
        HistoryLimits {
            max_steps: 1000,
            max_bytes: 64 << 20,
        }
    }
}

/// Where the store is in its history; read reactively with
/// [`Store::history_status`](crate::Store::history_status) (an "Undo" button's `enabled`).
///
/// ```
/// use reactive_store::Store;
/// let store = Store::new(0);
/// store.update(|n| *n += 1)?;
/// let s = store.history_status();
/// assert_eq!((s.position, s.len, s.can_undo, s.can_redo), (1, 2, true, false));
/// # Ok::<(), reactive_store::StoreError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct HistoryStatus {
    /// Index of the current step (0: the oldest kept).
    pub position: usize,
    /// Number of steps kept, the current one included.
    pub len: usize,
    /// Whether [`undo`](crate::Store::undo) would do something.
    pub can_undo: bool,
    /// Whether [`redo`](crate::Store::redo) would do something.
    pub can_redo: bool,
}

/// One step of the history, as shown to devtools: [`Store::history`](crate::Store::history).
///
/// ```
/// use reactive_store::Store;
/// let store = Store::new(vec![1]);
/// store.transaction("push two").update(|v| v.push(2))?;
/// let steps = store.history();
/// assert_eq!(steps[1].label.as_ref(), "push two");
/// assert_eq!(*steps[1].snapshot, [1, 2]);
/// assert_eq!(steps[1].patches.len(), 1);
/// # Ok::<(), reactive_store::StoreError>(())
/// ```
#[derive(Clone, Debug)]
pub struct HistoryStep<S> {
    /// Position in the history.
    pub index: usize,
    /// The label of the transaction (or group) that made the step.
    pub label: Arc<str>,
    /// The state after the step.
    pub snapshot: Snapshot<S>,
    /// The patches from the previous step to this one (empty for the oldest).
    pub patches: Arc<[Patch]>,
    /// Approximate size of those patches.
    pub bytes: usize,
    /// Whether this is the current step.
    pub current: bool,
}

struct Step<S> {
    snapshot: Snapshot<S>,
    label: Arc<str>,
    patches: Vec<Patch>,
    bytes: usize,
    /// Identifies the step across evictions (indices shift).
    id: u64,
}

/// An open [`Store::group`](crate::Store::group).
struct Group {
    depth: usize,
    label: Arc<str>,
    /// The step the group's commits go into, once the first one is made.
    step: Option<u64>,
}

/// How a commit enters the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Record {
    /// A new undo step (or, inside a group, part of the group's step).
    Step,
    /// Folded into the current step: undoing that step undoes this change too.
    Amend,
    /// A move to another step (undo, redo, jump).
    MoveTo(usize),
}

pub(crate) struct History<S> {
    steps: VecDeque<Step<S>>,
    cursor: usize,
    bytes: usize,
    limits: HistoryLimits,
    group: Option<Group>,
    next_id: u64,
}

fn patches_size(patches: &[Patch]) -> usize {
    patches.iter().map(Patch::approx_size).sum()
}

impl<S> History<S> {
    pub fn new(initial: Snapshot<S>, limits: HistoryLimits) -> History<S> {
        let mut steps = VecDeque::new();
        steps.push_back(Step {
            snapshot: initial,
            label: Arc::from("initial"),
            patches: Vec::new(),
            bytes: 0,
            id: 0,
        });
        History {
            steps,
            cursor: 0,
            bytes: 0,
            limits,
            group: None,
            next_id: 1,
        }
    }

    pub fn status(&self) -> HistoryStatus {
        HistoryStatus {
            position: self.cursor,
            len: self.steps.len(),
            can_undo: self.cursor > 0,
            can_redo: self.cursor + 1 < self.steps.len(),
        }
    }

    pub fn group_open(&self) -> bool {
        self.group.is_some()
    }

    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The snapshot and label of step `index`.
    pub fn step(&self, index: usize) -> Option<(Snapshot<S>, Arc<str>)> {
        let s = self.steps.get(index)?;
        Some((s.snapshot.clone(), s.label.clone()))
    }

    pub fn steps(&self) -> Vec<HistoryStep<S>> {
        self.steps
            .iter()
            .enumerate()
            .map(|(index, s)| HistoryStep {
                index,
                label: s.label.clone(),
                snapshot: s.snapshot.clone(),
                patches: s.patches.clone().into(),
                bytes: s.bytes,
                current: index == self.cursor,
            })
            .collect()
    }

    /// Records a commit that produced `after` with `patches`.
    pub fn record(
        &mut self,
        record: Record,
        label: &Arc<str>,
        after: &Snapshot<S>,
        patches: &[Patch],
    ) {
        match record {
            Record::MoveTo(index) => {
                self.cursor = index.min(self.steps.len() - 1);
                return;
            }
            Record::Amend => {
                self.drop_redo();
                self.fold_into_current(after, patches);
            }
            Record::Step => {
                self.drop_redo();
                let current_id = self.steps[self.cursor].id;
                let in_group_step = self
                    .group
                    .as_ref()
                    .is_some_and(|g| g.step == Some(current_id));
                if in_group_step {
                    self.fold_into_current(after, patches);
                } else {
                    let id = self.next_id;
                    self.next_id += 1;
                    let label = match &mut self.group {
                        Some(g) => {
                            g.step = Some(id);
                            g.label.clone()
                        }
                        None => label.clone(),
                    };
                    let bytes = patches_size(patches);
                    self.steps.push_back(Step {
                        snapshot: after.clone(),
                        label,
                        patches: patches.to_vec(),
                        bytes,
                        id,
                    });
                    self.bytes += bytes;
                    self.cursor += 1;
                }
            }
        }
        self.enforce_limits();
    }

    /// Any new change makes the undone steps unreachable: they are dropped.
    fn drop_redo(&mut self) {
        while self.steps.len() > self.cursor + 1 {
            if let Some(s) = self.steps.pop_back() {
                self.bytes -= s.bytes;
            }
        }
    }

    fn fold_into_current(&mut self, after: &Snapshot<S>, patches: &[Patch]) {
        let step = &mut self.steps[self.cursor];
        step.snapshot = after.clone();
        if self.cursor > 0 {
            let bytes = patches_size(patches);
            step.patches.extend_from_slice(patches);
            step.bytes += bytes;
            self.bytes += bytes;
        }
    }

    fn enforce_limits(&mut self) {
        while self.cursor > 0
            && (self.steps.len() - 1 > self.limits.max_steps || self.bytes > self.limits.max_bytes)
        {
            self.steps.pop_front();
            self.cursor -= 1;
            // The new oldest step is the base: nothing before it to undo to.
            if let Some(base) = self.steps.front_mut() {
                self.bytes -= base.bytes;
                base.bytes = 0;
                base.patches = Vec::new();
            }
        }
    }

    pub fn open_group(&mut self, label: &str) {
        match &mut self.group {
            Some(g) => g.depth += 1,
            None => {
                self.group = Some(Group {
                    depth: 1,
                    label: Arc::from(label),
                    step: None,
                })
            }
        }
    }

    /// Closes one level of grouping. When the outermost closes, returns the group's step index
    /// and the snapshots around it, so its patches can be recomputed as one diff.
    pub fn close_group(&mut self) -> Option<(usize, Snapshot<S>, Snapshot<S>)> {
        let g = self.group.as_mut()?;
        g.depth -= 1;
        if g.depth > 0 {
            return None;
        }
        let step = self.group.take()?.step?;
        let index = self.steps.iter().position(|s| s.id == step)?;
        let before = self.steps.get(index.checked_sub(1)?)?.snapshot.clone();
        Some((index, before, self.steps[index].snapshot.clone()))
    }

    /// Replaces the patches of step `index` (after a group closed), if it still holds `after`.
    pub fn set_patches(&mut self, index: usize, after: &Snapshot<S>, patches: Vec<Patch>) {
        let Some(step) = self.steps.get_mut(index) else {
            return;
        };
        if !step.snapshot.ptr_eq(after) {
            return;
        }
        let bytes = patches_size(&patches);
        self.bytes = self.bytes - step.bytes + bytes;
        step.bytes = bytes;
        step.patches = patches;
        self.enforce_limits();
    }

    /// Forgets every step but the current one.
    pub fn clear(&mut self) {
        self.drop_redo();
        while self.cursor > 0 {
            self.steps.pop_front();
            self.cursor -= 1;
        }
        if let Some(base) = self.steps.front_mut() {
            base.bytes = 0;
            base.patches = Vec::new();
        }
        self.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reactive_state::path;

    fn patch(n: i64) -> Vec<Patch> {
        vec![Patch::replace(path!(n), 0.into(), n.into())]
    }

    #[test]
    fn byte_limit_drops_the_oldest_steps_but_never_the_current_one() {
        let one = patches_size(&patch(1));
        let mut h = History::new(
            Snapshot::new(0),
            HistoryLimits {
                max_steps: 100,
                max_bytes: one * 2,
            },
        );
        let label: Arc<str> = "t".into();
        for n in 1..=5 {
            h.record(Record::Step, &label, &Snapshot::new(n), &patch(n.into()));
        }
        assert_eq!(h.len(), 3);
        assert_eq!(h.bytes, one * 2);
        assert_eq!(*h.step(0).unwrap().0, 3);
        let tiny = HistoryLimits {
            max_steps: 100,
            max_bytes: 0,
        };
        let mut h = History::new(Snapshot::new(0), tiny);
        h.record(Record::Step, &label, &Snapshot::new(1), &patch(1));
        assert_eq!((h.len(), h.cursor()), (1, 0));
        assert_eq!(*h.step(0).unwrap().0, 1);
    }

    #[test]
    fn a_new_step_after_undo_drops_the_redo_steps() {
        let mut h = History::new(Snapshot::new(0), HistoryLimits::default());
        let label: Arc<str> = "t".into();
        h.record(Record::Step, &label, &Snapshot::new(1), &patch(1));
        h.record(Record::Step, &label, &Snapshot::new(2), &patch(2));
        h.record(Record::MoveTo(0), &label, &Snapshot::new(0), &[]);
        assert!(h.status().can_redo);
        h.record(Record::Step, &label, &Snapshot::new(3), &patch(3));
        assert_eq!(h.len(), 2);
        assert!(!h.status().can_redo);
        assert_eq!(h.bytes, patches_size(&patch(3)));
    }
}
