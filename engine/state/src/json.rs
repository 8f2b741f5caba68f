//! The JSON form of state: Terraform's state format version 4, as `terraform.tfstate` holds it
//! and `terraform state pull` prints it, plus infra's `"infra_format"` marker.
//!
//! Reading accepts any version 4 document, Terraform's own included; fields this crate does not
//! model (`private`, `check_results`, `each`, ...) are ignored. Format checks and upgrades of older
//! infra layouts happen first, in `upgrade.rs`; this module only decodes the current layout.
//! Writing is normalised: resources sorted by module, mode, type, name; instances by key; object
//! keys sorted; defaults written out. This module also owns the per-instance "record" JSON that
//! the version log stores. It never touches files or the database.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::StateError;
use crate::model::{
    key_order, mode_str, normalize_module, InstanceKey, OutputValue, ResourceInstance,
    ResourceMode, StateSnapshot,
};
use crate::upgrade::{upgrade, INFRA_FORMAT};

/// The Terraform version written into `terraform_version`: the release whose state layout infra
/// writes, so that it and every later Terraform read infra's exports.
pub const TERRAFORM_VERSION: &str = "1.0.3";

/// `v` with every object and array allocated to its exact size. A parsed object grows its
/// entries four at a time, and the attributes of thousands of stored instances are held for a
/// whole run: most objects have one or two attributes, so half or more of that room is unused.
pub(crate) fn compact(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, compact(v))).collect()),
        Value::Array(a) => {
            let mut a: Vec<Value> = a.into_iter().map(compact).collect();
            a.shrink_to_fit();
            Value::Array(a)
        }
        other => other,
    }
}

/// The state as a JSON document (format version 4).
pub fn to_json(state: &StateSnapshot) -> Value {
    let mut insts: Vec<&ResourceInstance> = state.resources.values().map(|r| &**r).collect();
    insts.sort_by(|a, b| {
        a.module
            .cmp(&b.module)
            .then_with(|| mode_str(a.mode).cmp(mode_str(b.mode)))
            .then_with(|| a.type_name.cmp(&b.type_name))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.provider.cmp(&b.provider))
            .then_with(|| key_order(a.index.as_ref(), b.index.as_ref()))
    });

    let mut resources: Vec<Value> = Vec::new();
    let mut current: Option<(Map<String, Value>, Vec<Value>)> = None;
    let mut current_id: Option<(&str, ResourceMode, &str, &str, &str)> = None;
    for inst in insts {
        let id = (
            inst.module.as_str(),
            inst.mode,
            inst.type_name.as_str(),
            inst.name.as_str(),
            inst.provider.as_str(),
        );
        if current_id != Some(id) {
            if let Some((mut r, instances)) = current.take() {
                r.insert("instances".into(), Value::Array(instances));
                resources.push(Value::Object(r));
            }
            current_id = Some(id);
            current = Some((resource_header(inst), Vec::new()));
        }
        if let Some((_, instances)) = current.as_mut() {
            instances.push(Value::Object(instance_object(inst, true)));
        }
    }
    if let Some((mut r, instances)) = current.take() {
        r.insert("instances".into(), Value::Array(instances));
        resources.push(Value::Object(r));
    }

    let mut outputs = Map::new();
    for (name, o) in &state.outputs {
        outputs.insert(name.clone(), output_object(o, true));
    }

    let mut doc = Map::new();
    doc.insert("version".into(), Value::from(4));
    doc.insert("infra_format".into(), Value::from(INFRA_FORMAT));
    doc.insert("terraform_version".into(), Value::from(TERRAFORM_VERSION));
    doc.insert("serial".into(), Value::from(state.serial));
    doc.insert("lineage".into(), Value::from(state.lineage.clone()));
    doc.insert("outputs".into(), Value::Object(outputs));
    doc.insert("resources".into(), Value::Array(resources));
    Value::Object(doc)
}

