//! Attribute access, indexing and splats (`a.b`, `a[0]`, `a["k"]`, `a[*].b`, `a.*.b`).

use std::ops::Range;

use hcl_edit::expr::{Expression, Traversal, TraversalOperator};
use hcl_edit::Span;
use infra_core::convert::{convert, unify_values};
use infra_core::{Diagnostic, Number, Type, Value};

use super::{EvalContext, EvalResult};

/// One static step of a reference after its root: `.name` or `[key]`.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Attr(String),
    Index(Value),
}

/// A traversal operator with its index expression already evaluated.
enum Op {
    Attr(String, Option<Range<usize>>),
    Index(Value, Option<Range<usize>>),
    AttrSplat,
    FullSplat,
}

impl EvalContext<'_> {
    pub(super) fn eval_traversal(&mut self, t: &Traversal) -> EvalResult {
        let mut ops = Vec::with_capacity(t.operators.len());
        for op in &t.operators {
            let span = op.span();
            ops.push(match op.value() {
                TraversalOperator::GetAttr(id) => Op::Attr(id.value().as_str().to_string(), span),
                TraversalOperator::Index(e) => Op::Index(self.eval(e)?, e.span()),
                TraversalOperator::LegacyIndex(n) => {
                    Op::Index(Value::Number(Number::from_u64(*n.value())), span)
                }
                TraversalOperator::AttrSplat(_) => Op::AttrSplat,
                TraversalOperator::FullSplat(_) => Op::FullSplat,
            });
        }
        let (base, consumed) = match &t.expr {
            Expression::Variable(v) => {
                let steps: Vec<Step> = ops
                    .iter()
                    .map_while(|op| match op {
                        Op::Attr(n, _) => Some(Step::Attr(n.clone())),
                        Op::Index(v, _) => Some(Step::Index(v.clone())),
                        _ => None,
                    })
                    .collect();
                let span = match (t.expr.span(), ops.len()) {
                    (Some(s), _) => Some(s.start..t.span().map_or(s.end, |w| w.end)),
                    (None, _) => t.span(),
                };
                self.resolve_root(v.value().as_str(), &steps, span)?
            }
            e => (self.eval(e)?, 0),
        };
        self.apply_ops(base, &ops[consumed..])
    }

    fn apply_ops(&mut self, mut v: Value, ops: &[Op]) -> EvalResult {
        let mut i = 0;
        while i < ops.len() {
            match &ops[i] {
                Op::Attr(name, span) => v = self.get_attr(v, name, span.clone())?,
                Op::Index(key, span) => v = self.index(v, key, span.clone())?,
                Op::FullSplat => return self.splat(v, &ops[i + 1..]),
                Op::AttrSplat => {
                    let n = ops[i + 1..]
                        .iter()
                        .take_while(|o| matches!(o, Op::Attr(..)))
                        .count();
                    v = self.splat(v, &ops[i + 1..i + 1 + n])?;
                    i += n;
                }
            }
            i += 1;
        }
        Ok(v)
    }

    fn splat(&mut self, v: Value, rest: &[Op]) -> EvalResult {
        let (v, marked) = v.unmark();
        let out = match v {
            Value::Null(_) => Value::empty_tuple(),
            Value::Unknown(_) => Value::unknown(),
            Value::List(_, items) | Value::Set(_, items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.apply_ops(item, rest)?);
                }
                let et = unify_values(&out).unwrap_or(Type::Dynamic);
                let out = out
                    .iter()
                    .map(|x| convert(x, &et).unwrap_or_else(|_| x.clone()))
                    .collect();
                Value::List(et, out)
            }
            Value::Tuple(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.apply_ops(item, rest)?);
                }
                Value::Tuple(out)
            }
            other => Value::Tuple(vec![self.apply_ops(other, rest)?]),
        };
        Ok(out.mark_if(marked))
    }

    fn get_attr(&self, v: Value, name: &str, span: Option<Range<usize>>) -> EvalResult {
        let (v, marked) = v.unmark();
        let out = match v {
            Value::Null(_) => {
                return Err(self.error(
                    span,
                    "Attempt to get attribute from null value",
                    "This value is null, so it does not have any attributes.",
                ))
            }
            Value::Unknown(Type::Object(attrs, _)) => match attrs.get(name) {
                Some(t) => Value::Unknown(t.clone()),
                None => return Err(self.unsupported_attr(name, span)),
            },
            Value::Unknown(Type::Map(et)) => Value::Unknown(*et),
            Value::Unknown(Type::List(_) | Type::Set(_) | Type::Tuple(_)) => {
                return Err(self.error(
                    span,
                    "Unsupported attribute",
                    "Can't access attributes on a list of objects. Did you mean to access an attribute for a specific element of the list, or across all elements of the list?",
                ))
            }
            Value::Unknown(t @ (Type::String | Type::Number | Type::Bool)) => {
                return Err(self.error(
                    span,
                    "Unsupported attribute",
                    format!("Can't access attributes on a primitive-typed value ({}).", t.friendly_name()),
                ))
            }
            Value::Unknown(_) => Value::unknown(),
            Value::Object(mut m) => match m.remove(name) {
                Some(x) => x,
                None => return Err(self.unsupported_attr(name, span)),
            },
            Value::Map(_, mut m) => match m.remove(name) {
                Some(x) => x,
                None => {
                    return Err(self.error(
                        span,
                        "Missing map element",
                        format!("This map does not have an element with the key {name:?}."),
                    ))
                }
            },
            Value::List(..) | Value::Set(..) | Value::Tuple(_) => {
                return Err(self.error(
                    span,
                    "Unsupported attribute",
                    "Can't access attributes on a list of objects. Did you mean to access an attribute for a specific element of the list, or across all elements of the list?",
                ))
            }
            other => {
                return Err(self.error(
                    span,
                    "Unsupported attribute",
                    format!(
                        "Can't access attributes on a primitive-typed value ({}).",
                        other.ty().friendly_name()
                    ),
                ))
            }
        };
        Ok(out.mark_if(marked))
    }

    fn unsupported_attr(&self, name: &str, span: Option<Range<usize>>) -> Box<Diagnostic> {
        self.error(
            span,
            "Unsupported attribute",
            format!("This object does not have an attribute named {name:?}."),
        )
    }

    pub(super) fn index(&self, v: Value, key: &Value, span: Option<Range<usize>>) -> EvalResult {
        let (v, vm) = v.unmark();
        let (key, km) = key.clone().unmark();
        let marked = vm || km;
        let invalid = |detail: &str| self.error(span.clone(), "Invalid index", detail);
        if v.is_null() {
            return Err(self.error(
                span,
                "Attempt to index null value",
                "This value is null, so it does not have any indices.",
            ));
        }
        if key.is_null() {
            return Err(invalid("Can't use a null value as an indexing key."));
        }
        let out = match v {
            Value::Unknown(t) => Value::Unknown(t.element().cloned().unwrap_or(Type::Dynamic)),
            _ if !key.is_known() => match &v {
                Value::List(t, _) | Value::Map(t, _) => Value::Unknown(t.clone()),
                _ => Value::unknown(),
            },
            Value::List(_, items) | Value::Tuple(items) => {
                let idx = match convert(&key, &Type::Number) {
                    Ok(Value::Number(n)) => n,
                    _ => {
                        return Err(invalid(
                            "The given key does not identify an element in this collection value: number required.",
                        ))
                    }
                };
                if !idx.is_integer() {
                    return Err(invalid(
                        "The given key does not identify an element in this collection value: indexing a sequence requires a whole number.",
                    ));
                }
                if idx.is_negative() {
                    return Err(invalid(
                        "The given key does not identify an element in this collection value: a negative number is not a valid index for a sequence.",
                    ));
                }
                match idx.to_i64().and_then(|i| usize::try_from(i).ok()).and_then(|i| items.into_iter().nth(i)) {
                    Some(x) => x,
                    None => return Err(invalid("The given key does not identify an element in this collection value.")),
                }
            }
            Value::Map(_, mut m) | Value::Object(mut m) => {
                let k = match convert(&key, &Type::String) {
                    Ok(Value::String(s)) => s,
                    _ => {
                        return Err(invalid(
                            "The given key does not identify an element in this collection value: string required.",
                        ))
                    }
                };
                match m.remove(&k) {
                    Some(x) => x,
                    None => return Err(invalid("The given key does not identify an element in this collection value.")),
                }
            }
            Value::Set(..) => {
                return Err(invalid(
                    "Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.",
                ))
            }
            _ => return Err(invalid("This value does not have any indices.")),
        };
        Ok(out.mark_if(marked))
    }
}
