//! Numeric functions: abs ceil floor log max min parseint pow signum sum.
//!
//! `log` and `pow` compute in `f64` as cty does (results carry 53 bits); `pow` follows Go's
//! `math.Pow` algorithm so integer powers round exactly as Terraform's do. The rest work on
//! Terraform's exact numbers.

#[path = "shared.rs"]
pub(crate) mod shared;

use infra_core::convert::convert;
use infra_core::{Number, Type, Value};
use num_bigint::BigInt;

use super::{ret_number, FnError, FnResult, FuncContext, Functions, Param};
use shared::{arg_err, int_of, num_of};

pub(crate) fn register(f: &mut Functions) {
    let num = |name| Param::new(name, Type::Number);
    f.def("abs", vec![num("num")], ret_number, |a, _| {
        Ok(Value::Number(num_of(&a[0]).abs()))
    });
    f.def("ceil", vec![num("num")], ret_number, |a, _| {
        Ok(Value::Number(num_of(&a[0]).ceil()))
    });
    f.def("floor", vec![num("num")], ret_number, |a, _| {
        Ok(Value::Number(num_of(&a[0]).floor()))
    });
    f.def("log", vec![num("num"), num("base")], ret_number, log);
    f.def("pow", vec![num("num"), num("power")], ret_number, pow);
    f.def("signum", vec![num("num")], ret_number, signum);
    f.def_variadic("max", vec![], num("numbers"), ret_number, |a, _| {
        extreme(a, true)
    });
    f.def_variadic("min", vec![], num("numbers"), ret_number, |a, _| {
        extreme(a, false)
    });
    f.def(
        "parseint",
        vec![Param::new("number", Type::Dynamic), num("base")],
        ret_parseint,
        parseint,
    );
    f.def(
        "sum",
        vec![Param::new("list", Type::Dynamic).unknowns()],
        ret_number,
        sum,
    );
}

/// A float result as cty's `NumberFloatVal` makes it; NaN is what made Terraform panic.
fn from_float(v: f64) -> FnResult {
    Number::from_f64(v)
        .map(Value::Number)
        .ok_or_else(|| FnError::call("panic in function implementation: Float.SetFloat64(NaN)"))
}

fn log(a: &[Value], _: &FuncContext) -> FnResult {
    let (x, b) = (num_of(&a[0]).to_f64(), num_of(&a[1]).to_f64());
    from_float(go_log(x) / go_log(b))
}

/// Go's `math.Log` (the fdlibm algorithm), whose last bit sometimes differs from the platform's:
/// `log(27, 3)` is `3.0000000000000004` in Terraform. The constants are fdlibm's, as published.
#[allow(clippy::excessive_precision)]
pub(crate) fn go_log(x: f64) -> f64 {
    const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
    const L: [f64; 7] = [
        6.666_666_666_666_735_130e-1,
        3.999_999_999_940_941_908e-1,
        2.857_142_874_366_239_149e-1,
        2.222_219_843_214_978_396e-1,
        1.818_357_216_161_805_012e-1,
        1.531_383_769_920_937_332e-1,
        1.479_819_860_511_658_591e-1,
    ];
    if x.is_nan() || x == f64::INFINITY {
        return x;
    }
    if x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    let (mut f1, mut ki) = frexp(x);
    if f1 < std::f64::consts::SQRT_2 / 2.0 {
        f1 *= 2.0;
        ki -= 1;
    }
    let f = f1 - 1.0;
    let k = ki as f64;
    let s = f / (2.0 + f);
    let s2 = s * s;
    let s4 = s2 * s2;
    let t1 = s2 * (L[0] + s4 * (L[2] + s4 * (L[4] + s4 * L[6])));
    let t2 = s4 * (L[1] + s4 * (L[3] + s4 * L[5]));
    let r = t1 + t2;
    let hfsq = 0.5 * f * f;
    k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f)
}

