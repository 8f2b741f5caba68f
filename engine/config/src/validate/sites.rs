//! Every expression of a module, with what it needs to be checked: the object that owns it (a
//! node of the dependency graph), what it is for (a `count`, a condition, an output value, …) and
//! the context it is evaluated in (`count`/`each` available, `self` allowed, `dynamic` iterators in
//! scope). Reference checks, cycle detection and evaluation all walk this one list.

use crate::model::{Body, Check, Expr, Module};

/// An object of the dependency graph, within one module of the tree.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum NodeKind {
    Var(String),
    Local(String),
    Output(String),
    /// A resource or data source by its address in the module (`aws_vpc.main`, `data.x.y`).
    Resource(String),
    /// A module call's expansion (`count`/`for_each`) and `depends_on`.
    ModuleCall(String),
    /// A provider configuration by key (`aws`, `aws.west`).
    Provider(String),
}

/// A node: the module's index in the flattened tree and the object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Node {
    pub module: usize,
    pub kind: NodeKind,
}

/// What an expression is for, which decides the extra checks made on its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Value,
    Local(String),
    Count,
    ForEach,
    DynamicForEach,
    /// A `validation`/`precondition`/`postcondition` condition.
    Condition,
    ErrorMessage,
    /// An output's value (root outputs must declare sensitivity).
    OutputValue {
        name: String,
    },
    /// An argument of a module call, for the child's variable.
    ModuleArg {
        call: String,
        arg: String,
    },
    /// References only, not evaluated.
    DependsOn,
    ReplaceTriggeredBy,
    /// Backend settings, which must be constants.
    BackendConst,
}

/// The evaluation context of an expression.
#[derive(Clone, Debug, Default)]
pub(crate) struct Ctx {
    pub count: bool,
    pub for_each: bool,
    pub self_ok: bool,
    /// `dynamic` block iterator names in scope, innermost last.
    pub iterators: Vec<String>,
    /// The resource the expression belongs to, as addressed within its module.
    pub address: Option<String>,
    /// In a variable's validation rule: the variable's name.
    pub validating: Option<String>,
}

/// One expression to check.
pub(crate) struct Site<'a> {
    pub expr: &'a Expr,
    /// The module whose names the expression sees (a module argument's owner is the child's
    /// variable, but it is written in, and evaluated in, the calling module).
    pub scope: usize,
    pub owner: Node,
    pub role: Role,
    pub ctx: Ctx,
}

/// The sites of one module. `child_index` maps a module call name to the child's index in the
/// tree (when the child was loaded), so that module arguments are owned by the child's variables.
pub(crate) fn module_sites<'a>(
    index: usize,
    module: &'a Module,
    child_index: &dyn Fn(&str) -> Option<usize>,
) -> Vec<Site<'a>> {
    let mut w = Walker {
        scope: index,
        out: Vec::new(),
    };
    let node = |kind| Node {
        module: index,
        kind,
    };

    for (name, v) in &module.variables {
        let ctx = Ctx {
            validating: Some(name.clone()),
            ..Ctx::default()
        };
        for rule in &v.validations {
            w.check(rule, &node(NodeKind::Var(name.clone())), &ctx);
        }
    }
    for (name, l) in &module.locals {
        w.push(
            &l.expr,
            node(NodeKind::Local(name.clone())),
            Role::Local(name.clone()),
            Ctx::default(),
        );
    }
    for (name, o) in &module.outputs {
        let owner = node(NodeKind::Output(name.clone()));
        w.push(
            &o.value,
            owner.clone(),
            Role::OutputValue { name: name.clone() },
            Ctx::default(),
        );
        for e in &o.depends_on {
            w.push(e, owner.clone(), Role::DependsOn, Ctx::default());
        }
        for rule in &o.preconditions {
            w.check(rule, &owner, &Ctx::default());
        }
    }
    for (addr, r) in &module.resources {
        let owner = node(NodeKind::Resource(addr.clone()));
        let meta = Ctx {
            address: Some(addr.clone()),
            ..Ctx::default()
        };
        if let Some(e) = &r.count {
            w.push(e, owner.clone(), Role::Count, meta.clone());
        }
        if let Some(e) = &r.for_each {
            w.push(e, owner.clone(), Role::ForEach, meta.clone());
        }
        for e in &r.depends_on {
            w.push(e, owner.clone(), Role::DependsOn, meta.clone());
        }
        let inner = Ctx {
            count: r.count.is_some(),
            for_each: r.for_each.is_some(),
            ..meta
        };
        w.body(&r.body, &owner, &inner);
        for e in &r.lifecycle.replace_triggered_by {
            w.push(e, owner.clone(), Role::ReplaceTriggeredBy, inner.clone());
        }
        for rule in &r.lifecycle.preconditions {
            w.check(rule, &owner, &inner);
        }
        let post = Ctx {
            self_ok: true,
            ..inner.clone()
        };
        for rule in &r.lifecycle.postconditions {
            w.check(rule, &owner, &post);
        }
    }
    for (name, call) in &module.module_calls {
        let owner = node(NodeKind::ModuleCall(name.clone()));
        if let Some(e) = &call.count {
            w.push(e, owner.clone(), Role::Count, Ctx::default());
        }
        if let Some(e) = &call.for_each {
            w.push(e, owner.clone(), Role::ForEach, Ctx::default());
        }
        for e in &call.depends_on {
            w.push(e, owner.clone(), Role::DependsOn, Ctx::default());
        }
        let inner = Ctx {
            count: call.count.is_some(),
            for_each: call.for_each.is_some(),
            ..Ctx::default()
        };
        for (arg, a) in &call.args {
            let arg_owner = match child_index(name) {
                Some(child) => Node {
                    module: child,
                    kind: NodeKind::Var(arg.clone()),
                },
                None => owner.clone(),
            };
            let role = Role::ModuleArg {
                call: name.clone(),
                arg: arg.clone(),
            };
            w.push(&a.expr, arg_owner, role, inner.clone());
        }
    }
    for p in &module.providers {
        w.body(
            &p.config,
            &node(NodeKind::Provider(p.key())),
            &Ctx::default(),
        );
    }
    if let Some(b) = &module.terraform.backend {
        w.const_body(&b.config, &node(NodeKind::Provider("terraform".into())));
    }
    w.out
}

