//! The `state` subcommands that change the state: `rm`, `mv`, `rollback` and
//! `import-terraform`. Each takes the environment's lock (unless `-lock=false`), reads the
//! current state under it, and writes its whole result as one new version, so that one command
//! is one entry of `infra state history` and one step for `infra state rollback`.
//!
//! Nothing here talks to providers: `rm` forgets objects without destroying them and `mv` only
//! renames them in the state.

use std::collections::{BTreeMap, BTreeSet};

use infra_core::addr::{ModuleInstance, ResourceAddr, ResourceInstanceAddr, Target};
use infra_core::{Diagnostic, Diagnostics};
use infra_state::{ResourceInstance, StateError, StateSnapshot};

use super::state::{
    existing_store, fail, open_store, parse_address, sentence, sorted_instances, state_diag,
    take_lock,
};
use crate::args::StateArgs;

/// Terraform's error when `state rm` matches nothing.
fn no_matching_objects() -> Diagnostic {
    Diagnostic::error(
        "Invalid target address",
        "No matching objects found. To view the available instances, use \"infra state list\". Please modify the address to reference a specific instance.",
    )
}

pub(super) fn rm(a: &StateArgs, addresses: &[String], dry_run: bool) -> u8 {
    if addresses.is_empty() {
        return fail(
            Diagnostic::error("Missing address", "`infra state rm` needs at least one address of a resource, resource instance or module to remove."),
            a.no_color,
        );
    }
    let mut targets = Vec::new();
    for s in addresses {
        match parse_address(s) {
            Ok(t) => targets.push(t),
            Err(d) => return fail(d, a.no_color),
        }
    }
    let store = match existing_store() {
        Ok(Some(s)) => s,
        Ok(None) => return fail(no_matching_objects(), a.no_color),
        Err(d) => return fail(d, a.no_color),
    };
    let _lock = match take_lock(store.as_ref(), a, "state rm") {
        Ok(l) => l,
        Err(d) => return fail(d, a.no_color),
    };
    let state = match store.load(&a.env) {
        Ok(s) => s,
        Err(e) => return fail(state_diag("Failed to load state", &e), a.no_color),
    };
    let all = sorted_instances(&state);
    let mut removed: Vec<String> = Vec::new();
    for t in &targets {
        for (addr, inst) in &all {
            let key = inst.address();
            if t.contains(addr) && !removed.contains(&key) {
                removed.push(key);
            }
        }
    }
    if removed.is_empty() {
        return fail(no_matching_objects(), a.no_color);
    }
    let prefix = if dry_run { "Would remove" } else { "Removed" };
    for r in &removed {
        println!("{prefix} {r}");
    }
    if dry_run {
        return 0;
    }
    let mut next = state.clone();
    for r in &removed {
        next.resources.remove(r);
    }
    if let Err(e) = store.replace_all(&a.env, next, "state rm") {
        return fail(state_diag("Failed to write state", &e), a.no_color);
    }
    println!(
        "Successfully removed {} resource instance(s).",
        removed.len()
    );
    0
}

/// The instances a `state mv` source selects and their new addresses.
struct Move {
    /// `(old address, instance at its new address)`.
    instances: Vec<(String, ResourceInstance)>,
}

fn invalid_move(summary: &str, detail: String) -> Diagnostics {
    Diagnostic::error(summary, detail).into()
}

