//! Providers for deleting objects and resolving intents, outside the configuration walk: each
//! configured as the configuration says (or with an empty configuration when the configuration
//! no longer mentions it), found by the provider address recorded in state.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use infra_core::{Diagnostics, Value};
use infra_plan::{PlanMode, ResourceChange, WalkMode, Walker};
use infra_provider::{Provider, Registry, ResourceSchema};
use infra_state::StateSnapshot;

use crate::ApplyContext;

/// Providers by their state address (`provider["registry.terraform.io/hashicorp/null"]`).
pub struct ProviderMap {
    map: Mutex<HashMap<String, Arc<dyn Provider>>>,
    registry: Registry,
}

/// The source address inside `provider["…"]`, and the alias after it.
fn parse_state_addr(addr: &str) -> Option<(String, Option<String>)> {
    let rest = addr.split("provider[\"").nth(1)?;
    let (source, tail) = rest.split_once("\"]")?;
    let alias = tail.strip_prefix('.').map(str::to_string);
    Some((source.to_string(), alias))
}

impl ProviderMap {
    /// The provider and schema for a change's resource type.
    pub fn for_change(&self, c: &ResourceChange) -> Option<(Arc<dyn Provider>, ResourceSchema)> {
        let p = self.get(&c.provider)?;
        let schemas = match c.addr.resource.mode {
            infra_core::addr::Mode::Managed => &p.schema().resources,
            infra_core::addr::Mode::Data => &p.schema().data_sources,
        };
        let schema = schemas.get(&c.addr.resource.ty)?.clone();
        Some((p, schema))
    }

    /// The provider at a state address, created unconfigured-but-empty if the walk did not make one.
    pub fn get(&self, addr: &str) -> Option<Arc<dyn Provider>> {
        if let Some(p) = self.map.lock().expect("lock").get(addr) {
            return Some(p.clone());
        }
        let (source, _) = parse_state_addr(addr)?;
        let p = self.registry.by_source(&source)?();
        self.map
            .lock()
            .expect("lock")
            .insert(addr.to_string(), p.clone());
        Some(p)
    }

    pub fn stop_all(&self) {
        for p in self.map.lock().expect("lock").values() {
            p.stop();
        }
    }
}

/// Configures every provider the configuration declares (evaluating its `provider` blocks with
/// the current state's values) and returns them by state address.
pub async fn configured(
    ctx: &ApplyContext,
    state: &StateSnapshot,
) -> Result<Arc<ProviderMap>, Diagnostics> {
    let mut options = ctx.options.clone();
    options.mode = PlanMode::RefreshOnly;
    options.refresh = false;
    let walker = Walker::new(
        ctx.config.clone(),
        ctx.registry.clone(),
        state.clone(),
        options,
        WalkMode::Plan,
        Arc::new(AtomicBool::new(false)),
    )?;
    let walker = Arc::new(walker);
    walker.run().await;
    let mut map = HashMap::new();
    for (addr, p) in walker.configured_providers() {
        map.insert(addr, p);
    }
    let pm = ProviderMap {
        map: Mutex::new(map),
        registry: ctx.registry.clone(),
    };
    // Providers the configuration no longer mentions still need configuring (empty config).
    for inst in state.resources.values() {
        if pm.map.lock().expect("lock").contains_key(&inst.provider) {
            continue;
        }
        if let Some(p) = pm.get(&inst.provider) {
            let _ = p
                .configure(&Value::Null(p.schema().provider.value_type()))
                .await;
        }
    }
    Ok(Arc::new(pm))
}
