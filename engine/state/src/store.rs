//! The state-store contract (`StateStore`) and the values that cross it: lock holders and
//! guards, intents, changes and history rows. The SQLite store implements it today; an S3 store
//! can implement it later without the engine noticing.
//!
//! The trait is object safe (`Box<dyn StateStore>`, `Arc<dyn StateStore>`): no generic methods.
//! Every method is one atomic step: when it returns `Ok`, what it did is durable; when it fails,
//! nothing of it happened. This module defines behaviour, not storage.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde_json::Value;

use crate::error::StateError;
use crate::ids::Timestamp;
use crate::json::to_json;
use crate::model::{OutputValue, ResourceInstance, StateSnapshot};

/// Who holds (or wants) an environment's state lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockInfo {
    /// The lock's ID, set by the store when the lock is taken; `infra force-unlock ID` names it.
    pub id: String,
    /// What the holder is doing: `apply`, `plan`, `state mv`, ...
    pub operation: String,
    /// `user@host`.
    pub who: String,
    /// The holder's host name.
    pub host: String,
    /// The holder's process ID (set by the store).
    pub pid: u32,
    /// When the lock was taken (set by the store).
    pub since: Timestamp,
    /// Free text for humans (for example the plan file being applied); may be empty.
    pub info: String,
}

impl LockInfo {
    /// Lock info for this process doing `operation`; `who`, `host` and `pid` come from the
    /// process, `id` and `since` are set by the store.
    pub fn new(operation: impl Into<String>) -> LockInfo {
        LockInfo {
            id: String::new(),
            operation: operation.into(),
            who: crate::ids::who(),
            host: crate::ids::host_name(),
            pid: std::process::id(),
            since: Timestamp::now(),
            info: String::new(),
        }
    }
}

/// The release action of a held lock: set by the store that took it.
pub type ReleaseFn = Box<dyn FnOnce() -> Result<(), StateError> + Send + Sync>;

/// A held state lock. It is released by [`StateLock::unlock`] or when dropped; stores must also
/// make sure a lock does not outlive a killed holder.
pub struct StateLock {
    env: String,
    info: LockInfo,
    release: Option<ReleaseFn>,
}

impl StateLock {
    /// For store implementations: a guard that runs `release` once.
    pub fn new(env: impl Into<String>, info: LockInfo, release: ReleaseFn) -> StateLock {
        StateLock {
            env: env.into(),
            info,
            release: Some(release),
        }
    }

    pub fn environment(&self) -> &str {
        &self.env
    }

    pub fn info(&self) -> &LockInfo {
        &self.info
    }

    pub fn id(&self) -> &str {
        &self.info.id
    }

    /// Releases the lock now, reporting failure (dropping the guard releases it silently).
    pub fn unlock(mut self) -> Result<(), StateError> {
        match self.release.take() {
            Some(release) => release(),
            None => Ok(()),
        }
    }
}

impl Drop for StateLock {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            // Nothing to report to from a destructor; the lock cannot outlive the process anyway.
            let _ = release();
        }
    }
}

impl fmt::Debug for StateLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StateLock")
            .field("env", &self.env)
            .field("info", &self.info)
            .finish()
    }
}

/// What is about to be asked of a provider, recorded before asking (crash safety).
#[derive(Clone, Debug, PartialEq)]
pub struct Intent {
    /// The resource instance address.
    pub address: String,
    /// `create`, `update`, `delete`, `replace`, `read`, ... (the store does not interpret it).
    pub action: String,
    /// The idempotency marker given to the provider (client token, `infra:intent` tag).
    pub marker: String,
    /// The planned new value, or `null`.
    pub planned: Value,
}

/// A recorded intent.
#[derive(Clone, Debug, PartialEq)]
pub struct IntentRow {
    pub id: i64,
    pub environment: String,
    pub address: String,
    pub action: String,
    pub marker: String,
    pub planned: Value,
    pub created: Timestamp,
    /// When it was resolved; `None` while open.
    pub resolved: Option<Timestamp>,
}

/// One finished change to one resource instance.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub address: String,
    /// The new object; `None` when it was removed.
    pub new: Option<ResourceInstance>,
    /// The intent this change completes, resolved in the same transaction.
    pub intent: Option<i64>,
    /// Recorded in the history: `apply`, `import`, `refresh`, ...
    pub operation: String,
}

/// What a history entry changed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    /// A resource instance, by address.
    Instance(String),
    /// A root output, by name.
    Output(String),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Instance(a) => f.write_str(a),
            Subject::Output(n) => write!(f, "output.{n}"),
        }
    }
}

/// How a subject changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Create,
    Update,
    Delete,
}

