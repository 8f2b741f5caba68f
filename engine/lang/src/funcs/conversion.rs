//! Functions of the type-conversion family: `tobool`, `tolist`, `tomap`, `tonumber`, `toset`,
//! `tostring`, `sensitive` and `nonsensitive`, plus Go-style string quoting shared by the families
//! of this crate that echo user input in their messages.

use infra_core::convert::{convert, unify};
use infra_core::{Type, Value};

use super::{FnError, FnResult, FuncContext, Functions, Param};

pub(crate) fn register(f: &mut Functions) {
    let v = || {
        Param::new("v", Type::Dynamic)
            .nullable()
            .unknowns()
            .marked()
    };
    f.def(
        "tobool",
        vec![v()],
        |_| Ok(Type::Bool),
        |a, _| to_type(&a[0], &Type::Bool),
    );
    f.def(
        "tonumber",
        vec![v()],
        |_| Ok(Type::Number),
        |a, _| to_type(&a[0], &Type::Number),
    );
    f.def(
        "tostring",
        vec![v()],
        |_| Ok(Type::String),
        |a, _| to_type(&a[0], &Type::String),
    );
    f.def(
        "tolist",
        vec![v()],
        |a| Ok(collection_type(&a[0], Type::list)),
        |a, _| to_type(&a[0], &Type::list(Type::Dynamic)),
    );
    f.def(
        "toset",
        vec![v()],
        |a| Ok(collection_type(&a[0], Type::set)),
        |a, _| to_type(&a[0], &Type::set(Type::Dynamic)),
    );
    f.def(
        "tomap",
        vec![v()],
        |a| Ok(collection_type(&a[0], Type::map)),
        |a, _| to_type(&a[0], &Type::map(Type::Dynamic)),
    );
    let value = || {
        Param::new("value", Type::Dynamic)
            .nullable()
            .unknowns()
            .marked()
    };
    f.def(
        "sensitive",
        vec![value()],
        |a| Ok(a[0].ty()),
        |a, _| Ok(a[0].clone().unmark().0.mark_sensitive()),
    );
    f.def(
        "nonsensitive",
        vec![value()],
        |a| Ok(a[0].ty()),
        nonsensitive,
    );
}

/// The friendly name of a conversion target in a type constraint ("list of any single type").
fn constraint_name(want: &Type) -> String {
    match want {
        Type::List(e) if **e == Type::Dynamic => "list of any single type".into(),
        Type::Set(e) if **e == Type::Dynamic => "set of any single type".into(),
        Type::Map(e) if **e == Type::Dynamic => "map of any single type".into(),
        t => t.friendly_name(),
    }
}

/// The best static guess of the result type of `tolist`/`toset`/`tomap` for a value that is not
/// wholly known.
fn collection_type(v: &Value, make: fn(Type) -> Type) -> Type {
    let elem = match v.ty() {
        Type::List(e) | Type::Set(e) | Type::Map(e) => Some(*e),
        Type::Tuple(ts) => unify(&ts).or(Some(Type::Dynamic)),
        Type::Object(attrs, _) => {
            unify(&attrs.into_values().collect::<Vec<_>>()).or(Some(Type::Dynamic))
        }
        _ => None,
    };
    make(elem.unwrap_or(Type::Dynamic))
}

/// Whether a value of type `from` could possibly convert to `want` (used for unknown values,
/// whose content cannot be checked yet).
fn type_convertible(from: &Type, want: &Type) -> bool {
    match (from, want) {
        (Type::Dynamic, _) => true,
        (Type::String | Type::Number | Type::Bool, Type::String) => true,
        (Type::String | Type::Number, Type::Number) => true,
        (Type::String | Type::Bool, Type::Bool) => true,
        (Type::List(_) | Type::Set(_), Type::List(_) | Type::Set(_)) => true,
        (Type::Tuple(ts), Type::List(_) | Type::Set(_)) => ts.is_empty() || unify(ts).is_some(),
        (Type::Map(_), Type::Map(_)) => true,
        (Type::Object(a, _), Type::Map(_)) => {
            a.is_empty() || unify(&a.values().cloned().collect::<Vec<_>>()).is_some()
        }
        _ => false,
    }
}

