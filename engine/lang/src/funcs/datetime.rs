//! Functions of the date and time family: `formatdate`, `timeadd`, `timecmp`, `timestamp` and
//! `plantimestamp`. Timestamps are parsed exactly as Go's `time.Parse(time.RFC3339, ...)` does,
//! with cty's rewording of its errors.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Utc};
use infra_core::{Number, Type, Value};

use super::{ret_number, ret_string, FnError, FnResult, FuncContext, Functions, Param};

pub(crate) fn register(f: &mut Functions) {
    f.def(
        "formatdate",
        vec![
            Param::new("format", Type::String),
            Param::new("time", Type::String),
        ],
        ret_string,
        formatdate,
    );
    f.def(
        "timeadd",
        vec![
            Param::new("timestamp", Type::String),
            Param::new("duration", Type::String),
        ],
        ret_string,
        timeadd,
    );
    f.def(
        "timecmp",
        vec![
            Param::new("timestamp_a", Type::String),
            Param::new("timestamp_b", Type::String),
        ],
        ret_number,
        timecmp,
    );
    f.def("timestamp", vec![], ret_string, |_, ctx| {
        if ctx.impure_unknown {
            return Ok(Value::Unknown(Type::String));
        }
        Ok(Value::string(
            Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        ))
    });
    f.def("plantimestamp", vec![], ret_string, |_, ctx| {
        Ok(Value::string(ctx.plan_timestamp.clone()))
    });
}

fn str_of(v: &Value) -> &str {
    v.as_str().expect("argument converted to string")
}

/// A parsed RFC 3339 timestamp: the wall-clock time and its offset from UTC in seconds (Go
/// accepts any offset, even beyond a day).
#[derive(Clone, Copy, Debug)]
struct Stamp {
    local: NaiveDateTime,
    off: i64,
}

impl Stamp {
    fn instant(&self) -> NaiveDateTime {
        self.local - Duration::seconds(self.off)
    }
}

/// Why `time.Parse` failed, in the shape of Go's `*time.ParseError`.
struct ParseError {
    layout_elem: &'static str,
    value_elem: String,
    message: String,
}

fn getnum(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if !b.get(1).is_some_and(u8::is_ascii_digit) {
        if fixed {
            return None;
        }
        return Some(((b[0] - b'0') as i64, &s[1..]));
    }
    Some((((b[0] - b'0') * 10 + (b[1] - b'0')) as i64, &s[2..]))
}

/// Go's `time.atoi`: an optional sign and decimal digits, all of the input.
fn go_atoi(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let v: i64 = digits.parse().ok()?;
    Some(if neg { -v } else { v })
}

