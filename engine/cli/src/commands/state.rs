//! `infra state list|show|pull|history` (reading) and the dispatch of the `state` subcommands;
//! the ones that change the state (`rm`, `mv`, `rollback`, `import-terraform`) are in
//! `state_edit.rs`. Also the helpers every state command shares: reading the state without
//! creating a database, opening the store, taking the lock, and turning store errors into
//! diagnostics.
//!
//! Reading commands take no lock and never create `.infra/state.db`. Nothing here interprets
//! attributes beyond display.

use std::path::Path;
use std::sync::Arc;

use infra_core::addr::{parse_target, ResourceInstanceAddr, Target};
use infra_core::{Diagnostic, Diagnostics};
use infra_state::{
    ChangeKind, LockInfo, ResourceInstance, ResourceMode, StateError, StateLock, StateSnapshot,
    StateStore, VersionRow,
};
use serde_json::json;

use super::show_format::{render_instance, Schemas};
use super::state_edit;
use crate::args::{StateArgs, StateCommand};
use crate::backend;
use crate::project;
use crate::render::Sources;

pub fn run(cmd: StateCommand) -> u8 {
    match cmd {
        StateCommand::List {
            state,
            addresses,
            id,
        } => list(&state, &addresses, id.as_deref()),
        StateCommand::Show { state, address } => show(&state, &address),
        StateCommand::Rm {
            state,
            addresses,
            dry_run,
        } => state_edit::rm(&state, &addresses, dry_run),
        StateCommand::Mv {
            state,
            source,
            destination,
            dry_run,
        } => state_edit::mv(&state, &source, &destination, dry_run),
        StateCommand::Pull { state } => pull(&state),
        StateCommand::History { state, json } => history(&state, json),
        StateCommand::Rollback { state, serial } => state_edit::rollback(&state, serial),
        StateCommand::ImportTerraform { state, file, force } => {
            state_edit::import_terraform(&state, &file, force)
        }
    }
}

/// Prints diagnostics that point into no source file and returns exit status 1.
pub(crate) fn fail(d: impl Into<Diagnostics>, no_color: bool) -> u8 {
    warn(d.into(), no_color);
    1
}

/// Prints diagnostics that point into no source file.
pub(crate) fn warn(d: Diagnostics, no_color: bool) {
    project::report(&d, &Sources::default(), super::stderr_color(no_color));
}

/// A store error as a diagnostic: a held lock gets Terraform's "Error acquiring the state lock"
/// with the holder's details, anything else `summary`.
pub(crate) fn state_diag(summary: &str, e: &StateError) -> Diagnostic {
    match e {
        StateError::Locked { env, holder } => Diagnostic::error(
            "Error acquiring the state lock",
            format!(
                "The state of environment \"{env}\" is locked by another operation.\n\nLock Info:\n  ID:        {}\n  Operation: {}\n  Who:       {}\n  Host:      {}\n  PID:       {}\n  Created:   {}\n  Info:      {}\n\ninfra takes a state lock so that two operations never write the same state at once. Wait for that operation to finish. If it is stuck and you are sure nothing else is changing this environment, release the lock with `infra force-unlock {}`. Most commands can run without the lock (\"-lock=false\"), but that is not recommended.",
                holder.id, holder.operation, holder.who, holder.host, holder.pid, holder.since, holder.info, holder.id
            ),
        ),
        _ => Diagnostic::error(summary, sentence(&e.to_string())),
    }
}

