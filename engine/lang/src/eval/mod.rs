//! Evaluation of hcl-edit expressions to Terraform values.
//!
//! The evaluator is pure: it reads references through a [`Scope`], calls functions through
//! [`Functions`], and returns a value or one diagnostic with the source range at fault. Unknown
//! values and sensitive marks flow through every operation.

mod call;
mod for_expr;
mod ops;
mod template;
mod traverse;

use std::collections::BTreeMap;
use std::ops::Range;

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::Span;
use infra_core::{Diagnostic, LineIndex, Number, SourceRange, Value};

use crate::funcs::{FuncContext, Functions};

pub use traverse::Step;

/// A failed evaluation: the diagnostic that explains it.
pub type EvalResult = Result<Value, Box<Diagnostic>>;

/// Why a reference could not be resolved: the summary and detail of the diagnostic to report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeError {
    pub summary: String,
    pub detail: String,
}

impl ScopeError {
    pub fn new(summary: impl Into<String>, detail: impl Into<String>) -> ScopeError {
        ScopeError {
            summary: summary.into(),
            detail: detail.into(),
        }
    }
}

/// Where references (`var.x`, `local.y`, `aws_instance.web`, `count.index`) get their values.
pub trait Scope {
    /// Resolves the reference rooted at `root` whose following static steps are `steps`.
    /// Returns the value and how many of `steps` it consumed; the evaluator applies the rest.
    fn resolve(&self, root: &str, steps: &[Step]) -> Result<(Value, usize), ScopeError>;
}

/// A scope made of whole root values (`"var"` → an object of all variables), for the console,
/// tests and templates.
#[derive(Clone, Debug, Default)]
pub struct MapScope {
    pub roots: BTreeMap<String, Value>,
}

impl Scope for MapScope {
    fn resolve(&self, root: &str, steps: &[Step]) -> Result<(Value, usize), ScopeError> {
        let attr = match steps.first() {
            Some(Step::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        let undeclared = |what: &str, summary: &str, name: &str| {
            ScopeError::new(
                summary,
                format!("{what} with the name \"{name}\" has not been declared."),
            )
        };
        match (root, self.roots.get(root), attr) {
            ("var", v, Some(name)) if v.and_then(Value::entries).is_none_or(|m| !m.contains_key(name)) => {
                Err(undeclared("An input variable", "Reference to undeclared input variable", name))
            }
            ("local", v, Some(name)) if v.and_then(Value::entries).is_none_or(|m| !m.contains_key(name)) => {
                Err(undeclared("A local value", "Reference to undeclared local value", name))
            }
            (_, Some(v), _) => Ok((v.clone(), 0)),
            (_, None, _) => Err(ScopeError::new(
                "Invalid reference",
                format!("A reference to a resource type must be followed by at least one attribute access, specifying the resource name. There is no variable named \"{root}\"."),
            )),
        }
    }
}

/// Everything an evaluation needs.
pub struct EvalContext<'a> {
    pub scope: &'a dyn Scope,
    pub functions: &'a Functions,
    pub fctx: &'a FuncContext,
    /// The file the expression was parsed from, for source ranges.
    pub file: &'a LineIndex,
    /// Iteration variables of enclosing `for` expressions and template directives, innermost last.
    locals: Vec<(String, Value)>,
    depth: usize,
}

/// How deep expressions may nest before evaluation gives up with a diagnostic (no stack overflow).
const MAX_DEPTH: usize = 200;

impl<'a> EvalContext<'a> {
    pub fn new(
        scope: &'a dyn Scope,
        functions: &'a Functions,
        fctx: &'a FuncContext,
        file: &'a LineIndex,
    ) -> EvalContext<'a> {
        EvalContext {
            scope,
            functions,
            fctx,
            file,
            locals: Vec::new(),
            depth: 0,
        }
    }

    /// The source range of a span (or of the whole file start when the parser gave none).
    pub fn range(&self, span: Option<Range<usize>>) -> SourceRange {
        self.file.range(span.unwrap_or(0..0))
    }

    fn error(
        &self,
        span: Option<Range<usize>>,
        summary: &str,
        detail: impl Into<String>,
    ) -> Box<Diagnostic> {
        Box::new(Diagnostic::error(summary, detail).with_subject(self.range(span)))
    }

    /// Evaluates `expr` with extra names bound (a `dynamic` block's iterator, say).
    pub fn eval_with(&mut self, vars: &[(String, Value)], expr: &Expression) -> EvalResult {
        self.with_local(vars, |ctx| ctx.eval(expr))
    }

