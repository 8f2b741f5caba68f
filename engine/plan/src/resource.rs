//! Resource nodes: expansion into instances, refresh, planning each instance's change (or, in
//! apply mode, planning it again with known values and handing it to the applier), orphans.

use std::sync::Arc;

use infra_config::{IgnoreChanges, Resource, ResourceMode};
use infra_core::addr::{InstanceKey, Mode, ResourceAddr, ResourceInstanceAddr};
use infra_core::{Diagnostic, Diagnostics, Type, Value};
use infra_graph::{Node, NodeKind};
use infra_lang::refs::references;
use infra_provider::{BlockSchema, PlanRequest, Provider, ResourceSchema};
use tokio::task::JoinSet;

use crate::model::{Action, PlanMode, Reason, ResourceChange};
use crate::providers::{provider_source, serving_provider_addr};
use crate::state_values::{instance_value, mark_sensitive, value_from_state};
use crate::values::{Expansion, InstanceContext, ResourceEntry};
use crate::walker::{module_at, module_prefix, WalkMode, Walker};

/// An instance task's result: its key and the value references see (none after a delete).
type InstanceOutcome = Result<(Option<InstanceKey>, Option<Value>), Diagnostics>;

/// What an instance task needs besides the walker.
#[derive(Clone)]
struct InstanceJob {
    addr: ResourceInstanceAddr,
    ctx: InstanceContext,
    local: String,
    schema: Arc<ResourceSchema>,
    provider: Arc<dyn Provider>,
    provider_addr: String,
    dependencies: Vec<String>,
}

