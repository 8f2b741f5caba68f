//! Map and object functions: keys values lookup merge zipmap transpose matchkeys.

#[cfg(test)]
#[path = "maps_tests.rs"]
mod tests;

use std::collections::BTreeMap;

use infra_core::convert::convert;
use infra_core::{Type, Value};

use super::super::numeric::go_quote;
use super::super::numeric::shared::{arg_err, list, shallow_unknown, unmark_top};
use super::super::{FnError, FnResult, FuncContext, Functions, Param};
use super::search::cty_equals;
use super::{elems, unify_types};

pub(super) fn register(f: &mut Functions) {
    let dynamic = |name| Param::new(name, Type::Dynamic);
    f.def(
        "keys",
        vec![dynamic("inputMap").unknowns().marked()],
        ret_keys,
        keys,
    );
    f.def(
        "values",
        vec![dynamic("values").marked().unknowns()],
        ret_values,
        values,
    );
    f.def_variadic(
        "lookup",
        vec![
            dynamic("inputMap").unknowns().marked(),
            Param::new("key", Type::String).unknowns().marked(),
        ],
        dynamic("default").unknowns().nullable().marked(),
        ret_lookup,
        lookup,
    );
    f.def_variadic(
        "merge",
        vec![],
        dynamic("maps").nullable().marked().unknowns(),
        ret_merge,
        merge,
    );
    f.def(
        "zipmap",
        vec![
            Param::new("keys", Type::list(Type::String)).unknowns(),
            dynamic("values").marked().unknowns(),
        ],
        ret_zipmap,
        zipmap,
    );
    let lls = Type::map(Type::list(Type::String));
    f.def(
        "transpose",
        vec![Param::new("values", lls)],
        |_| Ok(Type::map(Type::list(Type::String))),
        transpose,
    );
    let any_list = |name| Param::new(name, Type::list(Type::Dynamic)).unknowns();
    f.def(
        "matchkeys",
        vec![any_list("values"), any_list("keys"), any_list("searchset")],
        ret_matchkeys,
        matchkeys,
    );
}

fn ret_keys(a: &[Value]) -> Result<Type, FnError> {
    match a[0].ty() {
        Type::Map(_) => Ok(Type::list(Type::String)),
        Type::Object(attrs, _) => Ok(Type::Tuple(vec![Type::String; attrs.len()])),
        Type::Dynamic => Ok(Type::Dynamic),
        _ => Err(arg_err(0, "inputMap", "must have map or object type")),
    }
}

fn keys(a: &[Value], _: &FuncContext) -> FnResult {
    let ty = ret_keys(a)?;
    let (m, marked) = a[0].clone().unmark();
    let out = match (ty, m.ty()) {
        (Type::Tuple(_), Type::Object(attrs, _)) => {
            Value::Tuple(attrs.into_keys().map(Value::String).collect())
        }
        (ty, _) if !m.is_known() => Value::Unknown(ty),
        (ty, _) => {
            let keys = m
                .entries()
                .map(|e| e.keys().cloned().map(Value::String).collect());
            list(
                ty.element().cloned().unwrap_or(Type::String),
                keys.unwrap_or_default(),
            )
        }
    };
    Ok(out.mark_if(marked))
}

fn ret_values(a: &[Value]) -> Result<Type, FnError> {
    match a[0].ty() {
        Type::Map(et) => Ok(Type::List(et)),
        Type::Object(attrs, _) => Ok(Type::Tuple(attrs.into_values().collect())),
        Type::Dynamic => Ok(Type::Dynamic),
        _ => Err(FnError::call(
            "values() requires a map as the first argument",
        )),
    }
}

fn values(a: &[Value], _: &FuncContext) -> FnResult {
    if let Some(r) = shallow_unknown(a, ret_values) {
        return r;
    }
    let ty = ret_values(a)?;
    let (m, marked) = a[0].clone().unmark();
    let items: Vec<Value> = m
        .entries()
        .map(|e| e.values().cloned().collect())
        .unwrap_or_default();
    Ok(match ty {
        Type::List(et) => Value::List(*et, items),
        _ => Value::Tuple(items),
    }
    .mark_if(marked))
}