/// [`to_json`] as text: two-space indentation and a final newline, as Terraform writes it.
pub fn to_json_string(state: &StateSnapshot) -> String {
    let mut s = serde_json::to_string_pretty(&to_json(state)).unwrap_or_default();
    s.push('\n');
    s
}

/// Reads a state JSON document (format version 4; older infra layouts are upgraded first).
pub fn from_json(bytes: &[u8]) -> Result<StateSnapshot, StateError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(StateError::Invalid("the input is empty".into()));
    }
    let doc: Value = serde_json::from_slice(bytes).map_err(json_error)?;
    from_value(doc)
}

/// Like [`from_json`], for a document already parsed.
pub fn from_value(doc: Value) -> Result<StateSnapshot, StateError> {
    let doc = upgrade(doc)?;
    decode_state(&doc).map_err(StateError::Invalid)
}

fn json_error(e: serde_json::Error) -> StateError {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let msg = match e.classify() {
        serde_json::error::Category::Eof => {
            "unexpected end of input (the input looks truncated)".to_string()
        }
        _ => full.strip_suffix(&suffix).unwrap_or(&full).to_string(),
    };
    StateError::Json {
        line: e.line(),
        column: e.column(),
        msg,
    }
}

fn resource_header(inst: &ResourceInstance) -> Map<String, Value> {
    let mut r = Map::new();
    if !inst.module.is_empty() {
        r.insert("module".into(), Value::from(inst.module.clone()));
    }
    r.insert("mode".into(), Value::from(mode_str(inst.mode)));
    r.insert("type".into(), Value::from(inst.type_name.clone()));
    r.insert("name".into(), Value::from(inst.name.clone()));
    r.insert("provider".into(), Value::from(inst.provider.clone()));
    r
}

fn key_json(k: &InstanceKey) -> Value {
    match k {
        InstanceKey::Int(i) => Value::from(*i),
        InstanceKey::Str(s) => Value::from(s.clone()),
    }
}

/// The instance object in Terraform's field order; `normalise` sorts object keys and
/// dependencies (for exports), otherwise values are kept as they are (for the version log).
fn instance_object(inst: &ResourceInstance, normalise: bool) -> Map<String, Value> {
    let mut o = Map::new();
    if let Some(k) = &inst.index {
        o.insert("index_key".into(), key_json(k));
    }
    if inst.tainted {
        o.insert("status".into(), Value::from("tainted"));
    }
    o.insert("schema_version".into(), Value::from(inst.schema_version));
    let attrs = if normalise {
        sorted(&inst.attributes)
    } else {
        inst.attributes.clone()
    };
    o.insert("attributes".into(), attrs);
    o.insert(
        "sensitive_attributes".into(),
        Value::Array(inst.sensitive_attributes.clone()),
    );
    let mut deps = inst.dependencies.clone();
    if normalise {
        deps.sort();
        deps.dedup();
    }
    if !deps.is_empty() {
        o.insert(
            "dependencies".into(),
            Value::Array(deps.into_iter().map(Value::from).collect()),
        );
    }
    if inst.create_before_destroy {
        o.insert("create_before_destroy".into(), Value::Bool(true));
    }
    o
}

fn output_object(o: &OutputValue, normalise: bool) -> Value {
    let mut m = Map::new();
    m.insert(
        "value".into(),
        if normalise {
            sorted(&o.value)
        } else {
            o.value.clone()
        },
    );
    m.insert(
        "type".into(),
        if normalise {
            sorted(&o.ty)
        } else {
            o.ty.clone()
        },
    );
    if o.sensitive {
        m.insert("sensitive".into(), Value::Bool(true));
    }
    Value::Object(m)
}

/// A copy of `v` with every object's keys in sorted order.
fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&m[k])))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// The version log's JSON for one instance: the state file's instance object plus the
/// resource's identity (`module`, `mode`, `type`, `name`, `provider`).
pub fn instance_record(inst: &ResourceInstance) -> Value {
    let mut r = resource_header(inst);
    r.extend(instance_object(inst, false));
    Value::Object(r)
}

