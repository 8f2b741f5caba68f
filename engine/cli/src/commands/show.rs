//! `infra show [-json] [PLANFILE]`: the environment's state (every resource instance, then the
//! root outputs) in Terraform's `show` layout or its `show -json` document, or a saved plan.
//!
//! Reading only: this command never creates the state database, takes no lock and changes
//! nothing. The human layout lives in `show_format.rs`; the JSON document is built here.

use std::collections::BTreeMap;
use std::path::Path;

use infra_core::{Diagnostic, Type, Value};
use infra_state::{ResourceInstance, StateSnapshot};
use serde_json::{json, Map, Value as Json};

use super::show_format::{provider_source, render_instance, render_output_value, Schemas};
use super::state::{fail, read_state};
use crate::args::ShowArgs;
use crate::project;

/// The `format_version` of Terraform 1.0's `show -json` documents.
const FORMAT_VERSION: &str = "0.2";

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
        let doc = if empty { json!({ "format_version": FORMAT_VERSION }) } else { state_json(&state) };
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
        Err(e) => return fail(Diagnostic::error("Failed to read plan file", e.to_string()), no_color),
    };
    if as_json {
        let doc = infra_plan::render::json::plan_json(&saved.plan);
        println!("{}", serde_json::to_string(&doc).unwrap_or_default());
    } else {
        let color = !no_color && std::io::IsTerminal::is_terminal(&std::io::stdout()) && std::env::var_os("NO_COLOR").is_none();
        let options = infra_plan::render::human::HumanOptions { color };
        print!("{}", infra_plan::render::human::render_plan(&saved.plan, &options));
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
        list.sort_by(|a, b| a.resource_local().cmp(&b.resource_local()).then_with(|| a.state_order(b)));
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
            let shown =
                if o.sensitive { "(sensitive value)".to_string() } else { render_output_value(&output_value(&o.value, &o.ty)) };
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

/// Terraform's `show -json` document for a state.
pub(crate) fn state_json(state: &StateSnapshot) -> Json {
    let mut outputs = Map::new();
    for (name, o) in &state.outputs {
        // Terraform 1.0 writes sensitive output values in full here (its `sensitive` flag says to
        // hide them from people); `infra output -json` is where they are redacted.
        outputs.insert(name.clone(), json!({ "sensitive": o.sensitive, "value": o.value }));
    }
    let groups = by_module(state);
    let mut values = Map::new();
    if !outputs.is_empty() {
        values.insert("outputs".into(), Json::Object(outputs));
    }
    values.insert("root_module".into(), module_json("", &groups));
    json!({
        "format_version": FORMAT_VERSION,
        "terraform_version": infra_state::TERRAFORM_VERSION,
        "values": values,
    })
}

/// One module instance of `show -json`: its resources, then its address (not for the root),
/// then the module instances directly inside it.
fn module_json(module: &str, groups: &BTreeMap<&str, Vec<&ResourceInstance>>) -> Json {
    let mut m = Map::new();
    if let Some(list) = groups.get(module) {
        // Terraform's `show -json` sorts a module's resources by their address text
        // (`x[10]` before `x[2]`), unlike its human view.
        let mut list = list.clone();
        list.sort_by_cached_key(|i| i.address());
        m.insert("resources".into(), Json::Array(list.iter().map(|i| resource_json(i)).collect()));
    }
    if !module.is_empty() {
        m.insert("address".into(), Json::from(module));
    }
    let children: Vec<&str> = direct_children(module, groups.keys().copied());
    if !children.is_empty() {
        m.insert("child_modules".into(), Json::Array(children.into_iter().map(|c| module_json(c, groups)).collect()));
    }
    Json::Object(m)
}

/// The module instances directly inside `parent` that contain resources themselves or deeper
/// down (an intermediate module without resources of its own still appears).
fn direct_children<'a>(parent: &str, modules: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&'a str> = Vec::new();
    for m in modules {
        let Some(rest) = (if parent.is_empty() { Some(m) } else { m.strip_prefix(parent).and_then(|r| r.strip_prefix('.')) })
        else {
            continue;
        };
        if rest.is_empty() {
            continue;
        }
        // The first `module.name[key]` step of the rest.
        let steps = split_module_steps(rest);
        let Some(first) = steps.first() else { continue };
        let child_len = if parent.is_empty() { first.len() } else { parent.len() + 1 + first.len() };
        let child = &m[..child_len];
        if !out.contains(&child) {
            out.push(child);
        }
    }
    out
}

/// `module.a["x.y"].module.b` → `["module.a[\"x.y\"]", "module.b"]`: splits on the dots that
/// are outside keys.
fn split_module_steps(s: &str) -> Vec<&str> {
    let mut steps = Vec::new();
    let (mut start, mut in_key, mut in_str, mut escaped) = (0, false, false, false);
    let mut dots = 0;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_str => escaped = true,
            '"' if in_key => in_str = !in_str,
            '[' if !in_str => in_key = true,
            ']' if !in_str => in_key = false,
            '.' if !in_key => {
                dots += 1;
                // `module.NAME` has one dot inside the step; the second ends it.
                if dots % 2 == 0 {
                    steps.push(&s[start..i]);
                    start = i + 1;
                }
            }
            _ => {}
        }
    }
    steps.push(&s[start..]);
    steps
}

