//! Helpers shared by the store tests: temp stores and small instances.
#![allow(dead_code)]

use infra_state::{parse_instance_address, ResourceInstance, SqliteStore};
use serde_json::{json, Value};

/// A store in a fresh temporary directory (kept alive by the returned guard).
pub fn temp_store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path().join(".infra/state.db")).expect("open store");
    (dir, store)
}

/// A null provider instance at `address` with the given attributes.
pub fn instance(address: &str, attributes: Value) -> ResourceInstance {
    let a = parse_instance_address(address).expect("valid address");
    ResourceInstance {
        module: a.module,
        mode: a.mode,
        type_name: a.type_name,
        name: a.name,
        index: a.index,
        provider: "provider[\"registry.terraform.io/hashicorp/null\"]".into(),
        attributes,
        ..ResourceInstance::default()
    }
}

/// `instance(address, {"id": id})`.
pub fn with_id(address: &str, id: &str) -> ResourceInstance {
    instance(address, json!({ "id": id }))
}

/// A random number from the OS (no rand crate).
pub fn random_u64() -> u64 {
    let id = infra_state::new_uuid().replace('-', "");
    u64::from_str_radix(&id[..16], 16).unwrap_or(7)
}
