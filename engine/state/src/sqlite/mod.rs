//! The SQLite state store: one database file (the CLI puts it at `.infra/state.db`) holding the
//! state of every environment, every version of it, open intents and lock holders.
//!
//! # Schema (version 1; see `schema.rs` for the SQL)
//!
//! | table | one row per | holds |
//! |---|---|---|
//! | `meta` | setting | `schema_version`; `database_id` (random; seeds the lineage of environments not yet written) |
//! | `environments` | environment | `name`, `lineage`, current `serial` |
//! | `instances` | current resource instance (`env_id`, `address`) | identity columns, `provider`, `attributes`/`sensitive_attributes`/`dependencies` as JSON, flags, the `serial` that wrote it |
//! | `outputs` | current root output | `value` and `type` JSON, `sensitive` |
//! | `versions` | serial of an environment | `time`, `operation`, `who` (`user@host`), `lineage`, `note` |
//! | `changes` | subject changed by a version (`kind` `instance`/`output`, `address`) | `before` and `after` JSON (null when absent) |
//! | `intents` | change about to be sent to a provider | `address`, `action`, `marker`, `planned` JSON, `created`, `resolved` |
//! | `locks` | locked environment | holder `id`, `who`, `host`, `pid`, `operation`, `since`, `info` |
//!
//! Invariants, each kept by doing every change in one SQLite transaction: an environment's
//! `serial` equals its number of `versions`; every current row equals the `after` of the latest
//! change to its subject (and a subject whose latest `after` is null has no row). History is
//! append-only: rollback adds a version. Times are Unix milliseconds.
//!
//! # Concurrency
//! Writes go through one connection behind a mutex (in-process writers queue without sleeping;
//! other processes wait on SQLite's busy timeout); reads use a small pool of connections, so they
//! run alongside writes (WAL). Each write is `BEGIN IMMEDIATE` … `COMMIT` with
//! `synchronous=NORMAL`: durable against the process being killed (the crash-safety promise),
//! not against power loss, which can lose the last changes but never corrupts the database.
//! Every write is an indexed single-row operation on its subject: its cost does not grow with
//! the number of instances (`tests/perf.rs` checks the ratio). With `synchronous=FULL` a change
//! cost about 5 ms on the development VM, almost all of it the fsync; one shared writer beats a
//! connection per call.
//!
//! # Locks
//! See `lock.rs`: an OS file lock per environment (released by the kernel if the holder dies),
//! with the holder's details in the `locks` table.
//!
//! This module must not interpret attributes, talk to providers, or print.

mod lock;
mod read;
mod schema;
mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde_json::Value;

use crate::error::StateError;
use crate::model::{OutputValue, StateSnapshot};
use crate::store::{
    Change, Intent, IntentRow, LockInfo, StateLock, StateStore, VersionChange, VersionRow,
};

pub use schema::SCHEMA_VERSION;

/// How many idle read connections are kept.
const READ_POOL: usize = 4;

/// The state store in one SQLite database file. Cheap to clone; usable from many threads.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
    who: String,
}

struct Inner {
    path: PathBuf,
    /// Seeds the lineage of environments not yet written (see `Db::pending_lineage`).
    database_id: String,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.inner.path)
            .field("who", &self.who)
            .finish()
    }
}

