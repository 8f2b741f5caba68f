//! The SQLite store's behaviour through the `StateStore` trait: changes and serials, intents,
//! outputs, history, past states and rollback, `state rm`/`mv`, whole-state replacement, and
//! concurrent commits.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::{instance, temp_store, with_id};
use infra_state::{
    from_json, Change, ChangeKind, Intent, OutputValue, StateError, StateSnapshot, StateStore,
    Subject,
};
use serde_json::json;

fn change(address: &str, new: Option<infra_state::ResourceInstance>) -> Change {
    Change {
        address: address.into(),
        new,
        intent: None,
        operation: "apply".into(),
    }
}

#[test]
fn an_environment_without_state_is_empty_and_not_persisted() {
    let (_dir, store) = temp_store();
    let a = store.load("prod").expect("load");
    let b = store.load("prod").expect("load");
    assert_eq!((a.serial, a.resources.len(), a.outputs.len()), (0, 0, 0));
    assert_eq!(a.lineage.len(), 36);
    assert_eq!(
        a.lineage, b.lineage,
        "the lineage is known and stable before the first write"
    );
    assert_ne!(
        a.lineage,
        store.load("dev").expect("load").lineage,
        "each environment has its own"
    );
    let (_dir2, other) = temp_store();
    assert_ne!(
        a.lineage,
        other.load("prod").expect("load").lineage,
        "each database has its own"
    );
    assert!(store.environments().expect("environments").is_empty());
    assert!(store.history("prod").expect("history").is_empty());
    assert_eq!(
        store
            .commit_change("prod", change("null_resource.x", None))
            .ok(),
        Some(0)
    );
    assert!(
        store.environments().expect("environments").is_empty(),
        "removing nothing creates nothing"
    );
    let reopened = infra_state::SqliteStore::open(store.path()).expect("reopen");
    assert_eq!(
        reopened.load("prod").expect("load").lineage,
        a.lineage,
        "stable across processes"
    );
    let x = with_id("null_resource.x", "1");
    store
        .commit_change("prod", change("null_resource.x", Some(x)))
        .expect("commit");
    assert_eq!(
        store.load("prod").expect("load").lineage,
        a.lineage,
        "the first write adopts it"
    );
}

#[test]
fn commits_bump_the_serial_and_are_logged() {
    let (_dir, store) = temp_store();
    let r0 = with_id("null_resource.r[0]", "a");
    assert_eq!(
        store
            .commit_change("dev", change("null_resource.r[0]", Some(r0.clone())))
            .ok(),
        Some(1)
    );
    let lineage = store.load("dev").expect("load").lineage;
    let r0b = with_id("null_resource.r[0]", "b");
    assert_eq!(
        store
            .commit_change("dev", change("null_resource.r[0]", Some(r0b.clone())))
            .ok(),
        Some(2)
    );
    // Same value again: nothing changes, no version.
    assert_eq!(
        store
            .commit_change("dev", change("null_resource.r[0]", Some(r0b.clone())))
            .ok(),
        Some(2)
    );
    assert_eq!(
        store
            .commit_change("dev", change("null_resource.r[0]", None))
            .ok(),
        Some(3)
    );
    // Removing what is gone changes nothing.
    assert_eq!(
        store
            .commit_change("dev", change("null_resource.r[0]", None))
            .ok(),
        Some(3)
    );

    let state = store.load("dev").expect("load");
    assert_eq!(
        (state.serial, state.resources.len(), state.lineage.as_str()),
        (3, 0, lineage.as_str())
    );
    let h = store.history("dev").expect("history");
    let kinds: Vec<_> = h
        .iter()
        .map(|v| (v.serial, v.changes[0].kind, v.address().map(str::to_string)))
        .collect();
    let addr = Some("null_resource.r[0]".to_string());
    assert_eq!(
        kinds,
        [
            (1, ChangeKind::Create, addr.clone()),
            (2, ChangeKind::Update, addr.clone()),
            (3, ChangeKind::Delete, addr)
        ]
    );
    assert!(h
        .iter()
        .all(|v| v.operation == "apply" && v.who.contains('@')));
    let c = store.version_changes("dev", 2).expect("changes");
    assert_eq!(c.len(), 1);
    assert_eq!(
        c[0].before.as_ref().map(|b| b["attributes"]["id"].clone()),
        Some(json!("a"))
    );
    assert_eq!(
        c[0].after.as_ref().map(|a| a["attributes"]["id"].clone()),
        Some(json!("b"))
    );
    assert_eq!(store.environments().ok(), Some(vec!["dev".to_string()]));
}

