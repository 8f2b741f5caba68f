//! The registry of providers by source address (`hashicorp/null`) and by local name.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::Provider;

/// Makes a fresh provider instance (one per provider configuration).
pub type ProviderFactory = fn() -> Arc<dyn Provider>;

/// Providers infra has, by source address.
#[derive(Clone, Default)]
pub struct Registry {
    by_source: BTreeMap<String, ProviderFactory>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Registers a provider under its source address (`hashicorp/null`); the local name is the
    /// last path segment (`null`).
    pub fn register(&mut self, source: &str, factory: ProviderFactory) {
        self.by_source.insert(source.to_string(), factory);
    }

    /// The factory for a source address (`hashicorp/null`, `registry.terraform.io/hashicorp/null`).
    pub fn by_source(&self, source: &str) -> Option<ProviderFactory> {
        let short = source
            .strip_prefix("registry.terraform.io/")
            .unwrap_or(source);
        self.by_source.get(short).copied()
    }

    /// The factory for a local name with the default `hashicorp/` namespace.
    pub fn by_local_name(&self, name: &str) -> Option<ProviderFactory> {
        self.by_source(&format!("hashicorp/{name}"))
    }

    /// Every registered source address.
    pub fn sources(&self) -> impl Iterator<Item = &str> {
        self.by_source.keys().map(String::as_str)
    }
}
