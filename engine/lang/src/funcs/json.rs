//! JSON for `jsonencode` and `jsondecode`, byte-compatible with Terraform: Go's `encoding/json`
//! escaping (HTML-safe, `\u2028`), exact numbers, and Go's decoder error messages (the decoder
//! follows `json.Decoder.Token`, which cty uses to read JSON).

use std::collections::BTreeMap;

use infra_core::{Number, Value};

/// Serializes a known value as cty's JSON marshaller does.
pub(crate) fn encode(v: &Value, out: &mut String) -> Result<(), String> {
    match v.peel() {
        Value::Null(_) => out.push_str("null"),
        Value::Unknown(_) => return Err("value is not known".into()),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if n.is_infinite() {
                return Err("cannot serialize infinity as JSON".into());
            }
            out.push_str(&n.to_string());
        }
        Value::String(s) => encode_string(s, out),
        Value::List(_, e) | Value::Set(_, e) | Value::Tuple(e) => {
            out.push('[');
            for (i, x) in e.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode(x, out)?;
            }
            out.push(']');
        }
        Value::Map(_, m) | Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode_string(k, out);
                out.push(':');
                encode(x, out)?;
            }
            out.push('}');
        }
        Value::Sensitive(_) => unreachable!("peeled"),
    }
    Ok(())
}

/// A JSON string literal with Go's HTML-safe escaping.
pub(crate) fn encode_string(s: &str, out: &mut String) {
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
}

/// The states of Go's `json.Decoder` token reader.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    TopValue,
    ArrayStart,
    ArrayValue,
    ArrayComma,
    ObjectStart,
    ObjectKey,
    ObjectColon,
    ObjectValue,
    ObjectComma,
}

enum Tok {
    Open(u8),
    Close,
    Str(String),
    Scalar(Value),
}

struct Decoder<'a> {
    b: &'a [u8],
    pos: usize,
    state: State,
    stack: Vec<State>,
}

/// Go's `quoteChar` for a byte in an error message.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'"' => "'\"'".into(),
        b'\\' => "'\\\\'".into(),
        0x07 => "'\\a'".into(),
        0x08 => "'\\b'".into(),
        0x0C => "'\\f'".into(),
        b'\n' => "'\\n'".into(),
        b'\r' => "'\\r'".into(),
        b'\t' => "'\\t'".into(),
        0x0B => "'\\v'".into(),
        c if c < 0x20 => format!("'\\x{c:02x}'"),
        c if c == 0x7F || (0x80..=0xA0).contains(&c) || c == 0xAD => format!("'\\u{c:04x}'"),
        c => format!("'{}'", c as char),
    }
}

fn invalid(c: u8, context: &str) -> String {
    format!("invalid character {}{context}", quote_char(c))
}

