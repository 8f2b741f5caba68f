//! The plan a provider gives when it has nothing special to say: the proposed state, with
//! computed attributes the configuration leaves unset unknown on create and kept on update, and
//! replacement wherever a `force_new` attribute changes.

use std::fmt;

use infra_core::Value;

use crate::schema::BlockSchema;
use crate::PlanResponse;

/// One step of a path into a resource value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathStep {
    Attr(String),
    Key(String),
    Index(u64),
}

/// A path to an attribute inside a resource value (`tags["Name"]`, `ingress[0].port`).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AttrPath(pub Vec<PathStep>);

impl AttrPath {
    pub fn attr(name: &str) -> AttrPath {
        AttrPath(vec![PathStep::Attr(name.to_string())])
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                PathStep::Attr(a) if i == 0 => write!(f, "{a}")?,
                PathStep::Attr(a) => write!(f, ".{a}")?,
                PathStep::Key(k) => write!(f, "[{k:?}]")?,
                PathStep::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Plans from the schema alone (see the module doc).
pub fn plan_from_schema(
    schema: &BlockSchema,
    prior: Option<&Value>,
    proposed: &Value,
) -> PlanResponse {
    let empty = infra_core::ValueMap::new();
    let proposed_attrs = proposed.entries().unwrap_or(&empty);
    let prior_attrs = prior.and_then(Value::entries);
    let mut planned = proposed_attrs.clone();
    let mut requires_replace = Vec::new();
    for (name, a) in &schema.attributes {
        let p = proposed_attrs
            .get(name)
            .cloned()
            .unwrap_or(Value::Null(a.ty.clone()));
        let v = if a.computed && p.is_null() {
            match prior_attrs.and_then(|m| m.get(name)) {
                Some(old) => old.clone(),
                None => Value::Unknown(a.ty.clone()),
            }
        } else {
            p
        };
        if a.force_new {
            if let Some(old) = prior_attrs.and_then(|m| m.get(name)) {
                if !same(old, &v) {
                    requires_replace.push(AttrPath::attr(name));
                }
            }
        }
        planned.insert(name.clone(), v);
    }
    for (name, b) in &schema.block_types {
        if b.force_new {
            if let (Some(old), Some(new)) =
                (prior_attrs.and_then(|m| m.get(name)), planned.get(name))
            {
                if !same(old, new) {
                    requires_replace.push(AttrPath::attr(name));
                }
            }
        }
    }
    PlanResponse {
        planned_state: Value::Object(planned),
        requires_replace,
    }
}

/// Whether two values are the same for planning: unknown is never the same as anything.
fn same(a: &Value, b: &Value) -> bool {
    a.is_wholly_known()
        && b.is_wholly_known()
        && a.clone().unmark_deep().0 == b.clone().unmark_deep().0
}
