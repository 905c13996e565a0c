//! Paths into a state: [`Segment`], [`Path`] (written as a JSON Pointer) and [`PathPattern`]
//! (a path with `*` wildcards).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One step of a [`Path`]: a struct field or map entry, a list position, or an item of a
/// keyed collection.
///
/// The three kinds say what the step means; on the wire (JSON Pointer text) they are all text,
/// so segments compare, hash and order by that text form: `Segment::field("a")` equals
/// `Segment::key("a")`, and `Segment::key(3)` equals `Segment::Index(3)`. A path parsed back
/// from text therefore equals the path it was written from. A field name that spells a
/// canonical non-negative integer (`"3"`, not `"03"`) is stored as an
/// [`Index`](Segment::Index), so maps keyed by strings accept either form.
///
/// ```
/// use reactive_state::Segment;
/// assert_eq!(Segment::field("3"), Segment::Index(3));
/// assert_eq!(Segment::field("title").as_name(), Some("title"));
/// assert_eq!(Segment::key(42), Segment::Index(42)); // same text: "42"
/// assert!(Segment::key("ada").is_key());
/// assert_eq!(Segment::from(7usize).to_string(), "7");
/// ```
#[derive(Clone, Debug)]
pub enum Segment {
    /// A struct field or a map entry, by name. Never a canonical integer (those are
    /// [`Index`](Segment::Index)).
    Field(Cow<'static, str>),
    /// A list position (or a map entry whose key is a number).
    Index(usize),
    /// An item of a keyed collection, by its key written as text. The item keeps this address
    /// wherever it moves in the collection.
    Key(Cow<'static, str>),
}

impl Segment {
    /// A field (or map entry) segment; a canonical integer becomes an [`Index`](Segment::Index).
    ///
    /// ```
    /// use reactive_state::Segment;
    /// assert!(matches!(Segment::field("todos"), Segment::Field(_)));
    /// ```
    pub fn field(name: impl Into<Cow<'static, str>>) -> Segment {
        let name = name.into();
        match parse_index(&name) {
            Some(i) => Segment::Index(i),
            None => Segment::Field(name),
        }
    }

    /// A keyed-collection item segment: the key's text (`Display`).
    ///
    /// ```
    /// use reactive_state::Segment;
    /// assert_eq!(Segment::key("ada").as_text(), "ada");
    /// assert_eq!(Segment::key(7u32).as_text(), "7");
    /// ```
    pub fn key(key: impl fmt::Display) -> Segment {
        Segment::Key(Cow::Owned(key.to_string()))
    }

    /// A keyed-collection item segment from text that is already the key's text form.
    ///
    /// ```
    /// use reactive_state::Segment;
    /// assert!(Segment::key_text("k1").is_key());
    /// ```
    pub fn key_text(text: impl Into<Cow<'static, str>>) -> Segment {
        Segment::Key(text.into())
    }

    /// Whether this is a keyed-collection item segment.
    ///
    /// ```
    /// use reactive_state::Segment;
    /// assert!(!Segment::field("a").is_key());
    /// ```
    pub fn is_key(&self) -> bool {
        matches!(self, Segment::Key(_))
    }

    /// The name, if this is a field or key segment (a struct field, a map key, an item key).
    ///
    /// ```
    /// use reactive_state::Segment;
    /// assert_eq!(Segment::field("a").as_name(), Some("a"));
    /// assert_eq!(Segment::Index(1).as_name(), None);
    /// ```
    pub fn as_name(&self) -> Option<&str> {
        match self {
            Segment::Field(k) | Segment::Key(k) => Some(k),
            Segment::Index(_) => None,
        }
    }

    /// The index, if this segment is one or its text is a canonical integer.
    ///
    /// ```
    /// use reactive_state::Segment;
    /// assert_eq!(Segment::Index(4).as_index(), Some(4));
    /// assert_eq!(Segment::key(4).as_index(), Some(4));
    /// ```
    pub fn as_index(&self) -> Option<usize> {
        match self {
            Segment::Index(i) => Some(*i),
            Segment::Field(t) | Segment::Key(t) => parse_index(t),
        }
    }

    /// The segment as text, as it appears in a JSON Pointer (before escaping).
    ///
    /// ```
    /// use reactive_state::Segment;
    /// assert_eq!(Segment::Index(2).as_text(), "2");
    /// ```
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            Segment::Field(k) | Segment::Key(k) => Cow::Borrowed(k),
            Segment::Index(i) => Cow::Owned(i.to_string()),
        }
    }

    /// The wire form: what equality, hashing and ordering look at.
    fn wire(&self) -> Wire<'_> {
        match self {
            Segment::Index(i) => Wire::Index(*i),
            Segment::Field(t) => Wire::Text(t),
            Segment::Key(t) => match parse_index(t) {
                Some(i) => Wire::Index(i),
                None => Wire::Text(t),
            },
        }
    }
}