fn pow(a: &[Value], _: &FuncContext) -> FnResult {
    from_float(go_pow(num_of(&a[0]).to_f64(), num_of(&a[1]).to_f64()))
}

fn signum(a: &[Value], _: &FuncContext) -> FnResult {
    let n = int_of(&a[0]).map_err(FnError::call)?;
    Ok(Value::int(n.signum()))
}

fn extreme(a: &[Value], max: bool) -> FnResult {
    let mut best: Option<&Number> = None;
    for v in a {
        let n = num_of(v);
        let better = match best {
            None => true,
            Some(b) if max => n > b,
            Some(b) => n < b,
        };
        if better {
            best = Some(n);
        }
    }
    best.map(|n| Value::Number(n.clone()))
        .ok_or_else(|| FnError::call("must pass at least one number"))
}

fn ret_parseint(a: &[Value]) -> Result<Type, FnError> {
    match a[0].ty() {
        Type::String | Type::Dynamic => Ok(Type::Number),
        t => Err(arg_err(
            0,
            "number",
            format!("first argument must be a string, not {}", t.friendly_name()),
        )),
    }
}

fn parseint(a: &[Value], _: &FuncContext) -> FnResult {
    ret_parseint(a)?;
    let s = a[0].as_str().expect("string checked");
    let base = int_of(&a[1]).map_err(|m| arg_err(1, "base", m))?;
    if !(2..=62).contains(&base) {
        return Err(arg_err(
            1,
            "base",
            "base must be a whole number between 2 and 62 inclusive",
        ));
    }
    let n = parse_big(s, base as u32).ok_or_else(|| {
        arg_err(
            0,
            "number",
            format!("cannot parse {} as a base {base} integer", go_quote(s)),
        )
    })?;
    Ok(Value::Number(Number::from_bigint(&n)))
}

/// Go's `big.Int.SetString` for an explicit base: an optional sign, then at least one digit; for
/// bases up to 36 letters are case-insensitive, above that `a-z` are 10..35 and `A-Z` 36..61.
fn parse_big(s: &str, base: u32) -> Option<BigInt> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n = BigInt::from(0);
    for c in digits.bytes() {
        let d = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'a'..=b'z' => u32::from(c - b'a') + 10,
            b'A'..=b'Z' if base <= 36 => u32::from(c - b'A') + 10,
            b'A'..=b'Z' => u32::from(c - b'A') + 36,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        n = n * base + d;
    }
    Some(if neg { -n } else { n })
}

