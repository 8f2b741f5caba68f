//! `infra plan`, `infra apply` and `infra destroy`: load, lock, recover interrupted work, plan,
//! show, confirm, apply, report. The three commands differ only in the options they pass.

use std::io::{BufRead, IsTerminal, Write};
use std::mem::ManuallyDrop;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use infra_apply::{ApplyContext, ProgressSink};
use infra_core::addr::{parse_target, Target};
use infra_core::{Diagnostic, Diagnostics};
use infra_plan::{Plan, PlanMode, PlanOptions};
use infra_state::{LockInfo, StateLock};

use crate::args::{ApplyArgs, PlanArgs, RunArgs};
use crate::project::{self, Loaded};
use crate::render::Sources;

/// What kind of run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Plan,
    Apply,
    Destroy,
}

pub fn plan(a: PlanArgs) -> u8 {
    let mode = if a.destroy {
        PlanMode::Destroy
    } else if a.run.refresh_only {
        PlanMode::RefreshOnly
    } else {
        PlanMode::Normal
    };
    runtime().block_on(run(Kind::Plan, &a.run, mode, None, false, Some(&a)))
}

pub fn apply(a: ApplyArgs) -> u8 {
    if a.destroy {
        return destroy(a);
    }
    let mode = if a.run.refresh_only {
        PlanMode::RefreshOnly
    } else {
        PlanMode::Normal
    };
    runtime().block_on(run(
        Kind::Apply,
        &a.run,
        mode,
        a.plan_file.as_deref(),
        a.auto_approve,
        None,
    ))
}

