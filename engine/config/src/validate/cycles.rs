//! Dependency cycles across the whole module tree: one diagnostic per cycle, naming its full path
//! (`local.a → local.b → local.a`) with where each member refers to the next, so the user can see
//! every place the cycle could be broken.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use infra_core::{Diagnostic, SourceRange};

use super::refs::Edge;
use super::sites::{Node, NodeKind};
use super::Tree;
use crate::span::short_range;

/// An edge of the graph with why it exists, for the cycle report.
#[derive(Clone, Debug)]
struct Link {
    to: Node,
    range: SourceRange,
    /// `None` for a reference written in the configuration; otherwise the implicit relation.
    note: Option<&'static str>,
}

/// Reports every cycle; returns the diagnostics and the nodes that are part of a cycle.
pub(crate) fn find_cycles(tree: &Tree<'_>, edges: &[Edge]) -> (Vec<Diagnostic>, BTreeSet<Node>) {
    let graph = build_graph(tree, edges);
    let mut diags = Vec::new();
    let mut cyclic = BTreeSet::new();
    for scc in strongly_connected(&graph) {
        let members: BTreeSet<Node> = scc.iter().cloned().collect();
        let start = scc
            .iter()
            .min_by_key(|n| {
                tree.node_range(n)
                    .map(|r| (r.filename.to_string(), r.start.byte))
            })
            .cloned()
            .expect("non-empty component");
        let path = cycle_path(&graph, &members, &start);
        diags.push(report(tree, &path));
        cyclic.extend(members);
    }
    (diags, cyclic)
}

fn build_graph(tree: &Tree<'_>, edges: &[Edge]) -> BTreeMap<Node, Vec<Link>> {
    let mut g: BTreeMap<Node, Vec<Link>> = BTreeMap::new();
    for e in edges {
        g.entry(e.from.clone()).or_default().push(Link {
            to: e.to.clone(),
            range: e.range.clone(),
            note: None,
        });
    }
    for (i, tm) in tree.modules.iter().enumerate() {
        // A child's variables and outputs exist once per instance of its module call.
        if let Some((parent, call_name)) = &tm.parent {
            if let Some(call) = tree.modules[*parent].module.module_calls.get(call_name) {
                if call.count.is_some() || call.for_each.is_some() || !call.depends_on.is_empty() {
                    let to = Node {
                        module: *parent,
                        kind: NodeKind::ModuleCall(call_name.clone()),
                    };
                    let kinds = tm
                        .module
                        .variables
                        .keys()
                        .map(|v| NodeKind::Var(v.clone()))
                        .chain(
                            tm.module
                                .outputs
                                .keys()
                                .map(|o| NodeKind::Output(o.clone())),
                        );
                    for kind in kinds {
                        g.entry(Node { module: i, kind }).or_default().push(Link {
                            to: to.clone(),
                            range: call.decl_range.clone(),
                            note: Some("belongs to the instances of"),
                        });
                    }
                }
            }
        }
        // A resource needs its provider configuration.
        for (addr, r) in &tm.module.resources {
            let key = r.provider_key();
            if let Some(p) = tm.module.providers.iter().find(|p| p.key() == key) {
                let range = r
                    .provider
                    .as_ref()
                    .map_or_else(|| r.decl_range.clone(), |(_, rg)| rg.clone());
                g.entry(Node {
                    module: i,
                    kind: NodeKind::Resource(addr.clone()),
                })
                .or_default()
                .push(Link {
                    to: Node {
                        module: i,
                        kind: NodeKind::Provider(p.key()),
                    },
                    range,
                    note: Some("is managed through"),
                });
            }
        }
    }
    g
}