fn ret_lookup(a: &[Value]) -> Result<Type, FnError> {
    if a.len() > 3 {
        return Err(FnError::call(format!(
            "lookup() takes two or three arguments, got {}",
            a.len()
        )));
    }
    match a[0].ty() {
        Type::Object(attrs, _) => {
            let Some(key) = a[1].as_str() else {
                return Ok(Type::Dynamic);
            };
            match (attrs.get(key), a.get(2)) {
                (Some(t), _) => Ok(t.clone()),
                (None, Some(d)) => Ok(d.ty()),
                (None, None) => Err(arg_err(
                    0,
                    "inputMap",
                    format!("the given object has no attribute {}", go_quote(key)),
                )),
            }
        }
        Type::Map(et) => {
            if let Some(d) = a.get(2) {
                convert(d, &et).map_err(|_| {
                    arg_err(
                        2,
                        "default",
                        "the default value must have the same type as the map elements",
                    )
                })?;
            }
            Ok(*et)
        }
        Type::Dynamic => Ok(Type::Dynamic),
        _ => Err(arg_err(
            0,
            "inputMap",
            "lookup() requires a map as the first argument",
        )),
    }
}

fn lookup(a: &[Value], _: &FuncContext) -> FnResult {
    let ty = ret_lookup(a)?;
    let (m, map_marked) = a[0].clone().unmark();
    let (key, key_marked) = a[1].clone().unmark();
    let marked = map_marked || key_marked;
    if !m.is_known() || !key.is_known() {
        return Ok(Value::Unknown(ty).mark_if(marked));
    }
    let key = key.as_str().expect("known string");
    if let Some(v) = m.entries().and_then(|e| e.get(key)) {
        return Ok(v.clone().mark_if(marked));
    }
    match a.get(2) {
        Some(d) => {
            let d = convert(d, &ty).map_err(|e| FnError::call(e.to_string()))?;
            Ok(d.mark_if(marked))
        }
        None => Err(FnError::call(format!("lookup failed to find '{key}'"))),
    }
}

fn ret_merge(a: &[Value]) -> Result<Type, FnError> {
    let mut attrs = BTreeMap::new();
    let mut first = None;
    let (mut matching, mut attrs_known) = (true, true);
    for v in a {
        let ty = v.ty();
        match &ty {
            Type::Dynamic => return Ok(Type::Dynamic),
            Type::Object(at, _) if !v.is_null() => {
                attrs.extend(at.iter().map(|(k, t)| (k.clone(), t.clone())))
            }
            Type::Object(..) => {}
            Type::Map(et) => match v.entries() {
                _ if v.is_null() => {}
                Some(e) => attrs.extend(e.keys().map(|k| (k.clone(), (**et).clone()))),
                None => attrs_known = false,
            },
            t => {
                return Err(FnError::call(format!(
                    "arguments must be maps or objects, got {}",
                    go_quote(&t.friendly_name())
                )))
            }
        }
        match &first {
            None => first = Some(ty),
            Some(f) if *f != ty => matching = false,
            _ => {}
        }
    }
    Ok(match first {
        None => Type::empty_object(),
        Some(f) if matching => f,
        _ if !attrs_known => Type::Dynamic,
        _ => Type::object(attrs),
    })
}

