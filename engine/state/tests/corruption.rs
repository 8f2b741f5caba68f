//! A file that is not a usable infra state database is refused with `StateError::Corrupt` (or
//! `NewerSchema`) and is never modified: not SQLite, empty, truncated, someone else's SQLite
//! database, our database with a table missing, or a newer schema.

mod common;

use std::path::Path;

use common::{temp_store, with_id};
use infra_state::{Change, SqliteStore, StateError, StateStore};

/// Opens `path`, expects it refused with `reason`, and checks the file is byte-for-byte unchanged.
#[track_caller]
fn refused_untouched(path: &Path, want: &str) {
    let before = std::fs::read(path).expect("read before");
    match SqliteStore::open(path) {
        Ok(_) => panic!("{} was accepted", path.display()),
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.contains(want), "got: {msg}\nwant it to contain: {want}");
            assert!(
                matches!(
                    e,
                    StateError::Corrupt { .. } | StateError::NewerSchema { .. }
                ),
                "unexpected kind: {e:?}"
            );
        }
    }
    assert_eq!(
        std::fs::read(path).expect("read after"),
        before,
        "the file was modified"
    );
}

/// A real store with enough instances to span many pages, closed (fully checkpointed).
fn populated(path: &Path) {
    let store = SqliteStore::open(path).expect("open");
    for i in 0..150 {
        let addr = format!("null_resource.r[{i}]");
        let mut inst = with_id(&addr, &format!("{i}"));
        inst.attributes["blob"] = serde_json::Value::from("x".repeat(400));
        let c = Change {
            address: addr,
            new: Some(inst),
            intent: None,
            operation: "apply".into(),
        };
        store.commit_change("prod", c).expect("commit");
    }
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let p = dir.path().join("state.db");
    std::fs::write(
        &p,
        "{\"version\": 4}\nthis is a terraform state, not a database\n".repeat(50),
    )
    .expect("write");
    refused_untouched(
        &p,
        "is unusable: it is not a SQLite database. The file was left unchanged",
    );
}

#[test]
fn an_empty_file_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let p = dir.path().join("state.db");
    std::fs::write(&p, "").expect("write");
    refused_untouched(&p, "the file is empty");
}

#[test]
fn a_truncated_database_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let p = dir.path().join("state.db");
    populated(&p);
    let bytes = std::fs::read(&p).expect("read");
    assert!(
        bytes.len() > 16 * 4096,
        "the database should span many pages"
    );
    for cut in [bytes.len() / 2, 4096, 4096 * 3 + 100, 60] {
        std::fs::write(&p, &bytes[..cut]).expect("truncate");
        refused_untouched(&p, "it is truncated");
    }
}

#[test]
fn another_applications_sqlite_database_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let p = dir.path().join("state.db");
    {
        let c = rusqlite::Connection::open(&p).expect("sqlite");
        c.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hello');")
            .expect("create");
    }
    refused_untouched(
        &p,
        "it is a SQLite database, but not an infra state database",
    );
}

#[test]
fn a_database_with_a_missing_table_or_column_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let p = dir.path().join("state.db");
    populated(&p);
    {
        let c = rusqlite::Connection::open(&p).expect("sqlite");
        c.execute_batch("DROP TABLE locks;").expect("drop");
    }
    refused_untouched(&p, "table `locks` is missing");
    {
        let c = rusqlite::Connection::open(&p).expect("sqlite");
        c.execute_batch(
            "CREATE TABLE locks (environment TEXT PRIMARY KEY, id TEXT, who TEXT, host TEXT, pid INTEGER, operation TEXT, since INTEGER);",
        )
        .expect("create");
    }
    refused_untouched(&p, "table `locks` has no column `info`");
}

#[test]
fn a_newer_schema_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let p = dir.path().join("state.db");
    populated(&p);
    {
        let c = rusqlite::Connection::open(&p).expect("sqlite");
        c.execute(
            "UPDATE meta SET value = '99' WHERE key = 'schema_version'",
            [],
        )
        .expect("update");
    }
    refused_untouched(
        &p,
        "has schema version 99, newer than version 1 that this infra understands: upgrade infra",
    );
}

#[test]
fn a_directory_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    assert!(matches!(
        SqliteStore::open(dir.path()),
        Err(StateError::Corrupt { .. })
    ));
}

#[test]
fn a_damaged_page_is_reported_not_panicked_on() {
    let dir = tempfile::tempdir().expect("dir");
    let p = dir.path().join("state.db");
    populated(&p);
    let mut bytes = std::fs::read(&p).expect("read");
    let len = bytes.len();
    // Scribble over every page but the first (the schema lives there).
    for (i, b) in bytes[4096..len].iter_mut().enumerate() {
        *b = (i % 251) as u8;
    }
    std::fs::write(&p, &bytes).expect("write");
    let store = SqliteStore::open(&p);
    let result = store
        .as_ref()
        .map_err(|e| e.to_string())
        .and_then(|s| s.load("prod").map_err(|e| e.to_string()));
    match result {
        Err(msg) => assert!(msg.contains("is unusable"), "{msg}"),
        Ok(s) => panic!("expected an error, got {s:?}"),
    }
    if let Ok(store) = store {
        assert!(matches!(
            store.integrity_check(),
            Err(StateError::Corrupt { .. })
        ));
    }
}

#[test]
fn reopening_a_good_database_keeps_everything() {
    let (dir, store) = temp_store();
    let c = Change {
        address: "null_resource.x".into(),
        new: Some(with_id("null_resource.x", "1")),
        intent: None,
        operation: "apply".into(),
    };
    store.commit_change("dev", c).expect("commit");
    let path = store.path().to_path_buf();
    drop(store);
    let again = SqliteStore::open(&path).expect("reopen");
    again
        .integrity_check()
        .expect("a good database passes the check");
    assert_eq!(again.load("dev").expect("load").serial, 1);
    drop(dir);
}
