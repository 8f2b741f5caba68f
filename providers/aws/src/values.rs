//! Resource values as the resources see them: JSON.
//!
//! At apply time every planned value is known, so resources read their inputs and write their
//! state as plain JSON (`serde_json`), and this module converts at the boundary, typed by the
//! resource schema. The conversion gives the same shape the engine's configuration decoder gives
//! (typed nulls, empty lists for absent repeated blocks), so a state read back from AWS compares
//! equal to a plan made from the configuration and "no changes" is exact.

use std::collections::BTreeMap;

use infra_core::Value;
use infra_provider::{BlockSchema, Nesting};
use serde_json::Value as J;

use crate::error::{Error, Result};

/// The JSON form of a value (unknowns become null, marks are dropped).
pub(crate) fn to_json(v: &Value) -> J {
    v.to_json()
}

/// A value of `schema`'s type from its JSON form; absent repeated blocks become empty.
pub(crate) fn from_json(schema: &BlockSchema, j: &J) -> Result<Value> {
    let filled = fill_blocks(schema, j.clone());
    Value::from_json(&filled, &schema.value_type()).ok_or_else(|| {
        Error::bug(format!(
            "The provider built a value that does not fit its schema: {filled}."
        ))
    })
}

/// Sets absent or null list and set blocks to `[]` (and map blocks to `{}`), at every depth.
fn fill_blocks(schema: &BlockSchema, j: J) -> J {
    let J::Object(mut m) = j else { return j };
    for (name, bt) in &schema.block_types {
        let v = m.remove(name).unwrap_or(J::Null);
        let v = match (bt.nesting, v) {
            (Nesting::List | Nesting::Set, J::Null) => J::Array(Vec::new()),
            (Nesting::Map, J::Null) => J::Object(serde_json::Map::new()),
            (Nesting::List | Nesting::Set, J::Array(a)) => {
                J::Array(a.into_iter().map(|e| fill_blocks(&bt.block, e)).collect())
            }
            (Nesting::Map, J::Object(o)) => J::Object(
                o.into_iter()
                    .map(|(k, e)| (k, fill_blocks(&bt.block, e)))
                    .collect(),
            ),
            (_, v) => fill_blocks(&bt.block, v),
        };
        m.insert(name.clone(), v);
    }
    J::Object(m)
}

/// A non-null string attribute.
pub(crate) fn str_at<'a>(j: &'a J, name: &str) -> Option<&'a str> {
    j.get(name).and_then(J::as_str)
}

/// A required string attribute (the schema makes it required, so its absence is a bug).
pub(crate) fn req_str<'a>(j: &'a J, name: &str) -> Result<&'a str> {
    str_at(j, name)
        .ok_or_else(|| Error::bug(format!("The attribute `{name}` is missing at apply time.")))
}

/// A non-null bool attribute.
pub(crate) fn bool_at(j: &J, name: &str) -> Option<bool> {
    j.get(name).and_then(J::as_bool)
}

/// A whole-number attribute.
pub(crate) fn i64_at(j: &J, name: &str) -> Option<i64> {
    j.get(name).and_then(J::as_i64)
}

/// The strings of a list or set attribute (empty when null).
pub(crate) fn strings_at(j: &J, name: &str) -> Vec<String> {
    j.get(name)
        .and_then(J::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|e| e.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A map-of-strings attribute (empty when null; null elements dropped).
pub(crate) fn string_map_at(j: &J, name: &str) -> BTreeMap<String, String> {
    j.get(name)
        .and_then(J::as_object)
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The objects of a repeated block (empty when null).
pub(crate) fn blocks_at<'a>(j: &'a J, name: &str) -> &'a [J] {
    j.get(name).and_then(J::as_array).map_or(&[], Vec::as_slice)
}

/// A string, or null when absent or empty (AWS leaves unset strings out or empty).
pub(crate) fn opt(s: Option<&str>) -> J {
    match s {
        Some(s) if !s.is_empty() => J::String(s.to_string()),
        _ => J::Null,
    }
}

/// A suffix that makes generated names unique, as Terraform's are: a timestamp and a counter
/// (digits only, so it fits bucket names too).
pub(crate) fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{nanos:020}{:06}",
        COUNTER.fetch_add(1, Ordering::Relaxed) % 1_000_000
    )
}

#[cfg(test)]
mod tests {
    use infra_core::Type;
    use infra_provider::{AttributeSchema, BlockTypeSchema};
    use serde_json::json;

    use super::*;

    #[test]
    fn absent_repeated_blocks_become_empty_and_nulls_are_typed() {
        let inner = BlockSchema::default().attr("x", AttributeSchema::optional(Type::String));
        let schema = BlockSchema::default()
            .attr("name", AttributeSchema::optional(Type::String))
            .block(
                "rule",
                BlockTypeSchema {
                    nesting: Nesting::Set,
                    block: inner,
                    min_items: 0,
                    max_items: 0,
                    force_new: false,
                },
            );
        let v = from_json(&schema, &json!({})).unwrap();
        let m = v.entries().unwrap();
        assert_eq!(m["name"], Value::Null(Type::String));
        assert_eq!(m["rule"].length(), Some(0));
        let v = from_json(&schema, &json!({"rule": [{}]})).unwrap();
        let rule = &v.entries().unwrap()["rule"].elements().unwrap()[0];
        assert_eq!(rule.entries().unwrap()["x"], Value::Null(Type::String));
        assert!(from_json(&schema, &json!({"name": 3})).is_err());
    }
}