/// A lowercase error message as a sentence: capital first letter, final period.
pub(crate) fn sentence(msg: &str) -> String {
    let mut chars = msg.chars();
    let mut s: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

/// The environment's current state; an empty one (serial 0) when there is no state, whose
/// local database is not created.
pub(crate) fn read_state(env: &str) -> Result<StateSnapshot, Diagnostics> {
    let Some(store) = existing_store()? else {
        return Ok(StateSnapshot::default());
    };
    store
        .load(env)
        .map_err(|e| state_diag("Failed to load state", &e).into())
}

/// The state store of the current directory's backend; `None` when that is the local database
/// and it does not exist (reading commands do not create one).
pub(crate) fn existing_store() -> Result<Option<Arc<dyn StateStore>>, Diagnostics> {
    let dir = Path::new(".");
    let b = backend::of_dir(dir)?;
    backend::open(dir, &b, false)
}

/// Opens the state store of the current directory's backend (creating the local database if
/// needed).
pub(crate) fn open_store() -> Result<Arc<dyn StateStore>, Diagnostics> {
    let dir = Path::new(".");
    let b = backend::of_dir(dir)?;
    backend::open(dir, &b, true)?.ok_or_else(|| {
        Diagnostic::error(
            "Failed to open the state",
            format!("Cannot open {}.", b.describe()),
        )
        .into()
    })
}

/// Takes the environment's lock for `operation` unless `-lock=false`, waiting up to
/// `-lock-timeout`.
pub(crate) fn take_lock(
    store: &dyn StateStore,
    a: &StateArgs,
    operation: &str,
) -> Result<Option<StateLock>, Diagnostics> {
    if !a.lock {
        return Ok(None);
    }
    let timeout = project::parse_duration(&a.lock_timeout)
        .map_err(|e| Diagnostic::error("Invalid -lock-timeout value", sentence(&e)))?;
    store
        .lock(&a.env, LockInfo::new(operation), timeout)
        .map(Some)
        .map_err(|e| state_diag("Failed to lock state", &e).into())
}

/// Parses an address typed on the command line.
pub(crate) fn parse_address(s: &str) -> Result<Target, Diagnostics> {
    parse_target(s).map_err(|e| Diagnostic::error("Invalid address", e).into())
}

/// The parsed address of a stored instance.
pub(crate) fn instance_addr(inst: &ResourceInstance) -> Option<ResourceInstanceAddr> {
    match parse_target(&inst.address()).ok()? {
        Target::Instance(i) => Some(i),
        Target::Resource(r) => Some(r.instance(None)),
        Target::Module(_) => None,
    }
}

/// The instances in the order `terraform state list` prints them (`AbsResourceInstance.Less`):
/// shallower module instances first, then module steps by name and key, data sources before
/// managed resources, type, name, key (none, then numbers, then strings).
pub(crate) fn sorted_instances(
    state: &StateSnapshot,
) -> Vec<(ResourceInstanceAddr, &ResourceInstance)> {
    let mut v: Vec<(ResourceInstanceAddr, &ResourceInstance)> = state
        .resources
        .values()
        .filter_map(|i| instance_addr(i).map(|a| (a, &**i)))
        .collect();
    let mode_rank = |m: ResourceMode| u8::from(m == ResourceMode::Managed);
    v.sort_by(|(a, _), (b, _)| {
        let (ma, mb) = (&a.resource.module.0, &b.resource.module.0);
        ma.len()
            .cmp(&mb.len())
            .then_with(|| ma.cmp(mb))
            .then_with(|| mode_rank(a.resource.mode).cmp(&mode_rank(b.resource.mode)))
            .then_with(|| a.resource.ty.cmp(&b.resource.ty))
            .then_with(|| a.resource.name.cmp(&b.resource.name))
            .then_with(|| a.key.cmp(&b.key))
    });
    v
}

/// Terraform's error for a `state list` filter that matches nothing.
fn unknown_address(t: &Target) -> Diagnostic {
    match t {
        Target::Module(m) => Diagnostic::error(
            "Unknown module",
            format!("The current state contains no module at {m}. If you've just added this module to the configuration, you must run \"infra apply\" first to create the module's entry in the state."),
        ),
        Target::Resource(r) => Diagnostic::error(
            "Unknown resource",
            format!("The current state contains no resource {r}. If you've just added this resource to the configuration, you must run \"infra apply\" first to create the resource's entry in the state."),
        ),
        Target::Instance(i) => Diagnostic::error(
            "Unknown resource instance",
            format!("The current state contains no resource instance {i}. If you've just added its resource to the configuration or have changed the count or for_each arguments, you must run \"infra apply\" first to update the resource's entry in the state."),
        ),
    }
}

fn list(a: &StateArgs, addresses: &[String], id: Option<&str>) -> u8 {
    let state = match read_state(&a.env) {
        Ok(s) => s,
        Err(d) => return fail(d, a.no_color),
    };
    let all = sorted_instances(&state);
    let mut diags = Diagnostics::new();
    let mut shown: Vec<String> = Vec::new();
    let mut add = |addr: &ResourceInstanceAddr, inst: &ResourceInstance| {
        let matches_id =
            id.is_none_or(|id| inst.attributes.get("id").and_then(|v| v.as_str()) == Some(id));
        let text = addr.to_string();
        if matches_id && !shown.contains(&text) {
            shown.push(text);
        }
    };
    if addresses.is_empty() {
        for (addr, inst) in &all {
            add(addr, inst);
        }
    }
    for s in addresses {
        let target = match parse_address(s) {
            Ok(t) => t,
            Err(d) => {
                diags.extend(d);
                continue;
            }
        };
        let mut any = false;
        for (addr, inst) in all.iter().filter(|(addr, _)| target.contains(addr)) {
            any = true;
            add(addr, inst);
        }
        if !any {
            diags.push(unknown_address(&target));
        }
    }
    if diags.has_errors() {
        return fail(diags, a.no_color);
    }
    for line in shown {
        println!("{line}");
    }
    0
}

fn show(a: &StateArgs, address: &str) -> u8 {
    let target = match parse_address(address) {
        Ok(Target::Module(m)) => {
            return fail(
                Diagnostic::error("Invalid address", format!("{m} is a module; `infra state show` takes the address of one resource instance.")),
                a.no_color,
            )
        }
        Ok(Target::Resource(r)) => r.instance(None),
        Ok(Target::Instance(i)) => i,
        Err(d) => return fail(d, a.no_color),
    };
    let state = match read_state(&a.env) {
        Ok(s) => s,
        Err(d) => return fail(d, a.no_color),
    };
    let all = sorted_instances(&state);
    let Some((_, inst)) = all.iter().find(|(addr, _)| *addr == target) else {
        let mut detail = "This command requires that the address references one specific instance. To view the available instances, use \"infra state list\". Please modify the address to reference a specific instance.".to_string();
        let siblings: Vec<String> = all
            .iter()
            .filter(|(addr, _)| addr.resource == target.resource)
            .map(|(addr, _)| addr.to_string())
            .collect();
        if !siblings.is_empty() {
            detail.push_str(&format!(
                " The instances of {} are: {}.",
                target.resource,
                siblings.join(", ")
            ));
        }
        return fail(
            Diagnostic::error("No instance found for the given address", detail),
            a.no_color,
        );
    };
    let schema = Schemas::new(project::registry()).of(inst);
    print!("{}", render_instance(inst, schema.as_ref()));
    0
}

fn pull(a: &StateArgs) -> u8 {
    let state = match read_state(&a.env) {
        Ok(s) => s,
        Err(d) => return fail(d, a.no_color),
    };
    // Like Terraform, an environment that never had a state prints nothing.
    if state.serial > 0 {
        print!("{}", infra_state::to_json_string(&state));
    }
    0
}

fn history(a: &StateArgs, as_json: bool) -> u8 {
    let rows = match existing_store().and_then(|s| match s {
        Some(s) => s
            .history(&a.env)
            .map_err(|e| state_diag("Failed to read the state history", &e).into()),
        None => Ok(Vec::new()),
    }) {
        Ok(r) => r,
        Err(d) => return fail(d, a.no_color),
    };
    if as_json {
        let doc: Vec<serde_json::Value> = rows.iter().map(version_json).collect();
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        return 0;
    }
    if rows.is_empty() {
        eprintln!("Environment \"{}\" has no state history yet.", a.env);
        return 0;
    }
    print!("{}", history_table(&rows));
    0
}

fn kind_str(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Create => "create",
        ChangeKind::Update => "update",
        ChangeKind::Delete => "delete",
    }
}

