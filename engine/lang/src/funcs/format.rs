//! Formatting functions: format formatlist, with cty's verb set (`%v %#v %t %b %d %o %x %X %e
//! %E %f %g %G %s %q %%`), flags, width, precision and `%[n]` argument indexes. Numbers are
//! printed from their exact binary value with Go's rounding (half to even on the exact decimal
//! expansion), so `%.2f` of `2.675` is `2.67` as in Terraform; collections print as JSON.

#[cfg(test)]
#[path = "format_tests.rs"]
mod tests;

use infra_core::convert::convert;
use infra_core::{Number, Type, Value};
use num_bigint::BigInt;

use super::numeric::go_quote;
use super::numeric::shared::{arg_err, grapheme_len, graphemes, list, str_of};
use super::{ret_string, FnError, FnResult, FuncContext, Functions, Param};

pub(crate) fn register(f: &mut Functions) {
    let fmt = || Param::new("format", Type::String);
    f.def_variadic(
        "format",
        vec![fmt()],
        Param::new("args", Type::Dynamic).nullable(),
        ret_string,
        format,
    );
    f.def_variadic(
        "formatlist",
        vec![fmt()],
        Param::new("args", Type::Dynamic).nullable().unknowns(),
        |_| Ok(Type::list(Type::String)),
        formatlist,
    );
}

/// Why formatting failed: `TooMany` is blamed on an argument by `format`.
enum FmtError {
    Call(String),
    TooMany { first_unused: usize, msg: String },
}

impl FmtError {
    fn msg(&self) -> &str {
        match self {
            FmtError::Call(m) | FmtError::TooMany { msg: m, .. } => m,
        }
    }
}

fn format(a: &[Value], _: &FuncContext) -> FnResult {
    match format_values(str_of(&a[0]), &a[1..]) {
        Ok(s) => Ok(Value::string(s)),
        Err(FmtError::Call(m)) => Err(FnError::call(m)),
        Err(FmtError::TooMany { first_unused, msg }) => Err(arg_err(first_unused + 1, "args", msg)),
    }
}

fn formatlist(a: &[Value], _: &FuncContext) -> FnResult {
    let fmt = str_of(&a[0]);
    let args = &a[1..];
    let ret = Type::list(Type::String);
    if args.is_empty() {
        return format(a, &FuncContext::default()).map(|v| list(Type::String, vec![v]));
    }
    let mut iter_len: Option<(usize, usize)> = None; // (length, argument index)
    let mut unknown = false;
    for (i, arg) in args.iter().enumerate() {
        let len = match arg.peel() {
            Value::List(_, e) | Value::Set(_, e) | Value::Tuple(e) => e.len(),
            Value::Unknown(Type::Tuple(ts)) => {
                unknown = true;
                ts.len()
            }
            Value::Unknown(Type::List(_) | Type::Set(_)) => {
                unknown = true;
                continue;
            }
            _ => continue,
        };
        match iter_len {
            None => iter_len = Some((len, i)),
            Some((l, j)) if l != len => {
                return Err(arg_err(
                    i + 1,
                    "args",
                    format!(
                        "argument {} has length {len}, which is inconsistent with argument {} of length {l}",
                        i + 1,
                        j + 1
                    ),
                ))
            }
            _ => {}
        }
    }
    if unknown {
        return Ok(Value::Unknown(ret));
    }
    let n = iter_len.map_or(1, |(l, _)| l);
    let mut out = Vec::with_capacity(n);
    for it in 0..n {
        let call: Vec<Value> = args
            .iter()
            .map(|arg| match arg.peel().elements() {
                Some(e) if !arg.is_null() => e[it].clone(),
                _ => arg.clone(),
            })
            .collect();
        if !call.iter().all(Value::is_wholly_known) {
            out.push(Value::Unknown(Type::String));
            continue;
        }
        let s = format_values(fmt, &call)
            .map_err(|e| FnError::call(format!("error on format iteration {it}: {}", e.msg())))?;
        out.push(Value::string(s));
    }
    Ok(list(Type::String, out))
}

#[derive(Default)]
struct Verb<'a> {
    raw: &'a str,
    offset: usize,
    arg: usize,
    mode: char,
    zero: bool,
    sharp: bool,
    plus: bool,
    minus: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// Runs a format string over (known) arguments, as cty's format state machine.