#[test]
fn a_change_must_carry_its_own_address() {
    let (_dir, store) = temp_store();
    let err = store.commit_change(
        "dev",
        change("null_resource.a", Some(with_id("null_resource.b", "1"))),
    );
    assert_eq!(
        err.map_err(|e| e.to_string()),
        Err("the change for `null_resource.a` carries an instance whose address is `null_resource.b`".into())
    );
    assert!(
        store.environments().expect("environments").is_empty(),
        "nothing was written"
    );
}

#[test]
fn intents_are_durable_until_resolved_by_their_change() {
    let (_dir, store) = temp_store();
    let planned = json!({"id": null, "triggers": {"x": "1"}});
    let id = store
        .begin_intent(
            "prod",
            Intent {
                address: "null_resource.x".into(),
                action: "create".into(),
                marker: "m-1".into(),
                planned: planned.clone(),
            },
        )
        .expect("intent");
    let other = store
        .begin_intent(
            "prod",
            Intent {
                address: "null_resource.y".into(),
                action: "delete".into(),
                marker: "m-2".into(),
                planned: json!(null),
            },
        )
        .expect("intent");
    let open = store.open_intents("prod").expect("open intents");
    assert_eq!(
        open.iter()
            .map(|i| (i.id, i.marker.as_str()))
            .collect::<Vec<_>>(),
        [(id, "m-1"), (other, "m-2")]
    );
    assert_eq!(open[0].planned, planned);
    assert_eq!(open[0].environment, "prod");

    let mut c = change("null_resource.x", Some(with_id("null_resource.x", "1")));
    c.intent = Some(id);
    assert_eq!(store.commit_change("prod", c).ok(), Some(1));
    assert_eq!(
        store
            .open_intents("prod")
            .expect("open")
            .iter()
            .map(|i| i.id)
            .collect::<Vec<_>>(),
        [other]
    );

    store.resolve_intent("prod", other).expect("resolve");
    store
        .resolve_intent("prod", other)
        .expect("resolving twice is harmless");
    assert!(store.open_intents("prod").expect("open").is_empty());
    assert!(matches!(
        store.resolve_intent("prod", 999),
        Err(StateError::IntentNotFound { id: 999, .. })
    ));
    assert!(matches!(
        store.resolve_intent("dev", id),
        Err(StateError::IntentNotFound { .. })
    ));

    // A failed commit leaves its intent open (the transaction is all or nothing).
    let id3 = store
        .begin_intent(
            "prod",
            Intent {
                address: "null_resource.z".into(),
                action: "create".into(),
                marker: "m-3".into(),
                planned: json!(null),
            },
        )
        .expect("intent");
    let mut bad = change("null_resource.z", Some(with_id("null_resource.q", "1")));
    bad.intent = Some(id3);
    assert!(store.commit_change("prod", bad).is_err());
    assert_eq!(store.open_intents("prod").expect("open").len(), 1);
    assert_eq!(store.load("prod").expect("load").serial, 1);
}

fn out(v: serde_json::Value, ty: serde_json::Value, sensitive: bool) -> OutputValue {
    OutputValue {
        value: v,
        ty,
        sensitive,
    }
}

#[test]
fn outputs_are_replaced_as_one_version() {
    let (_dir, store) = temp_store();
    let mut o = BTreeMap::new();
    o.insert("a".to_string(), out(json!("x"), json!("string"), false));
    o.insert("pw".to_string(), out(json!("s"), json!("string"), true));
    assert_eq!(store.set_outputs("dev", o.clone()).ok(), Some(1));
    assert_eq!(
        store.set_outputs("dev", o.clone()).ok(),
        Some(1),
        "unchanged outputs add no version"
    );
    o.remove("a");
    o.insert(
        "l".to_string(),
        out(json!([1, 2]), json!(["list", "number"]), false),
    );
    assert_eq!(store.set_outputs("dev", o.clone()).ok(), Some(2));
    assert_eq!(store.load("dev").expect("load").outputs, o);
    let v2 = &store.history("dev").expect("history")[1];
    assert_eq!(v2.operation, "outputs");
    let subjects: Vec<_> = v2
        .changes
        .iter()
        .map(|c| (c.subject.to_string(), c.kind))
        .collect();
    assert_eq!(
        subjects,
        [
            ("output.a".into(), ChangeKind::Delete),
            ("output.l".into(), ChangeKind::Create)
        ]
    );
    assert_eq!(
        store.snapshot_at("dev", 1).expect("snapshot").outputs.len(),
        2
    );
}

