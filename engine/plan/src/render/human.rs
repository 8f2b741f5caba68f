//! The plan as people read it: Terraform 1.0's `terraform plan` text with "infra" in place of
//! "Terraform" — the drift note, the legend of action symbols, one block per resource change
//! with its attribute diff, the `Plan: X to add, Y to change, Z to destroy.` summary, the
//! output changes, and the "No changes." messages.
//!
//! It renders exactly what the plan says (it never re-derives actions) and prints nothing
//! itself. What follows the plan in the CLI (the horizontal rule, "Saved the plan to", the
//! `-out` note, the targeting warning) belongs to the CLI, not here.

use std::collections::BTreeSet;

use infra_core::addr::{InstanceKey, Mode};
use infra_core::{Type, Value};

use super::diff::Printer;
use super::terraform_order;
use super::text::{colorize, go_quote, horizontal_rule, wrap};
use crate::model::{Action, OutputChange, Plan, PlanMode, Reason, ResourceChange};

/// How to render.
#[derive(Clone, Debug, Default)]
pub struct HumanOptions {
    /// ANSI colours as Terraform uses them (green `+`, yellow `~`, red `-`, cyan `<=`, bold
    /// headers). Off for files, pipes and `-no-color`.
    pub color: bool,
}

/// Whether a change describes the plan or drift found by refresh (the wording differs).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Language {
    Proposed,
    Drift,
}

/// The whole plan as `infra plan` prints it.
pub fn render_plan(plan: &Plan, opts: &HumanOptions) -> String {
    let c = |t: &str| colorize(t, opts.color);
    let mut out = String::new();
    let have_drift = render_drift(plan, opts, &mut out);

    let mut changes: Vec<&ResourceChange> = plan
        .changes
        .iter()
        .filter(|rc| rc.action != Action::NoOp || moved_from(rc).is_some())
        .filter(|rc| !(rc.action == Action::Delete && rc.addr.resource.mode == Mode::Data))
        .collect();
    changes.sort_by(|a, b| terraform_order(&a.addr, &b.addr));
    let outputs: Vec<(&String, &OutputChange)> = plan
        .outputs
        .iter()
        .filter(|(_, o)| o.action != Action::NoOp)
        .collect();

    if changes.is_empty() && outputs.is_empty() {
        render_no_changes(plan, have_drift, opts, &mut out);
        return out;
    }
    if have_drift {
        out.push_str(&c("[dark_gray]"));
        out.push('\n');
        out.push_str(&horizontal_rule());
        out.push_str(&c("[reset]"));
        out.push('\n');
    }

    let counted: Vec<Action> = changes
        .iter()
        .map(|rc| rc.action)
        .filter(|a| *a != Action::NoOp)
        .collect();
    if !counted.is_empty() {
        out.push('\n');
        out.push_str(&wrap(
            "infra used the selected providers to generate the following execution plan. Resource actions are indicated with the following symbols:",
        ));
        out.push('\n');
        let legend = [
            (Action::Create, "create"),
            (Action::Update, "update in-place"),
            (Action::Delete, "destroy"),
            (
                Action::DeleteThenCreate,
                "destroy and then create replacement",
            ),
            (
                Action::CreateThenDelete,
                "create replacement and then destroy",
            ),
            (Action::Read, "read (data resources)"),
        ];
        for (action, text) in legend {
            if counted.contains(&action) {
                out.push_str(&c(action_symbol(action)));
                out.push(' ');
                out.push_str(text);
                out.push('\n');
            }
        }
    }

    if !changes.is_empty() {
        out.push_str("\ninfra will perform the following actions:\n\n");
        for rc in &changes {
            out.push_str(&resource_change(rc, opts, Language::Proposed));
            out.push('\n');
        }
        let (mut add, mut change, mut destroy) = (0, 0, 0);
        for rc in &changes {
            match rc.action {
                Action::Create => add += 1,
                Action::Update => change += 1,
                Action::Delete => destroy += 1,
                Action::DeleteThenCreate | Action::CreateThenDelete => {
                    add += 1;
                    destroy += 1;
                }
                Action::NoOp | Action::Read => {}
            }
        }
        out.push_str(&c("[reset][bold]Plan:[reset] "));
        out.push_str(&format!(
            "{add} to add, {change} to change, {destroy} to destroy.\n"
        ));
    }

    if !outputs.is_empty() {
        out.push_str(&c("[reset]\n[bold]Changes to Outputs:[reset]"));
        out.push_str(&output_changes(&outputs, opts));
        out.push('\n');
        if counted.is_empty() {
            out.push_str(&wrap(
                "\nYou can apply this plan to save these new output values to the infra state, without changing any real infrastructure.",
            ));
            out.push('\n');
        }
    }
    out
}