/// A segment as its JSON Pointer text: a canonical integer, or any other text.
#[derive(PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Wire<'a> {
    Text(&'a str),
    Index(usize),
}

impl PartialEq for Segment {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Segment::Field(a), Segment::Field(b)) => a == b,
            (Segment::Index(a), Segment::Index(b)) => a == b,
            _ => self.wire() == other.wire(),
        }
    }
}

impl Eq for Segment {}

impl std::hash::Hash for Segment {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.wire().hash(state);
    }
}

impl PartialOrd for Segment {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Segment {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.wire().cmp(&other.wire())
    }
}

/// `"0"`, `"17"`: canonical decimal integers only (no sign, no leading zero), as JSON Pointer
/// array indices are written.
fn parse_index(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || (bytes.len() > 1 && bytes[0] == b'0') {
        return None;
    }
    if !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    text.parse().ok()
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Field(k) | Segment::Key(k) => f.write_str(k),
            Segment::Index(i) => write!(f, "{i}"),
        }
    }
}

impl From<&'static str> for Segment {
    fn from(name: &'static str) -> Self {
        Segment::field(name)
    }
}

impl From<String> for Segment {
    fn from(name: String) -> Self {
        Segment::field(name)
    }
}

impl From<usize> for Segment {
    fn from(index: usize) -> Self {
        Segment::Index(index)
    }
}

/// What can stand in the brackets of [`path!`](crate::path!): an index (`usize`) or a key.
///
/// ```
/// use reactive_state::{path, Segment};
/// let key = String::from("k");
/// assert_eq!(path!(items[key]).segments()[1], Segment::key("k"));
/// ```
pub trait IntoSegment {
    /// Converts into a segment.
    fn into_segment(self) -> Segment;
}

impl IntoSegment for usize {
    fn into_segment(self) -> Segment {
        Segment::Index(self)
    }
}

impl IntoSegment for &'static str {
    fn into_segment(self) -> Segment {
        Segment::key_text(self)
    }
}

impl IntoSegment for String {
    fn into_segment(self) -> Segment {
        Segment::key_text(self)
    }
}

impl IntoSegment for Segment {
    fn into_segment(self) -> Segment {
        self
    }
}

/// A location in a state tree: the root, or a list of segments. Written as a JSON Pointer
/// (RFC 6901): `/todos/3/title`; `~` and `/` in keys are escaped as `~0` and `~1`.
///
/// ```
/// use reactive_state::{path, Path};
/// let p = path!(todos[3].title);
/// assert_eq!(p.to_string(), "/todos/3/title");
/// assert_eq!(Path::parse("/todos/3/title"), Ok(p));
/// assert_eq!(Path::root().to_string(), "");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Path {
    segments: Vec<Segment>,
}

impl Path {
    /// The root: the whole state.
    ///
    /// ```
    /// use reactive_state::Path;
    /// assert!(Path::root().is_root());
    /// ```
    pub fn root() -> Path {
        Path {
            segments: Vec::new(),
        }
    }

    /// A path from segments.
    ///
    /// ```
    /// use reactive_state::{Path, Segment};
    /// let p = Path::from_segments([Segment::field("a"), Segment::Index(0)]);
    /// assert_eq!(p.to_string(), "/a/0");
    /// ```
    pub fn from_segments(segments: impl IntoIterator<Item = Segment>) -> Path {
        Path {
            segments: segments.into_iter().collect(),
        }
    }

    /// Parses a JSON Pointer: `""` is the root, otherwise each segment follows a `/`.
    ///
    /// # Errors
    /// [`PathError`] if the text does not start with `/` or has a bad `~` escape.
    ///
    /// ```
    /// use reactive_state::{Path, Segment};
    /// assert_eq!(Path::parse("/a~1b/~0")?.segments(), [Segment::field("a/b"), Segment::field("~")]);
    /// assert!(Path::parse("todos").is_err());
    /// # Ok::<(), reactive_state::PathError>(())
    /// ```
    pub fn parse(pointer: &str) -> Result<Path, PathError> {
        if pointer.is_empty() {
            return Ok(Path::root());
        }
        let Some(rest) = pointer.strip_prefix('/') else {
            return Err(PathError {
                pointer: pointer.to_owned(),
                reason: "a JSON Pointer starts with '/'",
            });
        };
        let mut segments = Vec::new();
        for token in rest.split('/') {
            segments.push(Segment::field(unescape(token).ok_or_else(|| {
                PathError {
                    pointer: pointer.to_owned(),
                    reason: "'~' must be followed by '0' or '1'",
                }
            })?));
        }
        Ok(Path { segments })
    }