#[test]
fn past_states_are_reconstructed_and_rollback_appends() {
    let (_dir, store) = temp_store();
    let env = "staging";
    let mut expected: Vec<StateSnapshot> = vec![StateSnapshot::default()];
    for i in 0..6 {
        let addr = format!("null_resource.r[{}]", i % 3);
        let new = if i == 4 {
            None
        } else {
            Some(with_id(&addr, &format!("v{i}")))
        };
        store
            .commit_change(env, change(&addr, new))
            .expect("commit");
        expected.push(store.load(env).expect("load"));
    }
    let mut o = BTreeMap::new();
    o.insert("x".to_string(), out(json!(1), json!("number"), false));
    store.set_outputs(env, o).expect("outputs");
    expected.push(store.load(env).expect("load"));

    for (serial, want) in expected.iter().enumerate().skip(1) {
        let got = store.snapshot_at(env, serial as u64).expect("snapshot");
        assert_eq!(
            (&got.resources, &got.outputs, got.serial),
            (&want.resources, &want.outputs, serial as u64)
        );
    }
    assert!(store
        .snapshot_at(env, 0)
        .expect("snapshot 0")
        .resources
        .is_empty());
    assert!(matches!(
        store.snapshot_at(env, 99),
        Err(StateError::NoSuchVersion { latest: 7, .. })
    ));

    let serial = store.rollback(env, 2).expect("rollback");
    assert_eq!(serial, 8);
    let now = store.load(env).expect("load");
    assert_eq!(
        (&now.resources, &now.outputs),
        (&expected[2].resources, &expected[2].outputs)
    );
    let last = store
        .history(env)
        .expect("history")
        .pop()
        .expect("a version");
    assert_eq!(
        (last.operation.as_str(), last.note.as_str()),
        ("rollback", "to serial 2")
    );
    assert_eq!(
        store.rollback(env, 2).ok(),
        Some(8),
        "already there: no new version"
    );
    // History is kept: rolling forward again works.
    assert_eq!(store.rollback(env, 7).ok(), Some(9));
    assert_eq!(
        store.load(env).expect("load").resources,
        expected[7].resources
    );
    assert_eq!(store.history(env).expect("history").len(), 9);
}

#[test]
fn state_rm_and_mv() {
    let (_dir, store) = temp_store();
    let env = "default";
    store
        .commit_change(
            env,
            change(
                "null_resource.a[0]",
                Some(with_id("null_resource.a[0]", "1")),
            ),
        )
        .expect("commit");
    store
        .commit_change(
            env,
            change("null_resource.b", Some(with_id("null_resource.b", "2"))),
        )
        .expect("commit");

    assert_eq!(
        store
            .move_instance(
                env,
                "null_resource.a[0]",
                "module.m[\"k\"].null_resource.c[\"x\"]"
            )
            .ok(),
        Some(3)
    );
    let s = store.load(env).expect("load");
    let moved = &s.resources["module.m[\"k\"].null_resource.c[\"x\"]"];
    assert_eq!(
        (moved.attributes["id"].clone(), moved.name.as_str()),
        (json!("1"), "c")
    );
    assert!(!s.resources.contains_key("null_resource.a[0]"));
    let mv = store.history(env).expect("history").pop().expect("version");
    assert_eq!(mv.operation, "state mv");
    assert_eq!(mv.changes.len(), 2);

    let e = |r: Result<u64, StateError>| r.map_err(|e| e.to_string());
    assert_eq!(
        e(store.move_instance(env, "null_resource.nope", "null_resource.x")),
        Err("resource instance `null_resource.nope` is not in the state".into())
    );
    assert_eq!(
        e(store.move_instance(env, "null_resource.b", "module.m[\"k\"].null_resource.c[\"x\"]")),
        Err("cannot move `null_resource.b` to `module.m[\"k\"].null_resource.c[\"x\"]`: `module.m[\"k\"].null_resource.c[\"x\"]` is already in the state; remove it first or choose another address".into())
    );
    assert_eq!(
        e(store.move_instance(env, "null_resource.b", "aws_instance.b")),
        Err("cannot move `null_resource.b` to `aws_instance.b`: an instance can only move to an address of the same resource type (`null_resource`)".into())
    );
    assert!(matches!(
        store.move_instance(env, "null_resource.b", "module.x"),
        Err(StateError::InvalidAddress { .. })
    ));

    assert_eq!(store.remove(env, "null_resource.b").ok(), Some(4));
    assert_eq!(
        e(store.remove(env, "null_resource.b")),
        Err("resource instance `null_resource.b` is not in the state".into())
    );
    assert_eq!(
        store
            .history(env)
            .expect("history")
            .pop()
            .map(|v| v.operation),
        Some("state rm".into())
    );
    // An address spelled differently from its canonical form is still found.
    assert_eq!(
        store
            .remove(env, " module.m[\"k\"].null_resource.c[\"x\"]")
            .ok(),
        Some(5)
    );
    assert!(store.load(env).expect("load").resources.is_empty());
}

