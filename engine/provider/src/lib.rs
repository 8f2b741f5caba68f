//! The provider SDK: what a provider declares (schemas) and what the engine asks of it (validate,
//! configure, plan, apply, read, import, stop), shaped like Terraform's provider protocol so an
//! out-of-process plugin bridge can be added later without touching providers.
//!
//! Providers see only this crate and `infra-core`, never engine internals.

mod plan_helpers;
mod registry;
mod schema;

use async_trait::async_trait;
use infra_core::{Diagnostics, Value};

pub use plan_helpers::{plan_from_schema, AttrPath, PathStep};
pub use registry::{ProviderFactory, Registry};
pub use schema::{
    AttributeSchema, BlockSchema, BlockTypeSchema, Nesting, ProviderSchema, ResourceSchema,
};

/// What the engine asks a provider to plan for one resource instance.
#[derive(Clone, Debug)]
pub struct PlanRequest {
    pub type_name: String,
    /// The refreshed prior state; `None` when the instance is to be created.
    pub prior_state: Option<Value>,
    /// The configuration merged over the prior state: configured arguments from the
    /// configuration, computed attributes the configuration leaves unset from the prior state
    /// (or unknown on create).
    pub proposed_new_state: Value,
    /// The configuration alone (unset arguments null).
    pub config: Value,
}

/// The provider's answer to a plan request.
#[derive(Clone, Debug)]
pub struct PlanResponse {
    /// The state the provider expects after apply; unknown where only apply can tell.
    pub planned_state: Value,
    /// Attributes whose change forces the object to be replaced.
    pub requires_replace: Vec<AttrPath>,
}

/// What the engine asks a provider to apply for one resource instance.
#[derive(Clone, Debug)]
pub struct ApplyRequest {
    pub type_name: String,
    /// `None` to create.
    pub prior_state: Option<Value>,
    /// `None` to delete.
    pub planned_state: Option<Value>,
    pub config: Value,
    /// An idempotency marker for creates: the provider records it on the object it creates (a
    /// client token, an `infra:intent` tag) so that [`Provider::find_by_intent`] can find it if
    /// the engine dies before it has saved the answer.
    pub intent: Option<String>,
}

/// What crash recovery knows of a create that was interrupted: the object may or may not exist.
#[derive(Clone, Copy, Debug)]
pub struct IntentQuery<'a> {
    /// The idempotency marker the create was given (`ApplyRequest::intent`).
    pub marker: &'a str,
    /// The planned object, as recorded before the provider was asked, when it can be read back
    /// (values that were unknown then are null).
    pub planned: Option<&'a Value>,
    /// When the intent was recorded: the create was sent after this instant.
    pub recorded_at: std::time::SystemTime,
}

/// A provider: a set of managed resource types and data sources.
#[async_trait]
pub trait Provider: Send + Sync {
    /// The provider's schema: its configuration, resource types and data sources.
    fn schema(&self) -> &ProviderSchema;

    /// Configures the provider with its (evaluated) `provider` block.
    async fn configure(&self, _config: &Value) -> Result<(), Diagnostics> {
        Ok(())
    }

    /// Checks a resource's configuration beyond what the schema says (value ranges and the like).
    fn validate_resource(&self, _type_name: &str, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Plans a create or update. The default follows the schema (see [`plan_from_schema`]).
    async fn plan(&self, req: PlanRequest) -> Result<PlanResponse, Diagnostics> {
        let schema = self
            .schema()
            .resources
            .get(&req.type_name)
            .ok_or_else(|| unknown_type(&req.type_name))?;
        Ok(plan_from_schema(
            &schema.block,
            req.prior_state.as_ref(),
            &req.proposed_new_state,
        ))
    }

    /// Creates, updates or deletes; returns the new state (`None` after a delete).
    async fn apply(&self, req: ApplyRequest) -> Result<Option<Value>, Diagnostics>;

    /// Refreshes an object from the real world; `None` when it is gone.
    async fn read(&self, type_name: &str, state: &Value) -> Result<Option<Value>, Diagnostics>;

    /// Reads a data source.
    async fn read_data(&self, type_name: &str, _config: &Value) -> Result<Value, Diagnostics> {
        Err(unknown_type(type_name))
    }

    /// Adopts an existing object by its id.
    async fn import(&self, type_name: &str, _id: &str) -> Result<Value, Diagnostics> {
        Err(Diagnostics::from(infra_core::Diagnostic::error(
            "Resource import not supported",
            format!("The resource type \"{type_name}\" does not support import."),
        )))
    }

    /// Finds the object an interrupted create made (crash recovery); `None` if there is none.
    async fn find_by_intent(
        &self,
        _type_name: &str,
        _query: &IntentQuery<'_>,
    ) -> Result<Option<Value>, Diagnostics> {
        Ok(None)
    }

    /// Asks in-flight operations to stop as soon as they safely can.
    fn stop(&self) {}
}

/// The diagnostic for a resource type the provider does not have.
pub fn unknown_type(type_name: &str) -> Diagnostics {
    Diagnostics::from(infra_core::Diagnostic::error(
        "Invalid resource type",
        format!("The provider does not support resource type \"{type_name}\"."),
    ))
}
