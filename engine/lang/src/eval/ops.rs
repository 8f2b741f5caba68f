//! Unary and binary operators with Terraform's semantics: operands convert to the operator's
//! type, unknown operands give unknown results, and sensitive operands mark the result.

use hcl_edit::expr::{BinaryOp, BinaryOperator, UnaryOp, UnaryOperator};
use hcl_edit::Span;
use infra_core::convert::convert;
use infra_core::number::ArithmeticError;
use infra_core::{Type, Value};

use super::{EvalContext, EvalResult};

/// "a number is required" style text for a value that is not of the wanted primitive type.
pub(crate) fn type_required(want: &str, v: &Value) -> String {
    match want {
        "number" if matches!(v.peel(), Value::String(_)) => "a number is required".to_string(),
        "bool" if matches!(v.peel(), Value::String(_)) => "a bool is required".to_string(),
        _ => format!("{want} required"),
    }
}

impl EvalContext<'_> {
    pub(super) fn eval_unary(&mut self, u: &UnaryOp) -> EvalResult {
        let v = self.eval(&u.expr)?;
        let (v, marked) = v.unmark();
        let (want, ty) = match u.operator.value() {
            UnaryOperator::Neg => ("number", Type::Number),
            UnaryOperator::Not => ("bool", Type::Bool),
        };
        let v = convert(&v, &ty).map_err(|_| {
            self.error(
                u.expr.span(),
                "Invalid operand",
                format!(
                    "Unsuitable value for unary operand: {}.",
                    type_required(want, &v)
                ),
            )
        })?;
        if v.is_null() {
            return Err(self.error(
                u.expr.span(),
                "Invalid operand",
                "Unsuitable value for unary operand: a non-null value is required.",
            ));
        }
        let out = match v {
            Value::Unknown(_) => Value::Unknown(ty),
            Value::Number(n) => Value::Number(n.neg()),
            Value::Bool(b) => Value::Bool(!b),
            _ => unreachable!("converted"),
        };
        Ok(out.mark_if(marked))
    }

    pub(super) fn eval_binary(&mut self, b: &BinaryOp) -> EvalResult {
        use BinaryOperator as Op;
        let op = *b.operator.value();
        let l = self.eval(&b.lhs_expr)?;
        let r = self.eval(&b.rhs_expr)?;
        let (l, lm) = l.unmark();
        let (r, rm) = r.unmark();
        let marked = lm || rm;
        if matches!(op, Op::Eq | Op::NotEq) {
            let eq = equals(&l, &r);
            let out = match eq {
                Some(e) => Value::Bool(if op == Op::Eq { e } else { !e }),
                None => Value::Unknown(Type::Bool),
            };
            return Ok(out.mark_if(marked));
        }
        let (want, ty) = match op {
            Op::And | Op::Or => ("bool", Type::Bool),
            _ => ("number", Type::Number),
        };
        let conv = |ctx: &Self,
                    v: &Value,
                    side: &str,
                    span: Option<std::ops::Range<usize>>|
         -> EvalResult {
            let c = convert(v, &ty).map_err(|_| {
                ctx.error(
                    span.clone(),
                    "Invalid operand",
                    format!(
                        "Unsuitable value for {side} operand: {}.",
                        type_required(want, v)
                    ),
                )
            })?;
            if c.is_null() {
                let _ = side;
                return Err(ctx.error(
                    span,
                    "Operation failed",
                    "Error during operation: argument must not be null.",
                ));
            }
            Ok(c)
        };
        let l = conv(self, &l, "left", b.lhs_expr.span())?;
        let r = conv(self, &r, "right", b.rhs_expr.span())?;
        let result_ty = match op {
            Op::Plus | Op::Minus | Op::Mul | Op::Div | Op::Mod => Type::Number,
            _ => Type::Bool,
        };
        if !l.is_known() || !r.is_known() {
            return Ok(Value::Unknown(result_ty).mark_if(marked));
        }
        let out = match (l, r) {
            (Value::Bool(x), Value::Bool(y)) => {
                Value::Bool(if op == Op::And { x && y } else { x || y })
            }
            (Value::Number(x), Value::Number(y)) => {
                let arith = |res: Result<infra_core::Number, ArithmeticError>| {
                    res.map(Value::Number).map_err(|_| {
                        self.error(
                            b.span(),
                            "Operation failed",
                            "Error during operation: the result is not a number.",
                        )
                    })
                };
                match op {
                    Op::Plus => arith(x.checked_add(&y))?,
                    Op::Minus => arith(x.checked_sub(&y))?,
                    Op::Mul => arith(x.checked_mul(&y))?,
                    Op::Div => arith(x.div(&y))?,
                    Op::Mod => arith(x.rem(&y))?,
                    Op::Less => Value::Bool(x < y),
                    Op::LessEq => Value::Bool(x <= y),
                    Op::Greater => Value::Bool(x > y),
                    Op::GreaterEq => Value::Bool(x >= y),
                    _ => unreachable!("typed above"),
                }
            }
            _ => unreachable!("converted"),
        };
        Ok(out.mark_if(marked))
    }
}

/// Terraform's `==`: values of different types are unequal (a list never equals a tuple);
/// `None` when unknowns make the answer unknowable.
pub fn equals(a: &Value, b: &Value) -> Option<bool> {
    let (a, b) = (a.peel(), b.peel());
    match (a, b) {
        (Value::Unknown(_), _) | (_, Value::Unknown(_)) => None,
        (Value::Null(_), Value::Null(_)) => Some(true),
        (Value::Null(_), _) | (_, Value::Null(_)) => Some(false),
        _ => {
            if !same_type(&a.ty(), &b.ty()) {
                return Some(false);
            }
            match (a, b) {
                (Value::Bool(x), Value::Bool(y)) => Some(x == y),
                (Value::Number(x), Value::Number(y)) => Some(x == y),
                (Value::String(x), Value::String(y)) => Some(x == y),
                (Value::List(_, x), Value::List(_, y))
                | (Value::Tuple(x), Value::Tuple(y))
                | (Value::Set(_, x), Value::Set(_, y)) => seq_equals(x, y),
                (Value::Map(_, x), Value::Map(_, y)) | (Value::Object(x), Value::Object(y)) => {
                    if x.len() != y.len() || x.keys().ne(y.keys()) {
                        return Some(false);
                    }
                    seq_equals_iter(x.values().zip(y.values()))
                }
                _ => Some(false),
            }
        }
    }
}

fn same_type(a: &Type, b: &Type) -> bool {
    a == b || a.has_dynamic() || b.has_dynamic()
}

fn seq_equals(x: &[Value], y: &[Value]) -> Option<bool> {
    if x.len() != y.len() {
        return Some(false);
    }
    seq_equals_iter(x.iter().zip(y.iter()))
}

fn seq_equals_iter<'a>(pairs: impl Iterator<Item = (&'a Value, &'a Value)>) -> Option<bool> {
    let mut unknown = false;
    for (a, b) in pairs {
        match equals(a, b) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}
