//! Reference extraction: which named objects (`var.x`, `local.y`, `aws_instance.web`, `module.m`)
//! an expression refers to, for building the dependency graph and for static validation.

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span;
use infra_core::{LineIndex, SourceRange};

/// One step after a reference's root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefStep {
    Attr(String),
    /// An index given as a literal (`[0]`, `["k"]`), as text.
    Key(String),
    /// An index computed at run time, or a splat.
    Dynamic,
}

/// A reference found in an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub root: String,
    pub steps: Vec<RefStep>,
    pub range: SourceRange,
}

impl Reference {
    /// The first attribute after the root (`x` of `var.x`).
    pub fn first_attr(&self) -> Option<&str> {
        match self.steps.first() {
            Some(RefStep::Attr(a)) => Some(a),
            _ => None,
        }
    }
    /// The attribute after the first (`name` of `aws_instance.name` is first; this gives the next).
    pub fn second_attr(&self) -> Option<&str> {
        match self.steps.get(1) {
            Some(RefStep::Attr(a)) => Some(a),
            _ => None,
        }
    }
}

/// All references in `expr`, in source order.
pub fn references(expr: &Expression, file: &LineIndex) -> Vec<Reference> {
    let mut w = Walker {
        file,
        bound: Vec::new(),
        out: Vec::new(),
    };
    w.expr(expr);
    w.out
}

/// All references in a template.
pub fn template_references(t: &Template, file: &LineIndex) -> Vec<Reference> {
    let mut w = Walker {
        file,
        bound: Vec::new(),
        out: Vec::new(),
    };
    w.template(t);
    w.out
}

struct Walker<'a> {
    file: &'a LineIndex,
    /// Names bound by enclosing `for` expressions and directives.
    bound: Vec<String>,
    out: Vec<Reference>,
}

impl Walker<'_> {
    fn push_ref(&mut self, root: &str, steps: Vec<RefStep>, span: Option<std::ops::Range<usize>>) {
        if self.bound.iter().any(|b| b == root) {
            return;
        }
        self.out.push(Reference {
            root: root.to_string(),
            steps,
            range: self.file.range(span.unwrap_or(0..0)),
        });
    }

    fn expr(&mut self, e: &Expression) {
        match e {
            Expression::Null(_)
            | Expression::Bool(_)
            | Expression::Number(_)
            | Expression::String(_) => {}
            Expression::Array(a) => a.iter().for_each(|x| self.expr(x)),
            Expression::Object(o) => {
                for (k, v) in o.iter() {
                    if let ObjectKey::Expression(ke) = k {
                        if !matches!(ke, Expression::Variable(_)) {
                            self.expr(ke);
                        }
                    }
                    self.expr(v.expr());
                }
            }
            Expression::StringTemplate(t) => self.template(t),
            Expression::HeredocTemplate(h) => self.template(&h.template),
            Expression::Parenthesis(p) => self.expr(p.inner()),
            Expression::Variable(v) => self.push_ref(v.value().as_str(), Vec::new(), e.span()),
            Expression::Conditional(c) => {
                self.expr(&c.cond_expr);
                self.expr(&c.true_expr);
                self.expr(&c.false_expr);
            }
            Expression::FuncCall(f) => f.args.iter().for_each(|x| self.expr(x)),
            Expression::Traversal(t) => {
                if let Expression::Variable(v) = &t.expr {
                    let mut steps = Vec::new();
                    let mut end = t.expr.span().map(|s| s.end);
                    for op in &t.operators {
                        let step = match op.value() {
                            TraversalOperator::GetAttr(id) => {
                                RefStep::Attr(id.value().as_str().to_string())
                            }
                            TraversalOperator::LegacyIndex(n) => {
                                RefStep::Key(n.value().to_string())
                            }
                            TraversalOperator::Index(Expression::Number(n)) => {
                                RefStep::Key(n.value().to_string())
                            }
                            TraversalOperator::Index(Expression::String(s)) => {
                                RefStep::Key(s.value().to_string())
                            }
                            _ => RefStep::Dynamic,
                        };
                        let dynamic = step == RefStep::Dynamic;
                        steps.push(step);
                        if let Some(s) = op.span() {
                            end = Some(s.end);
                        }
                        if dynamic {
                            break;
                        }
                    }
                    let span = t.expr.span().map(|s| s.start..end.unwrap_or(s.end));
                    self.push_ref(v.value().as_str(), steps, span);
                } else {
                    self.expr(&t.expr);
                }
                for op in &t.operators {
                    if let TraversalOperator::Index(ie) = op.value() {
                        self.expr(ie);
                    }
                }
            }
            Expression::UnaryOp(u) => self.expr(&u.expr),
            Expression::BinaryOp(b) => {
                self.expr(&b.lhs_expr);
                self.expr(&b.rhs_expr);
            }
            Expression::ForExpr(f) => {
                self.expr(&f.intro.collection_expr);
                let n = self.bound.len();
                self.bound
                    .push(f.intro.value_var.value().as_str().to_string());
                if let Some(k) = &f.intro.key_var {
                    self.bound.push(k.value().as_str().to_string());
                }
                if let Some(k) = &f.key_expr {
                    self.expr(k);
                }
                self.expr(&f.value_expr);
                if let Some(c) = &f.cond {
                    self.expr(&c.expr);
                }
                self.bound.truncate(n);
            }
        }
    }

    fn template(&mut self, t: &Template) {
        for el in t.iter() {
            match el {
                Element::Literal(_) => {}
                Element::Interpolation(i) => self.expr(&i.expr),
                Element::Directive(dir) => match &**dir {
                    Directive::If(d) => {
                        self.expr(&d.if_expr.cond_expr);
                        self.template(&d.if_expr.template);
                        if let Some(e) = &d.else_expr {
                            self.template(&e.template);
                        }
                    }
                    Directive::For(d) => {
                        self.expr(&d.for_expr.collection_expr);
                        let n = self.bound.len();
                        self.bound
                            .push(d.for_expr.value_var.value().as_str().to_string());
                        if let Some(k) = &d.for_expr.key_var {
                            self.bound.push(k.value().as_str().to_string());
                        }
                        self.template(&d.for_expr.template);
                        self.bound.truncate(n);
                    }
                },
            }
        }
    }
}