/// A string quoted as Go's `%q` does (printable runes kept, the rest escaped).
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() || c == '\u{feff}' => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32))
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32))
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `sum` as Terraform 1.0.3 has it: the first element is taken as is (a lone non-number element
/// made Terraform panic), later ones are converted to numbers.
fn sum(a: &[Value], _: &FuncContext) -> FnResult {
    if !a[0].is_known() {
        return Ok(Value::Unknown(Type::Number));
    }
    let bad = || {
        arg_err(
            0,
            "list",
            "argument must be list, set, or tuple of number values",
        )
    };
    let items = match a[0].peel() {
        Value::List(_, e) | Value::Set(_, e) | Value::Tuple(e) => e,
        Value::Map(_, m) | Value::Object(m) if !m.is_empty() => {
            let t = a[0].ty().friendly_name();
            return Err(arg_err(
                0,
                "list",
                format!("argument must be list, set, or tuple. Received {t}"),
            ));
        }
        Value::Map(..) | Value::Object(_) => {
            return Err(arg_err(0, "list", "cannot sum an empty list"))
        }
        _ => return Err(arg_err(0, "list", "cannot sum noniterable")),
    };
    let Some(first) = items.first() else {
        return Err(arg_err(0, "list", "cannot sum an empty list"));
    };
    if !a[0].is_wholly_known() {
        return Ok(Value::Unknown(Type::Number));
    }
    if first.is_null() {
        return Err(bad());
    }
    let Some(mut total) = first.as_number().cloned() else {
        if items.len() == 1 {
            let shown = match first.peel() {
                Value::String(s) => format!("cty.StringVal({}) ", go_quote(s)),
                Value::Bool(b) => format!("cty.{} ", if *b { "True" } else { "False" }),
                _ => String::new(),
            };
            return Err(FnError::call(format!(
                "panic in function implementation: returned value {shown}does not conform to \
                 expected return type cty.Number: number required, but received {}",
                first.ty().friendly_name()
            )));
        }
        return Err(FnError::call(format!(
            "panic in function implementation: type mismatch: want number but value 0 is {}",
            first.ty().friendly_name()
        )));
    };
    for v in &items[1..] {
        if v.is_null() {
            return Err(bad());
        }
        let n = convert(v, &Type::Number).map_err(|_| bad())?;
        let n = num_of(&n);
        total = total
            .checked_add(n)
            .map_err(|_| FnError::call("can't compute sum of opposing infinities"))?;
    }
    Ok(Value::Number(total))
}

/// Go's `math.Pow`: special cases as C's `pow`, then `x**frac * x**int` with the integer part by
/// repeated squaring on the mantissa and a separately tracked binary exponent.
pub(crate) fn go_pow(x: f64, y: f64) -> f64 {
    if y == 0.0 || x == 1.0 {
        return 1.0;
    }
    if y == 1.0 {
        return x;
    }
    if x.is_nan() || y.is_nan() || x == 0.0 || y.is_infinite() || x.is_infinite() {
        return x.powf(y);
    }
    if y == 0.5 {
        return x.sqrt();
    }
    if y == -0.5 {
        return 1.0 / x.sqrt();
    }
    let ay = y.abs();
    let (mut yi, mut yf) = (ay.trunc(), ay.fract());
    if yf != 0.0 && x < 0.0 {
        return f64::NAN;
    }
    if yi >= 9.223_372_036_854_776e18 {
        return if x == -1.0 {
            1.0
        } else if (x.abs() < 1.0) == (y > 0.0) {
            0.0
        } else {
            f64::INFINITY
        };
    }
    let mut a1 = 1.0;
    let mut ae: i64 = 0;
    if yf != 0.0 {
        if yf > 0.5 {
            yf -= 1.0;
            yi += 1.0;
        }
        a1 = (yf * go_log(x)).exp();
    }
    let (mut x1, mut xe) = frexp(x);
    let mut i = yi as i64;
    while i != 0 {
        if !(-(1 << 12)..=(1 << 12)).contains(&xe) {
            ae += xe;
            break;
        }
        if i & 1 == 1 {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if x1 < 0.5 {
            x1 += x1;
            xe -= 1;
        }
        i >>= 1;
    }
    if y < 0.0 {
        a1 = 1.0 / a1;
        ae = -ae;
    }
    ldexp(a1, ae)
}

/// Splits a finite non-zero `x` into a fraction in [0.5, 1) and a power of two.
fn frexp(x: f64) -> (f64, i64) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let (mut x, mut e) = (x, 0i64);
    if x.abs() < f64::MIN_POSITIVE {
        x *= (1u64 << 52) as f64;
        e = -52;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i64 - 1022;
    (f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52)), e)
}

/// `frac * 2**exp` with a single rounding, as Go's `math.Ldexp`.
fn ldexp(frac: f64, exp: i64) -> f64 {
    if frac == 0.0 || !frac.is_finite() {
        return frac;
    }
    let (f, e) = frexp(frac);
    let exp = exp + e;
    let bits = f.to_bits();
    let mut biased = exp - 1 + 1023; // f is in [0.5, 1): value = (2f) * 2**(exp-1)
    let mut scale = 1.0;
    if biased < -52 {
        return 0.0_f64.copysign(frac);
    }
    if biased > 2046 {
        return f64::INFINITY.copysign(frac);
    }
    if biased < 1 {
        biased += 53;
        scale = 1.0 / (1u64 << 53) as f64;
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | ((biased as u64) << 52));
    m * scale
}