pub fn destroy(a: ApplyArgs) -> u8 {
    runtime().block_on(run(
        Kind::Destroy,
        &a.run,
        PlanMode::Destroy,
        None,
        a.auto_approve,
        None,
    ))
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn color(r: &RunArgs) -> bool {
    super::stderr_color(r.no_color)
}

fn stdout_color(r: &RunArgs) -> bool {
    !r.no_color && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Parses `-target`/`-exclude`/`-replace` addresses.
fn targets(list: &[String], flag: &str) -> Result<Vec<Target>, Box<Diagnostic>> {
    list.iter()
        .map(|s| {
            parse_target(s)
                .map_err(|e| Box::new(Diagnostic::error(format!("Invalid {flag} address"), e)))
        })
        .collect()
}

fn fail(diags: Diagnostics, sources: &Sources, color: bool) -> u8 {
    crate::project::report(&diags, sources, color);
    1
}

async fn run(
    kind: Kind,
    r: &RunArgs,
    mode: PlanMode,
    plan_file: Option<&str>,
    auto_approve: bool,
    plan_args: Option<&PlanArgs>,
) -> u8 {
    let dir = Path::new(".");
    let color = color(r);
    // The configuration and the plan live until the process exits: they are not freed (a
    // command ends right after this function, and taking apart tens of thousands of small
    // allocations only to exit was ~4% of a 10,000-resource plan).
    let loaded: ManuallyDrop<Loaded> = ManuallyDrop::new(project::load(dir, &r.vars, &r.var_files));
    if !loaded.ok() {
        return fail(loaded.diagnostics.clone(), &loaded.sources, color);
    }
    project::report(&loaded.diagnostics, &loaded.sources, color);
    let (targets, excludes, replace) = match (
        targets(&r.targets, "-target"),
        targets(&r.excludes, "-exclude"),
        targets(&r.replace, "-replace"),
    ) {
        (Ok(t), Ok(e), Ok(rp)) => (t, e, rp),
        (Err(d), _, _) | (_, Err(d), _) | (_, _, Err(d)) => {
            return fail((*d).into(), &loaded.sources, color)
        }
    };
    let mut replace_instances = Vec::new();
    for t in replace {
        match t {
            Target::Instance(i) => replace_instances.push(i),
            Target::Resource(res) => replace_instances.push(res.instance(None)),
            Target::Module(m) => {
                return fail(
                    Diagnostic::error(
                        "Invalid -replace address",
                        format!("`{m}` is a module; -replace takes a resource instance address."),
                    )
                    .into(),
                    &loaded.sources,
                    color,
                )
            }
        }
    }
    let store = match project::store_for(dir, &loaded.config) {
        Ok(s) => s,
        Err(d) => return fail(d, &loaded.sources, color),
    };
    let lock_timeout = match project::parse_duration(&r.lock_timeout) {
        Ok(d) => d,
        Err(e) => {
            return fail(
                Diagnostic::error("Invalid -lock-timeout value", e).into(),
                &loaded.sources,
                color,
            )
        }
    };
    let operation = match kind {
        Kind::Plan => "plan",
        Kind::Apply => "apply",
        Kind::Destroy => "destroy",
    };
    let _lock: Option<StateLock> = if r.lock {
        let store2 = store.clone();
        let env = r.env.clone();
        match tokio::task::spawn_blocking(move || {
            store2.lock(&env, LockInfo::new(operation), lock_timeout)
        })
        .await
        .expect("lock task")
        {
            Ok(l) => Some(l),
            Err(e) => return fail(project::state_error(&e).into(), &loaded.sources, color),
        }
    } else {
        None
    };
    if !targets.is_empty() || !excludes.is_empty() {
        let flag = if targets.is_empty() {
            "-exclude"
        } else if excludes.is_empty() {
            "-target"
        } else {
            "-target and -exclude"
        };
        let (s, is) = if flag.contains(" and ") {
            ("s", "are")
        } else {
            ("", "is")
        };
        project::report(
            &Diagnostic::warning(
                "Resource targeting is in effect",
                format!("You are creating a plan with the {flag} option{s}, which means that the result of this plan may not represent all of the changes requested by the current configuration.\n\nThe {flag} option{s} {is} not for routine use, and {is} provided only for exceptional situations such as recovering from errors or mistakes, or when infra specifically suggests to use it as part of an error message."),
            )
            .into(),
            &loaded.sources,
            color,
        );
    }
    let options = PlanOptions {
        environment: r.env.clone(),
        mode: mode.clone(),
        refresh: r.refresh,
        targets,
        excludes,
        replace: replace_instances,
        parallelism: r.parallelism.max(1),
        variables: loaded.variables.clone(),
    };
    let cancelled = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(tokio::sync::Notify::new());
    let signals = tokio::spawn(watch_interrupts(cancelled.clone(), stop.clone()));
    let progress: Arc<dyn ProgressSink> = if std::io::stderr().is_terminal() && !r.no_color {
        Arc::new(crate::progress::LiveProgress::new())
    } else {
        Arc::new(crate::progress::LineProgress)
    };
    let ctx = ApplyContext {
        config: loaded.config.clone(),
        registry: project::registry(),
        store: store.clone(),
        options: options.clone(),
        progress: progress.clone(),
        cancelled: cancelled.clone(),
        stop: stop.clone(),
    };

    // Interrupted work first: nothing is planned against a state with open intents.
    if kind != Kind::Plan {
        let d = infra_apply::recover::recover(&ctx).await;
        if d.has_errors() {
            return fail(d, &loaded.sources, color);
        }
        project::report(&d, &loaded.sources, color);
    }

    let store2 = store.clone();
    let env = r.env.clone();
    let prior = match tokio::task::spawn_blocking(move || store2.load(&env))
        .await
        .expect("load task")
    {
        Ok(s) => s,
        Err(e) => return fail(project::state_error(&e).into(), &loaded.sources, color),
    };
    let config_hash = infra_plan::planfile::config_hash(
        &project::config_files(&loaded.config),
        &loaded.variables,
    );

    // The plan takes the prior state itself; only its lineage and serial are kept here (a copy
    // of every stored instance would be held for the whole run otherwise).
    let prior_head = infra_state::StateSnapshot {
        lineage: prior.lineage.clone(),
        serial: prior.serial,
        ..Default::default()
    };
    let plan = if let Some(path) = plan_file {
        let saved = match infra_plan::planfile::read_plan_file(Path::new(path)) {
            Ok(s) => s,
            Err(e) => {
                return fail(
                    Diagnostic::error("Failed to read plan file", e.to_string()).into(),
                    &loaded.sources,
                    color,
                )
            }
        };
        if let Err(e) = infra_plan::planfile::check_fresh(
            &saved,
            &prior_head.lineage,
            prior_head.serial,
            &config_hash,
        ) {
            return fail(
                Diagnostic::error("Saved plan cannot be applied", e.to_string()).into(),
                &loaded.sources,
                color,
            );
        }
        saved.plan
    } else {
        let (plan, diags) = infra_plan::plan(
            loaded.config.clone(),
            project::registry(),
            prior,
            options.clone(),
            cancelled.clone(),
        )
        .await;
        project::report(&diags, &loaded.sources, color);
        match plan {
            Some(p) => p,
            None => return 1,
        }
    };
    let plan = ManuallyDrop::new(plan);

    if kind == Kind::Plan {
        let a = plan_args.expect("plan args");
        return finish_plan(&plan, a, &prior_head, &config_hash, r);
    }

    // apply / destroy: show, confirm, apply.
    if plan_file.is_none() {
        print!(
            "{}",
            infra_plan::render::human::render_plan(
                &plan,
                &infra_plan::render::human::HumanOptions {
                    color: stdout_color(r)
                }
            )
        );
    }
    if !plan.has_changes() && plan.mode != PlanMode::RefreshOnly {
        if kind == Kind::Destroy {
            println!("\nDestroy complete! Resources: 0 destroyed.");
        } else {
            println!("\nApply complete! Resources: 0 added, 0 changed, 0 destroyed.");
        }
        print_outputs(&plan);
        return 0;
    }
    if plan_file.is_none() && !auto_approve {
        if !r.input
            || !std::io::stdin().is_terminal()
                && std::env::var_os("INFRA_CONFIRM_FROM_STDIN").is_none()
        {
            return fail(
                Diagnostic::error(
                    "No confirmation",
                    "infra asks for confirmation before it changes anything, but it cannot ask here (no terminal, or -input=false). Review the plan and run again with -auto-approve, or save it with `infra plan -out FILE` and apply that file.",
                )
                .into(),
                &loaded.sources,
                color,
            );
        }
        let question = if kind == Kind::Destroy {
            "Do you really want to destroy all resources?"
        } else {
            "Do you want to perform these actions?"
        };
        print!("\n{question}\n  infra will perform the actions described above.\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ");
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if answer.trim() != "yes" {
            eprintln!(
                "\n{} cancelled.",
                if kind == Kind::Destroy {
                    "Destroy"
                } else {
                    "Apply"
                }
            );
            return 1;
        }
        println!();
    }
    if plan.mode == PlanMode::RefreshOnly {
        return apply_refresh_only(&ctx, &plan).await;
    }
    // The plan is handed over, not copied: nothing here needs it after the apply.
    let mut outcome = infra_apply::apply(&ctx, ManuallyDrop::into_inner(plan)).await;
    signals.abort();
    if cancelled.load(Ordering::SeqCst) {
        outcome.diagnostics.push(Diagnostic::error(
            "Operation interrupted",
            "infra stopped starting new changes after the interrupt and waited for the running ones. Every completed change is recorded in state; run the command again to finish.",
        ));
    }
    project::report(&outcome.diagnostics, &loaded.sources, color);
    if outcome.diagnostics.has_errors() {
        return 1;
    }
    // Terraform's wording: a destroy counts only what it destroyed.
    if kind == Kind::Destroy {
        println!(
            "\nDestroy complete! Resources: {} destroyed.",
            outcome.destroyed
        );
    } else {
        println!(
            "\nApply complete! Resources: {} added, {} changed, {} destroyed.",
            outcome.added, outcome.changed, outcome.destroyed
        );
    }
    if kind != Kind::Destroy {
        print_output_values(&outcome.outputs, &loaded.config);
    }
    0
}

/// Records the refreshed objects of a refresh-only plan in state.
async fn apply_refresh_only(ctx: &ApplyContext, plan: &Plan) -> u8 {
    if let Err(d) = infra_apply::refresh::record_drift(ctx, plan, None).await {
        crate::project::report(&d, &Sources::default(), false);
        return 1;
    }
    println!("\nApply complete! Resources: 0 added, 0 changed, 0 destroyed.");
    0
}

fn finish_plan(
    plan: &Plan,
    a: &PlanArgs,
    prior: &infra_state::StateSnapshot,
    config_hash: &str,
    r: &RunArgs,
) -> u8 {
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&infra_plan::render::json::plan_json(plan))
                .unwrap_or_default()
        );
    } else if a.markdown {
        print!("{}", infra_plan::render::markdown::plan_markdown(plan));
    } else {
        print!(
            "{}",
            infra_plan::render::human::render_plan(
                plan,
                &infra_plan::render::human::HumanOptions {
                    color: stdout_color(r)
                }
            )
        );
    }
    if let Some(out) = &a.out {
        let ctx = infra_plan::planfile::PlanFileContext {
            lineage: prior.lineage.clone(),
            serial: prior.serial,
            config_hash: config_hash.to_string(),
            environment: r.env.clone(),
            variables: plan.variables.clone(),
        };
        if let Err(e) = infra_plan::planfile::write_plan_file(Path::new(out), plan, &ctx) {
            eprintln!("Error: Failed to write plan file\n\n{e}");
            return 1;
        }
        if !a.json {
            println!("\nSaved the plan to: {out}\n\nTo perform exactly these actions, run the following command to apply:\n    infra apply \"{out}\"");
        }
    }
    if a.detailed_exitcode && plan.has_changes() {
        2
    } else {
        0
    }
}

