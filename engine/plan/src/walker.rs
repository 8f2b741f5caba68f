//! The graph walk shared by plan and apply: visits every configuration node once its
//! dependencies are done, expands modules, resources and their instances, and evaluates each
//! expression in the scope of its module instance.
//!
//! In plan mode, resource instances are refreshed and planned. In apply mode, each instance's
//! change is planned again with the values now known and handed to an [`Applier`] (the apply
//! crate), whose result becomes the value later expressions see.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use infra_config::{Config, Expr, Module};
use infra_core::addr::{ModuleInstance, ResourceInstanceAddr};
use infra_core::convert::convert;
use infra_core::{Diagnostic, Diagnostics, Type, Value};
use infra_graph::{build_graph, provider_node, ConfigGraph, Node, NodeKind, WalkOutcome};
use infra_lang::{EvalContext, FuncContext, Functions};
use infra_provider::{Provider, Registry, ResourceSchema};
use infra_state::StateSnapshot;
use petgraph::graph::NodeIndex;
use tokio::sync::Semaphore;

use crate::decode::Decoder;
use crate::model::{Plan, ResourceChange};
use crate::options::PlanOptions;
use crate::providers::{instantiate, provider_source, ProviderSet};
use crate::values::{EvalState, InstanceContext, InstanceScope};

/// Carries out planned changes during an apply walk.
#[async_trait]
pub trait Applier: Send + Sync {
    /// Applies a create, update, the create half of a replacement, or a data read. `change.after`
    /// is the final planned state. Returns the new state of the instance.
    async fn apply(
        &self,
        change: ResourceChange,
        provider: Arc<dyn Provider>,
        schema: &ResourceSchema,
        config: Value,
    ) -> Result<Option<Value>, Diagnostics>;
}

/// Whether the walk plans or applies.
#[derive(Clone)]
pub enum WalkMode {
    Plan,
    Apply {
        plan: Arc<Plan>,
        applier: Arc<dyn Applier>,
    },
}

/// Everything one walk shares between its concurrent node visits.
pub struct Walker {
    pub(crate) config: Arc<Config>,
    pub(crate) graph: ConfigGraph,
    pub(crate) state: EvalState,
    pub(crate) providers: ProviderSet,
    pub(crate) registry: Registry,
    pub(crate) functions: Functions,
    pub(crate) fctx: FuncContext,
    pub(crate) options: PlanOptions,
    pub(crate) mode: WalkMode,
    /// The prior state's instances by address (after `moved` renames), with the reason.
    pub(crate) prior: HashMap<ResourceInstanceAddr, Arc<infra_state::ResourceInstance>>,
    pub(crate) moved_from: crate::prior::MovedFrom,
    /// The prior instances of each resource.
    pub(crate) prior_by_resource:
        HashMap<infra_core::addr::ResourceAddr, Vec<ResourceInstanceAddr>>,
    /// The prior state as read; handed over (not copied) to the plan when the walk finishes.
    pub(crate) prior_state: Mutex<StateSnapshot>,
    pub(crate) changes: Mutex<Vec<ResourceChange>>,
    pub(crate) drift: Mutex<Vec<ResourceChange>>,
    pub(crate) diags: Mutex<Diagnostics>,
    /// Instances the walk has accounted for (the rest of the prior state are orphans).
    pub(crate) claimed: Mutex<HashSet<ResourceInstanceAddr>>,
    pub(crate) semaphore: Semaphore,
    pub(crate) cancelled: Arc<AtomicBool>,
    /// Configuration nodes the walk visits (all, unless `-target`/`-exclude` narrowed it).
    pub(crate) included: Option<HashSet<NodeIndex>>,
    /// Resource nodes named by `-target` (their instances are filtered by key).
    pub(crate) direct_targets: HashSet<NodeIndex>,
}

/// The module config at a static path.
pub fn module_at<'a>(config: &'a Config, path: &[String]) -> Option<&'a Config> {
    let mut c = config;
    for p in path {
        c = c.children.get(p)?;
    }
    Some(c)
}

/// The modules from the root down to `path`.
pub fn module_chain<'a>(config: &'a Config, path: &[String]) -> Vec<&'a Module> {
    let mut v = vec![&config.module];
    let mut c = config;
    for p in path {
        match c.children.get(p) {
            Some(child) => {
                v.push(&child.module);
                c = child;
            }
            None => break,
        }
    }
    v
}

