//! The database schema, its migrations, and the checks run before a state database is used.
//!
//! A new database is built under a temporary name and linked into place only when complete, so
//! a crash during creation never leaves a half-made `state.db`. An existing file is checked
//! before anything may write to it: SQLite header, size against the header (truncation), our
//! `application_id`, the `meta` table's schema version, and every table's columns. Those checks
//! use a read-only connection, so a file judged unusable is never modified. A newer schema is
//! refused; an older one is migrated in one transaction. This module knows nothing of the state
//! model.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::error::StateError;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 1;

/// `PRAGMA application_id` of infra state databases: "infr".
const APPLICATION_ID: i64 = 0x696e_6672;

/// `MIGRATIONS[n]` turns a schema version `n` database into version `n + 1`; version 0 is an
/// empty database, so creating a database is running every migration.
const MIGRATIONS: [&str; SCHEMA_VERSION as usize] = [SCHEMA_V1];

const SCHEMA_V1: &str = "
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE environments (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    lineage TEXT NOT NULL,
    serial  INTEGER NOT NULL CHECK (serial >= 0),
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
);

CREATE TABLE instances (
    env_id                INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    address               TEXT NOT NULL,
    module                TEXT NOT NULL,
    mode                  TEXT NOT NULL CHECK (mode IN ('managed', 'data')),
    type                  TEXT NOT NULL,
    name                  TEXT NOT NULL,
    index_key             TEXT,
    provider              TEXT NOT NULL,
    schema_version        INTEGER NOT NULL,
    attributes            TEXT NOT NULL,
    sensitive_attributes  TEXT NOT NULL,
    dependencies          TEXT NOT NULL,
    create_before_destroy INTEGER NOT NULL,
    tainted               INTEGER NOT NULL,
    serial                INTEGER NOT NULL,
    PRIMARY KEY (env_id, address)
) WITHOUT ROWID;

CREATE TABLE outputs (
    env_id    INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    value     TEXT NOT NULL,
    type      TEXT NOT NULL,
    sensitive INTEGER NOT NULL,
    serial    INTEGER NOT NULL,
    PRIMARY KEY (env_id, name)
) WITHOUT ROWID;

CREATE TABLE versions (
    env_id    INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    serial    INTEGER NOT NULL,
    time      INTEGER NOT NULL,
    operation TEXT NOT NULL,
    who       TEXT NOT NULL,
    lineage   TEXT NOT NULL,
    note      TEXT NOT NULL,
    PRIMARY KEY (env_id, serial)
) WITHOUT ROWID;

CREATE TABLE changes (
    env_id  INTEGER NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('instance', 'output')),
    address TEXT NOT NULL,
    serial  INTEGER NOT NULL,
    before  TEXT,
    after   TEXT,
    PRIMARY KEY (env_id, kind, address, serial),
    FOREIGN KEY (env_id, serial) REFERENCES versions(env_id, serial) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX changes_by_serial ON changes(env_id, serial);

CREATE TABLE intents (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    env_id          INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    address         TEXT NOT NULL,
    action          TEXT NOT NULL,
    marker          TEXT NOT NULL,
    planned         TEXT NOT NULL,
    created         INTEGER NOT NULL,
    resolved        INTEGER,
    resolved_serial INTEGER
);
CREATE INDEX intents_open ON intents(env_id, id) WHERE resolved IS NULL;

CREATE TABLE locks (
    environment TEXT PRIMARY KEY,
    id          TEXT NOT NULL,
    who         TEXT NOT NULL,
    host        TEXT NOT NULL,
    pid         INTEGER NOT NULL,
    operation   TEXT NOT NULL,
    since       INTEGER NOT NULL,
    info        TEXT NOT NULL
) WITHOUT ROWID;
";

/// Makes `path` a current-schema infra state database: creates it if missing, checks it
/// otherwise, and migrates an older schema.
pub fn prepare(path: &Path) -> Result<(), StateError> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(path),
        Err(e) => Err(StateError::Io {
            action: "read",
            path: path.to_path_buf(),
            source: e,
        }),
        Ok(m) if m.is_dir() => Err(corrupt(path, "it is a directory")),
        Ok(_) => {
            let found = check(path)?;
            if found < SCHEMA_VERSION {
                migrate(path)?;
                check(path)?;
            }
            Ok(())
        }
    }
}

