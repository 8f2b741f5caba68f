//! Building the graph from a loaded configuration tree.

use std::collections::HashMap;
use std::fmt;

use infra_config::{Config, Expr, Module, ResourceMode};
use infra_core::{Diagnostic, Diagnostics, SourceRange};
use infra_lang::refs::{references, Reference};
use petgraph::graph::{DiGraph, NodeIndex};

/// What a node stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    Variable(String),
    Local(String),
    Output(String),
    /// A managed resource or data source by mode, type and name.
    Resource(ResourceMode, String, String),
    /// The expansion of a module call (its `count`/`for_each`).
    ModuleCall(String),
    /// A provider configuration by key (`aws`, `aws.west`).
    Provider(String),
}

/// A node: a configuration object in a module (by static path).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Node {
    pub module: Vec<String>,
    pub kind: NodeKind,
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for m in &self.module {
            write!(f, "module.{m}.")?;
        }
        match &self.kind {
            NodeKind::Variable(n) => write!(f, "var.{n}"),
            NodeKind::Local(n) => write!(f, "local.{n}"),
            NodeKind::Output(n) => write!(f, "output.{n}"),
            NodeKind::Resource(ResourceMode::Managed, t, n) => write!(f, "{t}.{n}"),
            NodeKind::Resource(ResourceMode::Data, t, n) => write!(f, "data.{t}.{n}"),
            NodeKind::ModuleCall(n) => write!(f, "module.{n}"),
            NodeKind::Provider(k) => write!(f, "provider[\"{k}\"]"),
        }
    }
}

/// The graph: an edge `a → b` means `b` depends on `a` (so `a` runs first).
#[derive(Debug, Default)]
pub struct ConfigGraph {
    pub graph: DiGraph<Node, ()>,
    pub index: HashMap<Node, NodeIndex>,
    /// Edges already added (petgraph's `find_edge` is linear in a node's out-degree).
    edges: std::collections::HashSet<(NodeIndex, NodeIndex)>,
}

impl ConfigGraph {
    pub fn node(&self, n: &Node) -> Option<NodeIndex> {
        self.index.get(n).copied()
    }
    fn add(&mut self, n: Node) -> NodeIndex {
        if let Some(i) = self.index.get(&n) {
            return *i;
        }
        let i = self.graph.add_node(n.clone());
        self.index.insert(n, i);
        i
    }
    fn edge(&mut self, from: NodeIndex, to: NodeIndex) {
        if from != to && self.edges.insert((from, to)) {
            self.graph.add_edge(from, to, ());
        }
    }
}

/// Where each node came from, for cycle diagnostics.
type Ranges = HashMap<NodeIndex, SourceRange>;

/// Builds the graph of a configuration tree. A cycle is reported as one diagnostic naming every
/// member with its source location.
pub fn build_graph(config: &Config) -> (ConfigGraph, Diagnostics) {
    let mut g = ConfigGraph::default();
    let mut ranges = Ranges::new();
    add_nodes(config, &mut g, &mut ranges);
    add_edges(config, None, &[], &mut g);
    let diags = cycle_diagnostics(&g, &ranges);
    (g, diags)
}

fn add_nodes(c: &Config, g: &mut ConfigGraph, ranges: &mut Ranges) {
    let m = &c.module;
    let path = c.path.clone();
    let node = |kind| Node {
        module: path.clone(),
        kind,
    };
    for (n, v) in &m.variables {
        let i = g.add(node(NodeKind::Variable(n.clone())));
        ranges.insert(i, v.range.clone());
    }
    for (n, l) in &m.locals {
        let i = g.add(node(NodeKind::Local(n.clone())));
        ranges.insert(i, l.range.clone());
    }
    for (n, o) in &m.outputs {
        let i = g.add(node(NodeKind::Output(n.clone())));
        ranges.insert(i, o.range.clone());
    }
    for r in m.resources.values() {
        let i = g.add(node(NodeKind::Resource(
            r.mode,
            r.ty.clone(),
            r.name.clone(),
        )));
        ranges.insert(i, r.decl_range.clone());
    }
    for (n, call) in &m.module_calls {
        let i = g.add(node(NodeKind::ModuleCall(n.clone())));
        ranges.insert(i, call.range.clone());
    }
    for p in &m.providers {
        let i = g.add(node(NodeKind::Provider(p.key())));
        ranges.insert(i, p.range.clone());
    }
    for child in c.children.values() {
        add_nodes(child, g, ranges);
    }
}