impl Walker {
    /// Prepares a walk: builds the graph (cycles are errors), indexes the prior state, applies
    /// `moved` blocks, and seeds resource values from the prior state.
    pub fn new(
        config: Arc<Config>,
        registry: Registry,
        prior_state: StateSnapshot,
        options: PlanOptions,
        mode: WalkMode,
        cancelled: Arc<AtomicBool>,
    ) -> Result<Walker, Diagnostics> {
        let (graph, diags) = build_graph(&config);
        if diags.has_errors() {
            return Err(diags);
        }
        let mut module_outputs = HashMap::new();
        collect_outputs(&config, &mut module_outputs);
        let (prior, moved_from) = crate::prior::index_prior(&config, &prior_state)?;
        let mut prior_by_resource: HashMap<
            infra_core::addr::ResourceAddr,
            Vec<ResourceInstanceAddr>,
        > = HashMap::new();
        for a in prior.keys() {
            prior_by_resource
                .entry(a.resource.clone())
                .or_default()
                .push(a.clone());
        }
        let state = EvalState::new(module_outputs);
        let (included, direct_targets) = crate::targets::included_nodes(&graph, &options);
        // Only a targeted walk skips resources; without targets every resource is visited (in
        // dependency order, before anything that refers to it) and sets its own values.
        if included.is_some() {
            crate::prior::seed_resources(&state, &prior);
        }
        let cwd = std::env::current_dir().unwrap_or_default();
        let fctx = FuncContext {
            cwd,
            ..FuncContext::default()
        };
        let parallelism = options.parallelism.max(1);
        Ok(Walker {
            config,
            graph,
            state,
            providers: ProviderSet::default(),
            registry,
            functions: Functions::standard(),
            fctx,
            options,
            mode,
            prior,
            moved_from,
            prior_by_resource,
            prior_state: Mutex::new(prior_state),
            changes: Mutex::new(Vec::new()),
            drift: Mutex::new(Vec::new()),
            diags: Mutex::new(Diagnostics::new()),
            claimed: Mutex::new(HashSet::new()),
            semaphore: Semaphore::new(parallelism),
            cancelled,
            included,
            direct_targets,
        })
    }

