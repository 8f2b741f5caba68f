//! Converting resource values between their state form (JSON attributes, sensitive paths) and
//! values typed by the resource's schema.

use infra_core::{Type, Value};
use infra_provider::ResourceSchema;

/// The value of stored attributes, typed by the schema and with sensitive attributes marked.
/// Attributes of type `any` are stored as `{"value": …, "type": …}`, as Terraform stores them,
/// so their type survives the round trip.
pub fn value_from_state(attrs: &serde_json::Value, schema: &ResourceSchema) -> Value {
    let ty = schema.block.value_type();
    let unwrapped = unwrap_dynamic(attrs, schema);
    let v = Value::from_json(&unwrapped.0, &ty).unwrap_or_else(|| lenient(&unwrapped.0, &ty));
    let v = match v {
        Value::Object(mut m) => {
            for (k, dv) in unwrapped.1 {
                m.insert(k, dv);
            }
            Value::Object(m)
        }
        v => v,
    };
    mark_sensitive(v, schema)
}

/// A stored instance's value: typed by the schema, with the schema's sensitive attributes and the
/// paths recorded in `sensitive_attributes` marked.
pub fn instance_value(inst: &infra_state::ResourceInstance, schema: &ResourceSchema) -> Value {
    let mut v = value_from_state(&inst.attributes, schema);
    for path in &inst.sensitive_attributes {
        if let Some(steps) = path.as_array() {
            v = mark_path(v, steps);
        }
    }
    v
}

/// Splits `any`-typed attributes out of the stored object, decoded with their recorded types.
fn unwrap_dynamic(
    attrs: &serde_json::Value,
    schema: &ResourceSchema,
) -> (serde_json::Value, Vec<(String, Value)>) {
    let Some(obj) = attrs.as_object() else {
        return (attrs.clone(), Vec::new());
    };
    let mut rest = obj.clone();
    let mut dynamic = Vec::new();
    for (name, a) in &schema.block.attributes {
        if a.ty != Type::Dynamic {
            continue;
        }
        let Some(stored) = rest.remove(name) else {
            continue;
        };
        let v = match (
            stored.get("value"),
            stored.get("type").and_then(Type::from_json),
        ) {
            (Some(val), Some(t)) if stored.as_object().is_some_and(|o| o.len() == 2) => {
                Value::from_json(val, &t)
            }
            _ => None,
        }
        .or_else(|| Value::from_json(&stored, &Type::Dynamic))
        .unwrap_or_else(Value::null);
        dynamic.push((name.clone(), v));
    }
    (serde_json::Value::Object(rest), dynamic)
}

fn mark_path(v: Value, steps: &[serde_json::Value]) -> Value {
    let Some((first, rest)) = steps.split_first() else {
        return v.mark_sensitive();
    };
    let (v, marked) = v.unmark();
    let key = match (
        first.get("type").and_then(|t| t.as_str()),
        first.get("value"),
    ) {
        (Some("get_attr"), Some(serde_json::Value::String(s))) => Some(s.clone()),
        (Some("index"), Some(k)) => k.get("value").map(|x| {
            x.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| x.to_string())
        }),
        _ => None,
    };
    let Some(key) = key else {
        return v.mark_if(marked);
    };
    let out = match v {
        Value::Object(mut m) => {
            if let Some(x) = m.remove(&key) {
                m.insert(key, mark_path(x, rest));
            }
            Value::Object(m)
        }
        Value::Map(t, mut m) => {
            if let Some(x) = m.remove(&key) {
                m.insert(key, mark_path(x, rest));
            }
            Value::Map(t, m)
        }
        Value::List(t, mut e) => {
            if let Some(x) = key.parse::<usize>().ok().filter(|i| *i < e.len()) {
                let item = std::mem::replace(&mut e[x], Value::null());
                e[x] = mark_path(item, rest);
            }
            Value::List(t, e)
        }
        Value::Tuple(mut e) => {
            if let Some(x) = key.parse::<usize>().ok().filter(|i| *i < e.len()) {
                let item = std::mem::replace(&mut e[x], Value::null());
                e[x] = mark_path(item, rest);
            }
            Value::Tuple(e)
        }
        other => other,
    };
    out.mark_if(marked)
}