    /// The segments, from the root down.
    ///
    /// ```
    /// use reactive_state::{path, Segment};
    /// assert_eq!(path!(a[1]).segments(), [Segment::field("a"), Segment::Index(1)]);
    /// ```
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Whether this is the root.
    ///
    /// ```
    /// use reactive_state::path;
    /// assert!(!path!(a).is_root());
    /// ```
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// Number of segments.
    ///
    /// ```
    /// use reactive_state::path;
    /// assert_eq!(path!(a.b[2]).len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.segments.len()
    }

    /// Whether this is the root (no segments).
    ///
    /// ```
    /// use reactive_state::Path;
    /// assert!(Path::root().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Appends a segment.
    ///
    /// ```
    /// use reactive_state::{Path, Segment};
    /// let mut p = Path::root();
    /// p.push(Segment::field("a"));
    /// assert_eq!(p.to_string(), "/a");
    /// ```
    pub fn push(&mut self, segment: Segment) {
        self.segments.push(segment);
    }

    /// Removes and returns the last segment.
    ///
    /// ```
    /// use reactive_state::{path, Segment};
    /// let mut p = path!(a.b);
    /// assert_eq!(p.pop(), Some(Segment::field("b")));
    /// ```
    pub fn pop(&mut self) -> Option<Segment> {
        self.segments.pop()
    }

    /// This path extended by one segment.
    ///
    /// ```
    /// use reactive_state::{path, Segment};
    /// assert_eq!(path!(todos).join(3usize), path!(todos[3]));
    /// ```
    pub fn join(&self, segment: impl Into<Segment>) -> Path {
        let mut p = self.clone();
        p.push(segment.into());
        p
    }

    /// This path followed by `other`.
    ///
    /// ```
    /// use reactive_state::path;
    /// assert_eq!(path!(a).concat(&path!(b[1])), path!(a.b[1]));
    /// ```
    pub fn concat(&self, other: &Path) -> Path {
        let mut p = self.clone();
        p.segments.extend(other.segments.iter().cloned());
        p
    }

    /// The parent path (`None` for the root).
    ///
    /// ```
    /// use reactive_state::path;
    /// assert_eq!(path!(a.b).parent(), Some(path!(a)));
    /// ```
    pub fn parent(&self) -> Option<Path> {
        let (_, init) = self.segments.split_last()?;
        Some(Path::from_segments(init.iter().cloned()))
    }

    /// Whether `prefix` is this path or one of its ancestors.
    ///
    /// ```
    /// use reactive_state::path;
    /// assert!(path!(todos[3].title).starts_with(&path!(todos)));
    /// assert!(!path!(todos).starts_with(&path!(todos[3])));
    /// ```
    pub fn starts_with(&self, prefix: &Path) -> bool {
        self.segments.starts_with(&prefix.segments)
    }
}

