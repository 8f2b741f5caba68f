//! The exact JSON form of values, used by plan files: unlike the lossy `json` view, it keeps
//! everything a [`Value`] holds — types, typed nulls, unknowns, sensitive marks and numbers with
//! their binary precision — so that a value reads back equal (`==`, precision and sign of zero
//! included) to the one written.
//!
//! A bool or string is itself; anything else is a one-tag object: `{"number": "1.5"}` (with
//! `"precision"` when not 512 bits and `"exact": "±Mp±E"` when the decimal text does not give
//! the same binary value back), `{"null": TYPE}`, `{"unknown": TYPE}`, `{"list": [...],
//! "type": ELEM}`, `{"set": [...], "type": ELEM}`, `{"map": {...}, "type": ELEM}`,
//! `{"object": {...}}`, `{"tuple": [...]}`, `{"sensitive": VALUE}`. Types use Terraform's JSON
//! notation, with the optional attributes of an object type as a third element
//! (`["object", {"a": "string"}, ["a"]]`).
//!
//! Decoding never panics: errors name the offending field by its path in the document.

use std::collections::{BTreeMap, BTreeSet};

use infra_core::{Number, Type, Value};
use num_bigint::BigInt;
use serde_json::{json, Map, Value as J};

/// Bounds on the scaling work for numbers in their exact form, so that a crafted exponent
/// cannot make reading or writing slow (Go's, and so infra's, binary exponents stay within ±2³¹).
const MAX_SCALE_STEPS: i64 = 1 << 24;
const MAX_EXPONENT: u64 = (1 << 31) + MAX_PRECISION as u64;
/// Precisions and mantissas far beyond any number Terraform makes are refused when reading.
const MAX_PRECISION: u32 = 1 << 16;
const MAX_MANTISSA_DIGITS: usize = 20_000;

/// A decoding result; the error names the field.
pub(crate) type R<T> = Result<T, String>;

pub(crate) fn obj<'a>(j: &'a J, at: &str) -> R<&'a Map<String, J>> {
    j.as_object()
        .ok_or_else(|| format!("`{at}` must be a JSON object"))
}

pub(crate) fn field<'a>(o: &'a Map<String, J>, key: &str, at: &str) -> R<&'a J> {
    o.get(key).ok_or_else(|| format!("`{at}.{key}` is missing"))
}

pub(crate) fn arr_field<'a>(o: &'a Map<String, J>, key: &str, at: &str) -> R<&'a Vec<J>> {
    field(o, key, at)?
        .as_array()
        .ok_or_else(|| format!("`{at}.{key}` must be an array"))
}

pub(crate) fn enc_value(v: &Value) -> Result<J, String> {
    let items = |e: &[Value]| e.iter().map(enc_value).collect::<Result<Vec<J>, String>>();
    let entries = |m: &infra_core::ValueMap| {
        m.iter()
            .map(|(k, v)| Ok((k.clone(), enc_value(v)?)))
            .collect::<Result<Map<String, J>, String>>()
    };
    Ok(match v {
        Value::Bool(b) => J::Bool(*b),
        Value::String(s) => J::String(s.clone()),
        Value::Number(n) => enc_number(n)?,
        Value::Null(t) => json!({ "null": enc_type(t) }),
        Value::Unknown(t) => json!({ "unknown": enc_type(t) }),
        Value::List(t, e) => json!({ "list": items(e)?, "type": enc_type(t) }),
        Value::Set(t, e) => json!({ "set": items(e)?, "type": enc_type(t) }),
        Value::Map(t, m) => json!({ "map": entries(m)?, "type": enc_type(t) }),
        Value::Object(m) => json!({ "object": entries(m)? }),
        Value::Tuple(e) => json!({ "tuple": items(e)? }),
        Value::Sensitive(inner) => json!({ "sensitive": enc_value(inner)? }),
    })
}

fn enc_type(t: &Type) -> J {
    match t {
        Type::Dynamic => json!("dynamic"),
        Type::String => json!("string"),
        Type::Number => json!("number"),
        Type::Bool => json!("bool"),
        Type::List(e) => json!(["list", enc_type(e)]),
        Type::Set(e) => json!(["set", enc_type(e)]),
        Type::Map(e) => json!(["map", enc_type(e)]),
        Type::Object(attrs, optional) => {
            let attrs: Map<String, J> = attrs
                .iter()
                .map(|(k, t)| (k.clone(), enc_type(t)))
                .collect();
            if optional.is_empty() {
                json!(["object", attrs])
            } else {
                json!(["object", attrs, optional])
            }
        }
        Type::Tuple(e) => json!(["tuple", e.iter().map(enc_type).collect::<Vec<_>>()]),
    }
}