fn print_outputs(plan: &Plan) {
    let values: std::collections::BTreeMap<String, infra_core::Value> = plan
        .outputs
        .iter()
        .filter_map(|(k, o)| o.after.clone().map(|v| (k.clone(), v)))
        .collect();
    if values.is_empty() {
        return;
    }
    println!("\nOutputs:\n");
    for (k, v) in values {
        println!("{k} = {}", output_display(&v));
    }
}

fn print_output_values(
    outputs: &std::collections::BTreeMap<String, infra_core::Value>,
    config: &infra_config::Config,
) {
    if outputs.is_empty() {
        return;
    }
    println!("\nOutputs:\n");
    for (k, v) in outputs {
        let sensitive =
            config.module.outputs.get(k).is_some_and(|o| o.sensitive) || v.contains_sensitive();
        if sensitive {
            println!("{k} = <sensitive>");
        } else {
            println!("{k} = {}", output_display(v));
        }
    }
}

fn output_display(v: &infra_core::Value) -> String {
    if v.contains_sensitive() {
        return "<sensitive>".into();
    }
    infra_lang::display::console_format(v)
}

/// First interrupt: stop scheduling and let running operations finish. Second: ask providers
/// to cancel what is running.
async fn watch_interrupts(cancelled: Arc<AtomicBool>, stop: Arc<tokio::sync::Notify>) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    cancelled.store(true, Ordering::SeqCst);
    eprintln!("\nInterrupt received.\nPlease wait for infra to exit or data loss may occur.\nGracefully shutting down...\n");
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    eprintln!("\nTwo interrupts received. Cancelling running operations...\n");
    stop.notify_waiters();
    tokio::time::sleep(Duration::from_secs(3600)).await;
}