fn version_json(v: &VersionRow) -> serde_json::Value {
    json!({
        "serial": v.serial,
        "time": v.time.to_string(),
        "operation": v.operation,
        "who": v.who,
        "lineage": v.lineage,
        "note": v.note,
        "changes": v.changes.iter().map(|c| json!({"address": c.subject.to_string(), "action": kind_str(c.kind)})).collect::<Vec<_>>(),
    })
}

/// What a version changed, in a few words: the one address, `a -> b` for a move, or the first
/// addresses and how many more.
fn changes_summary(v: &VersionRow) -> String {
    if let Some(a) = v.address() {
        return a.to_string();
    }
    let deleted: Vec<String> = v
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Delete)
        .map(|c| c.subject.to_string())
        .collect();
    let created: Vec<String> = v
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Create)
        .map(|c| c.subject.to_string())
        .collect();
    if v.operation == "state mv" && deleted.len() == 1 && created.len() == 1 && v.changes.len() == 2
    {
        return format!("{} -> {}", deleted[0], created[0]);
    }
    let names: Vec<String> = v.changes.iter().map(|c| c.subject.to_string()).collect();
    match names.len() {
        0 => "(no changes)".to_string(),
        1..=3 => names.join(", "),
        n => format!("{} and {} more", names[..2].join(", "), n - 2),
    }
}