/// Reads back an [`instance_record`].
pub fn instance_from_record(v: &Value) -> Result<ResourceInstance, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| "an instance record must be a JSON object".to_string())?;
    let (module, mode, type_name, name, provider) = decode_resource_header(obj, "record")?;
    decode_instance(obj, "record", &module, mode, &type_name, &name, &provider)
}

/// The version log's JSON for one output.
pub fn output_record(o: &OutputValue) -> Value {
    output_object(o, false)
}

/// Reads back an [`output_record`].
pub fn output_from_record(name: &str, v: &Value) -> Result<OutputValue, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| format!("output `{name}` must be a JSON object"))?;
    decode_output(name, obj)
}

fn decode_state(doc: &Value) -> Result<StateSnapshot, String> {
    let obj = doc
        .as_object()
        .ok_or_else(|| "the top level must be a JSON object".to_string())?;
    let lineage = match opt_str(obj, "lineage", "lineage")? {
        Some(l) if !l.trim().is_empty() => l.to_string(),
        _ => {
            return Err(
                "there is no `lineage`: every state needs one, to tell its history apart from \
                        unrelated states"
                    .into(),
            )
        }
    };
    let serial = opt_u64(obj, "serial", "serial")?.unwrap_or(0);
    let mut state = StateSnapshot {
        lineage,
        serial,
        ..StateSnapshot::default()
    };

    if let Some(outputs) = opt_object(obj, "outputs", "outputs")? {
        for (name, o) in outputs {
            let o = o.as_object().ok_or_else(|| {
                format!("output `{name}` must be a JSON object, found {}", brief(o))
            })?;
            state.outputs.insert(name.clone(), decode_output(name, o)?);
        }
    }

    for (ri, r) in opt_array(obj, "resources", "resources")?
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let path = format!("resources[{ri}]");
        let r = r
            .as_object()
            .ok_or_else(|| format!("`{path}` must be a JSON object, found {}", brief(r)))?;
        let (module, mode, type_name, name, provider) = decode_resource_header(r, &path)?;
        let instances = opt_array(r, "instances", &format!("{path}.instances"))?.unwrap_or(&[]);
        for (ii, i) in instances.iter().enumerate() {
            let ipath = format!("{path}.instances[{ii}]");
            let i = i
                .as_object()
                .ok_or_else(|| format!("`{ipath}` must be a JSON object, found {}", brief(i)))?;
            let inst = decode_instance(i, &ipath, &module, mode, &type_name, &name, &provider)?;
            let address = inst.address();
            if state.resources.contains_key(&address) {
                return Err(format!(
                    "the resource instance `{address}` appears more than once"
                ));
            }
            state.resources.insert(address, Arc::new(inst));
        }
    }
    Ok(state)
}

type ResourceHeader = (String, ResourceMode, String, String, String);

fn decode_resource_header(r: &Map<String, Value>, path: &str) -> Result<ResourceHeader, String> {
    let mode = match req_str(r, "mode", &format!("{path}.mode"))? {
        "managed" => ResourceMode::Managed,
        "data" => ResourceMode::Data,
        other => {
            return Err(format!(
                "`{path}.mode` is `{other}`; expected `managed` or `data`"
            ))
        }
    };
    let type_name = req_name(r, "type", path)?;
    let name = req_name(r, "name", path)?;
    let module = opt_str(r, "module", &format!("{path}.module"))?.unwrap_or("");
    let module = normalize_module(module)
        .map_err(|e| format!("`{path}.module` (`{module}`) is not a module address: {e}"))?;
    let provider = req_str(r, "provider", &format!("{path}.provider"))?.to_string();
    Ok((module, mode, type_name, name, provider))
}

fn req_name(r: &Map<String, Value>, key: &str, path: &str) -> Result<String, String> {
    let s = req_str(r, key, &format!("{path}.{key}"))?;
    if s.is_empty() {
        return Err(format!("`{path}.{key}` is empty"));
    }
    Ok(s.to_string())
}