/// The "Note: Objects have changed outside of infra" section; returns whether it was written.
fn render_drift(plan: &Plan, opts: &HumanOptions, out: &mut String) -> bool {
    if plan.drift.is_empty() {
        return false;
    }
    let mut drift: Vec<&ResourceChange> = plan.drift.iter().collect();
    drift.sort_by(|a, b| terraform_order(&a.addr, &b.addr));
    out.push_str(&colorize(
        "[reset]\n[bold][cyan]Note:[reset][bold] Objects have changed outside of infra[reset]\n\n",
        opts.color,
    ));
    out.push_str(&wrap(
        "infra detected the following changes made outside of infra since the last \"infra apply\":\n\n",
    ));
    for rc in drift {
        out.push_str(&resource_change(rc, opts, Language::Drift));
        out.push('\n');
    }
    let note = if plan.mode == PlanMode::RefreshOnly {
        "This is a refresh-only plan, so infra will not take any actions to undo these. If you were expecting these changes then you can apply this plan to record the updated values in the infra state without changing any remote objects."
    } else {
        "Unless you have made equivalent changes to your configuration, or ignored the relevant attributes using ignore_changes, the following plan may include actions to undo or respond to these changes."
    };
    out.push_str(&wrap(note));
    out.push('\n');
    true
}

fn render_no_changes(plan: &Plan, have_drift: bool, opts: &HumanOptions, out: &mut String) {
    let c = |t: &str| colorize(t, opts.color);
    match plan.mode {
        PlanMode::RefreshOnly => {
            if have_drift {
                return;
            }
            out.push_str(&c("\n[reset][bold][green]No changes.[reset][bold] Your infrastructure still matches the configuration.[reset]\n\n"));
            out.push_str(&wrap("infra has checked that the real remote objects still match the result of your most recent changes, and found no differences."));
        }
        PlanMode::Destroy => {
            out.push_str(&c(
                "\n[reset][bold][green]No changes.[reset][bold] No objects need to be destroyed.[reset]\n\n",
            ));
            out.push_str(&wrap("Either you have not created any objects yet or the existing objects were already deleted outside of infra."));
        }
        PlanMode::Normal => {
            out.push_str(&c("\n[reset][bold][green]No changes.[reset][bold] Your infrastructure matches the configuration.[reset]\n\n"));
            if have_drift {
                out.push_str(&wrap("Your configuration already matches the changes detected above. If you'd like to update the infra state to match, create and apply a refresh-only plan:"));
                out.push_str("\n  infra apply -refresh-only");
            } else {
                out.push_str(&wrap("infra has compared your real infrastructure against your configuration and found no differences, so no changes are needed."));
            }
        }
    }
    out.push('\n');
}

/// Terraform's three-column action symbol with its colour tags.
fn action_symbol(action: Action) -> &'static str {
    match action {
        Action::DeleteThenCreate => "[red]-[reset]/[green]+[reset]",
        Action::CreateThenDelete => "[green]+[reset]/[red]-[reset]",
        Action::Create => "  [green]+[reset]",
        Action::Delete => "  [red]-[reset]",
        Action::Read => " [cyan]<=[reset]",
        Action::Update => "  [yellow]~[reset]",
        Action::NoOp => "   ",
    }
}

fn moved_from(rc: &ResourceChange) -> Option<&str> {
    match &rc.reason {
        Some(Reason::MovedFrom(old)) => Some(old),
        _ => None,
    }
}

/// One resource change block, from its `  # addr will be ...` header to its closing brace
/// (with a final newline).
pub fn render_resource_change(change: &ResourceChange, opts: &HumanOptions) -> String {
    resource_change(change, opts, Language::Proposed)
}

