//! `StateError`, the one error type of this crate. Messages are lowercase sentences with user
//! values in backticks, and say how to get out of the situation where there is a way.
//! This module only describes errors; it decides nothing.

use std::path::PathBuf;

use crate::store::LockInfo;

/// Everything that can go wrong reading, writing, locking or decoding state.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// A file (the database's directory, a lock file) could not be read or written.
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The database file is not a usable infra state database: not SQLite at all, truncated,
    /// damaged, or with tables that are not ours. The file was not modified.
    #[error(
        "the state database `{}` is unusable: {reason}. The file was left unchanged: restore it \
         from a backup, or move it aside to start from an empty state",
        path.display()
    )]
    Corrupt { path: PathBuf, reason: String },

    /// The database was written by a newer infra with a schema this one does not know.
    #[error(
        "the state database `{}` has schema version {found}, newer than version {supported} that \
         this infra understands: upgrade infra to use it",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    /// SQLite reported an error (disk full, I/O error, another process kept the database busy
    /// beyond the busy timeout, ...).
    #[error("state database error while {context}: {source}")]
    Database {
        context: String,
        #[source]
        source: rusqlite::Error,
    },

    /// Another operation holds the environment's state lock and did not release it in time.
    #[error("{}", locked_message(env, holder))]
    Locked { env: String, holder: Box<LockInfo> },

    /// `force_unlock` was asked to release a lock, but the environment is not locked.
    #[error("the state of environment `{env}` is not locked, so there is nothing to unlock")]
    NotLocked { env: String },

    /// `force_unlock` was given an ID that is not the current lock's.
    #[error(
        "the state lock of environment `{env}` has ID `{}`, not `{given}`: a lock is released \
         only with its own ID, as shown by the error that reported it",
        holder.id
    )]
    LockIdMismatch {
        env: String,
        given: String,
        holder: Box<LockInfo>,
    },

    /// The resource instance address is not in the state.
    #[error("resource instance `{0}` is not in the state")]
    NotFound(String),

    /// A state version (serial) that the environment's history does not contain.
    #[error("environment `{env}` has no state version {serial}: its latest version is {latest}")]
    NoSuchVersion {
        env: String,
        serial: u64,
        latest: u64,
    },

    /// An intent ID that does not belong to the environment.
    #[error("environment `{env}` has no intent with ID {id}")]
    IntentNotFound { env: String, id: i64 },

    /// A state JSON document in a format version other than 4 (`written_by`: its
    /// `terraform_version`, when it has one).
    #[error("state format version {found} is not supported: {}", version_hint(*found, written_by.as_deref()))]
    UnsupportedVersion {
        found: u64,
        written_by: Option<String>,
    },

    /// A state JSON document written by a newer infra (`infra_format` above ours).
    #[error(
        "the state was written in infra format {found}, but this infra reads formats up to \
         {supported}: upgrade infra to read it"
    )]
    NewerFormat { found: u64, supported: u64 },

    /// The input is not JSON (or is cut short).
    #[error("the state is not valid JSON: {msg} at line {line}, column {column}")]
    Json {
        line: usize,
        column: usize,
        msg: String,
    },

    /// The input is JSON but not a valid state document; the message says where and why.
    #[error("invalid state: {0}")]
    Invalid(String),

    /// A resource instance address that cannot be parsed, or names a resource, not an instance.
    #[error("invalid resource instance address `{address}`: {reason}")]
    InvalidAddress { address: String, reason: String },

    /// An environment name that cannot be used (it also names the lock file).
    #[error(
        "invalid environment name `{0}`: use letters, digits, `-` and `_`, starting with a \
         letter or digit, at most 64 characters"
    )]
    InvalidEnvironment(String),

    /// A remote state backend (an S3 bucket, say) failed or refused a request; the message names
    /// the backend's object, the operation and the service's error code.
    #[error("{0}")]
    Backend(String),

    /// The request contradicts the state (moving onto an existing address, a change whose
    /// address does not match its instance, ...).
    #[error("{0}")]
    Conflict(String),
}

fn locked_message(env: &str, h: &LockInfo) -> String {
    format!(
        "the state of environment `{env}` is locked by `{}` for `{}` since {} (pid {} on `{}`, \
         lock ID `{}`{}). Wait for that operation to finish; if it is stuck and you are sure \
         nothing else is changing this environment, `infra force-unlock {}` releases the lock",
        h.who,
        h.operation,
        h.since,
        h.pid,
        h.host,
        h.id,
        if h.info.is_empty() {
            String::new()
        } else {
            format!(", {}", h.info)
        },
        h.id
    )
}

fn version_hint(found: u64, written_by: Option<&str>) -> String {
    match (found, written_by) {
        (0, _) => "there was never a JSON state format 0, so this is not a state file".into(),
        (1..=3, _) => "infra reads format 4 (Terraform 0.12 and later); run `terraform apply` or \
                       `terraform refresh` with Terraform 0.12 or later, which rewrites the state \
                       in format 4"
            .into(),
        (_, Some(v)) => format!("infra reads format 4; this state was written by Terraform `{v}`"),
        (_, None) => {
            "infra reads format 4; this state may have been written by a newer Terraform".into()
        }
    }
}

impl StateError {
    pub(crate) fn db(context: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> StateError {
        let context = context.into();
        move |source| StateError::Database { context, source }
    }
}
