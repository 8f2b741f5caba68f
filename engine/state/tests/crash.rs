//! Crash safety and cross-process locking, with real processes killed by SIGKILL.
//!
//! The test binary re-runs itself as a child (the `child_process` test, which does nothing
//! unless `INFRA_STATE_TEST_ROLE` is set): `commit-loop` holds the lock and writes changes,
//! intents and outputs as fast as it can; `hold-lock` takes the lock and waits. The parent kills
//! the child at a random instant, then checks that the database opens and is consistent and that
//! the lock was released with the process.

#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{instance, random_u64};
use infra_state::{Change, Intent, LockInfo, OutputValue, SqliteStore, StateError, StateStore};
use serde_json::json;

const ROLE: &str = "INFRA_STATE_TEST_ROLE";
const DB: &str = "INFRA_STATE_TEST_DB";
const ENV: &str = "crash";
const TRIALS: usize = 25;

/// The child's side: only active when re-run by a parent test.
#[test]
fn child_process() {
    let (Ok(role), Ok(db)) = (std::env::var(ROLE), std::env::var(DB)) else {
        return;
    };
    let store = SqliteStore::open(&db).expect("child: open");
    let lock = store
        .lock(ENV, LockInfo::new(role.clone()), Duration::from_secs(10))
        .expect("child: lock");
    if role == "hold-lock" {
        println!("READY {}", lock.id());
        loop {
            std::thread::sleep(Duration::from_secs(1));
        }
    }
    let start = store.load(ENV).expect("child: load").serial;
    for i in 0u64.. {
        let n = start + i;
        let addr = format!("null_resource.r[{}]", n % 40);
        if n % 11 == 5 {
            let mut outputs = BTreeMap::new();
            for k in 0..(n % 4) {
                outputs.insert(
                    format!("o{k}"),
                    OutputValue {
                        value: json!(n),
                        ty: json!("number"),
                        sensitive: k == 1,
                    },
                );
            }
            store.set_outputs(ENV, outputs).expect("child: outputs");
        } else if n % 13 == 7 {
            match store.remove(ENV, &addr) {
                Ok(_) | Err(StateError::NotFound(_)) => {}
                Err(e) => panic!("child: remove: {e}"),
            }
        } else {
            let intent = Intent {
                address: addr.clone(),
                action: "create".into(),
                marker: format!("m-{n}"),
                planned: json!({"n": n}),
            };
            let id = store.begin_intent(ENV, intent).expect("child: intent");
            // Large enough that a change spans several pages.
            let new = (n % 7 != 3).then(|| {
                instance(
                    &addr,
                    json!({"id": n.to_string(), "blob": "z".repeat(3000 + (n % 5) as usize * 700)}),
                )
            });
            let change = Change {
                address: addr,
                new,
                intent: Some(id),
                operation: "apply".into(),
            };
            store.commit_change(ENV, change).expect("child: commit");
        }
        if i == 0 {
            println!("READY");
        }
    }
}

