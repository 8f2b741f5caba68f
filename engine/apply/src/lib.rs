//! The apply executor. It carries out a plan in three phases: deletes (dependents before what
//! they depend on), then a walk of the configuration that creates and updates in dependency
//! order with the values now known, then the deferred deletes of `create_before_destroy`
//! replacements. Work within a phase runs concurrently up to `-parallelism`; every completed
//! change is persisted on its own (see [`applier`]); a failure skips what depends on it while
//! independent work finishes. Open intents left by an interrupted run are resolved by
//! [`recover`] before anything is planned.

pub mod applier;
pub mod progress;
pub mod providers;
pub mod recover;
pub mod refresh;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use infra_config::Config;
use infra_core::{Diagnostics, Value};
use infra_graph::WalkOutcome;
use infra_plan::{Action, Plan, PlanMode, PlanOptions, ResourceChange, WalkMode, Walker};
use infra_provider::Registry;
use infra_state::{OutputValue, StateStore};
use petgraph::graph::{DiGraph, NodeIndex};

pub use applier::StoreApplier;
pub use progress::{NoProgress, ProgressEvent, ProgressSink};

/// Everything an apply needs.
#[derive(Clone)]
pub struct ApplyContext {
    pub config: Arc<Config>,
    pub registry: Registry,
    pub store: Arc<dyn StateStore>,
    /// Environment, parallelism and the variable values (the ones the plan used).
    pub options: PlanOptions,
    pub progress: Arc<dyn ProgressSink>,
    /// Set on the first interrupt: nothing new starts; running operations finish.
    pub cancelled: Arc<AtomicBool>,
    /// Set on the second interrupt: providers are asked to stop running operations.
    pub stop: Arc<tokio::sync::Notify>,
}

/// What an apply did.
#[derive(Debug, Default)]
pub struct ApplyOutcome {
    pub diagnostics: Diagnostics,
    pub added: usize,
    pub changed: usize,
    pub destroyed: usize,
    /// The root module's outputs after apply.
    pub outputs: BTreeMap<String, Value>,
}

