//! YAML decoding for `yamldecode`, matching Terraform 1.0 (go-cty-yaml 1.0.2): yaml-rust2's
//! event parser, with scalars resolved by cty-yaml's rules (YAML 1.1 booleans, `0x`/`0o`
//! integers, timestamps, merge keys, block and quoted scalars typed as strings) and syntax errors
//! reworded as libyaml words them.

use std::collections::{BTreeMap, HashMap};

use infra_core::convert::convert;
use infra_core::{Number, Type, Value};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, Scanner, TScalarStyle, TokenType};

use crate::funcs::conversion::go_quote;

const TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// A resolved scalar: a value, or the `<<` merge key.
enum Resolved {
    Value(Value),
    Merge,
}

struct Decoder<'a> {
    src: &'a str,
    parser: Parser<std::str::Chars<'a>>,
    /// Anchor names by id (ids are assigned in order of appearance, from 1).
    anchor_names: Vec<String>,
    /// Where each node begins (its tag or anchor) by the char index of its token.
    node_starts: HashMap<usize, Marker>,
    anchors: HashMap<usize, Value>,
    pending: HashMap<usize, usize>,
}

/// An error at an event, worded as cty-yaml's `Error` (no position on the first line).
fn at(m: Marker, msg: impl std::fmt::Display) -> String {
    let line = m.line().saturating_sub(1);
    if line == 0 {
        msg.to_string()
    } else {
        format!("on line {line}, column {}: {msg}", m.col() + 1)
    }
}

/// Rewords a yaml-rust2 syntax error as libyaml (which Terraform uses) words it, and places it
/// as cty-yaml does: parser errors at their line, scanner errors at the start of the next line.
fn libyaml_error(m: Marker, info: &str) -> String {
    let parser_error = info.starts_with("while parsing")
        || info.starts_with("did not find expected")
        || info.contains("directive")
        || info == "unexpected eof";
    let mut msg = match info.split_once(", ") {
        Some((ctx, rest)) if ctx.starts_with("while ") => rest.to_string(),
        _ => info.to_string(),
    };
    if msg.starts_with("expected ") {
        msg = format!("did not find {msg}");
    } else if msg.starts_with("unexpected character") {
        msg = "found character that cannot start any token".into();
    } else if msg == "the handle wasn't declared" {
        msg = "found undefined tag handle".into();
    } else if msg.contains("tab") && (msg.contains("indentation") || msg == "found a tab") {
        msg = "found a tab character that violates indentation".into();
    }
    if parser_error {
        at(m, msg)
    } else if m.line() <= 1 {
        msg
    } else {
        format!("on line {}, column 1: {msg}", m.line())
    }
}

