//! The planner: walks the configuration graph, expands `count`/`for_each` and modules, refreshes
//! prior state through the providers, evaluates each resource's configuration, asks its provider
//! to plan, and classifies every change (no-op, create, update, replace, delete, read). Also the
//! plan model, its renderers (human, JSON, Markdown) and plan files.
//!
//! Planning never writes state or calls anything but providers' read and plan operations; the
//! apply crate drives the same walk in apply mode.

pub mod decode;
pub mod expand;
mod finish;
pub mod model;
pub mod options;
pub mod planfile;
pub mod prior;
pub mod providers;
pub mod render;
mod resource;
pub mod schema_check;
pub mod state_values;
mod targets;
pub mod values;
pub mod walker;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use infra_config::Config;
use infra_core::Diagnostics;
use infra_provider::Registry;
use infra_state::StateSnapshot;

pub use model::{Action, OutputChange, Plan, PlanMode, Reason, ResourceChange};
pub use options::PlanOptions;
pub use resource::proposed_state;
pub use walker::{Applier, WalkMode, Walker};

/// Plans `config` against `prior`. Returns the plan (when no error stopped it) and diagnostics.
pub async fn plan(
    config: Arc<Config>,
    registry: Registry,
    prior: StateSnapshot,
    options: PlanOptions,
    cancelled: Arc<AtomicBool>,
) -> (Option<Plan>, Diagnostics) {
    if options.mode == PlanMode::Destroy {
        return destroy_plan(config, registry, prior, options, cancelled).await;
    }
    let walker = match Walker::new(config, registry, prior, options, WalkMode::Plan, cancelled) {
        Ok(w) => Arc::new(w),
        Err(d) => return (None, d),
    };
    walker.run().await;
    let (plan, diags) = walker.finish_plan();
    if diags.has_errors() {
        (None, diags)
    } else {
        (Some(plan), diags)
    }
}

/// A destroy plan: every instance in state is deleted (refreshed first, unless disabled).
async fn destroy_plan(
    config: Arc<Config>,
    registry: Registry,
    prior: StateSnapshot,
    mut options: PlanOptions,
    cancelled: Arc<AtomicBool>,
) -> (Option<Plan>, Diagnostics) {
    // Walk in refresh-only mode to evaluate providers and refresh, then delete everything left.
    let refresh = options.refresh;
    options.mode = PlanMode::RefreshOnly;
    options.refresh = refresh;
    let walker = match Walker::new(config, registry, prior, options, WalkMode::Plan, cancelled) {
        Ok(w) => Arc::new(w),
        Err(d) => return (None, d),
    };
    walker.run().await;
    let diags = walker.diagnostics();
    if diags.has_errors() {
        return (None, diags);
    }
    let mut plan = {
        let (p, _) = walker.clone().finish_plan();
        p
    };
    plan.mode = PlanMode::Destroy;
    let targets = walker.options.targets.clone();
    let providers: std::collections::HashMap<String, std::sync::Arc<dyn infra_provider::Provider>> =
        walker.configured_providers().into_iter().collect();
    let gone: std::collections::HashSet<_> = plan
        .drift
        .iter()
        .filter(|d| d.after.is_none())
        .map(|d| d.addr.clone())
        .collect();
    let mut changes = Vec::new();
    for (addr, inst) in &walker.prior {
        if addr.resource.mode == infra_core::addr::Mode::Data || gone.contains(addr) {
            continue;
        }
        if !targets.is_empty() && !targets.iter().any(|t| t.contains(addr)) {
            continue;
        }
        let cfg = walker::module_at(&walker.config, &addr.resource.module.static_path())
            .and_then(|c| c.module.resources.get(&addr.resource.local()));
        if let Some(res) = cfg.filter(|r| r.lifecycle.prevent_destroy) {
            return (None, resource::prevent_destroy(res, addr));
        }
        let schema = providers
            .get(&inst.provider)
            .and_then(|p| p.schema().resources.get(&addr.resource.ty).cloned())
            .or_else(|| walker.schema_for(&inst.provider, addr.resource.mode, &addr.resource.ty));
        let before = match &schema {
            Some(s) => Some(state_values::instance_value(inst, s)),
            None => infra_core::Value::from_json(&inst.attributes, &infra_core::Type::Dynamic),
        };
        changes.push(ResourceChange {
            addr: addr.clone(),
            provider: inst.provider.clone(),
            action: Action::Delete,
            before,
            after: None,
            requires_replace: Vec::new(),
            reason: Some(Reason::DestroyMode),
            dependencies: inst.dependencies.clone(),
            schema_version: inst.schema_version,
        });
    }
    changes.sort_by(|a, b| a.addr.cmp(&b.addr));
    plan.changes = changes;
    for o in plan.outputs.values_mut() {
        o.action = Action::Delete;
        o.after = None;
    }
    (Some(plan), diags)
}
