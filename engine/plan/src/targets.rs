//! `-target` and `-exclude`: which configuration nodes a walk visits.

use std::collections::HashSet;

use infra_config::ResourceMode;
use infra_core::addr::{Mode, Target};
use infra_graph::{ConfigGraph, Node, NodeKind};
use petgraph::graph::NodeIndex;
use petgraph::Direction;

use crate::options::PlanOptions;

/// Whether a target names this configuration node (statically: keys are checked per instance).
fn matches(t: &Target, n: &Node) -> bool {
    let (module, mode, ty, name) = match t {
        Target::Module(m) => {
            let path: Vec<&str> = m.0.iter().map(|s| s.name.as_str()).collect();
            return n.module.len() >= path.len() && n.module.iter().zip(&path).all(|(a, b)| a == b);
        }
        Target::Resource(r) => (&r.module, r.mode, &r.ty, &r.name),
        Target::Instance(i) => (
            &i.resource.module,
            i.resource.mode,
            &i.resource.ty,
            &i.resource.name,
        ),
    };
    let NodeKind::Resource(m, t, nm) = &n.kind else {
        return false;
    };
    let want_mode = match mode {
        Mode::Managed => ResourceMode::Managed,
        Mode::Data => ResourceMode::Data,
    };
    *m == want_mode && t == ty && nm == name && module.static_path() == n.module
}

fn closure(
    g: &ConfigGraph,
    start: impl IntoIterator<Item = NodeIndex>,
    dir: Direction,
) -> HashSet<NodeIndex> {
    let mut seen = HashSet::new();
    let mut stack: Vec<NodeIndex> = start.into_iter().collect();
    while let Some(n) = stack.pop() {
        if seen.insert(n) {
            stack.extend(g.graph.neighbors_directed(n, dir));
        }
    }
    seen
}

/// The nodes to visit (`None`: all) and the resource nodes named directly by `-target`.
pub fn included_nodes(
    g: &ConfigGraph,
    o: &PlanOptions,
) -> (Option<HashSet<NodeIndex>>, HashSet<NodeIndex>) {
    if o.targets.is_empty() && o.excludes.is_empty() {
        return (None, HashSet::new());
    }
    let all: Vec<NodeIndex> = g.graph.node_indices().collect();
    let mut included: HashSet<NodeIndex> = all.iter().copied().collect();
    let mut direct = HashSet::new();
    if !o.targets.is_empty() {
        direct = all
            .iter()
            .copied()
            .filter(|i| o.targets.iter().any(|t| matches(t, &g.graph[*i])))
            .collect();
        included = closure(g, direct.iter().copied(), Direction::Incoming);
        // Root outputs (and the locals between) whose every dependency is planned come along,
        // as in Terraform, so targeted changes show their outputs.
        loop {
            let more: Vec<NodeIndex> = all
                .iter()
                .copied()
                .filter(|i| !included.contains(i))
                .filter(|i| {
                    matches!(g.graph[*i].kind, NodeKind::Output(_) | NodeKind::Local(_))
                        && g.graph[*i].module.is_empty()
                })
                .filter(|i| {
                    let mut deps = g
                        .graph
                        .neighbors_directed(*i, Direction::Incoming)
                        .peekable();
                    deps.peek().is_some()
                        && g.graph
                            .neighbors_directed(*i, Direction::Incoming)
                            .all(|d| included.contains(&d))
                })
                .collect();
            if more.is_empty() {
                break;
            }
            included.extend(more);
        }
    }
    if !o.excludes.is_empty() {
        let excluded_roots = all.iter().copied().filter(|i| {
            let n = &g.graph[*i];
            o.excludes.iter().any(|t| match t {
                // An excluded instance excludes only that instance (checked per key).
                Target::Instance(_) => false,
                t => matches(t, n),
            })
        });
        let excluded = closure(g, excluded_roots, Direction::Outgoing);
        included.retain(|n| !excluded.contains(n));
    }
    (Some(included), direct)
}
