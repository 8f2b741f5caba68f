//! The provider itself: [`AwsProvider`] configures the SDK clients and dispatches the SDK's
//! [`Provider`] calls to one [`AwsResource`] per resource type, and data source reads to one
//! [`AwsDataSource`] per data source.
//!
//! It owns the rules every resource shares: plan-time defaults and `tags_all`, converting values
//! to and from JSON at the boundary, carrying `timeouts` through, treating "not found" on delete
//! as done, rolling back a create that failed half-way, and turning every error into diagnostics
//! that say what was being done (the engine adds the resource address).

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use infra_core::{Diagnostic, Diagnostics, Value};
use infra_provider::{
    plan_from_schema, unknown_type, ApplyRequest, IntentQuery, PlanRequest, PlanResponse, Provider,
    ProviderSchema, ResourceSchema,
};
use serde_json::{json, Value as J};

use crate::config::{self, Clients, Settings};
use crate::data_sources::{self, AwsDataSource};
use crate::error::{Error, Result};
use crate::retry::StopSignal;
use crate::tags::planned_tags_all;
use crate::values::{from_json, to_json};

/// The attributes of a resource object.
pub(crate) type Attrs = infra_core::ValueMap;

/// What an operation can use: the configured clients and the stop signal.
pub(crate) struct Ctx {
    pub clients: Arc<Clients>,
    pub stop: StopSignal,
}

impl Ctx {
    pub(crate) fn ec2(&self) -> &aws_sdk_ec2::Client {
        &self.clients.ec2
    }
    pub(crate) fn s3(&self) -> &aws_sdk_s3::Client {
        &self.clients.s3
    }
}

/// One managed resource type. Values are JSON (see [`crate::values`]); every planned value is
/// known by the time `create` and `update` run.
#[async_trait]
pub(crate) trait AwsResource: Send + Sync {
    fn type_name(&self) -> &'static str;

    fn schema(&self) -> ResourceSchema;

    /// Values for optional+computed arguments the configuration leaves null (Terraform's
    /// schema defaults).
    fn defaults(&self) -> Vec<(&'static str, Value)> {
        Vec::new()
    }

    /// Adjusts the proposed state before it is planned: canonical forms of nested blocks, and
    /// blocks that AWS owns when the configuration leaves them out.
    fn adjust_plan(&self, _proposed: &mut Attrs, _prior: Option<&Attrs>, _config: &Attrs) {}

    /// Checks a configuration beyond its schema.
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Creates the object and returns its state as read back. `intent` is the engine's
    /// idempotency marker, to be recorded on the object (the `infra:intent` tag).
    async fn create(&self, ctx: &Ctx, planned: &J, intent: Option<&str>) -> Result<J>;

    /// Updates in place and returns the state as read back.
    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J>;

    /// Deletes the object (waiting out dependency violations).
    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()>;

    /// Reads the object; `None` when it no longer exists.
    async fn read(&self, ctx: &Ctx, prior: &J) -> Result<Option<J>>;

    /// Reads an existing object by its import id; `None` when there is none.
    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<J>> {
        self.read(ctx, &json!({ "id": id })).await
    }

    /// Finds the object created with `marker` as its intent; `None` when there is none.
    async fn find_by_intent(&self, _ctx: &Ctx, _marker: &str) -> Result<Option<J>> {
        Ok(None)
    }

    /// Finds what an interrupted create made, knowing also the planned object and when the
    /// create was about to be sent. By default, by the intent marker alone.
    async fn find_created(&self, ctx: &Ctx, q: &Created<'_>) -> Result<Option<J>> {
        self.find_by_intent(ctx, q.marker).await
    }
}

/// An interrupted create, as [`AwsResource::find_created`] sees it.
pub(crate) struct Created<'a> {
    pub marker: &'a str,
    /// The planned object (unknown values null); `Null` when it could not be recorded.
    pub planned: J,
    /// The create was sent after this instant.
    pub recorded_at: std::time::SystemTime,
}

/// The AWS provider: resources and data sources, plus the clients `configure` makes.
pub(crate) struct AwsProvider {
    schema: ProviderSchema,
    resources: BTreeMap<&'static str, Box<dyn AwsResource>>,
    data_sources: BTreeMap<&'static str, Box<dyn AwsDataSource>>,
    clients: RwLock<Option<Arc<Clients>>>,
    stop: StopSignal,
}

impl AwsProvider {
    /// A provider with `resources` and every data source of [`crate::data_sources`].
    pub(crate) fn new(resources: Vec<Box<dyn AwsResource>>) -> AwsProvider {
        let mut schema = ProviderSchema {
            provider: config::schema(),
            ..ProviderSchema::default()
        };
        for r in &resources {
            schema
                .resources
                .insert(r.type_name().to_string(), r.schema());
        }
        let data_sources = data_sources::all();
        for d in &data_sources {
            schema
                .data_sources
                .insert(d.type_name().to_string(), d.schema());
        }
        AwsProvider {
            schema,
            resources: resources.into_iter().map(|r| (r.type_name(), r)).collect(),
            data_sources: data_sources
                .into_iter()
                .map(|d| (d.type_name(), d))
                .collect(),
            clients: RwLock::new(None),
            stop: StopSignal::new(),
        }
    }

