//! Collection functions that compare or pick elements: alltrue anytrue coalesce coalescelist
//! compact contains distinct index sort, and cty's value equality they use.

use infra_core::convert::convert;
use infra_core::{Type, Value};

use super::super::numeric::shared::{list, shallow_unknown};
use super::super::{ret_bool, ret_number, FnError, FnResult, FuncContext, Functions, Param};
use super::{elems, unify_types};

pub(super) fn register(f: &mut Functions) {
    let dynamic = |name| Param::new(name, Type::Dynamic);
    let list_of = |name, t| Param::new(name, Type::list(t));
    let all: super::super::ImplFn = |a, _| all_true(a, true);
    let any: super::super::ImplFn = |a, _| all_true(a, false);
    f.def(
        "alltrue",
        vec![list_of("list", Type::Bool).unknowns()],
        ret_bool,
        all,
    );
    f.def(
        "anytrue",
        vec![list_of("list", Type::Bool).unknowns()],
        ret_bool,
        any,
    );
    let vals = || dynamic("vals").nullable().unknowns();
    f.def_variadic("coalesce", vec![], vals(), ret_coalesce, coalesce);
    f.def_variadic(
        "coalescelist",
        vec![],
        vals(),
        ret_coalescelist,
        coalescelist,
    );
    let strings = |_: &[Value]| Ok(Type::list(Type::String));
    f.def(
        "compact",
        vec![list_of("list", Type::String)],
        strings,
        compact,
    );
    let search = || vec![dynamic("list").unknowns(), dynamic("value").unknowns()];
    f.def("contains", search(), ret_bool, contains);
    f.def("index", search(), ret_number, index);
    f.def(
        "distinct",
        vec![list_of("list", Type::Dynamic)],
        |a| Ok(a[0].ty()),
        distinct,
    );
    f.def("sort", vec![list_of("list", Type::String)], strings, sort);
}

/// cty's `Equals` on known values: equal types and equal contents.
pub(crate) fn equals(a: &Value, b: &Value) -> bool {
    cty_equals(a, b) == Some(true)
}

