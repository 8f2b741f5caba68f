//! Reading attributes out of resource objects, and the diagnostics for values that do not fit.
//!
//! Configurations may still hold unknown values while they are validated and planned, so every
//! getter answers with a [`Field`]: null, unknown, or a known value of the wanted kind. Values of
//! the wrong kind (which the engine's conversion should already have ruled out) become
//! diagnostics, never panics.

use std::collections::BTreeMap;

use infra_core::{Diagnostic, Diagnostics, Number, Type, Value};

/// An attribute's value as a resource sees it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Field<T> {
    Null,
    Unknown,
    Known(T),
}

impl<T> Field<T> {
    /// The value when it is known.
    pub(crate) fn known(self) -> Option<T> {
        match self {
            Field::Known(v) => Some(v),
            _ => None,
        }
    }
    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }
}

/// The attributes of a resource object.
pub(crate) type Attrs = infra_core::ValueMap;

/// The attributes of an object value, or a diagnostic when the value is not an object.
pub(crate) fn object(v: &Value) -> Result<&Attrs, Diagnostics> {
    match v.peel() {
        Value::Object(m) => Ok(m),
        other => Err(Diagnostics::from(Diagnostic::error(
            "Invalid resource object",
            format!(
                "The provider expected an object, but got a value of type {}. This is a bug in infra.",
                other.ty().friendly_name()
            ),
        ))),
    }
}

/// One attribute (null when absent).
pub(crate) fn get<'a>(m: &'a Attrs, name: &str) -> &'a Value {
    static NULL: Value = Value::Null(Type::Dynamic);
    m.get(name).unwrap_or(&NULL)
}

fn field<T>(
    m: &Attrs,
    name: &str,
    kind: &str,
    extract: impl FnOnce(&Value) -> Option<T>,
) -> Result<Field<T>, Diagnostics> {
    let v = get(m, name);
    if v.is_null() {
        return Ok(Field::Null);
    }
    if !v.is_wholly_known() {
        return Ok(Field::Unknown);
    }
    extract(v.peel()).map(Field::Known).ok_or_else(|| {
        invalid(
            name,
            format!(
                "a {kind} is required, but got a value of type {}.",
                v.ty().friendly_name()
            ),
        )
        .into()
    })
}

pub(crate) fn string(m: &Attrs, name: &str) -> Result<Field<String>, Diagnostics> {
    field(m, name, "string", |v| v.as_str().map(str::to_string))
}

pub(crate) fn boolean(m: &Attrs, name: &str) -> Result<Field<bool>, Diagnostics> {
    field(m, name, "bool", Value::as_bool)
}

/// A whole number that fits in 64 bits, as Terraform's `Int64` attributes require.
pub(crate) fn int(m: &Attrs, name: &str) -> Result<Field<i64>, Diagnostics> {
    let n = field(m, name, "number", |v| v.as_number().cloned())?;
    match n {
        Field::Known(n) => match number_to_i64(&n) {
            Some(i) => Ok(Field::Known(i)),
            None => Err(invalid(
                name,
                format!("a whole number between -2^63 and 2^63-1 is required, but got {n}."),
            )
            .into()),
        },
        Field::Null => Ok(Field::Null),
        Field::Unknown => Ok(Field::Unknown),
    }
}

fn number_to_i64(n: &Number) -> Option<i64> {
    if n.is_infinite() || !n.is_integer() {
        return None;
    }
    n.to_i64()
}

/// A map of strings; a null element stays `None` (Terraform allows null map elements).
pub(crate) fn string_map(
    m: &Attrs,
    name: &str,
) -> Result<Field<BTreeMap<String, Option<String>>>, Diagnostics> {
    field(m, name, "map of string", |v| {
        v.entries()?
            .iter()
            .map(|(k, e)| match e.peel() {
                Value::Null(_) => Some((k.clone(), None)),
                e => e.as_str().map(|s| (k.clone(), Some(s.to_string()))),
            })
            .collect()
    })
}

/// A value needed at apply time: known and not null.
pub(crate) fn required<T>(f: Field<T>, name: &str) -> Result<T, Diagnostics> {
    match f {
        Field::Known(v) => Ok(v),
        Field::Null => Err(Diagnostic::error(
            "Missing required argument",
            format!("The argument `{name}` is required, but no value was given."),
        )
        .into()),
        Field::Unknown => Err(unknown_at_apply(name).into()),
    }
}

/// A value that may be null but must be known at apply time.
pub(crate) fn optional<T>(f: Field<T>, name: &str) -> Result<Option<T>, Diagnostics> {
    match f {
        Field::Known(v) => Ok(Some(v)),
        Field::Null => Ok(None),
        Field::Unknown => Err(unknown_at_apply(name).into()),
    }
}

fn unknown_at_apply(name: &str) -> Diagnostic {
    Diagnostic::error(
        "Value unknown at apply time",
        format!(
            "The attribute `{name}` is still unknown while applying. The engine must resolve every \
             configured value before apply; this is a bug in infra."
        ),
    )
}

/// The diagnostic for an attribute value that is not allowed; `detail` is a sentence saying why.
pub(crate) fn invalid(name: &str, detail: impl AsRef<str>) -> Diagnostic {
    Diagnostic::error(
        "Invalid attribute value",
        format!("Invalid value for `{name}`: {}", detail.as_ref()),
    )
}

/// Collects the diagnostic of a failed getter and returns the field (as unknown, so checks skip it).
pub(crate) fn collect<T>(diags: &mut Diagnostics, r: Result<Field<T>, Diagnostics>) -> Field<T> {
    match r {
        Ok(f) => f,
        Err(d) => {
            diags.extend(d);
            Field::Unknown
        }
    }
}

/// A null map of strings.
pub(crate) fn null_string_map() -> Value {
    Value::Null(Type::map(Type::String))
}

/// A string value, or a typed null.
pub(crate) fn opt_string(s: Option<&str>) -> Value {
    s.map_or(Value::Null(Type::String), Value::string)
}

/// Builds an object from `(name, value)` pairs.
pub(crate) fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_tell_null_unknown_and_wrong_kinds_apart() {
        let m: Attrs = [
            ("s".to_string(), Value::string("x")),
            ("u".to_string(), Value::Unknown(Type::String)),
            ("b".to_string(), Value::Bool(true)),
            ("sens".to_string(), Value::string("secret").mark_sensitive()),
        ]
        .into_iter()
        .collect();
        assert_eq!(string(&m, "s"), Ok(Field::Known("x".to_string())));
        assert_eq!(string(&m, "sens"), Ok(Field::Known("secret".to_string())));
        assert_eq!(string(&m, "u"), Ok(Field::Unknown));
        assert_eq!(string(&m, "absent"), Ok(Field::Null));
        let e = string(&m, "b").unwrap_err();
        assert!(e.0[0].detail.contains("`b`"), "{:?}", e);
        assert_eq!(boolean(&m, "b"), Ok(Field::Known(true)));
    }

    #[test]
    fn hex_is_lower_case_and_padded() {
        assert_eq!(hex(&[0, 1, 0xab, 0xff]), "0001abff");
        assert_eq!(hex(&[]), "");
    }
}
