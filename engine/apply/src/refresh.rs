//! What the plan's refresh found lands in state before anything is applied, as Terraform's
//! apply does: objects changed outside infra are recorded as read back, objects deleted outside
//! infra are forgotten. The apply then works from the same prior values the plan showed (an
//! update's provider call sees the drifted tags, not the stale ones), and the "changed outside"
//! note of a plan appears once, not on every plan after.

use std::sync::Arc;

use infra_core::Diagnostics;
use infra_plan::Plan;
use infra_state::Change;

use crate::providers::ProviderMap;
use crate::{applier, ApplyContext};

/// Commits each drifted instance of `plan` (one version per instance, operation `refresh`).
/// Instances no longer in the state (moved since, or removed) are left alone.
pub async fn record_drift(
    ctx: &ApplyContext,
    plan: &Plan,
    providers: Option<&Arc<ProviderMap>>,
) -> Result<(), Diagnostics> {
    for d in &plan.drift {
        let address = d.addr.to_string();
        let Some(current) = plan.prior_state.resources.get(&address) else {
            continue;
        };
        let schema = providers
            .and_then(|p| p.for_change(d))
            .map(|(_, schema)| schema);
        let new = d.after.as_ref().map(|v| {
            let (attributes, sensitive) =
                infra_plan::state_values::value_to_state(v, schema.as_ref());
            let mut inst = (**current).clone();
            inst.attributes = attributes;
            inst.sensitive_attributes = sensitive;
            inst
        });
        let change = Change {
            address,
            new,
            intent: None,
            operation: "refresh".into(),
        };
        let store = ctx.store.clone();
        let env = ctx.options.environment.clone();
        tokio::task::spawn_blocking(move || store.commit_change(&env, change))
            .await
            .expect("commit task")
            .map_err(applier::state_diag)?;
    }
    Ok(())
}