impl Walker {
    pub(crate) async fn visit_resource(
        self: Arc<Self>,
        node: &Node,
        direct_target: bool,
    ) -> Result<(), Diagnostics> {
        let NodeKind::Resource(rmode, ty, name) = &node.kind else {
            return Ok(());
        };
        let Some(cfg) = module_at(&self.config, &node.module) else {
            return Ok(());
        };
        let local = match rmode {
            ResourceMode::Managed => format!("{ty}.{name}"),
            ResourceMode::Data => format!("data.{ty}.{name}"),
        };
        let Some(res) = cfg.module.resources.get(&local) else {
            return Ok(());
        };
        let key = res.provider_key();
        let Some(provider) = self.provider_for(&node.module, &key) else {
            return Err(Diagnostics::from(
                Diagnostic::error("Provider configuration not present", format!("The provider configuration for \"{key}\" needed by {local} is not available."))
                    .with_subject(res.decl_range.clone()),
            ));
        };
        let schemas = match rmode {
            ResourceMode::Managed => &provider.schema().resources,
            ResourceMode::Data => &provider.schema().data_sources,
        };
        let Some(schema) = schemas.get(ty.as_str()) else {
            let hint = infra_lang::suggest::did_you_mean(ty, schemas.keys().map(String::as_str))
                .map(|s| format!(" Did you mean \"{s}\"?"))
                .unwrap_or_default();
            let what = if *rmode == ResourceMode::Data {
                "data source"
            } else {
                "resource type"
            };
            return Err(Diagnostics::from(
                Diagnostic::error(
                    "Invalid resource type",
                    format!(
                        "The provider {} does not support {what} \"{ty}\".{hint}",
                        provider_source(
                            &self.config,
                            &node.module,
                            key.split('.').next().unwrap_or(&key)
                        )
                    ),
                )
                .with_subject(res.decl_range.clone()),
            ));
        };
        let schema = Arc::new(schema.clone());
        let provider_addr = serving_provider_addr(&self.config, &node.module, &key);
        let dependencies = self.resource_dependencies(node);
        let mode = match rmode {
            ResourceMode::Managed => Mode::Managed,
            ResourceMode::Data => Mode::Data,
        };
        let mut diags = Diagnostics::new();
        let mut tasks: JoinSet<(ResourceAddr, InstanceOutcome)> = JoinSet::new();
        // Instances are spawned a bounded number at a time: each task's future is a few
        // kilobytes, and a task started long before a provider slot frees up for it only holds
        // memory. The bound stays well above `-parallelism` so provider calls never wait on it.
        let in_flight = self.options.parallelism.max(1).saturating_mul(4).max(64);
        let finish = |joined: Result<(ResourceAddr, InstanceOutcome), tokio::task::JoinError>,
                      diags: &mut Diagnostics| {
            let (raddr, r) = match joined {
                Ok(x) => x,
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            };
            match r {
                Ok((k, Some(v))) => {
                    if let Some(e) = self.state.resources.write().expect("lock").get_mut(&raddr) {
                        e.instances.insert(k, v);
                    }
                }
                Ok((_, None)) => {}
                Err(d) => diags.extend(d),
            }
        };
        for (inst, _) in self.state.module_instances(&node.module) {
            let raddr = ResourceAddr {
                module: inst.clone(),
                mode,
                ty: ty.clone(),
                name: name.clone(),
            };
            let where_ = format!("{}{local}", module_prefix(&inst));
            let exp = match crate::expand::expansion(
                &self,
                res.count.as_ref(),
                res.for_each.as_ref(),
                &inst,
                &where_,
            ) {
                Ok(e) => e,
                Err(d) => {
                    diags.extend(d);
                    continue;
                }
            };
            let keys = exp.keys();
            self.state.resources.write().expect("lock").insert(
                raddr.clone(),
                ResourceEntry {
                    expansion: exp.clone(),
                    instances: Default::default(),
                },
            );
            for k in &keys {
                let iaddr = raddr.instance(k.clone());
                let untargeted =
                    direct_target && !self.options.targets.iter().any(|t| t.contains(&iaddr));
                let excluded = self
                    .options
                    .excludes
                    .iter()
                    .any(|t| matches!(t, infra_core::addr::Target::Instance(i) if *i == iaddr));
                if untargeted || excluded {
                    self.claimed.lock().expect("lock").insert(iaddr.clone());
                    if let Some(p) = self.prior.get(&iaddr) {
                        let v = value_from_state(&p.attributes, &schema);
                        if let Some(e) = self.state.resources.write().expect("lock").get_mut(&raddr)
                        {
                            e.instances.insert(k.clone(), v);
                        }
                    }
                    continue;
                }
                let job = InstanceJob {
                    addr: iaddr,
                    ctx: exp.context(k),
                    local: local.clone(),
                    schema: schema.clone(),
                    provider: provider.clone(),
                    provider_addr: provider_addr.clone(),
                    dependencies: dependencies.clone(),
                };
                let w = self.clone();
                let path = node.module.clone();
                let ra = raddr.clone();
                while tasks.len() >= in_flight {
                    match tasks.join_next().await {
                        Some(joined) => finish(joined, &mut diags),
                        None => break,
                    }
                }
                tasks.spawn(async move {
                    let key = job.addr.key.clone();
                    let r = w.instance(&path, job).await.map(|v| (key, v));
                    (ra, r)
                });
            }
            self.orphans_of(&raddr, &exp, &keys, &schema, &provider_addr);
        }
        while let Some(joined) = tasks.join_next().await {
            finish(joined, &mut diags);
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(())
        }
    }