fn spawn(role: &str, db: &Path) -> (Child, String) {
    let exe = std::env::current_exe().expect("test binary");
    let mut child = Command::new(exe)
        .args([
            "child_process",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, role)
        .env(DB, db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child");
    let stdout = child.stdout.take().expect("child stdout");
    let mut lines = BufReader::new(stdout).lines();
    let ready = loop {
        match lines.next() {
            // libtest may have printed `test child_process ... ` on the same line.
            Some(Ok(line)) if line.contains("READY") => {
                break line[line.find("READY").unwrap_or(0)..].to_string()
            }
            Some(Ok(_)) => continue,
            _ => {
                let _ = child.kill();
                panic!("the child exited before it was ready");
            }
        }
    };
    // Keep draining so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, ready)
}

fn kill(mut child: Child) {
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
}

/// What a check after a kill found.
struct Checked {
    serial: u64,
    open_intents: usize,
}

/// The invariants that must hold whatever instant the writer died at.
fn check_consistent(db: &Path) -> Checked {
    let store = SqliteStore::open(db).expect("the database opens after a kill");
    let current = store.load(ENV).expect("load");

    // Serial == number of versions, numbered 1..=serial, each with at least one change.
    let raw = rusqlite::Connection::open(db).expect("raw open");
    let env_id: i64 = raw
        .query_row("SELECT id FROM environments WHERE name = ?1", [ENV], |r| {
            r.get(0)
        })
        .expect("env row");
    let (count, max): (i64, Option<i64>) = raw
        .query_row(
            "SELECT COUNT(*), MAX(serial) FROM versions WHERE env_id = ?1",
            [env_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("versions");
    assert_eq!(count as u64, current.serial, "serial == number of versions");
    assert_eq!(max.unwrap_or(0) as u64, current.serial);
    let empty_versions: i64 = raw
        .query_row(
            "SELECT COUNT(*) FROM versions v WHERE env_id = ?1 AND NOT EXISTS
               (SELECT 1 FROM changes c WHERE c.env_id = v.env_id AND c.serial = v.serial)",
            [env_id],
            |r| r.get(0),
        )
        .expect("empty versions");
    assert_eq!(
        empty_versions, 0,
        "every version has its changes (no partial change)"
    );
    let beyond: i64 = raw
        .query_row(
            "SELECT COUNT(*) FROM changes WHERE env_id = ?1 AND serial > ?2",
            [env_id, current.serial as i64],
            |r| r.get(0),
        )
        .expect("changes beyond");
    assert_eq!(beyond, 0, "no change beyond the serial");
    let bad_intents: i64 = raw
        .query_row(
            "SELECT COUNT(*) FROM intents WHERE env_id = ?1 AND resolved IS NOT NULL AND (resolved_serial IS NULL OR resolved_serial > ?2)",
            [env_id, current.serial as i64],
            |r| r.get(0),
        )
        .expect("intents");
    assert_eq!(
        bad_intents, 0,
        "an intent is resolved only together with its change"
    );
    drop(raw);

    // Every current row equals the latest `after` of its subject in the log.
    let replayed = store.snapshot_at(ENV, current.serial).expect("replay");
    assert_eq!(
        replayed.resources, current.resources,
        "instances == latest `after` per address"
    );
    assert_eq!(
        replayed.outputs, current.outputs,
        "outputs == latest `after` per name"
    );
    store.integrity_check().expect("SQLite structure intact");

    // The dead writer's lock went with it.
    let lock = store
        .lock(ENV, LockInfo::new("check"), Duration::from_secs(5))
        .expect("lock released by the kill");
    drop(lock);
    Checked {
        serial: current.serial,
        open_intents: store.open_intents(ENV).expect("intents").len(),
    }
}

#[test]
fn killing_a_writer_at_random_instants_leaves_a_consistent_database() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join(".infra/state.db");
    SqliteStore::open(&db).expect("create");
    let mut last = 0;
    let mut advanced = 0;
    let mut open_intents = 0;
    let mut between_intent_and_change = 0;
    for trial in 0..TRIALS {
        let (child, _) = spawn("commit-loop", &db);
        // A commit costs a few milliseconds (an fsync): this lands kills anywhere in the first
        // few dozen transactions, including between an intent and its change.
        std::thread::sleep(Duration::from_micros(random_u64() % 250_000));
        kill(child);
        let c = check_consistent(&db);
        assert!(
            c.serial >= last,
            "trial {trial}: serial went back from {last} to {}",
            c.serial
        );
        advanced += usize::from(c.serial > last);
        between_intent_and_change += usize::from(c.open_intents > open_intents);
        open_intents = c.open_intents;
        last = c.serial;
    }
    eprintln!(
        "crash test: {TRIALS} kills, all consistent; {advanced} landed after the child had committed, \
         {between_intent_and_change} between an intent and its change; {last} versions in total"
    );
    assert!(
        advanced >= TRIALS / 2,
        "most children should have committed something before dying ({advanced})"
    );
}

#[test]
fn a_lock_held_by_another_process_is_reported_and_released_by_its_death() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("state.db");
    let store = SqliteStore::open(&db).expect("open");
    let (child, ready) = spawn("hold-lock", &db);
    let child_id = ready.trim_start_matches("READY ").to_string();
    let pid = child.id();

    let err = store
        .lock(ENV, LockInfo::new("apply"), Duration::from_millis(200))
        .expect_err("held by the child");
    match &err {
        StateError::Locked { holder, .. } => {
            assert_eq!(
                (holder.pid, holder.id.as_str(), holder.operation.as_str()),
                (pid, child_id.as_str(), "hold-lock")
            );
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains(&format!("infra force-unlock {child_id}")),
        "{err}"
    );

    kill(child);
    let lock = store
        .lock(ENV, LockInfo::new("apply"), Duration::from_secs(5))
        .expect("the kernel released it");
    assert_ne!(lock.id(), child_id);
}
