//! Constant expressions: the values Terraform fixes at load time (variable defaults, `sensitive`,
//! `description`, lifecycle flags, `.tfvars` entries). They may not refer to anything nor call a
//! function; such uses are diagnostics with Terraform's wording, pointing at the offending part.

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span;
use infra_core::convert::convert;
use infra_core::{Diagnostic, LineIndex, Type, Value};
use infra_lang::{EvalContext, FuncContext, Functions, MapScope};

use crate::model::Expr;

/// Evaluates a constant expression (no references, no function calls).
pub fn eval_const(expr: &Expr) -> Result<Value, Box<Diagnostic>> {
    eval_const_raw(&expr.expr, &expr.file)
}

/// [`eval_const`] over a bare hcl-edit expression.
pub fn eval_const_raw(expr: &Expression, file: &LineIndex) -> Result<Value, Box<Diagnostic>> {
    if let Some(r) = infra_lang::refs::references(expr, file).into_iter().next() {
        return Err(Box::new(
            Diagnostic::error("Variables not allowed", "Variables may not be used here.")
                .with_subject(r.range),
        ));
    }
    if let Some(span) = first_call(expr) {
        return Err(Box::new(
            Diagnostic::error(
                "Function calls not allowed",
                "Functions may not be called here.",
            )
            .with_subject(file.range(span)),
        ));
    }
    let scope = MapScope::default();
    let functions = Functions::default();
    let fctx = FuncContext::default();
    let mut ctx = EvalContext::new(&scope, &functions, &fctx, file);
    ctx.eval(expr)
}

/// Evaluates a constant and converts it to `ty`; a value of the wrong type is "Unsuitable value
/// type" at the expression, as Terraform's decoder reports it.
pub fn eval_const_as(expr: &Expr, ty: &Type) -> Result<Value, Box<Diagnostic>> {
    let v = eval_const(expr)?;
    convert(&v, ty).map_err(|e| {
        Box::new(
            Diagnostic::error("Unsuitable value type", format!("Unsuitable value: {e}."))
                .with_subject(expr.range()),
        )
    })
}

/// A constant string (null is refused too, as Terraform's decoder does for `string` fields).
pub fn const_string(expr: &Expr) -> Result<String, Box<Diagnostic>> {
    let v = eval_const_as(expr, &Type::String)?;
    match v.as_str() {
        Some(s) => Ok(s.to_string()),
        None => Err(Box::new(
            Diagnostic::error(
                "Unsuitable value type",
                "Unsuitable value: value must not be null.",
            )
            .with_subject(expr.range()),
        )),
    }
}

/// A constant bool.
pub fn const_bool(expr: &Expr) -> Result<bool, Box<Diagnostic>> {
    let v = eval_const_as(expr, &Type::Bool)?;
    v.as_bool().ok_or_else(|| {
        Box::new(
            Diagnostic::error(
                "Unsuitable value type",
                "Unsuitable value: value must not be null.",
            )
            .with_subject(expr.range()),
        )
    })
}

/// The span of the first function call in `expr`, if any.
fn first_call(expr: &Expression) -> Option<std::ops::Range<usize>> {
    match expr {
        Expression::Null(_)
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_)
        | Expression::Variable(_) => None,
        Expression::FuncCall(f) => f.span().or(Some(0..0)),
        Expression::Array(a) => a.iter().find_map(first_call),
        Expression::Object(o) => o.iter().find_map(|(k, v)| {
            let key = match k {
                ObjectKey::Expression(e) => first_call(e),
                ObjectKey::Ident(_) => None,
            };
            key.or_else(|| first_call(v.expr()))
        }),
        Expression::StringTemplate(t) => template_call(t),
        Expression::HeredocTemplate(h) => template_call(&h.template),
        Expression::Parenthesis(p) => first_call(p.inner()),
        Expression::Conditional(c) => first_call(&c.cond_expr)
            .or_else(|| first_call(&c.true_expr))
            .or_else(|| first_call(&c.false_expr)),
        Expression::Traversal(t) => first_call(&t.expr).or_else(|| {
            t.operators.iter().find_map(|op| match op.value() {
                hcl_edit::expr::TraversalOperator::Index(e) => first_call(e),
                _ => None,
            })
        }),
        Expression::UnaryOp(u) => first_call(&u.expr),
        Expression::BinaryOp(b) => first_call(&b.lhs_expr).or_else(|| first_call(&b.rhs_expr)),
        Expression::ForExpr(f) => first_call(&f.intro.collection_expr)
            .or_else(|| f.key_expr.as_ref().and_then(first_call))
            .or_else(|| first_call(&f.value_expr))
            .or_else(|| f.cond.as_ref().and_then(|c| first_call(&c.expr))),
    }
}

fn template_call(t: &Template) -> Option<std::ops::Range<usize>> {
    t.iter().find_map(|el| match el {
        Element::Literal(_) => None,
        Element::Interpolation(i) => first_call(&i.expr),
        Element::Directive(d) => match &**d {
            Directive::If(d) => first_call(&d.if_expr.cond_expr)
                .or_else(|| template_call(&d.if_expr.template))
                .or_else(|| {
                    d.else_expr
                        .as_ref()
                        .and_then(|e| template_call(&e.template))
                }),
            Directive::For(d) => first_call(&d.for_expr.collection_expr)
                .or_else(|| template_call(&d.for_expr.template)),
        },
    })
}
