//! Reference checks: every `var.`, `local.`, `module.`, `data.`, resource, `count.`, `each.`,
//! `self`, `path.` and `terraform.` reference must name something declared and be used where it is
//! available, reported with Terraform's summaries and a "Did you mean" where a name is close.
//! The references that resolve become the edges of the dependency graph.

// A reference check's "error" is the diagnostic itself, the ordinary outcome, not a failure path.
#![allow(clippy::result_large_err)]

use infra_core::{Diagnostic, SourceRange};
use infra_lang::refs::{RefStep, Reference};
use infra_lang::suggest::did_you_mean;

use super::sites::{Node, NodeKind, Role, Site};
use super::Tree;

/// A dependency: `from`'s expression refers to `to` at `range`.
#[derive(Clone, Debug)]
pub(crate) struct Edge {
    pub from: Node,
    pub to: Node,
    pub range: SourceRange,
}

/// Checks the references of every site; returns the diagnostics and the dependency edges.
pub(crate) fn check_references(
    tree: &Tree<'_>,
    sites: &[Site<'_>],
) -> (Vec<Diagnostic>, Vec<Edge>) {
    let mut diags = Vec::new();
    let mut edges = Vec::new();
    for site in sites {
        for r in infra_lang::refs::references(&site.expr.expr, &site.expr.file) {
            match check_one(tree, site, &r) {
                // A validation rule's reference to its own variable is no dependency.
                Ok(_) if site.ctx.validating.is_some() => {}
                Ok(targets) => {
                    for to in targets {
                        if to == site.owner && matches!(to.kind, NodeKind::Resource(_)) {
                            let addr = tree.address(site.scope, to_display(&to.kind));
                            diags.push(
                                Diagnostic::error(
                                    "Self-referential block",
                                    format!("Configuration for {addr} may not refer to itself. Use \"self\" in provisioner, connection and postcondition blocks to refer to the object's own attributes."),
                                )
                                .with_subject(r.range.clone())
                                .with_address(addr),
                            );
                            continue;
                        }
                        edges.push(Edge {
                            from: site.owner.clone(),
                            to,
                            range: r.range.clone(),
                        });
                    }
                }
                Err(d) => {
                    let d = match &site.ctx.address {
                        Some(a) => d.with_address(tree.address(site.scope, a)),
                        None => d,
                    };
                    diags.push(d);
                }
            }
        }
    }
    (diags, edges)
}

fn to_display(kind: &NodeKind) -> &str {
    match kind {
        NodeKind::Resource(a) => a,
        _ => "",
    }
}

fn invalid(r: &Reference, detail: impl Into<String>) -> Diagnostic {
    Diagnostic::error("Invalid reference", detail).with_subject(r.range.clone())
}

fn direct(r: &Reference) -> Diagnostic {
    invalid(
        r,
        format!(
            "The \"{}\" object cannot be accessed directly. Instead, access one of its attributes.",
            r.root
        ),
    )
}

fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(name, candidates)
        .map(|s| format!(" Did you mean \"{s}\"?"))
        .unwrap_or_default()
}