/// Applies `plan`. The caller holds the state lock and has checked that the plan is fresh.
pub async fn apply(ctx: &ApplyContext, mut plan: Plan) -> ApplyOutcome {
    let mut out = ApplyOutcome::default();
    let env = ctx.options.environment.clone();
    let run_id = infra_state::new_uuid();
    let applier = Arc::new(StoreApplier {
        store: ctx.store.clone(),
        environment: env.clone(),
        progress: ctx.progress.clone(),
        run_id,
    });

    // Providers configured for the deletes (the walk configures its own).
    let state_now = match load_state(ctx).await {
        Ok(s) => s,
        Err(d) => {
            out.diagnostics = d;
            return out;
        }
    };
    let providers = match providers::configured(ctx, &state_now).await {
        Ok(p) => p,
        Err(d) => {
            out.diagnostics = d;
            return out;
        }
    };
    let stopper = spawn_stopper(ctx.stop.clone(), providers.clone());

    // What the plan's refresh read lands in state first.
    if let Err(d) = refresh::record_drift(ctx, &plan, Some(&providers)).await {
        out.diagnostics = d;
        return out;
    }

    // Renames from `moved` blocks (and implicit `a` ↔ `a[0]` moves) land in state first.
    let moves: Vec<(String, String)> = plan
        .changes
        .iter()
        .filter_map(|c| match &c.reason {
            Some(infra_plan::Reason::MovedFrom(from) | infra_plan::Reason::ImplicitMove(from))
                if state_now.resources.contains_key(from) =>
            {
                Some((from.clone(), c.addr.to_string()))
            }
            _ => None,
        })
        .collect();
    for (from, to) in moves {
        let store = ctx.store.clone();
        let env2 = env.clone();
        if let Err(e) = tokio::task::spawn_blocking(move || store.move_instance(&env2, &from, &to))
            .await
            .expect("move task")
        {
            out.diagnostics.extend(applier::state_diag(e));
            return out;
        }
    }
    let state_now = match load_state(ctx).await {
        Ok(s) => s,
        Err(d) => {
            out.diagnostics = d;
            return out;
        }
    };

    // Phase 1: deletes, and the delete half of delete-then-create replacements.
    // A destroy plan is nothing but deletes: they are moved out rather than copied.
    let deletes: Vec<ResourceChange> = if plan.mode == PlanMode::Destroy {
        std::mem::take(&mut plan.changes)
            .into_iter()
            .filter(|c| matches!(c.action, Action::Delete | Action::DeleteThenCreate))
            .collect()
    } else {
        plan.changes
            .iter()
            .filter(|c| matches!(c.action, Action::Delete | Action::DeleteThenCreate))
            .cloned()
            .collect()
    };
    let (done, diags) = run_deletes(
        ctx,
        &applier,
        &providers,
        Arc::new(state_now.resources),
        deletes,
    )
    .await;
    out.destroyed += done.iter().filter(|c| c.action == Action::Delete).count();
    out.diagnostics.extend(diags);
    let done_addrs: std::collections::HashSet<&infra_core::addr::ResourceInstanceAddr> =
        done.iter().map(|d| &d.addr).collect();
    let failed_replacements: std::collections::HashSet<String> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::DeleteThenCreate && !done_addrs.contains(&c.addr))
        .map(|c| c.addr.to_string())
        .collect();
    drop(done_addrs);

    // Phase 2: the walk that creates, updates and reads, then outputs.
    if plan.mode != PlanMode::Destroy {
        let state_now = match load_state(ctx).await {
            Ok(s) => s,
            Err(d) => {
                out.diagnostics.extend(d);
                return out;
            }
        };
        // The walk shares the plan unless failed replacements must be left out of it.
        let plan = Arc::new(plan);
        let walk_plan = if failed_replacements.is_empty() {
            plan.clone()
        } else {
            let mut p = (*plan).clone();
            p.changes
                .retain(|c| !failed_replacements.contains(&c.addr.to_string()));
            Arc::new(p)
        };
        let mode = WalkMode::Apply {
            plan: walk_plan,
            applier: applier.clone(),
        };
        let mut options = ctx.options.clone();
        options.refresh = false;
        options.mode = PlanMode::Normal;
        let walker = match Walker::new(
            ctx.config.clone(),
            ctx.registry.clone(),
            state_now,
            options,
            mode,
            ctx.cancelled.clone(),
        ) {
            Ok(w) => Arc::new(w),
            Err(d) => {
                out.diagnostics.extend(d);
                return out;
            }
        };
        let walk_stopper = spawn_walk_stopper(ctx.stop.clone(), walker.clone());
        let outcome = walker.run().await;
        walk_stopper.abort();
        out.diagnostics.extend(walker.diagnostics());
        let failed_or_skipped = outcome.values().any(|o| *o != WalkOutcome::Done);
        for c in &plan.changes {
            match c.action {
                Action::Create => out.added += 1,
                Action::Update => out.changed += 1,
                Action::DeleteThenCreate | Action::CreateThenDelete => out.added += 1,
                _ => {}
            }
        }
        if failed_or_skipped || out.diagnostics.has_errors() {
            // Recount from what actually happened: the state says which changes landed.
            recount(ctx, &plan, &mut out).await;
        }
        out.outputs = walker.root_outputs();
        // Phase 3: the old objects of create-before-destroy replacements.
        let cbd: Vec<ResourceChange> = plan
            .changes
            .iter()
            .filter(|c| c.action == Action::CreateThenDelete)
            .cloned()
            .collect();
        if !cbd.is_empty() && !out.diagnostics.has_errors() {
            let (done, diags) =
                run_deletes_recorded(ctx, &applier, &providers, Arc::default(), cbd, false).await;
            out.destroyed += done.len();
            out.diagnostics.extend(diags);
        }
        out.destroyed += done
            .iter()
            .filter(|c| c.action == Action::DeleteThenCreate)
            .count();
        if !out.diagnostics.has_errors() || !out.outputs.is_empty() {
            save_outputs(ctx, &walker, &out.outputs)
                .await
                .unwrap_or_else(|d| out.diagnostics.extend(d));
        }
    } else {
        let store = ctx.store.clone();
        let env2 = env.clone();
        if let Err(e) =
            tokio::task::spawn_blocking(move || store.set_outputs(&env2, BTreeMap::new()))
                .await
                .expect("outputs task")
        {
            out.diagnostics.extend(applier::state_diag(e));
        }
    }
    stopper.abort();
    out
}