fn history_table(rows: &[VersionRow]) -> String {
    let header = ["SERIAL", "TIME", "OPERATION", "WHO", "ADDRESS"];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|v| {
            let op = if v.note.is_empty() {
                v.operation.clone()
            } else {
                format!("{} ({})", v.operation, v.note)
            };
            [
                v.serial.to_string(),
                v.time.to_string(),
                op,
                v.who.clone(),
                changes_summary(v),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cols: &[&str]| {
        let mut s = String::new();
        for (i, c) in cols.iter().enumerate() {
            if i + 1 == cols.len() {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(&header);
    for row in &cells {
        out.push_str(&line(&row.each_ref().map(String::as_str)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_state::{ChangeSummary, Subject, Timestamp};

    fn row(serial: u64, op: &str, changes: &[(&str, ChangeKind)]) -> VersionRow {
        VersionRow {
            serial,
            time: Timestamp::from_millis(0),
            operation: op.into(),
            who: "me@host".into(),
            lineage: "l".into(),
            note: String::new(),
            changes: changes
                .iter()
                .map(|(a, k)| ChangeSummary {
                    subject: Subject::Instance((*a).into()),
                    kind: *k,
                })
                .collect(),
        }
    }

    #[test]
    fn history_summarises_changes() {
        use ChangeKind::*;
        assert_eq!(
            changes_summary(&row(1, "state rm", &[("a.b", Delete)])),
            "a.b"
        );
        assert_eq!(
            changes_summary(&row(2, "state mv", &[("a.b", Delete), ("a.c", Create)])),
            "a.b -> a.c"
        );
        assert_eq!(
            changes_summary(&row(
                3,
                "apply",
                &[
                    ("a.b", Create),
                    ("a.c", Create),
                    ("a.d", Create),
                    ("a.e", Create)
                ]
            )),
            "a.b, a.c and 2 more"
        );
        let table = history_table(&[row(1, "import-terraform", &[("a.b", Create)])]);
        assert_eq!(table, "SERIAL  TIME                      OPERATION         WHO      ADDRESS\n1       1970-01-01T00:00:00.000Z  import-terraform  me@host  a.b\n");
    }

    #[test]
    fn messages_become_sentences() {
        assert_eq!(
            sentence("resource instance `x` is not in the state"),
            "Resource instance `x` is not in the state."
        );
        assert_eq!(sentence("done."), "done.".replacen('d', "D", 1));
    }
}
