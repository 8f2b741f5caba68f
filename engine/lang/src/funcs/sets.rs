//! Set functions: setintersection setproduct setsubtract setunion. Set arguments are converted
//! to sets first (so lists and tuples are accepted) and their element types unified.

use std::cmp::Ordering;

use infra_core::convert::convert;
use infra_core::value::canonical_cmp;
use infra_core::{Type, Value};

use super::super::numeric::shared::{arg_err, shallow_unknown, unmark_top};
use super::super::{FnError, FnResult, FuncContext, Functions, Param};
use super::{elems, unify_types};

#[derive(Clone, Copy)]
enum Op {
    Union,
    Intersection,
    Subtract,
}

pub(super) fn register(f: &mut Functions) {
    let set = |name| Param::new(name, Type::set(Type::Dynamic));
    let any_set = |name| set(name).unknowns();
    f.def_variadic(
        "setunion",
        vec![any_set("first_set")],
        any_set("other_sets"),
        ret_setop,
        |a, _| setop(a, Op::Union),
    );
    f.def_variadic(
        "setintersection",
        vec![set("first_set")],
        set("other_sets"),
        ret_setop,
        |a, _| setop(a, Op::Intersection),
    );
    f.def(
        "setsubtract",
        vec![set("a"), set("b")],
        ret_setop,
        |a, _| setop(a, Op::Subtract),
    );
    f.def_variadic(
        "setproduct",
        vec![],
        Param::new("sets", Type::Dynamic).marked().unknowns(),
        ret_setproduct,
        setproduct,
    );
}

fn ret_setop(a: &[Value]) -> Result<Type, FnError> {
    let mut etys = Vec::new();
    for v in a {
        let et = v.ty().element().cloned().unwrap_or(Type::Dynamic);
        if et == Type::Dynamic && v.is_known() && elems(v).is_empty() {
            continue;
        }
        etys.push(et);
    }
    if etys.is_empty() {
        return Ok(Type::set(Type::Dynamic));
    }
    unify_types(&etys)
        .map(Type::set)
        .ok_or_else(|| FnError::call("given sets must all have compatible element types"))
}

fn setop(a: &[Value], op: Op) -> FnResult {
    if let Some(r) = shallow_unknown(a, ret_setop) {
        return r;
    }
    let ty = ret_setop(a)?;
    let names = match op {
        Op::Subtract => ["a", "b"],
        _ => ["first_set", "other_sets"],
    };
    let mut sets = Vec::with_capacity(a.len());
    for (i, v) in a.iter().enumerate() {
        let c = convert(v, &ty).map_err(|e| arg_err(i, names[i.min(1)], e))?;
        sets.push(elems(&c).to_vec());
    }
    let has = |set: &[Value], v: &Value| set.iter().any(|x| canonical_cmp(x, v) == Ordering::Equal);
    let mut acc = sets[0].clone();
    for other in &sets[1..] {
        match op {
            Op::Union => acc.extend(other.iter().cloned()),
            Op::Intersection => acc.retain(|v| has(other, v)),
            Op::Subtract => acc.retain(|v| !has(other, v)),
        }
    }
    let et = ty.element().cloned().unwrap_or(Type::Dynamic);
    Ok(Value::set(et, acc))
}

fn ret_setproduct(a: &[Value]) -> Result<Type, FnError> {
    if a.len() < 2 {
        return Err(FnError::call("at least two arguments are required"));
    }
    let mut lists = 0;
    let mut etys = Vec::with_capacity(a.len());
    for (i, v) in a.iter().enumerate() {
        match v.ty() {
            Type::Set(et) => etys.push(*et),
            Type::List(et) => {
                etys.push(*et);
                lists += 1;
            }
            Type::Tuple(ts) => {
                let et = if ts.is_empty() {
                    Type::Dynamic
                } else {
                    unify_types(&ts).ok_or_else(|| {
                        arg_err(i, "sets", "all elements must be of the same type")
                    })?
                };
                etys.push(et);
                lists += 1;
            }
            Type::Dynamic => return Ok(Type::Dynamic),
            _ => return Err(arg_err(i, "sets", "a set or a list is required")),
        }
    }
    let t = Type::Tuple(etys);
    Ok(if lists == a.len() {
        Type::list(t)
    } else {
        Type::set(t)
    })
}

fn setproduct(a: &[Value], _: &FuncContext) -> FnResult {
    if let Some(r) = shallow_unknown(a, ret_setproduct) {
        return r;
    }
    let (args, marked) = unmark_top(a);
    let ty = ret_setproduct(&args)?;
    if args
        .iter()
        .any(|v| matches!(v, Value::Set(..)) && !v.is_wholly_known())
    {
        return Ok(Value::Unknown(ty).mark_if(marked));
    }
    let (is_list, ety) = match &ty {
        Type::List(t) => (true, (**t).clone()),
        Type::Set(t) => (false, (**t).clone()),
        _ => unreachable!("known arguments"),
    };
    let Type::Tuple(sub) = &ety else {
        unreachable!("tuple element type")
    };
    let inputs: Vec<&[Value]> = args.iter().map(elems).collect();
    let total: usize = inputs.iter().map(|x| x.len()).product();
    let mut out = Vec::with_capacity(total);
    let mut idx = vec![0usize; inputs.len()];
    for _ in 0..total {
        let mut tuple = Vec::with_capacity(inputs.len());
        for (j, &n) in idx.iter().enumerate() {
            let v = &inputs[j][n];
            let v = convert(v, &sub[j]).map_err(|e| FnError::call(e.to_string()))?;
            tuple.push(v);
        }
        out.push(Value::Tuple(tuple));
        for j in (0..idx.len()).rev() {
            idx[j] += 1;
            if idx[j] < inputs[j].len() {
                break;
            }
            idx[j] = 0;
        }
    }
    Ok(if is_list {
        Value::List(ety, out)
    } else {
        Value::set(ety, out)
    }
    .mark_if(marked))
}
