//! String templates: interpolation `${…}`, the `%{if}` and `%{for}` directives, and `~` strip
//! markers, which trim the whitespace of the literal text next to them.

use std::collections::HashMap;
use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span;
use infra_core::convert::convert;
use infra_core::{Type, Value};

use super::{EvalContext, EvalResult};

/// The partial result of rendering: text so far, or "unknown" once any part is unknown.
struct Out<'l> {
    text: String,
    unknown: bool,
    sensitive: bool,
    /// Literal text after strip markers and heredoc dedent, by the literal's source offset.
    literals: &'l HashMap<usize, String>,
}

impl EvalContext<'_> {
    pub(super) fn eval_template(
        &mut self,
        t: &Template,
        _span: Option<Range<usize>>,
    ) -> EvalResult {
        let elements: Vec<&Element> = t.iter().collect();
        // A template that is nothing but one interpolation yields the value itself, unconverted.
        if let [Element::Interpolation(i)] = elements.as_slice() {
            return self.eval(&i.expr);
        }
        let literals = literal_texts(t, false);
        self.render_with(t, &literals)
    }

    /// Renders a heredoc. A flush heredoc (`<<-`) is parsed again without hcl-edit's dedent,
    /// because Terraform strips `~` whitespace first and removes the common indent after.
    pub(super) fn eval_heredoc(&mut self, h: &hcl_edit::template::HeredocTemplate) -> EvalResult {
        if h.indent().is_none() {
            return self.eval_template(&h.template, h.span());
        }
        let Some(span) = h.span() else {
            return self.eval_template(&h.template, None);
        };
        let text = self.file.text();
        let Some(src) = text.get(span.clone()).filter(|s| s.starts_with("<<-")) else {
            return self.eval_template(&h.template, Some(span));
        };
        // Same length and offsets as the original, so spans keep pointing at the right places.
        let padded = format!("{} <<{}", " ".repeat(span.start), &src[3..]);
        match hcl_edit::parser::parse_expr(&padded) {
            Ok(hcl_edit::expr::Expression::HeredocTemplate(raw)) => {
                let elements: Vec<&Element> = raw.template.iter().collect();
                if let [Element::Interpolation(i)] = elements.as_slice() {
                    return self.eval(&i.expr);
                }
                let literals = literal_texts(&raw.template, true);
                self.render_with(&raw.template, &literals)
            }
            _ => self.eval_template(&h.template, Some(span)),
        }
    }

    fn render_with(&mut self, t: &Template, literals: &HashMap<usize, String>) -> EvalResult {
        let mut out = Out {
            text: String::new(),
            unknown: false,
            sensitive: false,
            literals,
        };
        self.render(t, &mut out)?;
        let v = if out.unknown {
            Value::Unknown(Type::String)
        } else {
            Value::string(out.text)
        };
        Ok(v.mark_if(out.sensitive))
    }

    /// Renders `t` into `out`, literal text as adjusted by [`literal_texts`].
    fn render(&mut self, t: &Template, out: &mut Out) -> Result<(), Box<infra_core::Diagnostic>> {
        for el in t.iter() {
            match el {
                Element::Literal(s) => {
                    let adjusted = s.span().and_then(|sp| out.literals.get(&sp.start));
                    match adjusted {
                        Some(text) => out.text.push_str(text),
                        None => out.text.push_str(s.value()),
                    }
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

    fn render_if(
        &mut self,
        d: &hcl_edit::template::IfDirective,
        out: &mut Out,
    ) -> Result<(), Box<infra_core::Diagnostic>> {
        let cond = self.eval(&d.if_expr.cond_expr)?;
        let (cond, marked) = cond.unmark();
        out.sensitive |= marked;
        if cond.is_null() {
            return Err(self.error(
                d.if_expr.cond_expr.span(),
                "Null condition",
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
                    "Incorrect condition type",
                    "The condition expression must be of type bool.",
                ))
            }
        };
        if b {
            self.render(&d.if_expr.template, out)?;
        } else if let Some(e) = &d.else_expr {
            self.render(&e.template, out)?;
        }
        Ok(())
    }

    fn render_for(
        &mut self,
        d: &hcl_edit::template::ForDirective,
        out: &mut Out,
    ) -> Result<(), Box<infra_core::Diagnostic>> {
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
            self.with_local(&vars, |ctx| ctx.render(&f.template, out))?;
        }
        Ok(())
    }

    fn append_value(
        &self,
        v: Value,
        span: Option<Range<usize>>,
        out: &mut Out,
    ) -> Result<(), Box<infra_core::Diagnostic>> {
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

/// A piece of a template as Terraform's template parser sees it: literal text one line at a
/// time (each ending with its newline), and the `${`/`%{` sequences with their strip markers.
enum Tok {
    Lit { key: usize, text: String },
    Seq { strip_start: bool, strip_end: bool },
}

fn flatten(t: &Template, out: &mut Vec<Tok>) {
    for el in t.iter() {
        match el {
            Element::Literal(s) => {
                let Some(key) = s.span().map(|sp| sp.start) else {
                    continue;
                };
                for line in s.value().split_inclusive('\n') {
                    out.push(Tok::Lit {
                        key,
                        text: line.to_string(),
                    });
                }
            }
            Element::Interpolation(i) => out.push(Tok::Seq {
                strip_start: i.strip.strip_start(),
                strip_end: i.strip.strip_end(),
            }),
            Element::Directive(dir) => match &**dir {
                Directive::If(d) => {
                    out.push(Tok::Seq {
                        strip_start: d.if_expr.strip.strip_start(),
                        strip_end: d.if_expr.strip.strip_end(),
                    });
                    flatten(&d.if_expr.template, out);
                    if let Some(e) = &d.else_expr {
                        out.push(Tok::Seq {
                            strip_start: e.strip.strip_start(),
                            strip_end: e.strip.strip_end(),
                        });
                        flatten(&e.template, out);
                    }
                    out.push(Tok::Seq {
                        strip_start: d.endif_expr.strip.strip_start(),
                        strip_end: d.endif_expr.strip.strip_end(),
                    });
                }
                Directive::For(d) => {
                    out.push(Tok::Seq {
                        strip_start: d.for_expr.strip.strip_start(),
                        strip_end: d.for_expr.strip.strip_end(),
                    });
                    flatten(&d.for_expr.template, out);
                    out.push(Tok::Seq {
                        strip_start: d.endfor_expr.strip.strip_start(),
                        strip_end: d.endfor_expr.strip.strip_end(),
                    });
                }
            },
        }
    }
}

/// The text of every literal of `t` after Terraform's processing: a `~` trims the whitespace of
/// the one literal token next to it (a heredoc's literal tokens are single lines), then a flush
/// heredoc loses the indent common to its lines (lines starting with a `${`/`%{` sequence count as
/// unindented, blank lines do not count).
fn literal_texts(t: &Template, flush: bool) -> HashMap<usize, String> {
    let mut toks = Vec::new();
    flatten(t, &mut toks);
    for i in 0..toks.len() {
        let (start, end) = match toks[i] {
            Tok::Seq {
                strip_start,
                strip_end,
            } => (strip_start, strip_end),
            Tok::Lit { .. } => continue,
        };
        if start && i > 0 {
            if let Tok::Lit { text, .. } = &mut toks[i - 1] {
                *text = text.trim_end().to_string();
            }
        }
        if end {
            if let Some(Tok::Lit { text, .. }) = toks.get_mut(i + 1) {
                *text = text.trim_start().to_string();
            }
        }
    }
    if flush {
        dedent(&mut toks);
    }
    let mut out: HashMap<usize, String> = HashMap::new();
    for tok in toks {
        if let Tok::Lit { key, text } = tok {
            out.entry(key).or_default().push_str(&text);
        }
    }
    out
}

fn dedent(toks: &mut [Tok]) {
    let mut min = usize::MAX;
    let mut newline = true;
    let mut adjust = Vec::new();
    for (i, tok) in toks.iter().enumerate() {
        if newline {
            newline = false;
            let spaces = match tok {
                Tok::Lit { text, .. } => {
                    let trimmed = text.trim_start();
                    if trimmed.is_empty() && text.ends_with('\n') {
                        usize::MAX
                    } else {
                        adjust.push(i);
                        text[..text.len() - trimmed.len()].graphemes(true).count()
                    }
                }
                Tok::Seq { .. } => 0,
            };
            min = min.min(spaces);
        }
        if let Tok::Lit { text, .. } = tok {
            if text.ends_with('\n') {
                newline = true;
            }
        }
    }
    if min == usize::MAX || min == 0 {
        return;
    }
    for i in adjust {
        if let Tok::Lit { text, .. } = &mut toks[i] {
            let cut: usize = text.graphemes(true).take(min).map(str::len).sum();
            *text = text[cut..].to_string();
        }
    }
}
