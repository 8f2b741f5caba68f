//! Turning a finished plan walk into a [`Plan`]: orphans the walk did not reach (resources gone
//! from the configuration, module instances gone), output changes, a stable order.

use std::collections::BTreeMap;
use std::sync::Arc;

use infra_core::{Diagnostics, Type, Value};

use crate::model::{Action, OutputChange, Plan, PlanMode, Reason, ResourceChange};
use crate::walker::Walker;

pub(crate) fn finish(w: Arc<Walker>) -> (Plan, Diagnostics) {
    let diags = w.diagnostics();
    let mut changes = std::mem::take(&mut *w.changes.lock().expect("lock"));
    // Taken, not copied: the walk is over.
    let claimed = std::mem::take(&mut *w.claimed.lock().expect("lock"));
    let providers: std::collections::HashMap<String, std::sync::Arc<dyn infra_provider::Provider>> =
        w.configured_providers().into_iter().collect();
    let live_modules: std::collections::HashSet<infra_core::addr::ModuleInstance> = w
        .state
        .modules
        .read()
        .expect("lock")
        .values()
        .flatten()
        .map(|(m, _)| m.clone())
        .collect();
    let targeted = !w.options.targets.is_empty() || !w.options.excludes.is_empty();
    if w.options.mode == PlanMode::Normal && !diags.has_errors() {
        for (addr, inst) in &w.prior {
            if claimed.contains(addr) || addr.resource.mode == infra_core::addr::Mode::Data {
                continue;
            }
            if targeted && !w.options.targets.iter().any(|t| t.contains(addr)) {
                continue;
            }
            let schema = providers
                .get(&inst.provider)
                .and_then(|p| p.schema().resources.get(&addr.resource.ty).cloned())
                .or_else(|| w.schema_for(&inst.provider, addr.resource.mode, &addr.resource.ty));
            let before = match &schema {
                Some(s) => crate::state_values::instance_value(inst, s),
                None => Value::from_json(&inst.attributes, &Type::Dynamic)
                    .unwrap_or_else(Value::unknown),
            };
            // The deepest module instance of the address that the configuration no longer has.
            let module = &addr.resource.module;
            let gone_module = (1..=module.0.len())
                .map(|n| infra_core::addr::ModuleInstance(module.0[..n].to_vec()))
                .find(|m| !live_modules.contains(m));
            let reason = match gone_module {
                Some(m) => Reason::NoModuleInstance(m.to_string()),
                None => Reason::NoResourceConfig,
            };
            changes.push(ResourceChange {
                addr: addr.clone(),
                provider: inst.provider.clone(),
                action: Action::Delete,
                before: Some(before),
                after: None,
                requires_replace: Vec::new(),
                reason: Some(reason),
                dependencies: inst.dependencies.clone(),
                schema_version: inst.schema_version,
            });
        }
    }
    sort_by_addr(&mut changes);
    let mut drift = std::mem::take(&mut *w.drift.lock().expect("lock"));
    sort_by_addr(&mut drift);
    let outputs = output_changes(&w);
    let plan = Plan {
        environment: w.options.environment.clone(),
        mode: w.options.mode.clone(),
        // Taken, not copied: the walk is over and the plan is its only user from here on.
        prior_state: std::mem::take(&mut *w.prior_state.lock().expect("lock")),
        changes,
        outputs,
        config_hash: String::new(),
        variables: w.options.variables.clone(),
        drift,
        targeted,
    };
    (plan, diags)
}

/// Sorts changes by address, stably, without the half-size scratch copy of the changes a
/// stable sort of the changes themselves allocates (at the end of a plan, when memory peaks):
/// the sort is of indices, and the permutation is then applied in place.
fn sort_by_addr(v: &mut [ResourceChange]) {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].addr.cmp(&v[b].addr));
    // `order[i]` is the index of the element that belongs at `i`; elements before `i` are
    // already placed, so an index below `i` is followed to where its element was swapped.
    for i in 0..order.len() {
        let mut j = order[i];
        while j < i {
            j = order[j];
        }
        v.swap(i, j);
    }
}

/// Root output changes: new values against the ones in the prior state.
fn output_changes(w: &Walker) -> BTreeMap<String, OutputChange> {
    let mut out = BTreeMap::new();
    let after = w.root_outputs();
    let declared = &w.config.module.outputs;
    let prior_state = w.prior_state.lock().expect("lock");
    for (name, prior) in &prior_state.outputs {
        let before = Value::from_json(
            &prior.value,
            &Type::from_json(&prior.ty).unwrap_or(Type::Dynamic),
        )
        .map(|v| v.mark_if(prior.sensitive));
        let now = if w.options.mode == PlanMode::Destroy {
            None
        } else {
            after.get(name).cloned()
        };
        let action = match (&before, &now) {
            (_, None) if !declared.contains_key(name) || w.options.mode == PlanMode::Destroy => {
                Action::Delete
            }
            (_, None) => continue,
            (Some(b), Some(a))
                if a.is_wholly_known()
                    && b.clone().unmark_deep().0 == a.clone().unmark_deep().0 =>
            {
                Action::NoOp
            }
            _ => Action::Update,
        };
        out.insert(
            name.clone(),
            OutputChange {
                action,
                before,
                after: now,
                sensitive: prior.sensitive || declared.get(name).is_some_and(|o| o.sensitive),
            },
        );
    }
    if w.options.mode != PlanMode::Destroy {
        for (name, v) in after {
            if out.contains_key(&name) {
                continue;
            }
            // A null output is no output: Terraform does not store it, so it is no change.
            if v.is_null() {
                continue;
            }
            let sensitive = declared.get(&name).is_some_and(|o| o.sensitive);
            out.insert(
                name,
                OutputChange {
                    action: Action::Create,
                    before: None,
                    after: Some(v),
                    sensitive,
                },
            );
        }
    }
    out
}
