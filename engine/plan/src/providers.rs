//! Provider instances for a walk: one per provider configuration, created from the registry by
//! the source address in `required_providers` (or `hashicorp/<name>`), configured once.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use infra_config::Config;
use infra_core::{Diagnostic, Diagnostics};
use infra_graph::Node;
use infra_provider::{Provider, Registry};

/// The source address of a provider local name in a module tree: the nearest `required_providers`
/// entry from the module up to the root, else `hashicorp/<name>`.
pub fn provider_source(config: &Config, path: &[String], local_name: &str) -> String {
    let mut chain = vec![&config.module];
    let mut c = config;
    for step in path {
        match c.children.get(step) {
            Some(child) => {
                chain.push(&child.module);
                c = child;
            }
            None => break,
        }
    }
    for m in chain.iter().rev() {
        if let Some(r) = m.terraform.required_providers.get(local_name) {
            return r.source.clone();
        }
    }
    match local_name {
        "terraform" => "terraform.io/builtin/terraform".to_string(),
        n => format!("hashicorp/{n}"),
    }
}

/// The `provider["registry.terraform.io/hashicorp/null"]` form recorded in state.
pub fn provider_state_addr(source: &str, alias: Option<&str>) -> String {
    let full = if source.matches('/').count() >= 2 {
        source.to_string()
    } else {
        format!("registry.terraform.io/{source}")
    };
    match alias {
        Some(a) => format!("provider[\"{full}\"].{a}"),
        None => format!("provider[\"{full}\"]"),
    }
}

/// The state address of the provider configuration that serves a resource with `provider_key`
/// (`aws`, `aws.dr`) in the module at `path`: found up the module chain, through module calls'
/// `providers = { aws = aws.dr }` maps.
pub fn serving_provider_addr(config: &Config, path: &[String], provider_key: &str) -> String {
    let chain = crate::walker::module_chain(config, path);
    let served_by = infra_graph::provider_node(&chain, path, provider_key);
    let key = match &served_by.kind {
        infra_graph::NodeKind::Provider(k) => k.as_str(),
        _ => provider_key,
    };
    let local_name = key.split('.').next().unwrap_or(key);
    let alias = key.split_once('.').map(|(_, a)| a);
    provider_state_addr(
        &provider_source(config, &served_by.module, local_name),
        alias,
    )
}

/// Configured providers by their configuration node.
#[derive(Default)]
pub struct ProviderSet {
    map: RwLock<HashMap<Node, Arc<dyn Provider>>>,
}

impl ProviderSet {
    pub fn get(&self, node: &Node) -> Option<Arc<dyn Provider>> {
        self.map.read().expect("lock").get(node).cloned()
    }
    pub fn insert(&self, node: Node, p: Arc<dyn Provider>) {
        self.map.write().expect("lock").insert(node, p);
    }
    /// Every configured provider (to stop them all).
    pub fn all(&self) -> Vec<Arc<dyn Provider>> {
        self.map.read().expect("lock").values().cloned().collect()
    }
}

/// Creates the provider for `source`, or explains that infra does not have it.
pub fn instantiate(
    registry: &Registry,
    source: &str,
    local_name: &str,
) -> Result<Arc<dyn Provider>, Diagnostics> {
    match registry.by_source(source) {
        Some(f) => Ok(f()),
        None => {
            let have: Vec<&str> = registry.sources().collect();
            Err(Diagnostics::from(Diagnostic::error(
                "Provider not available",
                format!(
                    "The configuration needs provider \"{local_name}\" ({source}), which infra does not have. The providers infra has are: {}.",
                    have.join(", ")
                ),
            )))
        }
    }
}