    /// Prior instances of a resource whose keys the expansion no longer has: planned for deletion.
    fn orphans_of(
        &self,
        raddr: &ResourceAddr,
        exp: &Expansion,
        keys: &[Option<InstanceKey>],
        schema: &ResourceSchema,
        provider_addr: &str,
    ) {
        let orphans: Vec<(ResourceInstanceAddr, Arc<infra_state::ResourceInstance>)> = self
            .prior_by_resource
            .get(raddr)
            .into_iter()
            .flatten()
            .filter(|a| !keys.contains(&a.key))
            .filter_map(|a| self.prior.get(a).map(|r| (a.clone(), r.clone())))
            .collect();
        for (a, r) in orphans {
            self.claimed.lock().expect("lock").insert(a.clone());
            if raddr.mode == Mode::Data || !matches!(self.mode, WalkMode::Plan) {
                continue;
            }
            let before = instance_value(&r, schema);
            let reason = match (exp, &a.key) {
                (Expansion::Single, Some(InstanceKey::Int(_))) => {
                    Reason::WrongRepetition("resource does not use count")
                }
                (Expansion::Single, Some(InstanceKey::Str(_))) => {
                    Reason::WrongRepetition("resource does not use for_each")
                }
                (Expansion::Count(_), Some(InstanceKey::Str(_))) => {
                    Reason::WrongRepetition("resource uses count, not for_each")
                }
                (Expansion::ForEach(_), Some(InstanceKey::Int(_))) => {
                    Reason::WrongRepetition("resource uses for_each, not count")
                }
                _ => Reason::NoInstanceKey,
            };
            self.changes.lock().expect("lock").push(ResourceChange {
                addr: a,
                provider: provider_addr.to_string(),
                action: Action::Delete,
                before: Some(before),
                after: None,
                requires_replace: Vec::new(),
                reason: Some(reason),
                dependencies: r.dependencies.clone(),
                schema_version: r.schema_version,
            });
        }
    }

    /// Resources (config addresses) a resource depends on, directly or through locals, variables
    /// and outputs, as recorded in state for ordering deletes.
    fn resource_dependencies(&self, node: &Node) -> Vec<String> {
        let Some(start) = self.graph.node(node) else {
            return Vec::new();
        };
        let mut out = std::collections::BTreeSet::new();
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![start];
        while let Some(n) = stack.pop() {
            for dep in self
                .graph
                .graph
                .neighbors_directed(n, petgraph::Direction::Incoming)
            {
                if !seen.insert(dep) {
                    continue;
                }
                let d = &self.graph.graph[dep];
                match &d.kind {
                    // Direct resource dependencies only: theirs are recorded on them, and the
                    // delete order follows the chain.
                    NodeKind::Resource(..) => {
                        out.insert(d.to_string());
                    }
                    NodeKind::Provider(_) => {}
                    _ => stack.push(dep),
                }
            }
        }
        out.into_iter().collect()
    }

