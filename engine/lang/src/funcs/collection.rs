//! Collection functions on sequences: chunklist concat element flatten length one range reverse
//! slice. Functions that compare or pick elements live in `search.rs`, map functions in
//! `maps.rs`, set functions in `sets.rs`.
//!
//! As in Terraform 1.0.3, the functions that only move elements around (`concat`, `element`,
//! `flatten`, `reverse`, `slice`, `chunklist`, `length`, and in `maps.rs`/`sets.rs` `keys`,
//! `values`, `lookup`, `merge`, `zipmap`, `setproduct`) keep sensitive marks on the elements
//! that carry them; a mark on a whole argument marks the whole result.

#[path = "maps.rs"]
mod maps;
#[path = "search.rs"]
mod search;
#[path = "sets.rs"]
mod sets;
#[cfg(test)]
#[path = "collection_tests.rs"]
mod tests;

use infra_core::convert::{convert, unify};
use infra_core::{Number, Type, Value};

use super::numeric::shared::{
    arg_err, grapheme_len, list, num_of, shallow_unknown, unmark_top, whole,
};
use super::{ret_dynamic, ret_number, FnError, FnResult, FuncContext, Functions, Param};

pub(crate) fn register(f: &mut Functions) {
    let dynamic = |name| Param::new(name, Type::Dynamic);
    let list_of = |name, t| Param::new(name, Type::list(t));
    f.def(
        "chunklist",
        vec![
            list_of("list", Type::Dynamic).marked().unknowns(),
            Param::new("size", Type::Number).unknowns(),
        ],
        ret_chunklist,
        chunklist,
    );
    f.def_variadic(
        "concat",
        vec![],
        dynamic("seqs").marked().unknowns(),
        ret_concat,
        concat,
    );
    f.def(
        "element",
        vec![
            dynamic("list").marked().unknowns(),
            Param::new("index", Type::Number).unknowns(),
        ],
        ret_element,
        element,
    );
    f.def(
        "flatten",
        vec![dynamic("list").marked().unknowns()],
        ret_dynamic,
        flatten,
    );
    f.def(
        "length",
        vec![dynamic("value").unknowns().marked()],
        ret_number,
        length,
    );
    f.def("one", vec![dynamic("list").unknowns()], ret_one, one);
    f.def_variadic(
        "range",
        vec![],
        Param::new("params", Type::Number),
        |_| Ok(Type::list(Type::Number)),
        range,
    );
    f.def(
        "reverse",
        vec![dynamic("list").marked().unknowns()],
        ret_reverse,
        reverse,
    );
    f.def(
        "slice",
        vec![
            dynamic("list").marked().unknowns(),
            Param::new("start_index", Type::Number).unknowns(),
            Param::new("end_index", Type::Number).unknowns(),
        ],
        ret_slice,
        slice,
    );
    search::register(f);
    maps::register(f);
    sets::register(f);
}

/// cty's unification for function arguments: `any` types defer to the others, except that
/// tuples or objects unified with `any` give `any` (cty cannot predict their shape).
pub(crate) fn unify_types(types: &[Type]) -> Option<Type> {
    if types.is_empty() {
        return None;
    }
    let concrete: Vec<Type> = types
        .iter()
        .filter(|t| **t != Type::Dynamic)
        .cloned()
        .collect();
    if concrete.is_empty() {
        return Some(Type::Dynamic);
    }
    let structural = |f: fn(&Type) -> bool| concrete.iter().all(f);
    if concrete.len() < types.len()
        && (structural(|t| matches!(t, Type::Tuple(_)))
            || structural(|t| matches!(t, Type::Object(..))))
    {
        return Some(Type::Dynamic);
    }
    unify(&concrete)
}

/// The elements of a known list, set or tuple (empty for anything else).
pub(crate) fn elems(v: &Value) -> &[Value] {
    v.elements().unwrap_or_default()
}

fn ret_chunklist(a: &[Value]) -> Result<Type, FnError> {
    Ok(Type::list(a[0].ty()))
}