/// `to` with the sensitive marks `from` has at the same paths.
pub fn copy_marks(from: &Value, to: Value) -> Value {
    if let Value::Sensitive(inner) = from {
        return copy_marks(inner, to).mark_sensitive();
    }
    let (to, marked) = to.unmark();
    let out = match (from, to) {
        (Value::Object(f), Value::Object(mut t)) | (Value::Map(_, f), Value::Object(mut t)) => {
            for (k, fv) in f {
                if let Some(tv) = t.remove(k) {
                    t.insert(k.clone(), copy_marks(fv, tv));
                }
            }
            Value::Object(t)
        }
        (Value::Object(f) | Value::Map(_, f), Value::Map(ty, mut t)) => {
            for (k, fv) in f {
                if let Some(tv) = t.remove(k) {
                    t.insert(k.clone(), copy_marks(fv, tv));
                }
            }
            Value::Map(ty, t)
        }
        (Value::List(_, f) | Value::Tuple(f), Value::List(ty, t)) => Value::List(
            ty,
            t.into_iter()
                .enumerate()
                .map(|(i, x)| match f.get(i) {
                    Some(fv) => copy_marks(fv, x),
                    None => x,
                })
                .collect(),
        ),
        (Value::List(_, f) | Value::Tuple(f), Value::Tuple(t)) => Value::Tuple(
            t.into_iter()
                .enumerate()
                .map(|(i, x)| match f.get(i) {
                    Some(fv) => copy_marks(fv, x),
                    None => x,
                })
                .collect(),
        ),
        (_, t) => t,
    };
    out.mark_if(marked)
}

/// Marks the schema's sensitive attributes.
pub fn mark_sensitive(v: Value, schema: &ResourceSchema) -> Value {
    match v {
        Value::Object(mut m) => {
            for (name, a) in &schema.block.attributes {
                if a.sensitive {
                    if let Some(x) = m.remove(name) {
                        m.insert(name.clone(), x.mark_sensitive());
                    }
                }
            }
            Value::Object(m)
        }
        v => v,
    }
}

/// Attributes that do not fit the schema exactly (an older schema version): keep what fits.
fn lenient(attrs: &serde_json::Value, ty: &Type) -> Value {
    match (ty, attrs.as_object()) {
        (Type::Object(fields, _), Some(o)) => Value::Object(
            fields
                .iter()
                .map(|(k, t)| {
                    let v = o
                        .get(k)
                        .and_then(|j| Value::from_json(j, t))
                        .unwrap_or(Value::Null(t.clone()));
                    (k.clone(), v)
                })
                .collect(),
        ),
        _ => Value::Null(ty.clone()),
    }
}

/// The JSON attributes to store and the paths of sensitive values (Terraform's
/// `sensitive_attributes` form: a list of paths, each a list of `{"type":"get_attr","value":…}`).
/// Attributes of type `any` in the schema are stored with their type.
pub fn value_to_state(
    v: &Value,
    schema: Option<&ResourceSchema>,
) -> (serde_json::Value, Vec<serde_json::Value>) {
    let mut paths = Vec::new();
    collect_sensitive(v, &mut Vec::new(), &mut paths);
    let mut json = v.to_json();
    if let (Some(schema), Some(obj), Some(m)) = (schema, json.as_object_mut(), v.peel().entries()) {
        for (name, a) in &schema.block.attributes {
            if a.ty == Type::Dynamic {
                if let Some(x) = m.get(name) {
                    let (plain, _) = x.clone().unmark_deep();
                    if !plain.is_null() {
                        obj.insert(name.clone(), serde_json::json!({"value": plain.to_json(), "type": plain.ty().to_json()}));
                    }
                }
            }
        }
    }
    (json, paths)
}

fn collect_sensitive(
    v: &Value,
    path: &mut Vec<serde_json::Value>,
    out: &mut Vec<serde_json::Value>,
) {
    if let Value::Sensitive(inner) = v {
        out.push(serde_json::Value::Array(path.clone()));
        collect_sensitive(inner, path, &mut Vec::new());
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(serde_json::json!({"type": "get_attr", "value": k}));
                collect_sensitive(x, path, out);
                path.pop();
            }
        }
        Value::Map(_, m) => {
            for (k, x) in m {
                path.push(
                    serde_json::json!({"type": "index", "value": {"value": k, "type": "string"}}),
                );
                collect_sensitive(x, path, out);
                path.pop();
            }
        }
        Value::List(_, e) | Value::Tuple(e) => {
            for (i, x) in e.iter().enumerate() {
                path.push(
                    serde_json::json!({"type": "index", "value": {"value": i, "type": "number"}}),
                );
                collect_sensitive(x, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}