    /// Plans (or applies) one instance; returns the value references to it see.
    async fn instance(
        &self,
        path: &[String],
        job: InstanceJob,
    ) -> Result<Option<Value>, Diagnostics> {
        let res = module_at(&self.config, path)
            .and_then(|c| c.module.resources.get(&job.local))
            .expect("resource exists");
        let stored = self.prior.get(&job.addr).cloned();
        // Only stored instances need claiming (the rest cannot be orphans).
        if stored.is_some() {
            self.claimed.lock().expect("lock").insert(job.addr.clone());
        }
        let tainted = stored.as_ref().is_some_and(|s| s.tainted);
        let mut prior = stored.as_ref().map(|s| instance_value(s, &job.schema));
        let ty = job.addr.resource.ty.clone();
        let address = job.addr.to_string();
        let is_data = job.addr.resource.mode == Mode::Data;

        if let WalkMode::Apply { plan, applier } = &self.mode {
            let planned = plan.change(&job.addr).cloned();
            if is_data {
                let config = self.decode_config(res, &job)?;
                let value = {
                    let _permit = self.semaphore.acquire().await.expect("semaphore open");
                    job.provider
                        .read_data(&ty, &config)
                        .await
                        .map_err(|d| tag(d, &address))?
                };
                let change =
                    self.change(&job, Action::Read, prior.clone(), Some(value.clone()), None);
                applier
                    .apply(change, job.provider.clone(), &job.schema, config)
                    .await?;
                return Ok(Some(value));
            }
            let action = match &planned {
                None => return Ok(prior),
                Some(c) => c.action,
            };
            match action {
                Action::NoOp => return Ok(prior),
                Action::Delete => return Ok(None),
                Action::Read => return Ok(prior),
                _ => {}
            }
            let config = self.decode_config(res, &job)?;
            // A create (the object is gone, or was never there) and the create half of a
            // replacement plan from nothing.
            let plan_prior = if action.is_replace() || action == Action::Create {
                None
            } else {
                prior.clone()
            };
            let (after, _) = self
                .provider_plan(&job, res, plan_prior.as_ref(), &config)
                .await?;
            let before = if action == Action::Create {
                None
            } else {
                prior.clone()
            };
            let change = self.change(
                &job,
                action,
                before,
                Some(after),
                planned.and_then(|c| c.reason),
            );
            let _permit = self.semaphore.acquire().await.expect("semaphore open");
            let new = applier
                .apply(change, job.provider.clone(), &job.schema, config)
                .await?;
            return Ok(new.map(|v| mark_sensitive(v, &job.schema)));
        }

        // Plan mode: refresh first.
        if !is_data
            && self.options.refresh
            && prior.is_some()
            && self.options.mode != PlanMode::Destroy
        {
            let old = prior.clone().expect("checked");
            let refreshed = {
                let _permit = self.semaphore.acquire().await.expect("semaphore open");
                job.provider
                    .read(&ty, &old)
                    .await
                    .map_err(|d| tag(d, &address))?
            };
            let refreshed = refreshed.map(|v| mark_sensitive(v, &job.schema));
            let changed = match &refreshed {
                None => true,
                Some(v) => v.clone().unmark_deep().0 != old.clone().unmark_deep().0,
            };
            if changed {
                let action = if refreshed.is_none() {
                    Action::Delete
                } else {
                    Action::Update
                };
                let d = self.change(&job, action, Some(old), refreshed.clone(), None);
                self.drift.lock().expect("lock").push(d);
            }
            prior = refreshed;
        }
        if self.options.mode == PlanMode::RefreshOnly {
            return Ok(prior);
        }
        let config = self.decode_config(res, &job)?;
        self.check_conditions(
            res,
            &job,
            &res.lifecycle.preconditions,
            None,
            "Resource precondition failed",
        )?;
        if is_data {
            let deps_pending = self.has_pending_changes(&res.depends_on, &job);
            if config.is_wholly_known() && !deps_pending {
                let _permit = self.semaphore.acquire().await.expect("semaphore open");
                let v = job
                    .provider
                    .read_data(&ty, &config)
                    .await
                    .map_err(|d| tag(d, &address))?;
                return Ok(Some(mark_sensitive(v, &job.schema)));
            }
            // What the read will return: the configuration, computed attributes unknown.
            let after = infra_provider::plan_from_schema(
                &job.schema.block,
                None,
                &proposed_state(&job.schema.block, None, &config),
            )
            .planned_state;
            let change = self.change(&job, Action::Read, prior, Some(after.clone()), None);
            self.changes.lock().expect("lock").push(change);
            return Ok(Some(after));
        }
        let change = self.plan_change(res, &job, prior, config, tainted).await?;
        let value = change.after.clone();
        if let Some(after) = &value {
            if after.is_wholly_known() {
                self.check_conditions(
                    res,
                    &job,
                    &res.lifecycle.postconditions,
                    Some(after.clone()),
                    "Resource postcondition failed",
                )?;
            }
        }
        self.changes.lock().expect("lock").push(change);
        Ok(value)
    }

    fn change(
        &self,
        job: &InstanceJob,
        action: Action,
        before: Option<Value>,
        after: Option<Value>,
        reason: Option<Reason>,
    ) -> ResourceChange {
        let reason = reason.or_else(|| {
            self.moved_from.get(&job.addr).map(|(f, implicit)| {
                if *implicit {
                    Reason::ImplicitMove(f.clone())
                } else {
                    Reason::MovedFrom(f.clone())
                }
            })
        });
        ResourceChange {
            addr: job.addr.clone(),
            provider: job.provider_addr.clone(),
            action,
            before,
            after,
            requires_replace: Vec::new(),
            reason,
            dependencies: job.dependencies.clone(),
            schema_version: job.schema.version,
        }
    }