/// A poisoned mutex only means another thread panicked while holding it; its SQLite
/// transaction was rolled back when dropped, so the connection is fine to reuse.
fn relock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl SqliteStore {
    /// Opens the database at `path`, creating it (and its directory) if it does not exist.
    /// A file that is not a usable infra state database gives [`StateError::Corrupt`] and is
    /// left untouched; a newer schema gives [`StateError::NewerSchema`].
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StateError> {
        let path = path.as_ref().to_path_buf();
        schema::prepare(&path)?;
        let writer = schema::open_read_write(&path)?;
        let database_id = schema::database_id(&writer)?;
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                path,
                database_id,
                writer: Mutex::new(writer),
                readers: Mutex::new(Vec::new()),
            }),
            who: crate::ids::who(),
        })
    }

    /// Records `who` (rather than this process's `user@host`) in the versions this handle writes.
    pub fn with_who(mut self, who: impl Into<String>) -> SqliteStore {
        self.who = who.into();
        self
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Reads every page of the database and checks its structure (`PRAGMA quick_check`): slow
    /// on a large database, so not done on open; for `infra state check`-style commands.
    pub fn integrity_check(&self) -> Result<(), StateError> {
        let problems: Vec<String> = self.read(|db| {
            db.conn
                .prepare("PRAGMA quick_check")
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                .map_err(StateError::db("checking the database"))
        })?;
        match problems.as_slice() {
            [ok] if ok == "ok" => Ok(()),
            _ => Err(StateError::Corrupt {
                path: self.inner.path.clone(),
                reason: problems.join("; "),
            }),
        }
    }

    /// Runs `f` in a read transaction (a consistent snapshot) on a pooled connection.
    fn read<T>(&self, f: impl FnOnce(&Db<'_>) -> Result<T, StateError>) -> Result<T, StateError> {
        let pooled = relock(&self.inner.readers).pop();
        let mut conn = match pooled {
            Some(c) => c,
            None => schema::open_read_write(&self.inner.path)?,
        };
        let result = {
            let tx = conn
                .transaction()
                .map_err(StateError::db("starting a read"))?;
            let out = f(&Db {
                conn: &tx,
                path: &self.inner.path,
                database_id: &self.inner.database_id,
                who: &self.who,
            });
            // Nothing was written; ending the read cannot lose anything.
            let _ = tx.finish();
            out.map_err(|e| damaged(&self.inner.path, e))
        };
        let mut pool = relock(&self.inner.readers);
        if pool.len() < READ_POOL {
            pool.push(conn);
        }
        result
    }

    /// Runs `f` in one write transaction (`BEGIN IMMEDIATE`), committed only if `f` succeeds.
    fn write<T>(&self, f: impl FnOnce(&Db<'_>) -> Result<T, StateError>) -> Result<T, StateError> {
        write_with(&self.inner, &self.who, f)
    }
}

fn write_with<T>(
    inner: &Inner,
    who: &str,
    f: impl FnOnce(&Db<'_>) -> Result<T, StateError>,
) -> Result<T, StateError> {
    let mut conn = relock(&inner.writer);
    let tx: Transaction<'_> = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StateError::db("starting a write"))?;
    let out = f(&Db {
        conn: &tx,
        path: &inner.path,
        database_id: &inner.database_id,
        who,
    })
    .map_err(|e| damaged(&inner.path, e))?;
    tx.commit()
        .map_err(StateError::db("committing a write"))
        .map_err(|e| damaged(&inner.path, e))?;
    Ok(out)
}

/// SQLite's "damaged" answers become [`StateError::Corrupt`], naming the file.
fn damaged(path: &Path, e: StateError) -> StateError {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    match e {
        StateError::Database { context, source }
            if matches!(
                source.sqlite_error_code(),
                Some(DatabaseCorrupt | NotADatabase)
            ) =>
        {
            StateError::Corrupt {
                path: path.to_path_buf(),
                reason: format!("SQLite reports it damaged while {context} ({source})"),
            }
        }
        other => other,
    }
}

/// A connection inside a transaction, with what the queries need to report errors.
struct Db<'a> {
    conn: &'a Connection,
    path: &'a Path,
    database_id: &'a str,
    who: &'a str,
}

impl Db<'_> {
    /// The lineage an environment gets at its first write, already known before it: derived
    /// from the database's identity and the name, so a plan made against an environment without
    /// state still matches when it is applied.
    fn pending_lineage(&self, env: &str) -> String {
        crate::ids::derived_uuid(self.database_id, env)
    }

    fn corrupt(&self, reason: impl Into<String>) -> StateError {
        StateError::Corrupt {
            path: self.path.to_path_buf(),
            reason: reason.into(),
        }
    }
}

/// Environment names double as part of the lock file's name: keep them plain.
fn check_env(env: &str) -> Result<(), StateError> {
    let ok = !env.is_empty()
        && env.len() <= 64
        && env
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && env
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(StateError::InvalidEnvironment(env.to_string()))
    }
}