impl Decoder<'_> {
    fn next(&mut self) -> Result<(Event, Marker), String> {
        self.parser.next_token().map_err(|e| {
            let m = *e.marker();
            if e.info().contains("unknown anchor") {
                let name: String = self
                    .src
                    .chars()
                    .skip(m.index() + 1)
                    .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
                    .collect();
                return at(
                    m,
                    format!("reference to undefined anchor {}", go_quote(&name)),
                );
            }
            libyaml_error(m, e.info())
        })
    }

    fn start_of(&self, m: Marker) -> Marker {
        self.node_starts.get(&m.index()).copied().unwrap_or(m)
    }

    fn anchor_name(&self, id: usize) -> String {
        self.anchor_names
            .get(id.wrapping_sub(1))
            .cloned()
            .unwrap_or_default()
    }

    fn begin_anchor(&mut self, id: usize) {
        if id > 0 {
            *self.pending.entry(id).or_default() += 1;
        }
    }

    fn complete_anchor(&mut self, id: usize, v: &Value) {
        if id > 0 {
            if let Some(n) = self.pending.get_mut(&id) {
                *n -= 1;
                if *n == 0 {
                    self.pending.remove(&id);
                }
            }
            self.anchors.insert(id, v.clone());
        }
    }

    fn node(&mut self, ev: Event, mark: Marker) -> Result<Value, String> {
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                self.begin_anchor(anchor);
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let v = match resolve(tag.as_deref(), &text, style)
                    .map_err(|e| at(self.start_of(mark), e))?
                {
                    Resolved::Merge => Value::string("<<"),
                    Resolved::Value(v) if tag.is_none() && style != TScalarStyle::Plain => {
                        convert(&v, &Type::String).unwrap_or(v)
                    }
                    Resolved::Value(v) => v,
                };
                self.complete_anchor(anchor, &v);
                Ok(v)
            }
            Event::Alias(id) => {
                if self.pending.contains_key(&id) {
                    let name = self.anchor_name(id);
                    return Err(at(
                        mark,
                        format!(
                            "cannot refer to anchor {} from inside its own definition",
                            go_quote(&name)
                        ),
                    ));
                }
                self.anchors.get(&id).cloned().ok_or_else(|| {
                    at(
                        mark,
                        format!(
                            "reference to undefined anchor {}",
                            go_quote(&self.anchor_name(id))
                        ),
                    )
                })
            }
            Event::SequenceStart(anchor, tag) => {
                if let Some(t) = tag.map(|t| format!("{}{}", t.handle, t.suffix)) {
                    if t != format!("{TAG_PREFIX}seq") {
                        return Err(at(
                            self.start_of(mark),
                            format!("can't interpret sequence as {t}"),
                        ));
                    }
                }
                self.begin_anchor(anchor);
                let mut items = Vec::new();
                loop {
                    let (ev, m) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(ev, m)?);
                }
                let v = Value::Tuple(items);
                self.complete_anchor(anchor, &v);
                Ok(v)
            }
            Event::MappingStart(anchor, tag) => {
                if let Some(t) = tag.map(|t| format!("{}{}", t.handle, t.suffix)) {
                    if t != format!("{TAG_PREFIX}map") {
                        return Err(at(
                            self.start_of(mark),
                            format!("can't interpret mapping as {t}"),
                        ));
                    }
                }
                self.begin_anchor(anchor);
                let mut attrs = BTreeMap::new();
                loop {
                    let (ev, m) = self.next()?;
                    let (text, style, tag) = match ev {
                        Event::MappingEnd => break,
                        Event::Scalar(text, style, _, tag) => (text, style, tag),
                        _ => {
                            return Err(at(
                                self.start_of(m),
                                "only strings are allowed as mapping keys",
                            ))
                        }
                    };
                    let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                    match resolve(tag.as_deref(), &text, style)? {
                        Resolved::Merge => {
                            let (ev, vm) = self.next()?;
                            let v = self.node(ev, vm)?;
                            match v.entries() {
                                Some(entries) if v.is_known() => {
                                    for (k, x) in entries {
                                        attrs.insert(k.clone(), x.clone());
                                    }
                                }
                                _ => {
                                    return Err(at(
                                        self.start_of(m),
                                        format!(
                                            "cannot merge {} into mapping",
                                            v.ty().friendly_name()
                                        ),
                                    ))
                                }
                            }
                        }
                        Resolved::Value(k) => {
                            let key = match convert(&k, &Type::String) {
                                Ok(Value::String(s)) => s,
                                Ok(_) => {
                                    return Err(at(self.start_of(m), "mapping key cannot be null"))
                                }
                                Err(_) => {
                                    return Err(at(
                                        self.start_of(m),
                                        "only strings are allowed as mapping keys",
                                    ))
                                }
                            };
                            let (ev, vm) = self.next()?;
                            let v = self.node(ev, vm)?;
                            attrs.insert(key, v);
                        }
                    }
                }
                let v = Value::Object(attrs.into());
                self.complete_anchor(anchor, &v);
                Ok(v)
            }
            Event::StreamEnd => Err(at(mark, "expecting value but found end of stream")),
            Event::DocumentStart => Err(at(mark, "only a single document is allowed")),
            _ => Err(at(mark, "unexpected parser event")),
        }
    }
}

