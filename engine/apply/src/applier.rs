//! Carrying out one change against a provider with the crash-safety protocol: an intent row is
//! written before the provider is called; the new state and the intent's resolution are written
//! in one transaction when it answers.

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use infra_core::{Diagnostic, Diagnostics, Value};
use infra_plan::state_values::value_to_state;
use infra_plan::{Action, Applier, ResourceChange};
use infra_provider::{ApplyRequest, Provider, ResourceSchema};
use infra_state::{Change, Intent, ResourceInstance, StateStore};

use crate::progress::{ProgressEvent, ProgressSink};

/// Applies changes and persists each one the moment it completes.
pub struct StoreApplier {
    pub store: Arc<dyn StateStore>,
    pub environment: String,
    pub progress: Arc<dyn ProgressSink>,
    /// Unique per apply run, part of every create's idempotency marker.
    pub run_id: String,
}

/// A state error as a diagnostic.
pub fn state_diag(e: infra_state::StateError) -> Diagnostics {
    Diagnostics::from(Diagnostic::error("Failed to persist state", format!("{e}. The change was made but could not be recorded; the next run resolves it from the intent log.")))
}

impl StoreApplier {
    /// The idempotency marker of one change: the run and a hash of the address. It is short
    /// (53 characters: EC2's ClientToken takes 64) and plain (no `[`, `"`, `*` or `?`, which
    /// tag filters may read as patterns); the intent row keeps the address itself.
    fn marker(&self, address: &str) -> String {
        format!("{}-{:016x}", self.run_id, fnv1a64(address.as_bytes()))
    }

    /// Runs one provider call under the intent protocol and records the outcome.
    pub async fn run(
        &self,
        change: &ResourceChange,
        provider: &Arc<dyn Provider>,
        schema: &ResourceSchema,
        prior: Option<Value>,
        planned: Option<Value>,
        config: Value,
    ) -> Result<Option<Value>, Diagnostics> {
        self.run_recorded(change, provider, schema, prior, planned, config, true)
            .await
    }

    /// As [`run`](Self::run); with `record` false the outcome closes the intent without touching
    /// the instance's state (deleting the old object of a create-before-destroy replacement,
    /// whose address already holds the new one).
    #[allow(clippy::too_many_arguments)]
    pub async fn run_recorded(
        &self,
        change: &ResourceChange,
        provider: &Arc<dyn Provider>,
        schema: &ResourceSchema,
        prior: Option<Value>,
        planned: Option<Value>,
        config: Value,
        record: bool,
    ) -> Result<Option<Value>, Diagnostics> {
        let address = change.addr.to_string();
        let action_name = match (&prior, &planned) {
            (None, Some(_)) => "create",
            (Some(_), None) => "delete",
            _ => "update",
        };
        let creating = prior.is_none() && planned.is_some();
        let planned_marks = planned.clone();
        let marker = self.marker(&address);
        let planned_json = planned
            .as_ref()
            .map(|v| v.to_json())
            .unwrap_or(serde_json::Value::Null);
        let store = self.store.clone();
        let env = self.environment.clone();
        let intent = Intent {
            address: address.clone(),
            action: action_name.to_string(),
            marker: marker.clone(),
            planned: planned_json,
        };
        let intent_id = tokio::task::spawn_blocking(move || store.begin_intent(&env, intent))
            .await
            .expect("intent task")
            .map_err(state_diag)?;
        let action = if creating && change.action.is_replace() {
            Action::Create
        } else {
            change.action
        };
        let shown_action = if action_name == "delete" {
            Action::Delete
        } else {
            action
        };
        self.progress.event(ProgressEvent::Started {
            address: address.clone(),
            action: shown_action,
        });
        let started = Instant::now();
        let result = provider
            .apply(ApplyRequest {
                type_name: change.addr.resource.ty.clone(),
                prior_state: prior.map(|v| v.unmark_deep().0),
                planned_state: planned.map(|v| v.unmark_deep().0),
                config: config.unmark_deep().0,
                intent: creating.then(|| marker.clone()),
            })
            .await;
        let new = match result {
            Ok(v) => v,
            Err(d) => {
                self.progress.event(ProgressEvent::Failed {
                    address: address.clone(),
                    action: shown_action,
                    elapsed: started.elapsed(),
                });
                // The provider says nothing was done: close the intent without a change.
                let store = self.store.clone();
                let env = self.environment.clone();
                let _ = tokio::task::spawn_blocking(move || store.resolve_intent(&env, intent_id))
                    .await;
                return Err(Diagnostics(
                    d.into_iter()
                        .map(|x| {
                            if x.address.is_none() {
                                x.with_address(address.clone())
                            } else {
                                x
                            }
                        })
                        .collect(),
                ));
            }
        };
        let new = new.map(|v| infra_plan::state_values::mark_sensitive(v, schema));
        // Values the configuration marked sensitive stay marked in state.
        let new = match (new, &planned_marks) {
            (Some(v), Some(p)) => Some(infra_plan::state_values::copy_marks(p, v)),
            (v, _) => v,
        };
        if !record {
            let store = self.store.clone();
            let env = self.environment.clone();
            tokio::task::spawn_blocking(move || store.resolve_intent(&env, intent_id))
                .await
                .expect("intent task")
                .map_err(state_diag)?;
            self.progress.event(ProgressEvent::Finished {
                address,
                action: shown_action,
                elapsed: started.elapsed(),
                id: None,
            });
            return Ok(new);
        }
        let instance = new.as_ref().map(|v| instance_for(change, v, schema));
        let id = new.as_ref().and_then(|v| {
            v.entries()
                .and_then(|m| m.get("id"))
                .and_then(|i| i.as_str().map(str::to_string))
        });
        let store = self.store.clone();
        let env = self.environment.clone();
        let commit = Change {
            address: address.clone(),
            new: instance,
            intent: Some(intent_id),
            operation: "apply".into(),
        };
        tokio::task::spawn_blocking(move || store.commit_change(&env, commit))
            .await
            .expect("commit task")
            .map_err(state_diag)?;
        self.progress.event(ProgressEvent::Finished {
            address,
            action: shown_action,
            elapsed: started.elapsed(),
            id,
        });
        Ok(new)
    }
}

