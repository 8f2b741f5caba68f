//! Format identification and upgrades of state JSON documents: the one place that knows which
//! layouts exist and how to bring an older one up to the current layout.
//!
//! infra's state format is Terraform's `"version": 4` plus an optional `"infra_format": N`:
//!
//! | `infra_format` | layout |
//! |---|---|
//! | absent | written by Terraform: read as format 1 (they are the same layout) |
//! | 0 | a flat list of instances keyed by address (see below) |
//! | 1 | Terraform's version 4 layout; what infra writes today |
//!
//! Format 0 is **made up**: no infra release ever wrote it. It exists so that the upgrade
//! mechanism has a real step exercised by `state-fixtures/upgrade/` before a real format change
//! needs one. Its layout: `{"version":4,"infra_format":0,"serial","lineage","outputs",
//! "instances":[{"address":"module.a.x.y[0]","provider",…instance fields…,"tainted":bool}]}`.
//!
//! To add format N+1: bump [`INFRA_FORMAT`], write `upgrade_N_to_N+1` that rewrites a format N
//! document into format N+1, add it to [`STEPS`], and add a fixture pair. Decoding (`json.rs`)
//! then only ever sees the current layout. This module does not decode into the model.

use serde_json::{Map, Value};

use crate::error::StateError;
use crate::model::{mode_str, parse_instance_address, InstanceKey};

/// The infra format this build writes (and the newest it reads).
pub const INFRA_FORMAT: u64 = 1;

/// `STEPS[n]` turns a format `n` document into format `n + 1`.
const STEPS: [UpgradeStep; INFRA_FORMAT as usize] = [upgrade_0_to_1];

/// Rewrites a document of one format into the next.
type UpgradeStep = fn(Map<String, Value>) -> Result<Map<String, Value>, StateError>;

/// Checks that `doc` is a version 4 state document in a format this build reads, and returns it
/// in the current layout.
pub fn upgrade(doc: Value) -> Result<Value, StateError> {
    let Value::Object(mut doc) = doc else {
        return Err(StateError::Invalid(format!(
            "the top level must be a JSON object, found {}",
            kind(&doc)
        )));
    };
    let version = match doc.get("version") {
        None | Some(Value::Null) => {
            return Err(StateError::Invalid(
                "there is no `version` field, which identifies the state format".into(),
            ))
        }
        Some(v) => v.as_u64().ok_or_else(|| {
            StateError::Invalid(format!("`version` must be a whole number, found `{v}`"))
        })?,
    };
    if version != 4 {
        let written_by = doc
            .get("terraform_version")
            .and_then(Value::as_str)
            .map(str::to_string);
        return Err(StateError::UnsupportedVersion {
            found: version,
            written_by,
        });
    }
    let mut format = match doc.get("infra_format") {
        None | Some(Value::Null) => INFRA_FORMAT,
        Some(v) => v.as_u64().ok_or_else(|| {
            StateError::Invalid(format!(
                "`infra_format` must be a whole number, found `{v}`"
            ))
        })?,
    };
    if format > INFRA_FORMAT {
        return Err(StateError::NewerFormat {
            found: format,
            supported: INFRA_FORMAT,
        });
    }
    while format < INFRA_FORMAT {
        let step = STEPS[format as usize];
        doc = step(doc)?;
        format += 1;
        doc.insert("infra_format".into(), Value::from(format));
    }
    Ok(Value::Object(doc))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Format 0 → 1: group the flat, address-keyed instances into Terraform's resources.
fn upgrade_0_to_1(mut doc: Map<String, Value>) -> Result<Map<String, Value>, StateError> {
    let invalid = |m: String| StateError::Invalid(format!("infra format 0: {m}"));
    let instances = match doc.remove("instances") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a,
        Some(other) => {
            return Err(invalid(format!(
                "`instances` must be an array, found {}",
                kind(&other)
            )))
        }
    };
    // Resources in first-seen order; json.rs sorts on output anyway.
    let mut resources: Vec<(String, Map<String, Value>, Vec<Value>)> = Vec::new();
    for (i, inst) in instances.into_iter().enumerate() {
        let Value::Object(mut inst) = inst else {
            return Err(invalid(format!("`instances[{i}]` must be an object")));
        };
        let address = match inst.remove("address") {
            Some(Value::String(s)) => s,
            _ => {
                return Err(invalid(format!(
                    "`instances[{i}].address` must be a string"
                )))
            }
        };
        let addr = parse_instance_address(&address)?;
        let provider = inst.remove("provider").unwrap_or(Value::Null);
        let mut header = Map::new();
        if !addr.module.is_empty() {
            header.insert("module".into(), Value::from(addr.module.clone()));
        }
        header.insert("mode".into(), Value::from(mode_str(addr.mode)));
        header.insert("type".into(), Value::from(addr.type_name.clone()));
        header.insert("name".into(), Value::from(addr.name.clone()));
        header.insert("provider".into(), provider);
        let id = Value::Object(header.clone()).to_string();

        let mut out = Map::new();
        match addr.index {
            Some(InstanceKey::Int(k)) => out.insert("index_key".into(), Value::from(k)),
            Some(InstanceKey::Str(k)) => out.insert("index_key".into(), Value::from(k)),
            None => None,
        };
        match inst.remove("tainted") {
            None | Some(Value::Null) | Some(Value::Bool(false)) => {}
            Some(Value::Bool(true)) => {
                out.insert("status".into(), Value::from("tainted"));
            }
            Some(_) => {
                return Err(invalid(format!(
                    "`instances[{i}].tainted` must be true or false"
                )))
            }
        }
        out.extend(inst);

        match resources.iter_mut().find(|(rid, _, _)| *rid == id) {
            Some((_, _, list)) => list.push(Value::Object(out)),
            None => resources.push((id, header, vec![Value::Object(out)])),
        }
    }
    let resources = resources
        .into_iter()
        .map(|(_, mut header, list)| {
            header.insert("instances".into(), Value::Array(list));
            Value::Object(header)
        })
        .collect();
    doc.insert("resources".into(), Value::Array(resources));
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[track_caller]
    fn refused(doc: Value, want: &str) {
        match upgrade(doc) {
            Ok(v) => panic!("expected an error, got {v}"),
            Err(e) => assert_eq!(e.to_string(), want),
        }
    }

    #[test]
    fn versions_are_checked() {
        refused(
            json!([]),
            "invalid state: the top level must be a JSON object, found an array",
        );
        refused(
            json!({}),
            "invalid state: there is no `version` field, which identifies the state format",
        );
        refused(
            json!({"version": "4"}),
            "invalid state: `version` must be a whole number, found `\"4\"`",
        );
        refused(
            json!({"version": 4, "infra_format": 7}),
            "the state was written in infra format 7, but this infra reads formats up to 1: upgrade infra to read it",
        );
        assert!(matches!(
            upgrade(json!({"version": 3})),
            Err(StateError::UnsupportedVersion { found: 3, .. })
        ));
    }

    #[test]
    fn terraform_documents_pass_unchanged() {
        let doc = json!({"version": 4, "lineage": "x", "resources": []});
        assert_eq!(upgrade(doc.clone()).ok(), Some(doc));
    }
}
