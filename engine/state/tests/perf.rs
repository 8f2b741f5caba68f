//! The cost of a change must not grow with the size of the state: 200 commits into an empty
//! state and 200 into a state of 20,000 instances take about as long (compared as a ratio, so
//! the machine's speed does not matter). The `#[ignore]`d benchmarks print absolute costs:
//! `cargo test -p infra-state --release --test perf -- --ignored --nocapture`.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{instance, temp_store};
use infra_state::{Change, SqliteStore, StateSnapshot, StateStore};
use serde_json::json;

fn commit(store: &dyn StateStore, env: &str, addr: &str, i: usize) {
    let new = instance(
        addr,
        json!({"id": i.to_string(), "triggers": {"i": i.to_string()}}),
    );
    let change = Change {
        address: addr.to_string(),
        new: Some(new),
        intent: None,
        operation: "apply".into(),
    };
    store.commit_change(env, change).expect("commit");
}

/// Time for `n` commits (half creates, half updates) into `env`.
fn time_commits(store: &dyn StateStore, env: &str, round: usize, n: usize) -> Duration {
    let start = Instant::now();
    for i in 0..n {
        commit(
            store,
            env,
            &format!("null_resource.bench{round}[{}]", i % (n / 2)),
            i,
        );
    }
    start.elapsed()
}

fn big_state(n: usize) -> StateSnapshot {
    let mut s = StateSnapshot::empty();
    for i in 0..n {
        s.insert(instance(
            &format!("module.m[\"{}\"].null_resource.big[{i}]", i % 50),
            json!({"id": i.to_string()}),
        ));
    }
    s
}

#[test]
fn commit_cost_does_not_grow_with_the_state() {
    let (_d1, small) = temp_store();
    let (_d2, big) = temp_store();
    big.replace_all("prod", big_state(20_000), "import")
        .expect("populate");
    assert_eq!(big.load("prod").expect("load").resources.len(), 20_000);

    // Interleaved rounds, best of each, to keep machine noise out of the ratio.
    let (mut best_small, mut best_big) = (Duration::MAX, Duration::MAX);
    for round in 0..3 {
        best_small = best_small.min(time_commits(&small, "prod", round, 200));
        best_big = best_big.min(time_commits(&big, "prod", round, 200));
    }
    let ratio = best_big.as_secs_f64() / best_small.as_secs_f64();
    eprintln!(
        "200 commits: empty state {best_small:?} ({:?}/change), 20,000 instances {best_big:?} ({:?}/change), ratio {ratio:.2}",
        best_small / 200,
        best_big / 200
    );
    assert!(
        ratio < 3.0,
        "a commit into 20,000 instances costs {ratio:.2}x one into an empty state"
    );
}

#[test]
#[ignore = "benchmark: prints absolute costs"]
fn bench_per_change_cost() {
    let (_d, store) = temp_store();
    let n = 1000;
    let start = Instant::now();
    for i in 0..n {
        commit(&store, "prod", &format!("null_resource.b[{i}]"), i);
    }
    let t = start.elapsed();
    eprintln!("{n} sequential commits: {t:?} ({:?}/change)", t / n as u32);

    // The shared writer connection, from 8 threads at once.
    let store = Arc::new(store);
    let t = threaded(8, 100, |t, i| {
        commit(&*store, "prod", &format!("null_resource.t{t}[{i}]"), i)
    });
    eprintln!(
        "8 threads x 100 commits, shared connection behind a mutex: {t:?} ({:?}/change)",
        t / 800
    );

    // The alternative design: a connection opened per call.
    let path = store.path().to_path_buf();
    let t = threaded(8, 100, |t, i| {
        let s = SqliteStore::open(&path).expect("open");
        commit(&s, "prod", &format!("null_resource.c{t}[{i}]"), i);
    });
    eprintln!(
        "8 threads x 100 commits, a connection opened per call: {t:?} ({:?}/change)",
        t / 800
    );
}

fn threaded(threads: usize, per: usize, f: impl Fn(usize, usize) + Send + Sync) -> Duration {
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            let f = &f;
            s.spawn(move || (0..per).for_each(|i| f(t, i)));
        }
    });
    start.elapsed()
}
