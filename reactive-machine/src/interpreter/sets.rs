//! Transition domains and the exit and entry sets of a microstep (the SCXML algorithm's
//! `getTransitionDomain`, `computeExitSet`, `computeEntrySet`, `addDescendantStatesToEnter`,
//! `addAncestorStatesToEnter`), with XState's variations where its dialect asks for them.

use crate::chart::{Dialect, StateKind, Sx, Transition};

use super::Interp;

/// States to enter and states entered by default (whose initial transition's actions run),
/// as flags indexed by state, and the same as lists in document order. Kept in the [`Run`]
/// between microsteps so that computing an entry set allocates nothing once warm.
///
/// [`Run`]: super::Run
#[derive(Clone, Debug, Default)]
pub(crate) struct EntrySet {
    enter: Vec<bool>,
    default: Vec<bool>,
    /// The states to enter, in document order (filled by `entry_set`).
    pub enter_list: Vec<Sx>,
    /// The states entered by default, in document order.
    pub default_list: Vec<Sx>,
}

impl EntrySet {
    fn reset(&mut self, n: usize) {
        for flags in [&mut self.enter, &mut self.default] {
            flags.clear();
            flags.resize(n, false);
        }
    }

    fn finish(&mut self) {
        for (flags, list) in [
            (&self.enter, &mut self.enter_list),
            (&self.default, &mut self.default_list),
        ] {
            list.clear();
            list.extend((0..flags.len()).filter(|&s| flags[s]));
        }
    }
}