/// One resource instance of `show -json`.
fn resource_json(inst: &ResourceInstance) -> Json {
    let mut r = Map::new();
    r.insert("address".into(), Json::from(inst.address()));
    r.insert("mode".into(), Json::from(infra_state_mode(inst)));
    r.insert("type".into(), Json::from(inst.type_name.clone()));
    r.insert("name".into(), Json::from(inst.name.clone()));
    match &inst.index {
        Some(infra_state::InstanceKey::Int(i)) => {
            r.insert("index".into(), Json::from(*i));
        }
        Some(infra_state::InstanceKey::Str(s)) => {
            r.insert("index".into(), Json::from(s.clone()));
        }
        None => {}
    }
    r.insert("provider_name".into(), Json::from(provider_source(&inst.provider).unwrap_or(&inst.provider)));
    r.insert("schema_version".into(), Json::from(inst.schema_version));
    r.insert("values".into(), inst.attributes.clone());
    r.insert("sensitive_values".into(), sensitive_values(&inst.attributes, &inst.sensitive_attributes));
    if !inst.dependencies.is_empty() {
        r.insert("depends_on".into(), Json::from(inst.dependencies.clone()));
    }
    if inst.tainted {
        r.insert("tainted".into(), Json::Bool(true));
    }
    Json::Object(r)
}

fn infra_state_mode(inst: &ResourceInstance) -> &'static str {
    match inst.mode {
        infra_state::ResourceMode::Managed => "managed",
        infra_state::ResourceMode::Data => "data",
    }
}

/// Terraform's `sensitive_values`: the value's shape with `true` where a value is sensitive;
/// objects keep only entries that are not plain `false`, sequences keep every element.
pub(crate) fn sensitive_values(attrs: &Json, paths: &[Json]) -> Json {
    let paths: Vec<&[Json]> = paths.iter().filter_map(|p| p.as_array().map(Vec::as_slice)).collect();
    sensitive_as_bool(attrs, &paths)
}

fn sensitive_as_bool(v: &Json, paths: &[&[Json]]) -> Json {
    if paths.iter().any(|p| p.is_empty()) {
        return Json::Bool(true);
    }
    match v {
        Json::Array(items) => Json::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| sensitive_as_bool(x, &descend(paths, &StepMatch::Index(i))))
                .collect(),
        ),
        Json::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                let s = sensitive_as_bool(x, &descend(paths, &StepMatch::Key(k)));
                if s != Json::Bool(false) {
                    out.insert(k.clone(), s);
                }
            }
            Json::Object(out)
        }
        _ => Json::Bool(false),
    }
}

enum StepMatch<'a> {
    Key(&'a str),
    Index(usize),
}

/// The rests of the paths whose first step selects `step`.
fn descend<'p>(paths: &[&'p [Json]], step: &StepMatch<'_>) -> Vec<&'p [Json]> {
    paths
        .iter()
        .filter_map(|p| {
            let (first, rest) = p.split_first()?;
            let value = first.get("value")?;
            let hit = match (first.get("type").and_then(Json::as_str), step) {
                (Some("get_attr"), StepMatch::Key(k)) => value.as_str() == Some(*k),
                (Some("index"), StepMatch::Key(k)) => value.get("value").and_then(Json::as_str) == Some(*k),
                (Some("index"), StepMatch::Index(i)) => value.get("value").and_then(Json::as_u64) == Some(*i as u64),
                _ => false,
            };
            hit.then_some(rest)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_values_follow_terraform() {
        let attrs = json!({"id": "1", "triggers": {"plain": "x", "pw": "s"}, "l": [1, {"a": 2}], "n": null});
        let paths = vec![json!([{"type": "get_attr", "value": "triggers"}, {"type": "index", "value": {"value": "pw", "type": "string"}}])];
        assert_eq!(sensitive_values(&attrs, &paths), json!({"triggers": {"pw": true}, "l": [false, {}]}));
        let whole = vec![json!([{"type": "get_attr", "value": "triggers"}])];
        assert_eq!(sensitive_values(&json!({"triggers": {"a": "b"}}), &whole), json!({"triggers": true}));
        assert_eq!(sensitive_values(&json!({"triggers": {}}), &[]), json!({"triggers": {}}));
    }

    #[test]
    fn child_modules_nest_by_path() {
        let mods = ["", "module.a", "module.a.module.b[\"x.y\"]", "module.c[0].module.d", "module.c[1]"];
        assert_eq!(direct_children("", mods.into_iter()), ["module.a", "module.c[0]", "module.c[1]"]);
        assert_eq!(direct_children("module.a", mods.into_iter()), ["module.a.module.b[\"x.y\"]"]);
        assert_eq!(direct_children("module.c[0]", mods.into_iter()), ["module.c[0].module.d"]);
        assert_eq!(split_module_steps("module.a[\"x.y\"].module.b"), ["module.a[\"x.y\"]", "module.b"]);
    }
}
