//! Evaluating every expression the way `terraform validate` does, to find type and call errors:
//! input variables are unknown values of their declared types, locals are evaluated in
//! dependency order, resources, data sources and module outputs are unknown, `count.index` is an
//! unknown number, `each.*` unknown, `path.*` and `terraform.workspace` known. Then the values of
//! `count`, `for_each`, conditions, error messages, module arguments and root outputs get the
//! extra checks Terraform makes on them.
//!
//! Reference errors are not reported here (the reference checks do that): whatever cannot be
//! resolved evaluates to an unknown value.

use std::collections::{BTreeMap, BTreeSet};

use infra_core::convert::convert;
use infra_core::{Diagnostic, Type, Value};
use infra_lang::{EvalContext, FuncContext, Functions, Scope, ScopeError, Step};

use super::refs::Edge;
use super::sites::{Node, NodeKind, Role, Site};
use super::Tree;
use crate::model::Module;
use crate::span::short_range;

/// Evaluates every site; returns the diagnostics.
pub(crate) fn evaluate(
    tree: &Tree<'_>,
    sites: &[Site<'_>],
    edges: &[Edge],
    cyclic: &BTreeSet<Node>,
) -> Vec<Diagnostic> {
    let functions = Functions::standard();
    let fctx = FuncContext {
        impure_unknown: true,
        ..FuncContext::default()
    };
    let cwd = std::env::current_dir()
        .map(|p| p.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut diags = Vec::new();
    for (m, tm) in tree.modules.iter().enumerate() {
        let here: Vec<&Site<'_>> = sites.iter().filter(|s| s.scope == m).collect();
        let mut env = Env {
            module: tm.module,
            children: tm
                .children
                .iter()
                .map(|(k, &v)| (k.as_str(), tree.modules[v].module))
                .collect(),
            locals: BTreeMap::new(),
            path_module: dir_string(&tm.module.dir),
            path_root: dir_string(&tree.modules[0].module.dir),
            path_cwd: cwd.clone(),
        };
        // Locals first, each after the locals it refers to.
        for name in local_order(tm.module, m, edges) {
            let node = Node {
                module: m,
                kind: NodeKind::Local(name.clone()),
            };
            let value = match here.iter().find(|s| s.owner == node) {
                Some(site) if !cyclic.contains(&node) => {
                    let (v, d) = eval_site(&env, site, &functions, &fctx);
                    diags.extend(d);
                    v.unwrap_or_else(Value::unknown)
                }
                _ => Value::unknown(),
            };
            env.locals.insert(name, value);
        }
        for site in here.iter().filter(|s| !matches!(s.role, Role::Local(_))) {
            if matches!(
                site.role,
                Role::DependsOn | Role::ReplaceTriggeredBy | Role::BackendConst
            ) {
                continue;
            }
            let (value, d) = eval_site(&env, site, &functions, &fctx);
            let mut found = d;
            if let Some(v) = value {
                found.extend(check_value(tree, m, site, &v));
            }
            if let Some(addr) = &site.ctx.address {
                let full = tree.address(m, addr);
                found = found
                    .into_iter()
                    .map(|d| {
                        if d.address.is_none() {
                            d.with_address(full.clone())
                        } else {
                            d
                        }
                    })
                    .collect();
            }
            diags.extend(found);
        }
    }
    diags
}

fn dir_string(p: &std::path::Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    if s.is_empty() {
        ".".into()
    } else {
        s
    }
}

/// The module's locals in an order where each comes after the locals it refers to (cycles are
/// broken arbitrarily; their members evaluate to unknown).
fn local_order(module: &Module, m: usize, edges: &[Edge]) -> Vec<String> {
    let mut deps: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in edges {
        if let (NodeKind::Local(a), NodeKind::Local(b)) = (&e.from.kind, &e.to.kind) {
            if e.from.module == m && e.to.module == m {
                deps.entry(a.as_str()).or_default().push(b.as_str());
            }
        }
    }
    let mut order = Vec::new();
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    for name in module.locals.keys() {
        let mut stack = vec![(name.as_str(), 0usize)];
        while let Some((n, i)) = stack.pop() {
            if i == 0 {
                if state.contains_key(n) {
                    continue;
                }
                state.insert(n, 1);
            }
            let ds = deps.get(n).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(&d) = ds.get(i) {
                stack.push((n, i + 1));
                if !state.contains_key(d) {
                    stack.push((d, 0));
                }
            } else {
                state.insert(n, 2);
                order.push(n.to_string());
            }
        }
    }
    order
}

/// What a module's expressions can see.
struct Env<'a> {
    module: &'a Module,
    children: BTreeMap<&'a str, &'a Module>,
    locals: BTreeMap<String, Value>,
    path_module: String,
    path_root: String,
    path_cwd: String,
}

/// The scope of one site: its module's environment plus its context.
struct SiteScope<'a> {
    env: &'a Env<'a>,
    site: &'a Site<'a>,
}