fn merge(a: &[Value], _: &FuncContext) -> FnResult {
    if let Some(r) = shallow_unknown(a, ret_merge) {
        return r;
    }
    let (args, marked) = unmark_top(a);
    let ty = ret_merge(&args)?;
    let mut out = BTreeMap::new();
    for v in &args {
        if let Some(e) = v.entries() {
            out.extend(e.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    Ok(match ty {
        Type::Map(et) => Value::Map(*et, out.into()),
        _ => Value::Object(out.into()),
    }
    .mark_if(marked))
}

fn ret_zipmap(a: &[Value]) -> Result<Type, FnError> {
    match a[1].ty() {
        Type::List(et) => Ok(Type::Map(et)),
        Type::Dynamic => Ok(Type::Dynamic),
        Type::Tuple(ts) => {
            if !a[0].is_wholly_known() {
                return Ok(Type::Dynamic);
            }
            let keys = elems(&a[0]);
            if keys.len() != ts.len() {
                return Err(FnError::call(format!(
                    "number of keys ({}) does not match number of values ({})",
                    keys.len(),
                    ts.len()
                )));
            }
            let mut atys = BTreeMap::new();
            for (i, (k, t)) in keys.iter().zip(ts).enumerate() {
                let Some(k) = k.as_str() else {
                    return Err(FnError::call(format!(
                        "keys list has null value at index {i}"
                    )));
                };
                atys.insert(k.to_string(), t);
            }
            Ok(Type::object(atys))
        }
        _ => Err(FnError::call(
            "values argument must be a list or tuple value",
        )),
    }
}

fn zipmap(a: &[Value], _: &FuncContext) -> FnResult {
    if let Some(r) = shallow_unknown(a, ret_zipmap) {
        return r;
    }
    let ty = ret_zipmap(a)?;
    if !a[0].is_wholly_known() {
        return Ok(Value::Unknown(ty).mark_if(a[1].is_sensitive()));
    }
    let (vals, marked) = a[1].clone().unmark();
    let (keys, vals) = (elems(&a[0]), elems(&vals));
    if keys.len() != vals.len() {
        return Err(FnError::call(format!(
            "number of keys ({}) does not match number of values ({})",
            keys.len(),
            vals.len()
        )));
    }
    let mut out = BTreeMap::new();
    for (i, (k, v)) in keys.iter().zip(vals).enumerate() {
        let Some(k) = k.as_str() else {
            return Err(FnError::call(format!(
                "keys list has null value at index {i}"
            )));
        };
        out.insert(k.to_string(), v.clone());
    }
    Ok(match ty {
        Type::Map(et) => Value::Map(*et, out.into()),
        _ => Value::Object(out.into()),
    }
    .mark_if(marked))
}

fn transpose(a: &[Value], _: &FuncContext) -> FnResult {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, l) in a[0].entries().expect("converted to a map") {
        if l.is_null() {
            return Err(FnError::call(
                "panic in function implementation: can't use ElementIterator on null value",
            ));
        }
        for v in elems(l) {
            let Some(s) = v.as_str() else {
                return Err(FnError::call(
                    "panic in function implementation: value is null",
                ));
            };
            out.entry(s.to_string()).or_default().push(k.clone());
        }
    }
    let lty = Type::list(Type::String);
    let entries = out.into_iter().map(|(k, mut v)| {
        v.sort();
        (
            k,
            list(Type::String, v.into_iter().map(Value::String).collect()),
        )
    });
    Ok(Value::Map(lty, entries.collect()))
}

fn ret_matchkeys(a: &[Value]) -> Result<Type, FnError> {
    unify_types(&[a[1].ty(), a[2].ty()])
        .ok_or_else(|| FnError::call("keys and searchset must be of the same type"))?;
    Ok(a[0].ty())
}

/// `matchkeys` as Terraform 1.0.3 has it, including its quirk: a comparison with an unknown
/// search value makes the whole result an empty list.
fn matchkeys(a: &[Value], _: &FuncContext) -> FnResult {
    if let Some(r) = shallow_unknown(a, ret_matchkeys) {
        return r;
    }
    let ty = ret_matchkeys(a)?;
    let et = ty.element().cloned().unwrap_or(Type::Dynamic);
    let (values, keys) = (elems(&a[0]), elems(&a[1]));
    if values.len() != keys.len() {
        return Err(FnError::call("length of keys and values should be equal"));
    }
    let kty = unify_types(&[a[1].ty(), a[2].ty()]).expect("checked");
    let conv = |v: &Value| convert(v, &kty).map_err(|e| FnError::call(e.to_string()));
    let (keys, search) = (conv(&a[1])?, conv(&a[2])?);
    let search = elems(&search);
    if search.is_empty() {
        return Ok(list(et, vec![]));
    }
    if !a[0].is_wholly_known() || !keys.is_wholly_known() {
        return Ok(Value::Unknown(ty));
    }
    let mut out = Vec::new();
    for (k, v) in elems(&keys).iter().zip(values) {
        for s in search {
            match cty_equals(k, s) {
                None => return Ok(list(et, vec![])),
                Some(true) => {
                    out.push(v.clone());
                    break;
                }
                Some(false) => {}
            }
        }
    }
    Ok(list(et, out))
}
