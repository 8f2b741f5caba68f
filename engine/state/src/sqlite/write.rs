//! The writes of the SQLite store. Each public operation runs inside the one transaction its
//! caller (`mod.rs`) opened, so it happens entirely or not at all.
//!
//! Every write follows the same pattern: work out what changes, and if anything does, append a
//! version (bumping the serial), write the current rows, and log each subject's before and
//! after. Single-subject writes (`commit_change`, `remove`) touch only indexed rows of that
//! subject; whole-state writes (`replace_all`, `rollback`, `set_outputs`) diff against the
//! current state first, so unchanged subjects cost no row writes and no log entries.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rusqlite::params;
use serde_json::Value;

use super::read::{to_i64, EnvRow};
use super::Db;
use crate::error::StateError;
use crate::ids::Timestamp;
use crate::json::{instance_record, output_record};
use crate::model::{
    mode_str, parse_instance_address, InstanceKey, OutputValue, ResourceInstance, StateSnapshot,
};
use crate::store::{Change, Intent};

/// One subject's transition, as the version log records it.
enum Diff<'a> {
    Instance {
        address: String,
        before: Option<&'a ResourceInstance>,
        after: Option<&'a ResourceInstance>,
    },
    Output {
        name: String,
        before: Option<&'a OutputValue>,
        after: Option<&'a OutputValue>,
    },
}

fn json_text(v: &Value) -> String {
    v.to_string()
}

