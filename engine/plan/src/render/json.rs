//! The plan as JSON, in the shape of `terraform show -json PLANFILE` (Terraform 1.0.3, format
//! version 0.2): `planned_values`, `resource_changes` with `action_reason`, `output_changes`,
//! `prior_state` in `show -json` form, the root `variables`, and `resource_drift` (a later
//! Terraform addition) when refresh found drift.
//!
//! Unlike Terraform, sensitive values never appear: they are `null` in `before`/`after`/
//! `values` and `true` at their paths in `*_sensitive`; sensitive outputs and variables have no
//! value. Unknown values are left out of `after` (`null` inside lists, where position matters)
//! and are `true` at their paths in `after_unknown`. The `configuration` section is not
//! produced. This module builds JSON values only; it never writes files.

use std::collections::BTreeMap;

use infra_core::addr::{InstanceKey, Mode, ModuleInstance, ResourceInstanceAddr, Target};
use infra_core::{Type, Value};
use infra_state::{ResourceInstance, StateSnapshot};
use serde_json::{json, Map, Value as J};

use super::provider_source;
use crate::model::{Action, OutputChange, Plan, Reason, ResourceChange};

/// The `format_version` Terraform 1.0 writes.
pub const FORMAT_VERSION: &str = "0.2";

/// infra's version, written as `terraform_version`.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The plan as Terraform's plan JSON.
pub fn plan_json(plan: &Plan) -> J {
    let mut doc = Map::new();
    doc.insert("format_version".into(), json!(FORMAT_VERSION));
    doc.insert("terraform_version".into(), json!(VERSION));
    if !plan.variables.is_empty() {
        let vars: Map<String, J> = plan
            .variables
            .iter()
            .map(|(k, v)| (k.clone(), json!({ "value": redacted(v) })))
            .collect();
        doc.insert("variables".into(), J::Object(vars));
    }
    doc.insert("planned_values".into(), planned_values(plan));
    if !plan.drift.is_empty() {
        let mut drift: Vec<&ResourceChange> = plan.drift.iter().collect();
        drift.sort_by_key(|rc| rc.addr.to_string());
        doc.insert(
            "resource_drift".into(),
            J::Array(drift.into_iter().map(resource_change).collect()),
        );
    }
    if !plan.changes.is_empty() {
        let mut changes: Vec<&ResourceChange> = plan.changes.iter().collect();
        changes.sort_by_key(|rc| rc.addr.to_string());
        doc.insert(
            "resource_changes".into(),
            J::Array(changes.into_iter().map(resource_change).collect()),
        );
    }
    if !plan.outputs.is_empty() {
        let outputs: Map<String, J> = plan
            .outputs
            .iter()
            .map(|(k, o)| (k.clone(), output_change(o)))
            .collect();
        doc.insert("output_changes".into(), J::Object(outputs));
    }
    doc.insert("prior_state".into(), state_json(&plan.prior_state));
    J::Object(doc)
}

/// A state snapshot in `terraform show -json` form (`{format_version, terraform_version,
/// values: {outputs, root_module}}`), sensitive attributes and outputs redacted.
pub fn state_json(state: &StateSnapshot) -> J {
    let mut values = Map::new();
    if !state.outputs.is_empty() {
        let outputs: Map<String, J> = state
            .outputs
            .iter()
            .map(|(k, o)| {
                let mut m = Map::new();
                m.insert("sensitive".into(), json!(o.sensitive));
                if !o.sensitive {
                    m.insert("value".into(), o.value.clone());
                }
                (k.clone(), J::Object(m))
            })
            .collect();
        values.insert("outputs".into(), J::Object(outputs));
    }
    let resources = state
        .resources
        .values()
        .map(|r| (module_of(&r.module), state_resource(r)))
        .collect();
    values.insert("root_module".into(), module_tree(resources));
    json!({ "format_version": FORMAT_VERSION, "terraform_version": VERSION, "values": values })
}

fn planned_values(plan: &Plan) -> J {
    let mut pv = Map::new();
    let outputs: Map<String, J> = plan
        .outputs
        .iter()
        .filter(|(_, o)| o.action != Action::Delete)
        .map(|(k, o)| {
            let mut m = Map::new();
            m.insert("sensitive".into(), json!(o.sensitive));
            if let Some(v) = o
                .after
                .as_ref()
                .filter(|v| v.is_wholly_known() && !o.sensitive)
            {
                m.insert("value".into(), redacted(v));
            }
            (k.clone(), J::Object(m))
        })
        .collect();
    if !outputs.is_empty() {
        pv.insert("outputs".into(), J::Object(outputs));
    }
    let resources = plan
        .changes
        .iter()
        .filter(|rc| rc.action != Action::Delete)
        .filter_map(|rc| {
            let after = rc.after.as_ref()?;
            let mut m = identity(&rc.addr, &rc.provider, false);
            m.insert("schema_version".into(), json!(rc.schema_version));
            m.insert(
                "values".into(),
                omit_unknowns(after).unwrap_or_else(|| json!({})),
            );
            m.insert("sensitive_values".into(), sensitive_as_bool(after));
            Some((rc.addr.resource.module.clone(), J::Object(m)))
        })
        .collect();
    pv.insert("root_module".into(), module_tree(resources));
    J::Object(pv)
}

