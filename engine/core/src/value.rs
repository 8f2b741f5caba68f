//! Terraform values: primitives, collections and structural values, typed nulls, unknown values
//! (known only after apply) and the sensitive mark.
//!
//! A `Value` is plain data. Operators, conversion and functions live elsewhere (`convert` here,
//! the rest in `infra-lang`); this module only builds, inspects and compares values.

use std::cmp::Ordering;

use crate::number::Number;
use crate::types::Type;
use crate::valuemap::ValueMap;

/// A Terraform value.
///
/// Invariants kept by the constructors: strings are NFC-normalised; a `Set` holds no duplicates
/// and is in canonical order; `Sensitive` never directly wraps another `Sensitive`.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A null of the given type.
    Null(Type),
    /// A value that will be known only after apply.
    Unknown(Type),
    Bool(bool),
    Number(Number),
    String(String),
    /// A list with its element type.
    List(Type, Vec<Value>),
    /// A set with its element type, elements in canonical order.
    Set(Type, Vec<Value>),
    /// A map with its element type; keys in lexical byte order.
    Map(Type, ValueMap),
    Object(ValueMap),
    Tuple(Vec<Value>),
    /// A value marked sensitive: never printed, and the mark spreads to everything derived from it.
    Sensitive(Box<Value>),
}