fn format_values(fmt: &str, args: &[Value]) -> Result<String, FmtError> {
    let mut out = String::new();
    let mut next_arg = 1;
    let mut max_used = 0;
    let bytes = fmt.as_bytes();
    let mut p = 0;
    let unrecognized = |p: usize| {
        let c = fmt[p..].chars().next().expect("in range");
        FmtError::Call(format!(
            "unrecognized format character {} at offset {p}",
            go_rune(c)
        ))
    };
    let eof = || {
        FmtError::Call(format!(
            "invalid format string starting at offset {}",
            fmt.len()
        ))
    };
    while p < bytes.len() {
        if bytes[p] != b'%' {
            let c = fmt[p..].chars().next().expect("in range");
            out.push(c);
            p += c.len_utf8();
            continue;
        }
        let start = p;
        p += 1;
        match bytes.get(p) {
            None => return Err(eof()),
            Some(b'%') => {
                out.push('%');
                p += 1;
                continue;
            }
            _ => {}
        }
        let mut v = Verb {
            offset: start,
            arg: next_arg,
            ..Verb::default()
        };
        while let Some(&b) = bytes.get(p) {
            match b {
                b'0' => v.zero = true,
                b'#' => v.sharp = true,
                b'-' => v.minus = true,
                b'+' => v.plus = true,
                b' ' => v.space = true,
                _ => break,
            }
            p += 1;
        }
        let number = |p: &mut usize, first_nonzero: bool| -> Option<usize> {
            let st = *p;
            while bytes.get(*p).is_some_and(u8::is_ascii_digit) {
                if *p == st && first_nonzero && bytes[*p] == b'0' {
                    break;
                }
                *p += 1;
            }
            (*p > st).then(|| fmt[st..*p].parse().unwrap_or(usize::MAX))
        };
        if bytes.get(p) == Some(&b'[') {
            p += 1;
            match number(&mut p, true) {
                Some(n) => v.arg = n,
                None if p >= bytes.len() => return Err(eof()),
                None => return Err(unrecognized(p)),
            }
            match bytes.get(p) {
                Some(b']') => p += 1,
                None => return Err(eof()),
                Some(_) => return Err(unrecognized(p)),
            }
        }
        v.width = number(&mut p, true);
        if bytes.get(p) == Some(&b'.') {
            p += 1;
            v.prec = Some(number(&mut p, false).unwrap_or(0));
        }
        match fmt[p..].chars().next() {
            None => return Err(eof()),
            Some(c) if c.is_ascii_alphabetic() => {
                p += 1;
                v.mode = c;
                v.raw = &fmt[start..p];
            }
            Some(_) => return Err(unrecognized(p)),
        }
        format_verb(&mut v, &mut out, args)?;
        max_used = max_used.max(v.arg);
        next_arg = v.arg + 1;
    }
    if max_used < args.len() {
        let msg = if max_used == 0 {
            "too many arguments; no verbs in format string".to_string()
        } else {
            format!("too many arguments; only {max_used} used by format string")
        };
        return Err(FmtError::TooMany {
            first_unused: max_used,
            msg,
        });
    }
    Ok(out)
}

/// A rune quoted as Go's `%q` does for runes.
fn go_rune(c: char) -> String {
    let q = go_quote(&c.to_string());
    let inner = &q[1..q.len() - 1];
    match c {
        '"' => "'\"'".to_string(),
        '\'' => "'\\''".to_string(),
        _ => format!("'{inner}'"),
    }
}

fn format_verb(v: &mut Verb, out: &mut String, args: &[Value]) -> Result<(), FmtError> {
    let raw = go_quote(v.raw);
    let Some(arg) = v.arg.checked_sub(1).and_then(|i| args.get(i)) else {
        return Err(FmtError::Call(format!(
            "not enough arguments for {raw} at {}: need index {} but have {} total",
            v.offset,
            v.arg,
            args.len()
        )));
    };
    let unsupported = |m: &dyn std::fmt::Display| {
        FmtError::Call(format!("unsupported value for {raw} at {}: {m}", v.offset))
    };
    if v.mode != 'v' && arg.is_null() {
        return Err(unsupported(&"null value cannot be formatted"));
    }
    match v.mode {
        'v' => {
            let s = match arg.peel() {
                Value::String(s) if !v.sharp => s.clone(),
                Value::Number(n) if !v.sharp => go_float(n, 'g', None),
                _ => json(arg).map_err(|m| unsupported(&m))?,
            };
            out.push_str(&pad(v, s));
        }
        't' => {
            let b = convert(arg, &Type::Bool).map_err(|e| unsupported(&e))?;
            out.push_str(if b.as_bool() == Some(true) {
                "true"
            } else {
                "false"
            });
        }
        'b' | 'd' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'g' | 'G' => {
            let n = convert(arg, &Type::Number).map_err(|e| unsupported(&e))?;
            let n = n.as_number().expect("converted");
            if "bdoxX".contains(v.mode) {
                let i = (n.is_integer() && !n.is_infinite())
                    .then(|| n.to_bigint_trunc())
                    .flatten()
                    .ok_or_else(|| unsupported(&"an integer is required"))?;
                out.push_str(&go_int(v, &i));
            } else {
                out.push_str(&go_float_verb(v, n));
            }
        }
        's' | 'q' => {
            let s = convert(arg, &Type::String).map_err(|e| unsupported(&e))?;
            let mut s = s.as_str().expect("converted");
            if let Some(p) = v.prec.filter(|&p| p > 0) {
                let end: usize = graphemes(s).take(p).map(str::len).sum();
                s = &s[..end];
            }
            let s = if v.mode == 'q' {
                json_string(s)
            } else {
                s.to_string()
            };
            out.push_str(&pad(v, s));
        }
        m => {
            return Err(FmtError::Call(format!(
                "unsupported format verb {} in {raw} at offset {}",
                go_rune(m),
                v.offset
            )))
        }
    }
    Ok(())
}