/// `address`, `module_address` (when asked and not root), `mode`, `type`, `name`, `index`,
/// `provider_name`.
fn identity(addr: &ResourceInstanceAddr, provider: &str, with_module: bool) -> Map<String, J> {
    let mut m = Map::new();
    m.insert("address".into(), json!(addr.to_string()));
    if with_module && !addr.resource.module.is_root() {
        m.insert(
            "module_address".into(),
            json!(addr.resource.module.to_string()),
        );
    }
    m.insert("mode".into(), json!(mode_name(addr.resource.mode)));
    m.insert("type".into(), json!(addr.resource.ty));
    m.insert("name".into(), json!(addr.resource.name));
    if let Some(k) = &addr.key {
        m.insert("index".into(), key_json(k));
    }
    m.insert("provider_name".into(), json!(provider_source(provider)));
    m
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Managed => "managed",
        Mode::Data => "data",
    }
}

fn key_json(k: &InstanceKey) -> J {
    match k {
        InstanceKey::Int(i) => json!(i),
        InstanceKey::Str(s) => json!(s),
    }
}

fn resource_change(rc: &ResourceChange) -> J {
    let mut m = identity(&rc.addr, &rc.provider, true);
    if let Some(Reason::MovedFrom(old)) = &rc.reason {
        // Terraform puts `previous_address` right after `address`.
        let mut with_prev = Map::new();
        for (k, v) in m {
            let is_address = k == "address";
            with_prev.insert(k, v);
            if is_address {
                with_prev.insert("previous_address".into(), json!(old));
            }
        }
        m = with_prev;
    }
    let mut change = Map::new();
    change.insert("actions".into(), json!(rc.action.json_actions()));
    change.insert(
        "before".into(),
        rc.before.as_ref().map(redacted).unwrap_or(J::Null),
    );
    match &rc.after {
        None => {
            change.insert("after".into(), J::Null);
            change.insert("after_unknown".into(), json!({}));
        }
        Some(v) if v.is_wholly_known() => {
            change.insert("after".into(), redacted(v));
            change.insert("after_unknown".into(), json!({}));
        }
        Some(v) => {
            if let Some(j) = omit_unknowns(v) {
                change.insert("after".into(), j);
            }
            change.insert("after_unknown".into(), unknown_as_bool(v));
        }
    }
    change.insert(
        "before_sensitive".into(),
        rc.before
            .as_ref()
            .map(sensitive_as_bool)
            .unwrap_or(J::Bool(false)),
    );
    change.insert(
        "after_sensitive".into(),
        rc.after
            .as_ref()
            .map(sensitive_as_bool)
            .unwrap_or(J::Bool(false)),
    );
    m.insert("change".into(), J::Object(change));
    if let Some(reason) = action_reason(rc) {
        m.insert("action_reason".into(), json!(reason));
    }
    J::Object(m)
}

/// Terraform's `action_reason` for the change, where it has one.
fn action_reason(rc: &ResourceChange) -> Option<&'static str> {
    Some(match (&rc.reason, rc.action) {
        (Some(Reason::Tainted), _) => "replace_because_tainted",
        (Some(Reason::ReplaceByRequest), _) => "replace_by_request",
        (Some(Reason::ReplaceByTriggers), _) => "replace_by_triggers",
        (Some(Reason::NoResourceConfig), Action::Delete) => "delete_because_no_resource_config",
        (Some(Reason::NoModuleInstance(_)), Action::Delete) => "delete_because_no_module",
        (Some(Reason::WrongRepetition(_)), Action::Delete) => "delete_because_wrong_repetition",
        (Some(Reason::NoInstanceKey), Action::Delete) => match rc.addr.key {
            Some(InstanceKey::Int(_)) => "delete_because_count_index",
            Some(InstanceKey::Str(_)) => "delete_because_each_key",
            None => "delete_because_wrong_repetition",
        },
        (_, Action::DeleteThenCreate | Action::CreateThenDelete)
            if !rc.requires_replace.is_empty() =>
        {
            "replace_because_cannot_update"
        }
        _ => return None,
    })
}