/// One subject changed by a version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeSummary {
    pub subject: Subject,
    pub kind: ChangeKind,
}

/// One version of an environment's state: what one serial changed, when, why and by whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionRow {
    pub serial: u64,
    pub time: Timestamp,
    /// `apply`, `state rm`, `state mv`, `rollback`, `import`, `state push`, `outputs`, ...
    pub operation: String,
    /// `user@host`.
    pub who: String,
    /// The lineage after this version.
    pub lineage: String,
    /// Extra detail (`to serial 12` for a rollback); may be empty.
    pub note: String,
    pub changes: Vec<ChangeSummary>,
}

impl VersionRow {
    /// The single address this version changed, when it changed exactly one instance.
    pub fn address(&self) -> Option<&str> {
        match self.changes.as_slice() {
            [ChangeSummary {
                subject: Subject::Instance(a),
                ..
            }] => Some(a),
            _ => None,
        }
    }
}

/// One subject's before and after in a version (records in the version log's JSON form).
#[derive(Clone, Debug, PartialEq)]
pub struct VersionChange {
    pub subject: Subject,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// A place where each environment's state lives, with its lock, history and intents.
///
/// Environments come into existence with their first write; reading one that has none gives an
/// empty state: serial 0 and a new lineage, unique to this store and environment, that stays the
/// same until the first write adopts it (a plan made against the empty state must still match
/// when it is applied). Methods returning a serial return the environment's serial after the
/// call; a call that changes nothing returns the current serial and adds no version.
pub trait StateStore: Send + Sync {
    /// The environments that have a state, by name.
    fn environments(&self) -> Result<Vec<String>, StateError>;

    /// The current state of `env`.
    fn load(&self, env: &str) -> Result<StateSnapshot, StateError>;

    /// Takes `env`'s exclusive lock, waiting up to `timeout` for another holder to release it
    /// (then failing with [`StateError::Locked`]). `info` says who is asking; its `id`, `pid` and
    /// `since` are filled in by the store.
    fn lock(&self, env: &str, info: LockInfo, timeout: Duration) -> Result<StateLock, StateError>;

    /// Releases `env`'s lock held by someone else, given the lock's ID.
    fn force_unlock(&self, env: &str, id: &str) -> Result<(), StateError>;

    /// Durably records an intent before the provider is asked; returns its ID.
    fn begin_intent(&self, env: &str, intent: Intent) -> Result<i64, StateError>;

    /// Records one finished change: the instance, the version with before and after, the new
    /// serial and the intent's resolution, all or nothing. Removing an instance that is not in
    /// the state changes nothing (the intent is still resolved).
    fn commit_change(&self, env: &str, change: Change) -> Result<u64, StateError>;

    /// Replaces the root outputs, as one version.
    fn set_outputs(
        &self,
        env: &str,
        outputs: BTreeMap<String, OutputValue>,
    ) -> Result<u64, StateError>;

    /// Intents recorded and not yet resolved, oldest first.
    fn open_intents(&self, env: &str) -> Result<Vec<IntentRow>, StateError>;

    /// Marks an intent as resolved (after crash recovery found out what happened).
    fn resolve_intent(&self, env: &str, id: i64) -> Result<(), StateError>;

    /// Every version of `env`, oldest first.
    fn history(&self, env: &str) -> Result<Vec<VersionRow>, StateError>;

    /// What version `serial` changed, with before and after.
    fn version_changes(&self, env: &str, serial: u64) -> Result<Vec<VersionChange>, StateError>;

    /// The state as it was right after version `serial` (0: empty).
    fn snapshot_at(&self, env: &str, serial: u64) -> Result<StateSnapshot, StateError>;

    /// Makes the current state equal to the state at `serial` by adding one compensating
    /// version (history is never rewritten).
    fn rollback(&self, env: &str, serial: u64) -> Result<u64, StateError>;

    /// `state rm`: forgets an instance (the real object is left alone).
    fn remove(&self, env: &str, address: &str) -> Result<u64, StateError>;

    /// `state mv`: gives an instance a new address (same resource type and mode).
    fn move_instance(&self, env: &str, from: &str, to: &str) -> Result<u64, StateError>;

    /// Replaces the whole state (`state push`, `import-terraform`) in one version recorded
    /// under `operation`; the snapshot's lineage is adopted, its serial is not (serials count
    /// this store's versions).
    fn replace_all(
        &self,
        env: &str,
        snapshot: StateSnapshot,
        operation: &str,
    ) -> Result<u64, StateError>;

    /// The current state in its JSON form (Terraform's format version 4).
    fn export(&self, env: &str) -> Result<Value, StateError> {
        Ok(to_json(&self.load(env)?))
    }
}