async fn load_state(ctx: &ApplyContext) -> Result<infra_state::StateSnapshot, Diagnostics> {
    let store = ctx.store.clone();
    let env = ctx.options.environment.clone();
    tokio::task::spawn_blocking(move || store.load(&env))
        .await
        .expect("load task")
        .map_err(applier::state_diag)
}

/// The changes that really landed (after a failure), by comparing with the state.
async fn recount(ctx: &ApplyContext, plan: &Plan, out: &mut ApplyOutcome) {
    let Ok(now) = load_state(ctx).await.map(|s| s.resources) else {
        return;
    };
    let (mut added, mut changed) = (0, 0);
    for c in &plan.changes {
        let addr = c.addr.to_string();
        let Some(inst) = now.get(&addr) else { continue };
        let before = c.before.as_ref().map(|v| v.to_json());
        match c.action {
            Action::Create | Action::DeleteThenCreate | Action::CreateThenDelete
                if Some(&inst.attributes) != before.as_ref() =>
            {
                added += 1
            }
            Action::Update if Some(&inst.attributes) != before.as_ref() => changed += 1,
            _ => {}
        }
    }
    out.added = added;
    out.changed = changed;
}

async fn save_outputs(
    ctx: &ApplyContext,
    walker: &Walker,
    outputs: &BTreeMap<String, Value>,
) -> Result<(), Diagnostics> {
    let declared = &walker_config(walker).module.outputs;
    let mut values = BTreeMap::new();
    for (name, v) in outputs {
        if !v.is_wholly_known() {
            continue;
        }
        let (plain, marked) = v.clone().unmark_deep();
        let sensitive = marked || declared.get(name).is_some_and(|o| o.sensitive);
        values.insert(
            name.clone(),
            OutputValue {
                value: plain.to_json(),
                ty: plain.ty().to_json(),
                sensitive,
            },
        );
    }
    let store = ctx.store.clone();
    let env = ctx.options.environment.clone();
    tokio::task::spawn_blocking(move || store.set_outputs(&env, values))
        .await
        .expect("outputs task")
        .map_err(applier::state_diag)?;
    Ok(())
}

fn walker_config(w: &Walker) -> &Config {
    w.config()
}

/// The configuration-level address of a change's resource (`module.a.null_resource.x`), the form
/// dependencies are recorded in.
fn static_address(c: &ResourceChange) -> String {
    let r = &c.addr.resource;
    let mut s = String::new();
    for step in &r.module.0 {
        s.push_str(&format!("module.{}.", step.name));
    }
    s.push_str(&r.local());
    s
}

/// Deletes the given objects, dependents first, concurrently where independent. Returns the
/// changes that completed.
async fn run_deletes(
    ctx: &ApplyContext,
    applier: &Arc<StoreApplier>,
    providers: &Arc<providers::ProviderMap>,
    state: Arc<BTreeMap<String, Arc<infra_state::ResourceInstance>>>,
    deletes: Vec<ResourceChange>,
) -> (Vec<ResourceChange>, Diagnostics) {
    run_deletes_recorded(ctx, applier, providers, state, deletes, true).await
}

/// The node weight of a barrier in the delete graph (an index no delete has).
const BARRIER: usize = usize::MAX;

