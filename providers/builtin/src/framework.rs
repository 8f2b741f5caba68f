//! The small framework every built-in provider is made of: a resource-type trait with sensible
//! defaults (read keeps the state, update takes the plan, delete forgets), a data-source trait,
//! and [`BuiltinProvider`], which dispatches the SDK's [`Provider`] calls to them.
//!
//! It owns the cross-cutting rules: configurations are checked (known values only) before they are
//! planned, planned values are checked again before they are applied, and `stop()` is broadcast to
//! every in-flight operation through [`StopSignal`].

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use infra_core::{Diagnostic, Diagnostics, Value};
use infra_provider::{
    plan_from_schema, unknown_type, ApplyRequest, BlockSchema, PlanRequest, PlanResponse, Provider,
    ProviderSchema, ResourceSchema,
};
use tokio::sync::watch;

/// Tells in-flight operations that the provider was asked to stop. Once stopped, a provider stays
/// stopped (Terraform makes a fresh provider instance for each run).
#[derive(Clone, Debug)]
pub(crate) struct StopSignal {
    tx: Arc<watch::Sender<bool>>,
}

impl StopSignal {
    pub(crate) fn new() -> StopSignal {
        StopSignal {
            tx: Arc::new(watch::Sender::new(false)),
        }
    }

    pub(crate) fn stop(&self) {
        self.tx.send_replace(true);
    }

    /// Completes once [`StopSignal::stop`] has been called (at once if it already was).
    pub(crate) async fn stopped(&self) {
        let mut rx = self.tx.subscribe();
        // The sender lives as long as `self`, so `wait_for` cannot fail while we wait.
        let _ = rx.wait_for(|stopped| *stopped).await;
    }
}

/// What an operation can see besides its own values.
#[derive(Clone, Debug)]
pub(crate) struct OpContext {
    pub stop: StopSignal,
}

/// One managed resource type.
#[async_trait]
pub(crate) trait ManagedResource: Send + Sync {
    fn type_name(&self) -> &'static str;

    fn schema(&self) -> ResourceSchema;