fn unescape(token: &str) -> Option<String> {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

fn write_escaped(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    for c in text.chars() {
        match c {
            '~' => f.write_str("~0")?,
            '/' => f.write_str("~1")?,
            c => fmt::Write::write_char(f, c)?,
        }
    }
    Ok(())
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.segments {
            f.write_str("/")?;
            match s {
                Segment::Field(k) | Segment::Key(k) => write_escaped(f, k)?,
                Segment::Index(i) => write!(f, "{i}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Path({:?})", self.to_string())
    }
}

impl FromStr for Path {
    type Err = PathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Path::parse(s)
    }
}

impl Serialize for Path {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Path {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<str>::deserialize(deserializer)?;
        Path::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A path that is not a valid JSON Pointer.
///
/// ```
/// use reactive_state::Path;
/// let err = Path::parse("/a~2").unwrap_err();
/// assert!(err.to_string().contains("/a~2"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid path {pointer:?}: {reason}")]
pub struct PathError {
    /// The text that was parsed.
    pub pointer: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// Builds a [`Path`] from Rust-like syntax: `path!(todos[3].title)`. Identifiers are keys;
/// brackets hold an index (`usize`) or a key (`&'static str`, `String`, [`Segment`]).
///
/// ```
/// use reactive_state::path;
/// let i = 5;
/// assert_eq!(path!(todos[i].title).to_string(), "/todos/5/title");
/// assert_eq!(path!(users["ada"]).to_string(), "/users/ada");
/// assert!(path!().is_root());
/// ```
#[macro_export]
macro_rules! path {
    () => { $crate::Path::root() };
    ($($rest:tt)+) => {{
        let mut path = $crate::Path::root();
        $crate::__path_push!(path; $($rest)+);
        path
    }};
}

/// Implementation detail of [`path!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __path_push {
    ($p:ident;) => {};
    ($p:ident; . $key:ident $($rest:tt)*) => {
        $p.push($crate::Segment::field(stringify!($key)));
        $crate::__path_push!($p; $($rest)*);
    };
    ($p:ident; $key:ident $($rest:tt)*) => {
        $p.push($crate::Segment::field(stringify!($key)));
        $crate::__path_push!($p; $($rest)*);
    };
    ($p:ident; [$seg:expr] $($rest:tt)*) => {
        $p.push($crate::IntoSegment::into_segment($seg));
        $crate::__path_push!($p; $($rest)*);
    };
}

/// One step of a [`PathPattern`].
///
/// ```
/// use reactive_state::{PathPattern, PatternSegment, Segment};
/// let p = PathPattern::parse("/todos/*")?;
/// assert_eq!(p.segments(), [PatternSegment::Exact(Segment::field("todos")), PatternSegment::Any]);
/// # Ok::<(), reactive_state::PathError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum PatternSegment {
    /// Matches exactly this segment.
    Exact(Segment),
    /// Matches any one segment (`*`).
    Any,
}

/// A path in which a `*` segment matches any one key or index: `/todos/*/title`.
///
/// ```
/// use reactive_state::{path, PathPattern};
/// let p = PathPattern::parse("/todos/*/title")?;
/// assert!(p.matches(&path!(todos[3].title)));
/// assert!(!p.matches(&path!(todos[3].done)));
/// # Ok::<(), reactive_state::PathError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct PathPattern {
    segments: Vec<PatternSegment>,
}

impl PathPattern {
    /// Parses a JSON Pointer in which a segment that is exactly `*` is a wildcard.
    ///
    /// # Errors
    /// [`PathError`] as for [`Path::parse`].
    ///
    /// ```
    /// use reactive_state::PathPattern;
    /// assert_eq!(PathPattern::parse("/a/*")?.to_string(), "/a/*");
    /// # Ok::<(), reactive_state::PathError>(())
    /// ```
    pub fn parse(pattern: &str) -> Result<PathPattern, PathError> {
        let path = Path::parse(pattern)?;
        Ok(PathPattern {
            segments: path
                .segments
                .into_iter()
                .map(|s| match s.as_name() {
                    Some("*") => PatternSegment::Any,
                    _ => PatternSegment::Exact(s),
                })
                .collect(),
        })
    }

    /// The segments of the pattern.
    ///
    /// ```
    /// use reactive_state::{PathPattern, PatternSegment};
    /// assert_eq!(PathPattern::parse("/*")?.segments(), [PatternSegment::Any]);
    /// # Ok::<(), reactive_state::PathError>(())
    /// ```
    pub fn segments(&self) -> &[PatternSegment] {
        &self.segments
    }

    /// Whether `path` matches the whole pattern.
    ///
    /// ```
    /// use reactive_state::{path, PathPattern};
    /// assert!(PathPattern::from(path!(a)).matches(&path!(a)));
    /// ```
    pub fn matches(&self, path: &Path) -> bool {
        path.len() == self.segments.len()
            && self
                .segments
                .iter()
                .zip(path.segments())
                .all(|(p, s)| match p {
                    PatternSegment::Any => true,
                    PatternSegment::Exact(e) => e == s,
                })
    }
}

impl From<Path> for PathPattern {
    fn from(path: Path) -> Self {
        PathPattern {
            segments: path
                .segments
                .into_iter()
                .map(PatternSegment::Exact)
                .collect(),
        }
    }
}

impl fmt::Display for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.segments {
            f.write_str("/")?;
            match s {
                PatternSegment::Any => f.write_str("*")?,
                PatternSegment::Exact(Segment::Field(k) | Segment::Key(k)) => write_escaped(f, k)?,
                PatternSegment::Exact(Segment::Index(i)) => write!(f, "{i}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_text_round_trips_with_escapes() {
        let p = Path::from_segments([
            Segment::field("a/b~c"),
            Segment::Index(10),
            Segment::field(""),
        ]);
        let text = p.to_string();
        assert_eq!(text, "/a~1b~0c/10/");
        assert_eq!(Path::parse(&text), Ok(p));
    }

    #[test]
    fn leading_zero_keys_stay_keys() {
        assert_eq!(Segment::field("01"), Segment::Field("01".into()));
        assert_eq!(Segment::field("0"), Segment::Index(0));
        assert_eq!(Segment::field("-1"), Segment::Field("-1".into()));
    }

    #[test]
    fn a_huge_number_is_a_key_not_an_overflow() {
        let big = "99999999999999999999999999";
        assert_eq!(Segment::field(big), Segment::Field(big.into()));
    }
}
