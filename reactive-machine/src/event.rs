//! [`Event`]s sent to a machine and the [`EventDescriptor`]s transitions match them with.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An event: a dotted name (`"payment.failed"`) and optional data.
///
/// ```
/// use reactive_machine::Event;
/// let e = Event::new("pay").with_data(serde_json::json!({ "amount": 12 }));
/// assert_eq!(e.name(), "pay");
/// assert_eq!(e.data()["amount"], 12);
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Event {
    name: String,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    data: Value,
}

impl Event {
    /// An event without data.
    pub fn new(name: impl Into<String>) -> Event {
        Event {
            name: name.into(),
            data: Value::Null,
        }
    }

    /// This event carrying `data`.
    pub fn with_data(mut self, data: Value) -> Event {
        self.data = data;
        self
    }

    /// The event's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The event's data (`Null` when it has none).
    pub fn data(&self) -> &Value {
        &self.data
    }
}

impl From<&str> for Event {
    fn from(name: &str) -> Event {
        Event::new(name)
    }
}

impl From<String> for Event {
    fn from(name: String) -> Event {
        Event::new(name)
    }
}

/// How a transition's event descriptor matches event names.
///
/// The two formats differ: in SCXML a descriptor is a prefix of dotted tokens (`"error"` matches
/// `"error"` and `"error.net"`), in XState a plain descriptor matches only the same name and a
/// prefix is written `"error.*"`. `"*"` matches every event in both.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DescriptorSyntax {
    /// XState: exact names, `prefix.*` and `*`.
    XState,
    /// SCXML: token prefixes (a trailing `.*` is allowed and means the same) and `*`.
    Scxml,
}

/// One event descriptor of a transition, as written and as matched.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EventDescriptor {
    text: String,
    rule: MatchRule,
}

#[derive(Clone, PartialEq, Eq, Debug)]
enum MatchRule {
    Exact,
    Any,
    /// The event's dotted tokens start with these tokens.
    Prefix(String),
}

impl EventDescriptor {
    /// Parses `text` with the rules of `syntax`.
    ///
    /// ```
    /// use reactive_machine::{DescriptorSyntax, EventDescriptor};
    /// let x = EventDescriptor::parse("error.*", DescriptorSyntax::XState);
    /// assert!(x.matches("error.net") && x.matches("error") && !x.matches("errors"));
    /// let exact = EventDescriptor::parse("error", DescriptorSyntax::XState);
    /// assert!(!exact.matches("error.net"));
    /// let scxml = EventDescriptor::parse("error", DescriptorSyntax::Scxml);
    /// assert!(scxml.matches("error.net"));
    /// ```
    pub fn parse(text: &str, syntax: DescriptorSyntax) -> EventDescriptor {
        let rule = if text == "*" {
            MatchRule::Any
        } else if let Some(prefix) = text.strip_suffix(".*") {
            MatchRule::Prefix(prefix.to_owned())
        } else {
            match syntax {
                DescriptorSyntax::XState => MatchRule::Exact,
                DescriptorSyntax::Scxml => MatchRule::Prefix(text.to_owned()),
            }
        };
        EventDescriptor {
            text: text.to_owned(),
            rule,
        }
    }

    /// The descriptor as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether this descriptor names exactly one event (no wildcard or prefix).
    pub fn is_exact(&self) -> bool {
        self.rule == MatchRule::Exact
    }

    /// Whether the event called `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        match &self.rule {
            MatchRule::Exact => self.text == name,
            MatchRule::Any => true,
            MatchRule::Prefix(prefix) => name
                .strip_prefix(prefix.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.')),
        }
    }
}
