//! The per-environment state lock of the SQLite store.
//!
//! The lock itself is an OS file lock (`flock`, via `File::try_lock`) on a sibling file,
//! `<database>.<env>.lock`, held by the `StateLock` guard. The kernel releases it when the
//! holder's process dies in any way (including `kill -9`), so a crashed apply never leaves an
//! environment locked. Who holds it is recorded in the `locks` table (and, as a fallback for
//! the instant between taking the lock and writing that row, in the lock file itself).
//!
//! `force_unlock` cannot take an OS lock away from a live process; it deletes the holder's row
//! and unlinks the lock file, so the next locker creates and locks a fresh file. A locker that
//! locked the old, unlinked file notices (the path no longer names the file it holds) and starts
//! over. The old holder is not stopped: as with Terraform, force-unlock is for a holder that is
//! stuck, not for one that is working.

use std::ffi::OsString;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::{params, OptionalExtension};

use super::{relock, write_with, Inner};
use crate::error::StateError;
use crate::ids::{new_uuid, Timestamp};
use crate::store::{LockInfo, StateLock};

/// How long to sleep between attempts while another process holds the lock.
const RETRY: Duration = Duration::from_millis(100);

/// `<database>.<env>.lock`, next to the database.
pub(super) fn lock_path(db: &Path, env: &str) -> PathBuf {
    let mut name: OsString = db.as_os_str().to_os_string();
    name.push(format!(".{env}.lock"));
    PathBuf::from(name)
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StateError {
    let path = path.to_path_buf();
    move |source| StateError::Io {
        action,
        path,
        source,
    }
}

/// How long a contender waits for a new holder to record who it is.
const HOLDER_GRACE: Duration = Duration::from_secs(2);

pub(super) fn lock(
    inner: &Arc<Inner>,
    env: &str,
    mut info: LockInfo,
    timeout: Duration,
) -> Result<StateLock, StateError> {
    let path = lock_path(&inner.path, env);
    let deadline = Instant::now() + timeout;
    loop {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io("open the lock file", &path))?;
        match file.try_lock() {
            Ok(()) => {
                if !still_named(&file, &path) {
                    // Force-unlocked (unlinked) while we were getting it: lock the new file.
                    continue;
                }
                info.id = new_uuid();
                info.pid = std::process::id();
                info.since = Timestamp::now();
                record_holder(inner, env, &info, &file, &path)?;
                let (inner, env_name, id) = (Arc::clone(inner), env.to_string(), info.id.clone());
                let release = move || {
                    let forgotten = write_with(&inner, "", |db| {
                        db.conn
                            .execute(
                                "DELETE FROM locks WHERE environment = ?1 AND id = ?2",
                                params![env_name, id],
                            )
                            .map_err(StateError::db("releasing the state lock"))
                    });
                    // Forget the holder in the file too, so nobody reads a released lock's
                    // holder back; closing the file then releases the OS lock.
                    let _ = file.set_len(0);
                    drop(file);
                    forgotten.map(|_| ())
                };
                return Ok(StateLock::new(env, info, Box::new(release)));
            }
            Err(TryLockError::WouldBlock) => {
                let now = Instant::now();
                if now >= deadline {
                    // The holder records itself right after it takes the OS lock: give it a
                    // moment, so the error can name it.
                    let mut found = holder(inner, env, &path)?;
                    let grace = Instant::now() + HOLDER_GRACE;
                    while found.is_none() && Instant::now() < grace {
                        std::thread::sleep(RETRY);
                        found = holder(inner, env, &path)?;
                    }
                    let holder = found.unwrap_or_else(|| unknown_holder(&path));
                    return Err(StateError::Locked {
                        env: env.to_string(),
                        holder: Box::new(holder),
                    });
                }
                std::thread::sleep(RETRY.min(deadline - now));
            }
            Err(TryLockError::Error(e)) => return Err(io("lock", &path)(e)),
        }
    }
}

/// Whether `path` still names the file we hold open.
#[cfg(unix)]
fn still_named(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn still_named(_file: &File, path: &Path) -> bool {
    path.exists()
}

fn record_holder(
    inner: &Inner,
    env: &str,
    info: &LockInfo,
    mut file: &File,
    path: &Path,
) -> Result<(), StateError> {
    write_with(inner, "", |db| {
        db.conn
            .execute(
                "INSERT OR REPLACE INTO locks (environment, id, who, host, pid, operation, since, info)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![env, info.id, info.who, info.host, info.pid, info.operation, info.since.unix_millis, info.info],
            )
            .map_err(StateError::db("recording the state lock holder"))
    })?;
    let text = serde_json::json!({
        "id": info.id, "operation": info.operation, "who": info.who, "host": info.host,
        "pid": info.pid, "since": info.since.unix_millis, "info": info.info,
    })
    .to_string();
    file.set_len(0).map_err(io("write", path))?;
    file.write_all(text.as_bytes()).map_err(io("write", path))?;
    Ok(())
}

/// The recorded holder: the `locks` row, else what the lock file says.
fn holder(inner: &Inner, env: &str, path: &Path) -> Result<Option<LockInfo>, StateError> {
    let row = {
        let conn = relock(&inner.writer);
        conn.query_row(
            "SELECT id, who, host, pid, operation, since, info FROM locks WHERE environment = ?1",
            [env],
            |r| {
                Ok(LockInfo {
                    id: r.get(0)?,
                    who: r.get(1)?,
                    host: r.get(2)?,
                    pid: r.get(3)?,
                    operation: r.get(4)?,
                    since: Timestamp::from_millis(r.get(5)?),
                    info: r.get(6)?,
                })
            },
        )
        .optional()
        .map_err(StateError::db("reading the state lock holder"))?
    };
    if row.is_some() {
        return Ok(row);
    }
    Ok(std::fs::read(path)
        .ok()
        .and_then(|bytes| holder_from_file(&bytes)))
}

fn holder_from_file(bytes: &[u8]) -> Option<LockInfo> {
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    Some(LockInfo {
        id: s("id")?,
        operation: s("operation").unwrap_or_default(),
        who: s("who").unwrap_or_default(),
        host: s("host").unwrap_or_default(),
        pid: v
            .get("pid")
            .and_then(|p| p.as_u64())
            .and_then(|p| u32::try_from(p).ok())
            .unwrap_or(0),
        since: Timestamp::from_millis(v.get("since").and_then(|t| t.as_i64()).unwrap_or(0)),
        info: s("info").unwrap_or_default(),
    })
}

fn unknown_holder(path: &Path) -> LockInfo {
    LockInfo {
        id: "unknown".into(),
        operation: "unknown".into(),
        who: "unknown".into(),
        host: "unknown".into(),
        pid: 0,
        since: Timestamp::default(),
        info: format!(
            "the holder has not recorded itself yet in `{}`",
            path.display()
        ),
    }
}

pub(super) fn force_unlock(inner: &Arc<Inner>, env: &str, id: &str) -> Result<(), StateError> {
    let path = lock_path(&inner.path, env);
    let Some(current) = holder(inner, env, &path)? else {
        return Err(StateError::NotLocked {
            env: env.to_string(),
        });
    };
    if current.id != id {
        return Err(StateError::LockIdMismatch {
            env: env.into(),
            given: id.into(),
            holder: Box::new(current),
        });
    }
    write_with(inner, "", |db| {
        db.conn
            .execute(
                "DELETE FROM locks WHERE environment = ?1 AND id = ?2",
                params![env, id],
            )
            .map_err(StateError::db("removing the state lock holder"))
    })?;
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io("remove", &path)(e)),
        _ => Ok(()),
    }
}