/// Pads to the verb's width in grapheme clusters (cty's `formatPadWidth`).
fn pad(v: &Verb, s: String) -> String {
    let Some(w) = v.width else { return s };
    let len = grapheme_len(&s);
    if len >= w {
        return s;
    }
    let fill = (if v.zero { "0" } else { " " }).repeat(w - len);
    if v.minus {
        s + &fill
    } else {
        fill + &s
    }
}

/// Go's `fmt` applied to a `*big.Int` with the verb's flags, width and precision.
fn go_int(v: &Verb, n: &BigInt) -> String {
    let base = match v.mode {
        'b' => 2,
        'o' => 8,
        'x' | 'X' => 16,
        _ => 10,
    };
    let mut digits = n.magnitude().to_str_radix(base);
    if v.mode == 'X' {
        digits = digits.to_uppercase();
    }
    let sign = if n.sign() == num_bigint::Sign::Minus {
        "-"
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    };
    let prefix = match (v.sharp, v.mode) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(p) = v.prec {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            return String::new();
        }
    }
    let (mut left, mut right) = (0, 0);
    let len = sign.len() + prefix.len() + zeros + digits.len();
    if let Some(w) = v.width.filter(|&w| w > len) {
        let d = w - len;
        if v.minus {
            right = d;
        } else if v.zero && v.prec.is_none() {
            zeros = d;
        } else {
            left = d;
        }
    }
    format!(
        "{}{sign}{prefix}{}{digits}{}",
        " ".repeat(left),
        "0".repeat(zeros),
        " ".repeat(right)
    )
}

/// Go's `fmt` applied to a `*big.Float` (`big.Float.Format`).
fn go_float_verb(v: &Verb, n: &Number) -> String {
    let prec = v
        .prec
        .or(if "gG".contains(v.mode) { None } else { Some(6) });
    let body = go_float(n, v.mode, prec);
    let (sign, body) = match body.strip_prefix('-') {
        Some(b) => ("-", b),
        None => match body.strip_prefix('+') {
            Some(b) => (if v.space { " " } else { "+" }, b),
            None if v.plus => ("+", body.as_str()),
            None if v.space => (" ", body.as_str()),
            None => ("", body.as_str()),
        },
    };
    let padding = v
        .width
        .map_or(0, |w| w.saturating_sub(sign.len() + body.len()));
    let zero = v.zero && !v.minus;
    if zero && !n.is_infinite() {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else if v.minus {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    }
}

/// A decimal digit string `mant` (no leading or trailing zeros) and exponent: 0.mant × 10^exp.
struct Decimal {
    mant: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// The shortest decimal that reads back to `n` at its precision (from `Display`).
    fn shortest(n: &Number) -> Decimal {
        let s = n.abs().to_string();
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        let mut mant: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
        let mut exp = int.len() as i64;
        let lead = mant.iter().take_while(|&&b| b == b'0').count();
        mant.drain(..lead);
        exp -= lead as i64;
        Decimal::trimmed(mant, exp)
    }

    /// The exact decimal expansion of finite `n`: `n = m / 2^k = m·5^k / 10^k`.
    fn exact(n: &Number) -> Decimal {
        let mut x = n.abs();
        if x.is_zero() {
            return Decimal {
                mant: Vec::new(),
                exp: 0,
            };
        }
        let step = Number::from_i64(1 << 62);
        let mut k = 0u32;
        while !x.is_integer() {
            x = x.mul(&step);
            k += 62;
        }
        let m = x.to_bigint_trunc().expect("finite");
        let digits = (m * BigInt::from(5u8).pow(k)).to_string().into_bytes();
        let exp = digits.len() as i64 - i64::from(k);
        Decimal::trimmed(digits, exp)
    }

    fn trimmed(mut mant: Vec<u8>, exp: i64) -> Decimal {
        while mant.last() == Some(&b'0') {
            mant.pop();
        }
        let exp = if mant.is_empty() { 0 } else { exp };
        Decimal { mant, exp }
    }

    fn at(&self, i: i64) -> u8 {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.mant.get(i).copied())
            .unwrap_or(b'0')
    }

    /// Rounds to `n` digits, half to even on the exact expansion (Go's `decimal.round`).
    fn round(&mut self, n: i64) {
        let Ok(n) = usize::try_from(n) else { return };
        if n >= self.mant.len() {
            return;
        }
        let up = if self.mant[n] == b'5' && n + 1 == self.mant.len() {
            n > 0 && (self.mant[n - 1] - b'0') % 2 == 1
        } else {
            self.mant[n] >= b'5'
        };
        if up {
            let mut i = n;
            while i > 0 && self.mant[i - 1] == b'9' {
                i -= 1;
            }
            if i == 0 {
                self.mant = vec![b'1'];
                self.exp += 1;
            } else {
                self.mant[i - 1] += 1;
                self.mant.truncate(i);
            }
        } else {
            self.mant.truncate(n);
            while self.mant.last() == Some(&b'0') {
                self.mant.pop();
            }
        }
    }

    fn fmt_e(&self, e: char, prec: i64) -> String {
        let mut s = String::new();
        s.push(self.mant.first().map_or('0', |&b| b as char));
        if prec > 0 {
            s.push('.');
            for i in 1..=prec {
                s.push(self.at(i) as char);
            }
        }
        let exp = if self.mant.is_empty() {
            0
        } else {
            self.exp - 1
        };
        s.push(e);
        s.push(if exp < 0 { '-' } else { '+' });
        s.push_str(&format!("{:02}", exp.abs()));
        s
    }

    fn fmt_f(&self, prec: i64) -> String {
        let mut s = String::new();
        if self.exp > 0 {
            for i in 0..self.exp {
                s.push(self.at(i) as char);
            }
        } else {
            s.push('0');
        }
        if prec > 0 {
            s.push('.');
            for i in 0..prec {
                s.push(self.at(self.exp + i) as char);
            }
        }
        s
    }
}