/// The state row for an instance's new value.
pub fn instance_for(
    change: &ResourceChange,
    v: &Value,
    schema: &ResourceSchema,
) -> ResourceInstance {
    let (attributes, sensitive) = value_to_state(v, Some(schema));
    let r = &change.addr.resource;
    ResourceInstance {
        module: if r.module.is_root() {
            String::new()
        } else {
            r.module.to_string()
        },
        mode: r.mode,
        type_name: r.ty.clone(),
        name: r.name.clone(),
        index: change.addr.key.clone(),
        provider: change.provider.clone(),
        schema_version: schema.version,
        attributes,
        sensitive_attributes: sensitive,
        dependencies: change.dependencies.clone(),
        create_before_destroy: change.action == Action::CreateThenDelete,
        tainted: false,
    }
}

#[async_trait]
impl Applier for StoreApplier {
    async fn apply(
        &self,
        change: ResourceChange,
        provider: Arc<dyn Provider>,
        schema: &ResourceSchema,
        config: Value,
    ) -> Result<Option<Value>, Diagnostics> {
        if change.action == Action::Read {
            // A data source: nothing to call, just record what was read.
            let Some(v) = change.after.clone() else {
                return Ok(None);
            };
            let instance = instance_for(&change, &v, schema);
            let store = self.store.clone();
            let env = self.environment.clone();
            let commit = Change {
                address: change.addr.to_string(),
                new: Some(instance),
                intent: None,
                operation: "read".into(),
            };
            tokio::task::spawn_blocking(move || store.commit_change(&env, commit))
                .await
                .expect("commit task")
                .map_err(state_diag)?;
            return Ok(Some(v));
        }
        let prior = if change.action.is_replace() {
            None
        } else {
            change.before.clone()
        };
        self.run(
            &change,
            &provider,
            schema,
            prior,
            change.after.clone(),
            config,
        )
        .await
    }
}

/// FNV-1a, 64 bits: a stable hash (the standard library's is randomly seeded per process).
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod marker_tests {
    use super::fnv1a64;

    #[test]
    fn fnv1a64_matches_the_reference_values() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
