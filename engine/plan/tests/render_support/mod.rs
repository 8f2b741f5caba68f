//! Shared by the `render_*` tests: terse builders for hand-made plans and a small snapshot
//! check (plain files under `tests/snapshots/`, rewritten with `UPDATE_SNAPSHOTS=1`).
//!
//! A plain-file helper instead of `insta`: the snapshots are a handful of colour-free texts and
//! the crate already depends on `similar` for the failure diff, so no new dependency is needed.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use infra_core::addr::{parse_target, ResourceInstanceAddr, Target};
use infra_core::{Number, Type, Value};
use infra_plan::{Action, OutputChange, Plan, PlanMode, Reason, ResourceChange};
use infra_provider::AttrPath;
use infra_state::StateSnapshot;

pub const NULL_PROVIDER: &str = "provider[\"registry.terraform.io/hashicorp/null\"]";

pub fn snapshot_path(name: &str) -> PathBuf {
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name)
}

/// Compares `actual` with the snapshot file `name`; `UPDATE_SNAPSHOTS=1` rewrites it instead.
#[track_caller]
pub fn assert_snapshot(name: &str, actual: &str) {
    let path = snapshot_path(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "snapshot {} is missing ({e}); run with UPDATE_SNAPSHOTS=1 to create it",
            path.display()
        )
    });
    assert_text_eq(&expected, actual, name);
}

#[track_caller]
pub fn assert_text_eq(expected: &str, actual: &str, what: &str) {
    if expected != actual {
        let diff = similar::TextDiff::from_lines(expected, actual);
        panic!(
            "{what} differs (- expected, + actual):\n{}",
            diff.unified_diff()
                .context_radius(3)
                .header("expected", "actual")
        );
    }
}

pub fn addr(s: &str) -> ResourceInstanceAddr {
    match parse_target(s) {
        Ok(Target::Instance(i)) => i,
        Ok(Target::Resource(r)) => r.instance(None),
        other => panic!("{s} is not a resource instance address: {other:?}"),
    }
}

pub fn s(v: &str) -> Value {
    Value::string(v)
}

pub fn n(v: &str) -> Value {
    Value::Number(Number::parse(v).expect("number literal"))
}

pub fn unknown() -> Value {
    Value::Unknown(Type::String)
}

pub fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

pub fn map(pairs: &[(&str, Value)]) -> Value {
    Value::Map(
        Type::String,
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

pub fn tuple(items: &[Value]) -> Value {
    Value::Tuple(items.to_vec())
}

pub fn strings(items: &[&str]) -> Vec<Value> {
    items.iter().map(|x| s(x)).collect()
}

pub fn change(
    address: &str,
    action: Action,
    before: Option<Value>,
    after: Option<Value>,
) -> ResourceChange {
    ResourceChange {
        addr: addr(address),
        provider: NULL_PROVIDER.to_string(),
        action,
        before,
        after,
        requires_replace: Vec::new(),
        reason: None,
        dependencies: Vec::new(),
        schema_version: 0,
    }
}

pub fn with_reason(mut c: ResourceChange, reason: Reason) -> ResourceChange {
    c.reason = Some(reason);
    c
}

pub fn forcing(mut c: ResourceChange, attrs: &[&str]) -> ResourceChange {
    c.requires_replace = attrs.iter().map(|a| AttrPath::attr(a)).collect();
    c
}

pub fn output(
    action: Action,
    before: Option<Value>,
    after: Option<Value>,
    sensitive: bool,
) -> OutputChange {
    OutputChange {
        action,
        before,
        after,
        sensitive,
    }
}

pub fn plan(changes: Vec<ResourceChange>, outputs: Vec<(&str, OutputChange)>) -> Plan {
    Plan {
        environment: "default".into(),
        mode: PlanMode::Normal,
        prior_state: StateSnapshot {
            lineage: "00000000-0000-4000-8000-000000000000".into(),
            ..StateSnapshot::default()
        },
        changes,
        outputs: outputs
            .into_iter()
            .map(|(k, o)| (k.to_string(), o))
            .collect::<BTreeMap<_, _>>(),
        config_hash: String::new(),
        variables: BTreeMap::new(),
        drift: Vec::new(),
        targeted: false,
    }
}