fn chunklist(a: &[Value], _: &FuncContext) -> FnResult {
    if let Some(r) = shallow_unknown(a, ret_chunklist) {
        return r;
    }
    let (l, marked) = a[0].clone().unmark();
    let Value::List(et, items) = l else {
        unreachable!("converted to a list")
    };
    let lty = Type::list(et.clone());
    if items.is_empty() {
        return Ok(list(lty, vec![]).mark_if(marked));
    }
    let size = whole(num_of(&a[1])).map_err(|m| FnError::call(format!("invalid size: {m}")))?;
    if size < 0 {
        return Err(FnError::call("the size argument must be positive"));
    }
    let chunks = if size == 0 {
        vec![Value::List(et, items)]
    } else {
        items
            .chunks(size as usize)
            .map(|c| Value::List(et.clone(), c.to_vec()))
            .collect()
    };
    Ok(list(lty, chunks).mark_if(marked))
}

fn ret_concat(a: &[Value]) -> Result<Type, FnError> {
    if a.is_empty() {
        return Err(FnError::call("at least one argument is required"));
    }
    let types: Vec<Type> = a.iter().map(Value::ty).collect();
    if types.contains(&Type::Dynamic) {
        return Ok(Type::Dynamic);
    }
    if types.iter().all(|t| matches!(t, Type::List(_))) {
        if let Some(t) = unify(&types) {
            return Ok(t);
        }
    }
    let mut etys = Vec::new();
    for (i, (v, t)) in a.iter().zip(types).enumerate() {
        match t {
            Type::Tuple(ts) => etys.extend(ts),
            Type::List(et) => {
                if !v.is_known() {
                    return Ok(Type::Dynamic);
                }
                etys.extend(std::iter::repeat_n(*et, elems(v).len()));
            }
            t => {
                return Err(arg_err(
                    i,
                    "seqs",
                    format!(
                        "all arguments must be lists or tuples; got {}",
                        t.friendly_name()
                    ),
                ))
            }
        }
    }
    Ok(Type::Tuple(etys))
}

fn concat(a: &[Value], _: &FuncContext) -> FnResult {
    if let Some(r) = shallow_unknown(a, ret_concat) {
        return r;
    }
    let (args, marked) = unmark_top(a);
    let ty = ret_concat(&args)?;
    let mut out = Vec::new();
    for (i, v) in args.iter().enumerate() {
        if let Type::List(_) = ty {
            let c = convert(v, &ty).map_err(|e| arg_err(i, "seqs", e))?;
            out.extend(elems(&c).iter().cloned());
        } else {
            out.extend(elems(v).iter().cloned());
        }
    }
    Ok(match ty {
        Type::List(et) => Value::List(*et, out),
        _ => Value::Tuple(out),
    }
    .mark_if(marked))
}

fn ret_element(a: &[Value]) -> Result<Type, FnError> {
    let idx = a[1].as_number();
    if idx.is_some_and(|n| *n < Number::zero()) {
        return Err(FnError::call(
            "cannot use element function with a negative index",
        ));
    }
    match a[0].ty() {
        Type::List(et) => Ok(*et),
        Type::Dynamic => Ok(Type::Dynamic),
        Type::Tuple(ts) => {
            let Some(n) = idx else {
                return Ok(Type::Dynamic);
            };
            let i = whole(n).map_err(|m| FnError::call(format!("invalid index: {m}")))?;
            if ts.is_empty() {
                return Err(FnError::call(
                    "cannot use element function with an empty list",
                ));
            }
            Ok(ts[i as usize % ts.len()].clone())
        }
        t => Err(FnError::call(format!(
            "cannot read elements from {}",
            t.friendly_name()
        ))),
    }
}

fn element(a: &[Value], _: &FuncContext) -> FnResult {
    if let Some(r) = shallow_unknown(a, ret_element) {
        return r;
    }
    ret_element(a)?;
    let (l, marked) = a[0].clone().unmark();
    let i = whole(num_of(&a[1])).map_err(|m| FnError::call(format!("invalid index: {m}")))?;
    let items = elems(&l);
    if items.is_empty() {
        return Err(FnError::call(
            "cannot use element function with an empty list",
        ));
    }
    Ok(items[i as usize % items.len()].clone().mark_if(marked))
}

fn is_sequence(t: &Type) -> bool {
    matches!(t, Type::List(_) | Type::Set(_) | Type::Tuple(_))
}