    fn decode_config(&self, res: &Resource, job: &InstanceJob) -> Result<Value, Diagnostics> {
        let scope = self.scope(&job.addr.resource.module, job.ctx.clone());
        let decoder = self.decoder(&scope, Some(job.addr.to_string()));
        let v = decoder.decode(&res.body, &job.schema.block, &res.range)?;
        // The SDK's validate names managed types only (a data source may share a type's name).
        if job.addr.resource.mode == Mode::Managed {
            let d = job.provider.validate_resource(&job.addr.resource.ty, &v);
            if d.has_errors() {
                return Err(tag(d, &job.addr.to_string()));
            }
        }
        Ok(v)
    }

    fn check_conditions(
        &self,
        res: &Resource,
        job: &InstanceJob,
        checks: &[infra_config::Check],
        self_value: Option<Value>,
        summary: &str,
    ) -> Result<(), Diagnostics> {
        let mut diags = Diagnostics::new();
        for check in checks {
            let mut scope = self.scope(&job.addr.resource.module, job.ctx.clone());
            scope.self_value = self_value.clone();
            let mut ectx = infra_lang::EvalContext::new(
                &scope,
                &self.functions,
                &self.fctx,
                &check.condition.file,
            );
            match ectx.eval(&check.condition.expr) {
                Ok(v) if v.as_bool() == Some(false) => {
                    let mut mctx = infra_lang::EvalContext::new(
                        &scope,
                        &self.functions,
                        &self.fctx,
                        &check.error_message.file,
                    );
                    let msg = mctx
                        .eval(&check.error_message.expr)
                        .ok()
                        .and_then(|m| m.as_str().map(str::to_string))
                        .unwrap_or_default();
                    diags.push(
                        Diagnostic::error(summary, msg)
                            .with_subject(check.condition.range())
                            .with_address(job.addr.to_string()),
                    );
                }
                Ok(_) => {}
                Err(d) => diags.push(*d),
            }
        }
        let _ = res;
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(())
        }
    }

    /// Whether any resource (or, with an index, resource instance) named in `exprs` has a
    /// pending change. An index may be a literal, `count.index` or `each.key` (this instance's).
    fn has_pending_changes(&self, exprs: &[infra_config::Expr], job: &InstanceJob) -> bool {
        let changes = self.changes.lock().expect("lock");
        exprs.iter().any(|e| {
            references(&e.expr, &e.file).iter().any(|r| {
                let (mode, ty, name, key_step) =
                    match (r.root.as_str(), r.first_attr(), r.second_attr()) {
                        ("data", Some(t), Some(n)) => {
                            (Mode::Data, t.to_string(), n.to_string(), r.steps.get(2))
                        }
                        (t, Some(n), _) => {
                            (Mode::Managed, t.to_string(), n.to_string(), r.steps.get(1))
                        }
                        _ => return false,
                    };
                let key = match key_step {
                    Some(infra_lang::refs::RefStep::Key(k)) => Some(
                        k.parse::<i64>()
                            .map(InstanceKey::Int)
                            .unwrap_or_else(|_| InstanceKey::Str(k.clone())),
                    ),
                    Some(infra_lang::refs::RefStep::Dynamic) => instance_key_in(e, &job.ctx),
                    _ => None,
                };
                changes.iter().any(|c| {
                    c.action != Action::NoOp
                        && c.addr.resource.module == job.addr.resource.module
                        && c.addr.resource.mode == mode
                        && c.addr.resource.ty == ty
                        && c.addr.resource.name == name
                        && key.as_ref().is_none_or(|k| c.addr.key.as_ref() == Some(k))
                })
            })
        })
    }

    /// Asks the provider for the planned state. `ignore_changes` works on the configuration, as
    /// Terraform's does: the ignored paths take their prior values before the provider plans.
    async fn provider_plan(
        &self,
        job: &InstanceJob,
        res: &Resource,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<(Value, Vec<infra_provider::AttrPath>), Diagnostics> {
        let config = match prior {
            Some(prior) => ignore_changes(
                &res.lifecycle.ignore_changes,
                &job.schema,
                prior,
                config.clone(),
            ),
            None => config.clone(),
        };
        let proposed = proposed_state(&job.schema.block, prior, &config);
        let resp = job
            .provider
            .plan(PlanRequest {
                type_name: job.addr.resource.ty.clone(),
                prior_state: prior.cloned(),
                proposed_new_state: proposed,
                config: config.clone(),
            })
            .await
            .map_err(|d| tag(d, &job.addr.to_string()))?;
        Ok((
            mark_sensitive(resp.planned_state, &job.schema),
            resp.requires_replace,
        ))
    }

    async fn plan_change(
        &self,
        res: &Resource,
        job: &InstanceJob,
        prior: Option<Value>,
        config: Value,
        tainted: bool,
    ) -> Result<ResourceChange, Diagnostics> {
        let (planned, requires_replace) = self
            .provider_plan(job, res, prior.as_ref(), &config)
            .await?;
        let Some(before) = prior else {
            return Ok(self.change(job, Action::Create, None, Some(planned), None));
        };
        let mut reason = None;
        if self.options.replace.contains(&job.addr) {
            reason = Some(Reason::ReplaceByRequest);
        } else if tainted {
            reason = Some(Reason::Tainted);
        } else if self.triggers_changed(res, job) {
            reason = Some(Reason::ReplaceByTriggers);
        }
        if reason.is_some() || !requires_replace.is_empty() {
            let (after, _) = self.provider_plan(job, res, None, &config).await?;
            let action = if res.lifecycle.create_before_destroy {
                Action::CreateThenDelete
            } else {
                Action::DeleteThenCreate
            };
            if res.lifecycle.prevent_destroy {
                return Err(prevent_destroy(res, &job.addr));
            }
            let mut c = self.change(job, action, Some(before), Some(after), reason);
            c.requires_replace = requires_replace;
            return Ok(c);
        }
        let same = planned.is_wholly_known()
            && planned.clone().unmark_deep().0 == before.clone().unmark_deep().0;
        let action = if same { Action::NoOp } else { Action::Update };
        Ok(self.change(job, action, Some(before), Some(planned), None))
    }

    /// Whether something named in `replace_triggered_by` has a pending change.
    fn triggers_changed(&self, res: &Resource, job: &InstanceJob) -> bool {
        self.has_pending_changes(&res.lifecycle.replace_triggered_by, job)
    }
}