fn output_change(o: &OutputChange) -> J {
    let mut m = Map::new();
    m.insert("actions".into(), json!(o.action.json_actions()));
    let hide = |v: &Value| if o.sensitive { J::Null } else { redacted(v) };
    m.insert(
        "before".into(),
        o.before.as_ref().map(hide).unwrap_or(J::Null),
    );
    match &o.after {
        None => {
            m.insert("after".into(), J::Null);
            m.insert("after_unknown".into(), J::Bool(false));
        }
        Some(v) if v.is_wholly_known() => {
            m.insert("after".into(), hide(v));
            m.insert("after_unknown".into(), J::Bool(false));
        }
        Some(v) => {
            if let Some(j) = omit_unknowns(v) {
                m.insert("after".into(), if o.sensitive { J::Null } else { j });
            }
            m.insert("after_unknown".into(), unknown_as_bool(v));
        }
    }
    // Terraform only knows whether the output as a whole is sensitive: both flags are that bool.
    let marked = |v: &Option<Value>| v.as_ref().is_some_and(Value::contains_sensitive);
    let sensitive = J::Bool(o.sensitive || marked(&o.before) || marked(&o.after));
    m.insert("before_sensitive".into(), sensitive.clone());
    m.insert("after_sensitive".into(), sensitive);
    J::Object(m)
}

/// The value as JSON with sensitive parts (and any unknowns) as `null`.
pub(crate) fn redacted(v: &Value) -> J {
    match v {
        Value::Sensitive(_) | Value::Unknown(_) | Value::Null(_) => J::Null,
        Value::List(_, e) | Value::Set(_, e) | Value::Tuple(e) => {
            J::Array(e.iter().map(redacted).collect())
        }
        Value::Map(_, m) | Value::Object(m) => {
            J::Object(m.iter().map(|(k, v)| (k.clone(), redacted(v))).collect())
        }
        v => v.to_json(),
    }
}

/// Terraform's `omitUnknowns`: unknown attributes left out, unknown elements `null`; `None`
/// when the value itself is unknown. Sensitive parts are redacted.
fn omit_unknowns(v: &Value) -> Option<J> {
    if !v.is_known() {
        return None;
    }
    Some(match v {
        Value::Sensitive(_) => J::Null,
        Value::List(_, e) | Value::Set(_, e) | Value::Tuple(e) => J::Array(
            e.iter()
                .map(|x| omit_unknowns(x).unwrap_or(J::Null))
                .collect(),
        ),
        Value::Map(_, m) | Value::Object(m) => J::Object(
            m.iter()
                .filter_map(|(k, x)| Some((k.clone(), omit_unknowns(x)?)))
                .collect(),
        ),
        v => redacted(v),
    })
}

/// Terraform's `unknownAsBool`: `true` where unknown; structure kept, known leaves of maps and
/// objects left out, known elements of sequences `false`.
fn unknown_as_bool(v: &Value) -> J {
    match v.peel() {
        Value::Null(_) => J::Bool(false),
        Value::Unknown(_) => J::Bool(true),
        Value::List(_, e) | Value::Set(_, e) | Value::Tuple(e) => {
            J::Array(e.iter().map(unknown_as_bool).collect())
        }
        Value::Map(_, m) | Value::Object(m) => J::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), unknown_as_bool(x)))
                .filter(|(_, b)| *b != J::Bool(false))
                .collect(),
        ),
        _ => J::Bool(false),
    }
}

/// Terraform's `sensitiveAsBool`: `true` where sensitive, the same pruning as
/// [`unknown_as_bool`]; unknown collections are empty.
fn sensitive_as_bool(v: &Value) -> J {
    match v {
        Value::Sensitive(_) => J::Bool(true),
        Value::Unknown(Type::List(_) | Type::Set(_) | Type::Tuple(_)) => json!([]),
        Value::Unknown(Type::Map(_) | Type::Object(..)) => json!({}),
        Value::List(_, e) | Value::Set(_, e) | Value::Tuple(e) => {
            J::Array(e.iter().map(sensitive_as_bool).collect())
        }
        Value::Map(_, m) | Value::Object(m) => J::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), sensitive_as_bool(x)))
                .filter(|(_, b)| *b != J::Bool(false))
                .collect(),
        ),
        _ => J::Bool(false),
    }
}

fn module_of(module: &str) -> ModuleInstance {
    match infra_core::addr::parse_target(module) {
        Ok(Target::Module(m)) => m,
        _ => ModuleInstance::root(),
    }
}

