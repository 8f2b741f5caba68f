//! A Markdown summary of the plan for pull-request comments: a heading with the counts, a
//! table of the resource changes (symbol, address, reason), the output changes, and the full
//! colour-free human plan folded in a `<details>` block as a `diff` code block.
//!
//! The text is deterministic (same plan, same bytes) so that CI can update a comment only when
//! the plan changed. In the folded plan the action symbol of each line is moved to the first
//! column (`~` becomes `!`) so that the diff highlighting colours it; nothing else is changed.

use std::fmt::Write;

use infra_core::addr::InstanceKey;

use super::human::{render_plan, HumanOptions};
use super::terraform_order;
use crate::model::{Action, Plan, PlanMode, Reason, ResourceChange};

/// The plan as Markdown.
pub fn plan_markdown(plan: &Plan) -> String {
    let mut out = String::new();
    let mut changes: Vec<&ResourceChange> = plan
        .changes
        .iter()
        .filter(|rc| rc.action != Action::NoOp || matches!(rc.reason, Some(Reason::MovedFrom(_))))
        .collect();
    changes.sort_by(|a, b| terraform_order(&a.addr, &b.addr));
    let outputs: Vec<_> = plan
        .outputs
        .iter()
        .filter(|(_, o)| o.action != Action::NoOp)
        .collect();

    if changes.is_empty() && outputs.is_empty() {
        out.push_str("### No changes.\n\n");
        out.push_str(match plan.mode {
            PlanMode::Destroy => "No objects need to be destroyed.\n",
            PlanMode::RefreshOnly => "Your infrastructure still matches the configuration.\n",
            PlanMode::Normal => "Your infrastructure matches the configuration.\n",
        });
    } else {
        let (add, change, destroy) = plan.counts();
        let _ = writeln!(
            out,
            "### Plan: {add} to add, {change} to change, {destroy} to destroy\n"
        );
    }
    if !plan.environment.is_empty() {
        let _ = writeln!(out, "Environment: {}\n", code(&plan.environment));
    }
    if plan.targeted {
        out.push_str(
            "> **Warning:** resource targeting is in effect, so this plan may be incomplete.\n\n",
        );
    }
    if !plan.drift.is_empty() {
        let n = plan.drift.len();
        let noun = if n == 1 { "object has" } else { "objects have" };
        let _ = writeln!(out, "> **Note:** {n} {noun} changed outside of infra.\n");
    }
    if !changes.is_empty() {
        out.push_str("| Action | Address | Reason |\n| --- | --- | --- |\n");
        for rc in &changes {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                action_cell(rc.action),
                code(&rc.addr.to_string()),
                reason_cell(rc)
            );
        }
        out.push('\n');
    }
    if !outputs.is_empty() {
        out.push_str("#### Changes to Outputs\n\n| Action | Output |\n| --- | --- |\n");
        for (name, o) in &outputs {
            let _ = writeln!(out, "| {} | {} |", action_cell(o.action), code(name));
        }
        out.push('\n');
    }
    if !changes.is_empty() || !outputs.is_empty() || !plan.drift.is_empty() {
        let text = diff_friendly(&render_plan(plan, &HumanOptions { color: false }));
        let fence = "`".repeat(longest_backtick_run(&text).max(2) + 1);
        out.push_str("<details><summary>Show the plan</summary>\n\n");
        let _ = writeln!(out, "{fence}diff");
        out.push_str(text.trim_matches('\n'));
        let _ = writeln!(out, "\n{fence}\n\n</details>");
    }
    out
}

fn action_cell(action: Action) -> String {
    let word = match action {
        Action::Create => "create",
        Action::Update => "update",
        Action::Delete => "destroy",
        Action::DeleteThenCreate => "replace (destroy, then create)",
        Action::CreateThenDelete => "replace (create, then destroy)",
        Action::Read => "read",
        Action::NoOp => "move",
    };
    match action {
        Action::NoOp => word.to_string(),
        a => format!("`{}` {word}", a.symbol()),
    }
}

fn reason_cell(rc: &ResourceChange) -> String {
    match (&rc.reason, &rc.addr.key) {
        (Some(Reason::ReplaceByRequest), _) => "replace requested".into(),
        (Some(Reason::ReplaceByTriggers), _) => "replace_triggered_by".into(),
        (Some(Reason::Tainted), _) => "tainted".into(),
        (Some(Reason::NoResourceConfig), _) => "not in configuration".into(),
        (Some(Reason::NoModuleInstance(m)), _) => format!("{m} not in configuration"),
        (Some(Reason::WrongRepetition(why)), _) => (*why).to_string(),
        (Some(Reason::ImplicitMove(from)), _) => format!("moved from {from}"),
        (Some(Reason::NoInstanceKey), Some(k @ InstanceKey::Int(_))) => {
            format!("index {} out of range for count", code(&k.to_string()))
        }
        (Some(Reason::NoInstanceKey), Some(k @ InstanceKey::Str(_))) => {
            format!("key {} not in for_each map", code(&k.to_string()))
        }
        (Some(Reason::NoInstanceKey), None) => "resource uses count or for_each".into(),
        (Some(Reason::DestroyMode), _) => "destroy".into(),
        (Some(Reason::MovedFrom(old)), _) => format!("moved from {}", code(old)),
        (None, _) if rc.action.is_replace() && !rc.requires_replace.is_empty() => {
            let paths: Vec<String> = rc
                .requires_replace
                .iter()
                .map(|p| code(&p.to_string()))
                .collect();
            format!("forced by {}", paths.join(", "))
        }
        (None, _) => String::new(),
    }
}

/// A code span that survives backticks and table pipes in the text.
fn code(text: &str) -> String {
    let ticks = "`".repeat(longest_backtick_run(text) + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{}{pad}{ticks}", text.replace('|', "\\|"))
}

fn longest_backtick_run(text: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Moves each line's leading `+`, `-` or `~` (as `!`) to the first column.
fn diff_friendly(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[indent..];
        match rest.chars().next() {
            Some(c @ ('+' | '-' | '~')) if indent > 0 => {
                out.push(if c == '~' { '!' } else { c });
                out.push_str(&" ".repeat(indent));
                out.push_str(&rest[1..]);
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_move_to_the_first_column() {
        assert_eq!(
            diff_friendly("  + a\n      ~ b\n-/+ c\n  # d\n"),
            "+   a\n!       b\n-/+ c\n  # d\n"
        );
    }

    #[test]
    fn code_spans_escape_ticks_and_pipes() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("x[\"`k`\"]"), "``x[\"`k`\"]``");
        assert_eq!(code("`"), "`` ` ``");
    }
}