fn decode_instance(
    i: &Map<String, Value>,
    path: &str,
    module: &str,
    mode: ResourceMode,
    type_name: &str,
    name: &str,
    provider: &str,
) -> Result<ResourceInstance, String> {
    let index = match i.get("index_key") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(InstanceKey::Str(s.clone())),
        Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
            (Some(k), _) => Some(InstanceKey::Int(k)),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(InstanceKey::Int(f as i64)),
            _ => return Err(format!("`{path}.index_key` is `{n}`; a key is a whole number (count) or a string (for_each)")),
        },
        Some(other) => {
            return Err(format!(
                "`{path}.index_key` is {}; a key is a whole number (count) or a string (for_each)",
                brief(other)
            ))
        }
    };
    let mut inst = ResourceInstance {
        module: module.to_string(),
        mode,
        type_name: type_name.to_string(),
        name: name.to_string(),
        index,
        provider: provider.to_string(),
        ..ResourceInstance::default()
    };
    let address = inst.address();
    inst.tainted = match opt_str(i, "status", &format!("{path}.status"))? {
        None | Some("") => false,
        Some("tainted") => true,
        Some(other) => {
            return Err(format!(
                "`{address}` has status `{other}`; expected `tainted` or none"
            ))
        }
    };
    if let Some(d) = opt_str(i, "deposed", &format!("{path}.deposed"))?.filter(|d| !d.is_empty()) {
        return Err(format!(
            "`{address}` has a deposed object (`{d}`), left by an interrupted create-before-destroy \
             replacement; infra does not track deposed objects: finish the replacement with \
             `terraform apply` first"
        ));
    }
    inst.schema_version =
        opt_u64(i, "schema_version", &format!("{path}.schema_version"))?.unwrap_or(0);
    inst.attributes = match i.get("attributes") {
        Some(Value::Object(m)) => Value::Object(m.clone()),
        None | Some(Value::Null) if i.get("attributes_flat").is_some_and(|f| !f.is_null()) => {
            return Err(format!(
                "`{address}` keeps its attributes in the legacy flat form (`attributes_flat`); let \
                 Terraform 0.12 or later rewrite the state first"
            ))
        }
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(other) => {
            return Err(format!(
                "`{path}.attributes` must be a JSON object, found {}",
                brief(other)
            ))
        }
    };
    inst.sensitive_attributes = opt_array(
        i,
        "sensitive_attributes",
        &format!("{path}.sensitive_attributes"),
    )?
    .unwrap_or(&[])
    .to_vec();
    for (di, d) in opt_array(i, "dependencies", &format!("{path}.dependencies"))?
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let d = d.as_str().ok_or_else(|| {
            format!(
                "`{path}.dependencies[{di}]` must be a string, found {}",
                brief(d)
            )
        })?;
        inst.dependencies.push(d.to_string());
    }
    inst.create_before_destroy = opt_bool(
        i,
        "create_before_destroy",
        &format!("{path}.create_before_destroy"),
    )?
    .unwrap_or(false);
    Ok(inst)
}

fn decode_output(name: &str, o: &Map<String, Value>) -> Result<OutputValue, String> {
    let value = o
        .get("value")
        .cloned()
        .ok_or_else(|| format!("output `{name}` has no `value`"))?;
    let ty = match o.get("type") {
        None | Some(Value::Null) => return Err(format!("output `{name}` has no `type`")),
        Some(t) => t.clone(),
    };
    let sensitive =
        opt_bool(o, "sensitive", &format!("outputs.{name}.sensitive"))?.unwrap_or(false);
    Ok(OutputValue {
        value,
        ty,
        sensitive,
    })
}

/// A short rendering of a JSON value for messages.
fn brief(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        let cut: String = s.chars().take(37).collect();
        format!("`{cut}...`")
    } else {
        format!("`{s}`")
    }
}

// Field readers: a missing or null optional field is absent, as with Terraform's decoder.

fn opt_str<'a>(
    o: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a str>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("`{path}` must be a string, found {}", brief(other))),
    }
}

