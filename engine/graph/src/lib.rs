//! The dependency graph of a configuration tree (one node per variable, local, output, resource,
//! data source, module call and provider configuration; an edge per reference and `depends_on`),
//! cycle diagnostics naming every member, DOT and Mermaid renderings, and the async walker that
//! plan and apply share.
//!
//! Nodes are configuration objects, not instances: `count`, `for_each` and module expansion happen
//! when the walker visits a node.

mod build;
mod render;
mod walk;

pub use build::{
    body_exprs, build_graph, provider_node, reference_nodes, resource_exprs, ConfigGraph, Node,
    NodeKind,
};
pub use render::{to_dot, to_mermaid};
pub use walk::{walk, walk_bounded, WalkOutcome};
