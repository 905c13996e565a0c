//! Hierarchical topics (`player.7.damaged`) and topic patterns with wildcards: `*` matches one
//! segment, `**` any number of segments (zero included).

use std::rc::Rc;

use super::EventError;

/// Checks an emitted topic: dot-separated, non-empty segments, no wildcards.
pub(crate) fn check_topic(topic: &str) -> Result<(), EventError> {
    let reason = if topic.is_empty() {
        "a topic must not be empty"
    } else if topic.split('.').any(str::is_empty) {
        "a topic's segments must not be empty"
    } else if topic.contains('*') {
        "an emitted topic must not contain wildcards"
    } else {
        return Ok(());
    };
    Err(EventError::InvalidTopic {
        topic: topic.to_owned(),
        reason,
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(Box<str>),
    /// `*`: exactly one segment.
    One,
    /// `**`: zero or more segments.
    Many,
}

/// A parsed topic pattern.
#[derive(Clone, Debug)]
pub(crate) struct TopicPattern {
    pub text: Rc<str>,
    parts: Vec<Part>,
}

impl TopicPattern {
    pub fn parse(pattern: &str) -> Result<TopicPattern, EventError> {
        let bad = |reason| EventError::InvalidTopic {
            topic: pattern.to_owned(),
            reason,
        };
        if pattern.is_empty() {
            return Err(bad("a topic pattern must not be empty"));
        }
        let mut parts = Vec::new();
        for seg in pattern.split('.') {
            parts.push(match seg {
                "" => return Err(bad("a topic pattern's segments must not be empty")),
                "*" => Part::One,
                "**" => Part::Many,
                s if s.contains('*') => {
                    return Err(bad("'*' and '**' must be whole segments"));
                }
                s => Part::Literal(s.into()),
            });
        }
        Ok(TopicPattern {
            text: Rc::from(pattern),
            parts,
        })
    }

    /// Whether the pattern has no wildcard (it matches one topic: itself).
    pub fn is_exact(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Literal(_)))
    }

    /// Whether `topic` (split into segments) matches. Linear in practice: on a mismatch after
    /// `**`, the match resumes one segment further (the classic glob backtrack).
    pub fn matches(&self, topic: &[&str]) -> bool {
        let parts = &self.parts;
        let (mut p, mut t) = (0, 0);
        let mut resume: Option<(usize, usize)> = None;
        while t < topic.len() {
            match parts.get(p) {
                Some(Part::One) => {
                    p += 1;
                    t += 1;
                }
                Some(Part::Literal(l)) if **l == *topic[t] => {
                    p += 1;
                    t += 1;
                }
                Some(Part::Many) => {
                    resume = Some((p, t));
                    p += 1;
                }
                _ => match resume {
                    Some((rp, rt)) => {
                        p = rp + 1;
                        t = rt + 1;
                        resume = Some((rp, rt + 1));
                    }
                    None => return false,
                },
            }
        }
        parts[p..].iter().all(|part| *part == Part::Many)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, topic: &str) -> bool {
        let segs: Vec<&str> = topic.split('.').collect();
        TopicPattern::parse(pattern).unwrap().matches(&segs)
    }

    #[test]
    fn wildcards_match_one_or_many_segments() {
        assert!(m("player.*.damaged", "player.7.damaged"));
        assert!(!m("player.*.damaged", "player.7.healed"));
        assert!(!m("player.*.damaged", "player.7.x.damaged"));
        assert!(m("player.**", "player.7.x.damaged"));
        assert!(m("player.**", "player"));
        assert!(m("**.damaged", "player.7.damaged"));
        assert!(m("a.**.b.**.c", "a.x.b.y.z.c"));
        assert!(!m("a.**.b.**.c", "a.x.c"));
        assert!(m("**", "anything.at.all"));
        assert!(m("exact.topic", "exact.topic"));
        assert!(!m("exact.topic", "exact"));
    }

    #[test]
    fn malformed_topics_and_patterns_are_rejected() {
        assert!(check_topic("").is_err());
        assert!(check_topic("a..b").is_err());
        assert!(check_topic("a.*").is_err());
        assert!(TopicPattern::parse("a.b*").is_err());
        assert!(TopicPattern::parse("a.").is_err());
        assert!(
            TopicPattern::parse("a.*.b")
                .unwrap()
                .matches(&["a", "x", "b"])
        );
        assert!(TopicPattern::parse("a.b").unwrap().is_exact());
    }
}