struct Walker<'a> {
    scope: usize,
    out: Vec<Site<'a>>,
}

impl<'a> Walker<'a> {
    fn push(&mut self, expr: &'a Expr, owner: Node, role: Role, ctx: Ctx) {
        self.out.push(Site {
            expr,
            scope: self.scope,
            owner,
            role,
            ctx,
        });
    }

    fn check(&mut self, rule: &'a Check, owner: &Node, ctx: &Ctx) {
        self.push(&rule.condition, owner.clone(), Role::Condition, ctx.clone());
        self.push(
            &rule.error_message,
            owner.clone(),
            Role::ErrorMessage,
            ctx.clone(),
        );
    }

    fn body(&mut self, body: &'a Body, owner: &Node, ctx: &Ctx) {
        self.body_except(body, owner, ctx, &[]);
    }

    /// Walks a body, leaving out the arguments in `keywords` (whose values are keywords such as
    /// a provisioner's `when = destroy`, not expressions).
    fn body_except(&mut self, body: &'a Body, owner: &Node, ctx: &Ctx, keywords: &[&str]) {
        for a in body.attributes.values() {
            if keywords.contains(&a.name.as_str()) {
                continue;
            }
            self.push(&a.expr, owner.clone(), Role::Value, ctx.clone());
        }
        for b in &body.blocks {
            match b.ty.as_str() {
                "provisioner" => {
                    let inner = Ctx {
                        self_ok: true,
                        ..ctx.clone()
                    };
                    self.body_except(&b.body, owner, &inner, &["when", "on_failure"]);
                }
                "connection" => self.body(
                    &b.body,
                    owner,
                    &Ctx {
                        self_ok: true,
                        ..ctx.clone()
                    },
                ),
                _ => self.body(&b.body, owner, ctx),
            }
        }
        for d in &body.dynamic_blocks {
            self.push(
                &d.for_each,
                owner.clone(),
                Role::DynamicForEach,
                ctx.clone(),
            );
            let mut inner = ctx.clone();
            inner.iterators.push(d.iterator.clone());
            for l in &d.labels {
                self.push(l, owner.clone(), Role::Value, inner.clone());
            }
            if matches!(d.ty.as_str(), "provisioner" | "connection") {
                inner.self_ok = true;
            }
            self.body(&d.content, owner, &inner);
        }
    }

    fn const_body(&mut self, body: &'a Body, owner: &Node) {
        for a in body.attributes.values() {
            self.push(&a.expr, owner.clone(), Role::BackendConst, Ctx::default());
        }
        for b in &body.blocks {
            self.const_body(&b.body, owner);
        }
        for d in &body.dynamic_blocks {
            self.push(
                &d.for_each,
                owner.clone(),
                Role::BackendConst,
                Ctx::default(),
            );
            self.const_body(&d.content, owner);
        }
    }
}
