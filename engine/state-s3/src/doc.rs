//! The state object's document: Terraform's state JSON (format version 4, `infra_format` 1) plus
//! one extension field, `"infra_s3"`, that Terraform ignores:
//!
//! ```json
//! "infra_s3": {
//!   "version": {"operation": "apply", "who": "me@host", "time": 1714564800123, "note": "",
//!               "changes": [{"kind": "instance", "address": "null_resource.a",
//!                            "before": null, "after": {…instance record…}}]},
//!   "intents": [{"id": 3, "address": "…", "action": "create", "marker": "…",
//!                "planned": {…}, "created": 1714564800000}],
//!   "next_intent_id": 4
//! }
//! ```
//!
//! `version` says what this document's serial changed (the same record form as the SQLite
//! store's version log), so every object version carries its own history entry; it is `null`
//! at serial 0. Writes that only record or resolve intents keep the serial and the `version`
//! entry, so every object version with serial N describes version N. `intents` are the open
//! ones; resolved intents are dropped (an ID below `next_intent_id` that is not open was
//! resolved).

use serde_json::{json, Map, Value};

use infra_state::{
    from_value, to_json, IntentRow, StateError, StateSnapshot, Subject, Timestamp, VersionChange,
};

/// The extension field's name.
pub(crate) const FIELD: &str = "infra_s3";

/// What one version changed, when, why and by whom.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct VersionMeta {
    pub operation: String,
    pub who: String,
    pub time: Timestamp,
    pub note: String,
    pub changes: Vec<VersionChange>,
}

/// A whole state object.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Doc {
    pub state: StateSnapshot,
    pub version: Option<VersionMeta>,
    /// Open intents (their `environment` and `resolved` are not stored).
    pub intents: Vec<IntentRow>,
    pub next_intent_id: i64,
}

impl Doc {
    /// An environment without an object yet.
    pub fn empty(lineage: String) -> Doc {
        Doc {
            state: StateSnapshot {
                lineage,
                ..StateSnapshot::default()
            },
            version: None,
            intents: Vec::new(),
            next_intent_id: 1,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut doc = to_json(&self.state);
        let version = match &self.version {
            None => Value::Null,
            Some(v) => json!({
                "operation": v.operation,
                "who": v.who,
                "time": v.time.unix_millis,
                "note": v.note,
                "changes": v.changes.iter().map(|c| {
                    let (kind, address) = match &c.subject {
                        Subject::Instance(a) => ("instance", a),
                        Subject::Output(n) => ("output", n),
                    };
                    json!({"kind": kind, "address": address, "before": c.before, "after": c.after})
                }).collect::<Vec<_>>(),
            }),
        };
        let intents: Vec<Value> = self
            .intents
            .iter()
            .map(|i| {
                json!({"id": i.id, "address": i.address, "action": i.action, "marker": i.marker,
                       "planned": i.planned, "created": i.created.unix_millis})
            })
            .collect();
        if let Value::Object(m) = &mut doc {
            m.insert(
                FIELD.into(),
                json!({"version": version, "intents": intents, "next_intent_id": self.next_intent_id}),
            );
        }
        let mut text = serde_json::to_vec_pretty(&doc).unwrap_or_default();
        text.push(b'\n');
        text
    }

    /// Reads a state object. `env` names the intents' environment; `where_` (the object's
    /// `s3://` address) is for messages. A document without the extension (written by
    /// Terraform) has no version entry and no intents.
    pub fn decode(bytes: &[u8], env: &str, where_: &str) -> Result<Doc, StateError> {
        let bad = |e: String| {
            StateError::Backend(format!(
                "the state object `{where_}` is not a usable state: {e}"
            ))
        };
        let mut doc: Value =
            serde_json::from_slice(bytes).map_err(|e| bad(format!("not valid JSON ({e})")))?;
        let ext = match &mut doc {
            Value::Object(m) => m.remove(FIELD),
            _ => None,
        };
        let state = from_value(doc).map_err(|e| bad(e.to_string()))?;
        let Some(Value::Object(ext)) = ext else {
            return Ok(Doc {
                state,
                version: None,
                intents: Vec::new(),
                next_intent_id: 1,
            });
        };
        let version = match ext.get("version") {
            None | Some(Value::Null) => None,
            Some(Value::Object(v)) => Some(decode_version(v).map_err(bad)?),
            Some(_) => return Err(bad(format!("`{FIELD}.version` is not an object"))),
        };
        let mut intents = Vec::new();
        for i in ext
            .get("intents")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let s = |k: &str| i.get(k).and_then(Value::as_str).map(str::to_string);
            let n = |k: &str| i.get(k).and_then(Value::as_i64);
            let (Some(id), Some(address)) = (n("id"), s("address")) else {
                return Err(bad(format!(
                    "an entry of `{FIELD}.intents` lacks its id or address"
                )));
            };
            intents.push(IntentRow {
                id,
                environment: env.to_string(),
                address,
                action: s("action").unwrap_or_default(),
                marker: s("marker").unwrap_or_default(),
                planned: i.get("planned").cloned().unwrap_or(Value::Null),
                created: Timestamp::from_millis(n("created").unwrap_or(0)),
                resolved: None,
            });
        }
        let next_intent_id = ext
            .get("next_intent_id")
            .and_then(Value::as_i64)
            .unwrap_or(1)
            .max(intents.iter().map(|i| i.id + 1).max().unwrap_or(1));
        Ok(Doc {
            state,
            version,
            intents,
            next_intent_id,
        })
    }
}

fn decode_version(v: &Map<String, Value>) -> Result<VersionMeta, String> {
    let s = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let mut changes = Vec::new();
    for c in v
        .get("changes")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        let address = c
            .get("address")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("a change of `{FIELD}.version` has no address"))?
            .to_string();
        let subject = match c.get("kind").and_then(Value::as_str) {
            Some("output") => Subject::Output(address),
            _ => Subject::Instance(address),
        };
        let side = |k: &str| c.get(k).filter(|x| !x.is_null()).cloned();
        changes.push(VersionChange {
            subject,
            before: side("before"),
            after: side("after"),
        });
    }
    Ok(VersionMeta {
        operation: s("operation"),
        who: s("who"),
        time: Timestamp::from_millis(v.get("time").and_then(Value::as_i64).unwrap_or(0)),
        note: s("note"),
        changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_round_trip_and_stay_terraform_state() {
        let mut d = Doc::empty("l-1".into());
        d.state.serial = 2;
        d.version = Some(VersionMeta {
            operation: "apply".into(),
            who: "me@host".into(),
            time: Timestamp::from_millis(5),
            note: "n".into(),
            changes: vec![VersionChange {
                subject: Subject::Output("o".into()),
                before: None,
                after: Some(json!({"value": 1, "type": "number"})),
            }],
        });
        d.intents.push(IntentRow {
            id: 7,
            environment: "prod".into(),
            address: "null_resource.a".into(),
            action: "create".into(),
            marker: "m".into(),
            planned: json!({"x": 1}),
            created: Timestamp::from_millis(9),
            resolved: None,
        });
        d.next_intent_id = 8;
        let bytes = d.encode();
        let back = Doc::decode(&bytes, "prod", "s3://b/k").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, d);
        // The plain state reader (Terraform's view) ignores the extension.
        let plain = infra_state::from_json(&bytes).unwrap_or_default();
        assert_eq!(plain.serial, 2);
    }
}
