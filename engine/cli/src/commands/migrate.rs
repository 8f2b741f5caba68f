//! `infra init -migrate-state`: copies every environment's state from the backend last
//! initialised in the directory to the one the configuration now names (local database ⇄ S3).
//!
//! Nothing is lost: the source is left as it was; each environment is copied under both
//! backends' locks as one new version of the destination (so whatever the destination held stays
//! in its history), and checked afterwards by loading both sides and comparing lineage,
//! instances and outputs. Serials are not copied: they count each store's own versions. An
//! environment with unresolved intents (an interrupted apply) is not copied: its recovery
//! belongs to the backend that recorded them. A destination holding a different, non-empty
//! state (another lineage) is overwritten only when the user says so (a "yes", or
//! `-force-copy`); without a terminal and without `-force-copy` the migration stops and says so.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use infra_core::{Diagnostic, Diagnostics};
use infra_state::{LockInfo, StateSnapshot, StateStore};

use super::state::{sentence, state_diag};
use crate::args::InitArgs;
use crate::backend::{self, Backend};

/// How long to wait for either backend's lock.
const LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// One environment to copy.
struct Copy {
    env: String,
    state: StateSnapshot,
    /// The destination holds another lineage's non-empty state.
    overwrites: Option<StateSnapshot>,
}

fn has_content(s: &StateSnapshot) -> bool {
    s.serial > 0 && (!s.resources.is_empty() || !s.outputs.is_empty())
}

fn same(a: &StateSnapshot, b: &StateSnapshot) -> bool {
    a.lineage == b.lineage && a.resources == b.resources && a.outputs == b.outputs
}

fn failed(summary: &str, e: &infra_state::StateError) -> Diagnostics {
    state_diag(summary, e).into()
}

/// Asks `question`; true for "yes". Without a terminal (or with `-input=false`) it cannot ask.
fn confirm(question: &str, a: &InitArgs) -> Result<bool, Diagnostics> {
    if a.force_copy {
        return Ok(true);
    }
    if !a.input || !std::io::stdin().is_terminal() {
        return Err(Diagnostic::error(
            "Migration needs confirmation",
            format!("{question}\n\ninfra cannot ask without a terminal (or with -input=false). Run `infra init -migrate-state -force-copy` to answer yes."),
        )
        .into());
    }
    print!("{question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    println!();
    Ok(answer.trim() == "yes")
}

pub(super) fn run(
    dir: &Path,
    from: &Backend,
    to: &Backend,
    a: &InitArgs,
) -> Result<(), Diagnostics> {
    let Some(src) = backend::open(dir, from, false)? else {
        println!(
            "- {} holds no state: nothing to copy.",
            sentence_case(&from.describe())
        );
        return Ok(());
    };
    backend::verify(to)?;
    let dst = backend::open(dir, to, true)?.ok_or_else(|| {
        Diagnostics::from(Diagnostic::error(
            "Failed to open the state",
            format!("Cannot open {}.", to.describe()),
        ))
    })?;
    let envs = src
        .environments()
        .map_err(|e| failed("Failed to list the environments to migrate", &e))?;
    let mut copies = Vec::new();
    for env in envs {
        let state = src
            .load(&env)
            .map_err(|e| failed("Failed to load state", &e))?;
        let open = src
            .open_intents(&env)
            .map_err(|e| failed("Failed to load state", &e))?;
        if !open.is_empty() {
            return Err(Diagnostic::error(
                "Unfinished changes in the state",
                format!(
                    "Environment \"{env}\" has {} unresolved change(s) from an interrupted apply (first: {} {}). Run `infra apply -env={env}` with the previous backend to recover them first, then migrate.",
                    open.len(),
                    open[0].action,
                    open[0].address
                ),
            )
            .into());
        }
        if state.serial == 0 {
            continue;
        }
        let current = dst
            .load(&env)
            .map_err(|e| failed("Failed to load state", &e))?;
        if same(&state, &current) {
            println!(
                "- Environment \"{env}\": already identical in {}.",
                to.describe()
            );
            continue;
        }
        let overwrites =
            (has_content(&current) && current.lineage != state.lineage).then_some(current);
        copies.push(Copy {
            env,
            state,
            overwrites,
        });
    }
    if copies.is_empty() {
        println!("- Nothing to copy.");
        return Ok(());
    }
    let names: Vec<String> = copies.iter().map(|c| format!("\"{}\"", c.env)).collect();
    let question = format!(
        "Do you want to copy existing state to the new backend?\n  The state of environment(s) {} in {} will be copied to {}. The previous backend is left as it is.",
        names.join(", "),
        from.describe(),
        to.describe()
    );
    if !confirm(&question, a)? {
        return Err(Diagnostic::error(
            "Migration cancelled",
            "No state was copied; the previous backend stays in use.",
        )
        .into());
    }
    for c in &copies {
        if let Some(existing) = &c.overwrites {
            let q = format!(
                "Environment \"{}\" already has a different state in {} (lineage {}, version {}, {} resource instance(s)); the one being copied has lineage {}. Overwrite it? Its current state stays in the new backend's history.",
                c.env,
                to.describe(),
                existing.lineage,
                existing.serial,
                existing.resources.len(),
                c.state.lineage
            );
            if !confirm(&q, a)? {
                return Err(Diagnostic::error(
                    "Migration cancelled",
                    format!("Environment \"{}\" was not overwritten; nothing was copied from it. Environments copied before it stay copied.", c.env),
                )
                .into());
            }
        }
        copy_one(src.as_ref(), dst.as_ref(), &c.env)?;
        println!(
            "- Environment \"{}\": copied ({} resource instance(s), {} output(s)), verified.",
            c.env,
            c.state.resources.len(),
            c.state.outputs.len()
        );
    }
    Ok(())
}

/// Copies one environment under both locks and checks the copy.
fn copy_one(src: &dyn StateStore, dst: &dyn StateStore, env: &str) -> Result<(), Diagnostics> {
    let lock = |s: &dyn StateStore| {
        s.lock(env, LockInfo::new("migrate-state"), LOCK_TIMEOUT)
            .map_err(|e| failed("Failed to lock state", &e))
    };
    let _src_lock = lock(src)?;
    let _dst_lock = lock(dst)?;
    let state = src
        .load(env)
        .map_err(|e| failed("Failed to load state", &e))?;
    dst.replace_all(env, state, "migrate-state")
        .map_err(|e| failed("Failed to write state", &e))?;
    let (a, b) = (
        src.load(env)
            .map_err(|e| failed("Failed to load state", &e))?,
        dst.load(env)
            .map_err(|e| failed("Failed to load state", &e))?,
    );
    if !same(&a, &b) {
        return Err(Diagnostic::error(
            "Migration check failed",
            format!("After copying environment \"{env}\", the new backend's state (lineage {}, {} instance(s)) differs from the previous one's (lineage {}, {} instance(s)). The previous backend is unchanged and still configured as the one in use.", b.lineage, b.resources.len(), a.lineage, a.resources.len()),
        )
        .into());
    }
    Ok(())
}

fn sentence_case(s: &str) -> String {
    sentence(s).trim_end_matches('.').to_string()
}
