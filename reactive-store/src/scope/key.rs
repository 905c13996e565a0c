//! [`Key`]: the typed name of a scope value, declared once as a constant.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// The name of a scope value together with its type: declare it once, as a constant, and every
/// [`set`](crate::Scope::set), [`get`](crate::Scope::get), [`provide`](crate::Scope::provide)
/// and [`remove`](crate::Scope::remove) through it agrees on the type without a turbofish.
///
/// The key's name is the string the value is stored under: it is what a saved file
/// ([`ScopeSnapshot`](crate::ScopeSnapshot)) and the views
/// ([`Scope::render_text`](crate::Scope::render_text)) show, and what a restored value is found
/// by. Two keys with the same name and different types
/// name the same slot; reading it as the wrong type is a
/// [`ScopeError::TypeMismatch`](crate::ScopeError::TypeMismatch).
///
/// Names are `&'static str` so that a key is `Copy` and costs nothing to pass. A name known only
/// at run time can be made `'static` with `Box::leak(name.into_boxed_str())`, once per name.
///
/// ```
/// use reactive_store::{Key, Scope};
///
/// #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// enum Theme { Dark, Light }
///
/// const THEME: Key<Theme> = Key::new("theme");
///
/// let app = Scope::root("app")?;
/// app.set(THEME, Theme::Dark)?;
/// assert_eq!(app.child("editor")?.get(THEME)?, Some(Theme::Dark));
/// assert_eq!(THEME.name(), "theme");
/// # Ok::<(), reactive_store::ScopeError>(())
/// ```
pub struct Key<T> {
    name: &'static str,
    _type: PhantomData<fn() -> T>,
}

impl<T> Key<T> {
    /// A key named `name`.
    ///
    /// # Panics
    /// If `name` is empty, contains `/` (the path separator) or a control character. In a
    /// `const` item that is a compile error.
    ///
    /// ```
    /// use reactive_store::Key;
    /// const ZOOM: Key<f64> = Key::new("zoom");
    /// assert_eq!(ZOOM.name(), "zoom");
    /// ```
    #[track_caller]
    pub const fn new(name: &'static str) -> Key<T> {
        if let Some(reason) = name_problem(name) {
            panic!("{}", reason);
        }
        Key {
            name,
            _type: PhantomData,
        }
    }

    /// The name the value is stored (and saved) under.
    ///
    /// ```
    /// use reactive_store::Key;
    /// assert_eq!(Key::<u8>::new("n").name(), "n");
    /// ```
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

/// Why `name` cannot name a key, checked at compile time for constants (the rules of
/// `registry::check_name`, in a `const fn`).
const fn name_problem(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    if bytes.is_empty() {
        return Some("reactive-store: Key::new: a key name must not be empty");
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'/' {
            return Some("reactive-store: Key::new: a key name must not contain '/'");
        }
        // C0 controls and DEL; C1 controls (U+0080..=U+009F) are 0xC2 0x80..=0x9F in UTF-8.
        let c1 = b == 0xC2 && i + 1 < bytes.len() && bytes[i + 1] >= 0x80 && bytes[i + 1] <= 0x9F;
        if b < 0x20 || b == 0x7F || c1 {
            return Some(
                "reactive-store: Key::new: a key name must not contain control characters",
            );
        }
        i += 1;
    }
    None
}

impl<T> Clone for Key<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Key<T> {}

impl<T> PartialEq for Key<T> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl<T> Eq for Key<T> {}

impl<T> Hash for Key<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl<T> fmt::Debug for Key<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key<{}>({:?})", std::any::type_name::<T>(), self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::registry::check_name;

    #[test]
    fn the_const_name_check_agrees_with_the_registry_check() {
        for name in [
            "",
            "a/b",
            "tab\there",
            "del\u{7f}",
            "c1\u{85}x",
            "ok",
            "é",
            "a.b",
            "✓",
        ] {
            assert_eq!(
                name_problem(name).is_none(),
                check_name(name).is_ok(),
                "{name:?}"
            );
        }
    }

    #[test]
    #[should_panic(expected = "must not contain '/'")]
    fn a_key_name_with_a_slash_panics_at_the_call_site() {
        let _ = Key::<u8>::new("a/b");
    }
}