// Numbers are binary floats with a precision; the decimal display reads back exactly for the
// usual precisions (512 for literals, 53 for floats, 64 for integers). Anything else also
// carries the exact binary form `±M p ±E` (value M·2^E, M odd).

fn same_number(a: &Number, b: &Number) -> bool {
    a == b && a.precision() == b.precision() && a.is_sign_negative() == b.is_sign_negative()
}

fn enc_number(n: &Number) -> Result<J, String> {
    let text = n.to_string();
    let prec = n.precision();
    let mut m = Map::new();
    m.insert("number".into(), json!(text));
    if prec != 512 {
        m.insert("precision".into(), json!(prec));
    }
    if !dec_plain_number(&text, prec).is_some_and(|back| same_number(&back, n)) {
        let exact = exact_form(n)
            .ok_or_else(|| format!("the number `{text}` is too large or too small to save"))?;
        if !dec_exact_number(&exact, prec).is_some_and(|back| same_number(&back, n)) {
            return Err(format!(
                "the number `{text}` (precision {prec}) cannot be saved exactly"
            ));
        }
        m.insert("exact".into(), json!(exact));
    }
    Ok(J::Object(m))
}

fn exact_form(n: &Number) -> Option<String> {
    let sign = if n.is_sign_negative() { "-" } else { "" };
    if n.is_zero() {
        return Some(format!("{sign}0"));
    }
    if n.is_infinite() {
        return Some(format!("{sign}inf"));
    }
    // Only divisions are used to scale: they round to the larger precision, so scaling by a
    // power of two is exact, where a product would be rounded to 512 bits.
    let (up, down) = (power_of_two(-256)?, power_of_two(256)?);
    let mut a = n.abs();
    let mut exp: i64 = 0;
    let mut steps = 0;
    while !a.is_integer() {
        a = a.div(&up).ok()?;
        exp -= 256;
        steps += 1;
        if steps > MAX_SCALE_STEPS {
            return None;
        }
    }
    loop {
        let smaller = a.div(&down).ok()?;
        if !smaller.is_integer() || smaller.is_zero() {
            break;
        }
        a = smaller;
        exp += 256;
        steps += 1;
        if steps > MAX_SCALE_STEPS {
            return None;
        }
    }
    let int = a.to_bigint_trunc()?;
    let tz = int.trailing_zeros().unwrap_or(0);
    let mant = int >> tz;
    Some(format!("{sign}{mant}p{}", exp + i64::try_from(tz).ok()?))
}

/// 2^`e` as a 53-bit number (exact for |e| <= 1000).
fn power_of_two(e: i32) -> Option<Number> {
    Number::from_f64(2f64.powi(e))
}

/// The number from its display text at the usual precisions; `None` for the others.
fn dec_plain_number(text: &str, prec: u32) -> Option<Number> {
    match prec {
        512 => Number::parse(text),
        53 => Number::from_f64(text.parse::<f64>().ok()?),
        64 => match text.parse::<i64>() {
            Ok(i) => Some(Number::from_i64(i)),
            Err(_) => text.parse::<u64>().ok().map(Number::from_u64),
        },
        _ => None,
    }
}

