//! `infra graph [-format=dot|mermaid] [DIR]`: the configuration's dependency graph (one node per
//! variable, local, output, resource, module call and provider configuration; an edge from each
//! dependency to what uses it) on stdout, in Graphviz DOT or as a Mermaid flowchart.
//!
//! Needs no state and no variable values. A graph with a cycle is still printed, so that the
//! cycle can be looked at, and the command fails with the cycle's diagnostic.

use std::path::Path;

use infra_core::Diagnostic;

use crate::args::GraphArgs;
use crate::project;

pub fn run(a: GraphArgs) -> u8 {
    let color = super::stderr_color(false);
    let render = match a.format.as_str() {
        "dot" => infra_graph::to_dot,
        "mermaid" => infra_graph::to_mermaid,
        other => {
            return super::state::fail(
                Diagnostic::error("Invalid -format value", format!("The graph format \"{other}\" is not supported: use \"dot\" (the default) or \"mermaid\".")),
                false,
            )
        }
    };
    let dir = a.dir.as_deref().unwrap_or(".");
    let (config, diags) = infra_config::load_config(Path::new(dir));
    let sources = super::config_sources(&config);
    if diags.has_errors() {
        project::report(&diags, &sources, color);
        return 1;
    }
    let (graph, graph_diags) = infra_graph::build_graph(&config);
    let mut all = diags;
    all.extend(graph_diags);
    print!("{}", render(&graph));
    project::report(&all, &sources, color);
    u8::from(all.has_errors())
}
