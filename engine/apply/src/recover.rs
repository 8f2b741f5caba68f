//! Resolving intents left open by an interrupted apply, before anything is planned.
//!
//! An open intent means the process stopped between asking a provider to change something and
//! recording the answer. For a create, the provider is asked to find the object by the intent's
//! marker: if it exists it is adopted into state, so it is never created twice. For a delete or
//! an update, the object is read back: gone means removed from state, present means its current
//! value is recorded.

use std::sync::Arc;

use infra_core::addr::{parse_target, Target};
use infra_core::{Diagnostic, Diagnostics, Value};
use infra_plan::{Action, ResourceChange};
use infra_provider::IntentQuery;
use infra_state::{Change, StateStore};

use crate::applier::{instance_for, state_diag};
use crate::progress::ProgressEvent;
use crate::ApplyContext;

/// Resolves every open intent of the environment. Returns what it could not resolve.
pub async fn recover(ctx: &ApplyContext) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let env = ctx.options.environment.clone();
    let store = ctx.store.clone();
    let e2 = env.clone();
    let intents = match tokio::task::spawn_blocking(move || store.open_intents(&e2))
        .await
        .expect("intents task")
    {
        Ok(i) => i,
        Err(e) => return state_diag(e),
    };
    if intents.is_empty() {
        return diags;
    }
    let store = ctx.store.clone();
    let e2 = env.clone();
    let state = match tokio::task::spawn_blocking(move || store.load(&e2))
        .await
        .expect("load task")
    {
        Ok(s) => s,
        Err(e) => return state_diag(e),
    };
    let providers = match crate::providers::configured(ctx, &state).await {
        Ok(p) => p,
        Err(d) => return d,
    };
    for intent in intents {
        let addr = match parse_target(&intent.address) {
            Ok(Target::Instance(a)) => Some(a),
            Ok(Target::Resource(r)) => Some(r.instance(None)),
            _ => None,
        };
        let Some(addr) = addr else {
            diags.push(Diagnostic::warning(
                "Unresolvable intent",
                format!(
                    "The open intent for `{}` names no resource instance; it was left open.",
                    intent.address
                ),
            ));
            continue;
        };
        let existing = state.resources.get(&intent.address).cloned();
        let provider_addr = existing
            .as_ref()
            .map(|e| e.provider.clone())
            .or_else(|| provider_from_config(ctx, &addr));
        let change = ResourceChange {
            addr: addr.clone(),
            provider: provider_addr.unwrap_or_default(),
            action: Action::Create,
            before: None,
            after: None,
            requires_replace: Vec::new(),
            reason: None,
            dependencies: existing
                .as_ref()
                .map(|e| e.dependencies.clone())
                .unwrap_or_default(),
            schema_version: 0,
        };
        let Some((provider, schema)) = providers.for_change(&change) else {
            diags.push(Diagnostic::warning(
                "Unresolvable intent",
                format!("The interrupted {} of `{}` cannot be checked: its provider is not available. It was left open.", intent.action, intent.address),
            ));
            continue;
        };
        let ty = addr.resource.ty.clone();
        let found = if intent.action == "create" && existing.is_none() {
            let planned = Value::from_json(&intent.planned, &schema.block.value_type());
            let millis = u64::try_from(intent.created.unix_millis).unwrap_or(0);
            let query = IntentQuery {
                marker: &intent.marker,
                planned: planned.as_ref(),
                recorded_at: std::time::UNIX_EPOCH + std::time::Duration::from_millis(millis),
            };
            provider.find_by_intent(&ty, &query).await
        } else {
            match &existing {
                Some(e) => {
                    provider
                        .read(&ty, &infra_plan::state_values::instance_value(e, &schema))
                        .await
                }
                None => Ok(None),
            }
        };
        let found = match found {
            Ok(f) => f,
            Err(d) => {
                diags.extend(d);
                continue;
            }
        };
        let outcome = match (&found, &existing) {
            (Some(_), None) => "adopted the object created before the interruption",
            (Some(_), Some(_)) => "recorded the object's current state",
            (None, Some(_)) => "removed: the object no longer exists",
            (None, None) => "nothing was created",
        };
        let new = found.map(|v| instance_for(&change, &v, &schema));
        let store: Arc<dyn StateStore> = ctx.store.clone();
        let e2 = env.clone();
        let id = intent.id;
        let address = intent.address.clone();
        let result = tokio::task::spawn_blocking(move || {
            if new.is_none() && existing.is_none() {
                store.resolve_intent(&e2, id).map(|_| 0)
            } else {
                store.commit_change(
                    &e2,
                    Change {
                        address,
                        new,
                        intent: Some(id),
                        operation: "recover".into(),
                    },
                )
            }
        })
        .await
        .expect("recover task");
        match result {
            Ok(_) => ctx.progress.event(ProgressEvent::Recovered {
                address: intent.address.clone(),
                outcome: outcome.to_string(),
            }),
            Err(e) => diags.extend(state_diag(e)),
        }
    }
    diags
}

/// The provider address the configuration gives a resource (for intents of objects not in state).
fn provider_from_config(
    ctx: &ApplyContext,
    addr: &infra_core::addr::ResourceInstanceAddr,
) -> Option<String> {
    let path = addr.resource.module.static_path();
    let cfg = infra_plan::walker::module_at(&ctx.config, &path)?;
    let res = cfg.module.resources.get(&addr.resource.local())?;
    let key = res.provider_key();
    let local_name = key.split('.').next().unwrap_or(&key).to_string();
    let alias = key.split_once('.').map(|(_, a)| a.to_string());
    let source = infra_plan::providers::provider_source(&ctx.config, &path, &local_name);
    Some(infra_plan::providers::provider_state_addr(
        &source,
        alias.as_deref(),
    ))
}