/// Parses a single-document YAML stream into a value, as Terraform's `yamldecode` does.
pub(crate) fn decode(src: &str) -> Result<Value, String> {
    let src = src.strip_prefix('\u{FEFF}').unwrap_or(src);
    let src = if src.is_empty() { "\n" } else { src };
    let mut anchor_names = Vec::new();
    let mut node_starts = HashMap::new();
    let mut pending_start: Option<Marker> = None;
    for tok in Scanner::new(src.chars()) {
        match tok.1 {
            TokenType::Anchor(name) => {
                anchor_names.push(name);
                pending_start.get_or_insert(tok.0);
            }
            TokenType::Tag(..) => {
                pending_start.get_or_insert(tok.0);
            }
            TokenType::VersionDirective(major, minor) if (major, minor) != (1, 1) => {
                return Err(at(tok.0, "found incompatible YAML document"));
            }
            _ => {
                if let Some(start) = pending_start.take() {
                    node_starts.insert(tok.0.index(), start);
                }
            }
        }
    }
    let mut d = Decoder {
        src,
        parser: Parser::new_from_str(src),
        anchor_names,
        node_starts,
        anchors: HashMap::new(),
        pending: HashMap::new(),
    };
    let (ev, m) = d.next()?;
    if !matches!(ev, Event::StreamStart) {
        return Err(at(m, "missing stream start token"));
    }
    let (ev, m) = d.next()?;
    if !matches!(ev, Event::DocumentStart) {
        return Err(at(m, "missing start of document"));
    }
    let (ev, m) = d.next()?;
    let v = d.node(ev, m)?;
    let (ev, m) = d.next()?;
    match ev {
        Event::DocumentEnd => {}
        Event::DocumentStart => return Err(at(m, "only a single document is allowed")),
        _ => return Err(at(m, "unexpected extra content after value")),
    }
    let (ev, m) = d.next()?;
    if !matches!(ev, Event::StreamEnd) {
        return Err(at(m, "unexpected extra content after value"));
    }
    Ok(v)
}

fn resolvable(tag: &str) -> bool {
    tag.is_empty()
        || tag.strip_prefix(TAG_PREFIX).is_some_and(|t| {
            matches!(
                t,
                "str" | "bool" | "int" | "float" | "null" | "timestamp" | "binary"
            )
        })
}

/// The YAML 1.1 words cty-yaml gives a meaning.
fn resolve_word(s: &str) -> Option<(Value, &'static str)> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            (Value::Bool(true), "bool")
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            (Value::Bool(false), "bool")
        }
        "" | "~" | "null" | "Null" | "NULL" => (Value::null(), "null"),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            (Value::Number(Number::pos_inf()), "float")
        }
        "-.inf" | "-.Inf" | "-.INF" => (Value::Number(Number::neg_inf()), "float"),
        _ => return None,
    })
}

/// Whether `s` has the shape of a YAML float (`yamlStyleFloat`).
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - st
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Whether `s` looks like an integer to cty-yaml (which then insists on parsing it as one).
fn yaml_style_int(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    if let Some(h) = t.strip_prefix("0x") {
        return !h.is_empty() && h.bytes().all(|c| c == b'_' || c.is_ascii_hexdigit());
    }
    if let Some(o) = t.strip_prefix("0o") {
        return !o.is_empty() && o.bytes().all(|c| c == b'_' || (b'0'..=b'7').contains(&c));
    }
    t.bytes().all(|c| c == b'_' || c.is_ascii_digit())
}

