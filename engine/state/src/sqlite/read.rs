//! Queries of the SQLite store: current state, history, past states, open intents, and the row
//! decoders shared with the writers. Nothing here writes.

use std::collections::BTreeMap;
use std::sync::Arc;

use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::Db;
use crate::error::StateError;
use crate::ids::Timestamp;
use crate::json::{instance_from_record, output_from_record};
use crate::model::{InstanceKey, OutputValue, ResourceInstance, ResourceMode, StateSnapshot};
use crate::store::{ChangeKind, ChangeSummary, IntentRow, Subject, VersionChange, VersionRow};

type Instances = BTreeMap<String, Arc<ResourceInstance>>;
type Outputs = BTreeMap<String, OutputValue>;

/// An environment's row.
pub(super) struct EnvRow {
    pub id: i64,
    pub serial: u64,
    pub lineage: String,
}

pub(super) const INSTANCE_COLUMNS: &str =
    "address, module, mode, type, name, index_key, provider, schema_version, \
     attributes, sensitive_attributes, dependencies, create_before_destroy, tainted";

/// An `instances` row as stored, before its JSON columns are decoded.
struct RawInstance {
    address: String,
    module: String,
    mode: String,
    type_name: String,
    name: String,
    index_key: Option<String>,
    provider: String,
    schema_version: i64,
    attributes: String,
    sensitive_attributes: String,
    dependencies: String,
    create_before_destroy: bool,
    tainted: bool,
}