fn req_str<'a>(o: &'a Map<String, Value>, key: &str, path: &str) -> Result<&'a str, String> {
    opt_str(o, key, path)?.ok_or_else(|| format!("`{path}` is missing"))
}

fn opt_u64(o: &Map<String, Value>, key: &str, path: &str) -> Result<Option<u64>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64()),
        Some(other) => Err(format!(
            "`{path}` must be a whole number of 0 or more, found {}",
            brief(other)
        )),
    }
}

fn opt_bool(o: &Map<String, Value>, key: &str, path: &str) -> Result<Option<bool>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(format!(
            "`{path}` must be true or false, found {}",
            brief(other)
        )),
    }
}

fn opt_array<'a>(
    o: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a [Value]>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a)),
        Some(other) => Err(format!("`{path}` must be an array, found {}", brief(other))),
    }
}

fn opt_object<'a>(
    o: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a Map<String, Value>>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(other) => Err(format!(
            "`{path}` must be a JSON object, found {}",
            brief(other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compacting_keeps_values_and_key_order() {
        let text = r#"{"z":1,"a":{"y":[1,{"b":null,"a":"x"}],"x":true},"m":[]}"#;
        let v: Value = serde_json::from_str(text).unwrap();
        let c = compact(v.clone());
        assert_eq!(c, v);
        assert_eq!(serde_json::to_string(&c).unwrap(), text);
    }

    #[track_caller]
    fn fails(doc: Value, want: &str) {
        let bytes = serde_json::to_vec(&doc).unwrap_or_default();
        match from_json(&bytes) {
            Ok(s) => panic!("expected an error, got {s:?}"),
            Err(e) => assert_eq!(e.to_string(), want),
        }
    }

    fn base() -> Value {
        json!({"version": 4, "serial": 1, "lineage": "l", "resources": []})
    }

    #[test]
    fn records_round_trip() {
        let inst = ResourceInstance {
            module: "module.a[\"k\"]".into(),
            mode: ResourceMode::Data,
            type_name: "t".into(),
            name: "n".into(),
            index: Some(InstanceKey::Int(3)),
            provider: "provider[\"x/y/z\"]".into(),
            schema_version: 2,
            attributes: json!({"b": 1, "a": [1, 2]}),
            sensitive_attributes: vec![json!([{"type": "get_attr", "value": "a"}])],
            dependencies: vec!["x.y".into()],
            create_before_destroy: true,
            tainted: true,
        };
        let back = instance_from_record(&instance_record(&inst));
        assert_eq!(back, Ok(inst));
    }

    #[test]
    fn field_errors_name_the_path() {
        let mut d = base();
        d["resources"] = json!([{"mode": "managed", "type": "t", "name": "n", "provider": "p",
                                 "instances": [{"schema_version": -1}]}]);
        fails(
            d,
            "invalid state: `resources[0].instances[0].schema_version` must be a whole number of 0 or more, found `-1`",
        );
        let mut d = base();
        d["resources"] = json!([{"mode": "managed", "type": "t", "name": "n", "provider": "p",
                                 "instances": [{"index_key": true}]}]);
        fails(
            d,
            "invalid state: `resources[0].instances[0].index_key` is `true`; a key is a whole number (count) or a string (for_each)",
        );
        let mut d = base();
        d["resources"] = json!([{"module": "modul.a", "mode": "managed", "type": "t", "name": "n", "provider": "p"}]);
        assert!(from_json(d.to_string().as_bytes()).is_err());
    }

    #[test]
    fn null_fields_count_as_absent() {
        let mut d = base();
        d["outputs"] = Value::Null;
        d["resources"] = json!([{"mode": "managed", "type": "t", "name": "n", "provider": "p",
                                 "instances": [{"index_key": null, "dependencies": null, "attributes": null}]}]);
        let s = from_json(d.to_string().as_bytes()).unwrap_or_default();
        assert_eq!(s.resources.keys().collect::<Vec<_>>(), ["t.n"]);
    }
}
