//! Function calls, including the three functions that need the evaluator itself: `try` and `can`
//! (which catch evaluation errors) and `templatefile` (which renders a template file).

use hcl_edit::expr::FuncCall;
use hcl_edit::Span;
use infra_core::{Diagnostic, LineIndex, Type, Value};

use super::{EvalContext, EvalResult, MapScope};
use crate::funcs::{call_function, CallError};
use crate::suggest::did_you_mean;

impl EvalContext<'_> {
    pub(super) fn eval_call(&mut self, f: &FuncCall) -> EvalResult {
        let name = f.name.name.value().as_str();
        let span = f.span();
        if f.name.is_namespaced() {
            let full: Vec<&str> = f
                .name
                .namespace
                .iter()
                .map(|n| n.value().as_str())
                .collect();
            return Err(self.error(
                span,
                "Call to unknown function",
                format!(
                    "There is no function named \"{}::{name}\".",
                    full.join("::")
                ),
            ));
        }
        match name {
            "try" => return self.eval_try(f),
            "can" => return self.eval_can(f),
            "list" | "map" => {
                let (what, syntax) = if name == "list" {
                    ("list", "tolist([ ... ])")
                } else {
                    ("map", "tomap({ ... })")
                };
                return Err(self.error(
                    span,
                    "Error in function call",
                    format!("Call to function \"{name}\" failed: the \"{name}\" function was deprecated in Terraform v0.12 and is no longer available; use {syntax} syntax to write a literal {what}."),
                ));
            }
            _ => {}
        }
        let func = match self.functions.get(name) {
            Some(func) => func.clone(),
            None if name == "templatefile" => return self.eval_templatefile(f),
            None => {
                let mut names = self.functions.names();
                names.extend(["try", "can", "templatefile"]);
                let hint = did_you_mean(name, names.iter().copied())
                    .map(|s| format!(" Did you mean \"{s}\"?"))
                    .unwrap_or_default();
                return Err(self.error(
                    f.name.name.span(),
                    "Call to unknown function",
                    format!("There is no function named \"{name}\".{hint}"),
                ));
            }
        };
        let (args, spans) = self.eval_args(f)?;
        let args = match args {
            Some(a) => a,
            None => return Ok(Value::Unknown(Type::Dynamic)),
        };
        call_function(&func, args, self.fctx)
            .map_err(|e| self.call_error(name, &func, e, &spans, span))
    }

    /// Evaluates the arguments, spreading a final `...` argument. `None` when the spread
    /// argument is unknown (so the number of arguments is unknown).
    #[allow(clippy::type_complexity)]
    fn eval_args(
        &mut self,
        f: &FuncCall,
    ) -> Result<(Option<Vec<Value>>, Vec<Option<std::ops::Range<usize>>>), Box<Diagnostic>> {
        let exprs: Vec<_> = f.args.iter().collect();
        let mut args = Vec::with_capacity(exprs.len());
        let mut spans = Vec::with_capacity(exprs.len());
        for (i, e) in exprs.iter().enumerate() {
            let v = self.eval(e)?;
            if f.args.expand_final() && i + 1 == exprs.len() {
                let (v, marked) = v.unmark();
                if v.is_null() {
                    return Err(self.error(
                        e.span(),
                        "Invalid expanding argument value",
                        "The expanding argument (indicated by ...) must not be null.",
                    ));
                }
                if !v.is_known() {
                    return Ok((None, spans));
                }
                match v.elements() {
                    Some(items) if !matches!(v, Value::Map(..) | Value::Object(_)) => {
                        for item in items {
                            args.push(item.clone().mark_if(marked));
                            spans.push(e.span());
                        }
                    }
                    _ => {
                        return Err(self.error(
                            e.span(),
                            "Invalid expanding argument value",
                            "The expanding argument (indicated by ...) must be of a tuple, list, or set type.",
                        ))
                    }
                }
            } else {
                args.push(v);
                spans.push(e.span());
            }
        }
        Ok((Some(args), spans))
    }

    fn call_error(
        &self,
        name: &str,
        func: &crate::funcs::Function,
        e: CallError,
        spans: &[Option<std::ops::Range<usize>>],
        call_span: Option<std::ops::Range<usize>>,
    ) -> Box<Diagnostic> {
        let n = func.params.len();
        match e {
            CallError::UnknownFunction => {
                self.error(call_span, "Call to unknown function", format!("There is no function named \"{name}\"."))
            }
            CallError::NotEnoughArgs { missing } => self.error(
                call_span,
                "Not enough function arguments",
                format!(
                    "Function \"{name}\" expects {}{n} argument(s). Missing value for \"{missing}\".",
                    if func.variadic.is_some() { "at least " } else { "" }
                ),
            ),
            CallError::TooManyArgs { max } => self.error(
                spans.get(max).cloned().flatten().or(call_span),
                "Too many function arguments",
                format!("Function \"{name}\" expects only {max} argument(s)."),
            ),
            CallError::Failed(fe) => match fe.arg {
                Some(i) => self.error(
                    spans.get(i).cloned().flatten().or(call_span),
                    "Invalid function argument",
                    fe.message,
                ),
                None => self.error(
                    call_span,
                    "Error in function call",
                    format!("Call to function \"{name}\" failed: {}.", fe.message.trim_end_matches('.')),
                ),
            },
        }
    }

    fn eval_try(&mut self, f: &FuncCall) -> EvalResult {
        let exprs: Vec<_> = f.args.iter().collect();
        if exprs.is_empty() {
            return Err(self.error(
                f.span(),
                "Error in function call",
                "Call to function \"try\" failed: at least one argument is required.",
            ));
        }
        let mut failures = Vec::new();
        for e in exprs {
            match self.eval(e) {
                Ok(v) if !v.is_wholly_known() => return Ok(Value::unknown()),
                Ok(v) => return Ok(v),
                Err(d) if is_static_error(&d) => return Err(d),
                Err(d) => failures.push(d),
            }
        }
        let mut detail =
            String::from("Call to function \"try\" failed: no expression succeeded:\n");
        for d in &failures {
            let at = d
                .subject
                .as_ref()
                .map(|r| {
                    format!(
                        " (at {}:{},{}-{})",
                        r.filename, r.start.line, r.start.column, r.end.column
                    )
                })
                .unwrap_or_default();
            detail.push_str(&format!("- {}{at}\n  {}\n", d.summary, d.detail));
        }
        detail.push_str("\nAt least one expression must produce a successful result.");
        Err(self.error(f.span(), "Error in function call", detail))
    }

    fn eval_can(&mut self, f: &FuncCall) -> EvalResult {
        let exprs: Vec<_> = f.args.iter().collect();
        if exprs.len() != 1 {
            let (summary, detail) = if exprs.is_empty() {
                (
                    "Not enough function arguments",
                    "Function \"can\" expects 1 argument(s). Missing value for \"expression\".",
                )
            } else {
                (
                    "Too many function arguments",
                    "Function \"can\" expects only 1 argument(s).",
                )
            };
            return Err(self.error(f.span(), summary, detail));
        }
        match self.eval(exprs[0]) {
            Ok(v) if !v.is_wholly_known() => Ok(Value::Unknown(Type::Bool)),
            Ok(_) => Ok(Value::Bool(true)),
            Err(d) if is_static_error(&d) => Err(d),
            Err(_) => Ok(Value::Bool(false)),
        }
    }

    fn eval_templatefile(&mut self, f: &FuncCall) -> EvalResult {
        let func = crate::funcs::Function {
            name: "templatefile",
            params: vec![
                crate::funcs::Param::new("path", Type::String),
                crate::funcs::Param::new("vars", Type::Dynamic).unknowns(),
            ],
            variadic: None,
            ret: crate::funcs::ret_dynamic,
            call: |_, _| Ok(Value::null()),
        };
        let (args, spans) = self.eval_args(f)?;
        let Some(args) = args else {
            return Ok(Value::unknown());
        };
        // Arity, null and type checks go through the common machinery first.
        call_function(&func, args.clone(), self.fctx)
            .map_err(|e| self.call_error("templatefile", &func, e, &spans, f.span()))?;
        let (path_v, pm) = args[0].clone().unmark_deep();
        let (vars, vm) = args[1].clone().unmark();
        let path = path_v.as_str().unwrap_or_default().to_string();
        let full = self.fctx.cwd.join(&path);
        let src = std::fs::read(&full).map_err(|e| {
            self.error(
                spans[0].clone(),
                "Invalid function argument",
                format!("Invalid value for \"path\" parameter: no file exists at \"{path}\"; {e}."),
            )
        })?;
        let src = String::from_utf8(src).map_err(|_| {
            self.error(
                spans[0].clone(),
                "Invalid function argument",
                format!("Invalid value for \"path\" parameter: contents of \"{path}\" are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead."),
            )
        })?;
        if !vars.is_wholly_known() {
            return Ok(Value::Unknown(Type::String).mark_if(pm || vm));
        }
        let mut scope = MapScope::default();
        match vars.entries() {
            Some(m) => {
                for (k, v) in m {
                    scope.roots.insert(k.clone(), v.clone());
                }
            }
            None => {
                return Err(self.error(
                    spans[1].clone(),
                    "Invalid function argument",
                    "Invalid value for \"vars\" parameter: vars must be an object or map.",
                ))
            }
        }
        let file = LineIndex::new(path.as_str(), src.as_str());
        let tmpl = crate::parse::parse_template(&src, &file).map_err(|d| {
            self.error(
                f.span(),
                "Error in function call",
                format!(
                    "Call to function \"templatefile\" failed: {}: {}.",
                    d.summary,
                    d.detail.trim_end_matches('.')
                ),
            )
        })?;
        // Every variable the template refers to must be in `vars`, checked before rendering.
        for r in crate::refs::template_references(&tmpl, &file) {
            if !scope.roots.contains_key(&r.root) {
                return Err(self.error(
                    spans[1].clone(),
                    "Invalid function argument",
                    format!(
                        "Invalid value for \"vars\" parameter: vars map does not contain key \"{}\", referenced at {}:{},{}-{}.",
                        r.root, r.range.filename, r.range.start.line, r.range.start.column, r.range.end.column
                    ),
                ));
            }
        }
        let mut functions = self.functions.clone();
        functions.remove("templatefile");
        let mut inner = EvalContext::new(&scope, &functions, self.fctx, &file);
        inner.depth = self.depth;
        let v = inner.eval_template(&tmpl, None).map_err(|d| {
            let at = d
                .subject
                .as_ref()
                .map(|r| {
                    format!(
                        "{}:{},{}-{}: ",
                        r.filename, r.start.line, r.start.column, r.end.column
                    )
                })
                .unwrap_or_default();
            self.error(
                f.span(),
                "Error in function call",
                format!(
                    "Call to function \"templatefile\" failed: {at}{}; {}",
                    d.summary, d.detail
                ),
            )
        })?;
        let v = match v.unmark() {
            (Value::String(s), m) => Value::String(s).mark_if(m),
            (Value::Unknown(_), m) => Value::Unknown(Type::String).mark_if(m),
            (other, m) => infra_core::convert::convert(&other, &Type::String)
                .map_err(|_| self.error(f.span(), "Error in function call", "Call to function \"templatefile\" failed: the template result is not a string."))?
                .mark_if(m),
        };
        Ok(v.mark_if(pm || vm))
    }
}

/// Errors `try` and `can` do not catch: references to things that do not exist are mistakes in
/// the configuration, not in its values (Terraform reports them before evaluating).
fn is_static_error(d: &Diagnostic) -> bool {
    d.summary.starts_with("Reference to undeclared") || d.summary == "Invalid reference"
}
