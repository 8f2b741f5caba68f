//! The S3 store against the AWS emulator (moto, see providers/aws/tests/aws/moto.rs): these
//! tests fail, not skip, when it cannot start. Each test uses its own bucket.

#[path = "../../../providers/aws/tests/aws/moto.rs"]
mod moto;

use std::collections::BTreeMap;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use infra_state::{
    Change, ChangeKind, Intent, LockInfo, OutputValue, ResourceInstance, StateError, StateStore,
    Subject,
};
use infra_state_s3::{S3Settings, S3Store};
use serde_json::json;

fn settings(bucket: &str) -> S3Settings {
    let args: BTreeMap<String, serde_json::Value> = serde_json::from_value(json!({
        "bucket": bucket, "key": "app/terraform.tfstate", "region": "us-east-1",
        "endpoints": {"s3": moto::moto().endpoint}, "use_path_style": true,
        "access_key": "test", "secret_key": "test", "skip_credentials_validation": true,
    }))
    .unwrap_or_default();
    S3Settings::from_arguments(&args).unwrap_or_else(|e| panic!("{e}"))
}

/// Creates `bucket` (with versioning when asked) and returns a store on it.
fn bucket(name: &str, versioned: bool) -> S3Store {
    let s = settings(name);
    let endpoint = moto::moto().endpoint.clone();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        let conf = aws_sdk_s3::config::Builder::new()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url(endpoint)
            .force_path_style(true)
            .credentials_provider(aws_sdk_s3::config::Credentials::new(
                "test", "test", None, None, "test",
            ))
            .build();
        let c = aws_sdk_s3::Client::from_conf(conf);
        c.create_bucket()
            .bucket(name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        if versioned {
            c.put_bucket_versioning()
                .bucket(name)
                .versioning_configuration(
                    aws_sdk_s3::types::VersioningConfiguration::builder()
                        .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                        .build(),
                )
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e:?}"));
        }
    });
    store(&s)
}

fn store(s: &S3Settings) -> S3Store {
    S3Store::open(s.clone()).unwrap_or_else(|e| panic!("{e}"))
}

fn inst(name: &str, v: i64) -> ResourceInstance {
    ResourceInstance {
        type_name: "null_resource".into(),
        name: name.into(),
        provider: "provider[\"registry.terraform.io/hashicorp/null\"]".into(),
        attributes: json!({"id": format!("{name}-{v}"), "v": v}),
        ..ResourceInstance::default()
    }
}

fn put(s: &S3Store, env: &str, i: ResourceInstance) -> Result<u64, StateError> {
    s.commit_change(
        env,
        Change {
            address: i.address(),
            new: Some(i),
            intent: None,
            operation: "apply".into(),
        },
    )
}