    fn resource(
        &self,
        type_name: &str,
    ) -> std::result::Result<(&dyn AwsResource, &ResourceSchema), Diagnostics> {
        match (
            self.resources.get(type_name),
            self.schema.resources.get(type_name),
        ) {
            (Some(r), Some(s)) => Ok((r.as_ref(), s)),
            _ => Err(unknown_type(type_name)),
        }
    }

    fn data_source(
        &self,
        type_name: &str,
    ) -> std::result::Result<(&dyn AwsDataSource, &ResourceSchema), Diagnostics> {
        match (
            self.data_sources.get(type_name),
            self.schema.data_sources.get(type_name),
        ) {
            (Some(d), Some(s)) => Ok((d.as_ref(), s)),
            _ => Err(unknown_data_source(type_name)),
        }
    }

    fn ctx(&self) -> std::result::Result<Ctx, Diagnostics> {
        let clients = self.clients.read().expect("lock").clone();
        match clients {
            Some(clients) => Ok(Ctx {
                clients,
                stop: self.stop.clone(),
            }),
            None => Err(Diagnostic::error(
                "Provider not configured",
                "The AWS provider was used before it was configured. This is a bug in infra.",
            )
            .into()),
        }
    }

    fn default_tags(&self) -> BTreeMap<String, String> {
        self.clients
            .read()
            .expect("lock")
            .as_ref()
            .map(|c| c.default_tags.clone())
            .unwrap_or_default()
    }
}

/// Converts a resource's JSON state back to a value, carrying `timeouts` over from `from`.
fn finish(schema: &ResourceSchema, mut state: J, from: &J) -> Result<Value> {
    if schema.block.block_types.contains_key("timeouts") {
        if let Some(o) = state.as_object_mut() {
            o.insert(
                "timeouts".into(),
                from.get("timeouts").cloned().unwrap_or(J::Null),
            );
        }
    }
    from_json(&schema.block, &state)
}

/// A data source's answer laid over its configuration: the configured arguments, and the
/// attributes the data source computed (or normalised).
fn merge_data(config: J, read: J) -> J {
    match (config, read) {
        (J::Object(mut c), J::Object(r)) => {
            c.extend(r);
            J::Object(c)
        }
        (_, read) => read,
    }
}

fn unknown_data_source(type_name: &str) -> Diagnostics {
    Diagnostic::error(
        "Invalid data source",
        format!("The provider does not support data source \"{type_name}\"."),
    )
    .into()
}

fn fail(type_name: &str, doing: &str) -> impl FnOnce(Error) -> Diagnostics {
    let doing = format!("{doing} {type_name}");
    move |e| e.into_diagnostics(&doing)
}

#[async_trait]
impl Provider for AwsProvider {
    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    async fn configure(&self, config: &Value) -> std::result::Result<(), Diagnostics> {
        let settings = Settings::resolve(&to_json(config), &|k| std::env::var(k).ok())?;
        let clients = config::connect(&settings).await?;
        *self.clients.write().expect("lock") = Some(Arc::new(clients));
        Ok(())
    }

    fn validate_resource(&self, type_name: &str, config: &Value) -> Diagnostics {
        match self.resources.get(type_name) {
            Some(r) => r.validate(config),
            None => unknown_type(type_name),
        }
    }

    async fn plan(&self, req: PlanRequest) -> std::result::Result<PlanResponse, Diagnostics> {
        let (r, schema) = self.resource(&req.type_name)?;
        let diags = r.validate(&req.config);
        if diags.has_errors() {
            return Err(diags);
        }
        let config = req.config.entries().cloned().unwrap_or_default();
        let prior = req.prior_state.as_ref().and_then(Value::entries);
        let mut proposed = req
            .proposed_new_state
            .entries()
            .cloned()
            .unwrap_or_default();
        for (name, default) in r.defaults() {
            if config.get(name).is_none_or(Value::is_null) {
                proposed.insert(name.to_string(), default);
            }
        }
        if schema.block.attributes.contains_key("tags_all") {
            let all = planned_tags_all(&self.default_tags(), proposed.get("tags"));
            proposed.insert("tags_all".into(), all);
        }
        r.adjust_plan(&mut proposed, prior, &config);
        Ok(plan_from_schema(
            &schema.block,
            req.prior_state.as_ref(),
            &Value::Object(proposed),
        ))
    }