/// The provider configuration node a resource in module `path` uses: the nearest module (itself,
/// then its ancestors) that configures `key`, or an implicit one at the root.
pub fn provider_node(config_chain: &[&Module], path: &[String], key: &str) -> Node {
    let mut key = key.to_string();
    for depth in (0..config_chain.len()).rev() {
        if config_chain[depth].providers.iter().any(|p| p.key() == key) {
            return Node {
                module: path[..depth].to_vec(),
                kind: NodeKind::Provider(key),
            };
        }
        // A module call's `providers = { aws = aws.dr }` names, for a key of the child, the
        // parent's configuration to use instead.
        if depth > 0 {
            let call = path
                .get(depth - 1)
                .and_then(|name| config_chain[depth - 1].module_calls.get(name));
            if let Some((_, parent)) =
                call.and_then(|c| c.providers.iter().find(|(child, _)| *child == key))
            {
                key = parent.clone();
            }
        }
    }
    Node {
        module: Vec::new(),
        kind: NodeKind::Provider(key),
    }
}

fn add_edges<'a>(
    c: &'a Config,
    parent: Option<(&'a Config, &'a str)>,
    ancestors: &[&'a Module],
    g: &mut ConfigGraph,
) {
    let m = &c.module;
    let mut chain: Vec<&Module> = ancestors.to_vec();
    chain.push(m);
    let path = c.path.clone();
    let here = |kind| Node {
        module: path.clone(),
        kind,
    };
    // Nodes of a child module wait for the call's expansion; its variables for the call's arguments.
    if let Some((p, call_name)) = parent {
        let call = g.add(Node {
            module: p.path.clone(),
            kind: NodeKind::ModuleCall(call_name.to_string()),
        });
        let ids: Vec<NodeIndex> = g
            .index
            .iter()
            .filter(|(n, _)| n.module == path)
            .map(|(_, i)| *i)
            .collect();
        for i in ids {
            g.edge(call, i);
        }
        if let Some(mc) = p.module.module_calls.get(call_name) {
            for (arg, a) in &mc.args {
                if let Some(v) = g.node(&here(NodeKind::Variable(arg.clone()))) {
                    for dep in expr_deps(p, &a.expr, g) {
                        g.edge(dep, v);
                    }
                }
            }
        }
    }
    for (n, l) in &m.locals {
        let me = g.node(&here(NodeKind::Local(n.clone()))).expect("added");
        for dep in expr_deps(c, &l.expr, g) {
            g.edge(dep, me);
        }
    }
    for (n, o) in &m.outputs {
        let me = g.node(&here(NodeKind::Output(n.clone()))).expect("added");
        let mut exprs = vec![&o.value];
        exprs.extend(o.depends_on.iter());
        exprs.extend(
            o.preconditions
                .iter()
                .flat_map(|c| [&c.condition, &c.error_message]),
        );
        for e in exprs {
            for dep in expr_deps(c, e, g) {
                g.edge(dep, me);
            }
        }
    }
    for (n, v) in &m.variables {
        let me = g.node(&here(NodeKind::Variable(n.clone()))).expect("added");
        for check in &v.validations {
            for e in [&check.condition, &check.error_message] {
                for dep in expr_deps(c, e, g) {
                    if dep != me {
                        g.edge(dep, me);
                    }
                }
            }
        }
    }
    for r in m.resources.values() {
        let me = g
            .node(&here(NodeKind::Resource(
                r.mode,
                r.ty.clone(),
                r.name.clone(),
            )))
            .expect("added");
        for e in resource_exprs(r) {
            for dep in expr_deps(c, e, g) {
                g.edge(dep, me);
            }
        }
        let pnode = provider_node(&chain, &path, &r.provider_key());
        let p = g.add(pnode);
        g.edge(p, me);
    }
    for (n, call) in &m.module_calls {
        let me = g
            .node(&here(NodeKind::ModuleCall(n.clone())))
            .expect("added");
        let mut exprs: Vec<&Expr> = call.count.iter().chain(call.for_each.iter()).collect();
        exprs.extend(call.depends_on.iter());
        for e in exprs {
            for dep in expr_deps(c, e, g) {
                g.edge(dep, me);
            }
        }
    }
    for p in &m.providers {
        let me = g.node(&here(NodeKind::Provider(p.key()))).expect("added");
        for e in body_exprs(&p.config) {
            for dep in expr_deps(c, e, g) {
                g.edge(dep, me);
            }
        }
    }
    for (name, child) in &c.children {
        add_edges(child, Some((c, name.as_str())), &chain, g);
    }
}

/// Every expression of a resource block, meta-arguments included.
pub fn resource_exprs(r: &infra_config::Resource) -> Vec<&Expr> {
    let mut v: Vec<&Expr> = r.count.iter().chain(r.for_each.iter()).collect();
    v.extend(r.depends_on.iter());
    v.extend(body_exprs(&r.body));
    v.extend(r.lifecycle.replace_triggered_by.iter());
    for c in r
        .lifecycle
        .preconditions
        .iter()
        .chain(r.lifecycle.postconditions.iter())
    {
        v.push(&c.condition);
        v.push(&c.error_message);
    }
    v
}