impl Db<'_> {
    fn db_err(&self, what: &str) -> impl FnOnce(rusqlite::Error) -> StateError {
        StateError::db(what.to_string())
    }

    pub(super) fn ensure_env(&self, env: &str) -> Result<EnvRow, StateError> {
        if let Some(row) = self.find_env(env)? {
            return Ok(row);
        }
        let now = Timestamp::now().unix_millis;
        let lineage = self.pending_lineage(env);
        self.conn
            .execute(
                "INSERT INTO environments (name, lineage, serial, created, updated) VALUES (?1, ?2, 0, ?3, ?3)",
                params![env, lineage, now],
            )
            .map_err(self.db_err(&format!("creating environment `{env}`")))?;
        Ok(EnvRow {
            id: self.conn.last_insert_rowid(),
            serial: 0,
            lineage,
        })
    }

    /// Appends version `serial + 1` and makes it the environment's current serial.
    fn new_version(
        &self,
        row: &mut EnvRow,
        operation: &str,
        lineage: &str,
        note: &str,
    ) -> Result<u64, StateError> {
        let serial = row.serial + 1;
        let now = Timestamp::now().unix_millis;
        self.conn
            .prepare_cached(
                "INSERT INTO versions (env_id, serial, time, operation, who, lineage, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    row.id,
                    to_i64(serial),
                    now,
                    operation,
                    self.who,
                    lineage,
                    note
                ])
            })
            .and_then(|_| {
                self.conn.prepare_cached(
                    "UPDATE environments SET serial = ?1, lineage = ?2, updated = ?3 WHERE id = ?4",
                )
            })
            .and_then(|mut s| s.execute(params![to_i64(serial), lineage, now, row.id]))
            .map_err(self.db_err("appending a version"))?;
        row.serial = serial;
        row.lineage = lineage.to_string();
        Ok(serial)
    }

    fn log_change(
        &self,
        env_id: i64,
        serial: u64,
        kind: &str,
        address: &str,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Result<(), StateError> {
        self.conn
            .prepare_cached(
                "INSERT INTO changes (env_id, kind, address, serial, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    env_id,
                    kind,
                    address,
                    to_i64(serial),
                    before.as_ref().map(json_text),
                    after.as_ref().map(json_text)
                ])
            })
            .map_err(self.db_err(&format!("logging the change of `{address}`")))?;
        Ok(())
    }

    fn put_instance(
        &self,
        env_id: i64,
        inst: &ResourceInstance,
        serial: u64,
    ) -> Result<(), StateError> {
        let address = inst.address();
        let index_key = inst.index.as_ref().map(|k| match k {
            InstanceKey::Int(i) => i.to_string(),
            InstanceKey::Str(s) => json_text(&Value::from(s.as_str())),
        });
        let sensitive = json_text(&Value::Array(inst.sensitive_attributes.clone()));
        let deps = json_text(&Value::Array(
            inst.dependencies
                .iter()
                .map(|d| Value::from(d.as_str()))
                .collect(),
        ));
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO instances (env_id, address, module, mode, type, name, index_key, provider,
                     schema_version, attributes, sensitive_attributes, dependencies, create_before_destroy,
                     tainted, serial)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    env_id,
                    address,
                    inst.module,
                    mode_str(inst.mode),
                    inst.type_name,
                    inst.name,
                    index_key,
                    inst.provider,
                    to_i64(inst.schema_version),
                    json_text(&inst.attributes),
                    sensitive,
                    deps,
                    inst.create_before_destroy,
                    inst.tainted,
                    to_i64(serial)
                ])
            })
            .map_err(self.db_err(&format!("writing `{address}`")))?;
        Ok(())
    }

    fn delete_instance(&self, env_id: i64, address: &str) -> Result<(), StateError> {
        self.conn
            .prepare_cached("DELETE FROM instances WHERE env_id = ?1 AND address = ?2")
            .and_then(|mut s| s.execute(params![env_id, address]))
            .map_err(self.db_err(&format!("removing `{address}`")))?;
        Ok(())
    }

    /// Applies and logs the diffs as one new version; nothing is written if there are none and
    /// the lineage stays.
    fn write_version(
        &self,
        row: &mut EnvRow,
        diffs: Vec<Diff<'_>>,
        operation: &str,
        lineage: &str,
        note: &str,
    ) -> Result<u64, StateError> {
        if diffs.is_empty() && lineage == row.lineage {
            return Ok(row.serial);
        }
        let serial = self.new_version(row, operation, lineage, note)?;
        for d in diffs {
            match d {
                Diff::Instance {
                    address,
                    before,
                    after,
                } => {
                    match after {
                        Some(i) => self.put_instance(row.id, i, serial)?,
                        None => self.delete_instance(row.id, &address)?,
                    }
                    self.log_change(
                        row.id,
                        serial,
                        "instance",
                        &address,
                        before.map(instance_record),
                        after.map(instance_record),
                    )?;
                }
                Diff::Output {
                    name,
                    before,
                    after,
                } => {
                    let r = match after {
                        Some(o) => self.conn.execute(
                            "INSERT OR REPLACE INTO outputs (env_id, name, value, type, sensitive, serial)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            params![row.id, name, json_text(&o.value), json_text(&o.ty), o.sensitive, to_i64(serial)],
                        ),
                        None => self.conn.execute("DELETE FROM outputs WHERE env_id = ?1 AND name = ?2", params![row.id, name]),
                    };
                    r.map_err(self.db_err(&format!("writing output `{name}`")))?;
                    self.log_change(
                        row.id,
                        serial,
                        "output",
                        &name,
                        before.map(output_record),
                        after.map(output_record),
                    )?;
                }
            }
        }
        Ok(serial)
    }

    pub(super) fn begin_intent(&self, env: &str, intent: &Intent) -> Result<i64, StateError> {
        let row = self.ensure_env(env)?;
        self.conn
            .prepare_cached(
                "INSERT INTO intents (env_id, address, action, marker, planned, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    row.id,
                    intent.address,
                    intent.action,
                    intent.marker,
                    json_text(&intent.planned),
                    Timestamp::now().unix_millis
                ])
            })
            .map_err(self.db_err(&format!("recording the intent for `{}`", intent.address)))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Resolves an open intent of the environment; resolving a resolved one again is harmless.
    pub(super) fn resolve_intent(
        &self,
        env: &str,
        row: &EnvRow,
        id: i64,
    ) -> Result<(), StateError> {
        let now = Timestamp::now().unix_millis;
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE intents SET resolved = ?1, resolved_serial = ?2 WHERE id = ?3 AND env_id = ?4 AND resolved IS NULL",
            )
            .and_then(|mut s| s.execute(params![now, to_i64(row.serial), id, row.id]))
            .map_err(self.db_err("resolving an intent"))?;
        if changed == 0 {
            let exists: bool = self
                .conn
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM intents WHERE id = ?1 AND env_id = ?2)",
                    params![id, row.id],
                    |r| r.get(0),
                )
                .map_err(self.db_err("resolving an intent"))?;
            if !exists {
                return Err(StateError::IntentNotFound {
                    env: env.into(),
                    id,
                });
            }
        }
        Ok(())
    }

    pub(super) fn commit_change(&self, env: &str, change: &Change) -> Result<u64, StateError> {
        if let Some(new) = &change.new {
            let actual = new.address();
            if actual != change.address {
                return Err(StateError::Conflict(format!(
                    "the change for `{}` carries an instance whose address is `{actual}`",
                    change.address
                )));
            }
        }
        let mut row = match (self.find_env(env)?, &change.new) {
            (Some(row), _) => row,
            (None, Some(_)) => self.ensure_env(env)?,
            (None, None) => {
                return match change.intent {
                    Some(id) => Err(StateError::IntentNotFound {
                        env: env.into(),
                        id,
                    }),
                    None => Ok(0),
                }
            }
        };
        let before = self.read_instance(row.id, &change.address)?;
        let diffs = if before.as_ref() == change.new.as_ref() {
            Vec::new()
        } else {
            vec![Diff::Instance {
                address: change.address.clone(),
                before: before.as_ref(),
                after: change.new.as_ref(),
            }]
        };
        let lineage = row.lineage.clone();
        let serial = self.write_version(&mut row, diffs, &change.operation, &lineage, "")?;
        if let Some(id) = change.intent {
            self.resolve_intent(env, &row, id)?;
        }
        Ok(serial)
    }

    pub(super) fn set_outputs(
        &self,
        env: &str,
        outputs: &BTreeMap<String, OutputValue>,
    ) -> Result<u64, StateError> {
        let existing = self.find_env(env)?;
        if existing.is_none() && outputs.is_empty() {
            return Ok(0);
        }
        let mut row = match existing {
            Some(r) => r,
            None => self.ensure_env(env)?,
        };
        let current = self.all_outputs(row.id)?;
        let diffs = output_diffs(&current, outputs);
        let lineage = row.lineage.clone();
        self.write_version(&mut row, diffs, "outputs", &lineage, "")
    }

    /// Finds an instance by its address as given, or else as spelled canonically.
    fn find_instance(
        &self,
        env_id: i64,
        address: &str,
    ) -> Result<Option<ResourceInstance>, StateError> {
        if let Some(i) = self.read_instance(env_id, address)? {
            return Ok(Some(i));
        }
        match parse_instance_address(address) {
            Ok(a) if a.to_string() != address => self.read_instance(env_id, &a.to_string()),
            _ => Ok(None),
        }
    }

    pub(super) fn remove(&self, env: &str, address: &str) -> Result<u64, StateError> {
        let not_found = || StateError::NotFound(address.to_string());
        let mut row = self.find_env(env)?.ok_or_else(not_found)?;
        let before = self.find_instance(row.id, address)?.ok_or_else(not_found)?;
        let diffs = vec![Diff::Instance {
            address: before.address(),
            before: Some(&before),
            after: None,
        }];
        let lineage = row.lineage.clone();
        self.write_version(&mut row, diffs, "state rm", &lineage, "")
    }

    pub(super) fn move_instance(&self, env: &str, from: &str, to: &str) -> Result<u64, StateError> {
        let target = parse_instance_address(to)?;
        let not_found = || StateError::NotFound(from.to_string());
        let mut row = self.find_env(env)?.ok_or_else(not_found)?;
        let old = self.find_instance(row.id, from)?.ok_or_else(not_found)?;
        let (from, to) = (old.address(), target.to_string());
        if from == to {
            return Ok(row.serial);
        }
        if target.mode != old.mode || target.type_name != old.type_name {
            return Err(StateError::Conflict(format!(
                "cannot move `{from}` to `{to}`: an instance can only move to an address of the same \
                 resource type (`{}`)",
                old.resource_local().rsplit_once('.').map(|(t, _)| t).unwrap_or_default()
            )));
        }
        if self.read_instance(row.id, &to)?.is_some() {
            return Err(StateError::Conflict(format!(
                "cannot move `{from}` to `{to}`: `{to}` is already in the state; remove it first or choose another \
                 address"
            )));
        }
        let new = ResourceInstance {
            module: target.module,
            name: target.name,
            index: target.index,
            ..old.clone()
        };
        let diffs = vec![
            Diff::Instance {
                address: from,
                before: Some(&old),
                after: None,
            },
            Diff::Instance {
                address: to,
                before: None,
                after: Some(&new),
            },
        ];
        let lineage = row.lineage.clone();
        self.write_version(&mut row, diffs, "state mv", &lineage, "")
    }

    pub(super) fn replace_all(
        &self,
        env: &str,
        snapshot: &StateSnapshot,
        operation: &str,
    ) -> Result<u64, StateError> {
        if let Some((key, inst)) = snapshot.resources.iter().find(|(k, i)| **k != i.address()) {
            return Err(StateError::Conflict(format!(
                "the snapshot lists the instance `{}` under the address `{key}`",
                inst.address()
            )));
        }
        let mut row = self.ensure_env(env)?;
        let lineage = if snapshot.lineage.trim().is_empty() {
            row.lineage.clone()
        } else {
            snapshot.lineage.clone()
        };
        let current_instances = self.all_instances(row.id)?;
        let current_outputs = self.all_outputs(row.id)?;
        let mut diffs = instance_diffs(&current_instances, &snapshot.resources);
        diffs.extend(output_diffs(&current_outputs, &snapshot.outputs));
        self.write_version(&mut row, diffs, operation, &lineage, "")
    }

    pub(super) fn rollback(&self, env: &str, serial: u64) -> Result<u64, StateError> {
        let Some(mut row) = self.find_env(env)? else {
            return if serial == 0 {
                Ok(0)
            } else {
                Err(StateError::NoSuchVersion {
                    env: env.into(),
                    serial,
                    latest: 0,
                })
            };
        };
        let target = self.snapshot_at_row(env, &row, serial)?;
        let current_instances = self.all_instances(row.id)?;
        let current_outputs = self.all_outputs(row.id)?;
        let mut diffs = instance_diffs(&current_instances, &target.resources);
        diffs.extend(output_diffs(&current_outputs, &target.outputs));
        self.write_version(
            &mut row,
            diffs,
            "rollback",
            &target.lineage,
            &format!("to serial {serial}"),
        )
    }
}

fn instance_diffs<'a>(
    current: &'a BTreeMap<String, Arc<ResourceInstance>>,
    target: &'a BTreeMap<String, Arc<ResourceInstance>>,
) -> Vec<Diff<'a>> {
    let addresses: BTreeSet<&String> = current.keys().chain(target.keys()).collect();
    addresses
        .into_iter()
        .filter_map(|a| {
            let (before, after) = (current.get(a).map(|r| &**r), target.get(a).map(|r| &**r));
            (before != after).then(|| Diff::Instance {
                address: a.clone(),
                before,
                after,
            })
        })
        .collect()
}

fn output_diffs<'a>(
    current: &'a BTreeMap<String, OutputValue>,
    target: &'a BTreeMap<String, OutputValue>,
) -> Vec<Diff<'a>> {
    let names: BTreeSet<&String> = current.keys().chain(target.keys()).collect();
    names
        .into_iter()
        .filter_map(|n| {
            let (before, after) = (current.get(n), target.get(n));
            (before != after).then(|| Diff::Output {
                name: n.clone(),
                before,
                after,
            })
        })
        .collect()
}