impl Value {
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(nfc(s.into()))
    }
    pub fn number(n: Number) -> Value {
        Value::Number(n)
    }
    pub fn int(i: i64) -> Value {
        Value::Number(Number::from_i64(i))
    }
    pub fn null() -> Value {
        Value::Null(Type::Dynamic)
    }
    pub fn unknown() -> Value {
        Value::Unknown(Type::Dynamic)
    }
    pub fn empty_object() -> Value {
        Value::Object(ValueMap::new())
    }
    pub fn empty_tuple() -> Value {
        Value::Tuple(Vec::new())
    }

    /// A set of `elem`-typed values; sorts into canonical order and removes duplicates.
    pub fn set(elem: Type, mut items: Vec<Value>) -> Value {
        items.sort_by(canonical_cmp);
        // Unknown elements stay distinct: they may turn out equal or not.
        items.dedup_by(|a, b| {
            a.is_wholly_known() && b.is_wholly_known() && canonical_cmp(a, b) == Ordering::Equal
        });
        Value::Set(elem, items)
    }

    /// Marks the value sensitive (no-op if it already is).
    pub fn mark_sensitive(self) -> Value {
        match self {
            Value::Sensitive(_) => self,
            v => Value::Sensitive(Box::new(v)),
        }
    }
    /// Marks the value sensitive when `yes`.
    pub fn mark_if(self, yes: bool) -> Value {
        if yes {
            self.mark_sensitive()
        } else {
            self
        }
    }
    /// The value without its top-level mark, and whether it had one.
    pub fn unmark(self) -> (Value, bool) {
        match self {
            Value::Sensitive(v) => (*v, true),
            v => (v, false),
        }
    }
    /// The value without any marks at any depth, and whether any was found.
    pub fn unmark_deep(self) -> (Value, bool) {
        let mut found = false;
        let v = self.map_deep(&mut |v| match v {
            Value::Sensitive(inner) => {
                found = true;
                *inner
            }
            v => v,
        });
        (v, found)
    }
    /// Looks through a top-level mark.
    pub fn peel(&self) -> &Value {
        match self {
            Value::Sensitive(v) => v,
            v => v,
        }
    }
    pub fn is_sensitive(&self) -> bool {
        matches!(self, Value::Sensitive(_))
    }
    /// Whether a sensitive mark appears anywhere in the value.
    pub fn contains_sensitive(&self) -> bool {
        match self {
            Value::Sensitive(_) => true,
            Value::List(_, e) | Value::Set(_, e) | Value::Tuple(e) => {
                e.iter().any(Value::contains_sensitive)
            }
            Value::Map(_, m) | Value::Object(m) => m.values().any(Value::contains_sensitive),
            _ => false,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.peel(), Value::Null(_))
    }
    /// Whether the value itself is known (its elements may still be unknown).
    pub fn is_known(&self) -> bool {
        !matches!(self.peel(), Value::Unknown(_))
    }
    /// Whether the value and everything inside it is known.
    pub fn is_wholly_known(&self) -> bool {
        match self.peel() {
            Value::Unknown(_) => false,
            Value::List(_, e) | Value::Set(_, e) | Value::Tuple(e) => {
                e.iter().all(Value::is_wholly_known)
            }
            Value::Map(_, m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// The value's type.
    pub fn ty(&self) -> Type {
        match self {
            Value::Null(t) | Value::Unknown(t) => t.clone(),
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::List(t, _) => Type::list(t.clone()),
            Value::Set(t, _) => Type::set(t.clone()),
            Value::Map(t, _) => Type::map(t.clone()),
            Value::Object(m) => Type::object(m.iter().map(|(k, v)| (k.clone(), v.ty())).collect()),
            Value::Tuple(e) => Type::Tuple(e.iter().map(Value::ty).collect()),
            Value::Sensitive(v) => v.ty(),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self.peel() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_number(&self) -> Option<&Number> {
        match self.peel() {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self.peel() {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// The elements of a list, set or tuple.
    pub fn elements(&self) -> Option<&[Value]> {
        match self.peel() {
            Value::List(_, e) | Value::Set(_, e) | Value::Tuple(e) => Some(e),
            _ => None,
        }
    }
    /// The entries of a map or object.
    pub fn entries(&self) -> Option<&ValueMap> {
        match self.peel() {
            Value::Map(_, m) | Value::Object(m) => Some(m),
            _ => None,
        }
    }
    /// The number of elements or entries of a known collection or structure.
    pub fn length(&self) -> Option<usize> {
        self.elements()
            .map(<[Value]>::len)
            .or_else(|| self.entries().map(ValueMap::len))
    }

    /// Rebuilds the value bottom-up through `f` (children first).
    pub fn map_deep(self, f: &mut dyn FnMut(Value) -> Value) -> Value {
        let v = match self {
            Value::List(t, e) => Value::List(t, e.into_iter().map(|v| v.map_deep(f)).collect()),
            Value::Set(t, e) => Value::set(t, e.into_iter().map(|v| v.map_deep(f)).collect()),
            Value::Tuple(e) => Value::Tuple(e.into_iter().map(|v| v.map_deep(f)).collect()),
            Value::Map(t, m) => {
                Value::Map(t, m.into_iter().map(|(k, v)| (k, v.map_deep(f))).collect())
            }
            Value::Object(m) => {
                Value::Object(m.into_iter().map(|(k, v)| (k, v.map_deep(f))).collect())
            }
            Value::Sensitive(v) => Value::Sensitive(Box::new(v.map_deep(f))),
            v => v,
        };
        f(v)
    }

    /// The value as JSON, in the shape `terraform output -json` uses. Unknowns become `null`;
    /// marks are dropped (callers redact first). Infinities have no JSON form and become `null`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self.peel() {
            Value::Null(_) | Value::Unknown(_) => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => number_to_json(n),
            Value::String(s) => J::String(s.clone()),
            Value::List(_, e) | Value::Set(_, e) | Value::Tuple(e) => {
                J::Array(e.iter().map(Value::to_json).collect())
            }
            Value::Map(_, m) | Value::Object(m) => {
                J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
            Value::Sensitive(_) => unreachable!("peeled"),
        }
    }

    /// Builds a value of type `ty` from its JSON form. `None` when the JSON does not fit the type.
    /// With `Type::Dynamic` the type is inferred as Terraform's `jsondecode` does (objects and tuples).
    pub fn from_json(j: &serde_json::Value, ty: &Type) -> Option<Value> {
        use serde_json::Value as J;
        if j.is_null() {
            return Some(Value::Null(ty.clone()));
        }
        Some(match (ty, j) {
            (Type::Dynamic, J::Bool(b)) => Value::Bool(*b),
            (Type::Dynamic, J::Number(n)) => Value::Number(Number::parse(&n.to_string())?),
            (Type::Dynamic, J::String(s)) => Value::string(s.clone()),
            (Type::Dynamic, J::Array(a)) => Value::Tuple(
                a.iter()
                    .map(|v| Value::from_json(v, &Type::Dynamic))
                    .collect::<Option<_>>()?,
            ),
            (Type::Dynamic, J::Object(o)) => Value::Object(
                o.iter()
                    .map(|(k, v)| Some((nfc(k.clone()), Value::from_json(v, &Type::Dynamic)?)))
                    .collect::<Option<_>>()?,
            ),
            (Type::Bool, J::Bool(b)) => Value::Bool(*b),
            (Type::Number, J::Number(n)) => Value::Number(Number::parse(&n.to_string())?),
            (Type::String, J::String(s)) => Value::string(s.clone()),
            (Type::List(t), J::Array(a)) => Value::List(
                (**t).clone(),
                a.iter()
                    .map(|v| Value::from_json(v, t))
                    .collect::<Option<_>>()?,
            ),
            (Type::Set(t), J::Array(a)) => Value::set(
                (**t).clone(),
                a.iter()
                    .map(|v| Value::from_json(v, t))
                    .collect::<Option<_>>()?,
            ),
            (Type::Tuple(ts), J::Array(a)) if ts.len() == a.len() => Value::Tuple(
                a.iter()
                    .zip(ts)
                    .map(|(v, t)| Value::from_json(v, t))
                    .collect::<Option<_>>()?,
            ),
            (Type::Map(t), J::Object(o)) => Value::Map(
                (**t).clone(),
                o.iter()
                    .map(|(k, v)| Some((nfc(k.clone()), Value::from_json(v, t)?)))
                    .collect::<Option<_>>()?,
            ),
            (Type::Object(attrs, _), J::Object(o)) => {
                let mut m = ValueMap::new();
                for (k, t) in attrs.iter() {
                    let v = match o.get(k) {
                        Some(v) => Value::from_json(v, t)?,
                        None => Value::Null(t.clone()),
                    };
                    m.insert(k.clone(), v);
                }
                Value::Object(m)
            }
            _ => return None,
        })
    }
}

fn number_to_json(n: &Number) -> serde_json::Value {
    if n.is_infinite() {
        return serde_json::Value::Null;
    }
    let s = n.to_string();
    serde_json::from_str::<serde_json::Number>(&s)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

/// NFC-normalises a string, cheaply when it already is.
pub fn nfc(s: String) -> String {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s
    } else {
        s.nfc().collect()
    }
}

/// The canonical total order used for set elements: by kind, then by content (strings by bytes,
/// numbers numerically, false before true, collections element-wise); unknowns and nulls last.
pub fn canonical_cmp(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Bool(_) => 0,
            Value::Number(_) => 1,
            Value::String(_) => 2,
            Value::List(..) => 3,
            Value::Set(..) => 4,
            Value::Tuple(_) => 5,
            Value::Map(..) => 6,
            Value::Object(_) => 7,
            Value::Sensitive(_) => 8,
            Value::Null(_) => 9,
            Value::Unknown(_) => 10,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x.cmp(y),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::List(_, x), Value::List(_, y))
        | (Value::Set(_, x), Value::Set(_, y))
        | (Value::Tuple(x), Value::Tuple(y)) => cmp_seq(x.iter(), y.iter()),
        (Value::Map(_, x), Value::Map(_, y)) | (Value::Object(x), Value::Object(y)) => {
            for ((ka, va), (kb, vb)) in x.iter().zip(y.iter()) {
                let o = ka.cmp(kb).then_with(|| canonical_cmp(va, vb));
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Sensitive(x), Value::Sensitive(y)) => canonical_cmp(x, y),
        (Value::Null(x), Value::Null(y)) | (Value::Unknown(x), Value::Unknown(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

fn cmp_seq<'a>(x: impl Iterator<Item = &'a Value>, y: impl Iterator<Item = &'a Value>) -> Ordering {
    let (mut x, mut y) = (x, y);
    loop {
        match (x.next(), y.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(a), Some(b)) => match canonical_cmp(a, b) {
                Ordering::Equal => continue,
                o => return o,
            },
        }
    }
}