    /// The original source text of a span, when the expression came from this file.
    fn source_text(&self, span: Option<Range<usize>>) -> Option<&str> {
        span.and_then(|sp| self.file.text().get(sp))
    }

    fn with_local<T>(&mut self, vars: &[(String, Value)], f: impl FnOnce(&mut Self) -> T) -> T {
        let n = self.locals.len();
        self.locals.extend(vars.iter().cloned());
        let out = f(self);
        self.locals.truncate(n);
        out
    }

    fn local(&self, name: &str) -> Option<&Value> {
        self.locals
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// Evaluates an expression.
    pub fn eval(&mut self, expr: &Expression) -> EvalResult {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(
                expr.span(),
                "Expression too deeply nested",
                format!("Expressions may nest at most {MAX_DEPTH} levels deep."),
            ));
        }
        self.depth += 1;
        let out = self.eval_inner(expr);
        self.depth -= 1;
        out
    }

    fn eval_inner(&mut self, expr: &Expression) -> EvalResult {
        match expr {
            Expression::Null(_) => Ok(Value::null()),
            Expression::Bool(b) => Ok(Value::Bool(*b.value())),
            Expression::Number(n) => {
                // The source text, not hcl-edit's value (an f64) nor its repr (the parser may have
                // seen a stand-in, see `parse::with_fixups`).
                let from_source = expr
                    .span()
                    .and_then(|sp| self.file.text().get(sp))
                    .map(|t| t.chars().filter(|c| !c.is_whitespace()).collect::<String>());
                let raw: String = match from_source.or_else(|| {
                    n.as_repr()
                        .map(|r| r.chars().filter(|c| !c.is_whitespace()).collect())
                }) {
                    Some(r) => r,
                    None => n.value().to_string(),
                };
                Number::parse(&raw).map(Value::Number).ok_or_else(|| {
                    self.error(
                        expr.span(),
                        "Invalid number literal",
                        format!("{raw:?} is not a valid number."),
                    )
                })
            }
            Expression::String(s) => Ok(Value::string(s.value().as_str())),
            Expression::Array(a) => {
                let mut out = Vec::with_capacity(a.len());
                for e in a.iter() {
                    out.push(self.eval(e)?);
                }
                Ok(Value::Tuple(out))
            }
            Expression::Object(o) => self.eval_object(o),
            Expression::StringTemplate(t) => self.eval_template(t, expr.span()),
            Expression::HeredocTemplate(h) => self.eval_heredoc(h),
            Expression::Parenthesis(p) => self.eval(p.inner()),
            Expression::Variable(v) => self
                .resolve_root(v.value().as_str(), &[], expr.span())
                .map(|(v, _)| v),
            Expression::Conditional(c) => self.eval_conditional(c),
            Expression::FuncCall(f) => self.eval_call(f),
            Expression::Traversal(t) => self.eval_traversal(t),
            Expression::UnaryOp(u) => self.eval_unary(u),
            Expression::BinaryOp(b) => self.eval_binary(b),
            Expression::ForExpr(f) => self.eval_for(f),
        }
    }

    /// Resolves a root name: iteration variables first, then the scope.
    fn resolve_root(
        &mut self,
        root: &str,
        steps: &[Step],
        span: Option<Range<usize>>,
    ) -> Result<(Value, usize), Box<Diagnostic>> {
        if let Some(v) = self.local(root) {
            return Ok((v.clone(), 0));
        }
        self.scope
            .resolve(root, steps)
            .map_err(|e| self.error(span, &e.summary, e.detail))
    }

    fn eval_object(&mut self, o: &hcl_edit::expr::Object) -> EvalResult {
        let mut out = BTreeMap::new();
        let mut unknown = false;
        let mut sensitive = false;
        for (k, v) in o.iter() {
            let key = match k {
                ObjectKey::Ident(id) => self
                    .source_text(id.span())
                    .unwrap_or_else(|| id.value().as_str())
                    .to_string(),
                ObjectKey::Expression(e) => {
                    // A bare name in key position is a literal key, as in HCL, keywords included.
                    if let Expression::Variable(id) = e {
                        self.source_text(e.span())
                            .unwrap_or_else(|| id.value().as_str())
                            .to_string()
                    } else if let (Expression::String(sv), Some(t)) =
                        (e, self.source_text(e.span()))
                    {
                        // A renamed duplicate key (see `parse::with_fixups`) reads back from the source.
                        let text = match t.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
                            Some(inner)
                                if inner != sv.value().as_str() && !inner.contains('\\') =>
                            {
                                inner.to_string()
                            }
                            _ => sv.value().to_string(),
                        };
                        infra_core::value::nfc(text)
                    } else if let Expression::Null(_) = e {
                        "null".to_string()
                    } else if let Expression::Bool(b) = e {
                        b.value().to_string()
                    } else if matches!(e, Expression::Traversal(t) if matches!(t.expr, Expression::Variable(_)))
                    {
                        return Err(self.error(
                            e.span(),
                            "Ambiguous attribute key",
                            "If this expression is intended to be a reference, wrap it in parentheses. If it's instead intended as a literal name containing periods, wrap it in quotes to create a string literal.",
                        ));
                    } else {
                        let kv = self.eval(e)?;
                        let (kv, marked) = kv.unmark();
                        sensitive |= marked;
                        if kv.is_null() {
                            return Err(self.error(
                                e.span(),
                                "Null value as key",
                                "Can't use a null value as a key.",
                            ));
                        }
                        if !kv.is_known() {
                            unknown = true;
                            continue;
                        }
                        match infra_core::convert::convert(&kv, &infra_core::Type::String) {
                            Ok(Value::String(s)) => s,
                            _ => {
                                return Err(self.error(
                                    e.span(),
                                    "Incorrect key type",
                                    format!(
                                        "Can't use this value as a key: {}.",
                                        ops::type_required("string", &kv)
                                    ),
                                ))
                            }
                        }
                    }
                }
            };
            let val = self.eval(v.expr())?;
            out.insert(key, val);
        }
        if unknown {
            return Ok(Value::unknown().mark_if(sensitive));
        }
        Ok(Value::Object(out.into()).mark_if(sensitive))
    }

    fn eval_conditional(&mut self, c: &hcl_edit::expr::Conditional) -> EvalResult {
        use infra_core::convert::{convert, unify};
        use infra_core::Type;
        let t = self.eval(&c.true_expr);
        let f = self.eval(&c.false_expr);
        let ty_of = |r: &EvalResult| match r {
            Ok(v) => v.ty(),
            Err(_) => Type::Dynamic,
        };
        let is_dyn_null = |r: &EvalResult| matches!(r, Ok(Value::Null(Type::Dynamic)));
        let result_ty = if is_dyn_null(&t) {
            Some(ty_of(&f))
        } else if is_dyn_null(&f) {
            Some(ty_of(&t))
        } else {
            unify(&[ty_of(&t), ty_of(&f)])
        };
        let cond = self.eval(&c.cond_expr)?;
        let Some(result_ty) = result_ty else {
            return Err(self.error(
                c.span(),
                "Inconsistent conditional result types",
                format!(
                    "The true and false result expressions must have consistent types. The given expressions are {} and {}, respectively.",
                    ty_of(&t).friendly_name(),
                    ty_of(&f).friendly_name()
                ),
            ));
        };
        let (cond, cond_marked) = cond.unmark();
        if cond.is_null() {
            return Err(self.error(
                c.cond_expr.span(),
                "Null condition",
                "The condition value is null. Conditions must either be true or false.",
            ));
        }
        if !cond.is_known() {
            return Ok(Value::Unknown(result_ty).mark_if(cond_marked));
        }
        let b = match convert(&cond, &Type::Bool) {
            Ok(Value::Bool(b)) => b,
            _ => {
                return Err(self.error(
                    c.cond_expr.span(),
                    "Incorrect condition type",
                    "The condition expression must be of type bool.",
                ))
            }
        };
        let (chosen, span) = if b {
            (t?, c.true_expr.span())
        } else {
            (f?, c.false_expr.span())
        };
        let out = convert(&chosen, &result_ty).map_err(|e| {
            self.error(
                span,
                "Inconsistent conditional result types",
                format!("The {} result value is not compatible with the conditional's result type: {e}.", if b { "true" } else { "false" }),
            )
        })?;
        Ok(out.mark_if(cond_marked))
    }
}

/// Parses and evaluates a standalone expression (as the console does).
pub fn eval_source(
    src: &str,
    filename: &str,
    scope: &dyn Scope,
    functions: &Functions,
    fctx: &FuncContext,
) -> EvalResult {
    let file = LineIndex::new(filename, src);
    let expr = crate::parse::parse_expression(src, &file)?;
    let mut ctx = EvalContext::new(scope, functions, fctx, &file);
    ctx.eval(&expr)
}