impl StateStore for SqliteStore {
    fn environments(&self) -> Result<Vec<String>, StateError> {
        self.read(|db| db.environments())
    }

    fn load(&self, env: &str) -> Result<StateSnapshot, StateError> {
        check_env(env)?;
        self.read(|db| db.load(env))
    }

    fn lock(&self, env: &str, info: LockInfo, timeout: Duration) -> Result<StateLock, StateError> {
        check_env(env)?;
        lock::lock(&self.inner, env, info, timeout)
    }

    fn force_unlock(&self, env: &str, id: &str) -> Result<(), StateError> {
        check_env(env)?;
        lock::force_unlock(&self.inner, env, id)
    }

    fn begin_intent(&self, env: &str, intent: Intent) -> Result<i64, StateError> {
        check_env(env)?;
        self.write(|db| db.begin_intent(env, &intent))
    }

    fn commit_change(&self, env: &str, change: Change) -> Result<u64, StateError> {
        check_env(env)?;
        self.write(|db| db.commit_change(env, &change))
    }

    fn set_outputs(
        &self,
        env: &str,
        outputs: BTreeMap<String, OutputValue>,
    ) -> Result<u64, StateError> {
        check_env(env)?;
        self.write(|db| db.set_outputs(env, &outputs))
    }

    fn open_intents(&self, env: &str) -> Result<Vec<IntentRow>, StateError> {
        check_env(env)?;
        self.read(|db| db.open_intents(env))
    }

    fn resolve_intent(&self, env: &str, id: i64) -> Result<(), StateError> {
        check_env(env)?;
        self.write(|db| {
            let row = db
                .find_env(env)?
                .ok_or_else(|| StateError::IntentNotFound {
                    env: env.into(),
                    id,
                })?;
            db.resolve_intent(env, &row, id)
        })
    }

    fn history(&self, env: &str) -> Result<Vec<VersionRow>, StateError> {
        check_env(env)?;
        self.read(|db| db.history(env))
    }

    fn version_changes(&self, env: &str, serial: u64) -> Result<Vec<VersionChange>, StateError> {
        check_env(env)?;
        self.read(|db| db.version_changes(env, serial))
    }

    fn snapshot_at(&self, env: &str, serial: u64) -> Result<StateSnapshot, StateError> {
        check_env(env)?;
        self.read(|db| db.snapshot_at(env, serial))
    }

    fn rollback(&self, env: &str, serial: u64) -> Result<u64, StateError> {
        check_env(env)?;
        self.write(|db| db.rollback(env, serial))
    }

    fn remove(&self, env: &str, address: &str) -> Result<u64, StateError> {
        check_env(env)?;
        self.write(|db| db.remove(env, address))
    }

    fn move_instance(&self, env: &str, from: &str, to: &str) -> Result<u64, StateError> {
        check_env(env)?;
        self.write(|db| db.move_instance(env, from, to))
    }

    fn replace_all(
        &self,
        env: &str,
        snapshot: StateSnapshot,
        operation: &str,
    ) -> Result<u64, StateError> {
        check_env(env)?;
        self.write(|db| db.replace_all(env, &snapshot, operation))
    }

    fn export(&self, env: &str) -> Result<Value, StateError> {
        Ok(crate::json::to_json(&self.load(env)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_names_are_plain() {
        for ok in ["default", "prod", "dr-eu_2", "0"] {
            assert!(check_env(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-x", "a/b", "a.b", "../x", "é", &"x".repeat(65)] {
            assert!(check_env(bad).is_err(), "{bad}");
        }
    }
}