impl Interp<'_> {
    /// The targets of `t` with history states replaced by what they stand for.
    pub(crate) fn effective_targets(&self, t: &Transition) -> Vec<Sx> {
        let mut out = Vec::new();
        for &s in t.targets.as_deref().unwrap_or(&[]) {
            self.effective_target(s, &mut out);
        }
        out
    }

    /// The effective targets, borrowed when no target is a history state (the common case).
    pub(crate) fn targets_of<'t>(&self, t: &'t Transition) -> std::borrow::Cow<'t, [Sx]> {
        let raw = t.targets.as_deref().unwrap_or(&[]);
        if raw.iter().any(|&x| self.chart.is_history(x)) {
            std::borrow::Cow::Owned(self.effective_targets(t))
        } else {
            std::borrow::Cow::Borrowed(raw)
        }
    }

    fn effective_target(&self, s: Sx, out: &mut Vec<Sx>) {
        if !self.chart.is_history(s) {
            if !out.contains(&s) {
                out.push(s);
            }
            return;
        }
        if let Some(recorded) = self.run.history.get(&s) {
            for &r in recorded {
                if !out.contains(&r) {
                    out.push(r);
                }
            }
            return;
        }
        for d in self.history_default_targets(s) {
            self.effective_target(d, out);
        }
    }

    /// Where a history state with nothing recorded leads: its own target, else its parent's
    /// initial state (a parallel parent itself, which enters all its regions).
    fn history_default_targets(&self, h: Sx) -> Vec<Sx> {
        let chart = self.chart;
        if let Some(t) = &chart.states[h].initial {
            return t.targets.clone().unwrap_or_default();
        }
        let parent = chart.states[h]
            .parent
            .expect("a history state has a parent");
        match &chart.states[parent].initial {
            Some(init) => init.targets.clone().unwrap_or_default(),
            None => vec![parent],
        }
    }

    /// The transition domain: the state whose active descendants a transition exits. `None`
    /// for a transition that exits nothing outside the whole machine.
    pub(crate) fn domain(&self, t: &Transition) -> Option<Sx> {
        let chart = self.chart;
        let targets = self.targets_of(t);
        let targets: &[Sx] = &targets;
        let src = t.source;
        match chart.dialect {
            Dialect::XState => {
                if !t.reenter
                    && targets
                        .iter()
                        .all(|&x| x == src || chart.is_descendant(x, src))
                {
                    return Some(src);
                }
                let head = targets.first().copied().unwrap_or(src);
                let lca = chart.ancestors(head).find(|&a| {
                    targets
                        .iter()
                        .chain(std::iter::once(&src))
                        .all(|&x| chart.is_descendant(x, a))
                });
                match lca {
                    Some(a) => Some(a),
                    None if t.reenter => None,
                    None => Some(0),
                }
            }
            Dialect::Scxml => {
                if !t.reenter
                    && chart.states[src].kind == StateKind::Compound
                    && targets.iter().all(|&x| chart.is_descendant(x, src))
                {
                    return Some(src);
                }
                chart.proper_ancestors(src, None).into_iter().find(|&a| {
                    (a == 0 || chart.states[a].kind == StateKind::Compound)
                        && targets.iter().all(|&x| chart.is_descendant(x, a))
                })
            }
        }
    }

    /// The active states `t` exits, unsorted.
    pub(crate) fn exit_set(&self, t: &Transition) -> Vec<Sx> {
        let mut out = Vec::new();
        self.exit_set_into(t, &mut out);
        out
    }

    /// [`exit_set`](Self::exit_set) into `out` (cleared first), which keeps its capacity.
    pub(crate) fn exit_set_into(&self, t: &Transition, out: &mut Vec<Sx>) {
        out.clear();
        if t.targets.as_ref().is_none_or(|v| v.is_empty()) {
            return;
        }
        let domain = self.domain(t);
        if t.reenter && domain == Some(t.source) {
            out.push(t.source);
        }
        match domain {
            Some(d) => {
                for s in (d + 1)..self.run.active.len() {
                    if self.run.active[s] && self.chart.is_descendant(s, d) {
                        out.push(s);
                    }
                }
            }
            // XState: a `reenter` transition from the root to its own descendants exits
            // everything, the root included.
            None if self.chart.dialect == Dialect::XState => {
                out.clear();
                out.extend((0..self.run.active.len()).filter(|&s| self.run.active[s]));
            }
            None => {}
        }
    }

    /// The states the initial configuration enters, in document order, and those entered by
    /// default.
    pub(crate) fn initial_entry_set(&self, set: &mut EntrySet) {
        set.reset(self.chart.states.len());
        self.add_descendants(0, true, set);
        set.finish();
    }

    /// The states a microstep enters, in document order, and those entered by default, into
    /// `set`'s lists.
    pub(crate) fn entry_set(&self, transitions: &[&Transition], set: &mut EntrySet) {
        let chart = self.chart;
        set.reset(chart.states.len());
        for t in transitions {
            let Some(targets) = &t.targets else { continue };
            let domain = self.domain(t);
            for &s in targets {
                // XState: a non-`reenter` transition to its own source does not re-enter it.
                let include_self = t.source != s || domain != Some(t.source) || t.reenter;
                self.add_descendants(s, include_self, set);
            }
            for &s in self.targets_of(t).iter() {
                let mut ancestors = chart.proper_ancestors(s, domain);
                let mut reentrancy = domain;
                if chart.dialect == Dialect::XState {
                    if let Some(d) = domain.filter(|&d| chart.states[d].kind == StateKind::Parallel)
                    {
                        ancestors.push(d);
                    }
                    if chart.states[t.source].parent.is_none() && t.reenter {
                        reentrancy = None;
                    }
                }
                self.add_ancestors(&ancestors, reentrancy, set);
            }
        }
        set.finish();
    }

    fn add_descendants(&self, s: Sx, include_self: bool, set: &mut EntrySet) {
        let chart = self.chart;
        if chart.is_history(s) {
            let parent = chart.states[s]
                .parent
                .expect("a history state has a parent");
            let targets = match self.run.history.get(&s) {
                Some(recorded) => recorded.clone(),
                None => self.history_default_targets(s),
            };
            for &r in &targets {
                self.add_descendants(r, true, set);
            }
            for &r in &targets {
                let ancestors = chart.proper_ancestors(r, Some(parent));
                self.add_ancestors(&ancestors, None, set);
            }
            return;
        }
        if include_self {
            set.enter[s] = true;
        }
        match chart.states[s].kind {
            StateKind::Compound => {
                set.default[s] = true;
                let init = chart.states[s]
                    .initial
                    .as_ref()
                    .and_then(|t| t.targets.clone())
                    .unwrap_or_default();
                for &c in &init {
                    self.add_descendants(c, true, set);
                }
                for &c in &init {
                    let ancestors = chart.proper_ancestors(c, Some(s));
                    self.add_ancestors(&ancestors, None, set);
                }
            }
            StateKind::Parallel => {
                for c in chart.real_children(s) {
                    if !self.has_entering_descendant(c, set) {
                        self.add_descendants(c, true, set);
                    }
                }
            }
            _ => {}
        }
    }

    fn add_ancestors(&self, ancestors: &[Sx], reentrancy: Option<Sx>, set: &mut EntrySet) {
        let chart = self.chart;
        for &a in ancestors {
            if reentrancy.is_none_or(|d| chart.is_descendant(a, d)) {
                set.enter[a] = true;
            }
            if chart.states[a].kind == StateKind::Parallel {
                for c in chart.real_children(a) {
                    if !self.has_entering_descendant(c, set) {
                        self.add_descendants(c, true, set);
                    }
                }
            }
        }
    }

    fn has_entering_descendant(&self, c: Sx, set: &EntrySet) -> bool {
        ((c + 1)..set.enter.len()).any(|s| set.enter[s] && self.chart.is_descendant(s, c))
    }
}