    async fn apply(&self, req: ApplyRequest) -> std::result::Result<Option<Value>, Diagnostics> {
        let (r, schema) = self.resource(&req.type_name)?;
        let ctx = self.ctx()?;
        let t = req.type_name.as_str();
        match (&req.prior_state, &req.planned_state) {
            (None, None) => Ok(None),
            (Some(prior), None) => match r.delete(&ctx, &to_json(prior)).await {
                Ok(()) => Ok(None),
                Err(e) if e.is_not_found() => Ok(None),
                Err(e) => Err(fail(t, "deleting")(e)),
            },
            (None, Some(planned)) => {
                let planned = to_json(planned);
                let state = match r.create(&ctx, &planned, req.intent.as_deref()).await {
                    Ok(s) => s,
                    Err(Error::AfterCreate { id, source }) => {
                        return Err(rollback(r, &ctx, t, &id, *source).await)
                    }
                    Err(e) => return Err(fail(t, "creating")(e)),
                };
                finish(schema, state, &planned)
                    .map(Some)
                    .map_err(fail(t, "creating"))
            }
            (Some(prior), Some(planned)) => {
                let planned = to_json(planned);
                let state = r
                    .update(&ctx, &to_json(prior), &planned)
                    .await
                    .map_err(fail(t, "updating"))?;
                finish(schema, state, &planned)
                    .map(Some)
                    .map_err(fail(t, "updating"))
            }
        }
    }

    async fn read(
        &self,
        type_name: &str,
        state: &Value,
    ) -> std::result::Result<Option<Value>, Diagnostics> {
        let (r, schema) = self.resource(type_name)?;
        let ctx = self.ctx()?;
        let prior = to_json(state);
        match r
            .read(&ctx, &prior)
            .await
            .map_err(fail(type_name, "reading"))?
        {
            Some(s) => finish(schema, s, &prior)
                .map(Some)
                .map_err(fail(type_name, "reading")),
            None => Ok(None),
        }
    }

    async fn read_data(
        &self,
        type_name: &str,
        config: &Value,
    ) -> std::result::Result<Value, Diagnostics> {
        let (d, schema) = self.data_source(type_name)?;
        let ctx = self.ctx()?;
        let config = to_json(config);
        let doing = "reading data source";
        let read = d
            .read(&ctx, &config)
            .await
            .map_err(fail(type_name, doing))?;
        from_json(&schema.block, &merge_data(config, read)).map_err(fail(type_name, doing))
    }

    async fn import(&self, type_name: &str, id: &str) -> std::result::Result<Value, Diagnostics> {
        let (r, schema) = self.resource(type_name)?;
        let ctx = self.ctx()?;
        match r.import(&ctx, id).await.map_err(fail(type_name, "importing"))? {
            Some(s) => finish(schema, s, &J::Null).map_err(fail(type_name, "importing")),
            None => Err(Diagnostic::error(
                "Cannot import non-existent remote object",
                format!(
                    "While attempting to import an existing object to \"{type_name}\", the provider found no \
                     object with the id {id:?}. Only existing objects can be imported: check the id, and that \
                     the object is in the provider's region ({}) and account.",
                    ctx.clients.region
                ),
            )
            .into()),
        }
    }

    async fn find_by_intent(
        &self,
        type_name: &str,
        query: &IntentQuery<'_>,
    ) -> std::result::Result<Option<Value>, Diagnostics> {
        let (r, schema) = self.resource(type_name)?;
        let ctx = self.ctx()?;
        let created = Created {
            marker: query.marker,
            planned: query.planned.map(to_json).unwrap_or(J::Null),
            recorded_at: query.recorded_at,
        };
        match r
            .find_created(&ctx, &created)
            .await
            .map_err(fail(type_name, "looking up by intent"))?
        {
            Some(s) => finish(schema, s, &J::Null)
                .map(Some)
                .map_err(fail(type_name, "looking up by intent")),
            None => Ok(None),
        }
    }

    fn stop(&self) {
        self.stop.stop();
    }
}

/// A create that made the object but failed after: delete the object again so that nothing is
/// left untracked (the SDK cannot return a partial state), and report the original error.
async fn rollback(
    r: &dyn AwsResource,
    ctx: &Ctx,
    type_name: &str,
    id: &str,
    source: Error,
) -> Diagnostics {
    let mut diags = source.into_diagnostics(&format!("creating {type_name}"));
    let undone = match r.read(ctx, &json!({ "id": id })).await {
        Ok(Some(state)) => r.delete(ctx, &state).await,
        Ok(None) => Ok(()),
        Err(e) => Err(e),
    };
    let note = match undone {
        Ok(()) => format!("The object `{id}` was created but could not be completed, so it was deleted again."),
        Err(e) => format!(
            "The object `{id}` was created but could not be completed, and deleting it again failed too ({e}). \
             Delete it by hand, or import it."
        ),
    };
    if let Some(d) = diags.0.first_mut() {
        d.detail = format!("{} {note}", d.detail);
    }
    diags
}