#[cfg(test)]
mod tests {
    use super::shared::testing::{e, ea, t};

    #[test]
    fn abs_ceil_floor() {
        t("abs(-3.5)", "3.5");
        t("abs(0)", "0");
        t("abs(\"-2\")", "2");
        t("abs(neginf)", "inf");
        t("ceil(1.2)", "2");
        t("ceil(-1.2)", "-1");
        t("ceil(-0.5)", "0");
        t("ceil(1e30)", "1000000000000000000000000000000");
        t("ceil(inf)", "inf");
        t("floor(-1.2)", "-2");
        t("floor(\"3.7\")", "3");
        t("floor(9007199254740993)", "9007199254740993");
        t("floor(neginf)", "neginf");
        ea(
            "abs(null)",
            0,
            "Invalid value for \"num\" parameter: argument must not be null.",
        );
        ea("floor(\"x\")", 0, "Invalid value for \"num\" parameter");
        t("abs(unknown(number))", "unknown(number)");
        t("floor(sensitive(1.5))", "sensitive(1)");
    }

    #[test]
    fn log_and_pow() {
        t("log(8, 2)", "3");
        t("log(16, 0.5)", "-4");
        t("log(1000, 10)", "2.9999999999999996");
        t("log(27, 3)", "3.0000000000000004");
        t("log(125, 5)", "3.0000000000000004");
        t("log(1e300, 10)", "299.99999999999994");
        t("log(0.5, 2)", "-1");
        t("log(100, 10)", "2");
        t("log(0, 10)", "neginf");
        t("log(8, 1)", "inf");
        e("log(-1, 10)", "NaN");
        e("log(1, 1)", "NaN");
        t("pow(2, 10)", "1024");
        t("pow(2, 0.5)", "1.4142135623730951");
        t("pow(0, -1)", "inf");
        t("pow(0, 0)", "1");
        t("pow(-2, 3)", "-8");
        t("pow(2, -1)", "0.5");
        t("pow(10, -2)", "0.01");
        t("pow(1.1, 2)", "1.2100000000000002");
        t("pow(3, 40)", "12157665459056929000");
        t("pow(10, 22)", "10000000000000000000000");
        t("pow(2, 2000)", "inf");
        t("pow(inf, -1)", "0");
        e("pow(-8, 0.3333)", "NaN");
    }

    #[test]
    fn signum_max_min() {
        t("signum(-5)", "-1");
        t("signum(0)", "0");
        t("signum(7)", "1");
        e("signum(0.5)", super::shared::NOT_WHOLE);
        e("signum(inf)", "whole number");
        t("max(1, 2, 3)", "3");
        t("max(5)", "5");
        t("max(\"3\", 2)", "3");
        t("max(inf, 5)", "inf");
        t("min(3, -1.5, \"2\")", "-1.5");
        e("max()", "must pass at least one number");
        e("min()", "must pass at least one number");
        ea(
            "max(true, 2)",
            0,
            "Invalid value for \"numbers\" parameter: number required.",
        );
        ea("min(1, null)", 1, "argument must not be null");
        t("max(1, unknown(number))", "unknown(number)");
    }