    /// Checks the known values of a configuration (or, before apply, of a planned state).
    fn validate(&self, _obj: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Checks a configuration: [`ManagedResource::validate`] plus checks that only make sense
    /// for a configuration (such as computed attributes set by hand).
    fn validate_config(&self, config: &Value) -> Diagnostics {
        self.validate(config)
    }

    /// Plans a create or update; the default follows the schema.
    fn plan(&self, schema: &BlockSchema, req: &PlanRequest) -> Result<PlanResponse, Diagnostics> {
        Ok(plan_from_schema(
            schema,
            req.prior_state.as_ref(),
            &req.proposed_new_state,
        ))
    }

    /// Creates the object; returns the full new state with every attribute known.
    async fn create(&self, ctx: &OpContext, planned: &Value) -> Result<Value, Diagnostics>;

    /// Updates in place; by default the planned state becomes the new state.
    async fn update(
        &self,
        _ctx: &OpContext,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, Diagnostics> {
        Ok(planned.clone())
    }

    /// Deletes the object; by default it is only forgotten.
    async fn delete(&self, _ctx: &OpContext, _prior: &Value) -> Result<(), Diagnostics> {
        Ok(())
    }

    /// Refreshes the state; by default nothing outside the state exists to drift.
    async fn read(&self, state: &Value) -> Result<Option<Value>, Diagnostics> {
        Ok(Some(state.clone()))
    }

    /// Adopts an existing object by its id; by default the type cannot be imported.
    async fn import(&self, _id: &str) -> Result<Value, Diagnostics> {
        Err(not_importable(self.type_name()))
    }
}

/// One data source.
#[async_trait]
pub(crate) trait DataSource: Send + Sync {
    fn type_name(&self) -> &'static str;

    fn schema(&self) -> ResourceSchema;

    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    async fn read(&self, config: &Value) -> Result<Value, Diagnostics>;
}

/// A provider made of [`ManagedResource`]s and [`DataSource`]s.
pub(crate) struct BuiltinProvider {
    schema: ProviderSchema,
    resources: BTreeMap<&'static str, Box<dyn ManagedResource>>,
    data_sources: BTreeMap<&'static str, Box<dyn DataSource>>,
    ctx: OpContext,
}

impl BuiltinProvider {
    pub(crate) fn new(
        resources: Vec<Box<dyn ManagedResource>>,
        data_sources: Vec<Box<dyn DataSource>>,
    ) -> BuiltinProvider {
        let mut schema = ProviderSchema::default();
        for r in &resources {
            schema
                .resources
                .insert(r.type_name().to_string(), r.schema());
        }
        for d in &data_sources {
            schema
                .data_sources
                .insert(d.type_name().to_string(), d.schema());
        }
        BuiltinProvider {
            schema,
            resources: resources.into_iter().map(|r| (r.type_name(), r)).collect(),
            data_sources: data_sources
                .into_iter()
                .map(|d| (d.type_name(), d))
                .collect(),
            ctx: OpContext {
                stop: StopSignal::new(),
            },
        }
    }

    fn resource(
        &self,
        type_name: &str,
    ) -> Result<(&dyn ManagedResource, &ResourceSchema), Diagnostics> {
        match (
            self.resources.get(type_name),
            self.schema.resources.get(type_name),
        ) {
            (Some(r), Some(s)) => Ok((r.as_ref(), s)),
            _ => Err(unknown_type(type_name)),
        }
    }
}

#[async_trait]
impl Provider for BuiltinProvider {
    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    fn validate_resource(&self, type_name: &str, config: &Value) -> Diagnostics {
        if let Some(r) = self.resources.get(type_name) {
            r.validate_config(config)
        } else if let Some(d) = self.data_sources.get(type_name) {
            d.validate(config)
        } else {
            unknown_type(type_name)
        }
    }

    async fn plan(&self, req: PlanRequest) -> Result<PlanResponse, Diagnostics> {
        let (r, schema) = self.resource(&req.type_name)?;
        let diags = r.validate_config(&req.config);
        if diags.has_errors() {
            return Err(diags);
        }
        r.plan(&schema.block, &req)
    }

    async fn apply(&self, req: ApplyRequest) -> Result<Option<Value>, Diagnostics> {
        let (r, _) = self.resource(&req.type_name)?;
        match (&req.prior_state, &req.planned_state) {
            (None, None) => Ok(None),
            (Some(prior), None) => r.delete(&self.ctx, prior).await.map(|()| None),
            (prior, Some(planned)) => {
                let diags = r.validate(planned);
                if diags.has_errors() {
                    return Err(diags);
                }
                let new = match prior {
                    None => r.create(&self.ctx, planned).await?,
                    Some(prior) => r.update(&self.ctx, prior, planned).await?,
                };
                Ok(Some(new))
            }
        }
    }

    async fn read(&self, type_name: &str, state: &Value) -> Result<Option<Value>, Diagnostics> {
        self.resource(type_name)?.0.read(state).await
    }

    async fn read_data(&self, type_name: &str, config: &Value) -> Result<Value, Diagnostics> {
        let d = self
            .data_sources
            .get(type_name)
            .ok_or_else(|| unknown_type(type_name))?;
        let diags = d.validate(config);
        if diags.has_errors() {
            return Err(diags);
        }
        d.read(config).await
    }

    async fn import(&self, type_name: &str, id: &str) -> Result<Value, Diagnostics> {
        self.resource(type_name)?.0.import(id).await
    }

    fn stop(&self) {
        self.ctx.stop.stop();
    }
}

/// The diagnostic for a resource type that cannot be imported.
pub(crate) fn not_importable(type_name: &str) -> Diagnostics {
    Diagnostics::from(Diagnostic::error(
        "Resource import not supported",
        format!(
            "The resource type \"{type_name}\" does not support import, as in Terraform's provider. \
             Remove the import block or command and let infra create the object instead."
        ),
    ))
}

/// The diagnostic for an import id that does not have the expected shape.
pub(crate) fn invalid_import_id(type_name: &str, id: &str, expected: &str) -> Diagnostics {
    Diagnostics::from(Diagnostic::error(
        "Invalid import id",
        format!("The id {id:?} cannot be imported as \"{type_name}\": {expected}"),
    ))
}
