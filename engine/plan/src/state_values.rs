//! Converting resource values between their state form (JSON attributes, sensitive paths) and
//! values typed by the resource's schema.

use infra_core::{Type, Value};
use infra_provider::ResourceSchema;

/// The value of stored attributes, typed by the schema and with sensitive attributes marked.
pub fn value_from_state(attrs: &serde_json::Value, schema: &ResourceSchema) -> Value {
    let ty = schema.block.value_type();
    let v = Value::from_json(attrs, &ty).unwrap_or_else(|| lenient(attrs, &ty));
    mark_sensitive(v, schema)
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
                    let v = o.get(k).and_then(|j| Value::from_json(j, t)).unwrap_or(Value::Null(t.clone()));
                    (k.clone(), v)
                })
                .collect(),
        ),
        _ => Value::Null(ty.clone()),
    }
}

/// The JSON attributes to store and the paths of sensitive values (Terraform's
/// `sensitive_attributes` form: a list of paths, each a list of `{"type":"get_attr","value":…}`).
pub fn value_to_state(v: &Value) -> (serde_json::Value, Vec<serde_json::Value>) {
    let mut paths = Vec::new();
    collect_sensitive(v, &mut Vec::new(), &mut paths);
    (v.to_json(), paths)
}

fn collect_sensitive(v: &Value, path: &mut Vec<serde_json::Value>, out: &mut Vec<serde_json::Value>) {
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
                path.push(serde_json::json!({"type": "index", "value": {"value": k, "type": "string"}}));
                collect_sensitive(x, path, out);
                path.pop();
            }
        }
        Value::List(_, e) | Value::Tuple(e) => {
            for (i, x) in e.iter().enumerate() {
                path.push(serde_json::json!({"type": "index", "value": {"value": i, "type": "number"}}));
                collect_sensitive(x, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}
