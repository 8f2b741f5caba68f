//! `for` expressions: `[for k, v in coll : expr if cond]` and `{for k, v in coll : key => value...}`.

use std::collections::BTreeMap;

use hcl_edit::expr::ForExpr;
use hcl_edit::Span;
use infra_core::convert::convert;
use infra_core::{Number, Type, Value};

use super::{EvalContext, EvalResult};

/// The (key, value) pairs a `for` iterates: indices for sequences, the element itself for sets,
/// keys for maps and objects. `None` for values that cannot be iterated.
pub(crate) fn iteration_items(coll: &Value) -> Option<Vec<(Value, Value)>> {
    match coll.peel() {
        Value::List(_, items) | Value::Tuple(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(Number::from_i64(i as i64)), v.clone()))
                .collect(),
        ),
        Value::Set(_, items) => Some(items.iter().map(|v| (v.clone(), v.clone())).collect()),
        Value::Map(_, m) | Value::Object(m) => Some(
            m.iter()
                .map(|(k, v)| (Value::String(k.clone()), v.clone()))
                .collect(),
        ),
        _ => None,
    }
}

/// What one iteration of a `for` produced.
enum Item {
    Skip,
    Unknown,
    Value(Option<Value>, Value),
}

impl EvalContext<'_> {
    pub(super) fn eval_for(&mut self, f: &ForExpr) -> EvalResult {
        let coll_expr = &f.intro.collection_expr;
        let coll = self.eval(coll_expr)?;
        let (coll, marked) = coll.unmark();
        if coll.is_null() {
            return Err(self.error(
                coll_expr.span(),
                "Iteration over null value",
                "A null value cannot be used as the collection in a 'for' expression.",
            ));
        }
        if !coll.is_known() {
            return Ok(Value::unknown().mark_if(marked));
        }
        let items = iteration_items(&coll).ok_or_else(|| {
            self.error(
                coll_expr.span(),
                "Iteration over non-iterable value",
                format!(
                    "A value of type {} cannot be used as the collection in a 'for' expression.",
                    coll.ty().friendly_name()
                ),
            )
        })?;
        let value_var = f.intro.value_var.value().as_str().to_string();
        let key_var = f
            .intro
            .key_var
            .as_ref()
            .map(|k| k.value().as_str().to_string());

        let mut list = Vec::new();
        let mut obj: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut unknown = false;
        let mut sensitive = marked;
        for (k, v) in items {
            let mut vars = vec![(value_var.clone(), v)];
            if let Some(kv) = &key_var {
                vars.push((kv.clone(), k));
            }
            let step =
                self.with_local(&vars, |ctx| -> Result<Item, Box<infra_core::Diagnostic>> {
                    if let Some(cond) = &f.cond {
                        let c = ctx.eval(&cond.expr)?;
                        let (c, cm) = c.unmark();
                        if cm {
                            return Err(ctx.error(
                                cond.expr.span(),
                                "Invalid 'for' condition",
                                "The 'if' clause value cannot be sensitive.",
                            ));
                        }
                        if c.is_null() {
                            return Err(ctx.error(
                                cond.expr.span(),
                                "Condition is null",
                                "The value of the 'if' clause must not be null.",
                            ));
                        }
                        if !c.is_known() {
                            return Ok(Item::Unknown);
                        }
                        match convert(&c, &Type::Bool) {
                            Ok(Value::Bool(true)) => {}
                            Ok(Value::Bool(false)) => return Ok(Item::Skip),
                            _ => {
                                return Err(ctx.error(
                                    cond.expr.span(),
                                    "Invalid 'for' condition",
                                    "The 'if' clause value is invalid: bool required.",
                                ))
                            }
                        }
                    }
                    let key = match &f.key_expr {
                        Some(ke) => Some(ctx.eval(ke)?),
                        None => None,
                    };
                    let val = ctx.eval(&f.value_expr)?;
                    Ok(Item::Value(key, val))
                })?;
            let (key, val) = match step {
                Item::Skip => continue,
                // An unknown condition makes the result's length, so the whole result, unknown.
                Item::Unknown => {
                    unknown = true;
                    continue;
                }
                Item::Value(key, val) => (key, val),
            };
            match (&f.key_expr, key) {
                (None, _) => list.push(val),
                (Some(ke), Some(key)) => {
                    let (key, km) = key.unmark();
                    sensitive |= km;
                    if key.is_null() {
                        return Err(self.error(
                            ke.span(),
                            "Invalid object key",
                            "Key expression in 'for' expression must not produce a null value.",
                        ));
                    }
                    if !key.is_known() {
                        unknown = true;
                        continue;
                    }
                    let key =
                        match convert(&key, &Type::String) {
                            Ok(Value::String(s)) => s,
                            _ => return Err(self.error(
                                ke.span(),
                                "Invalid object key",
                                "The key expression produced an invalid result: string required.",
                            )),
                        };
                    if f.grouping {
                        groups.entry(key).or_default().push(val);
                    } else {
                        match obj.entry(key) {
                            std::collections::btree_map::Entry::Occupied(e) => {
                                return Err(self.error(
                                    ke.span(),
                                    "Duplicate object key",
                                    format!(
                                        "Two different items produced the key {:?} in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.",
                                        e.key()
                                    ),
                                ));
                            }
                            std::collections::btree_map::Entry::Vacant(e) => {
                                e.insert(val);
                            }
                        }
                    }
                }
                (Some(_), None) => unknown = true,
            }
        }
        if unknown {
            return Ok(Value::unknown().mark_if(sensitive));
        }
        let out = match &f.key_expr {
            None => Value::Tuple(list),
            Some(_) if f.grouping => Value::Object(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, Value::Tuple(v)))
                    .collect(),
            ),
            Some(_) => Value::Object(obj.into()),
        };
        Ok(out.mark_if(sensitive))
    }
}