/// `time.Parse(time.RFC3339, s)` as Go 1.16 implements it.
fn go_parse_rfc3339(s: &str) -> Result<Stamp, ParseError> {
    let bad = |elem: &'static str, rest: &str| ParseError {
        layout_elem: elem,
        value_elem: rest.into(),
        message: String::new(),
    };
    let range = |elem: &'static str, rest: &str, what: &str| ParseError {
        layout_elem: elem,
        value_elem: rest.into(),
        message: format!(": {what} out of range"),
    };
    let skip = |v: &str, c: u8, elem: &'static str| -> Result<usize, ParseError> {
        if v.as_bytes().first() == Some(&c) {
            Ok(1)
        } else {
            Err(bad(elem, v))
        }
    };
    let mut v = s;
    // 2006
    if v.len() < 4 || !v.as_bytes()[0].is_ascii_digit() {
        return Err(bad("2006", v));
    }
    if !v.is_char_boundary(4) {
        let next = (4..v.len())
            .find(|&i| v.is_char_boundary(i))
            .unwrap_or(v.len());
        return Err(bad("2006", &v[next..]));
    }
    let (p, rest) = v.split_at(4);
    v = rest;
    let year = go_atoi(p).ok_or_else(|| bad("2006", v))?;
    v = &v[skip(v, b'-', "-")?..];
    let (month, r) = getnum(v, true).ok_or_else(|| bad("01", v))?;
    v = r;
    if !(1..=12).contains(&month) {
        return Err(range("01", v, "month"));
    }
    v = &v[skip(v, b'-', "-")?..];
    let (day, r) = getnum(v, true).ok_or_else(|| bad("02", v))?;
    v = r;
    v = &v[skip(v, b'T', "T")?..];
    let (hour, r) = getnum(v, false).ok_or_else(|| bad("15", v))?;
    v = r;
    if !(0..24).contains(&hour) {
        return Err(range("15", v, "hour"));
    }
    v = &v[skip(v, b':', ":")?..];
    let (min, r) = getnum(v, true).ok_or_else(|| bad("04", v))?;
    v = r;
    if !(0..60).contains(&min) {
        return Err(range("04", v, "minute"));
    }
    v = &v[skip(v, b':', ":")?..];
    let (sec, r) = getnum(v, true).ok_or_else(|| bad("05", v))?;
    v = r;
    if !(0..60).contains(&sec) {
        return Err(range("05", v, "second"));
    }
    let mut nsec = 0i64;
    let vb = v.as_bytes();
    if vb.len() >= 2 && vb[0] == b'.' && vb[1].is_ascii_digit() {
        let n = 1 + vb[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        let digits = &v[1..n];
        v = &v[n..];
        match digits.parse::<i64>() {
            Ok(ns) if ns < 1_000_000_000 => {
                nsec = ns;
                for _ in 0..(10 - n as i64).max(0) {
                    nsec *= 10;
                }
            }
            _ => return Err(range("05", v, "fractional second")),
        }
    }
    // Z07:00
    let offset_secs: i64;
    if v.as_bytes().first() == Some(&b'Z') {
        v = &v[1..];
        offset_secs = 0;
    } else {
        let b = v.as_bytes();
        if b.len() < 6
            || b[3] != b':'
            || !v.is_char_boundary(1)
            || !v.is_char_boundary(6)
            || !v.is_char_boundary(3)
        {
            return Err(bad("Z07:00", v));
        }
        let (sign, hh, mm) = (b[0], &v[1..3], &v[4..6]);
        v = &v[6..];
        let (Some(h), Some(m)) = (go_atoi(hh), go_atoi(mm)) else {
            return Err(bad("Z07:00", v));
        };
        let off = (h * 60 + m) * 60;
        offset_secs = match sign {
            b'+' => off,
            b'-' => -off,
            _ => return Err(bad("Z07:00", v)),
        };
    }
    if !v.is_empty() {
        return Err(ParseError {
            layout_elem: "",
            value_elem: v.into(),
            message: format!(": extra text: {v}"),
        });
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month as u32, day as u32).ok_or_else(|| {
        ParseError {
            layout_elem: "",
            value_elem: String::new(),
            message: ": day out of range".into(),
        }
    })?;
    let local = date
        .and_hms_nano_opt(hour as u32, min as u32, sec as u32, nsec as u32)
        .expect("validated time of day");
    Ok(Stamp {
        local,
        off: offset_secs,
    })
}

/// Parses a timestamp with cty's wording of the errors ("not a valid RFC3339 timestamp: ...").
fn parse_timestamp(s: &str) -> Result<Stamp, String> {
    let e = match go_parse_rfc3339(s) {
        Ok(t) => return Ok(t),
        Err(e) => e,
    };
    if e.layout_elem.is_empty() && e.value_elem.is_empty() && !e.message.is_empty() {
        return Err(format!("not a valid RFC3339 timestamp{}", e.message));
    }
    let what = match e.layout_elem {
        "2006" => "year",
        "01" => "month",
        "02" => "day of month",
        "15" => "hour",
        "04" => "minute",
        "05" => "second",
        "Z07:00" => "UTC offset",
        "T" => {
            return Err(
                "not a valid RFC3339 timestamp: missing required time introducer 'T'".into(),
            )
        }
        ":" | "-" => {
            return Err(if e.value_elem.is_empty() {
                format!(
                    "not a valid RFC3339 timestamp: end of string where {:?} is expected",
                    e.layout_elem
                )
            } else {
                format!(
                    "not a valid RFC3339 timestamp: found {} where {:?} is expected",
                    super::conversion::go_quote(&e.value_elem),
                    e.layout_elem
                )
            })
        }
        _ => "timestamp segment",
    };
    if e.value_elem.is_empty() {
        Err(format!(
            "not a valid RFC3339 timestamp: end of string before {what}"
        ))
    } else {
        Err(format!(
            "not a valid RFC3339 timestamp: cannot use {} as {what}",
            super::conversion::go_quote(&e.value_elem)
        ))
    }
}

/// Go's four-or-more digit year formatting (`0000`, `10000`, `-0001`).
fn go_year(y: i32) -> String {
    if y < 0 {
        format!("-{:04}", -(y as i64))
    } else {
        format!("{y:04}")
    }
}

/// The offset in Go's `-0700` or `-07:00` form.
fn go_offset(secs: i64, colon: bool) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let m = secs.abs() / 60;
    if colon {
        format!("{sign}{:02}:{:02}", m / 60, m % 60)
    } else {
        format!("{sign}{:02}{:02}", m / 60, m % 60)
    }
}