fn to_type(v: &Value, want: &Type) -> FnResult {
    let (inner, sensitive) = v.clone().unmark();
    let got = inner.ty();
    if got == Type::Dynamic {
        // cty computes no result type from an argument of unknown type (a bare `null` or an
        // unknown value) and converts to that: the argument comes back as it is.
        return Ok(v.clone());
    }
    if let Value::Unknown(t) | Value::Null(t) = &inner {
        if !type_convertible(t, want) {
            return Err(conv_err(format!(
                "cannot convert {} to {}",
                t.friendly_name(),
                constraint_name(want)
            )));
        }
        // The result type follows from the argument's type, as cty's type-level conversion
        // computes it (a null `set(number)` becomes a null `list(number)`).
        let rt = match want {
            Type::List(_) => collection_type(&inner, Type::list),
            Type::Set(_) => collection_type(&inner, Type::set),
            Type::Map(_) => collection_type(&inner, Type::map),
            t => t.clone(),
        };
        let out = if inner.is_null() {
            Value::Null(rt)
        } else {
            Value::Unknown(rt)
        };
        return Ok(out.mark_if(sensitive));
    }
    match convert(v, want) {
        Ok(out) => Ok(out),
        Err(_) => {
            let msg = match (&inner, want) {
                (Value::String(_), Type::Bool | Type::Number) if sensitive => {
                    format!("cannot convert this sensitive string to {}", want.friendly_name())
                }
                (Value::String(s), Type::Bool) => format!(
                    "cannot convert {} to bool; only the strings \"true\" or \"false\" are allowed",
                    go_quote(s)
                ),
                (Value::String(s), Type::Number) => format!(
                    "cannot convert {} to number; given string must be a decimal representation of a number",
                    go_quote(s)
                ),
                _ => format!("cannot convert {} to {}", got.friendly_name(), constraint_name(want)),
            };
            Err(conv_err(msg))
        }
    }
}

fn conv_err(msg: String) -> FnError {
    FnError::arg(0, format!("Invalid value for \"v\" parameter: {msg}."))
}

fn nonsensitive(a: &[Value], _: &FuncContext) -> FnResult {
    let v = &a[0];
    if v.is_known() && !v.is_sensitive() {
        return Err(FnError::arg(
            0,
            "Invalid value for \"value\" parameter: the given value is not sensitive, so this call is redundant.",
        ));
    }
    Ok(v.clone().unmark().0)
}

