//! `infra graph` output: Graphviz DOT and Mermaid.

use petgraph::visit::EdgeRef;

use crate::build::ConfigGraph;

fn sorted_edges(g: &ConfigGraph) -> Vec<(String, String)> {
    let mut edges: Vec<(String, String)> = g
        .graph
        .edge_references()
        .map(|e| {
            (
                g.graph[e.source()].to_string(),
                g.graph[e.target()].to_string(),
            )
        })
        .collect();
    edges.sort();
    edges
}

fn sorted_nodes(g: &ConfigGraph) -> Vec<String> {
    let mut v: Vec<String> = g.graph.node_weights().map(ToString::to_string).collect();
    v.sort();
    v
}

/// The graph in DOT; an edge points from a dependency to what depends on it.
pub fn to_dot(g: &ConfigGraph) -> String {
    let mut out = String::from("digraph {\n  compound = \"true\"\n  newrank = \"true\"\n");
    for n in sorted_nodes(g) {
        out.push_str(&format!("  \"{}\"\n", n.replace('"', "\\\"")));
    }
    for (a, b) in sorted_edges(g) {
        out.push_str(&format!(
            "  \"{}\" -> \"{}\"\n",
            a.replace('"', "\\\""),
            b.replace('"', "\\\"")
        ));
    }
    out.push_str("}\n");
    out
}

/// The graph as a Mermaid flowchart.
pub fn to_mermaid(g: &ConfigGraph) -> String {
    let nodes = sorted_nodes(g);
    let id = |name: &str| format!("n{}", nodes.iter().position(|n| n == name).unwrap_or(0));
    let mut out = String::from("flowchart LR\n");
    for n in &nodes {
        out.push_str(&format!("  {}[\"{}\"]\n", id(n), n.replace('"', "#quot;")));
    }
    for (a, b) in sorted_edges(g) {
        out.push_str(&format!("  {} --> {}\n", id(&a), id(&b)));
    }
    out
}
