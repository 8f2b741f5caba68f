//! String templates: interpolation `${…}`, the `%{if}` and `%{for}` directives, and `~` strip
//! markers, which trim the whitespace of the literal text next to them.

use std::ops::Range;

use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span;
use infra_core::convert::convert;
use infra_core::{Type, Value};

use super::{EvalContext, EvalResult};

/// The partial result of rendering: text so far, or "unknown" once any part is unknown.
struct Out {
    text: String,
    unknown: bool,
    sensitive: bool,
}

impl EvalContext<'_> {
    pub(super) fn eval_template(&mut self, t: &Template, _span: Option<Range<usize>>) -> EvalResult {
        let elements: Vec<&Element> = t.iter().collect();
        // A template that is nothing but one interpolation yields the value itself, unconverted.
        if let [Element::Interpolation(i)] = elements.as_slice() {
            return self.eval(&i.expr);
        }
        let mut out = Out { text: String::new(), unknown: false, sensitive: false };
        self.render(t, false, false, &mut out)?;
        let v = if out.unknown { Value::Unknown(Type::String) } else { Value::string(out.text) };
        Ok(v.mark_if(out.sensitive))
    }

    /// Renders `t` into `out`. `trim_first`/`trim_last` say whether the enclosing tags strip the
    /// whitespace at the template's start and end.
    fn render(&mut self, t: &Template, trim_first: bool, trim_last: bool, out: &mut Out) -> Result<(), Box<infra_core::Diagnostic>> {
        let elements: Vec<&Element> = t.iter().collect();
        let n = elements.len();
        for (i, el) in elements.iter().enumerate() {
            match el {
                Element::Literal(s) => {
                    let mut text: &str = s.value();
                    let strip_before = if i == 0 { trim_first } else { strips_after(elements[i - 1]) };
                    let strip_after = if i + 1 == n { trim_last } else { strips_before(elements[i + 1]) };
                    if strip_before {
                        text = text.trim_start();
                    }
                    if strip_after {
                        text = text.trim_end();
                    }
                    out.text.push_str(text);
                }
                Element::Interpolation(interp) => {
                    let v = self.eval(&interp.expr)?;
                    self.append_value(v, interp.expr.span(), out)?;
                }
                Element::Directive(dir) => match &**dir {
                    Directive::If(d) => self.render_if(d, out)?,
                    Directive::For(d) => self.render_for(d, out)?,
                },
            }
        }
        Ok(())
    }

    fn render_if(&mut self, d: &hcl_edit::template::IfDirective, out: &mut Out) -> Result<(), Box<infra_core::Diagnostic>> {
                    let cond = self.eval(&d.if_expr.cond_expr)?;
                    let (cond, marked) = cond.unmark();
                    out.sensitive |= marked;
                    if cond.is_null() {
                        return Err(self.error(
                            d.if_expr.cond_expr.span(),
                            "Invalid template directive",
                            "The condition value is null. Conditions must either be true or false.",
                        ));
                    }
                    if !cond.is_known() {
                        out.unknown = true;
                        return Ok(());
                    }
                    let b = match convert(&cond, &Type::Bool) {
                        Ok(Value::Bool(b)) => b,
                        _ => {
                            return Err(self.error(
                                d.if_expr.cond_expr.span(),
                                "Invalid template directive",
                                "The condition expression must be of type bool.",
                            ))
                        }
                    };
                    let endif_strip = d.endif_expr.strip.strip_start();
                    if b {
                        let last = match &d.else_expr {
                            Some(e) => e.strip.strip_start(),
                            None => endif_strip,
                        };
                        self.render(&d.if_expr.template, d.if_expr.strip.strip_end(), last, out)?;
                    } else if let Some(e) = &d.else_expr {
                        self.render(&e.template, e.strip.strip_end(), endif_strip, out)?;
                    }
                        Ok(())
    }

    fn render_for(&mut self, d: &hcl_edit::template::ForDirective, out: &mut Out) -> Result<(), Box<infra_core::Diagnostic>> {
                    let f = &d.for_expr;
                    let coll = self.eval(&f.collection_expr)?;
                    let (coll, marked) = coll.unmark();
                    out.sensitive |= marked;
                    if coll.is_null() {
                        return Err(self.error(
                            f.collection_expr.span(),
                            "Iteration over null value",
                            "A null value cannot be used as the collection in a 'for' expression.",
                        ));
                    }
                    if !coll.is_known() {
                        out.unknown = true;
                        return Ok(());
                    }
                    let items = super::for_expr::iteration_items(&coll).ok_or_else(|| {
                        self.error(
                            f.collection_expr.span(),
                            "Iteration over non-iterable value",
                            format!(
                                "A value of type {} cannot be used as the collection in a 'for' expression.",
                                coll.ty().friendly_name()
                            ),
                        )
                    })?;
                    for (k, v) in items {
                        let mut vars = vec![(f.value_var.value().as_str().to_string(), v)];
                        if let Some(kv) = &f.key_var {
                            vars.push((kv.value().as_str().to_string(), k));
                        }
                        self.with_local(&vars, |ctx| {
                            ctx.render(&f.template, f.strip.strip_end(), d.endfor_expr.strip.strip_start(), out)
                        })?;
                    }
                        Ok(())
    }

    fn append_value(&self, v: Value, span: Option<Range<usize>>, out: &mut Out) -> Result<(), Box<infra_core::Diagnostic>> {
        let (v, marked) = v.unmark();
        out.sensitive |= marked;
        if v.is_null() {
            return Err(self.error(
                span,
                "Invalid template interpolation value",
                "The expression result is null. Cannot include a null value in a string template.",
            ));
        }
        if !v.is_known() {
            out.unknown = true;
            return Ok(());
        }
        match convert(&v, &Type::String) {
            Ok(Value::String(s)) => out.text.push_str(&s),
            Ok(Value::Unknown(_)) => out.unknown = true,
            _ => {
                return Err(self.error(
                    span,
                    "Invalid template interpolation value",
                    format!(
                        "Cannot include the given value in a string template: string required, but have {}.",
                        v.ty().friendly_name()
                    ),
                ))
            }
        }
        Ok(())
    }
}

/// Whether an element's closing tag strips the whitespace after it (`~}`).
fn strips_after(e: &Element) -> bool {
    match e {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_end(),
        Element::Directive(dir) => match &**dir {
            Directive::If(d) => d.endif_expr.strip.strip_end(),
            Directive::For(d) => d.endfor_expr.strip.strip_end(),
        },
    }
}

/// Whether an element's opening tag strips the whitespace before it (`${~`).
fn strips_before(e: &Element) -> bool {
    match e {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_start(),
        Element::Directive(dir) => match &**dir {
            Directive::If(d) => d.if_expr.strip.strip_start(),
            Directive::For(d) => d.for_expr.strip.strip_start(),
        },
    }
}
