//! Decoding a resource or provider body against its schema into one object value: arguments
//! evaluated and converted to their types, nested and `dynamic` blocks expanded, every mismatch a
//! diagnostic at the exact span (unsupported argument or block, missing required argument, wrong
//! type, a value for a computed-only attribute).

use std::collections::BTreeMap;

use infra_config::{Body, Expr};
use infra_core::convert::convert;
use infra_core::{Diagnostic, Diagnostics, SourceRange, Type, Value};
use infra_lang::suggest::did_you_mean;
use infra_lang::{EvalContext, FuncContext, Functions, Scope};
use infra_provider::{BlockSchema, Nesting};

/// What decoding needs besides the body and schema.
pub struct Decoder<'a> {
    pub scope: &'a dyn Scope,
    pub functions: &'a Functions,
    pub fctx: &'a FuncContext,
    /// The resource address diagnostics are about.
    pub address: Option<String>,
}

impl Decoder<'_> {
    /// Evaluates one expression, with extra names bound.
    pub fn eval(&self, e: &Expr, vars: &[(String, Value)]) -> Result<Value, Box<Diagnostic>> {
        let mut ctx = EvalContext::new(self.scope, self.functions, self.fctx, &e.file);
        ctx.eval_with(vars, &e.expr).map_err(|d| self.tag(d))
    }

    fn tag(&self, mut d: Box<Diagnostic>) -> Box<Diagnostic> {
        if d.address.is_none() {
            d.address = self.address.clone();
        }
        d
    }

    fn diag(&self, summary: &str, detail: String, range: SourceRange) -> Diagnostic {
        let d = Diagnostic::error(summary, detail).with_subject(range);
        match &self.address {
            Some(a) => d.with_address(a.clone()),
            None => d,
        }
    }

    /// Decodes `body` against `schema` (the block's range is used for missing arguments).
    pub fn decode(
        &self,
        body: &Body,
        schema: &BlockSchema,
        block_range: &SourceRange,
    ) -> Result<Value, Diagnostics> {
        self.decode_with(body, schema, block_range, &[])
    }

    fn decode_with(
        &self,
        body: &Body,
        schema: &BlockSchema,
        block_range: &SourceRange,
        vars: &[(String, Value)],
    ) -> Result<Value, Diagnostics> {
        let mut diags = Diagnostics::new();
        let mut out = infra_core::ValueMap::new();
        for (name, attr) in &body.attributes {
            if !schema.attributes.contains_key(name) {
                let hint = did_you_mean(name, schema.attributes.keys().map(String::as_str))
                    .map(|s| format!(" Did you mean \"{s}\"?"))
                    .unwrap_or_default();
                let what = if schema.block_types.contains_key(name) {
                    format!("An argument named \"{name}\" is not expected here. Did you mean to define a block of type \"{name}\"?")
                } else {
                    format!("An argument named \"{name}\" is not expected here.{hint}")
                };
                diags.push(self.diag("Unsupported argument", what, attr.name_range.clone()));
            }
        }
        for (name, a) in &schema.attributes {
            match body.attributes.get(name) {
                Some(attr) => {
                    if a.computed && !a.optional && !a.required {
                        diags.push(self.diag(
                            "Value for unconfigurable attribute",
                            format!("Can't configure a value for \"{name}\": its value will be decided automatically based on the result of applying this configuration."),
                            attr.name_range.clone(),
                        ));
                        continue;
                    }
                    match self.eval(&attr.expr, vars) {
                        Ok(v) => match convert(&v, &a.ty) {
                            Ok(c) => {
                                out.insert(name.clone(), c.mark_if(a.sensitive));
                            }
                            Err(e) => diags.push(self.diag(
                                "Incorrect attribute value type",
                                format!("Inappropriate value for attribute \"{name}\": {e}."),
                                attr.expr.range(),
                            )),
                        },
                        Err(d) => diags.push(*d),
                    }
                }
                None => {
                    if a.required {
                        diags.push(self.diag(
                            "Missing required argument",
                            format!(
                                "The argument \"{name}\" is required, but no definition was found."
                            ),
                            block_range.clone(),
                        ));
                    }
                    out.insert(name.clone(), Value::Null(a.ty.clone()));
                }
            }
        }
        // Nested blocks, literal and dynamic, grouped by type in source order.
        let mut blocks: BTreeMap<String, Vec<(Vec<String>, Value, SourceRange)>> = BTreeMap::new();
        for b in &body.blocks {
            let Some(bt) = schema.block_types.get(&b.ty) else {
                diags.push(self.unsupported_block(&b.ty, schema, b.range.clone()));
                continue;
            };
            match self.decode_with(&b.body, &bt.block, &b.range, vars) {
                Ok(v) => blocks.entry(b.ty.clone()).or_default().push((
                    b.labels.clone(),
                    v,
                    b.range.clone(),
                )),
                Err(d) => diags.extend(d),
            }
        }
        for d in &body.dynamic_blocks {
            let Some(bt) = schema.block_types.get(&d.ty) else {
                diags.push(self.unsupported_block(&d.ty, schema, d.range.clone()));
                continue;
            };
            let coll = match self.eval(&d.for_each, vars) {
                Ok(v) => v,
                Err(e) => {
                    diags.push(*e);
                    continue;
                }
            };
            let (coll, marked) = coll.unmark();
            if !coll.is_known() {
                // The number of blocks is unknown: the whole block list is unknown.
                out.insert(
                    d.ty.clone(),
                    Value::Unknown(nested_type(bt.nesting, &bt.block)),
                );
                blocks.remove(&d.ty);
                continue;
            }
            let items: Vec<(Value, Value)> = match coll.peel() {
                Value::List(_, e) | Value::Tuple(e) => e
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Value::int(i as i64), v.clone()))
                    .collect(),
                Value::Set(_, e) => e.iter().map(|v| (v.clone(), v.clone())).collect(),
                Value::Map(_, m) | Value::Object(m) => m
                    .iter()
                    .map(|(k, v)| (Value::string(k.clone()), v.clone()))
                    .collect(),
                Value::Null(_) => Vec::new(),
                _ => {
                    diags.push(self.diag(
                        "Invalid dynamic for_each value",
                        format!("Cannot use a {} value in for_each. An iterable collection is required.", coll.ty().friendly_name()),
                        d.for_each.range(),
                    ));
                    continue;
                }
            };
            for (k, v) in items {
                let mut iter_vars = vars.to_vec();
                let it = Value::Object(infra_core::ValueMap::from([
                    ("key".to_string(), k),
                    ("value".to_string(), v.mark_if(marked)),
                ]));
                iter_vars.push((d.iterator.clone(), it));
                let mut labels = Vec::new();
                for l in &d.labels {
                    match self.eval(l, &iter_vars) {
                        Ok(lv) => labels.push(lv.as_str().unwrap_or_default().to_string()),
                        Err(e) => diags.push(*e),
                    }
                }
                match self.decode_with(&d.content, &bt.block, &d.range, &iter_vars) {
                    Ok(v) => {
                        blocks
                            .entry(d.ty.clone())
                            .or_default()
                            .push((labels, v, d.range.clone()))
                    }
                    Err(e) => diags.extend(e),
                }
            }
        }
        for (name, bt) in &schema.block_types {
            if out.contains_key(name) {
                continue;
            }
            let items = blocks.remove(name).unwrap_or_default();
            let ety = bt.block.value_type();
            if items.len() < bt.min_items || (bt.max_items > 0 && items.len() > bt.max_items) {
                let (summary, detail) = if items.len() < bt.min_items {
                    (
                        "Insufficient ".to_string() + name + " blocks",
                        format!("At least {} \"{name}\" blocks are required.", bt.min_items),
                    )
                } else {
                    (
                        "Too many ".to_string() + name + " blocks",
                        format!(
                            "No more than {} \"{name}\" blocks are allowed.",
                            bt.max_items
                        ),
                    )
                };
                let range = items
                    .last()
                    .map(|i| i.2.clone())
                    .unwrap_or_else(|| block_range.clone());
                diags.push(self.diag(&summary, detail, range));
            }
            let v = match bt.nesting {
                Nesting::Single => items
                    .into_iter()
                    .next()
                    .map(|i| i.1)
                    .unwrap_or(Value::Null(ety)),
                Nesting::List => Value::List(ety, items.into_iter().map(|i| i.1).collect()),
                Nesting::Set => Value::set(ety, items.into_iter().map(|i| i.1).collect()),
                Nesting::Map => Value::Map(
                    ety,
                    items
                        .into_iter()
                        .map(|(l, v, _)| (l.first().cloned().unwrap_or_default(), v))
                        .collect(),
                ),
            };
            out.insert(name.clone(), v);
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(Value::Object(out))
        }
    }

    fn unsupported_block(&self, ty: &str, schema: &BlockSchema, range: SourceRange) -> Diagnostic {
        let detail = if schema.attributes.contains_key(ty) {
            format!("Blocks of type \"{ty}\" are not expected here. Did you mean to define argument \"{ty}\"? If so, use the equals sign to assign it a value.")
        } else {
            let hint = did_you_mean(ty, schema.block_types.keys().map(String::as_str))
                .map(|s| format!(" Did you mean \"{s}\"?"))
                .unwrap_or_default();
            format!("Blocks of type \"{ty}\" are not expected here.{hint}")
        };
        self.diag("Unsupported block type", detail, range)
    }
}

fn nested_type(n: Nesting, b: &BlockSchema) -> Type {
    let t = b.value_type();
    match n {
        Nesting::Single => t,
        Nesting::List => Type::list(t),
        Nesting::Set => Type::set(t),
        Nesting::Map => Type::map(t),
    }
}