fn flatten(a: &[Value], _: &FuncContext) -> FnResult {
    if let Some(r) = shallow_unknown(a, ret_dynamic) {
        return r;
    }
    let (l, mut marked) = a[0].clone().unmark();
    if !is_sequence(&l.ty()) {
        return Err(FnError::call("can only flatten lists, sets and tuples"));
    }
    /// Returns false when an unknown nested sequence (or a set of unknown length) is met.
    fn walk(v: &Value, out: &mut Vec<Value>, marked: &mut bool) -> bool {
        if matches!(v, Value::Set(..)) && !v.is_wholly_known() {
            return false;
        }
        for e in elems(v) {
            if is_sequence(&e.ty()) && !e.is_null() {
                *marked |= e.is_sensitive();
                if !e.is_known() || !walk(e.peel(), out, marked) {
                    return false;
                }
            } else {
                out.push(e.clone());
            }
        }
        true
    }
    let mut out = Vec::new();
    let known = walk(&l, &mut out, &mut marked);
    let v = if known {
        Value::Tuple(out)
    } else {
        Value::Unknown(Type::Dynamic)
    };
    Ok(v.mark_if(marked))
}

fn length(a: &[Value], _: &FuncContext) -> FnResult {
    // Looks at the value in place: neither a copy of it nor its type (which for a tuple of
    // thousands of objects is as large as the value) is built.
    let marked = a[0].is_sensitive();
    let v = a[0].peel();
    let placeholder = match v {
        Value::Null(t) | Value::Unknown(t) => Some(t),
        _ => None,
    };
    let n = match (v, placeholder) {
        (_, Some(Type::Dynamic)) => None,
        (_, Some(Type::Tuple(ts))) => Some(ts.len()),
        (_, Some(Type::Object(attrs, _))) => Some(attrs.len()),
        (Value::Tuple(e), _) => Some(e.len()),
        (Value::Object(m), _) => Some(m.len()),
        (Value::Number(_) | Value::Bool(_), _) | (_, Some(Type::Number | Type::Bool)) => {
            return Err(FnError::call(
                "argument must be a string, a collection type, or a structural type",
            ))
        }
        (Value::Unknown(_), _) => None,
        (Value::String(s), _) => Some(grapheme_len(s)),
        (Value::Set(..), _) if !v.is_wholly_known() => None,
        (v, _) => v.length(),
    };
    let out = match n {
        Some(n) => Value::int(n as i64),
        None => Value::Unknown(Type::Number),
    };
    Ok(out.mark_if(marked))
}

const ONE_ERR: &str = "must be a list, set, or tuple value with either zero or one elements";

fn ret_one(a: &[Value]) -> Result<Type, FnError> {
    match a[0].ty() {
        Type::List(et) | Type::Set(et) => Ok(*et),
        Type::Dynamic => Ok(Type::Dynamic),
        Type::Tuple(ts) if ts.is_empty() => Ok(Type::Dynamic),
        Type::Tuple(ts) if ts.len() == 1 => Ok(ts[0].clone()),
        _ => Err(arg_err(0, "list", ONE_ERR)),
    }
}

fn one(a: &[Value], _: &FuncContext) -> FnResult {
    if let Some(r) = shallow_unknown(a, ret_one) {
        return r;
    }
    let ty = ret_one(a)?;
    if matches!(a[0].peel(), Value::Set(..)) && !a[0].is_wholly_known() {
        return Ok(Value::Unknown(ty));
    }
    match elems(&a[0]) {
        [] => Ok(Value::Null(ty)),
        [v] => Ok(v.clone()),
        _ => Err(arg_err(0, "list", ONE_ERR)),
    }
}

fn range(a: &[Value], _: &FuncContext) -> FnResult {
    let n = |i: usize| num_of(&a[i]).clone();
    let (zero, one, minus_one) = (
        Number::from_i64(0),
        Number::from_i64(1),
        Number::from_i64(-1),
    );
    let (start, end, step) = match a.len() {
        1 => {
            let step = if n(0) < zero { minus_one } else { one };
            (zero, n(0), step)
        }
        2 => {
            let step = if n(1) < n(0) { minus_one } else { one };
            (n(0), n(1), step)
        }
        3 => (n(0), n(1), n(2)),
        _ => return Err(FnError::call("must have one, two, or three arguments")),
    };
    let down = step < Number::zero();
    if down && end > start {
        return Err(arg_err(
            1,
            "params",
            "end must be less than start when step is negative",
        ));
    }
    if !down && end < start {
        return Err(arg_err(
            1,
            "params",
            "end must be greater than start when step is positive",
        ));
    }
    let mut vals = Vec::new();
    let mut num = start;
    while if down { num > end } else { num < end } {
        if vals.len() >= 1024 {
            return Err(FnError::call(
                "more than 1024 values were generated; either decrease the difference between \
                 start and end or use a smaller step",
            ));
        }
        let next = num.add(&step);
        vals.push(Value::Number(num));
        num = next;
    }
    Ok(list(Type::Number, vals))
}