/// Plans `state mv SRC DST` against `state`: a module moves with everything in it, a resource
/// with all its instances (keys kept), an instance to an instance address (or to a resource
/// address, where it loses its key).
fn plan_move(state: &StateSnapshot, src: &Target, dst: &Target) -> Result<Move, Diagnostics> {
    let all = sorted_instances(state);
    let no_source = || {
        invalid_move(
            "Invalid source address",
            format!("Cannot move {src}: does not match anything in the current state."),
        )
    };
    let same_type = |from: &ResourceAddr, to: &ResourceAddr| -> Result<(), Diagnostics> {
        if from.mode != to.mode || from.ty != to.ty {
            return Err(invalid_move(
                "Invalid state move request",
                format!("Cannot move {src} to {dst}: resource types don't match. An object keeps its resource type; only its name, key and module can change."),
            ));
        }
        Ok(())
    };
    let renamed = |inst: &ResourceInstance, to: &ResourceInstanceAddr| ResourceInstance {
        module: to.resource.module.to_string(),
        name: to.resource.name.clone(),
        index: to.key.clone(),
        ..inst.clone()
    };
    let mut instances = Vec::new();
    match (src, dst) {
        (Target::Module(from), Target::Module(to)) => {
            for (addr, inst) in &all {
                if let Some(rest) = strip_module(&addr.resource.module, from) {
                    let mut module = to.clone();
                    module.0.extend(rest.iter().cloned());
                    let new_addr = ResourceAddr { module, ..addr.resource.clone() }.instance(addr.key.clone());
                    instances.push((inst.address(), renamed(inst, &new_addr)));
                }
            }
        }
        (Target::Module(_), _) | (_, Target::Module(_)) => {
            return Err(invalid_move(
                "Invalid state move request",
                format!("Cannot move {src} to {dst}: a module moves to a module address, and a resource or resource instance to a resource or resource instance address."),
            ))
        }
        (Target::Resource(from), Target::Resource(to)) => {
            same_type(from, to)?;
            for (addr, inst) in all.iter().filter(|(addr, _)| addr.resource == *from) {
                instances.push((inst.address(), renamed(inst, &to.instance(addr.key.clone()))));
            }
        }
        (Target::Resource(from), Target::Instance(to)) => {
            same_type(from, &to.resource)?;
            let matching: Vec<_> = all.iter().filter(|(addr, _)| addr.resource == *from).collect();
            match matching.as_slice() {
                [] => {}
                [(_, inst)] => instances.push((inst.address(), renamed(inst, to))),
                many => {
                    return Err(invalid_move(
                        "Invalid state move request",
                        format!("Cannot move {src} to {dst}: {src} has {} instances, and only one instance can move to an instance address. Move each instance by its own address, or move the whole resource to a resource address.", many.len()),
                    ))
                }
            }
        }
        (Target::Instance(from), Target::Instance(_) | Target::Resource(_)) => {
            let to = match dst {
                Target::Instance(i) => i.clone(),
                Target::Resource(r) => r.instance(None),
                Target::Module(_) => return Err(no_source()),
            };
            same_type(&from.resource, &to.resource)?;
            if let Some((_, inst)) = all.iter().find(|(addr, _)| addr == from) {
                instances.push((inst.address(), renamed(inst, &to)));
            }
        }
    }
    if instances.is_empty() {
        return Err(no_source());
    }
    let moving: BTreeSet<&str> = instances.iter().map(|(old, _)| old.as_str()).collect();
    for (old, new) in &instances {
        let new_addr = new.address();
        if new_addr != *old
            && state.resources.contains_key(&new_addr)
            && !moving.contains(new_addr.as_str())
        {
            return Err(invalid_move(
                "Invalid target address",
                format!("Cannot move to {dst}: there is already a resource instance at that address ({new_addr}) in the current state. Remove it first (`infra state rm {new_addr}`) or choose another address."),
            ));
        }
    }
    Ok(Move { instances })
}

/// The module steps of `module` after `prefix`, when `prefix` (whose steps without a key match
/// any key) contains it.
fn strip_module<'a>(
    module: &'a ModuleInstance,
    prefix: &ModuleInstance,
) -> Option<&'a [infra_core::addr::ModuleStep]> {
    if prefix.0.len() > module.0.len() {
        return None;
    }
    let matches = prefix
        .0
        .iter()
        .zip(&module.0)
        .all(|(p, m)| p.name == m.name && p.key == m.key);
    matches.then(|| &module.0[prefix.0.len()..])
}

pub(super) fn mv(a: &StateArgs, source: &str, destination: &str, dry_run: bool) -> u8 {
    let (src, dst) = match (parse_address(source), parse_address(destination)) {
        (Ok(s), Ok(d)) => (s, d),
        (Err(d), _) | (_, Err(d)) => return fail(d, a.no_color),
    };
    let store = match existing_store() {
        Ok(Some(s)) => s,
        // Nothing can match in a directory that never had a state.
        Ok(None) => {
            return match plan_move(&StateSnapshot::default(), &src, &dst) {
                Err(d) => fail(d, a.no_color),
                Ok(_) => 1,
            }
        }
        Err(d) => return fail(d, a.no_color),
    };
    let _lock = match take_lock(store.as_ref(), a, "state mv") {
        Ok(l) => l,
        Err(d) => return fail(d, a.no_color),
    };
    let state = match store.load(&a.env) {
        Ok(s) => s,
        Err(e) => return fail(state_diag("Failed to load state", &e), a.no_color),
    };
    let plan = match plan_move(&state, &src, &dst) {
        Ok(p) => p,
        Err(d) => return fail(d, a.no_color),
    };
    println!(
        "{} \"{src}\" to \"{dst}\"",
        if dry_run { "Would move" } else { "Move" }
    );
    if dry_run {
        return 0;
    }
    let mut next = state.clone();
    for (old, _) in &plan.instances {
        next.resources.remove(old);
    }
    for (_, new) in plan.instances {
        next.insert(new);
    }
    if let Err(e) = store.replace_all(&a.env, next, "state mv") {
        return fail(state_diag("Failed to write state", &e), a.no_color);
    }
    println!("Successfully moved 1 object(s).");
    0
}