/// cty's `Value.Equals`: `None` when unknown values make the answer unknown. Nulls are equal
/// whatever their types; otherwise values of different types are never equal.
pub(crate) fn cty_equals(a: &Value, b: &Value) -> Option<bool> {
    let (a, b) = (a.peel(), b.peel());
    match (a.is_known(), b.is_known()) {
        (false, false) => return None,
        (true, false) | (false, true) => {
            let (k, u) = if a.is_known() { (a, b) } else { (b, a) };
            if k.is_null() || u.ty().has_dynamic() || k.ty() == u.ty() {
                return None;
            }
            return Some(false);
        }
        _ => {}
    }
    match (a.is_null(), b.is_null()) {
        (true, true) => return Some(true),
        (true, false) | (false, true) => return Some(false),
        _ => {}
    }
    if a.ty() != b.ty() {
        return Some(false);
    }
    let all = |pairs: &mut dyn Iterator<Item = (&Value, &Value)>| {
        for (x, y) in pairs {
            match cty_equals(x, y) {
                Some(true) => {}
                other => return other,
            }
        }
        Some(true)
    };
    match (a, b) {
        (Value::List(_, x), Value::List(_, y)) | (Value::Tuple(x), Value::Tuple(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            all(&mut x.iter().zip(y))
        }
        (Value::Map(_, x), Value::Map(_, y)) | (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() || !x.keys().eq(y.keys()) {
                return Some(false);
            }
            all(&mut x.values().zip(y.values()))
        }
        (Value::Set(..), Value::Set(..)) if !a.is_wholly_known() || !b.is_wholly_known() => None,
        (Value::Number(x), Value::Number(y)) => Some(x.cty_equals(y)),
        _ => Some(a == b),
    }
}

/// `alltrue` stops at the first unknown or false (a null counts as false); `anytrue` skips
/// unknowns and nulls looking for a true.
fn all_true(a: &[Value], all: bool) -> FnResult {
    if let Some(r) = shallow_unknown(a, ret_bool) {
        return r;
    }
    let mut unknown = false;
    for v in elems(&a[0]) {
        match v.as_bool() {
            _ if !v.is_known() && all => return Ok(Value::Unknown(Type::Bool)),
            _ if !v.is_known() => unknown = true,
            None if all => return Ok(Value::Bool(false)),
            Some(b) if b != all => return Ok(Value::Bool(!all)),
            _ => {}
        }
    }
    Ok(if unknown {
        Value::Unknown(Type::Bool)
    } else {
        Value::Bool(all)
    })
}

fn ret_coalesce(a: &[Value]) -> Result<Type, FnError> {
    let types: Vec<Type> = a.iter().map(Value::ty).collect();
    unify_types(&types).ok_or_else(|| FnError::call("all arguments must have the same type"))
}

fn coalesce(a: &[Value], _: &FuncContext) -> FnResult {
    let ty = ret_coalesce(a)?;
    for v in a {
        let v = convert(v, &ty).map_err(|e| FnError::call(e.to_string()))?;
        if !v.is_known() {
            return Ok(Value::Unknown(ty));
        }
        if v.is_null() || (ty == Type::String && v.as_str() == Some("")) {
            continue;
        }
        return Ok(v);
    }
    Err(FnError::call("no non-null, non-empty-string arguments"))
}

fn ret_coalescelist(a: &[Value]) -> Result<Type, FnError> {
    if a.is_empty() {
        return Err(FnError::call("at least one argument is required"));
    }
    let mut types = Vec::with_capacity(a.len());
    for v in a {
        if !v.is_known() {
            return Ok(Type::Dynamic);
        }
        let t = v.ty();
        if !matches!(t, Type::List(_) | Type::Tuple(_)) {
            return Err(FnError::call(
                "coalescelist arguments must be lists or tuples",
            ));
        }
        types.push(t);
    }
    Ok(if types.iter().all(|t| *t == types[0]) {
        types.swap_remove(0)
    } else {
        Type::Dynamic
    })
}

fn coalescelist(a: &[Value], _: &FuncContext) -> FnResult {
    let ty = ret_coalescelist(a)?;
    for v in a {
        if !v.is_known() {
            return Ok(Value::Unknown(ty));
        }
        if !elems(v).is_empty() {
            return Ok(v.clone());
        }
    }
    Err(FnError::call("no non-null arguments"))
}

fn compact(a: &[Value], _: &FuncContext) -> FnResult {
    let kept = elems(&a[0])
        .iter()
        .filter(|v| !matches!(v.as_str(), None | Some("")))
        .cloned();
    Ok(list(Type::String, kept.collect()))
}

fn contains(a: &[Value], _: &FuncContext) -> FnResult {
    if !matches!(a[0].ty(), Type::List(_) | Type::Set(_) | Type::Tuple(_)) {
        return Err(FnError::call("argument must be list, tuple, or set"));
    }
    if a[0].is_known() && elems(&a[0]).is_empty() {
        return Ok(Value::Bool(false));
    }
    if !a[0].is_known() || !a[1].is_known() {
        return Ok(Value::Unknown(Type::Bool));
    }
    let mut unknown = false;
    for v in elems(&a[0]) {
        match cty_equals(&a[1], v) {
            Some(true) => return Ok(Value::Bool(true)),
            Some(false) => {}
            None => unknown = true,
        }
    }
    Ok(if unknown {
        Value::Unknown(Type::Bool)
    } else {
        Value::Bool(false)
    })
}

fn index(a: &[Value], _: &FuncContext) -> FnResult {
    if !a[1].is_known() {
        return Ok(Value::Unknown(Type::Number));
    }
    if !matches!(a[0].ty(), Type::List(_) | Type::Tuple(_)) {
        return Err(FnError::call("argument must be a list or tuple"));
    }
    if !a[0].is_known() {
        return Ok(Value::Unknown(Type::Number));
    }
    let items = elems(&a[0]);
    if items.is_empty() {
        return Err(FnError::call("cannot search an empty list"));
    }
    for (i, v) in items.iter().enumerate() {
        match cty_equals(v, &a[1]) {
            Some(true) => return Ok(Value::int(i as i64)),
            Some(false) => {}
            None => return Ok(Value::Unknown(Type::Number)),
        }
    }
    Err(FnError::call("item not found"))
}

fn distinct(a: &[Value], _: &FuncContext) -> FnResult {
    let Value::List(et, items) = a[0].peel() else {
        unreachable!("converted to a list")
    };
    let mut out: Vec<Value> = Vec::new();
    for v in items {
        if !out.iter().any(|o| equals(o, v)) {
            out.push(v.clone());
        }
    }
    Ok(Value::List(et.clone(), out))
}

fn sort(a: &[Value], _: &FuncContext) -> FnResult {
    let mut out = Vec::new();
    for (i, v) in elems(&a[0]).iter().enumerate() {
        let Some(s) = v.as_str() else {
            return Err(FnError::call(format!(
                "given list element {i} is null; a null string cannot be sorted"
            )));
        };
        out.push(s.to_string());
    }
    out.sort();
    Ok(list(
        Type::String,
        out.into_iter().map(Value::String).collect(),
    ))
}
