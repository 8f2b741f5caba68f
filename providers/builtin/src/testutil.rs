//! Test helpers that drive providers through the SDK's `Provider` trait the way the engine does:
//! configurations hold every schema attribute (null when unset), and the proposed state merges the
//! configuration over the prior state's computed attributes.

use infra_core::{Diagnostics, Value};
use infra_provider::{ApplyRequest, PlanRequest, PlanResponse, Provider, ResourceSchema};

/// A configuration object for resource type `type_name`: the given arguments, every other
/// attribute null.
pub(crate) fn config(p: &dyn Provider, type_name: &str, args: &[(&str, Value)]) -> Value {
    object_for(&p.schema().resources[type_name], type_name, args)
}

/// A configuration object for data source `type_name`.
pub(crate) fn data_config(p: &dyn Provider, type_name: &str, args: &[(&str, Value)]) -> Value {
    object_for(&p.schema().data_sources[type_name], type_name, args)
}

fn object_for(schema: &ResourceSchema, type_name: &str, args: &[(&str, Value)]) -> Value {
    let mut o: infra_core::ValueMap = schema
        .block
        .attributes
        .iter()
        .map(|(k, a)| (k.clone(), Value::Null(a.ty.clone())))
        .collect();
    for (k, v) in args {
        assert!(o.contains_key(k), "{type_name} has no attribute {k}");
        o.insert((*k).to_string(), v.clone());
    }
    Value::Object(o)
}

/// The engine's proposed new state: configured values, else the prior computed value (unknown on
/// create), else null.
pub(crate) fn proposed(
    p: &dyn Provider,
    type_name: &str,
    prior: Option<&Value>,
    config: &Value,
) -> Value {
    let schema = &p.schema().resources[type_name].block;
    let cfg = config.entries().expect("object");
    let prior = prior.and_then(Value::entries);
    Value::Object(
        schema
            .attributes
            .iter()
            .map(|(k, a)| {
                let c = cfg.get(k).cloned().unwrap_or(Value::Null(a.ty.clone()));
                let v = if !c.is_null() || !a.computed {
                    c
                } else {
                    match prior {
                        Some(p) => p.get(k).cloned().unwrap_or(Value::Null(a.ty.clone())),
                        None => Value::Unknown(a.ty.clone()),
                    }
                };
                (k.clone(), v)
            })
            .collect(),
    )
}

pub(crate) async fn plan(
    p: &dyn Provider,
    type_name: &str,
    prior: Option<&Value>,
    config: &Value,
) -> Result<PlanResponse, Diagnostics> {
    p.plan(PlanRequest {
        type_name: type_name.to_string(),
        prior_state: prior.cloned(),
        proposed_new_state: proposed(p, type_name, prior, config),
        config: config.clone(),
    })
    .await
}

pub(crate) async fn apply(
    p: &dyn Provider,
    type_name: &str,
    prior: Option<&Value>,
    planned: Option<&Value>,
    config: &Value,
) -> Result<Option<Value>, Diagnostics> {
    p.apply(ApplyRequest {
        type_name: type_name.to_string(),
        prior_state: prior.cloned(),
        planned_state: planned.cloned(),
        config: config.clone(),
        intent: Some("test-intent".to_string()),
    })
    .await
}

/// Plans and applies a create; panics with the diagnostics on failure.
pub(crate) async fn create(p: &dyn Provider, type_name: &str, config: &Value) -> Value {
    let planned = plan(p, type_name, None, config)
        .await
        .unwrap_or_else(|d| panic!("plan: {d:?}"));
    assert!(planned.requires_replace.is_empty());
    let state = apply(p, type_name, None, Some(&planned.planned_state), config)
        .await
        .unwrap_or_else(|d| panic!("apply: {d:?}"))
        .expect("a created object");
    assert!(state.is_wholly_known(), "state has unknowns: {state:?}");
    state
}

/// Plans against `prior` and checks the plan changes nothing.
pub(crate) async fn assert_no_op(p: &dyn Provider, type_name: &str, prior: &Value, config: &Value) {
    let resp = plan(p, type_name, Some(prior), config)
        .await
        .unwrap_or_else(|d| panic!("plan: {d:?}"));
    assert!(
        resp.requires_replace.is_empty(),
        "unexpected replace: {:?}",
        resp.requires_replace
    );
    assert_eq!(&resp.planned_state, prior, "plan is not a no-op");
}

/// Deletes; panics on failure.
pub(crate) async fn delete(p: &dyn Provider, type_name: &str, prior: &Value, config: &Value) {
    let r = apply(p, type_name, Some(prior), None, config)
        .await
        .unwrap_or_else(|d| panic!("delete: {d:?}"));
    assert!(r.is_none());
}

/// One attribute of an object.
pub(crate) fn attr<'a>(v: &'a Value, name: &str) -> &'a Value {
    v.entries()
        .and_then(|m| m.get(name))
        .unwrap_or_else(|| panic!("no attribute {name}"))
}

/// A string attribute of an object.
pub(crate) fn str_attr<'a>(v: &'a Value, name: &str) -> &'a str {
    attr(v, name)
        .as_str()
        .unwrap_or_else(|| panic!("{name} is not a string"))
}

/// A map of strings.
pub(crate) fn string_map(pairs: &[(&str, &str)]) -> Value {
    Value::Map(
        infra_core::Type::String,
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::string(*v)))
            .collect(),
    )
}

/// The summaries and details of diagnostics, for assertions.
pub(crate) fn messages(d: &Diagnostics) -> String {
    d.iter()
        .map(|d| format!("{}: {}\n", d.summary, d.detail))
        .collect()
}