/// One line of what a rollback changes: `+` restored, `-` removed, `~` changed.
fn diff_lines(current: &StateSnapshot, target: &StateSnapshot) -> Vec<String> {
    fn diff<T: PartialEq>(
        before: &BTreeMap<String, T>,
        after: &BTreeMap<String, T>,
        prefix: &str,
        out: &mut Vec<String>,
    ) {
        let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        for n in names {
            let sign = match (before.get(n), after.get(n)) {
                (None, Some(_)) => '+',
                (Some(_), None) => '-',
                (Some(b), Some(a)) if b != a => '~',
                _ => continue,
            };
            out.push(format!("  {sign} {prefix}{n}"));
        }
    }
    let mut out = Vec::new();
    diff(&current.resources, &target.resources, "", &mut out);
    diff(&current.outputs, &target.outputs, "output.", &mut out);
    out
}

pub(super) fn rollback(a: &StateArgs, serial: u64) -> u8 {
    let store = match existing_store() {
        Ok(Some(s)) => s,
        Ok(None) if serial > 0 => {
            let e = StateError::NoSuchVersion {
                env: a.env.clone(),
                serial,
                latest: 0,
            };
            return fail(state_diag("Invalid state version", &e), a.no_color);
        }
        Ok(None) => match open_store() {
            Ok(s) => s,
            Err(d) => return fail(d, a.no_color),
        },
        Err(d) => return fail(d, a.no_color),
    };
    let _lock = match take_lock(store.as_ref(), a, "state rollback") {
        Ok(l) => l,
        Err(d) => return fail(d, a.no_color),
    };
    let (current, target) = match store
        .load(&a.env)
        .and_then(|c| Ok((c, store.snapshot_at(&a.env, serial)?)))
    {
        Ok(pair) => pair,
        Err(e) => return fail(state_diag("Invalid state version", &e), a.no_color),
    };
    let lines = diff_lines(&current, &target);
    if lines.is_empty() && current.lineage == target.lineage {
        println!(
            "The state of environment \"{}\" already matches version {serial}; nothing changed.",
            a.env
        );
        return 0;
    }
    let new_serial = match store.rollback(&a.env, serial) {
        Ok(s) => s,
        Err(e) => return fail(state_diag("Failed to roll back the state", &e), a.no_color),
    };
    println!(
        "Rolled back environment \"{}\" to version {serial}, recorded as version {new_serial} (the history keeps every version):",
        a.env
    );
    for l in lines {
        println!("{l}");
    }
    0
}

