//! Static validation of a loaded configuration tree, as `infra validate` reports it: every
//! problem at once, each at the exact source range.
//!
//! - references name declared objects and are used where available ([`refs`]);
//! - no cycles among locals, outputs, resources and module calls, across modules ([`cycles`]);
//! - module calls give exactly the child's variables ([`calls`]);
//! - every expression evaluates without type or call errors when inputs are unknown, and the
//!   values of `count`, `for_each`, conditions and module arguments are acceptable ([`eval`]).
//!
//! Problems found while loading (syntax, unexpected blocks, duplicates) are the loader's; this
//! module does not repeat them. It reads and writes nothing.

mod calls;
mod cycles;
mod eval;
mod refs;
mod sites;

use std::collections::BTreeMap;

use infra_core::{Diagnostic, Diagnostics, SourceRange};

use crate::loader::module_addr;
use crate::model::{Config, Module};
use sites::{Node, NodeKind};

/// Static validation of a whole configuration tree (see the module doc).
pub fn validate_config(config: &Config) -> Diagnostics {
    let tree = Tree::new(config);
    let mut sites = Vec::new();
    for (i, tm) in tree.modules.iter().enumerate() {
        let child_index = |name: &str| tm.children.get(name).copied();
        sites.extend(sites::module_sites(i, tm.module, &child_index));
    }
    let (mut diags, edges) = refs::check_references(&tree, &sites);
    let (cycle_diags, cyclic) = cycles::find_cycles(&tree, &edges);
    diags.extend(cycle_diags);
    diags.extend(calls::check_module_calls(&tree));
    diags.extend(eval::evaluate(&tree, &sites, &edges, &cyclic));
    finish(diags)
}

/// Orders diagnostics by position (those without a position last) and drops exact repeats.
fn finish(mut diags: Vec<Diagnostic>) -> Diagnostics {
    diags.sort_by_key(position);
    let mut out: Vec<Diagnostic> = Vec::with_capacity(diags.len());
    for d in diags {
        if !out.contains(&d) {
            out.push(d);
        }
    }
    Diagnostics(out)
}

fn position(d: &Diagnostic) -> (bool, String, usize, usize) {
    match &d.subject {
        Some(r) => (false, r.filename.to_string(), r.start.byte, r.end.byte),
        None => (true, String::new(), 0, 0),
    }
}

/// The module tree flattened, root first, each module knowing its children and parent.
pub(crate) struct Tree<'a> {
    pub modules: Vec<TreeModule<'a>>,
}

pub(crate) struct TreeModule<'a> {
    pub module: &'a Module,
    pub path: Vec<String>,
    /// Child modules by call name, as indices into the tree.
    pub children: BTreeMap<String, usize>,
    /// The calling module's index and the call's name.
    pub parent: Option<(usize, String)>,
}

impl TreeModule<'_> {
    /// `module.a.module.b`, or empty for the root.
    pub fn addr(&self) -> String {
        module_addr(&self.path)
    }
}

impl<'a> Tree<'a> {
    fn new(config: &'a Config) -> Tree<'a> {
        let mut tree = Tree {
            modules: Vec::new(),
        };
        tree.add(config, None);
        tree
    }

    fn add(&mut self, config: &'a Config, parent: Option<(usize, String)>) -> usize {
        let index = self.modules.len();
        self.modules.push(TreeModule {
            module: &config.module,
            path: config.path.clone(),
            children: BTreeMap::new(),
            parent,
        });
        for (name, child) in &config.children {
            let c = self.add(child, Some((index, name.clone())));
            self.modules[index].children.insert(name.clone(), c);
        }
        index
    }

    /// "the root module" or "module.net", for messages.
    pub fn describe(&self, m: usize) -> String {
        if m == 0 {
            "the root module".into()
        } else {
            self.modules[m].addr()
        }
    }

    /// An object's address from the root (`module.net.aws_vpc.this`).
    pub fn address(&self, m: usize, local: &str) -> String {
        if m == 0 {
            local.to_string()
        } else {
            format!("{}.{local}", self.modules[m].addr())
        }
    }

    /// A node as users write it, prefixed by its module.
    pub fn node_name(&self, n: &Node) -> String {
        let local = match &n.kind {
            NodeKind::Var(v) => format!("var.{v}"),
            NodeKind::Local(l) => format!("local.{l}"),
            NodeKind::Output(o) => format!("output.{o}"),
            NodeKind::Resource(a) => a.clone(),
            NodeKind::ModuleCall(c) => format!("module.{c}"),
            NodeKind::Provider(p) => format!("provider.{p}"),
        };
        self.address(n.module, &local)
    }

    /// Where a node is declared.
    pub fn node_range(&self, n: &Node) -> Option<SourceRange> {
        let m = self.modules.get(n.module)?.module;
        match &n.kind {
            NodeKind::Var(v) => m.variables.get(v).map(|x| x.decl_range.clone()),
            NodeKind::Local(l) => m.locals.get(l).map(|x| x.range.clone()),
            NodeKind::Output(o) => m.outputs.get(o).map(|x| x.decl_range.clone()),
            NodeKind::Resource(a) => m.resources.get(a).map(|x| x.decl_range.clone()),
            NodeKind::ModuleCall(c) => m.module_calls.get(c).map(|x| x.decl_range.clone()),
            NodeKind::Provider(p) => m
                .providers
                .iter()
                .find(|x| x.key() == *p)
                .map(|x| x.decl_range.clone()),
        }
    }
}