#[test]
fn replace_all_adopts_a_terraform_state_and_exports_it_back() {
    let (_dir, store) = temp_store();
    let path = std::path::Path::new(
        &std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../../state-fixtures/terraform/modules-data-tainted-cbd.tfstate");
    let bytes = std::fs::read(path).expect("fixture");
    let imported = from_json(&bytes).expect("terraform state");
    store
        .commit_change(
            "prod",
            change("null_resource.old", Some(with_id("null_resource.old", "1"))),
        )
        .expect("commit");
    assert_eq!(
        store
            .replace_all("prod", imported.clone(), "import-terraform")
            .ok(),
        Some(2)
    );
    let loaded = store.load("prod").expect("load");
    assert_eq!(
        (&loaded.resources, &loaded.outputs, &loaded.lineage),
        (&imported.resources, &imported.outputs, &imported.lineage)
    );
    assert_eq!(loaded.serial, 2, "serials count this store's versions");
    let mut exported = store.export("prod").expect("export");
    let mut want = infra_state::to_json(&imported);
    exported["serial"] = json!(0);
    want["serial"] = json!(0);
    assert_eq!(exported, want);
    let v = store
        .history("prod")
        .expect("history")
        .pop()
        .expect("version");
    assert_eq!(
        (v.operation.as_str(), v.changes.len()),
        (
            "import-terraform",
            imported.resources.len() + imported.outputs.len() + 1
        )
    );
    assert_eq!(
        store
            .replace_all("prod", imported.clone(), "state push")
            .ok(),
        Some(2),
        "same state: nothing to do"
    );

    let mut bad = imported;
    let first = bad.resources.keys().next().cloned().unwrap_or_default();
    if let Some(i) = bad.resources.remove(&first) {
        bad.resources.insert("null_resource.elsewhere".into(), i);
    }
    assert!(matches!(
        store.replace_all("prod", bad, "state push"),
        Err(StateError::Conflict(_))
    ));
}

#[test]
fn concurrent_commits_all_land() {
    let (_dir, store) = temp_store();
    let store = Arc::new(store);
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let store: Arc<dyn StateStore> = store.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    let addr = format!("null_resource.t{t}[{i}]");
                    let new = instance(&addr, json!({"id": format!("{t}-{i}")}));
                    store
                        .commit_change("prod", change(&addr, Some(new)))
                        .expect("commit");
                    store.load("prod").expect("a read alongside writes");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    let s = store.load("prod").expect("load");
    assert_eq!((s.serial, s.resources.len()), (200, 200));
    let h = store.history("prod").expect("history");
    assert_eq!(
        h.iter().map(|v| v.serial).collect::<Vec<_>>(),
        (1..=200).collect::<Vec<_>>()
    );
    assert!(h
        .iter()
        .all(|v| matches!(&v.changes[..], [c] if matches!(c.subject, Subject::Instance(_)))));
}

#[test]
fn invalid_environment_names_are_refused() {
    let (_dir, store) = temp_store();
    assert_eq!(
        store.load("../prod").map_err(|e| e.to_string()).err(),
        Some("invalid environment name `../prod`: use letters, digits, `-` and `_`, starting with a letter or digit, at most 64 characters".into())
    );
}

#[test]
fn the_store_is_object_safe_and_shareable() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<infra_state::SqliteStore>();
    assert_send_sync::<infra_state::StateLock>();
    let (_dir, store) = temp_store();
    let boxed: Box<dyn StateStore> = Box::new(store);
    assert_eq!(boxed.load("default").map(|s| s.serial).ok(), Some(0));
}
