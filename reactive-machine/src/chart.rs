//! [`Chart`]: a loaded statechart definition, immutable and shared by every machine that runs
//! it. States are stored in document order (a pre-order walk), so "document order" is index
//! order and sorting states is sorting numbers.

use std::collections::HashMap;

use serde_json::Value;

use crate::event::EventDescriptor;
use crate::setup::Context;

/// The index of a state in its chart (document order; the root is 0).
pub(crate) type Sx = usize;

/// Which standard's rules a chart follows where XState and SCXML differ.
///
/// The differences (each pinned by a test): event descriptors (see
/// [`DescriptorSyntax`](crate::DescriptorSyntax)); XState tries exact descriptors before
/// wildcards; XState's transition domain may be a parallel state and a non-`reenter`
/// transition to its own source does not exit it; after an eventless microstep that changed
/// nothing XState looks at the internal queue before trying eventless transitions again; the
/// names of `done` and `after` events.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dialect {
    /// XState v5.
    XState,
    /// W3C SCXML.
    Scxml,
}

/// The kind of a state.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StateKind {
    /// No children.
    Atomic,
    /// Children, one active at a time.
    Compound,
    /// Children (regions), all active together.
    Parallel,
    /// Entering it completes its parent.
    Final,
    /// A pseudo-state remembering the configuration of its parent when it was last exited.
    History(HistoryDepth),
}

/// How much a history state remembers.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum HistoryDepth {
    /// The parent's active children.
    Shallow,
    /// The parent's active atomic descendants.
    Deep,
}

/// A delay in milliseconds, written as a number or as a name supplied by the setup.
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum Delay {
    Ms(u64),
    Named(usize),
}

/// A guard.
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum Guard {
    /// A guard from the setup, by interned slot.
    Named { slot: usize, params: Option<Value> },
    /// An SCXML condition.
    Expr(crate::scxml::expr::Expr),
}

/// An executable action.
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum Action {
    /// An action from the setup, by interned slot.
    Named { slot: usize, params: Option<Value> },
    /// Raise (without delay: on the internal queue) or send to self after a delay.
    Raise {
        event: String,
        delay: Option<Delay>,
        id: Option<String>,
        implicit: bool,
    },
    /// Cancel delayed events sent with this id.
    Cancel { id: String, implicit: bool },
    /// SCXML `<assign location expr>`: the variable must be declared.
    Assign {
        location: String,
        expr: crate::scxml::expr::Expr,
    },
    /// SCXML `<log label expr>`: recorded in the machine's log.
    Log {
        label: String,
        expr: Option<crate::scxml::expr::Expr>,
    },
    /// SCXML `<if>`/`<elseif>`/`<else>`: the first branch whose condition holds (`None`: else).
    If {
        branches: Vec<(Option<crate::scxml::expr::Expr>, Vec<Action>)>,
    },
}

/// A transition.
#[derive(Clone, PartialEq, Debug)]
pub(crate) struct Transition {
    pub source: Sx,
    /// Empty for eventless and initial transitions.
    pub events: Vec<EventDescriptor>,
    pub guard: Option<Guard>,
    /// `None`: targetless (no state is exited or entered).
    pub targets: Option<Vec<Sx>>,
    /// XState `reenter: true`, SCXML `type="external"` (the default there).
    pub reenter: bool,
    pub actions: Vec<Action>,
    /// The delay when this is a transition of `after`.
    pub after: Option<Delay>,
    /// Whether this is `onDone`.
    pub on_done: bool,
}

/// One state of a chart.
#[derive(Clone, Debug)]
pub(crate) struct StateNode {
    pub key: String,
    /// The unique id (`#id` targets): XState's default is the machine id and the keys joined
    /// with dots.
    pub id: String,
    /// Whether the id was written in the source (exported back only then).
    pub explicit_id: bool,
    /// The keys from the root joined with dots (`""` for the root).
    pub path: String,
    pub parent: Option<Sx>,
    pub children: Vec<Sx>,
    pub kind: StateKind,
    pub depth: usize,
    /// Compound: the initial transition. History: the default transition.
    pub initial: Option<Transition>,
    pub entry: Vec<Action>,
    pub exit: Vec<Action>,
    pub on: Vec<Transition>,
    pub always: Vec<Transition>,
    pub description: Option<String>,
}

impl StateNode {
    /// A state as a loader reads it: no children, initial transition, actions, transitions or
    /// description yet (the loaders add them as they read on).
    pub(crate) fn new(
        key: String,
        id: String,
        explicit_id: bool,
        path: String,
        parent: Option<Sx>,
        kind: StateKind,
        depth: usize,
    ) -> StateNode {
        StateNode {
            key,
            id,
            explicit_id,
            path,
            parent,
            children: Vec::new(),
            kind,
            depth,
            initial: None,
            entry: Vec::new(),
            exit: Vec::new(),
            on: Vec::new(),
            always: Vec::new(),
            description: None,
        }
    }
}

