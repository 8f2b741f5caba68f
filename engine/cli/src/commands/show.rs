//! `infra show [-json] [PLANFILE]`: the environment's state (every resource instance, then the
//! root outputs) in Terraform's `show` layout or its `show -json` document, or a saved plan.
//!
//! Reading only: this command never creates the state database, takes no lock and changes
//! nothing. The human layout lives in `show_format.rs`; the JSON documents come from the plan
//! crate's renderers, so `show -json` and a plan's `prior_state` are the same view.

use std::collections::BTreeMap;
use std::path::Path;

use infra_core::{Diagnostic, Type, Value};
use infra_state::{ResourceInstance, StateSnapshot};
use serde_json::{json, Value as Json};

use super::show_format::{render_instance, render_output_value, Schemas};
use super::state::{fail, read_state, sentence};
use crate::args::ShowArgs;
use crate::project;

pub fn run(a: ShowArgs) -> u8 {
    if let Some(file) = &a.plan_file {
        return show_plan(file, a.json, a.no_color);
    }
    let state = match read_state(&a.env) {
        Ok(s) => s,
        Err(d) => return fail(d, a.no_color),
    };
    let empty = state.resources.is_empty() && state.outputs.is_empty();
    if a.json {
        // The same document `infra show -json PLANFILE` has as `prior_state`: Terraform's shape,
        // with sensitive values redacted as in every JSON view of infra.
        let doc = if empty {
            json!({ "format_version": infra_plan::render::json::FORMAT_VERSION })
        } else {
            infra_plan::render::json::state_json(&state)
        };
        println!("{}", serde_json::to_string(&doc).unwrap_or_default());
    } else if empty {
        println!("No state.");
    } else {
        println!("{}", state_human(&state));
    }
    0
}

/// A saved plan, rendered as `infra plan` shows it (or as its JSON form).
fn show_plan(file: &str, as_json: bool, no_color: bool) -> u8 {
    let saved = match infra_plan::planfile::read_plan_file(Path::new(file)) {
        Ok(s) => s,
        Err(e) => {
            return fail(
                Diagnostic::error("Failed to read plan file", sentence(&e.to_string())),
                no_color,
            )
        }
    };
    if as_json {
        let doc = infra_plan::render::json::plan_json(&saved.plan);
        println!("{}", serde_json::to_string(&doc).unwrap_or_default());
    } else {
        let color = !no_color
            && std::io::IsTerminal::is_terminal(&std::io::stdout())
            && std::env::var_os("NO_COLOR").is_none();
        let options = infra_plan::render::human::HumanOptions { color };
        print!(
            "{}",
            infra_plan::render::human::render_plan(&saved.plan, &options)
        );
    }
    0
}

/// Instances grouped by module instance, root first, each group in Terraform's state order.
fn by_module(state: &StateSnapshot) -> BTreeMap<&str, Vec<&ResourceInstance>> {
    let mut groups: BTreeMap<&str, Vec<&ResourceInstance>> = BTreeMap::new();
    for inst in state.resources.values() {
        groups.entry(inst.module.as_str()).or_default().push(inst);
    }
    // Terraform sorts a module's resources by their address text (`data.x.y` among the
    // managed ones by the letter d), then each resource's instances by key.
    for list in groups.values_mut() {
        list.sort_by(|a, b| {
            a.resource_local()
                .cmp(&b.resource_local())
                .then_with(|| a.state_order(b))
        });
    }
    groups
}

/// The state as `terraform show` prints it (without the final newline).
pub(crate) fn state_human(state: &StateSnapshot) -> String {
    let mut schemas = Schemas::new(project::registry());
    let mut out = String::new();
    for list in by_module(state).values() {
        for inst in list {
            let schema = schemas.of(inst);
            out.push_str(&render_instance(inst, schema.as_ref()));
            out.push('\n');
        }
        out.push('\n');
    }
    if !state.outputs.is_empty() {
        out.push_str("Outputs:\n\n");
        for (name, o) in &state.outputs {
            let shown = if o.sensitive {
                "(sensitive value)".to_string()
            } else {
                render_output_value(&output_value(&o.value, &o.ty))
            };
            out.push_str(&format!("{name} = {shown}\n"));
        }
    }
    out.trim().to_string()
}

/// An output's stored JSON as a value of its recorded type (or of the type its JSON implies
/// when the two disagree).
pub(crate) fn output_value(value: &Json, ty: &Json) -> Value {
    Type::from_json(ty)
        .and_then(|t| Value::from_json(value, &t))
        .or_else(|| Value::from_json(value, &Type::Dynamic))
        .unwrap_or_else(Value::null)
}
