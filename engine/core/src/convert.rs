//! Type conversion and unification as Terraform (cty) does them: `"5"` converts to number `5`,
//! a tuple converts to a list when its elements share a type, `true ? 1 : "x"` unifies to string.

use std::collections::BTreeMap;
use std::fmt;

use crate::number::Number;
use crate::types::Type;
use crate::value::Value;

/// Why a value cannot become the wanted type. `path` locates the offending part (`.a[0]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvertError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ConvertError {}

fn err(message: impl Into<String>) -> ConvertError {
    ConvertError {
        path: String::new(),
        message: message.into(),
    }
}

fn at(e: ConvertError, step: String) -> ConvertError {
    ConvertError {
        path: format!("{step}{}", e.path),
        message: e.message,
    }
}

/// Converts `v` to type `want`, following Terraform's conversion rules. Marks are kept.
pub fn convert(v: &Value, want: &Type) -> Result<Value, ConvertError> {
    if let Value::Sensitive(inner) = v {
        return convert(inner, want).map(Value::mark_sensitive);
    }
    if *want == Type::Dynamic {
        return Ok(v.clone());
    }
    match v {
        Value::Null(_) => return Ok(Value::Null(want.clone())),
        Value::Unknown(t) => {
            return if type_converts(t, want) {
                Ok(Value::Unknown(want.clone()))
            } else {
                Err(err(format!("{} required", want.friendly_name())))
            }
        }
        _ => {}
    }
    match want {
        Type::Dynamic => Ok(v.clone()),
        Type::String => match v {
            Value::String(_) => Ok(v.clone()),
            Value::Number(n) => Ok(Value::String(n.to_string())),
            Value::Bool(b) => Ok(Value::String(b.to_string())),
            _ => Err(err("string required")),
        },
        Type::Number => match v {
            Value::Number(_) => Ok(v.clone()),
            Value::String(s) => Number::parse(s)
                .map(Value::Number)
                .ok_or_else(|| err("a number is required")),
            _ => Err(err("number required")),
        },
        Type::Bool => match v {
            Value::Bool(_) => Ok(v.clone()),
            Value::String(s) => match s.as_str() {
                "true" | "1" => Ok(Value::Bool(true)),
                "false" | "0" => Ok(Value::Bool(false)),
                _ => Err(err("a bool is required")),
            },
            _ => Err(err("bool required")),
        },
        Type::List(et) | Type::Set(et) => {
            let items = match v {
                Value::List(_, e) | Value::Set(_, e) | Value::Tuple(e) => e,
                _ => return Err(err(format!("{} required", want.friendly_name()))),
            };
            let et = if et.has_dynamic() {
                match unify_values(items) {
                    Some(t) => merge_dynamic(et, &t),
                    None => return Err(err("all list elements must have the same type")),
                }
            } else {
                (**et).clone()
            };
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(convert(item, &et).map_err(|e| at(e, format!("[{i}]")))?);
            }
            Ok(match want {
                Type::Set(_) => Value::set(et, out),
                _ => Value::List(et, out),
            })
        }
        Type::Map(et) => {
            let items = match v {
                Value::Map(_, m) | Value::Object(m) => m,
                _ => return Err(err(format!("{} required", want.friendly_name()))),
            };
            let et = if et.has_dynamic() {
                let vals: Vec<Value> = items.values().cloned().collect();
                match unify_values(&vals) {
                    Some(t) => merge_dynamic(et, &t),
                    None => return Err(err("all map elements must have the same type")),
                }
            } else {
                (**et).clone()
            };
            let mut out = crate::ValueMap::new();
            for (k, item) in items {
                let c = convert(item, &et).map_err(|e| at(e, format!("[{k:?}]")))?;
                out.insert(k.clone(), c);
            }
            Ok(Value::Map(et, out))
        }
        Type::Object(attrs, optional) => {
            let items = match v {
                Value::Map(_, m) | Value::Object(m) => m,
                _ => return Err(err("object required")),
            };
            let mut out = crate::ValueMap::new();
            for (k, at_ty) in attrs.iter() {
                match items.get(k) {
                    Some(item) => {
                        let c = convert(item, at_ty).map_err(|e| at(e, format!(".{k}")))?;
                        out.insert(k.clone(), c);
                    }
                    None if optional.contains(k) => {
                        out.insert(k.clone(), Value::Null(at_ty.clone()));
                    }
                    None => return Err(err(format!("attribute {k:?} is required"))),
                }
            }
            Ok(Value::Object(out))
        }
        Type::Tuple(ets) => {
            let items = match v {
                Value::List(_, e) | Value::Tuple(e) => e,
                _ => return Err(err("tuple required")),
            };
            if items.len() != ets.len() {
                return Err(err(format!("tuple required with {} elements", ets.len())));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, et)) in items.iter().zip(ets).enumerate() {
                out.push(convert(item, et).map_err(|e| at(e, format!("[{i}]")))?);
            }
            Ok(Value::Tuple(out))
        }
    }
}

/// Whether values of type `from` may convert to `to` (some values of the type, at least): used for
/// unknown values, whose type is all there is to check.
pub fn type_converts(from: &Type, to: &Type) -> bool {
    use Type::*;
    match (from, to) {
        (Dynamic, _) | (_, Dynamic) => true,
        (a, b) if a == b => true,
        (String, Number | Bool) | (Number | Bool, String) => true,
        (List(e) | Set(e), List(t) | Set(t)) => type_converts(e, t),
        (Tuple(es), List(t) | Set(t)) => es.iter().all(|e| type_converts(e, t)),
        (List(e), Tuple(ts)) => ts.iter().all(|t| type_converts(e, t)),
        (Tuple(es), Tuple(ts)) => {
            es.len() == ts.len() && es.iter().zip(ts).all(|(e, t)| type_converts(e, t))
        }
        (Map(e), Map(t)) => type_converts(e, t),
        (Object(attrs, _), Map(t)) => attrs.values().all(|e| type_converts(e, t)),
        (Map(e), Object(attrs, _)) => attrs.values().all(|t| type_converts(e, t)),
        (Object(from_attrs, _), Object(attrs, optional)) => {
            attrs.iter().all(|(k, t)| match from_attrs.get(k) {
                Some(e) => type_converts(e, t),
                None => optional.contains(k),
            })
        }
        _ => false,
    }
}