#[track_caller]
fn ok<T>(r: Result<T, StateError>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn an_empty_environment_loads_empty_with_a_stable_lineage() {
    let s = bucket("empty-env", true);
    let a = ok(s.load("default"));
    assert_eq!((a.serial, a.resources.len()), (0, 0));
    assert_eq!(ok(s.load("default")).lineage, a.lineage);
    assert_eq!(ok(s.environments()), Vec::<String>::new());
    assert_eq!(ok(s.history("default")), vec![]);
    // The first write adopts the lineage a plan saw.
    ok(put(&s, "default", inst("a", 1)));
    assert_eq!(ok(s.load("default")).lineage, a.lineage);
}

#[test]
fn changes_round_trip_through_a_fresh_store() {
    let s = bucket("round-trip", true);
    let id = ok(s.begin_intent(
        "prod",
        Intent {
            address: "null_resource.a".into(),
            action: "create".into(),
            marker: "m-1".into(),
            planned: json!({"v": 1}),
        },
    ));
    let serial = ok(s.commit_change(
        "prod",
        Change {
            address: "null_resource.a".into(),
            new: Some(inst("a", 1)),
            intent: Some(id),
            operation: "apply".into(),
        },
    ));
    assert_eq!(serial, 1);
    let outputs = BTreeMap::from([(
        "x".to_string(),
        OutputValue {
            value: json!("hi"),
            ty: json!("string"),
            sensitive: false,
        },
    )]);
    assert_eq!(ok(s.set_outputs("prod", outputs.clone())), 2);
    assert_eq!(
        ok(s.set_outputs("prod", outputs.clone())),
        2,
        "no change, no version"
    );
    ok(put(&s, "default", inst("d", 1)));

    let fresh = store(s.settings());
    let st = ok(fresh.load("prod"));
    assert_eq!(st.serial, 2);
    assert_eq!(
        st.resources.get("null_resource.a").map(|i| &**i),
        Some(&inst("a", 1))
    );
    assert_eq!(st.outputs, outputs);
    assert_eq!(ok(fresh.open_intents("prod")), vec![]);
    assert_eq!(ok(fresh.environments()), ["default", "prod"]);
    // Terraform's layout: `env:/<env>/<key>`, and Terraform's JSON.
    let exported = ok(fresh.export("prod"));
    assert_eq!(exported["serial"], json!(2));
    assert!(exported.get("infra_s3").is_none());
}

#[test]
fn the_lock_is_exclusive_and_names_its_holder() {
    let s = bucket("lock-exclusive", true);
    let other = store(s.settings());
    let mut info = LockInfo::new("apply");
    info.info = "plan file p.tfplan".into();
    let held = ok(s.lock("default", info, Duration::ZERO));
    let err = other.lock("default", LockInfo::new("plan"), Duration::from_millis(600));
    match err {
        Err(StateError::Locked { env, holder }) => {
            assert_eq!(env, "default");
            assert_eq!(holder.id, held.id());
            assert_eq!(holder.operation, "apply");
            assert_eq!(holder.who, infra_state::who());
            assert_eq!(holder.pid, std::process::id());
            assert_eq!(holder.info, "plan file p.tfplan");
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    // Another environment has its own lock.
    drop(ok(other.lock(
        "prod",
        LockInfo::new("plan"),
        Duration::ZERO,
    )));
    assert!(matches!(
        other.force_unlock("default", "not-the-id"),
        Err(StateError::LockIdMismatch { .. })
    ));
    ok(held.unlock());
    let again = ok(other.lock("default", LockInfo::new("apply"), Duration::ZERO));
    // force-unlock by ID frees a lock whose holder is stuck.
    ok(s.force_unlock("default", again.id()));
    assert!(matches!(
        s.force_unlock("default", again.id()),
        Err(StateError::NotLocked { .. })
    ));
    drop(again); // its release sees the lock is no longer its own and leaves it alone
    drop(ok(s.lock(
        "default",
        LockInfo::new("apply"),
        Duration::ZERO,
    )));
}

#[test]
fn of_many_simultaneous_lockers_exactly_one_wins() {
    let s = bucket("lock-race", true);
    let settings = s.settings().clone();
    for round in 0..5 {
        let barrier = Arc::new(Barrier::new(6));
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let (b, st) = (Arc::clone(&barrier), store(&settings));
                std::thread::spawn(move || {
                    b.wait();
                    st.lock("default", LockInfo::new("apply"), Duration::ZERO)
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().ok()).collect();
        let winners = results.iter().filter(|r| matches!(r, Some(Ok(_)))).count();
        let losers = results
            .iter()
            .filter(|r| matches!(r, Some(Err(StateError::Locked { .. }))))
            .count();
        assert_eq!((winners, losers), (1, 5), "round {round}");
    }
}

#[test]
fn a_concurrent_writer_is_detected_and_nothing_is_overwritten() {
    let s = bucket("concurrent-writer", true);
    ok(put(&s, "default", inst("base", 1)));
    let (a, b) = (store(s.settings()), store(s.settings()));
    assert_eq!(ok(a.load("default")).serial, 1);
    assert_eq!(ok(b.load("default")).serial, 1);
    assert_eq!(ok(put(&a, "default", inst("from_a", 1))), 2);
    let err = put(&b, "default", inst("from_b", 1));
    match err {
        Err(StateError::Conflict(msg)) => {
            assert!(msg.contains("changed by another writer"), "{msg}");
            assert!(
                msg.contains("s3://concurrent-writer/app/terraform.tfstate"),
                "{msg}"
            );
            assert!(msg.contains("PreconditionFailed"), "{msg}");
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let now = ok(store(s.settings()).load("default"));
    assert_eq!(now.serial, 2);
    assert!(now.resources.contains_key("null_resource.from_a"));
    assert!(!now.resources.contains_key("null_resource.from_b"));
    // Having read the new state, b writes on top of it.
    ok(b.load("default"));
    assert_eq!(ok(put(&b, "default", inst("from_b", 1))), 3);
    // A first write races too: two stores that saw no object both use If-None-Match.
    let (c, d) = (store(s.settings()), store(s.settings()));
    assert_eq!(ok(c.load("fresh")).serial, 0);
    assert_eq!(ok(d.load("fresh")).serial, 0);
    ok(put(&c, "fresh", inst("c", 1)));
    assert!(matches!(
        put(&d, "fresh", inst("d", 1)),
        Err(StateError::Conflict(_))
    ));
}

#[test]
fn history_snapshots_and_rollback_come_from_object_versions() {
    let s = bucket("history", true);
    ok(put(&s, "default", inst("a", 1)));
    ok(put(&s, "default", inst("b", 1)));
    ok(put(&s, "default", inst("a", 2)));
    ok(s.move_instance("default", "null_resource.b", "null_resource.c"));
    let fresh = store(s.settings());
    let h = ok(fresh.history("default"));
    let serials: Vec<u64> = h.iter().map(|v| v.serial).collect();
    assert_eq!(serials, [1, 2, 3, 4]);
    assert_eq!(h[2].changes[0].kind, ChangeKind::Update);
    assert_eq!(h[3].operation, "state mv");
    assert_eq!(h[3].changes.len(), 2);
    let changes = ok(fresh.version_changes("default", 3));
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].subject,
        Subject::Instance("null_resource.a".into())
    );
    assert_eq!(
        changes[0]
            .before
            .as_ref()
            .map(|b| b["attributes"]["v"].clone()),
        Some(json!(1))
    );
    assert_eq!(
        changes[0]
            .after
            .as_ref()
            .map(|b| b["attributes"]["v"].clone()),
        Some(json!(2))
    );
    let at1 = ok(fresh.snapshot_at("default", 1));
    assert_eq!(at1.serial, 1);
    assert_eq!(
        at1.resources.keys().collect::<Vec<_>>(),
        ["null_resource.a"]
    );
    assert_eq!(ok(fresh.snapshot_at("default", 0)).resources.len(), 0);
    assert!(matches!(
        fresh.snapshot_at("default", 9),
        Err(StateError::NoSuchVersion { latest: 4, .. })
    ));
    assert_eq!(ok(fresh.rollback("default", 1)), 5);
    let now = ok(fresh.load("default"));
    assert_eq!(now.resources, at1.resources);
    let h = ok(fresh.history("default"));
    assert_eq!(
        (h[4].operation.as_str(), h[4].note.as_str()),
        ("rollback", "to serial 1")
    );
    assert_eq!(ok(fresh.remove("default", "null_resource.a")), 6);
    assert!(matches!(
        fresh.remove("default", "null_resource.a"),
        Err(StateError::NotFound(_))
    ));
}

#[test]
fn intents_survive_the_process_and_add_no_history() {
    let s = bucket("intents", true);
    ok(put(&s, "default", inst("a", 1)));
    let intent = Intent {
        address: "null_resource.b".into(),
        action: "create".into(),
        marker: "infra-intent-1".into(),
        planned: json!({"v": 2}),
    };
    let id = ok(s.begin_intent("default", intent.clone()));
    drop(s);
    let after = store(&settings("intents"));
    let open = ok(after.open_intents("default"));
    assert_eq!(open.len(), 1);
    assert_eq!(
        (
            open[0].id,
            open[0].address.as_str(),
            open[0].marker.as_str()
        ),
        (id, "null_resource.b", "infra-intent-1")
    );
    assert_eq!(open[0].planned, json!({"v": 2}));
    assert_eq!(
        ok(after.history("default")).len(),
        1,
        "recording an intent is not a version"
    );
    ok(after.resolve_intent("default", id));
    ok(after.resolve_intent("default", id)); // again: harmless
    assert!(matches!(
        after.resolve_intent("default", 99),
        Err(StateError::IntentNotFound { .. })
    ));
    assert_eq!(ok(after.open_intents("default")), vec![]);
    assert_eq!(ok(after.load("default")).serial, 1);
}

#[test]
fn an_unversioned_bucket_is_diagnosed_before_anything_is_written() {
    let s = bucket("unversioned", false);
    let err = put(&s, "default", inst("a", 1))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("versioning is not enabled on the bucket `unversioned`"),
        "{err}"
    );
    assert!(err.contains("put-bucket-versioning"), "{err}");
    assert_eq!(ok(s.load("default")).serial, 0);
}

#[test]
fn a_missing_bucket_is_named() {
    let s = store(&settings("no-such-bucket"));
    let err = s
        .load("default")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains(
            "S3 GetObject of `s3://no-such-bucket/app/terraform.tfstate` failed with NoSuchBucket"
        ),
        "{err}"
    );
    assert!(err.contains("does not exist"), "{err}");
}