/// The number `±M p ±E` (or `±0`, `±inf`) at precision `prec`.
fn dec_exact_number(text: &str, prec: u32) -> Option<Number> {
    let (neg, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let one = match prec {
        53 => Number::from_f64(1.0)?,
        64 => Number::from_i64(1),
        p if p > 64 && p <= MAX_PRECISION => {
            let big = Number::from_bigint(&(BigInt::from(1u8) << (p - 1)));
            big.div(&big).ok()?
        }
        _ => return None,
    };
    let zero = one.sub(&one);
    let n = match body {
        "0" => zero,
        "inf" => one.div(&zero).ok()?,
        _ => {
            let (mant, exp) = body.split_once('p')?;
            if mant.len() > MAX_MANTISSA_DIGITS {
                return None;
            }
            let mant: BigInt = mant
                .parse()
                .ok()
                .filter(|m: &BigInt| m.sign() == num_bigint::Sign::Plus)?;
            let mut exp: i64 = exp.parse().ok()?;
            let bits = u32::try_from(mant.bits()).ok()?;
            if bits > prec {
                return None;
            }
            let mut x = if prec == 53 {
                Number::from_f64(mant.to_string().parse::<f64>().ok()?)?
            } else {
                let shift = prec - bits;
                exp = exp.checked_sub(i64::from(shift))?;
                Number::from_bigint(&(mant << shift))
            };
            if exp.unsigned_abs() > MAX_EXPONENT {
                return None;
            }
            // Dividing by 2^-512 or 2^512 (53-bit numbers) keeps the precision and is exact.
            let (up, down) = (power_of_two(-512)?, power_of_two(512)?);
            while exp >= 512 {
                x = x.div(&up).ok()?;
                exp -= 512;
            }
            while exp <= -512 {
                x = x.div(&down).ok()?;
                exp += 512;
            }
            if exp != 0 {
                x = x.div(&power_of_two(-i32::try_from(exp).ok()?)?).ok()?;
            }
            x
        }
    };
    Some(if neg { n.neg() } else { n })
}

pub(crate) fn dec_value(j: &J, at: &str) -> R<Value> {
    let o = match j {
        J::Bool(b) => return Ok(Value::Bool(*b)),
        J::String(s) => return Ok(Value::String(s.clone())),
        J::Object(o) => o,
        _ => return Err(format!("`{at}` is not an encoded value")),
    };
    let elem_type = || dec_type(field(o, "type", at)?, &format!("{at}.type"));
    let items = |key: &str| -> R<Vec<Value>> {
        let list = arr_field(o, key, at)?;
        list.iter()
            .enumerate()
            .map(|(i, v)| dec_value(v, &format!("{at}[{i}]")))
            .collect()
    };
    let entries = |key: &str| -> R<infra_core::ValueMap> {
        obj(field(o, key, at)?, at)?
            .iter()
            .map(|(k, v)| Ok((k.clone(), dec_value(v, &format!("{at}.{k}"))?)))
            .collect()
    };
    if let Some(n) = o.get("number") {
        let text = n
            .as_str()
            .ok_or_else(|| format!("`{at}.number` must be a string"))?;
        let prec = match o.get("precision") {
            None => 512,
            Some(p) => p
                .as_u64()
                .and_then(|p| u32::try_from(p).ok())
                .ok_or_else(|| format!("`{at}.precision` must be a whole number"))?,
        };
        let n = match o.get("exact") {
            Some(J::String(x)) => dec_exact_number(x, prec),
            Some(_) => return Err(format!("`{at}.exact` must be a string")),
            None => dec_plain_number(text, prec),
        };
        return n
            .map(Value::Number)
            .ok_or_else(|| format!("`{at}` is not a valid number at precision {prec}"));
    }
    if let Some(t) = o.get("null") {
        return Ok(Value::Null(dec_type(t, &format!("{at}.null"))?));
    }
    if let Some(t) = o.get("unknown") {
        return Ok(Value::Unknown(dec_type(t, &format!("{at}.unknown"))?));
    }
    if o.contains_key("list") {
        return Ok(Value::List(elem_type()?, items("list")?));
    }
    if o.contains_key("set") {
        return Ok(Value::Set(elem_type()?, items("set")?));
    }
    if o.contains_key("map") {
        return Ok(Value::Map(elem_type()?, entries("map")?));
    }
    if o.contains_key("object") {
        return Ok(Value::Object(entries("object")?));
    }
    if o.contains_key("tuple") {
        return Ok(Value::Tuple(items("tuple")?));
    }
    if let Some(inner) = o.get("sensitive") {
        return Ok(dec_value(inner, at)?.mark_sensitive());
    }
    Err(format!("`{at}` is not an encoded value"))
}

fn dec_type(j: &J, at: &str) -> R<Type> {
    let bad = || format!("`{at}` is not a type");
    match j {
        J::String(s) => match s.as_str() {
            "dynamic" => Ok(Type::Dynamic),
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            _ => Err(bad()),
        },
        J::Array(a) => match (a.first().and_then(J::as_str), a.get(1), a.len()) {
            (Some("list"), Some(e), 2) => Ok(Type::list(dec_type(e, at)?)),
            (Some("set"), Some(e), 2) => Ok(Type::set(dec_type(e, at)?)),
            (Some("map"), Some(e), 2) => Ok(Type::map(dec_type(e, at)?)),
            (Some("tuple"), Some(J::Array(es)), 2) => Ok(Type::Tuple(
                es.iter().map(|e| dec_type(e, at)).collect::<R<_>>()?,
            )),
            (Some("object"), Some(J::Object(attrs)), 2 | 3) => {
                let attrs: BTreeMap<String, Type> = attrs
                    .iter()
                    .map(|(k, t)| Ok((k.clone(), dec_type(t, at)?)))
                    .collect::<R<_>>()?;
                let optional: BTreeSet<String> = match a.get(2) {
                    None => Default::default(),
                    Some(J::Array(names)) => names
                        .iter()
                        .map(|n| n.as_str().map(str::to_string).ok_or_else(bad))
                        .collect::<R<_>>()?,
                    Some(_) => return Err(bad()),
                };
                Ok(Type::Object(Box::new(attrs), Box::new(optional)))
            }
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}
