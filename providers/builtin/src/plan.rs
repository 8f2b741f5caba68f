//! Planning as Terraform's plugin framework does it for these providers, on top of the SDK's
//! [`plan_from_schema`]: static defaults for optional+computed arguments, `keepers`/`triggers`
//! maps that only force replacement when a non-null element changes, and, when the object is to
//! be replaced, computed attributes planned as for a fresh create (unknown, or their default)
//! instead of carried over from the object being replaced.

use infra_core::Value;
use infra_provider::{plan_from_schema, BlockSchema, PathStep, PlanRequest, PlanResponse};

use crate::attrs::{get, Attrs};

/// The plan modifiers of one resource type.
#[derive(Default)]
pub(crate) struct PlanRules {
    /// Values for optional+computed arguments that the configuration leaves null.
    pub defaults: Vec<(&'static str, Value)>,
    /// Force-new maps compared as Terraform's `RequiresReplaceIfValuesNotNull` does: a null map,
    /// an empty map and a map whose elements are all null are the same.
    pub lenient_maps: &'static [&'static str],
    /// Force-new strings whose change from `""` to null does not replace.
    pub empty_string_is_null: &'static [&'static str],
}

/// Plans `proposed` (the request's proposed state, possibly adjusted by the resource) against
/// the request's prior state, following `rules`.
pub(crate) fn plan_with_rules(
    schema: &BlockSchema,
    req: &PlanRequest,
    mut proposed: Attrs,
    rules: &PlanRules,
) -> PlanResponse {
    let config = req.config.entries().cloned().unwrap_or_default();
    for (name, default) in &rules.defaults {
        if get(&config, name).is_null() {
            proposed.insert((*name).to_string(), default.clone());
        }
    }
    let mut resp = plan_from_schema(schema, req.prior_state.as_ref(), &Value::Object(proposed));
    let prior = req.prior_state.as_ref().and_then(Value::entries);
    let planned = resp.planned_state.entries().cloned().unwrap_or_default();
    resp.requires_replace.retain(|path| {
        let Some(PathStep::Attr(name)) = path.0.first() else {
            return true;
        };
        let (old, new) = (prior.map_or(&NULL, |p| get(p, name)), get(&planned, name));
        if rules.lenient_maps.contains(&name.as_str()) {
            return lenient_map_changed(old, new);
        }
        if rules.empty_string_is_null.contains(&name.as_str())
            && new.is_null()
            && old.as_str() == Some("")
        {
            return false;
        }
        true
    });
    if !resp.requires_replace.is_empty() {
        resp.planned_state = Value::Object(as_create(schema, &config, planned, rules));
    }
    resp
}

static NULL: Value = Value::Null(infra_core::Type::Dynamic);

/// The planned state of the replacement object: computed attributes the configuration leaves
/// null go back to their default, or to unknown.
fn as_create(schema: &BlockSchema, config: &Attrs, mut planned: Attrs, rules: &PlanRules) -> Attrs {
    for (name, a) in &schema.attributes {
        if a.computed && get(config, name).is_null() {
            let v = rules
                .defaults
                .iter()
                .find(|(n, _)| n == name)
                .map_or_else(|| Value::Unknown(a.ty.clone()), |(_, d)| d.clone());
            planned.insert(name.clone(), v);
        }
    }
    planned
}

/// Whether a `keepers`-like map changed in a way that forces replacement.
pub(crate) fn lenient_map_changed(old: &Value, new: &Value) -> bool {
    if !old.is_wholly_known() || !new.is_wholly_known() {
        return true;
    }
    fn non_null(v: &Value) -> Vec<(String, Value)> {
        let (v, _) = v.clone().unmark_deep();
        v.entries()
            .map(|m| {
                m.iter()
                    .filter(|(_, e)| !e.is_null())
                    .map(|(k, e)| (k.clone(), e.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }
    non_null(old) != non_null(new)
}

/// The request's proposed state as attributes.
pub(crate) fn proposed_attrs(req: &PlanRequest) -> Attrs {
    req.proposed_new_state
        .entries()
        .cloned()
        .unwrap_or_default()
}

/// Whether the plan replaces the object because of `name`.
#[cfg(test)]
pub(crate) fn replaces_for(resp: &PlanResponse, name: &str) -> bool {
    resp.requires_replace
        .contains(&infra_provider::AttrPath::attr(name))
}

#[cfg(test)]
mod tests {
    use infra_core::Type;

    use super::*;

    fn map(pairs: &[(&str, Option<&str>)]) -> Value {
        Value::Map(
            Type::String,
            pairs
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        v.map_or(Value::Null(Type::String), Value::string),
                    )
                })
                .collect::<infra_core::ValueMap>(),
        )
    }

    #[test]
    fn keepers_compare_leniently() {
        let null = Value::Null(Type::map(Type::String));
        assert!(!lenient_map_changed(&null, &map(&[])));
        assert!(!lenient_map_changed(&null, &map(&[("a", None)])));
        assert!(!lenient_map_changed(
            &map(&[("a", Some("1"))]),
            &map(&[("a", Some("1")), ("b", None)])
        ));
        assert!(lenient_map_changed(
            &map(&[("a", Some("1"))]),
            &map(&[("a", Some("2"))])
        ));
        assert!(lenient_map_changed(&map(&[("a", Some("1"))]), &null));
        assert!(lenient_map_changed(
            &null,
            &Value::Unknown(Type::map(Type::String))
        ));
    }
}
