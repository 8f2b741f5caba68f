//! `tags`, `tags_all`, the provider's `default_tags`, and the `infra:intent` tag.
//!
//! As in the Terraform AWS provider: `tags_all` is every tag the object carries (the provider's
//! `default_tags` merged under the resource's own `tags`), and `tags` is what the configuration
//! sets. Reading back, a tag equal to a default tag is attributed to the defaults unless the
//! resource's own `tags` named it.
//!
//! The `infra:intent` tag carries the engine's idempotency marker. It is written when the object
//! is created (in the create call itself where AWS allows it), kept across tag updates, and never
//! shown in `tags` or `tags_all`, so it causes no drift.

use std::collections::BTreeMap;

use infra_core::{Type, Value};
use serde_json::Value as J;

/// The tag that carries the engine's idempotency marker.
pub const INTENT_TAG: &str = "infra:intent";

/// The planned `tags_all`: `default_tags` overlaid with the resource's `tags`.
pub(crate) fn planned_tags_all(
    default_tags: &BTreeMap<String, String>,
    tags: Option<&Value>,
) -> Value {
    let ty = Type::String;
    let mut all: BTreeMap<String, Value> = default_tags
        .iter()
        .map(|(k, v)| (k.clone(), Value::string(v)))
        .collect();
    if let Some(tags) = tags {
        if !tags.is_wholly_known() {
            return Value::Unknown(Type::map(ty));
        }
        for (k, v) in tags.entries().into_iter().flatten() {
            if v.is_null() {
                all.remove(k);
            } else {
                all.insert(k.clone(), v.clone().unmark_deep().0);
            }
        }
    }
    Value::Map(ty, all.into())
}

/// `tags` and `tags_all` for the state, from the tags AWS reports; `prior` is the previous state
/// (or a bare `{ "id": … }` on import).
pub(crate) fn state_tags(
    actual: &BTreeMap<String, String>,
    default_tags: &BTreeMap<String, String>,
    prior: &J,
) -> (J, J) {
    let all: serde_json::Map<String, J> = actual
        .iter()
        .filter(|(k, _)| *k != INTENT_TAG)
        .map(|(k, v)| (k.clone(), J::String(v.clone())))
        .collect();
    let prior_tags = prior.get("tags").and_then(J::as_object);
    let own: serde_json::Map<String, J> = all
        .iter()
        .filter(|(k, v)| {
            let from_defaults = default_tags
                .get(*k)
                .is_some_and(|d| Some(d.as_str()) == v.as_str());
            !from_defaults || prior_tags.is_some_and(|p| p.contains_key(*k))
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // An empty `tags = {}` and an absent `tags` read back alike; keep whichever the state had.
    let tags = if own.is_empty() && prior_tags.is_none() {
        J::Null
    } else {
        J::Object(own)
    };
    (tags, J::Object(all))
}

/// The tags an object should carry after apply: the planned `tags_all`.
pub(crate) fn wanted(planned: &J) -> BTreeMap<String, String> {
    crate::values::string_map_at(planned, "tags_all")
}

/// What to change to go from the tags an object has to the ones it should have: tags to set, and
/// keys to remove. The intent tag is never removed.
pub(crate) fn diff(
    have: &BTreeMap<String, String>,
    want: &BTreeMap<String, String>,
) -> (BTreeMap<String, String>, Vec<String>) {
    let set = want
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let remove = have
        .keys()
        .filter(|k| !want.contains_key(*k) && *k != INTENT_TAG)
        .cloned()
        .collect();
    (set, remove)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn m(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn tags_all_merges_defaults_under_own_tags() {
        let tags = Value::Map(
            Type::String,
            [("Env".to_string(), Value::string("dev"))].into(),
        );
        let all = planned_tags_all(&m(&[("Env", "prod"), ("Team", "core")]), Some(&tags));
        assert_eq!(all.to_json(), json!({"Env": "dev", "Team": "core"}));
        assert_eq!(planned_tags_all(&m(&[]), None).to_json(), json!({}));
        assert!(
            !planned_tags_all(&m(&[]), Some(&Value::Unknown(Type::map(Type::String)))).is_known()
        );
    }

    #[test]
    fn reading_back_hides_the_intent_and_attributes_defaults() {
        let actual = m(&[
            ("infra:intent", "x"),
            ("Name", "a"),
            ("Team", "core"),
            ("Env", "prod"),
        ]);
        let defaults = m(&[("Team", "core"), ("Env", "prod")]);
        let (tags, all) = state_tags(
            &actual,
            &defaults,
            &json!({"tags": {"Name": "a", "Env": "prod"}}),
        );
        assert_eq!(tags, json!({"Name": "a", "Env": "prod"}));
        assert_eq!(all, json!({"Name": "a", "Team": "core", "Env": "prod"}));
        let (tags, _) = state_tags(
            &m(&[("infra:intent", "x")]),
            &defaults,
            &json!({"tags": null}),
        );
        assert_eq!(tags, J::Null);
        let (tags, _) = state_tags(&m(&[]), &defaults, &json!({"tags": {}}));
        assert_eq!(tags, json!({}));
    }

    #[test]
    fn diff_never_removes_the_intent() {
        let (set, remove) = diff(
            &m(&[("infra:intent", "x"), ("a", "1"), ("b", "1")]),
            &m(&[("a", "2")]),
        );
        assert_eq!(set, m(&[("a", "2")]));
        assert_eq!(remove, vec!["b".to_string()]);
    }
}