/// Go's `time.RFC3339` formatting.
fn format_rfc3339(st: &Stamp) -> String {
    let (t, off) = (&st.local, st.off);
    let zone = if off == 0 {
        "Z".to_string()
    } else {
        go_offset(off, true)
    };
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
        go_year(t.year()),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Splits a format string into tokens as cty's `splitDateFormat` does: quoted literals (with
/// `''` escapes), runs of one repeated letter, and runs of other characters.
fn date_tokens(f: &str) -> Vec<&str> {
    let b = f.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let is_verb = |c: u8| c.is_ascii_alphabetic();
    while i < b.len() {
        let start = i;
        if b[i] == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                i += 2;
            } else {
                i += 1;
                loop {
                    if i >= b.len() {
                        break;
                    }
                    if b[i] == b'\'' {
                        if b.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
            }
        } else if is_verb(b[i]) {
            let c = b[i];
            while i < b.len() && b[i] == c {
                i += 1;
            }
        } else {
            i += 1;
            while i < b.len() && b[i] != b'\'' && !is_verb(b[i]) {
                i += 1;
            }
        }
        out.push(&f[start..i]);
    }
    out
}

fn formatdate(a: &[Value], _: &FuncContext) -> FnResult {
    let t = parse_timestamp(str_of(&a[1]))
        .map_err(|e| FnError::arg(1, format!("Invalid value for \"time\" parameter: {e}.")))?;
    let off = t.off;
    let t = t.local;
    let ferr =
        |msg: String| FnError::arg(0, format!("Invalid value for \"format\" parameter: {msg}."));
    let mut out = String::new();
    for tok in date_tokens(str_of(&a[0])) {
        let b = tok.as_bytes();
        let n = b.len();
        if b[0] == b'\'' {
            if n == 1 || b[n - 1] != b'\'' {
                return Err(ferr("unterminated literal '".into()));
            }
            if n == 2 {
                out.push('\'');
            } else {
                out.push_str(&tok[1..n - 1].replace("''", "'"));
            }
            continue;
        }
        if !b[0].is_ascii_alphabetic() {
            out.push_str(tok);
            continue;
        }
        let q = format!("{tok:?}");
        match (b[0], n) {
            (b'Y', 2) => out.push_str(&format!("{:02}", t.year().rem_euclid(100))),
            (b'Y', 4) => out.push_str(&go_year(t.year())),
            (b'Y', _) => {
                return Err(ferr(format!(
                    "invalid date format verb {q}: year must either be \"YY\" or \"YYYY\""
                )))
            }
            (b'M', 1) => out.push_str(&t.month().to_string()),
            (b'M', 2) => out.push_str(&format!("{:02}", t.month())),
            (b'M', 3) => out.push_str(&MONTHS[t.month0() as usize][..3]),
            (b'M', 4) => out.push_str(MONTHS[t.month0() as usize]),
            (b'M', _) => {
                return Err(ferr(format!(
                "invalid date format verb {q}: month must be \"M\", \"MM\", \"MMM\", or \"MMMM\""
            )))
            }
            (b'D', 1) => out.push_str(&t.day().to_string()),
            (b'D', 2) => out.push_str(&format!("{:02}", t.day())),
            (b'D', _) => {
                return Err(ferr(format!(
                    "invalid date format verb {q}: day of month must either be \"D\" or \"DD\""
                )))
            }
            (b'E', 3) => out.push_str(&DAYS[t.weekday().num_days_from_sunday() as usize][..3]),
            (b'E', 4) => out.push_str(DAYS[t.weekday().num_days_from_sunday() as usize]),
            (b'E', _) => {
                return Err(ferr(format!(
                    "invalid date format verb {q}: day of week must either be \"EEE\" or \"EEEE\""
                )))
            }
            (b'h', 1) => out.push_str(&t.hour().to_string()),
            (b'h', 2) => out.push_str(&format!("{:02}", t.hour())),
            (b'h', _) => {
                return Err(ferr(format!(
                    "invalid date format verb {q}: 24-hour must either be \"h\" or \"hh\""
                )))
            }
            (b'H', 1 | 2) => {
                let h = match t.hour() % 12 {
                    0 => 12,
                    h => h,
                };
                out.push_str(&if n == 1 {
                    h.to_string()
                } else {
                    format!("{h:02}")
                });
            }
            (b'H', _) => {
                return Err(ferr(format!(
                    "invalid date format verb {q}: 12-hour must either be \"H\" or \"HH\""
                )))
            }
            (b'A' | b'a', 2) => {
                let pm = t.hour() >= 12;
                out.push_str(match (b[0] == b'A', pm) {
                    (true, false) => "AM",
                    (true, true) => "PM",
                    (false, false) => "am",
                    (false, true) => "pm",
                });
            }
            (b'A' | b'a', _) => {
                let c = tok[..1].to_string();
                return Err(ferr(format!(
                    "invalid date format verb {q}: must be \"{c}{c}\""
                )));
            }
            (b'm', 1) => out.push_str(&t.minute().to_string()),
            (b'm', 2) => out.push_str(&format!("{:02}", t.minute())),
            (b'm', _) => {
                return Err(ferr(format!(
                    "invalid date format verb {q}: minute must either be \"m\" or \"mm\""
                )))
            }
            (b's', 1) => out.push_str(&t.second().to_string()),
            (b's', 2) => out.push_str(&format!("{:02}", t.second())),
            (b's', _) => {
                return Err(ferr(format!(
                    "invalid date format verb {q}: second must either be \"s\" or \"ss\""
                )))
            }
            (b'Z', 1) => out.push_str(&if off == 0 {
                "Z".into()
            } else {
                go_offset(off, true)
            }),
            (b'Z', 3) => out.push_str(&if off == 0 {
                "UTC".into()
            } else {
                go_offset(off, false)
            }),
            (b'Z', 4) => out.push_str(&go_offset(off, false)),
            (b'Z', 5) => out.push_str(&go_offset(off, true)),
            (b'Z', _) => {
                return Err(ferr(format!(
                    "invalid date format verb {q}: timezone must be Z, ZZZZ, or ZZZZZ"
                )))
            }
            _ => return Err(ferr(format!("invalid date format verb {q}"))),
        }
    }
    Ok(Value::string(out))
}

/// Go's `time.ParseDuration`, in nanoseconds.
fn parse_duration(orig: &str) -> Result<i64, String> {
    // Go 1.16 quotes the text as it is.
    let quote = |s: &str| format!("\"{s}\"");
    let invalid = || format!("time: invalid duration {}", quote(orig));
    let mut s = orig;
    let mut neg = false;
    if let Some(c) = s.chars().next() {
        if c == '-' || c == '+' {
            neg = c == '-';
            s = &s[1..];
        }
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut d: u64 = 0;
    const LIMIT: u64 = 1 << 63;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let mut v: u64 = 0;
        for &c in &b[..int_len] {
            if v > (LIMIT - 1) / 10 {
                return Err(invalid());
            }
            v = v * 10 + (c - b'0') as u64;
            if v > LIMIT - 1 {
                return Err(invalid());
            }
        }
        s = &s[int_len..];
        let pre = int_len > 0;
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if s.starts_with('.') {
            s = &s[1..];
            let fb = s.as_bytes();
            let n = fb.iter().take_while(|c| c.is_ascii_digit()).count();
            let mut overflow = false;
            for &c in &fb[..n] {
                if overflow {
                    continue;
                }
                if f > (LIMIT - 1) / 10 {
                    overflow = true;
                    continue;
                }
                let y = f * 10 + (c - b'0') as u64;
                if y > LIMIT {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10.0;
            }
            s = &s[n..];
            post = n > 0;
        }
        if !pre && !post {
            return Err(invalid());
        }
        let unit_len = s
            .bytes()
            .take_while(|&c| c != b'.' && !c.is_ascii_digit())
            .count();
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration {}", quote(orig)));
        }
        let u = &s[..unit_len];
        s = &s[unit_len..];
        let unit: u64 = match u {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    quote(u),
                    quote(orig)
                ))
            }
        };
        if v > (LIMIT - 1) / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT - 1 {
                return Err(invalid());
            }
        }
        d += v;
        if d > LIMIT - 1 {
            return Err(invalid());
        }
    }
    Ok(if neg { -(d as i64) } else { d as i64 })
}

fn timeadd(a: &[Value], _: &FuncContext) -> FnResult {
    let t = parse_timestamp(str_of(&a[0])).map_err(FnError::call)?;
    let d = parse_duration(str_of(&a[1])).map_err(FnError::call)?;
    let local = t
        .local
        .checked_add_signed(Duration::nanoseconds(d))
        .ok_or_else(|| FnError::call("the resulting time is out of range"))?;
    Ok(Value::string(format_rfc3339(&Stamp { local, off: t.off })))
}

fn timecmp(a: &[Value], _: &FuncContext) -> FnResult {
    let ta = parse_timestamp(str_of(&a[0])).map_err(|e| {
        FnError::arg(
            0,
            format!("Invalid value for \"timestamp_a\" parameter: {e}."),
        )
    })?;
    let tb = parse_timestamp(str_of(&a[1])).map_err(|e| {
        FnError::arg(
            1,
            format!("Invalid value for \"timestamp_b\" parameter: {e}."),
        )
    })?;
    let r = match ta.instant().cmp(&tb.instant()) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    };
    Ok(Value::Number(Number::from_i64(r)))
}

#[cfg(test)]
#[path = "datetime_tests.rs"]
mod tests;