/// The instance key an index like `[count.index]` or `[each.key]` in `e` selects for this instance.
fn instance_key_in(e: &infra_config::Expr, ctx: &InstanceContext) -> Option<InstanceKey> {
    let span = hcl_edit::Span::span(&e.expr)?;
    let text = e.file.text().get(span)?;
    let inner = text.split_once('[')?.1.split_once(']')?.0.trim();
    match inner {
        "count.index" => ctx.count_index.map(InstanceKey::Int),
        "each.key" => ctx.each.as_ref().map(|(k, _)| InstanceKey::Str(k.clone())),
        _ => None,
    }
}

/// The error for a plan that would destroy a `prevent_destroy` resource.
pub(crate) fn prevent_destroy(res: &Resource, addr: &ResourceInstanceAddr) -> Diagnostics {
    Diagnostics::from(
        Diagnostic::error(
            "Instance cannot be destroyed",
            format!("Resource {addr} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target flag."),
        )
        .with_subject(res.decl_range.clone())
        .with_address(addr.to_string()),
    )
}

/// The path an `ignore_changes` entry names: `tags` → [tags], `tags["Name"]` → [tags, Name].
fn ignore_path(e: &infra_config::Expr) -> Vec<String> {
    let span = hcl_edit::Span::span(&e.expr).unwrap_or(0..0);
    let text = e
        .file
        .text()
        .get(span)
        .unwrap_or_default()
        .trim()
        .trim_matches('"');
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').unwrap_or(r.len());
            out.push(r[..end].trim().trim_matches('"').to_string());
            rest = r.get(end + 1..).unwrap_or("");
        } else {
            let r = rest.strip_prefix('.').unwrap_or(rest);
            let end = r.find(['.', '[']).unwrap_or(r.len());
            out.push(r[..end].to_string());
            rest = &r[end..];
        }
    }
    out
}