fn corrupt(path: &Path, reason: impl Into<String>) -> StateError {
    StateError::Corrupt {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Builds the database under a temporary name, then links it into place (failing, not
/// overwriting, if another process got there first).
fn create(path: &Path) -> Result<(), StateError> {
    let io = |action: &'static str, p: &Path| {
        let p = p.to_path_buf();
        move |source| StateError::Io {
            action,
            path: p,
            source,
        }
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io("create the directory", dir))?;
    }
    let mut tmp_name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "state.db".into());
    tmp_name.push(format!(".creating-{}", crate::ids::new_uuid()));
    let tmp = path.with_file_name(tmp_name);
    let built = build_new(&tmp);
    let linked = built.and_then(|()| match std::fs::hard_link(&tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(_) if !path.exists() => std::fs::rename(&tmp, path).map_err(io("create", path)),
        Err(e) => Err(StateError::Io {
            action: "create",
            path: path.to_path_buf(),
            source: e,
        }),
    });
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = tmp.clone().into_os_string();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    linked?;
    // Whoever created it, it must be a good one.
    check(path).map(|_| ())
}

fn build_new(tmp: &Path) -> Result<(), StateError> {
    let mut conn =
        Connection::open(tmp).map_err(StateError::db(format!("creating `{}`", tmp.display())))?;
    let ctx = StateError::db("creating the state database schema");
    let result = (|| {
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        let tx = conn.transaction()?;
        run_migrations(&tx, 0)?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('database_id', ?1)",
            [crate::ids::new_uuid()],
        )?;
        tx.commit()
    })();
    result.map_err(ctx)?;
    conn.close()
        .map_err(|(_, e)| e)
        .map_err(StateError::db("closing the new state database"))
}

fn run_migrations(conn: &Connection, from: i64) -> rusqlite::Result<()> {
    for (v, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(from).unwrap_or(0))
    {
        conn.execute_batch(sql)?;
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?1)",
            [(v as i64 + 1).to_string()],
        )?;
    }
    Ok(())
}

fn migrate(path: &Path) -> Result<(), StateError> {
    let mut conn = open_read_write(path)?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StateError::db("starting the schema migration"))?;
    // Another process may have migrated since we looked.
    let found = schema_version(&tx, path)?;
    run_migrations(&tx, found).map_err(StateError::db(format!(
        "migrating the schema from version {found}"
    )))?;
    tx.commit()
        .map_err(StateError::db("committing the schema migration"))
}

/// Opens a read-write connection to an existing database with the settings every connection
/// uses: WAL, a busy timeout for other processes' transactions, foreign keys, full sync (an
/// intent must survive a power cut before the provider is called).
pub fn open_read_write(path: &Path) -> Result<Connection, StateError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)
        .map_err(StateError::db(format!("opening `{}`", path.display())))?;
    let setup = (|| {
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // NORMAL in WAL mode: a committed change survives the process being killed at any
        // instant (it is in the WAL through write(2) before COMMIT returns); only an OS crash or
        // power loss can lose the last changes, never corrupt the file. FULL would add an fsync
        // per change (~5 ms), which at thousands of changes per apply is the dominant cost.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
        }
        Ok(())
    })();
    setup.map_err(StateError::db("configuring the state database connection"))?;
    Ok(conn)
}

/// The database's random identity (`meta.database_id`), recorded now if an older database
/// lacks it. Environments' lineages are derived from it before their first write.
pub fn database_id(conn: &Connection) -> Result<String, StateError> {
    let read = || {
        conn.query_row(
            "SELECT value FROM meta WHERE key = 'database_id'",
            [],
            |r| r.get(0),
        )
        .optional()
    };
    let ctx = || StateError::db("reading the database identity");
    if let Some(id) = read().map_err(ctx())? {
        return Ok(id);
    }
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('database_id', ?1)",
        [crate::ids::new_uuid()],
    )
    .map_err(ctx())?;
    read().map_err(ctx())?.ok_or_else(|| StateError::Database {
        context: "recording the database identity".into(),
        source: rusqlite::Error::QueryReturnedNoRows,
    })
}