/// Go's `big.Float.Text(fmt, prec)` for `e E f g G` (`prec` None: shortest).
fn go_float(n: &Number, fmt: char, prec: Option<usize>) -> String {
    let sign = if n.is_sign_negative() { "-" } else { "" };
    if n.is_infinite() {
        return format!("{}Inf", if n.is_negative() { "-" } else { "+" });
    }
    let shortest = prec.is_none();
    let (d, mut prec) = match prec {
        None => {
            let d = Decimal::shortest(n);
            let len = d.mant.len() as i64;
            let p = match fmt {
                'e' | 'E' => len - 1,
                'f' => (len - d.exp).max(0),
                _ => len,
            };
            (d, p)
        }
        Some(p) => {
            let mut d = Decimal::exact(n);
            let mut p = p as i64;
            match fmt {
                'e' | 'E' => d.round(1 + p),
                'f' => d.round(d.exp + p),
                _ => {
                    if p == 0 {
                        p = 1;
                    }
                    d.round(p)
                }
            }
            (d, p)
        }
    };
    let body = match fmt {
        'e' | 'E' => d.fmt_e(fmt, prec),
        'f' => d.fmt_f(prec),
        _ => {
            let len = d.mant.len() as i64;
            let mut eprec = prec;
            if eprec > len && len >= d.exp {
                eprec = len;
            }
            if shortest {
                eprec = 6;
            }
            let exp = d.exp - 1;
            if exp < -4 || exp >= eprec {
                if prec > len {
                    prec = len;
                }
                d.fmt_e(if fmt == 'G' { 'E' } else { 'e' }, prec - 1)
            } else {
                if prec > d.exp {
                    prec = len;
                }
                d.fmt_f((prec - d.exp).max(0))
            }
        }
    };
    format!("{sign}{body}")
}

/// A value as cty's JSON serialisation writes it (Go's `encoding/json` string escaping).
fn json(v: &Value) -> Result<String, String> {
    Ok(match v.peel() {
        Value::Null(_) | Value::Unknown(_) => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) if n.is_infinite() => {
            return Err("cannot serialize infinity as JSON".into())
        }
        Value::Number(n) => n.to_string(),
        Value::String(s) => json_string(s),
        Value::List(_, e) | Value::Set(_, e) | Value::Tuple(e) => {
            let items: Result<Vec<_>, _> = e.iter().map(json).collect();
            format!("[{}]", items?.join(","))
        }
        Value::Map(_, m) | Value::Object(m) => {
            let items: Result<Vec<_>, String> = m
                .iter()
                .map(|(k, v)| Ok(format!("{}:{}", json_string(k), json(v)?)))
                .collect();
            format!("{{{}}}", items?.join(","))
        }
        Value::Sensitive(_) => unreachable!("peeled"),
    })
}

/// A JSON string as Go's `encoding/json` writes it (HTML characters escaped).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