/// Tarjan's algorithm, iterative: the components that are cycles (more than one node, or one
/// that refers to itself), in a deterministic order.
fn strongly_connected(g: &BTreeMap<Node, Vec<Link>>) -> Vec<Vec<Node>> {
    let mut nodes: BTreeSet<&Node> = g.keys().collect();
    nodes.extend(g.values().flatten().map(|l| &l.to));
    let ids: BTreeMap<&Node, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let list: Vec<&Node> = nodes.into_iter().collect();
    let succ: Vec<Vec<usize>> = list
        .iter()
        .map(|n| {
            g.get(*n)
                .map(|ls| ls.iter().map(|l| ids[&l.to]).collect())
                .unwrap_or_default()
        })
        .collect();
    let n = list.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut out = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = succ[v].get(*child) {
                *child += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                // Only cycles are wanted: a component of one node without a self-reference
                // (nearly every node) is not copied out.
                if comp.len() > 1 || succ[v].contains(&v) {
                    let mut comp: Vec<Node> = comp.into_iter().map(|w| list[w].clone()).collect();
                    comp.sort();
                    out.push(comp);
                }
            }
        }
    }
    out.sort();
    out
}

/// The shortest path from `start` back to itself within the component, as links.
fn cycle_path(
    g: &BTreeMap<Node, Vec<Link>>,
    members: &BTreeSet<Node>,
    start: &Node,
) -> Vec<(Node, Link)> {
    let mut prev: BTreeMap<Node, (Node, Link)> = BTreeMap::new();
    let mut queue = VecDeque::from([start.clone()]);
    let mut seen = BTreeSet::from([start.clone()]);
    while let Some(n) = queue.pop_front() {
        for l in g.get(&n).into_iter().flatten() {
            if !members.contains(&l.to) {
                continue;
            }
            if l.to == *start {
                let mut path = vec![(n.clone(), l.clone())];
                let mut cur = n.clone();
                while cur != *start {
                    let (p, pl) = prev[&cur].clone();
                    path.push((p.clone(), pl));
                    cur = p;
                }
                path.reverse();
                return path;
            }
            if seen.insert(l.to.clone()) {
                prev.insert(l.to.clone(), (n.clone(), l.clone()));
                queue.push_back(l.to.clone());
            }
        }
    }
    Vec::new()
}

fn report(tree: &Tree<'_>, path: &[(Node, Link)]) -> Diagnostic {
    let names: Vec<String> = path.iter().map(|(n, _)| tree.node_name(n)).collect();
    let mut chain = names.clone();
    chain.push(names[0].clone());
    let all_locals = path
        .iter()
        .all(|(n, _)| matches!(n.kind, NodeKind::Local(_)));
    let summary = if all_locals {
        "Cycle in local values"
    } else {
        "Cycle in dependency graph"
    };
    let mut detail = format!("{}\n\n", chain.join(" → "));
    detail.push_str(if path.len() == 1 {
        "This refers to itself, so it cannot be evaluated:"
    } else {
        "Each of these refers to the next, so none of them can be evaluated:"
    });
    for (i, (n, link)) in path.iter().enumerate() {
        let target = &chain[i + 1];
        let at = tree
            .node_range(n)
            .map(|r| format!(", declared at {},", short_range(&r)))
            .unwrap_or_default();
        match link.note {
            None => detail.push_str(&format!(
                "\n  - {}{at} refers to {target} at {}",
                names[i],
                short_range(&link.range)
            )),
            Some(note) => detail.push_str(&format!(
                "\n  - {}{at} {note} {target} ({})",
                names[i],
                short_range(&link.range)
            )),
        }
    }
    detail.push_str("\nBreak the cycle by removing one of these references.");
    let first = &path[0];
    let mut d = Diagnostic::error(summary, detail).with_subject(first.1.range.clone());
    if let Some(r) = tree.node_range(&first.0) {
        d = d.with_context(r);
    }
    if let Some((n, _)) = path
        .iter()
        .find(|(n, _)| matches!(n.kind, NodeKind::Resource(_)))
    {
        if let NodeKind::Resource(a) = &n.kind {
            d = d.with_address(tree.address(n.module, a));
        }
    }
    d
}