    pub fn graph(&self) -> &ConfigGraph {
        &self.graph
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The schema of a resource type by the provider address recorded in state: from a provider
    /// this walk configured, else from a fresh instance of the provider (for objects whose
    /// configuration is gone).
    pub fn schema_for(
        &self,
        provider_addr: &str,
        mode: infra_core::addr::Mode,
        ty: &str,
    ) -> Option<infra_provider::ResourceSchema> {
        let configured = self
            .configured_providers()
            .into_iter()
            .find(|(a, _)| a == provider_addr)
            .map(|(_, p)| p);
        let provider = configured.or_else(|| {
            let source = provider_addr
                .split("provider[\"")
                .nth(1)?
                .split("\"]")
                .next()?;
            self.registry.by_source(source).map(|f| f())
        })?;
        let schemas = match mode {
            infra_core::addr::Mode::Managed => &provider.schema().resources,
            infra_core::addr::Mode::Data => &provider.schema().data_sources,
        };
        schemas.get(ty).cloned()
    }

    /// The providers this walk configured, by the address state records them under.
    pub fn configured_providers(&self) -> Vec<(String, Arc<dyn Provider>)> {
        let mut out = Vec::new();
        for i in self.graph.graph.node_indices() {
            let node = &self.graph.graph[i];
            let NodeKind::Provider(key) = &node.kind else {
                continue;
            };
            let Some(p) = self.providers.get(node) else {
                continue;
            };
            let local_name = key.split('.').next().unwrap_or(key);
            let alias = key.split_once('.').map(|(_, a)| a);
            let addr = crate::providers::provider_state_addr(
                &provider_source(&self.config, &node.module, local_name),
                alias,
            );
            out.push((addr, p));
        }
        out
    }

    /// Runs the walk to the end. Diagnostics gather in `self.diags`.
    pub async fn run(self: &Arc<Self>) -> HashMap<NodeIndex, WalkOutcome> {
        let me = self.clone();
        let cancelled = self.cancelled.clone();
        infra_graph::walk(
            &self.graph.graph,
            move |n| {
                let w = me.clone();
                Box::pin(async move { w.visit(n).await })
            },
            move || cancelled.load(Ordering::SeqCst),
        )
        .await
    }

    pub(crate) fn push_diags(&self, d: Diagnostics) {
        self.diags.lock().expect("lock").extend(d);
    }

    async fn visit(self: Arc<Self>, n: NodeIndex) -> bool {
        if let Some(inc) = &self.included {
            if !inc.contains(&n) {
                return true;
            }
        }
        let node = self.graph.graph[n].clone();
        let result = match &node.kind {
            NodeKind::Variable(name) => self.visit_variable(&node.module, name),
            NodeKind::Local(name) => self.visit_local(&node.module, name),
            NodeKind::Output(name) => self.visit_output(&node.module, name),
            NodeKind::ModuleCall(name) => self.visit_module_call(&node.module, name),
            NodeKind::Provider(_) => self.visit_provider(&node).await,
            NodeKind::Resource(..) => {
                self.clone()
                    .visit_resource(&node, self.direct_targets.contains(&n))
                    .await
            }
        };
        match result {
            Ok(()) => true,
            Err(d) => {
                self.push_diags(d);
                false
            }
        }
    }

    /// The scope of one module instance.
    pub(crate) fn scope<'a>(
        &'a self,
        module: &'a ModuleInstance,
        ctx: InstanceContext,
    ) -> InstanceScope<'a> {
        let dir = module_at(&self.config, &module.static_path())
            .map(|c| c.module.dir.to_string_lossy().to_string())
            .unwrap_or_else(|| ".".into());
        let root = self.config.module.dir.to_string_lossy().to_string();
        let cwd = self.fctx.cwd.to_string_lossy().to_string();
        let path = Value::Object(infra_core::ValueMap::from([
            ("module".to_string(), Value::string(dir)),
            ("root".to_string(), Value::string(root)),
            ("cwd".to_string(), Value::string(cwd)),
        ]));
        InstanceScope {
            state: &self.state,
            module,
            ctx,
            self_value: None,
            path,
            workspace: &self.options.environment,
        }
    }

    /// Evaluates an expression in a module instance.
    pub(crate) fn eval(
        &self,
        e: &Expr,
        module: &ModuleInstance,
        ctx: InstanceContext,
    ) -> Result<Value, Diagnostics> {
        let scope = self.scope(module, ctx);
        let mut ectx = EvalContext::new(&scope, &self.functions, &self.fctx, &e.file);
        ectx.eval(&e.expr).map_err(|d| Diagnostics::from(*d))
    }

    pub(crate) fn decoder<'a>(
        &'a self,
        scope: &'a InstanceScope<'a>,
        address: Option<String>,
    ) -> Decoder<'a> {
        Decoder {
            scope,
            functions: &self.functions,
            fctx: &self.fctx,
            address,
        }
    }

    fn visit_variable(&self, path: &[String], name: &str) -> Result<(), Diagnostics> {
        let Some(cfg) = module_at(&self.config, path) else {
            return Ok(());
        };
        let Some(var) = cfg.module.variables.get(name) else {
            return Ok(());
        };
        let mut diags = Diagnostics::new();
        for (inst, ctx) in self.state.module_instances(path) {
            let value = if inst.is_root() {
                self.options
                    .variables
                    .get(name)
                    .cloned()
                    .unwrap_or(Value::Null(var.ty.ty.clone()))
            } else {
                let parent = inst.parent().unwrap_or_default();
                let call_name = &inst.0.last().expect("child").name;
                let parent_cfg = module_at(&self.config, &parent.static_path());
                let arg = parent_cfg
                    .and_then(|p| p.module.module_calls.get(call_name))
                    .and_then(|c| c.args.get(name));
                let raw = match (arg, &var.default) {
                    (Some(a), _) => match self.eval(&a.expr, &parent, ctx.clone()) {
                        Ok(v) => v,
                        Err(d) => {
                            diags.extend(d);
                            continue;
                        }
                    },
                    (None, Some(d)) => {
                        match self.eval(d, &ModuleInstance::root(), InstanceContext::default()) {
                            Ok(v) => v,
                            Err(d) => {
                                diags.extend(d);
                                continue;
                            }
                        }
                    }
                    (None, None) => Value::Null(var.ty.ty.clone()),
                };
                let raw = if raw.is_null() && !var.nullable {
                    match &var.default {
                        Some(d) => self
                            .eval(d, &ModuleInstance::root(), InstanceContext::default())
                            .unwrap_or(raw),
                        None => raw,
                    }
                } else {
                    raw
                };
                match var.ty.convert(&raw) {
                    Ok(v) => v.mark_if(var.sensitive),
                    Err(e) => {
                        let subject = arg
                            .map(|a| a.expr.range())
                            .unwrap_or_else(|| var.range.clone());
                        diags.push(
                            Diagnostic::error(
                                "Invalid value for input variable",
                                format!(
                                    "The given value is not suitable for {}var.{name}: {e}.",
                                    module_prefix(&inst)
                                ),
                            )
                            .with_subject(subject),
                        );
                        continue;
                    }
                }
            };
            if !inst.is_root() {
                self.check_validations(&inst, name, &value, &var.validations, &mut diags);
            }
            self.state
                .vars
                .write()
                .expect("lock")
                .insert((inst.clone(), name.to_string()), value);
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(())
        }
    }

    fn check_validations(
        &self,
        inst: &ModuleInstance,
        name: &str,
        value: &Value,
        checks: &[infra_config::Check],
        diags: &mut Diagnostics,
    ) {
        if !value.is_wholly_known() {
            return;
        }
        for check in checks {
            self.state
                .vars
                .write()
                .expect("lock")
                .insert((inst.clone(), name.to_string()), value.clone());
            match self.eval(&check.condition, inst, InstanceContext::default()) {
                Ok(v) if v.as_bool() == Some(false) => {
                    let msg = self
                        .eval(&check.error_message, inst, InstanceContext::default())
                        .ok()
                        .and_then(|m| m.as_str().map(str::to_string))
                        .unwrap_or_default();
                    diags.push(
                        Diagnostic::error(
                            "Invalid value for variable",
                            format!(
                                "{msg}\n\nThis was checked by the validation rule at {}:{}:{}.",
                                check.range.filename,
                                check.range.start.line,
                                check.range.start.column
                            ),
                        )
                        .with_subject(check.condition.range()),
                    );
                }
                Ok(_) => {}
                Err(d) => diags.extend(d),
            }
        }
    }

    fn visit_local(&self, path: &[String], name: &str) -> Result<(), Diagnostics> {
        let Some(cfg) = module_at(&self.config, path) else {
            return Ok(());
        };
        let Some(local) = cfg.module.locals.get(name) else {
            return Ok(());
        };
        let mut diags = Diagnostics::new();
        for (inst, _) in self.state.module_instances(path) {
            match self.eval(&local.expr, &inst, InstanceContext::default()) {
                Ok(v) => {
                    self.state
                        .locals
                        .write()
                        .expect("lock")
                        .insert((inst, name.to_string()), v);
                }
                Err(d) => diags.extend(d),
            }
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(())
        }
    }

    fn visit_output(&self, path: &[String], name: &str) -> Result<(), Diagnostics> {
        let Some(cfg) = module_at(&self.config, path) else {
            return Ok(());
        };
        let Some(out) = cfg.module.outputs.get(name) else {
            return Ok(());
        };
        let mut diags = Diagnostics::new();
        for (inst, _) in self.state.module_instances(path) {
            for check in &out.preconditions {
                match self.eval(&check.condition, &inst, InstanceContext::default()) {
                    Ok(v) if v.as_bool() == Some(false) => {
                        let msg = self
                            .eval(&check.error_message, &inst, InstanceContext::default())
                            .ok()
                            .and_then(|m| m.as_str().map(str::to_string))
                            .unwrap_or_default();
                        diags.push(
                            Diagnostic::error("Module output value precondition failed", msg)
                                .with_subject(check.condition.range()),
                        );
                    }
                    Ok(_) => {}
                    Err(d) => diags.extend(d),
                }
            }
            match self.eval(&out.value, &inst, InstanceContext::default()) {
                Ok(v) => {
                    if inst.is_root() && v.contains_sensitive() && !out.sensitive {
                        diags.push(Diagnostic::error(
                            "Output refers to sensitive values",
                            "To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, infra requires that any root module output containing sensitive data be explicitly marked as sensitive, to confirm your intent.\n\nIf you do intend to export this data, annotate the output value as sensitive by adding the following argument:\n    sensitive = true",
                        ).with_subject(out.range.clone()));
                        continue;
                    }
                    let v = v.mark_if(out.sensitive);
                    self.state
                        .outputs
                        .write()
                        .expect("lock")
                        .insert((inst, name.to_string()), v);
                }
                Err(d) => diags.extend(d),
            }
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(())
        }
    }

    fn visit_module_call(&self, path: &[String], name: &str) -> Result<(), Diagnostics> {
        let Some(cfg) = module_at(&self.config, path) else {
            return Ok(());
        };
        let Some(call) = cfg.module.module_calls.get(name) else {
            return Ok(());
        };
        let mut child_path = path.to_vec();
        child_path.push(name.to_string());
        let mut children = Vec::new();
        for (inst, _) in self.state.module_instances(path) {
            let exp = crate::expand::expansion(
                self,
                call.count.as_ref(),
                call.for_each.as_ref(),
                &inst,
                &format!("{}module.{name}", module_prefix(&inst)),
            )?;
            for key in exp.keys() {
                let ctx = exp.context(&key);
                children.push((inst.child(name, key), ctx));
            }
            self.state
                .module_calls
                .write()
                .expect("lock")
                .insert((inst.clone(), name.to_string()), exp);
        }
        self.state
            .modules
            .write()
            .expect("lock")
            .insert(child_path, children);
        Ok(())
    }

    async fn visit_provider(&self, node: &Node) -> Result<(), Diagnostics> {
        let NodeKind::Provider(key) = &node.kind else {
            return Ok(());
        };
        let local_name = key.split('.').next().unwrap_or(key);
        let source = provider_source(&self.config, &node.module, local_name);
        let provider = instantiate(&self.registry, &source, local_name)?;
        let cfg = module_at(&self.config, &node.module)
            .and_then(|c| c.module.providers.iter().find(|p| p.key() == *key));
        let module = self
            .state
            .module_instances(&node.module)
            .into_iter()
            .next()
            .map(|m| m.0)
            .unwrap_or_default();
        let value = match cfg {
            Some(p) => {
                let scope = self.scope(&module, InstanceContext::default());
                self.decoder(&scope, None).decode(
                    &p.config,
                    &provider.schema().provider,
                    &p.range,
                )?
            }
            None => Value::Null(provider.schema().provider.value_type()),
        };
        if self.options.mode != crate::model::PlanMode::Destroy || value.is_wholly_known() {
            provider.configure(&value).await?;
        }
        self.providers.insert(node.clone(), provider);
        Ok(())
    }

    /// The configured provider and its schema for a resource type in a module.
    pub(crate) fn provider_for(&self, path: &[String], key: &str) -> Option<Arc<dyn Provider>> {
        let chain = module_chain(&self.config, path);
        self.providers.get(&provider_node(&chain, path, key))
    }

    /// The result of the walk as a plan (plan mode).
    pub fn finish_plan(self: Arc<Self>) -> (Plan, Diagnostics) {
        crate::finish::finish(self)
    }

    pub fn diagnostics(&self) -> Diagnostics {
        self.diags.lock().expect("lock").clone()
    }

    /// Values of the root module's outputs after the walk.
    pub fn root_outputs(&self) -> BTreeMap<String, Value> {
        self.state
            .outputs
            .read()
            .expect("lock")
            .iter()
            .filter(|((m, _), _)| m.is_root())
            .map(|((_, n), v)| (n.clone(), v.clone()))
            .collect()
    }

    /// Stops every provider (on a second interrupt).
    pub fn stop_providers(&self) {
        for p in self.providers.all() {
            p.stop();
        }
    }
}

/// `module.a.` prefix for messages (empty in the root).
pub(crate) fn module_prefix(m: &ModuleInstance) -> String {
    if m.is_root() {
        String::new()
    } else {
        format!("{m}.")
    }
}

fn collect_outputs(c: &Config, out: &mut HashMap<Vec<String>, Vec<String>>) {
    out.insert(c.path.clone(), c.module.outputs.keys().cloned().collect());
    for child in c.children.values() {
        collect_outputs(child, out);
    }
}

/// Converts a `count` value to a whole number, with Terraform's messages.
pub(crate) fn count_value(v: &Value) -> Result<i64, String> {
    let v = convert(v, &Type::Number).map_err(|_| {
        "The given \"count\" argument value is unsuitable: number required.".to_string()
    })?;
    let n = v
        .as_number()
        .ok_or("The given \"count\" argument value is null. An integer is required.")?;
    let i = n.to_i64().filter(|_| n.is_integer()).ok_or(
        "The given \"count\" argument value is unsuitable: the value must be a whole number.",
    )?;
    if i < 0 {
        return Err("The given \"count\" argument value is unsuitable: must be greater than or equal to zero.".into());
    }
    Ok(i)
}