/// The nodes a reference targets, or why it is wrong.
fn check_one(tree: &Tree<'_>, site: &Site<'_>, r: &Reference) -> Result<Vec<Node>, Diagnostic> {
    let m = site.scope;
    let module = tree.modules[m].module;
    let node = |kind| Node { module: m, kind };
    if site.ctx.iterators.contains(&r.root) {
        return Ok(Vec::new());
    }
    if site.role == Role::BackendConst {
        return Err(
            Diagnostic::error("Variables not allowed", "Variables may not be used here.")
                .with_subject(r.range.clone()),
        );
    }
    let first = r.first_attr();
    match r.root.as_str() {
        "var" => {
            let Some(name) = first else {
                return Err(if r.steps.is_empty() {
                    direct(r)
                } else {
                    invalid(r, "The \"var\" object does not support this operation.")
                });
            };
            if let Some(v) = &site.ctx.validating {
                // References to other variables were reported when the module was loaded.
                if v != name {
                    return Ok(Vec::new());
                }
            }
            if !module.variables.contains_key(name) {
                let hint = did_you_mean(name, module.variables.keys().map(String::as_str))
                    .map(|s| format!("Did you mean \"{s}\"?"))
                    .unwrap_or_else(|| format!("This variable can be declared with a variable \"{name}\" {{}} block."));
                return Err(Diagnostic::error(
                    "Reference to undeclared input variable",
                    format!("An input variable with the name \"{name}\" has not been declared. {hint}"),
                )
                .with_subject(r.range.clone()));
            }
            Ok(vec![node(NodeKind::Var(name.to_string()))])
        }
        "local" => {
            let Some(name) = first else {
                return Err(if r.steps.is_empty() { direct(r) } else { invalid(r, "The \"local\" object does not support this operation.") });
            };
            if !module.locals.contains_key(name) {
                return Err(Diagnostic::error(
                    "Reference to undeclared local value",
                    format!(
                        "A local value with the name \"{name}\" has not been declared.{}",
                        suggestion(name, module.locals.keys().map(String::as_str))
                    ),
                )
                .with_subject(r.range.clone()));
            }
            Ok(vec![node(NodeKind::Local(name.to_string()))])
        }
        "module" => module_ref(tree, m, site, r),
        "data" => {
            let (Some(ty), Some(name)) = (first, r.second_attr()) else {
                return Err(invalid(r, "The \"data\" object must be followed by two attribute names: the data source type and the resource name."));
            };
            let addr = format!("data.{ty}.{name}");
            if !module.resources.contains_key(&addr) {
                return Err(undeclared_resource(tree, m, module, r, "data", ty, name, &addr));
            }
            check_depends_on(site, r, 3)?;
            Ok(vec![node(NodeKind::Resource(addr))])
        }
        "count" => {
            match first {
                None => return Err(direct(r)),
                Some("index") => {}
                Some(other) => {
                    return Err(Diagnostic::error(
                        "Invalid \"count\" attribute",
                        format!("The \"count\" object does not have an attribute named \"{other}\". The only supported attribute is count.index, which is the index of each instance of a resource block that has the \"count\" argument set."),
                    )
                    .with_subject(r.range.clone()))
                }
            }
            if !site.ctx.count {
                return Err(Diagnostic::error(
                    "Reference to \"count\" in non-counted context",
                    "The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.",
                )
                .with_subject(r.range.clone()));
            }
            Ok(Vec::new())
        }
        "each" => {
            match first {
                None => return Err(direct(r)),
                Some("key" | "value") => {}
                Some(other) => {
                    return Err(Diagnostic::error(
                        "Invalid \"each\" attribute",
                        format!("The \"each\" object does not have an attribute named \"{other}\". The supported attributes are each.key and each.value, the current key and value pair of the \"for_each\" attribute set."),
                    )
                    .with_subject(r.range.clone()))
                }
            }
            if !site.ctx.for_each {
                return Err(if first == Some("value") {
                    Diagnostic::error(
                        "each.value cannot be used in this context",
                        "A reference to \"each.value\" has been used in a context in which it is unavailable: each.value can be used only in \"module\" or \"resource\" blocks that set the \"for_each\" argument.",
                    )
                } else {
                    Diagnostic::error(
                        "Reference to \"each\" in context without for_each",
                        "The \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set.",
                    )
                }
                .with_subject(r.range.clone()));
            }
            Ok(Vec::new())
        }
        "self" => {
            if !site.ctx.self_ok {
                return Err(Diagnostic::error(
                    "Invalid \"self\" reference",
                    "The \"self\" object is not available in this context. This object can be used only in resource provisioner, connection and postcondition blocks.",
                )
                .with_subject(r.range.clone()));
            }
            Ok(Vec::new())
        }
        "path" => match first {
            None => Err(direct(r)),
            Some("module" | "root" | "cwd") => Ok(Vec::new()),
            Some(other) => Err(Diagnostic::error(
                "Invalid \"path\" attribute",
                format!(
                    "The \"path\" object does not have an attribute named \"{other}\".{}",
                    match did_you_mean(other, ["module", "root", "cwd"]) {
                        Some(s) => format!(" Did you mean \"{s}\"?"),
                        None => " The supported attributes are path.module, path.root and path.cwd.".to_string(),
                    }
                ),
            )
            .with_subject(r.range.clone())),
        },
        "terraform" => match first {
            None => Err(direct(r)),
            Some("workspace") => Ok(Vec::new()),
            Some(other) => Err(Diagnostic::error(
                "Invalid \"terraform\" attribute",
                format!("The \"terraform\" object does not have an attribute named \"{other}\". The only supported attribute is terraform.workspace, the name of the currently-selected workspace."),
            )
            .with_subject(r.range.clone())),
        },
        "template" | "lazy" | "arg" => Err(Diagnostic::error(
            "Reserved symbol name",
            format!("The symbol name \"{}\" is reserved for use in a future version of the language.", r.root),
        )
        .with_subject(r.range.clone())),
        ty => {
            let Some(name) = first else {
                return Err(invalid(r, "A reference to a resource type must be followed by at least one attribute access, specifying the resource name."));
            };
            let addr = format!("{ty}.{name}");
            if !module.resources.contains_key(&addr) {
                return Err(undeclared_resource(tree, m, module, r, "managed", ty, name, &addr));
            }
            check_depends_on(site, r, 2)?;
            Ok(vec![node(NodeKind::Resource(addr))])
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn undeclared_resource(
    tree: &Tree<'_>,
    m: usize,
    module: &crate::model::Module,
    r: &Reference,
    mode: &str,
    ty: &str,
    name: &str,
    addr: &str,
) -> Diagnostic {
    let hint = suggestion(addr, module.resources.keys().map(String::as_str));
    Diagnostic::error(
        "Reference to undeclared resource",
        format!(
            "A {mode} resource \"{ty}\" \"{name}\" has not been declared in {}.{hint}",
            tree.describe(m)
        ),
    )
    .with_subject(r.range.clone())
}

/// `depends_on` may name whole objects only (`aws_instance.web`, `aws_instance.web[0]`), not
/// their attributes. `name_steps` is how many steps name the object (including the root).
fn check_depends_on(site: &Site<'_>, r: &Reference, name_steps: usize) -> Result<(), Diagnostic> {
    if site.role != Role::DependsOn {
        return Ok(());
    }
    let after = r.steps.iter().skip(name_steps - 1);
    if after.clone().any(|s| matches!(s, RefStep::Attr(_))) {
        return Err(Diagnostic::error(
            "Invalid depends_on reference",
            "References in depends_on must be to a whole object (resource, etc), not to an attribute of an object.",
        )
        .with_subject(r.range.clone()));
    }
    Ok(())
}

fn module_ref(
    tree: &Tree<'_>,
    m: usize,
    site: &Site<'_>,
    r: &Reference,
) -> Result<Vec<Node>, Diagnostic> {
    let module = tree.modules[m].module;
    let Some(name) = r.first_attr() else {
        return Err(if r.steps.is_empty() {
            direct(r)
        } else {
            invalid(r, "The \"module\" object does not support this operation.")
        });
    };
    let Some(call) = module.module_calls.get(name) else {
        return Err(Diagnostic::error(
            "Reference to undeclared module",
            format!(
                "No module call named \"{name}\" is declared in {}.{}",
                tree.describe(m),
                suggestion(name, module.module_calls.keys().map(String::as_str))
            ),
        )
        .with_subject(r.range.clone()));
    };
    let call_node = Node {
        module: m,
        kind: NodeKind::ModuleCall(name.to_string()),
    };
    let Some(&child) = tree.modules[m].children.get(name) else {
        return Ok(vec![call_node]);
    };
    let child_module = tree.modules[child].module;
    // With count or for_each, the instance key comes before the output name.
    let mut rest = r.steps[1..].iter();
    let mut next = rest.next();
    if call.count.is_some() || call.for_each.is_some() {
        if let Some(RefStep::Key(_) | RefStep::Dynamic) = next {
            next = rest.next();
        }
    }
    if site.role == Role::DependsOn {
        if let Some(RefStep::Attr(_)) = next {
            return Err(Diagnostic::error(
                "Invalid depends_on reference",
                "References in depends_on must be to a whole object (resource, etc), not to an attribute of an object.",
            )
            .with_subject(r.range.clone()));
        }
    }
    match next {
        Some(RefStep::Attr(out)) => {
            if !child_module.outputs.contains_key(out) {
                return Err(Diagnostic::error(
                    "Unsupported attribute",
                    format!(
                        "This object does not have an attribute named \"{out}\": {} declares no output \"{out}\".{}",
                        tree.describe(child),
                        suggestion(out, child_module.outputs.keys().map(String::as_str))
                    ),
                )
                .with_subject(r.range.clone()));
            }
            Ok(vec![Node {
                module: child,
                kind: NodeKind::Output(out.clone()),
            }])
        }
        _ => Ok(child_module
            .outputs
            .keys()
            .map(|o| Node {
                module: child,
                kind: NodeKind::Output(o.clone()),
            })
            .chain(std::iter::once(call_node))
            .collect()),
    }
}