/// Every expression inside a body, nested and dynamic blocks included.
pub fn body_exprs(b: &infra_config::Body) -> Vec<&Expr> {
    let mut v: Vec<&Expr> = b.attributes.values().map(|a| &a.expr).collect();
    for blk in &b.blocks {
        v.extend(body_exprs(&blk.body));
    }
    for d in &b.dynamic_blocks {
        v.push(&d.for_each);
        v.extend(d.labels.iter());
        v.extend(body_exprs(&d.content));
    }
    v
}

/// The nodes an expression in module `c` depends on.
fn expr_deps(c: &Config, e: &Expr, g: &ConfigGraph) -> Vec<NodeIndex> {
    let mut out = Vec::new();
    for r in references(&e.expr, &e.file) {
        out.extend(reference_nodes(c, &r, g));
    }
    out
}

/// The nodes one reference points at (none for `count`, `each`, `path`, `terraform`, `self`).
pub fn reference_nodes(c: &Config, r: &Reference, g: &ConfigGraph) -> Vec<NodeIndex> {
    let path = &c.path;
    let at = |module: Vec<String>, kind| g.node(&Node { module, kind });
    let first = r.first_attr();
    match (r.root.as_str(), first) {
        ("var", Some(n)) => at(path.clone(), NodeKind::Variable(n.to_string()))
            .into_iter()
            .collect(),
        ("local", Some(n)) => at(path.clone(), NodeKind::Local(n.to_string()))
            .into_iter()
            .collect(),
        ("module", Some(n)) => {
            let mut child = path.clone();
            child.push(n.to_string());
            let out_name = r.steps.iter().skip(1).find_map(|s| match s {
                infra_lang::refs::RefStep::Attr(a) => Some(a.clone()),
                _ => None,
            });
            match out_name {
                Some(o)
                    if g.node(&Node {
                        module: child.clone(),
                        kind: NodeKind::Output(o.clone()),
                    })
                    .is_some() =>
                {
                    at(child, NodeKind::Output(o)).into_iter().collect()
                }
                _ => g
                    .index
                    .iter()
                    .filter(|(node, _)| {
                        node.module == child && matches!(node.kind, NodeKind::Output(_))
                    })
                    .map(|(_, i)| *i)
                    .chain(at(path.clone(), NodeKind::ModuleCall(n.to_string())))
                    .collect(),
            }
        }
        ("data", Some(t)) => match r.second_attr() {
            Some(n) => at(
                path.clone(),
                NodeKind::Resource(ResourceMode::Data, t.to_string(), n.to_string()),
            )
            .into_iter()
            .collect(),
            None => Vec::new(),
        },
        ("count" | "each" | "path" | "terraform" | "self", _) => Vec::new(),
        (ty, Some(n)) => at(
            path.clone(),
            NodeKind::Resource(ResourceMode::Managed, ty.to_string(), n.to_string()),
        )
        .into_iter()
        .collect(),
        _ => Vec::new(),
    }
}

fn cycle_diagnostics(g: &ConfigGraph, ranges: &Ranges) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for scc in petgraph::algo::tarjan_scc(&g.graph) {
        let is_cycle =
            scc.len() > 1 || (scc.len() == 1 && g.graph.find_edge(scc[0], scc[0]).is_some());
        if !is_cycle {
            continue;
        }
        let cycle = order_cycle(g, &scc);
        let mut names: Vec<String> = cycle.iter().map(|i| g.graph[*i].to_string()).collect();
        names.push(names[0].clone());
        let mut detail = format!(
            "The configuration refers to itself in a loop, so no order of evaluation exists: {}.\n",
            names.join(" → ")
        );
        for i in &cycle {
            if let Some(r) = ranges.get(i) {
                detail.push_str(&format!(
                    "\n  {} at {}:{}:{}",
                    g.graph[*i], r.filename, r.start.line, r.start.column
                ));
            }
        }
        detail.push_str("\n\nBreak the loop by removing one of these references.");
        let mut d = Diagnostic::error("Cycle in dependency graph", detail);
        if let Some(r) = cycle.first().and_then(|i| ranges.get(i)) {
            d = d.with_subject(r.clone());
        }
        diags.push(d);
    }
    diags
}

/// The members of a strongly connected component in the order of one loop through them.
fn order_cycle(g: &ConfigGraph, scc: &[NodeIndex]) -> Vec<NodeIndex> {
    let members: std::collections::HashSet<NodeIndex> = scc.iter().copied().collect();
    let start = *scc
        .iter()
        .min_by_key(|i| g.graph[**i].to_string())
        .expect("non-empty");
    // Breadth-first search from start back to start within the component gives one shortest loop.
    let mut prev: HashMap<NodeIndex, NodeIndex> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for next in g.graph.neighbors(n) {
            if !members.contains(&next) {
                continue;
            }
            if next == start {
                let mut path = vec![n];
                let mut cur = n;
                while cur != start {
                    cur = prev[&cur];
                    path.push(cur);
                }
                path.reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = prev.entry(next) {
                e.insert(n);
                queue.push_back(next);
            }
        }
    }
    scc.to_vec()
}