/// Quotes a string as Go's `strconv.Quote` (Go 1.16) does: printable characters stay as they are,
/// everything else becomes an escape.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if go_is_print(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint`: graphic characters and the ASCII space. Unassigned
/// code points are treated as printable (Go has the tables to know better).
pub(crate) fn go_is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    !matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E
        | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xFFFE | 0xFFFF
        | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF | 0x110BD | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funcs::CallError;
    use infra_core::Number;

    #[track_caller]
    fn check(name: &str, args: Vec<Value>, want: Result<Value, &str>) {
        let got = Functions::standard().call(name, args, &FuncContext::default());
        match (got, want) {
            (Ok(g), Ok(w)) => assert_eq!(g, w, "{name}"),
            (Err(CallError::Failed(e)), Err(w)) => assert_eq!(e.message, w, "{name}"),
            (g, w) => panic!("{name}: got {g:?}, want {w:?}"),
        }
    }
    fn s(x: &str) -> Value {
        Value::string(x)
    }
    fn n(x: &str) -> Value {
        Value::Number(Number::parse(x).unwrap())
    }
    fn tuple(v: Vec<Value>) -> Value {
        Value::Tuple(v)
    }
    fn obj(v: Vec<(&str, Value)>) -> Value {
        Value::Object(v.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn primitives() {
        check("tobool", vec![s("true")], Ok(Value::Bool(true)));
        check("tobool", vec![s("1")], Ok(Value::Bool(true)));
        check("tobool", vec![Value::null()], Ok(Value::null()));
        check(
            "tobool",
            vec![Value::Null(Type::String)],
            Ok(Value::Null(Type::Bool)),
        );
        check("tobool", vec![s("yes")], Err("Invalid value for \"v\" parameter: cannot convert \"yes\" to bool; only the strings \"true\" or \"false\" are allowed."));
        check(
            "tobool",
            vec![n("1")],
            Err("Invalid value for \"v\" parameter: cannot convert number to bool."),
        );
        check(
            "tobool",
            vec![tuple(vec![])],
            Err("Invalid value for \"v\" parameter: cannot convert tuple to bool."),
        );
        check(
            "tobool",
            vec![s("yes").mark_sensitive()],
            Err("Invalid value for \"v\" parameter: cannot convert this sensitive string to bool."),
        );
        check("tonumber", vec![s("1.5")], Ok(n("1.5")));
        check("tonumber", vec![s("0x10")], Err("Invalid value for \"v\" parameter: cannot convert \"0x10\" to number; given string must be a decimal representation of a number."));
        check(
            "tonumber",
            vec![Value::Bool(true)],
            Err("Invalid value for \"v\" parameter: cannot convert bool to number."),
        );
        check(
            "tonumber",
            vec![s("5").mark_sensitive()],
            Ok(n("5").mark_sensitive()),
        );
        check("tostring", vec![n("1.5")], Ok(s("1.5")));
        check("tostring", vec![Value::Bool(false)], Ok(s("false")));
        check("tostring", vec![Value::null()], Ok(Value::null()));
        check(
            "tostring",
            vec![Value::Null(Type::Number)],
            Ok(Value::Null(Type::String)),
        );
        check(
            "tostring",
            vec![obj(vec![])],
            Err("Invalid value for \"v\" parameter: cannot convert object to string."),
        );
        check(
            "tostring",
            vec![Value::Unknown(Type::Number)],
            Ok(Value::Unknown(Type::String)),
        );
        check(
            "tostring",
            vec![Value::Unknown(Type::list(Type::String))],
            Err("Invalid value for \"v\" parameter: cannot convert list of string to string."),
        );
    }

    #[test]
    fn collections() {
        check(
            "tolist",
            vec![tuple(vec![s("a"), n("1")])],
            Ok(Value::List(Type::String, vec![s("a"), s("1")])),
        );
        check(
            "tolist",
            vec![tuple(vec![])],
            Ok(Value::List(Type::Dynamic, vec![])),
        );
        check("tolist", vec![tuple(vec![s("a"), tuple(vec![n("1")])])], Err("Invalid value for \"v\" parameter: cannot convert tuple to list of any single type."));
        check("tolist", vec![obj(vec![("a", n("1"))])], Err("Invalid value for \"v\" parameter: cannot convert object to list of any single type."));
        check("tolist", vec![s("x")], Err("Invalid value for \"v\" parameter: cannot convert string to list of any single type."));
        check("tolist", vec![Value::null()], Ok(Value::null()));
        let null_set = Value::Null(Type::set(Type::Number));
        check(
            "tolist",
            vec![null_set],
            Ok(Value::Null(Type::list(Type::Number))),
        );
        check(
            "tolist",
            vec![Value::set(Type::String, vec![s("b"), s("a")])],
            Ok(Value::List(Type::String, vec![s("a"), s("b")])),
        );
        check(
            "tolist",
            vec![tuple(vec![s("a").mark_sensitive(), s("b")])],
            Ok(Value::List(
                Type::String,
                vec![s("a").mark_sensitive(), s("b")],
            )),
        );
        check(
            "toset",
            vec![tuple(vec![s("a"), s("b"), s("a")])],
            Ok(Value::set(Type::String, vec![s("a"), s("b")])),
        );
        check(
            "toset",
            vec![tuple(vec![n("1"), s("1")])],
            Ok(Value::set(Type::String, vec![s("1")])),
        );
        check("toset", vec![obj(vec![])], Err("Invalid value for \"v\" parameter: cannot convert object to set of any single type."));
        let m: infra_core::ValueMap = [("a".to_string(), s("1")), ("b".to_string(), s("x"))].into();
        check(
            "tomap",
            vec![obj(vec![("a", n("1")), ("b", s("x"))])],
            Ok(Value::Map(Type::String, m)),
        );
        check(
            "tomap",
            vec![obj(vec![])],
            Ok(Value::Map(Type::Dynamic, infra_core::ValueMap::new())),
        );
        check("tomap", vec![obj(vec![("a", n("1")), ("b", tuple(vec![]))])], Err("Invalid value for \"v\" parameter: cannot convert object to map of any single type."));
        check("tomap", vec![tuple(vec![n("1")])], Err("Invalid value for \"v\" parameter: cannot convert tuple to map of any single type."));
        check("tolist", vec![Value::unknown()], Ok(Value::unknown()));
        let unknown_set = Value::Unknown(Type::set(Type::String));
        check(
            "tolist",
            vec![unknown_set],
            Ok(Value::Unknown(Type::list(Type::String))),
        );
    }

    #[test]
    fn sensitivity() {
        check("sensitive", vec![n("1")], Ok(n("1").mark_sensitive()));
        check(
            "sensitive",
            vec![Value::null()],
            Ok(Value::null().mark_sensitive()),
        );
        check(
            "sensitive",
            vec![n("1").mark_sensitive()],
            Ok(n("1").mark_sensitive()),
        );
        check("nonsensitive", vec![n("1").mark_sensitive()], Ok(n("1")));
        check("nonsensitive", vec![Value::unknown()], Ok(Value::unknown()));
        let redundant = "Invalid value for \"value\" parameter: the given value is not sensitive, so this call is redundant.";
        check("nonsensitive", vec![n("1")], Err(redundant));
        check("nonsensitive", vec![Value::null()], Err(redundant));
        check(
            "nonsensitive",
            vec![tuple(vec![n("1").mark_sensitive()])],
            Err(redundant),
        );
    }

    #[test]
    fn quoting() {
        assert_eq!(
            go_quote("a\"b\\c\n\u{1}\u{7f}é\u{a0}😀"),
            "\"a\\\"b\\\\c\\n\\x01\\u007fé\\u00a0😀\""
        );
    }
}