impl Decoder<'_> {
    fn peek(&mut self) -> Option<u8> {
        while self.pos < self.b.len() && matches!(self.b[self.pos], b' ' | b'\t' | b'\r' | b'\n') {
            self.pos += 1;
        }
        self.b.get(self.pos).copied()
    }

    fn value_allowed(&self) -> bool {
        matches!(
            self.state,
            State::TopValue | State::ArrayStart | State::ArrayValue | State::ObjectValue
        )
    }

    fn value_end(&mut self) {
        self.state = match self.state {
            State::ArrayStart | State::ArrayValue => State::ArrayComma,
            State::ObjectValue => State::ObjectComma,
            s => s,
        };
    }

    fn token_error(&self, c: u8) -> String {
        let ctx = match self.state {
            State::TopValue | State::ArrayStart | State::ArrayValue | State::ObjectValue => {
                " looking for beginning of value"
            }
            State::ArrayComma => " after array element",
            State::ObjectKey => " looking for beginning of object key string",
            State::ObjectColon => " after object key",
            State::ObjectComma => " after object key:value pair",
            State::ObjectStart => "",
        };
        invalid(c, ctx)
    }

    /// The next token, as `json.Decoder.Token` returns it.
    fn token(&mut self) -> Result<Tok, String> {
        loop {
            let c = self.peek().ok_or("EOF")?;
            match c {
                b'[' | b'{' => {
                    if !self.value_allowed() {
                        return Err(self.token_error(c));
                    }
                    self.pos += 1;
                    self.stack.push(self.state);
                    self.state = if c == b'[' {
                        State::ArrayStart
                    } else {
                        State::ObjectStart
                    };
                    return Ok(Tok::Open(c));
                }
                b']' | b'}' => {
                    let ok = if c == b']' {
                        matches!(self.state, State::ArrayStart | State::ArrayComma)
                    } else {
                        matches!(self.state, State::ObjectStart | State::ObjectComma)
                    };
                    if !ok {
                        return Err(self.token_error(c));
                    }
                    self.pos += 1;
                    self.state = self.stack.pop().expect("balanced");
                    self.value_end();
                    return Ok(Tok::Close);
                }
                b':' => {
                    if self.state != State::ObjectColon {
                        return Err(self.token_error(c));
                    }
                    self.pos += 1;
                    self.state = State::ObjectValue;
                }
                b',' => {
                    match self.state {
                        State::ArrayComma => self.state = State::ArrayValue,
                        State::ObjectComma => self.state = State::ObjectKey,
                        _ => return Err(self.token_error(c)),
                    }
                    self.pos += 1;
                }
                b'"' if matches!(self.state, State::ObjectStart | State::ObjectKey) => {
                    let s = self.scan_string()?;
                    self.state = State::ObjectColon;
                    return Ok(Tok::Str(s));
                }
                _ => {
                    if !self.value_allowed() {
                        return Err(self.token_error(c));
                    }
                    let v = self.scan_value()?;
                    self.value_end();
                    return Ok(v);
                }
            }
        }
    }

    /// Scans one literal value (string, number, true, false, null) at the cursor.
    fn scan_value(&mut self) -> Result<Tok, String> {
        let c = self.b[self.pos];
        match c {
            b'"' => Ok(Tok::Str(self.scan_string()?)),
            b'-' | b'0'..=b'9' => self.scan_number().map(Tok::Scalar),
            b't' => self.scan_literal("true", Value::Bool(true)),
            b'f' => self.scan_literal("false", Value::Bool(false)),
            b'n' => self.scan_literal("null", Value::null()),
            c => Err(invalid(c, " looking for beginning of value")),
        }
    }

    fn scan_literal(&mut self, word: &str, v: Value) -> Result<Tok, String> {
        for (i, want) in word.bytes().enumerate() {
            match self.b.get(self.pos + i) {
                None => return Err("unexpected EOF".into()),
                Some(&got) if got != want => {
                    return Err(invalid(
                        got,
                        &format!(" in literal {word} (expecting '{}')", want as char),
                    ))
                }
                Some(_) => {}
            }
        }
        self.pos += word.len();
        Ok(Tok::Scalar(v))
    }

    fn scan_number(&mut self) -> Result<Value, String> {
        let b = self.b;
        let start = self.pos;
        let mut i = start;
        let eof = || "unexpected EOF".to_string();
        if b[i] == b'-' {
            i += 1;
            match b.get(i) {
                None => return Err(eof()),
                Some(c) if !c.is_ascii_digit() => return Err(invalid(*c, " in numeric literal")),
                _ => {}
            }
        }
        if b[i] == b'0' {
            i += 1;
        } else {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            match b.get(i) {
                None => return Err(eof()),
                Some(c) if !c.is_ascii_digit() => {
                    return Err(invalid(*c, " after decimal point in numeric literal"))
                }
                _ => {}
            }
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            match b.get(i) {
                None => return Err(eof()),
                Some(c) if !c.is_ascii_digit() => {
                    return Err(invalid(*c, " in exponent of numeric literal"))
                }
                _ => {}
            }
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        self.pos = i;
        let text = std::str::from_utf8(&b[start..i]).expect("ascii");
        Number::parse(text)
            .map(Value::Number)
            .ok_or_else(|| format!("invalid number {text}"))
    }

    fn scan_string(&mut self) -> Result<String, String> {
        let b = self.b;
        let mut i = self.pos + 1;
        let mut out = String::new();
        let hex4 = |i: usize| -> Result<u32, String> {
            let mut v = 0u32;
            for k in 0..4 {
                let c = *b.get(i + k).ok_or("unexpected EOF")?;
                let d = (c as char)
                    .to_digit(16)
                    .ok_or_else(|| invalid(c, " in \\u hexadecimal character escape"))?;
                v = v * 16 + d;
            }
            Ok(v)
        };
        loop {
            let c = *b.get(i).ok_or("unexpected EOF")?;
            match c {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(out);
                }
                b'\\' => {
                    let e = *b.get(i + 1).ok_or("unexpected EOF")?;
                    i += 2;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let r = hex4(i)?;
                            i += 4;
                            if (0xD800..0xDC00).contains(&r)
                                && b.get(i) == Some(&b'\\')
                                && b.get(i + 1) == Some(&b'u')
                            {
                                let r2 = hex4(i + 2)?;
                                if (0xDC00..0xE000).contains(&r2) {
                                    let cp = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00);
                                    out.push(char::from_u32(cp).expect("valid pair"));
                                    i += 6;
                                    continue;
                                }
                            }
                            out.push(char::from_u32(r).unwrap_or('\u{FFFD}'));
                        }
                        e => return Err(invalid(e, " in string escape code")),
                    }
                }
                c if c < 0x20 => return Err(invalid(c, " in string literal")),
                _ => {
                    let start = i;
                    while i < b.len() && b[i] != b'"' && b[i] != b'\\' && b[i] >= 0x20 {
                        i += 1;
                    }
                    out.push_str(std::str::from_utf8(&b[start..i]).expect("input is UTF-8"));
                }
            }
        }
    }

    /// Reads one whole value starting with `tok`.
    fn value_from(&mut self, tok: Tok) -> Result<Value, String> {
        match tok {
            Tok::Scalar(v) => Ok(v),
            Tok::Str(s) => Ok(Value::string(s)),
            Tok::Close => Err("unexpected end of array or object".into()),
            Tok::Open(b'[') => {
                let mut items = Vec::new();
                loop {
                    match self.token()? {
                        Tok::Close => return Ok(Value::Tuple(items)),
                        t => items.push(self.value_from(t)?),
                    }
                }
            }
            Tok::Open(_) => {
                let mut attrs = BTreeMap::new();
                loop {
                    match self.token()? {
                        Tok::Close => return Ok(Value::Object(attrs.into())),
                        Tok::Str(k) => {
                            let t = self.token()?;
                            let v = self.value_from(t)?;
                            let key = infra_core::value::nfc(k.clone());
                            if key != k {
                                // cty names the attribute in its normalised form and then fails to
                                // find the raw key among the attributes.
                                return Err(format!(
                                    "unsupported attribute {}",
                                    crate::funcs::conversion::go_quote(&k)
                                ));
                            }
                            attrs.insert(key, v);
                        }
                        _ => return Err("expected string key".into()),
                    }
                }
            }
        }
    }
}

/// Parses JSON as cty's `json.ImpliedType` + `json.Unmarshal` do: objects become objects, arrays
/// tuples, numbers exact.
pub(crate) fn decode(src: &str) -> Result<Value, String> {
    let mut d = Decoder {
        b: src.as_bytes(),
        pos: 0,
        state: State::TopValue,
        stack: Vec::new(),
    };
    let t = d.token()?;
    let v = d.value_from(t)?;
    if let Some(c) = d.peek() {
        if c != b']' && c != b'}' {
            return Err("extraneous data after JSON object".into());
        }
    }
    Ok(v)
}
