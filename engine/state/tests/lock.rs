//! The state lock within one process: exclusive per environment, waits up to its timeout, says
//! who holds it, is released by the guard, and `force_unlock` needs the holder's ID.
//! (Locks across processes, including a holder killed with -9, are tested in `crash.rs`.)

mod common;

use std::time::{Duration, Instant};

use common::temp_store;
use infra_state::{LockInfo, StateError, StateStore};

#[test]
fn a_held_lock_times_out_naming_its_holder() {
    let (_dir, store) = temp_store();
    let mut info = LockInfo::new("apply");
    info.info = "plan file tfplan".into();
    let held = store
        .lock("prod", info, Duration::ZERO)
        .expect("first lock");
    assert_eq!(held.id().len(), 36);
    assert_eq!(held.info().pid, std::process::id());

    let start = Instant::now();
    let err = store
        .lock("prod", LockInfo::new("plan"), Duration::from_millis(300))
        .expect_err("should be locked");
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "it waited for the timeout"
    );
    let StateError::Locked { holder, env } = &err else {
        panic!("expected Locked, got {err:?}")
    };
    assert_eq!(
        (env.as_str(), holder.id.as_str(), holder.operation.as_str()),
        ("prod", held.id(), "apply")
    );
    let msg = err.to_string();
    for part in [
        "the state of environment `prod` is locked by `".to_string(),
        format!("for `apply` since {}", held.info().since),
        format!("pid {} on `{}`", std::process::id(), held.info().host),
        format!("lock ID `{}`, plan file tfplan)", held.id()),
        format!("`infra force-unlock {}` releases the lock", held.id()),
    ] {
        assert!(msg.contains(&part), "{msg}\nshould contain: {part}");
    }

    // Other environments are independent.
    let dev = store
        .lock("dev", LockInfo::new("apply"), Duration::ZERO)
        .expect("dev lock");
    dev.unlock().expect("unlock");

    drop(held);
    let again = store
        .lock("prod", LockInfo::new("plan"), Duration::ZERO)
        .expect("released on drop");
    again.unlock().expect("explicit unlock");
    store
        .lock("prod", LockInfo::new("plan"), Duration::ZERO)
        .expect("released by unlock");
}

#[test]
fn a_waiting_locker_gets_the_lock_when_released() {
    let (_dir, store) = temp_store();
    let held = store
        .lock("prod", LockInfo::new("apply"), Duration::ZERO)
        .expect("lock");
    let other = store.clone();
    let waiter = std::thread::spawn(move || {
        other
            .lock("prod", LockInfo::new("plan"), Duration::from_secs(10))
            .map(|l| l.id().to_string())
    });
    std::thread::sleep(Duration::from_millis(250));
    drop(held);
    let got = waiter.join().expect("thread");
    assert!(got.is_ok(), "{got:?}");
}

#[test]
fn force_unlock_needs_the_holders_id() {
    let (_dir, store) = temp_store();
    assert_eq!(
        store.force_unlock("prod", "abc").map_err(|e| e.to_string()),
        Err("the state of environment `prod` is not locked, so there is nothing to unlock".into())
    );
    let stuck = store
        .lock("prod", LockInfo::new("apply"), Duration::ZERO)
        .expect("lock");
    let err = store.force_unlock("prod", "abc").expect_err("wrong id");
    assert!(
        matches!(&err, StateError::LockIdMismatch { given, .. } if given == "abc"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains(&format!("has ID `{}`, not `abc`", stuck.id())),
        "{err}"
    );

    store
        .force_unlock("prod", stuck.id())
        .expect("force unlock");
    let next = store
        .lock("prod", LockInfo::new("apply"), Duration::ZERO)
        .expect("the lock is free again");
    // The stuck holder finishing later must not release the new holder's lock.
    drop(stuck);
    let err = store
        .lock("prod", LockInfo::new("plan"), Duration::ZERO)
        .expect_err("still held by next");
    assert!(
        matches!(&err, StateError::Locked { holder, .. } if holder.id == next.id()),
        "{err:?}"
    );
}