fn raw_instance(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawInstance> {
    Ok(RawInstance {
        address: r.get(0)?,
        module: r.get(1)?,
        mode: r.get(2)?,
        type_name: r.get(3)?,
        name: r.get(4)?,
        index_key: r.get(5)?,
        provider: r.get(6)?,
        schema_version: r.get(7)?,
        attributes: r.get(8)?,
        sensitive_attributes: r.get(9)?,
        dependencies: r.get(10)?,
        create_before_destroy: r.get(11)?,
        tainted: r.get(12)?,
    })
}

pub(super) fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(super) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl Db<'_> {
    fn parse_json(&self, what: &str, text: &str) -> Result<Value, StateError> {
        serde_json::from_str(text)
            .map_err(|e| self.corrupt(format!("{what} is not valid JSON ({e})")))
    }

    fn decode_instance(&self, raw: RawInstance) -> Result<ResourceInstance, StateError> {
        let a = &raw.address;
        let mode = match raw.mode.as_str() {
            "managed" => ResourceMode::Managed,
            "data" => ResourceMode::Data,
            other => return Err(self.corrupt(format!("instance `{a}` has mode `{other}`"))),
        };
        let index = match raw
            .index_key
            .as_deref()
            .map(|k| self.parse_json(&format!("the key of `{a}`"), k))
        {
            None => None,
            Some(Ok(Value::String(s))) => Some(InstanceKey::Str(s)),
            Some(Ok(Value::Number(n))) if n.as_i64().is_some() => n.as_i64().map(InstanceKey::Int),
            Some(Ok(other)) => {
                return Err(self.corrupt(format!("instance `{a}` has the key `{other}`")))
            }
            Some(Err(e)) => return Err(e),
        };
        let list = |what: &str, text: &str| match self
            .parse_json(&format!("the {what} of `{a}`"), text)?
        {
            Value::Array(v) => Ok(v),
            _ => Err(self.corrupt(format!("the {what} of `{a}` is not a JSON array"))),
        };
        let sensitive_attributes = list("sensitive attributes", &raw.sensitive_attributes)?;
        let dependencies = list("dependencies", &raw.dependencies)?
            .into_iter()
            .map(|d| d.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                self.corrupt(format!("the dependencies of `{a}` are not all strings"))
            })?;
        let inst = ResourceInstance {
            module: raw.module,
            mode,
            type_name: raw.type_name,
            name: raw.name,
            index,
            provider: raw.provider,
            schema_version: to_u64(raw.schema_version),
            attributes: crate::json::compact(
                self.parse_json(&format!("the attributes of `{a}`"), &raw.attributes)?,
            ),
            sensitive_attributes,
            dependencies,
            create_before_destroy: raw.create_before_destroy,
            tainted: raw.tainted,
        };
        if inst.address() != raw.address {
            return Err(self.corrupt(format!(
                "the instance stored as `{a}` has the address `{}`",
                inst.address()
            )));
        }
        Ok(inst)
    }

    pub(super) fn find_env(&self, env: &str) -> Result<Option<EnvRow>, StateError> {
        self.conn
            .prepare_cached("SELECT id, serial, lineage FROM environments WHERE name = ?1")
            .and_then(|mut s| {
                s.query_row([env], |r| {
                    Ok(EnvRow {
                        id: r.get(0)?,
                        serial: to_u64(r.get(1)?),
                        lineage: r.get(2)?,
                    })
                })
                .optional()
            })
            .map_err(StateError::db(format!("reading environment `{env}`")))
    }

    pub(super) fn environments(&self) -> Result<Vec<String>, StateError> {
        self.conn
            .prepare("SELECT name FROM environments ORDER BY name")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(StateError::db("listing environments"))
    }

    pub(super) fn read_instance(
        &self,
        env_id: i64,
        address: &str,
    ) -> Result<Option<ResourceInstance>, StateError> {
        let raw = self
            .conn
            .prepare_cached(&format!(
                "SELECT {INSTANCE_COLUMNS} FROM instances WHERE env_id = ?1 AND address = ?2"
            ))
            .and_then(|mut s| {
                s.query_row(params![env_id, address], raw_instance)
                    .optional()
            })
            .map_err(StateError::db(format!("reading `{address}`")))?;
        raw.map(|r| self.decode_instance(r)).transpose()
    }

    pub(super) fn all_instances(&self, env_id: i64) -> Result<Instances, StateError> {
        let raws: Vec<RawInstance> = self
            .conn
            .prepare(&format!(
                "SELECT {INSTANCE_COLUMNS} FROM instances WHERE env_id = ?1"
            ))
            .and_then(|mut s| s.query_map([env_id], raw_instance)?.collect())
            .map_err(StateError::db("reading the instances"))?;
        let mut out = BTreeMap::new();
        for raw in raws {
            let inst = self.decode_instance(raw)?;
            out.insert(inst.address(), Arc::new(inst));
        }
        Ok(out)
    }

    pub(super) fn all_outputs(&self, env_id: i64) -> Result<Outputs, StateError> {
        let rows: Vec<(String, String, String, bool)> = self
            .conn
            .prepare_cached("SELECT name, value, type, sensitive FROM outputs WHERE env_id = ?1")
            .and_then(|mut s| {
                s.query_map([env_id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect()
            })
            .map_err(StateError::db("reading the outputs"))?;
        let mut out = BTreeMap::new();
        for (name, value, ty, sensitive) in rows {
            let value = self.parse_json(&format!("output `{name}`"), &value)?;
            let ty = self.parse_json(&format!("the type of output `{name}`"), &ty)?;
            out.insert(
                name,
                OutputValue {
                    value,
                    ty,
                    sensitive,
                },
            );
        }
        Ok(out)
    }

    pub(super) fn load(&self, env: &str) -> Result<StateSnapshot, StateError> {
        let Some(row) = self.find_env(env)? else {
            return Ok(StateSnapshot {
                lineage: self.pending_lineage(env),
                ..StateSnapshot::default()
            });
        };
        Ok(StateSnapshot {
            lineage: row.lineage,
            serial: row.serial,
            resources: self.all_instances(row.id)?,
            outputs: self.all_outputs(row.id)?,
        })
    }

    /// The instances and outputs as of `serial`: for every subject, the `after` of its latest
    /// change at or before `serial`. (SQLite takes the bare columns of a `MAX()` aggregate from
    /// the row holding the maximum.)
    pub(super) fn state_at(
        &self,
        env_id: i64,
        serial: u64,
    ) -> Result<(Instances, Outputs), StateError> {
        let rows: Vec<(String, String, Option<String>)> = self
            .conn
            .prepare_cached(
                "SELECT kind, address, after, MAX(serial) FROM changes
                 WHERE env_id = ?1 AND serial <= ?2 GROUP BY kind, address",
            )
            .and_then(|mut s| {
                s.query_map(params![env_id, to_i64(serial)], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?
                .collect()
            })
            .map_err(StateError::db(format!("reconstructing version {serial}")))?;
        let mut instances = BTreeMap::new();
        let mut outputs = BTreeMap::new();
        for (kind, address, after) in rows {
            let Some(after) = after else { continue };
            let v = self.parse_json(&format!("the version log entry of `{address}`"), &after)?;
            if kind == "output" {
                let o = output_from_record(&address, &v).map_err(|e| self.corrupt(e))?;
                outputs.insert(address, o);
            } else {
                let i = instance_from_record(&v)
                    .map_err(|e| self.corrupt(format!("version log of `{address}`: {e}")))?;
                instances.insert(address, Arc::new(i));
            }
        }
        Ok((instances, outputs))
    }

    /// The lineage recorded with version `serial` (for 0, the first version's).
    fn lineage_at(&self, env: &EnvRow, serial: u64) -> Result<String, StateError> {
        let found: Option<String> = self
            .conn
            .query_row(
                "SELECT lineage FROM versions WHERE env_id = ?1 AND serial = ?2",
                params![env.id, to_i64(serial.max(1))],
                |r| r.get(0),
            )
            .optional()
            .map_err(StateError::db("reading a version"))?;
        Ok(found.unwrap_or_else(|| env.lineage.clone()))
    }

    pub(super) fn snapshot_at_row(
        &self,
        env: &str,
        row: &EnvRow,
        serial: u64,
    ) -> Result<StateSnapshot, StateError> {
        if serial > row.serial {
            return Err(StateError::NoSuchVersion {
                env: env.into(),
                serial,
                latest: row.serial,
            });
        }
        let (resources, outputs) = self.state_at(row.id, serial)?;
        Ok(StateSnapshot {
            lineage: self.lineage_at(row, serial)?,
            serial,
            resources,
            outputs,
        })
    }

    pub(super) fn snapshot_at(&self, env: &str, serial: u64) -> Result<StateSnapshot, StateError> {
        match self.find_env(env)? {
            Some(row) => self.snapshot_at_row(env, &row, serial),
            None if serial == 0 => Ok(StateSnapshot {
                lineage: self.pending_lineage(env),
                ..StateSnapshot::default()
            }),
            None => Err(StateError::NoSuchVersion {
                env: env.into(),
                serial,
                latest: 0,
            }),
        }
    }

    pub(super) fn history(&self, env: &str) -> Result<Vec<VersionRow>, StateError> {
        let Some(row) = self.find_env(env)? else {
            return Ok(Vec::new());
        };
        let ctx = || StateError::db("reading the history");
        let mut versions: Vec<VersionRow> = self
            .conn
            .prepare("SELECT serial, time, operation, who, lineage, note FROM versions WHERE env_id = ?1 ORDER BY serial")
            .and_then(|mut s| {
                s.query_map([row.id], |r| {
                    Ok(VersionRow {
                        serial: to_u64(r.get(0)?),
                        time: Timestamp::from_millis(r.get(1)?),
                        operation: r.get(2)?,
                        who: r.get(3)?,
                        lineage: r.get(4)?,
                        note: r.get(5)?,
                        changes: Vec::new(),
                    })
                })?
                .collect()
            })
            .map_err(ctx())?;
        let changes: Vec<(i64, String, String, bool, bool)> = self
            .conn
            .prepare(
                "SELECT serial, kind, address, before IS NULL, after IS NULL FROM changes
                 WHERE env_id = ?1 ORDER BY serial, kind, address",
            )
            .and_then(|mut s| {
                s.query_map([row.id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect()
            })
            .map_err(ctx())?;
        let mut by_serial: BTreeMap<u64, Vec<ChangeSummary>> = BTreeMap::new();
        for (serial, kind, address, no_before, no_after) in changes {
            let kind_of = match (no_before, no_after) {
                (true, _) => ChangeKind::Create,
                (false, true) => ChangeKind::Delete,
                (false, false) => ChangeKind::Update,
            };
            by_serial
                .entry(to_u64(serial))
                .or_default()
                .push(ChangeSummary {
                    subject: subject(&kind, address),
                    kind: kind_of,
                });
        }
        for v in &mut versions {
            v.changes = by_serial.remove(&v.serial).unwrap_or_default();
        }
        Ok(versions)
    }

    pub(super) fn version_changes(
        &self,
        env: &str,
        serial: u64,
    ) -> Result<Vec<VersionChange>, StateError> {
        let latest = self.find_env(env)?;
        let row = match latest {
            Some(row) if serial >= 1 && serial <= row.serial => row,
            other => {
                let latest = other.map(|r| r.serial).unwrap_or(0);
                return Err(StateError::NoSuchVersion {
                    env: env.into(),
                    serial,
                    latest,
                });
            }
        };
        let rows: Vec<(String, String, Option<String>, Option<String>)> = self
            .conn
            .prepare("SELECT kind, address, before, after FROM changes WHERE env_id = ?1 AND serial = ?2 ORDER BY kind, address")
            .and_then(|mut s| {
                s.query_map(params![row.id, to_i64(serial)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect()
            })
            .map_err(StateError::db("reading a version's changes"))?;
        let mut out = Vec::new();
        for (kind, address, before, after) in rows {
            let what = format!("the version log entry of `{address}`");
            let before = before.map(|b| self.parse_json(&what, &b)).transpose()?;
            let after = after.map(|a| self.parse_json(&what, &a)).transpose()?;
            out.push(VersionChange {
                subject: subject(&kind, address),
                before,
                after,
            });
        }
        Ok(out)
    }

    pub(super) fn open_intents(&self, env: &str) -> Result<Vec<IntentRow>, StateError> {
        let Some(row) = self.find_env(env)? else {
            return Ok(Vec::new());
        };
        type Raw = (i64, String, String, String, String, i64);
        let raws: Vec<Raw> = self
            .conn
            .prepare(
                "SELECT id, address, action, marker, planned, created FROM intents
                 WHERE env_id = ?1 AND resolved IS NULL ORDER BY id",
            )
            .and_then(|mut s| {
                s.query_map([row.id], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })?
                .collect()
            })
            .map_err(StateError::db("reading the open intents"))?;
        raws.into_iter()
            .map(|(id, address, action, marker, planned, created)| {
                Ok(IntentRow {
                    id,
                    environment: env.to_string(),
                    planned: self
                        .parse_json(&format!("the planned value of intent {id}"), &planned)?,
                    address,
                    action,
                    marker,
                    created: Timestamp::from_millis(created),
                    resolved: None,
                })
            })
            .collect()
    }
}

fn subject(kind: &str, address: String) -> Subject {
    if kind == "output" {
        Subject::Output(address)
    } else {
        Subject::Instance(address)
    }
}