    #[test]
    fn parseint_cases() {
        t("parseint(\"100\", 10)", "100");
        t("parseint(\"FF\", 16)", "255");
        t("parseint(\"ff\", 16)", "255");
        t("parseint(\"-101\", 2)", "-5");
        t("parseint(\"+101\", 2)", "5");
        t("parseint(\"zz\", 36)", "1295");
        t("parseint(\"ZZ\", 62)", "3843");
        t("parseint(\"zz\", 62)", "2205");
        t("parseint(\"-0\", 10)", "0");
        t("parseint(\"12\", \"10\")", "12");
        t(
            "parseint(\"123456789012345678901234567890\", 10)",
            "123456789012345678901234567890",
        );
        let range = "base must be a whole number between 2 and 62 inclusive";
        ea("parseint(\"12\", 1)", 1, range);
        ea("parseint(\"12\", 63)", 1, range);
        ea("parseint(\"12\", -1)", 1, range);
        ea(
            "parseint(\"12\", 2.5)",
            1,
            "Invalid value for \"base\" parameter: value must be a whole number",
        );
        let bad =
            "Invalid value for \"number\" parameter: cannot parse \"xyz\" as a base 10 integer.";
        ea("parseint(\"xyz\", 10)", 0, bad);
        ea(
            "parseint(\"7\", 7)",
            0,
            "cannot parse \"7\" as a base 7 integer",
        );
        ea("parseint(\"0x1F\", 16)", 0, "cannot parse");
        ea(
            "parseint(\"\", 10)",
            0,
            "cannot parse \"\" as a base 10 integer",
        );
        ea("parseint(\"-\", 10)", 0, "cannot parse");
        ea("parseint(\" 12\", 10)", 0, "cannot parse");
        ea(
            "parseint(12, 10)",
            0,
            "first argument must be a string, not number",
        );
        ea(
            "parseint(unknown(number), 10)",
            0,
            "first argument must be a string, not number",
        );
        t("parseint(unknown(string), 10)", "unknown(number)");
    }

    #[test]
    fn sum_cases() {
        t("sum([1, 2, 3])", "6");
        t("sum([1.5, 2.25])", "3.75");
        t("sum([0.1, 0.2])", "0.3");
        t("sum([1, \"2\"])", "3");
        t("sum(toset([1, 2]))", "3");
        t("sum(tolist([5]))", "5");
        t("sum([9007199254740993, 1])", "9007199254740994");
        ea(
            "sum([])",
            0,
            "Invalid value for \"list\" parameter: cannot sum an empty list.",
        );
        ea(
            "sum([1, \"a\"])",
            0,
            "argument must be list, set, or tuple of number values",
        );
        ea(
            "sum([1, null])",
            0,
            "argument must be list, set, or tuple of number values",
        );
        ea(
            "sum([null])",
            0,
            "argument must be list, set, or tuple of number values",
        );
        ea(
            "sum([1, true])",
            0,
            "argument must be list, set, or tuple of number values",
        );
        ea(
            "sum({a = 1})",
            0,
            "argument must be list, set, or tuple. Received object",
        );
        ea("sum(\"abc\")", 0, "cannot sum noniterable");
        ea("sum(null)", 0, "argument must not be null");
        e(
            "sum([\"1\"])",
            "returned value cty.StringVal(\"1\") does not conform",
        );
        e(
            "sum(tolist([\"1\", \"2\"]))",
            "panic in function implementation",
        );
        e(
            "sum([inf, neginf])",
            "can't compute sum of opposing infinities",
        );
        t("sum([1, unknown(number)])", "unknown(number)");
        t("sum(unknown(list(number)))", "unknown(number)");
    }

    #[test]
    fn go_pow_matches_go() {
        use super::go_pow;
        assert_eq!(go_pow(2.0, 10.0), 1024.0);
        assert_eq!(go_pow(1.1, 2.0), 1.2100000000000002);
        assert_eq!(go_pow(-2.0, 3.0), -8.0);
        assert_eq!(go_pow(2.0, -1074.0), 5e-324);
        assert_eq!(go_pow(2.0, -1075.0), 0.0);
        assert!(go_pow(-8.0, 1.0 / 3.0).is_nan());
        assert_eq!(go_pow(10.0, 308.0), 1.0000000000000006e308);
        assert_eq!(go_pow(10.0, 300.0), 1.0000000000000006e300);
        assert_eq!(go_pow(7.0, 100.0), 3.2344765096247583e84);
        assert_eq!(go_pow(1.5, 30.0), 191751.0592328841);
        assert_eq!(go_pow(0.1, 3.0), 0.0010000000000000002);
        assert_eq!(go_pow(2.5, 2.5), 9.882117688026186);
        assert_eq!(go_pow(10.0, -5.0), 0.00001);
    }
}