pub(super) fn import_terraform(a: &StateArgs, file: &str, force: bool) -> u8 {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            return fail(
                Diagnostic::error(
                    "Failed to read state file",
                    format!("Cannot read `{file}`: {e}."),
                ),
                a.no_color,
            )
        }
    };
    let snapshot = match infra_state::from_json(&bytes) {
        Ok(s) => s,
        Err(e) => {
            return fail(
                Diagnostic::error(
                    "Invalid state file",
                    format!(
                        "`{file}` is not a usable Terraform state: {}",
                        sentence(&e.to_string())
                    ),
                ),
                a.no_color,
            )
        }
    };
    let store = match open_store() {
        Ok(s) => s,
        Err(d) => return fail(d, a.no_color),
    };
    let _lock = match take_lock(store.as_ref(), a, "state import-terraform") {
        Ok(l) => l,
        Err(d) => return fail(d, a.no_color),
    };
    let current = match store.load(&a.env) {
        Ok(s) => s,
        Err(e) => return fail(state_diag("Failed to load state", &e), a.no_color),
    };
    if !force && (!current.resources.is_empty() || !current.outputs.is_empty()) {
        return fail(
            Diagnostic::error(
                "State already exists",
                format!(
                    "Environment \"{}\" already has a state ({} resource instance(s), {} output(s), version {}). Importing `{file}` would replace it. Run again with -force to replace it: the current state stays in the history, and `infra state rollback {}` brings it back.",
                    a.env,
                    current.resources.len(),
                    current.outputs.len(),
                    current.serial,
                    current.serial
                ),
            ),
            a.no_color,
        );
    }
    let (count, outputs, lineage) = (
        snapshot.resources.len(),
        snapshot.outputs.len(),
        snapshot.lineage.clone(),
    );
    let serial = match store.replace_all(&a.env, snapshot, "import-terraform") {
        Ok(s) => s,
        Err(e) => return fail(state_diag("Failed to write state", &e), a.no_color),
    };
    println!("Imported {count} resource instance(s) and {outputs} output(s) from {file} into environment \"{}\".", a.env);
    println!("The state keeps the file's lineage {lineage}; it is now at version {serial}.");
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_core::addr::parse_target;
    use serde_json::json;

    fn state(addresses: &[&str]) -> StateSnapshot {
        let mut s = StateSnapshot::default();
        for a in addresses {
            let p = infra_state::parse_instance_address(a).unwrap_or_else(|e| panic!("{a}: {e}"));
            s.insert(ResourceInstance {
                module: p.module,
                mode: p.mode,
                type_name: p.type_name,
                name: p.name,
                index: p.index,
                attributes: json!({"id": a}),
                ..ResourceInstance::default()
            });
        }
        s
    }

    #[track_caller]
    fn moves(s: &[&str], src: &str, dst: &str, want: &[(&str, &str)]) {
        let (Ok(src), Ok(dst)) = (parse_target(src), parse_target(dst)) else {
            panic!("bad test addresses")
        };
        let m = plan_move(&state(s), &src, &dst)
            .unwrap_or_else(|d| panic!("{:?}", d.iter().map(|d| &d.summary).collect::<Vec<_>>()));
        let got: Vec<(String, String)> = m
            .instances
            .iter()
            .map(|(o, n)| (o.clone(), n.address()))
            .collect();
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[track_caller]
    fn refuses(s: &[&str], src: &str, dst: &str, summary: &str) {
        let (Ok(src), Ok(dst)) = (parse_target(src), parse_target(dst)) else {
            panic!("bad test addresses")
        };
        match plan_move(&state(s), &src, &dst) {
            Ok(_) => panic!("expected {summary}"),
            Err(d) => assert_eq!(
                d.iter().map(|d| d.summary.as_str()).collect::<Vec<_>>(),
                [summary]
            ),
        }
    }

    #[test]
    fn moves_follow_terraform() {
        moves(
            &["null_resource.a"],
            "null_resource.a",
            "null_resource.b",
            &[("null_resource.a", "null_resource.b")],
        );
        moves(
            &["null_resource.c[0]", "null_resource.c[1]"],
            "null_resource.c",
            "null_resource.d",
            &[
                ("null_resource.c[0]", "null_resource.d[0]"),
                ("null_resource.c[1]", "null_resource.d[1]"),
            ],
        );
        moves(
            &["null_resource.c[0]", "null_resource.c[1]"],
            "null_resource.c[1]",
            "null_resource.e",
            &[("null_resource.c[1]", "null_resource.e")],
        );
        moves(
            &["null_resource.a"],
            "null_resource.a",
            "null_resource.a[\"k\"]",
            &[("null_resource.a", "null_resource.a[\"k\"]")],
        );
        moves(
            &[
                "module.m.null_resource.a",
                "module.m.module.n.null_resource.b",
                "null_resource.z",
            ],
            "module.m",
            "module.x[1]",
            &[
                ("module.m.null_resource.a", "module.x[1].null_resource.a"),
                (
                    "module.m.module.n.null_resource.b",
                    "module.x[1].module.n.null_resource.b",
                ),
            ],
        );
    }

    #[test]
    fn bad_moves_are_refused() {
        refuses(
            &["null_resource.a", "null_resource.b"],
            "null_resource.a",
            "null_resource.b",
            "Invalid target address",
        );
        refuses(
            &["null_resource.a"],
            "null_resource.q",
            "null_resource.b",
            "Invalid source address",
        );
        refuses(
            &["null_resource.a"],
            "null_resource.a",
            "random_pet.a",
            "Invalid state move request",
        );
        refuses(
            &["null_resource.a"],
            "null_resource.a",
            "module.m",
            "Invalid state move request",
        );
        refuses(
            &["null_resource.c[0]", "null_resource.c[1]"],
            "null_resource.c",
            "null_resource.d[0]",
            "Invalid state move request",
        );
    }

    #[test]
    fn rollback_lines_show_each_subject() {
        let lines = diff_lines(&state(&["a.b", "a.c"]), &state(&["a.c", "a.d"]));
        assert_eq!(lines, ["  - a.b", "  + a.d"]);
    }
}
