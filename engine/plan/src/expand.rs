//! `count` and `for_each`: how many instances, with which keys.

use std::collections::BTreeMap;

use infra_config::Expr;
use infra_core::addr::ModuleInstance;
use infra_core::{Diagnostic, Diagnostics, Value};

use crate::values::{Expansion, InstanceContext};
use crate::walker::{count_value, Walker};

/// Evaluates `count` / `for_each` of a resource or module call in a module instance.
pub fn expansion(
    w: &Walker,
    count: Option<&Expr>,
    for_each: Option<&Expr>,
    module: &ModuleInstance,
    address: &str,
) -> Result<Expansion, Diagnostics> {
    if let Some(c) = count {
        let v = w.eval(c, module, InstanceContext::default())?;
        let (v, _) = v.unmark();
        if !v.is_known() {
            return Err(Diagnostics::from(
                Diagnostic::error(
                    "Invalid count argument",
                    "The \"count\" value depends on resource attributes that cannot be determined until apply, so infra cannot predict how many instances will be created. To work around this, use the -target argument to first apply only the resources that the count depends on.",
                )
                .with_subject(c.range())
                .with_address(address),
            ));
        }
        return count_value(&v).map(Expansion::Count).map_err(|m| {
            Diagnostics::from(
                Diagnostic::error("Invalid count argument", m)
                    .with_subject(c.range())
                    .with_address(address),
            )
        });
    }
    if let Some(f) = for_each {
        let v = w.eval(f, module, InstanceContext::default())?;
        let err = |detail: String| {
            Diagnostics::from(
                Diagnostic::error("Invalid for_each argument", detail)
                    .with_subject(f.range())
                    .with_address(address),
            )
        };
        if v.contains_sensitive() {
            return Err(err("Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key.".into()));
        }
        if v.is_null() {
            return Err(err("The given \"for_each\" argument value is unsuitable: the given \"for_each\" argument value is null. A map, or set of strings is allowed.".into()));
        }
        if !v.is_known() {
            return Err(err("The \"for_each\" value depends on resource attributes that cannot be determined until apply, so infra cannot predict how many instances will be created. To work around this, use the -target argument to first apply only the resources that the for_each depends on.".into()));
        }
        let mut keys = BTreeMap::new();
        match &v {
            Value::Map(_, m) | Value::Object(m) => {
                for (k, x) in m {
                    keys.insert(k.clone(), x.clone());
                }
            }
            Value::Set(_, items) => {
                for item in items {
                    match item {
                        Value::String(s) => {
                            keys.insert(s.clone(), item.clone());
                        }
                        Value::Unknown(_) => return Err(err("The \"for_each\" set includes values derived from resource attributes that cannot be determined until apply, so infra cannot determine the full set of keys that will identify the instances of this resource.".into())),
                        Value::Null(_) => return Err(err("The given \"for_each\" argument value is unsuitable: \"for_each\" sets must not contain null values.".into())),
                        _ => return Err(err(format!("The given \"for_each\" argument value is unsuitable: \"for_each\" supports maps and sets of strings, but you have provided a set containing type {}.", item.ty().friendly_name()))),
                    }
                }
            }
            other => {
                return Err(err(format!(
                    "The given \"for_each\" argument value is unsuitable: the \"for_each\" argument must be a map, or set of strings, and you have provided a value of type {}.",
                    other.ty().friendly_name()
                )))
            }
        }
        return Ok(Expansion::ForEach(keys));
    }
    Ok(Expansion::Single)
}