/// The configuration with ignored paths set to their prior values.
fn ignore_changes(
    ic: &IgnoreChanges,
    schema: &ResourceSchema,
    prior: &Value,
    config: Value,
) -> Value {
    let paths: Vec<Vec<String>> = match ic {
        IgnoreChanges::None => return config,
        IgnoreChanges::All => schema
            .block
            .attributes
            .iter()
            .filter(|(_, a)| a.optional || a.required)
            .map(|(k, _)| vec![k.clone()])
            .collect(),
        IgnoreChanges::Paths(p) => p.iter().map(ignore_path).collect(),
    };
    let mut config = config;
    for path in paths {
        config = set_path(config, &path, prior);
    }
    config
}

/// Sets `path` in `v` to the value at the same path in `from` (removing it when `from` has none).
fn set_path(v: Value, path: &[String], from: &Value) -> Value {
    let Some((first, rest)) = path.split_first() else {
        return from.clone();
    };
    let (v, marked) = v.unmark();
    let sub_from = from.peel().entries().and_then(|m| m.get(first));
    let out = match v {
        Value::Object(mut m) => {
            match (sub_from, m.remove(first)) {
                (Some(f), Some(cur)) => {
                    m.insert(first.clone(), set_path(cur, rest, f));
                }
                (Some(f), None) => {
                    m.insert(first.clone(), f.clone());
                }
                (None, Some(cur)) if !rest.is_empty() => {
                    m.insert(first.clone(), cur);
                }
                (None, Some(cur)) => {
                    m.insert(first.clone(), Value::Null(cur.ty()));
                }
                (None, None) => {}
            }
            Value::Object(m)
        }
        Value::Map(t, mut m) => {
            match (sub_from, m.remove(first)) {
                (Some(f), Some(cur)) => {
                    m.insert(first.clone(), set_path(cur, rest, f));
                }
                (Some(f), None) => {
                    m.insert(first.clone(), f.clone());
                }
                (None, Some(cur)) if !rest.is_empty() => {
                    m.insert(first.clone(), cur);
                }
                _ => {}
            }
            Value::Map(t, m)
        }
        other => other,
    };
    out.mark_if(marked)
}

/// The configuration merged over the prior state: configured values win; computed attributes
/// left unset keep their prior value (or stay null for the provider to mark unknown).
pub fn proposed_state(schema: &BlockSchema, prior: Option<&Value>, config: &Value) -> Value {
    let empty = infra_core::ValueMap::new();
    let cfg = config.entries().unwrap_or(&empty);
    let old = prior.and_then(Value::entries);
    let mut out = infra_core::ValueMap::new();
    for (name, a) in &schema.attributes {
        let c = cfg.get(name).cloned().unwrap_or(Value::Null(a.ty.clone()));
        let v = if c.is_null() && a.computed {
            old.and_then(|m| m.get(name))
                .cloned()
                .unwrap_or(Value::Null(a.ty.clone()))
        } else {
            c
        };
        out.insert(name.clone(), v);
    }
    for name in schema.block_types.keys() {
        out.insert(
            name.clone(),
            cfg.get(name).cloned().unwrap_or(Value::Null(Type::Dynamic)),
        );
    }
    Value::Object(out)
}

fn tag(d: Diagnostics, address: &str) -> Diagnostics {
    Diagnostics(
        d.into_iter()
            .map(|x| {
                if x.address.is_none() {
                    x.with_address(address)
                } else {
                    x
                }
            })
            .collect(),
    )
}