/// `cty.ParseNumberVal` for the decimal shapes YAML allows.
fn parse_number(s: &str) -> Option<Value> {
    if !yaml_style_float(s) {
        return None;
    }
    let (sign, rest) = match s.as_bytes()[0] {
        b'-' => ("-", &s[1..]),
        b'+' => ("", &s[1..]),
        _ => ("", s),
    };
    let (mant, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let int = if int.is_empty() { "0" } else { int };
    let canon = if frac.is_empty() {
        format!("{sign}{int}{exp}")
    } else {
        format!("{sign}{int}.{frac}{exp}")
    };
    Number::parse(&canon).map(Value::Number)
}

/// Go's `strconv.ParseInt`/`ParseUint` with base 0, as a value.
fn go_parse_int(s: &str, unsigned: bool) -> Option<Value> {
    let (neg, t) = match s.as_bytes().first()? {
        b'-' if !unsigned => (true, &s[1..]),
        b'+' if !unsigned => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = go_base_prefix(t)?;
    let mut v: u128 = 0;
    for c in digits.chars() {
        v = v
            .checked_mul(radix as u128)?
            .checked_add(c.to_digit(radix)? as u128)?;
        if v > u64::MAX as u128 {
            return None;
        }
    }
    if unsigned {
        return Some(Value::Number(Number::from_u64(v as u64)));
    }
    let limit = if neg { 1u128 << 63 } else { (1u128 << 63) - 1 };
    if v > limit {
        return None;
    }
    let i = if neg {
        (v as i128).wrapping_neg() as i64
    } else {
        v as i64
    };
    Some(Value::Number(Number::from_i64(i)))
}

fn go_base_prefix(t: &str) -> Option<(u32, &str)> {
    let b = t.as_bytes();
    if b.is_empty() {
        return None;
    }
    if b[0] != b'0' {
        return Some((10, t));
    }
    if b.len() >= 3 {
        match b[1].to_ascii_lowercase() {
            b'b' => return Some((2, &t[2..])),
            b'o' => return Some((8, &t[2..])),
            b'x' => return Some((16, &t[2..])),
            _ => {}
        }
    }
    Some((8, &t[1..]))
}

fn go_parse_radix(s: &str, radix: u32) -> Option<Value> {
    let (neg, t) = match s.strip_prefix('-') {
        Some(t) => (true, t),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if t.is_empty() {
        return None;
    }
    let mut v: u128 = 0;
    for c in t.chars() {
        v = v
            .checked_mul(radix as u128)?
            .checked_add(c.to_digit(radix)? as u128)?;
        if v > u64::MAX as u128 {
            return None;
        }
    }
    match (neg, v) {
        (false, v) if v <= i64::MAX as u128 => Some(Value::Number(Number::from_i64(v as i64))),
        (false, v) => Some(Value::Number(Number::from_u64(v as u64))),
        (true, v) if v <= 1u128 << 63 => Some(Value::Number(Number::from_i64(
            (v as i128).wrapping_neg() as i64,
        ))),
        _ => None,
    }
}

fn resolve(tag: Option<&str>, src: &str, style: TScalarStyle) -> Result<Resolved, String> {
    let mut tag = tag.unwrap_or("").to_string();
    if !resolvable(&tag) {
        return Err(format!("unsupported tag {}", go_quote(&tag)));
    }
    let str_tag = format!("{TAG_PREFIX}str");
    let bin_tag = format!("{TAG_PREFIX}binary");
    let ts_tag = format!("{TAG_PREFIX}timestamp");
    let int_tag = format!("{TAG_PREFIX}int");
    let hint = match src.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(c) if c.is_ascii_digit() => b'D',
        Some(c) if b"yYnNtTfFoO~".contains(c) => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    };
    if hint != 0 && tag != str_tag && tag != bin_tag {
        if matches!(
            style,
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted
        ) {
            return Ok(Resolved::Value(Value::string(src)));
        }
        if let Some((v, _)) = resolve_word(src) {
            return Ok(Resolved::Value(v));
        }
        if matches!(src, ".nan" | ".NaN" | ".NAN") {
            return Err("floating point NaN is not supported".into());
        }
        match hint {
            b'.' => {
                if let Some(v) = parse_number(src) {
                    return Ok(Resolved::Value(v));
                }
            }
            b'D' | b'S' => {
                if tag.is_empty() || tag == ts_tag {
                    if let Some(t) = parse_yaml_timestamp(src) {
                        return Ok(Resolved::Value(Value::string(t)));
                    }
                }
                if let Some(v) = parse_number(src) {
                    return Ok(Resolved::Value(v));
                }
                if yaml_style_int(src) {
                    tag = int_tag.clone();
                }
            }
            _ => {}
        }
    }
    if tag.is_empty() && src == "<<" {
        return Ok(Resolved::Merge);
    }
    let cannot = || format!("cannot parse {} as {tag}", go_quote(src));
    let short = tag.strip_prefix(TAG_PREFIX).unwrap_or("");
    let v = match short {
        _ if tag.is_empty() => Value::string(src),
        "str" => Value::string(src),
        "binary" => {
            if super::go_base64_decode(src.as_bytes()).is_err() {
                return Err(format!("{}: not valid base64", cannot()));
            }
            Value::string(src)
        }
        "bool" => match resolve_word(src) {
            Some((v, "bool")) => v,
            _ => return Err(cannot()),
        },
        "int" | "float" => {
            let plain = src.replace('_', "");
            let bin = |p: &str| {
                if let Some(d) = p.strip_prefix("0b") {
                    go_parse_radix(d, 2)
                } else if let Some(d) = p.strip_prefix("-0b") {
                    go_parse_radix(&format!("-{d}"), 2)
                } else {
                    None
                }
            };
            parse_number(&plain)
                .or_else(|| go_parse_int(&plain, false))
                .or_else(|| go_parse_int(&plain, true))
                .or_else(|| bin(&plain))
                .ok_or_else(cannot)?
        }
        "timestamp" => Value::string(parse_yaml_timestamp(src).ok_or_else(cannot)?),
        "null" => Value::null(),
        _ => return Err(format!("unsupported tag {}", go_quote(&tag))),
    };
    Ok(Resolved::Value(v))
}

/// The timestamp forms cty-yaml accepts (a subset of YAML's), as an RFC 3339 string.
fn parse_yaml_timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let year_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year_len != 4 || b.get(4) != Some(&b'-') {
        return None;
    }
    // 2006-1-2, then optionally [Tt ]15:4:5(.frac)?, then (Z|±hh:mm) unless space-separated.
    let num = |i: &mut usize, max: usize| -> Option<u32> {
        let st = *i;
        while *i < b.len() && *i - st < max && b[*i].is_ascii_digit() {
            *i += 1;
        }
        (*i > st).then(|| s[st..*i].parse().ok()).flatten()
    };
    let year: i32 = s[..4].parse().ok()?;
    let mut i = 5;
    let month = num(&mut i, 2)?;
    (b.get(i) == Some(&b'-')).then_some(())?;
    i += 1;
    let day = num(&mut i, 2)?;
    let date =
        chrono::NaiveDate::from_ymd_opt(year, month, day).filter(|_| (1..=12).contains(&month))?;
    if i == b.len() {
        return Some(format!("{}T00:00:00Z", date.format("%Y-%m-%d")));
    }
    let sep = b[i];
    if !matches!(sep, b'T' | b't' | b' ') {
        return None;
    }
    i += 1;
    if sep == b' ' {
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    let hour = num(&mut i, 2)?;
    (b.get(i) == Some(&b':')).then_some(())?;
    i += 1;
    let min = num(&mut i, 2)?;
    (b.get(i) == Some(&b':')).then_some(())?;
    i += 1;
    let sec = num(&mut i, 2)?;
    if hour >= 24 || min >= 60 || sec >= 60 {
        return None;
    }
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        let st = i;
        while i < b.len() && i - st < 9 && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    let zone = if sep == b' ' {
        "Z".to_string()
    } else if b.get(i) == Some(&b'Z') {
        i += 1;
        "Z".to_string()
    } else {
        let z = s.get(i..i + 6)?;
        let zb = z.as_bytes();
        if !matches!(zb[0], b'+' | b'-') || zb[3] != b':' {
            return None;
        }
        let (h, m): (u32, u32) = (z[1..3].parse().ok()?, z[4..6].parse().ok()?);
        i += 6;
        if h == 0 && m == 0 {
            "Z".to_string()
        } else {
            format!("{}{:02}:{:02}", zb[0] as char, h, m)
        }
    };
    if i != b.len() {
        return None;
    }
    Some(format!(
        "{}T{hour:02}:{min:02}:{sec:02}{zone}",
        date.format("%Y-%m-%d")
    ))
}
