//! Micro-benchmarks of the state store's hot paths: what apply writes per change (an intent,
//! then the change committed with the intent resolved, as the executor does), a bare commit,
//! and loading a whole state (what every plan does first), at several state sizes. The cost per
//! change must not grow with the state.
//!
//! `cargo bench -p infra-state --bench commit` (`-- --save-baseline main` / `-- --baseline main`
//! to compare against a reference commit). The store is a real SQLite file in a temp directory,
//! so the figures include fsync as configured by the store.
//!
//! Harness: criterion rather than divan, because criterion keeps baselines and tells, per
//! benchmark, whether a change is a statistically significant regression; that per-component
//! regression signal is what these benchmarks are for.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use infra_state::{
    parse_instance_address, Change, Intent, ResourceInstance, SqliteStore, StateSnapshot,
    StateStore,
};
use serde_json::json;

const ENV: &str = "bench";

fn instance(address: &str, i: usize) -> ResourceInstance {
    let a = parse_instance_address(address).expect("valid address");
    ResourceInstance {
        module: a.module,
        mode: a.mode,
        type_name: a.type_name,
        name: a.name,
        index: a.index,
        provider: "provider[\"registry.terraform.io/hashicorp/null\"]".into(),
        attributes: json!({"id": format!("{}", 1_000_000_000 + i), "triggers": {"name": format!("bench-{i}"), "a": format!("{}", 2_000_000_000 + i)}}),
        dependencies: vec!["null_resource.up".into()],
        ..ResourceInstance::default()
    }
}

/// A store holding `n` instances in environment `ENV`.
fn store_with(n: usize) -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path().join(".infra/state.db")).expect("open store");
    if n > 0 {
        let mut s = StateSnapshot::empty();
        for i in 0..n {
            s.insert(instance(&format!("null_resource.big[{i}]"), i));
        }
        store.replace_all(ENV, s, "import").expect("populate");
    }
    (dir, store)
}

fn bench_commit(c: &mut Criterion) {
    let mut g = c.benchmark_group("state");
    g.sample_size(30);
    for n in [0usize, 3000, 10000] {
        let (_dir, store) = store_with(n);
        // Half the iterations create new instances, half update them, as an apply mixes both.
        let mut i = 0usize;
        g.bench_function(BenchmarkId::new("apply_change", n), |b| {
            b.iter(|| {
                let address = format!("null_resource.bench[{}]", i % 500);
                let new = instance(&address, i);
                let intent = Intent {
                    address: address.clone(),
                    action: "create".into(),
                    marker: format!("m{i}"),
                    planned: new.attributes.clone(),
                };
                let id = store.begin_intent(ENV, intent).expect("intent");
                let serial = store
                    .commit_change(
                        ENV,
                        Change {
                            address,
                            new: Some(new),
                            intent: Some(id),
                            operation: "apply".into(),
                        },
                    )
                    .expect("commit");
                i += 1;
                black_box(serial)
            })
        });
        g.bench_function(BenchmarkId::new("commit_change", n), |b| {
            b.iter(|| {
                let address = format!("null_resource.bare[{}]", i % 500);
                let new = instance(&address, i);
                i += 1;
                black_box(
                    store
                        .commit_change(
                            ENV,
                            Change {
                                address,
                                new: Some(new),
                                intent: None,
                                operation: "apply".into(),
                            },
                        )
                        .expect("commit"),
                )
            })
        });
        if n > 0 {
            g.bench_function(BenchmarkId::new("load", n), |b| {
                b.iter(|| black_box(store.load(ENV).expect("load")).resources.len())
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench_commit);
criterion_main!(benches);
