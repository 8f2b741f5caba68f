//! infra's state: the model of what exists (resource instances and root outputs, values kept as
//! JSON like Terraform does), its JSON form (Terraform's state format version 4, with upgrades
//! of older infra layouts), the `StateStore` trait with its lock, intent and history contract,
//! and the SQLite store that keeps every environment's state and every version of it in one
//! database file.
//!
//! This crate depends only on `infra-core`. It must not know about configuration, providers,
//! plans or the evaluator, and it never prints: callers render its errors and history.
//!
//! ```no_run
//! use infra_state::{Change, LockInfo, SqliteStore, StateStore};
//! # fn main() -> Result<(), infra_state::StateError> {
//! let store = SqliteStore::open(".infra/state.db")?;
//! let _lock = store.lock("prod", LockInfo::new("apply"), std::time::Duration::from_secs(5))?;
//! let state = store.load("prod")?;
//! println!("{} instances at serial {}", state.resources.len(), state.serial);
//! # Ok(()) }
//! ```

mod error;
mod ids;
mod json;
mod model;
mod sqlite;
mod store;
mod upgrade;

pub use error::StateError;
pub use ids::{derived_uuid, host_name, new_uuid, who, Timestamp};
pub use json::{
    from_json, from_value, instance_from_record, instance_record, output_from_record,
    output_record, to_json, to_json_string, TERRAFORM_VERSION,
};
pub use model::{
    format_address, parse_instance_address, InstanceAddress, InstanceKey, OutputValue,
    ResourceInstance, ResourceMode, StateSnapshot,
};
pub use sqlite::{SqliteStore, SCHEMA_VERSION};
pub use store::{
    Change, ChangeKind, ChangeSummary, Intent, IntentRow, LockInfo, ReleaseFn, StateLock,
    StateStore, Subject, VersionChange, VersionRow,
};
pub use upgrade::{upgrade, INFRA_FORMAT};