/// Checks an existing file without writing to it; returns its schema version (never newer than
/// ours).
pub fn check(path: &Path) -> Result<i64, StateError> {
    check_header(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn =
        Connection::open_with_flags(path, flags).map_err(|e| sqlite_corrupt(path, e, "opening"))?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(StateError::db("setting the busy timeout"))?;
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| sqlite_corrupt(path, e, "reading"))?;
    if app_id != APPLICATION_ID {
        return Err(corrupt(
            path,
            "it is a SQLite database, but not an infra state database",
        ));
    }
    let found = schema_version(&conn, path)?;
    if found > SCHEMA_VERSION {
        return Err(StateError::NewerSchema {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        check_tables(&conn, path)?;
    }
    Ok(found)
}

fn sqlite_corrupt(path: &Path, e: rusqlite::Error, doing: &str) -> StateError {
    use rusqlite::ErrorCode::*;
    match e.sqlite_error_code() {
        Some(NotADatabase) => corrupt(path, "it is not a SQLite database"),
        Some(DatabaseCorrupt) => corrupt(path, format!("SQLite reports it damaged ({e})")),
        _ => StateError::Database {
            context: format!("{doing} `{}`", path.display()),
            source: e,
        },
    }
}

fn schema_version(conn: &Connection, path: &Path) -> Result<i64, StateError> {
    let has_meta: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| sqlite_corrupt(path, e, "reading the schema of"))?;
    if !has_meta {
        return Err(corrupt(path, "it has no `meta` table"));
    }
    let value: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .map(Some)
        .or_else(|e| {
            if e == rusqlite::Error::QueryReturnedNoRows {
                Ok(None)
            } else {
                Err(e)
            }
        })
        .map_err(|e| sqlite_corrupt(path, e, "reading the schema version of"))?;
    let value = value.ok_or_else(|| corrupt(path, "its `meta` table has no schema version"))?;
    value.parse().map_err(|_| {
        corrupt(
            path,
            format!("its schema version `{value}` is not a number"),
        )
    })
}

/// Table → column names, as `PRAGMA table_info` lists them.
fn columns(conn: &Connection) -> rusqlite::Result<BTreeMap<String, Vec<String>>> {
    let mut tables = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for name in names {
        let mut info = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
        let cols = info
            .query_map([&name], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        tables.insert(name, cols);
    }
    Ok(tables)
}

/// Compares the file's tables and columns with those the migrations produce.
fn check_tables(conn: &Connection, path: &Path) -> Result<(), StateError> {
    let expected = {
        let mem = Connection::open_in_memory()
            .map_err(StateError::db("opening an in-memory database"))?;
        run_migrations(&mem, 0).map_err(StateError::db("building the reference schema"))?;
        columns(&mem).map_err(StateError::db("reading the reference schema"))?
    };
    let found = columns(conn).map_err(|e| sqlite_corrupt(path, e, "reading the schema of"))?;
    for (table, cols) in &expected {
        let Some(have) = found.get(table) else {
            return Err(corrupt(path, format!("table `{table}` is missing")));
        };
        if let Some(c) = cols.iter().find(|c| !have.contains(c)) {
            return Err(corrupt(
                path,
                format!("table `{table}` has no column `{c}`"),
            ));
        }
    }
    Ok(())
}

/// Checks the 100-byte SQLite header and, when no write-ahead log is pending, that the file is
/// as long as the header says.
fn check_header(path: &Path) -> Result<(), StateError> {
    let io = |source| StateError::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    };
    let mut f = File::open(path).map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    if len == 0 {
        return Err(corrupt(path, "the file is empty"));
    }
    let mut h = [0u8; 100];
    let mut got = 0;
    while got < h.len() {
        let n = f.read(&mut h[got..]).map_err(io)?;
        if n == 0 {
            break;
        }
        got += n;
    }
    if !h.starts_with(b"SQLite format 3\0") {
        return Err(corrupt(path, "it is not a SQLite database"));
    }
    if got < h.len() {
        return Err(corrupt(
            path,
            format!("it is truncated: {len} bytes is shorter than a SQLite header"),
        ));
    }
    let be32 = |at: usize| u32::from_be_bytes([h[at], h[at + 1], h[at + 2], h[at + 3]]);
    let page_size = match u16::from_be_bytes([h[16], h[17]]) {
        1 => 65_536u64,
        n if n >= 512 && n.is_power_of_two() => u64::from(n),
        n => {
            return Err(corrupt(
                path,
                format!("its header is damaged (page size {n})"),
            ))
        }
    };
    // A crash during a checkpoint can leave the file short of its header's size with the rest
    // still in the write-ahead log, which SQLite replays: only judge the size without a log.
    let mut wal = path.as_os_str().to_os_string();
    wal.push("-wal");
    if std::fs::metadata(PathBuf::from(wal))
        .map(|m| m.len() > 0)
        .unwrap_or(false)
    {
        return Ok(());
    }
    let pages = u64::from(be32(28));
    let header_size_valid = pages > 0 && be32(24) == be32(92);
    if header_size_valid && len < pages * page_size {
        return Err(corrupt(
            path,
            format!(
                "it is truncated: its header says {} bytes but the file holds {len}",
                pages * page_size
            ),
        ));
    }
    if len % page_size != 0 {
        return Err(corrupt(
            path,
            format!("it is truncated: {len} bytes is not a whole number of {page_size}-byte pages"),
        ));
    }
    Ok(())
}