fn resource_change(rc: &ResourceChange, opts: &HumanOptions, language: Language) -> String {
    let c = |t: &str| colorize(t, opts.color);
    let addr = rc.addr.to_string();
    let mut out = String::new();
    let header = |template: &str| colorize(template, opts.color).replacen("{}", &addr, 1);
    match rc.action {
        Action::Create => out.push_str(&header("[bold]  # {}[reset] will be created")),
        Action::Read => {
            out.push_str(&header("[bold]  # {}[reset] will be read during apply"));
            out.push_str("\n  # (config refers to values not yet known)");
        }
        Action::Update if language == Language::Drift => out.push_str(&header("[bold]  # {}[reset] has been changed")),
        Action::Update => out.push_str(&header("[bold]  # {}[reset] will be updated in-place")),
        Action::DeleteThenCreate | Action::CreateThenDelete => out.push_str(&header(match rc.reason {
            Some(Reason::Tainted) => "[bold]  # {}[reset] is tainted, so must be [bold][red]replaced",
            Some(Reason::ReplaceByRequest) => "[bold]  # {}[reset] will be [bold][red]replaced[reset], as requested",
            Some(Reason::ReplaceByTriggers) => {
                "[bold]  # {}[reset] will be [bold][red]replaced[reset] due to changes in replace_triggered_by"
            }
            _ => "[bold]  # {}[reset] must be [bold][red]replaced",
        })),
        Action::Delete if language == Language::Drift => out.push_str(&header("[bold]  # {}[reset] has been deleted")),
        Action::Delete => {
            out.push_str(&header("[bold]  # {}[reset] will be [bold][red]destroyed"));
            match (&rc.reason, &rc.addr.key) {
                (Some(Reason::NoResourceConfig), _) => {
                    out.push_str(&format!("\n  # (because {} is not in configuration)", rc.addr.resource.local()));
                }
                (Some(Reason::NoModuleInstance(m)), _) => {
                    out.push_str(&format!("\n  # (because {m} is not in configuration)"));
                }
                (Some(Reason::WrongRepetition(why)), _) => {
                    out.push_str(&format!("\n  # (because {why})"));
                }
                (Some(Reason::NoInstanceKey), Some(InstanceKey::Int(_))) => {
                    out.push_str(&format!("\n  # (because index {} is out of range for count)", key_text(rc)));
                }
                (Some(Reason::NoInstanceKey), Some(InstanceKey::Str(_))) => {
                    out.push_str(&format!("\n  # (because key {} is not in for_each map)", key_text(rc)));
                }
                (Some(Reason::NoInstanceKey), None) => out.push_str("\n  # (because resource uses count or for_each)"),
                _ => {}
            }
        }
        Action::NoOp => match moved_from(rc) {
            Some(old) => {
                out.push_str(&c("[bold]  # "));
                out.push_str(old);
                out.push_str(&c("[reset] has moved to [bold]"));
                out.push_str(&addr);
                out.push_str(&c("[reset]"));
            }
            None => out.push_str(&format!("  # {addr} has no changes")),
        },
    }
    out.push_str(&c("[reset]\n"));
    let moved = moved_from(rc);
    if let (Some(old), true) = (moved, rc.action != Action::NoOp) {
        out.push_str(&c("  # [reset](moved from "));
        out.push_str(old);
        out.push_str(")\n");
    }
    if moved.is_some() && rc.action == Action::NoOp {
        out.push_str("    ");
    } else {
        out.push_str(&c(action_symbol(rc.action)));
        out.push(' ');
    }
    let (ty, name) = (
        go_quote(&rc.addr.resource.ty),
        go_quote(&rc.addr.resource.name),
    );
    match rc.addr.resource.mode {
        // Terraform 1.0 leaves two spaces before a data block's brace.
        Mode::Data => out.push_str(&format!("data {ty} {name}  {{")),
        Mode::Managed => out.push_str(&format!("resource {ty} {name} {{")),
    }
    let null = Value::Null(Type::Dynamic);
    let mut p = Printer::new(opts.color, rc.action, &rc.requires_replace);
    let written = p.write_block_body(
        rc.before.as_ref().unwrap_or(&null),
        rc.after.as_ref().unwrap_or(&null),
        6,
        &BTreeSet::new(),
    );
    out.push_str(&p.buf);
    if written {
        out.push_str("\n    ");
    }
    out.push_str("}\n");
    out
}

fn key_text(rc: &ResourceChange) -> String {
    rc.addr
        .key
        .as_ref()
        .map(|k| k.to_string())
        .unwrap_or_default()
}

/// The body of "Changes to Outputs:": the outputs as the attributes of one object.
fn output_changes(outputs: &[(&String, &OutputChange)], opts: &HumanOptions) -> String {
    let null = || Value::Null(Type::Dynamic);
    let old = Value::Object(
        outputs
            .iter()
            .map(|(n, o)| ((*n).clone(), o.before.clone().unwrap_or_else(null)))
            .collect(),
    );
    let new = Value::Object(
        outputs
            .iter()
            .map(|(n, o)| ((*n).clone(), o.after.clone().unwrap_or_else(null)))
            .collect(),
    );
    let sensitive: BTreeSet<String> = outputs
        .iter()
        .filter(|(_, o)| o.sensitive)
        .map(|(n, _)| (*n).clone())
        .collect();
    let mut p = Printer::new(opts.color, Action::Update, &[]);
    p.write_block_body(&old, &new, 2, &sensitive);
    p.buf
}
