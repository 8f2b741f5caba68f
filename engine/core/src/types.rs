//! Terraform's type system: primitive, collection and structural types plus `any` (cty's
//! dynamic pseudo-type). Object types may mark attributes optional (type constraints only).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A Terraform type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    /// `any`: the type is not known yet (cty's DynamicPseudoType).
    Dynamic,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    /// An object type; `optional` names attributes that may be absent (type constraints only).
    /// Boxed, like the collections' element types: a `Type` sits in every null, unknown, list
    /// and map value, and unboxed these two maps made it (and so every `Value`) 24 bytes larger.
    Object(Box<BTreeMap<String, Type>>, Box<BTreeSet<String>>),
    Tuple(Vec<Type>),
}

impl Default for Type {
    /// `any`.
    fn default() -> Type {
        Type::Dynamic
    }
}

impl Type {
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }
    pub fn set(t: Type) -> Type {
        Type::Set(Box::new(t))
    }
    pub fn map(t: Type) -> Type {
        Type::Map(Box::new(t))
    }
    pub fn object(attrs: BTreeMap<String, Type>) -> Type {
        Type::Object(Box::new(attrs), Box::default())
    }
    pub fn empty_object() -> Type {
        Type::Object(Box::default(), Box::default())
    }
    pub fn empty_tuple() -> Type {
        Type::Tuple(Vec::new())
    }

    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::String | Type::Number | Type::Bool)
    }
    pub fn is_collection(&self) -> bool {
        matches!(self, Type::List(_) | Type::Set(_) | Type::Map(_))
    }
    /// The element type of a list, set or map.
    pub fn element(&self) -> Option<&Type> {
        match self {
            Type::List(t) | Type::Set(t) | Type::Map(t) => Some(t),
            _ => None,
        }
    }
    /// Whether the type contains `any` anywhere.
    pub fn has_dynamic(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::List(t) | Type::Set(t) | Type::Map(t) => t.has_dynamic(),
            Type::Object(a, _) => a.values().any(Type::has_dynamic),
            Type::Tuple(e) => e.iter().any(Type::has_dynamic),
            _ => false,
        }
    }

    /// The friendly name used in diagnostics ("list of string", "object").
    pub fn friendly_name(&self) -> String {
        match self {
            Type::Dynamic => "dynamic".into(),
            Type::String => "string".into(),
            Type::Number => "number".into(),
            Type::Bool => "bool".into(),
            Type::List(t) => format!("list of {}", t.friendly_name()),
            Type::Set(t) => format!("set of {}", t.friendly_name()),
            Type::Map(t) => format!("map of {}", t.friendly_name()),
            Type::Object(..) => "object".into(),
            Type::Tuple(_) => "tuple".into(),
        }
    }

    /// The type as Terraform writes it in `output -json` (`"string"`, `["list","number"]`,
    /// `["object",{"a":"number"}]`).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Type::Dynamic => json!("dynamic"),
            Type::String => json!("string"),
            Type::Number => json!("number"),
            Type::Bool => json!("bool"),
            Type::List(t) => json!(["list", t.to_json()]),
            Type::Set(t) => json!(["set", t.to_json()]),
            Type::Map(t) => json!(["map", t.to_json()]),
            Type::Object(a, _) => {
                let m: serde_json::Map<String, serde_json::Value> =
                    a.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
                json!(["object", m])
            }
            Type::Tuple(e) => json!(["tuple", e.iter().map(Type::to_json).collect::<Vec<_>>()]),
        }
    }

    /// Parses the `output -json` form back into a type.
    pub fn from_json(v: &serde_json::Value) -> Option<Type> {
        use serde_json::Value as J;
        match v {
            J::String(s) => match s.as_str() {
                "dynamic" => Some(Type::Dynamic),
                "string" => Some(Type::String),
                "number" => Some(Type::Number),
                "bool" => Some(Type::Bool),
                _ => None,
            },
            J::Array(a) if a.len() == 2 => {
                let kind = a[0].as_str()?;
                match kind {
                    "list" => Some(Type::list(Type::from_json(&a[1])?)),
                    "set" => Some(Type::set(Type::from_json(&a[1])?)),
                    "map" => Some(Type::map(Type::from_json(&a[1])?)),
                    "object" => {
                        let mut attrs = BTreeMap::new();
                        for (k, t) in a[1].as_object()? {
                            attrs.insert(k.clone(), Type::from_json(t)?);
                        }
                        Some(Type::object(attrs))
                    }
                    "tuple" => Some(Type::Tuple(
                        a[1].as_array()?
                            .iter()
                            .map(Type::from_json)
                            .collect::<Option<_>>()?,
                    )),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

impl fmt::Display for Type {
    /// The type in Terraform's type-constraint syntax (`list(string)`, `object({a=number})`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Dynamic => f.write_str("any"),
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Set(t) => write!(f, "set({t})"),
            Type::Map(t) => write!(f, "map({t})"),
            Type::Object(a, opt) => {
                f.write_str("object({")?;
                for (i, (k, t)) in a.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if opt.contains(k) {
                        write!(f, "{k}=optional({t})")?;
                    } else {
                        write!(f, "{k}={t}")?;
                    }
                }
                f.write_str("})")
            }
            Type::Tuple(e) => {
                f.write_str("tuple([")?;
                for (i, t) in e.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
        }
    }
}