/// Replaces `any` inside a constraint with the concrete parts of `actual`.
fn merge_dynamic(constraint: &Type, actual: &Type) -> Type {
    match (constraint, actual) {
        (Type::Dynamic, a) => a.clone(),
        (Type::List(c), Type::List(a)) => Type::list(merge_dynamic(c, a)),
        (Type::Set(c), Type::Set(a)) => Type::set(merge_dynamic(c, a)),
        (Type::Map(c), Type::Map(a)) => Type::map(merge_dynamic(c, a)),
        (c, _) => c.clone(),
    }
}

/// The common type of the given values' types (see [`unify`]); `Dynamic` for no values.
pub fn unify_values(values: &[Value]) -> Option<Type> {
    let types: Vec<Type> = values
        .iter()
        .filter(|v| !v.is_null())
        .map(Value::ty)
        .collect();
    if types.is_empty() {
        return Some(values.first().map(Value::ty).unwrap_or(Type::Dynamic));
    }
    unify(&types)
}

/// The single type all of `types` convert to, as cty's `unify`: equal types unify to themselves,
/// `any` absorbs everything, primitives unify to string, tuples and lists to lists, objects with
/// the same attributes to objects, other objects and maps to maps.
pub fn unify(types: &[Type]) -> Option<Type> {
    let first = types.first()?;
    if types.iter().all(|t| t == first) {
        return Some(first.clone());
    }
    if types.contains(&Type::Dynamic) {
        return Some(Type::Dynamic);
    }
    if types.iter().all(Type::is_primitive) {
        if types.contains(&Type::String) {
            return Some(Type::String);
        }
        return None;
    }
    let all = |f: fn(&Type) -> bool| types.iter().all(f);
    if all(|t| matches!(t, Type::Object(..))) {
        let first_keys: Vec<&String> = match first {
            Type::Object(a, _) => a.keys().collect(),
            _ => unreachable!(),
        };
        let same_keys = types.iter().all(|t| match t {
            Type::Object(a, _) => a.keys().collect::<Vec<_>>() == first_keys,
            _ => false,
        });
        if same_keys {
            let mut attrs = BTreeMap::new();
            for k in first_keys {
                let ts: Vec<Type> = types
                    .iter()
                    .map(|t| match t {
                        Type::Object(a, _) => a[k].clone(),
                        _ => unreachable!(),
                    })
                    .collect();
                attrs.insert(k.clone(), unify(&ts)?);
            }
            return Some(Type::object(attrs));
        }
    }
    if all(|t| matches!(t, Type::Object(..) | Type::Map(_))) {
        let mut elems = Vec::new();
        for t in types {
            match t {
                Type::Object(a, _) => elems.extend(a.values().cloned()),
                Type::Map(e) => elems.push((**e).clone()),
                _ => unreachable!(),
            }
        }
        let concrete: Vec<Type> = elems
            .iter()
            .filter(|t| **t != Type::Dynamic)
            .cloned()
            .collect();
        let elems = if concrete.is_empty() { elems } else { concrete };
        return Some(Type::map(if elems.is_empty() {
            Type::Dynamic
        } else {
            unify(&elems)?
        }));
    }
    if all(|t| matches!(t, Type::Tuple(_))) {
        let n = match first {
            Type::Tuple(e) => e.len(),
            _ => unreachable!(),
        };
        if types
            .iter()
            .all(|t| matches!(t, Type::Tuple(e) if e.len() == n))
        {
            let mut elems = Vec::with_capacity(n);
            for i in 0..n {
                let ts: Vec<Type> = types
                    .iter()
                    .map(|t| match t {
                        Type::Tuple(e) => e[i].clone(),
                        _ => unreachable!(),
                    })
                    .collect();
                elems.push(unify(&ts)?);
            }
            return Some(Type::Tuple(elems));
        }
    }
    if all(|t| matches!(t, Type::Tuple(_) | Type::List(_))) {
        return collection_of(types, Type::list);
    }
    if all(|t| matches!(t, Type::Tuple(_) | Type::List(_) | Type::Set(_))) {
        // Lists win over sets; sets win over tuples.
        if types.iter().any(|t| matches!(t, Type::List(_))) {
            return collection_of(types, Type::list);
        }
        return collection_of(types, Type::set);
    }
    None
}

fn collection_of(types: &[Type], make: fn(Type) -> Type) -> Option<Type> {
    let mut elems = Vec::new();
    for t in types {
        match t {
            Type::Tuple(e) => elems.extend(e.iter().cloned()),
            Type::List(e) | Type::Set(e) | Type::Map(e) => elems.push((**e).clone()),
            _ => return None,
        }
    }
    // An element type still unknown (an empty `tolist([])`) takes the others' type.
    let concrete: Vec<Type> = elems
        .iter()
        .filter(|t| **t != Type::Dynamic)
        .cloned()
        .collect();
    let elems = if concrete.is_empty() { elems } else { concrete };
    Some(make(if elems.is_empty() {
        Type::Dynamic
    } else {
        unify(&elems)?
    }))
}