/// One state instance in `show -json` form.
fn state_resource(r: &ResourceInstance) -> J {
    let mut m = Map::new();
    m.insert("address".into(), json!(r.address()));
    m.insert("mode".into(), json!(mode_name(r.mode)));
    m.insert("type".into(), json!(r.type_name));
    m.insert("name".into(), json!(r.name));
    if let Some(k) = &r.index {
        m.insert("index".into(), key_json(k));
    }
    m.insert("provider_name".into(), json!(provider_source(&r.provider)));
    m.insert("schema_version".into(), json!(r.schema_version));
    let mut values = r.attributes.clone();
    let mut sensitive = false_shape(&values);
    for path in &r.sensitive_attributes {
        if let Some(steps) = path.as_array() {
            mark_path(&mut values, &mut sensitive, steps);
        }
    }
    m.insert("values".into(), values);
    m.insert("sensitive_values".into(), sensitive);
    if !r.dependencies.is_empty() {
        m.insert("depends_on".into(), json!(r.dependencies));
    }
    if r.tainted {
        m.insert("tainted".into(), json!(true));
    }
    J::Object(m)
}

/// `sensitive_as_bool` of a plain JSON value: the structure with no sensitive leaves.
fn false_shape(j: &J) -> J {
    match j {
        J::Array(a) => J::Array(a.iter().map(false_shape).collect()),
        J::Object(o) => J::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), false_shape(v)))
                .filter(|(_, v)| *v != J::Bool(false))
                .collect(),
        ),
        _ => J::Bool(false),
    }
}

/// Redacts the value at a Terraform state path (`[{"type":"get_attr","value":"a"}, {"type":
/// "index","value":{"value":0,"type":"number"}}]`) and marks it `true`; unresolvable paths
/// are ignored.
fn mark_path(values: &mut J, sensitive: &mut J, steps: &[J]) {
    let Some((step, rest)) = steps.split_first() else {
        *values = J::Null;
        *sensitive = J::Bool(true);
        return;
    };
    let key = match (step.get("type").and_then(J::as_str), step.get("value")) {
        (Some("get_attr"), Some(J::String(name))) => J::String(name.clone()),
        (Some("index"), Some(k)) => k.get("value").cloned().unwrap_or(J::Null),
        _ => return,
    };
    match (values, key) {
        (J::Object(vo), J::String(k)) => {
            let Some(v) = vo.get_mut(&k) else { return };
            if !sensitive.is_object() {
                *sensitive = json!({});
            }
            if let J::Object(so) = sensitive {
                let s = so.entry(k).or_insert(J::Bool(false));
                mark_path(v, s, rest);
            }
        }
        (J::Array(va), J::Number(n)) => {
            let Some(i) = n.as_u64().and_then(|i| usize::try_from(i).ok()) else {
                return;
            };
            let Some(v) = va.get_mut(i) else { return };
            if let J::Array(sa) = sensitive {
                if let Some(s) = sa.get_mut(i) {
                    mark_path(v, s, rest);
                }
            }
        }
        _ => {}
    }
}

/// Builds `root_module` from resources and the module instances that hold them: each module
/// with its `resources` (by address), `address` and `child_modules` (by address).
fn module_tree(resources: Vec<(ModuleInstance, J)>) -> J {
    let mut by_module: BTreeMap<String, (ModuleInstance, Vec<J>)> = BTreeMap::new();
    for (module, r) in resources {
        let mut m = Some(module.clone());
        while let Some(cur) = m {
            by_module
                .entry(cur.to_string())
                .or_insert_with(|| (cur.clone(), Vec::new()));
            m = cur.parent();
        }
        if let Some((_, list)) = by_module.get_mut(&module.to_string()) {
            list.push(r);
        }
    }
    build_module(&ModuleInstance::root(), &mut by_module)
}

fn build_module(
    module: &ModuleInstance,
    all: &mut BTreeMap<String, (ModuleInstance, Vec<J>)>,
) -> J {
    let mut resources = all
        .get_mut(&module.to_string())
        .map(|(_, r)| std::mem::take(r))
        .unwrap_or_default();
    resources.sort_by(|a, b| address(a).cmp(address(b)));
    let mut children: Vec<ModuleInstance> = all
        .values()
        .filter(|(m, _)| m.parent().as_ref() == Some(module))
        .map(|(m, _)| m.clone())
        .collect();
    children.sort_by_key(|m| m.to_string());
    let mut out = Map::new();
    if !resources.is_empty() {
        out.insert("resources".into(), J::Array(resources));
    }
    if !module.is_root() {
        out.insert("address".into(), json!(module.to_string()));
    }
    let children: Vec<J> = children.iter().map(|c| build_module(c, all)).collect();
    if !children.is_empty() {
        out.insert("child_modules".into(), J::Array(children));
    }
    J::Object(out)
}

fn address(j: &J) -> &str {
    j.get("address").and_then(J::as_str).unwrap_or("")
}