/// Interned names of the setup entries a chart uses, with where each is first used.
#[derive(Clone, Default, Debug)]
pub(crate) struct Names {
    pub actions: Vec<(String, String)>,
    pub guards: Vec<(String, String)>,
    pub delays: Vec<(String, String)>,
}

impl Names {
    fn intern(list: &mut Vec<(String, String)>, name: &str, path: &str) -> usize {
        if let Some(i) = list.iter().position(|(n, _)| n == name) {
            return i;
        }
        list.push((name.to_owned(), path.to_owned()));
        list.len() - 1
    }
    pub fn action(&mut self, name: &str, path: &str) -> usize {
        Self::intern(&mut self.actions, name, path)
    }
    pub fn guard(&mut self, name: &str, path: &str) -> usize {
        Self::intern(&mut self.guards, name, path)
    }
    pub fn delay(&mut self, name: &str, path: &str) -> usize {
        Self::intern(&mut self.delays, name, path)
    }
}

/// A statechart definition, loaded from XState JSON
/// ([`Chart::from_xstate_json`](crate::Chart::from_xstate_json)), SCXML or built in code. It is
/// immutable; [`Machine`](crate::Machine)s run it (many machines can share one chart).
#[derive(Clone, Debug)]
pub struct Chart {
    pub(crate) states: Vec<StateNode>,
    pub(crate) dialect: Dialect,
    pub(crate) context: Context,
    pub(crate) names: Names,
    pub(crate) by_id: HashMap<String, Sx>,
    pub(crate) by_path: HashMap<String, Sx>,
    /// Whether any state has an eventless transition (if not, macrosteps skip looking).
    pub(crate) has_eventless: bool,
}

impl Chart {
    /// Assembles a chart from states in document order (index 0 is the root) and indexes it.
    pub(crate) fn assemble(
        states: Vec<StateNode>,
        dialect: Dialect,
        context: Context,
        names: Names,
    ) -> Chart {
        let by_id = states
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let by_path = states
            .iter()
            .enumerate()
            .map(|(i, s)| (s.path.clone(), i))
            .collect();
        let has_eventless = states.iter().any(|s| !s.always.is_empty());
        Chart {
            states,
            dialect,
            context,
            names,
            by_id,
            by_path,
            has_eventless,
        }
    }

    /// The machine's id (the root state's id).
    pub fn id(&self) -> &str {
        &self.states[0].id
    }

    /// The rules this chart follows.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The initial context.
    pub fn initial_context(&self) -> &Context {
        &self.context
    }

    /// Every state's path (keys from the root joined with dots; the root is `""`) in document
    /// order, with its kind.
    pub fn states(&self) -> impl Iterator<Item = (&str, StateKind)> {
        self.states.iter().map(|s| (s.path.as_str(), s.kind))
    }

    /// The state at `path` (`"checkout.payment"`) or with id `#id`.
    pub(crate) fn lookup(&self, path: &str) -> Option<Sx> {
        match path.strip_prefix('#') {
            Some(id) => self.by_id.get(id).copied(),
            None => self.by_path.get(path).copied(),
        }
    }

    pub(crate) fn is_atomic(&self, s: Sx) -> bool {
        matches!(self.states[s].kind, StateKind::Atomic | StateKind::Final)
    }

    pub(crate) fn is_history(&self, s: Sx) -> bool {
        matches!(self.states[s].kind, StateKind::History(_))
    }

    /// Whether `a` is a proper descendant of `b`.
    pub(crate) fn is_descendant(&self, a: Sx, b: Sx) -> bool {
        let mut m = self.states[a].parent;
        while let Some(p) = m {
            if p == b {
                return true;
            }
            if p < b {
                // Ancestors come before descendants in document order.
                return false;
            }
            m = self.states[p].parent;
        }
        false
    }

    /// The proper ancestors of `s` from its parent up to, not including, `upto` (or the root
    /// included when `upto` is `None`).
    pub(crate) fn proper_ancestors(&self, s: Sx, upto: Option<Sx>) -> Vec<Sx> {
        let mut out = Vec::new();
        if Some(s) == upto {
            return out;
        }
        let mut m = self.states[s].parent;
        while let Some(p) = m {
            if Some(p) == upto {
                break;
            }
            out.push(p);
            m = self.states[p].parent;
        }
        out
    }

    /// The proper ancestors of `s`, parent first, without allocating.
    pub(crate) fn ancestors(&self, s: Sx) -> impl Iterator<Item = Sx> + '_ {
        std::iter::successors(self.states[s].parent, |&p| self.states[p].parent)
    }

    /// The children of `s` that are not history states.
    pub(crate) fn real_children(&self, s: Sx) -> impl Iterator<Item = Sx> + '_ {
        self.states[s]
            .children
            .iter()
            .copied()
            .filter(|&c| !self.is_history(c))
    }

    /// The prefix of the event raised when a state completes: `done.state.` (SCXML) or
    /// `xstate.done.state.` (XState).
    pub(crate) fn done_prefix(&self) -> &'static str {
        match self.dialect {
            Dialect::XState => "xstate.done.state.",
            Dialect::Scxml => "done.state.",
        }
    }
}