impl Scope for SiteScope<'_> {
    fn resolve(&self, root: &str, steps: &[Step]) -> Result<(Value, usize), ScopeError> {
        let unresolved = Ok((Value::unknown(), steps.len()));
        let env = self.env;
        if self.site.ctx.iterators.iter().any(|i| i == root) {
            let ty = Type::object(BTreeMap::from([
                ("key".to_string(), Type::Dynamic),
                ("value".to_string(), Type::Dynamic),
            ]));
            return Ok((Value::Unknown(ty), 0));
        }
        let first = match steps.first() {
            Some(Step::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        match (root, first) {
            ("var", Some(name)) => {
                if self
                    .site
                    .ctx
                    .validating
                    .as_deref()
                    .is_some_and(|v| v != name)
                {
                    return unresolved;
                }
                match env.module.variables.get(name) {
                    Some(v) => Ok((Value::Unknown(v.ty.ty.clone()).mark_if(v.sensitive), 1)),
                    None => unresolved,
                }
            }
            ("local", Some(name)) => match env.locals.get(name) {
                Some(v) => Ok((v.clone(), 1)),
                None => unresolved,
            },
            ("module", Some(name)) => {
                let (Some(call), Some(child)) =
                    (env.module.module_calls.get(name), env.children.get(name))
                else {
                    return unresolved;
                };
                if call.count.is_some() || call.for_each.is_some() {
                    return unresolved;
                }
                if let Some(Step::Attr(out)) = steps.get(1) {
                    if !child.outputs.contains_key(out) {
                        return unresolved;
                    }
                }
                let outputs = child
                    .outputs
                    .iter()
                    .map(|(k, o)| (k.clone(), Value::unknown().mark_if(o.sensitive)))
                    .collect();
                Ok((Value::Object(outputs), 1))
            }
            ("count", Some("index")) => Ok((Value::Unknown(Type::Number), 1)),
            ("each", Some("key")) => Ok((Value::Unknown(Type::String), 1)),
            ("path", Some(p @ ("module" | "root" | "cwd"))) => {
                let v = match p {
                    "module" => &env.path_module,
                    "root" => &env.path_root,
                    _ => &env.path_cwd,
                };
                Ok((Value::string(v.clone()), 1))
            }
            ("terraform", Some("workspace")) => Ok((Value::string("default"), 1)),
            _ => unresolved,
        }
    }
}

fn eval_site(
    env: &Env<'_>,
    site: &Site<'_>,
    functions: &Functions,
    fctx: &FuncContext,
) -> (Option<Value>, Vec<Diagnostic>) {
    let scope = SiteScope { env, site };
    let mut ctx = EvalContext::new(&scope, functions, fctx, &site.expr.file);
    match ctx.eval(&site.expr.expr) {
        Ok(v) => (Some(v), Vec::new()),
        Err(d) => (None, vec![*d]),
    }
}

/// The checks Terraform makes on the value of a site with a special role.
fn check_value(tree: &Tree<'_>, m: usize, site: &Site<'_>, v: &Value) -> Vec<Diagnostic> {
    let at = site.expr.range();
    let err = |summary: &str, detail: String| {
        vec![Diagnostic::error(summary, detail).with_subject(at.clone())]
    };
    match &site.role {
        Role::Count => {
            let (v, _) = v.clone().unmark_deep();
            if !v.is_known() {
                return Vec::new();
            }
            if v.is_null() {
                return err(
                    "Invalid count argument",
                    "The given \"count\" argument value is null. An integer is required.".into(),
                );
            }
            let n = match convert(&v, &Type::Number) {
                Ok(Value::Number(n)) => n,
                Ok(_) => return Vec::new(),
                Err(e) => {
                    return err(
                        "Incorrect value type",
                        format!("Invalid expression value: {e}."),
                    )
                }
            };
            if !n.is_integer() {
                return err("Invalid count argument", "The given \"count\" argument value is unsuitable: the value must be a whole number.".into());
            }
            if n.is_negative() {
                return err("Invalid count argument", "The given \"count\" argument value is unsuitable: must be greater than or equal to zero.".into());
            }
            Vec::new()
        }
        Role::ForEach => check_for_each(v, &err),
        Role::DynamicForEach => {
            let v = v.peel();
            if !v.is_known() {
                return Vec::new();
            }
            if v.is_null() {
                return err(
                    "Invalid dynamic for_each value",
                    "Cannot use a null value in for_each.".into(),
                );
            }
            if v.elements().is_none() && v.entries().is_none() {
                return err(
                    "Invalid dynamic for_each value",
                    format!(
                        "Cannot use a {} value in for_each. An iterable collection is required.",
                        v.ty().friendly_name()
                    ),
                );
            }
            Vec::new()
        }
        Role::Condition => {
            let (v, _) = v.clone().unmark_deep();
            if !v.is_known() {
                return Vec::new();
            }
            let summary = if site.ctx.validating.is_some() {
                "Invalid variable validation result"
            } else {
                "Invalid condition result"
            };
            if v.is_null() {
                return err(
                    summary,
                    "Condition expression must return either true or false, not null.".into(),
                );
            }
            match convert(&v, &Type::Bool) {
                Ok(_) => Vec::new(),
                Err(e) => err(summary, format!("Invalid condition result value: {e}.")),
            }
        }
        Role::ErrorMessage => {
            let (v, _) = v.clone().unmark_deep();
            if !v.is_known() || v.is_null() {
                return Vec::new();
            }
            match convert(&v, &Type::String) {
                Ok(_) => Vec::new(),
                Err(e) => err(
                    "Invalid error message",
                    format!("Unsuitable value for error message: {e}."),
                ),
            }
        }
        Role::OutputValue { name } => {
            let Some(o) = tree.modules[m].module.outputs.get(name) else {
                return Vec::new();
            };
            if m == 0 && !o.sensitive && v.contains_sensitive() {
                return vec![Diagnostic::error(
                    "Output refers to sensitive values",
                    "To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, infra requires that any root module output containing sensitive data be explicitly marked as sensitive, to confirm your intent.\n\nIf you do intend to export this data, annotate the output value as sensitive by adding the following argument:\n    sensitive = true",
                )
                .with_subject(o.decl_range.clone())];
            }
            Vec::new()
        }
        Role::ModuleArg { call, arg } => {
            let Some(&child) = tree.modules[m].children.get(call) else {
                return Vec::new();
            };
            let Some(var) = tree.modules[child].module.variables.get(arg) else {
                return Vec::new();
            };
            match var.ty.convert(v) {
                Ok(_) => Vec::new(),
                Err(e) => err(
                    "Invalid value for input variable",
                    format!(
                        "The given value is not suitable for {}.var.{arg} declared at {}: {e}.",
                        tree.modules[child].addr(),
                        short_range(&var.decl_range)
                    ),
                ),
            }
        }
        _ => Vec::new(),
    }
}

fn check_for_each(v: &Value, err: &dyn Fn(&str, String) -> Vec<Diagnostic>) -> Vec<Diagnostic> {
    const SUMMARY: &str = "Invalid for_each argument";
    if v.contains_sensitive() {
        return err(SUMMARY, "Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key.".into());
    }
    if !v.is_known() {
        return Vec::new();
    }
    if v.is_null() {
        return err(SUMMARY, "The given \"for_each\" argument value is unsuitable: the given \"for_each\" argument value is null. A map, or set of strings is allowed.".into());
    }
    match v {
        Value::Map(..) | Value::Object(_) => Vec::new(),
        Value::Set(et, items) => {
            if items.iter().any(Value::is_null) {
                return err(SUMMARY, "The given \"for_each\" argument value is unsuitable: \"for_each\" sets must not contain null values.".into());
            }
            if !matches!(et, Type::String | Type::Dynamic) {
                return err(
                    SUMMARY,
                    format!("The given \"for_each\" argument value is unsuitable: \"for_each\" supports maps and sets of strings, but you have provided a set containing type {}.", et.friendly_name()),
                );
            }
            Vec::new()
        }
        other => err(
            SUMMARY,
            format!("The given \"for_each\" argument value is unsuitable: the \"for_each\" argument must be a map, or set of strings, and you have provided a value of type {}.", other.ty().friendly_name()),
        ),
    }
}