fn ret_reverse(a: &[Value]) -> Result<Type, FnError> {
    match a[0].ty() {
        Type::Tuple(mut ts) => {
            ts.reverse();
            Ok(Type::Tuple(ts))
        }
        Type::List(et) | Type::Set(et) => Ok(Type::List(et)),
        Type::Dynamic => Ok(Type::Dynamic),
        t => Err(arg_err(
            0,
            "list",
            format!(
                "can only reverse list or tuple values, not {}",
                t.friendly_name()
            ),
        )),
    }
}

fn reverse(a: &[Value], _: &FuncContext) -> FnResult {
    if let Some(r) = shallow_unknown(a, ret_reverse) {
        return r;
    }
    let ty = ret_reverse(a)?;
    let (l, marked) = a[0].clone().unmark();
    let items: Vec<Value> = elems(&l).iter().rev().cloned().collect();
    Ok(match ty {
        Type::List(et) => Value::List(*et, items),
        _ => Value::Tuple(items),
    }
    .mark_if(marked))
}

/// cty's `sliceIndexes`: the known start and end indexes, validated against the known length.
fn slice_indexes(a: &[Value]) -> Result<(Option<usize>, Option<usize>), FnError> {
    let len = match a[0].peel() {
        Value::Unknown(Type::Tuple(ts)) => Some(ts.len()),
        Value::Unknown(_) => None,
        v => v.length(),
    };
    let index = |i: usize, param: &str, what: &str| -> Result<Option<usize>, FnError> {
        let Some(n) = a[i].as_number() else {
            return Ok(None);
        };
        let n = whole(n).map_err(|m| arg_err(i, param, format!("invalid {what} index: {m}")))?;
        if n < 0 {
            return Err(arg_err(
                i,
                param,
                format!("{what} index must not be less than zero"),
            ));
        }
        if len.is_some_and(|l| n as usize > l) {
            return Err(arg_err(
                i,
                param,
                format!("{what} index must not be greater than the length of the list"),
            ));
        }
        Ok(Some(n as usize))
    };
    let start = index(1, "start_index", "start")?;
    let end = index(2, "end_index", "end")?;
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            return Err(arg_err(
                1,
                "start_index",
                "start index must not be greater than end index",
            ));
        }
    }
    Ok((start, end))
}

fn ret_slice(a: &[Value]) -> Result<Type, FnError> {
    let ty = a[0].ty();
    match ty {
        Type::Set(_) => {
            return Err(arg_err(
                0,
                "list",
                "cannot slice a set, because its elements do not have indices; explicitly \
                 convert to a list if the ordering of the result is not important",
            ))
        }
        Type::Dynamic => return Ok(Type::Dynamic),
        Type::List(_) | Type::Tuple(_) => {}
        _ => return Err(arg_err(0, "list", "must be a list or tuple value")),
    }
    let (start, end) = slice_indexes(a)?;
    match (ty, start, end) {
        (Type::Tuple(ts), Some(s), Some(e)) => Ok(Type::Tuple(ts[s..e].to_vec())),
        (Type::Tuple(_), ..) => Ok(Type::Dynamic),
        (t, ..) => Ok(t),
    }
}

fn slice(a: &[Value], _: &FuncContext) -> FnResult {
    if let Some(r) = shallow_unknown(a, ret_slice) {
        return r;
    }
    let ty = ret_slice(a)?;
    let (start, end) = slice_indexes(a)?;
    let (s, e) = (start.expect("known"), end.expect("known"));
    let (l, marked) = a[0].clone().unmark();
    let items = elems(&l)[s..e].to_vec();
    Ok(match ty {
        Type::List(et) => Value::List(*et, items),
        _ => Value::Tuple(items),
    }
    .mark_if(marked))
}
