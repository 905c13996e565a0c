//! Reading and writing scope values: setting and removing a scope's own values (and
//! invalidating the lookup caches below it), and inherited, tracked reads through the nearest
//! provider. Keys arrive here as their names: the typing is done by [`Key`](super::Key).

use std::rc::Rc;

use reactive_core::{Signal, batch};
use serde::de::DeserializeOwned;

use super::Scope;
use super::error::ScopeError;
use super::policy::Action;
use super::registry::{ScopeKey, disposed, with_registry};
use super::value::Slot;

pub(super) fn write(scope: Scope, key: &'static str, slot: Slot) -> Result<(), ScopeError> {
    let mut slot = Some(slot);
    let existing = with_registry(|r| -> Result<_, ScopeError> {
        r.check(scope.key, scope.principal, Action::Write, Some(key))?;
        let data = &mut r.scopes[scope.key];
        if let Some(signal) = data.values.get(key) {
            return Ok(Ok(*signal));
        }
        let value = slot.take().expect("slot is taken once");
        let signal = data.owner.run_in(|| Signal::new(value));
        data.values.insert(Rc::from(key), signal);
        Ok(Err(r.invalidate(scope.key, key)))
    })?;
    match existing {
        // Replacing the value drops the old one inside the engine, outside the registry.
        Ok(signal) => signal.set(slot.take().expect("slot still here")),
        Err(triggers) => notify(triggers),
    }
    Ok(())
}

pub(super) fn remove(scope: Scope, key: &str) -> Result<bool, ScopeError> {
    let removed = with_registry(|r| -> Result<_, ScopeError> {
        r.check(scope.key, scope.principal, Action::Write, Some(key))?;
        let Some(signal) = r.scopes[scope.key].values.remove(key) else {
            return Ok(None);
        };
        Ok(Some((signal, r.invalidate(scope.key, key))))
    })?;
    let Some((signal, triggers)) = removed else {
        return Ok(false);
    };
    notify(triggers);
    signal.dispose();
    Ok(true)
}

/// Finds the provider of `key` (checking read access) and tracks its resolution.
fn resolve(
    scope: Scope,
    key: &str,
    track: bool,
) -> Result<Option<(ScopeKey, Signal<Slot>)>, ScopeError> {
    let (found, trigger) = with_registry(|r| {
        r.check(scope.key, scope.principal, Action::Read, Some(key))?;
        let found = r.lookup(scope.key, key);
        let trigger = if track {
            r.trigger(scope.key, key)
        } else {
            None
        };
        Ok::<_, ScopeError>((found, trigger))
    })?;
    if let Some(t) = trigger {
        t.track();
    }
    Ok(found)
}

/// Reads a data value as a `T` (decoding restored JSON on first read), through `f`.
pub(super) fn read<T: DeserializeOwned + 'static, R>(
    scope: Scope,
    key: &str,
    track: bool,
    f: impl FnOnce(&T) -> R,
) -> Result<Option<R>, ScopeError> {
    let Some((provider, signal)) = resolve(scope, key, track)? else {
        return Ok(None);
    };
    let read = |slot: &Slot| match slot {
        Slot::Typed(v) => match v.value().downcast_ref::<T>() {
            Some(v) => Ok(f(v)),
            None => Err(v.type_name().to_string()),
        },
        Slot::Raw { .. } => {
            let value = slot.read::<T>()?;
            match value.downcast_ref::<T>() {
                Some(v) => Ok(f(v)),
                None => Err(slot.type_name().to_string()),
            }
        }
    };
    let result = match track {
        true => signal.try_with(read),
        false => signal.try_with_untracked(read),
    };
    match result {
        Ok(Ok(r)) => Ok(Some(r)),
        Ok(Err(found)) => Err(mismatch::<T>(provider, key, found)),
        // The provider was disposed while we looked.
        Err(_) => Err(disposed(provider)),
    }
}

/// Reads a provided value (or a data value already read as a `T`), tracked.
pub(super) fn get_provided<T: Clone + 'static>(
    scope: Scope,
    key: &str,
) -> Result<Option<T>, ScopeError> {
    let Some((provider, signal)) = resolve(scope, key, true)? else {
        return Ok(None);
    };
    signal
        .with(|slot| match slot {
            Slot::Typed(v) => v
                .value()
                .downcast_ref::<T>()
                .cloned()
                .ok_or(slot.type_name()),
            Slot::Raw { decoded, .. } => decoded
                .borrow()
                .as_ref()
                .and_then(|(_, v)| v.downcast_ref::<T>().cloned())
                .ok_or(slot.type_name()),
        })
        .map(Some)
        .map_err(|found| mismatch::<T>(provider, key, found.to_string()))
}

pub(super) fn provider_of(scope: Scope, key: &str) -> Result<Option<Scope>, ScopeError> {
    Ok(resolve(scope, key, true)?.map(|(provider, _)| scope.with_key(provider)))
}

pub(super) fn own_keys(scope: Scope) -> Result<Vec<String>, ScopeError> {
    with_registry(|r| {
        r.check(scope.key, scope.principal, Action::Read, None)?;
        let mut keys: Vec<String> = r.scopes[scope.key]
            .values
            .keys()
            .map(|k| k.to_string())
            .collect();
        keys.sort();
        Ok(keys)
    })
}

/// Notifies resolution triggers, in one batch.
pub(super) fn notify(triggers: Vec<Signal<()>>) {
    if triggers.is_empty() {
        return;
    }
    batch(|| {
        for t in triggers {
            if !t.is_disposed() {
                t.notify();
            }
        }
    });
}

fn mismatch<T>(provider: ScopeKey, key: &str, found: String) -> ScopeError {
    ScopeError::TypeMismatch {
        scope: with_registry(|r| r.path(provider)),
        key: key.to_owned(),
        expected: std::any::type_name::<T>(),
        found,
    }
}
