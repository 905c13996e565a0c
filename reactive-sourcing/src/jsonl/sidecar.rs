//! Small keyed files beside the log (snapshots, checkpoints): checksummed lines appended with
//! `fsync`, the last line of a key wins, rewritten when mostly stale.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Damage, EventStoreError, Position};
use crate::line::{self, Lines};

#[derive(Serialize, Deserialize)]
struct SidecarLine<K, V> {
    key: K,
    value: V,
}

/// A keyed sidecar file.
#[derive(Debug)]
pub(crate) struct Sidecar<V> {
    path: PathBuf,
    entries: HashMap<String, V>,
    /// Lines in the file (stale ones included).
    lines: usize,
}

impl<V: Serialize + DeserializeOwned + Clone> Sidecar<V> {
    /// Loads `path` (missing means empty). A torn last line, left by a crash during a write
    /// that was never acknowledged, is cut off.
    pub(crate) fn open(path: PathBuf) -> Result<Self, EventStoreError> {
        let mut sidecar = Sidecar {
            path,
            entries: HashMap::new(),
            lines: 0,
        };
        let file = match File::open(&sidecar.path) {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(sidecar),
            Err(error) => return Err(EventStoreError::io(&sidecar.path, error)),
        };
        let mut lines = Lines::new(BufReader::new(file), 1, 0);
        let io = |error| EventStoreError::io(&sidecar.path, error);
        while let Some(raw) = lines.next_line().map_err(io)? {
            if !raw.complete {
                let file = OpenOptions::new()
                    .write(true)
                    .open(&sidecar.path)
                    .map_err(io)?;
                file.set_len(raw.offset).map_err(io)?;
                file.sync_all().map_err(io)?;
                break;
            }
            let entry: SidecarLine<String, V> =
                line::decode(&raw.bytes).map_err(|fault| EventStoreError::Corrupt {
                    path: Some(sidecar.path.clone()),
                    position: Position::Line {
                        line: raw.number,
                        byte_offset: raw.offset,
                    },
                    reason: format!(
                        "{fault} (this file only holds derived data: snapshots or checkpoints; \
                         it can be deleted)"
                    ),
                })?;
            sidecar.entries.insert(entry.key, entry.value);
            sidecar.lines += 1;
        }
        Ok(sidecar)
    }

    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        self.entries.get(key)
    }

    /// Stores `value` under `key`, durably.
    pub(crate) fn put(&mut self, key: &str, value: V) -> Result<(), EventStoreError> {
        let io = |error| EventStoreError::io(&self.path, error);
        let line = encode(key, &value)?;
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(io)?;
        file.write_all(&line).map_err(io)?;
        file.sync_data().map_err(io)?;
        self.entries.insert(key.to_owned(), value);
        self.lines += 1;
        if self.lines > 2 * self.entries.len() + 64 {
            self.rewrite()?;
        }
        Ok(())
    }

    /// Replaces the file by one line per key (write, fsync, rename, fsync the directory).
    fn rewrite(&mut self) -> Result<(), EventStoreError> {
        let mut contents = Vec::new();
        let mut keys: Vec<&String> = self.entries.keys().collect();
        keys.sort();
        for key in keys {
            contents.extend(encode(key, &self.entries[key])?);
        }
        replace_file(&self.path, &contents)?;
        self.lines = self.entries.len();
        Ok(())
    }
}

fn encode<V: Serialize>(key: &str, value: &V) -> Result<Vec<u8>, EventStoreError> {
    line::encode(&SidecarLine { key, value }).map_err(|error| EventStoreError::Encode {
        what: format!("the entry `{key}`"),
        reason: error.to_string(),
    })
}

/// Atomically replaces `path` with `contents`: a reader (or a crash) sees the old file or the
/// new one, never a mix.
pub(crate) fn replace_file(path: &Path, contents: &[u8]) -> Result<(), EventStoreError> {
    let temporary = sibling(path, "rewrite");
    let io = |error| EventStoreError::io(&temporary, error);
    let mut file = File::create(&temporary).map_err(io)?;
    file.write_all(contents).map_err(io)?;
    file.sync_all().map_err(io)?;
    drop(file);
    fs::rename(&temporary, path).map_err(|error| EventStoreError::io(path, error))?;
    sync_directory(path)
}

/// Loads the snapshot sidecar at `path`. A damaged one is not an error: snapshots are a cache,
/// so the file is renamed aside whole (to a fresh `<path>.damaged…`, never over another file)
/// and an empty sidecar is returned, with the damage found.
pub(crate) fn open_cache<V: Serialize + DeserializeOwned + Clone>(
    path: PathBuf,
) -> Result<(Sidecar<V>, Option<Damage>), EventStoreError> {
    let (position, reason) = match Sidecar::open(path.clone()) {
        Ok(sidecar) => return Ok((sidecar, None)),
        Err(EventStoreError::Corrupt {
            position, reason, ..
        }) => (position, reason),
        Err(other) => return Err(other),
    };
    // A placeholder reserves a name no earlier repair used; the rename replaces it atomically.
    let (placeholder, saved) = create_fresh(&path, "damaged")?;
    drop(placeholder);
    fs::rename(&path, &saved).map_err(|error| EventStoreError::io(&path, error))?;
    sync_directory(&path)?;
    let length = fs::metadata(&saved)
        .map_err(|error| EventStoreError::io(&saved, error))?
        .len();
    let damage = Damage {
        position,
        reason: format!(
            "the snapshot file was damaged ({reason}); it was set aside and aggregates load \
             from their events"
        ),
        set_aside: Some((saved, length)),
    };
    Ok((Sidecar::open(path)?, Some(damage)))
}

/// Creates `<path>.<suffix>`, or `<path>.<suffix>-2`, `-3`, … when that exists: never
/// overwrites a file, so bytes set aside by an earlier repair stay where they were put.
pub(crate) fn create_fresh(path: &Path, suffix: &str) -> Result<(File, PathBuf), EventStoreError> {
    let mut candidate = sibling(path, suffix);
    for attempt in 2..=u32::MAX {
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(file) => return Ok((file, candidate)),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                candidate = sibling(path, &format!("{suffix}-{attempt}"));
            }
            Err(error) => return Err(EventStoreError::io(&candidate, error)),
        }
    }
    Err(EventStoreError::io(
        candidate,
        std::io::Error::other("no free name to set damaged bytes aside"),
    ))
}

/// `path` with `.suffix` appended to its file name.
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(suffix);
    path.with_file_name(name)
}

/// Makes a rename durable by syncing the directory that holds `path` (a no-op where
/// directories cannot be opened, as on Windows).
pub(crate) fn sync_directory(path: &Path) -> Result<(), EventStoreError> {
    #[cfg(unix)]
    {
        let directory = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        File::open(directory)
            .and_then(|directory| directory.sync_all())
            .map_err(|error| EventStoreError::io(directory, error))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