/// As [`run_deletes`]; `record` false leaves the addresses' state alone (the old objects of
/// create-before-destroy replacements, whose addresses hold the new objects).
async fn run_deletes_recorded(
    ctx: &ApplyContext,
    applier: &Arc<StoreApplier>,
    providers: &Arc<providers::ProviderMap>,
    state: Arc<BTreeMap<String, Arc<infra_state::ResourceInstance>>>,
    deletes: Vec<ResourceChange>,
    record: bool,
) -> (Vec<ResourceChange>, Diagnostics) {
    if deletes.is_empty() {
        return (Vec::new(), Diagnostics::new());
    }
    // One node per delete, plus one barrier node per resource (configuration address) that
    // something depends on: every dependent instance points at the barrier, the barrier at every
    // instance of the resource. Edges grow with instances plus dependencies, not with their
    // product (an edge per instance pair was 9M edges for 10 counted blocks of 1,000).
    let mut g: DiGraph<usize, ()> = DiGraph::new();
    let idx: Vec<NodeIndex> = (0..deletes.len()).map(|i| g.add_node(i)).collect();
    let statics: Vec<String> = deletes.iter().map(static_address).collect();
    let mut by_static: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in statics.iter().enumerate() {
        by_static.entry(s.as_str()).or_default().push(i);
    }
    let mut barriers: HashMap<&str, NodeIndex> = HashMap::new();
    for (i, c) in deletes.iter().enumerate() {
        for dep in &c.dependencies {
            // An instance's dependency on its own resource orders nothing.
            if dep == &statics[i] {
                continue;
            }
            let Some((key, members)) = by_static.get_key_value(dep.as_str()) else {
                continue;
            };
            let b = *barriers.entry(key).or_insert_with(|| {
                let b = g.add_node(BARRIER);
                for &j in members {
                    g.add_edge(b, idx[j], ());
                }
                b
            });
            // `c` depends on the resource: delete `c` first.
            g.update_edge(idx[i], b, ());
        }
    }
    let deletes = Arc::new(deletes);
    let diags = Arc::new(std::sync::Mutex::new(Diagnostics::new()));
    let done = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sem = Arc::new(tokio::sync::Semaphore::new(ctx.options.parallelism.max(1)));
    let cancelled = ctx.cancelled.clone();
    // Deletes beyond what the semaphore lets run wait as graph nodes, not as spawned futures.
    let max_running = ctx.options.parallelism.max(1).saturating_mul(4).max(64);
    infra_graph::walk_bounded(
        &g,
        |n| {
            let i = g[n];
            if i == BARRIER {
                return Box::pin(async { true });
            }
            let deletes = deletes.clone();
            let applier = applier.clone();
            let providers = providers.clone();
            let state = state.clone();
            let diags = diags.clone();
            let done = done.clone();
            let sem = sem.clone();
            Box::pin(async move {
                let c = &deletes[i];
                let _permit = sem.acquire().await.expect("semaphore open");
                let Some((provider, schema)) = providers.for_change(c) else {
                    diags.lock().expect("lock").push(infra_core::Diagnostic::error(
                        "Provider configuration not present",
                        format!("To delete {}, its provider {} is needed, but infra has no such provider.", c.addr, c.provider),
                    ));
                    return false;
                };
                let prior = state
                    .get(&c.addr.to_string())
                    .map(|s| infra_plan::state_values::instance_value(s, &schema))
                    .or_else(|| c.before.clone());
                match applier.run_recorded(c, &provider, &schema, prior, None, Value::null(), record).await {
                    Ok(_) => {
                        done.lock().expect("lock").push(i);
                        true
                    }
                    Err(d) => {
                        diags.lock().expect("lock").extend(d);
                        false
                    }
                }
            })
        },
        move || cancelled.load(std::sync::atomic::Ordering::SeqCst),
        max_running,
    )
    .await;
    let done: Vec<usize> = std::mem::take(&mut *done.lock().expect("lock"));
    let diags = std::mem::take(&mut *diags.lock().expect("lock"));
    // The visits are over: the changes that completed are moved out, not copied.
    let mut deletes: Vec<Option<ResourceChange>> = match Arc::try_unwrap(deletes) {
        Ok(d) => d.into_iter().map(Some).collect(),
        Err(shared) => shared.iter().cloned().map(Some).collect(),
    };
    let done = done.into_iter().filter_map(|i| deletes[i].take()).collect();
    (done, diags)
}

fn spawn_stopper(
    stop: Arc<tokio::sync::Notify>,
    providers: Arc<providers::ProviderMap>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        stop.notified().await;
        providers.stop_all();
    })
}

fn spawn_walk_stopper(
    stop: Arc<tokio::sync::Notify>,
    walker: Arc<Walker>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        stop.notified().await;
        walker.stop_providers();
    })
}
