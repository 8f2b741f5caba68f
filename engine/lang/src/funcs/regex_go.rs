//! Go (RE2) regular expressions on top of the `regex` crate: a translator from Go's syntax to the
//! crate's (ASCII-only `\d \w \s \b`, octal and `\Q..\E` escapes, literal `{` that starts no
//! repeat, duplicate group names), Go's syntax errors, and Go's iteration rules for `FindAll` and
//! `ReplaceAll` (with `$1`/`${name}` expansion).

use regex::{Regex, RegexBuilder};

/// A compiled Go regular expression.
#[derive(Debug)]
pub(crate) struct GoRegex {
    re: Regex,
    /// The name of each capture group (index 0 is the whole match); "" when unnamed.
    names: Vec<String>,
}

/// A Go syntax error: the `ErrorCode` text and the offending part of the pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GoRegexError {
    pub code: String,
    pub expr: String,
}

/// Capture spans of one match (index 0: whole match).
pub(crate) type Spans = Vec<Option<(usize, usize)>>;

const ASCII_D: &str = r"0-9";
const ASCII_S: &str = r"\t\n\x0C\r ";
const ASCII_W: &str = r"0-9A-Za-z_";
const CATEGORIES: [&str; 36] = [
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N",
    "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So",
    "Z", "Zl", "Zp", "Zs",
];
const POSIX: [&str; 14] = [
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

fn err(code: &str, expr: &str) -> GoRegexError {
    GoRegexError {
        code: code.to_string(),
        expr: expr.to_string(),
    }
}

fn lit(c: char) -> String {
    format!("\\x{{{:X}}}", c as u32)
}

struct Translator<'a> {
    src: &'a str,
    /// Byte offset of the rest of the pattern.
    pos: usize,
    out: String,
    names: Vec<String>,
    /// Byte offsets of the unclosed `(`, and whether each was a capture.
    open: Vec<usize>,
    /// Whether the last thing parsed can take a repetition operator.
    have_operand: bool,
    /// Start offset of the previous item when it was a repetition operator.
    last_repeat: Option<usize>,
    /// Per open group: the largest product of nested counted repeats inside it, and that of the
    /// last item (Go rejects nestings whose counts multiply past 1000).
    weights: Vec<(u64, u64)>,
}

impl<'a> Translator<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn run(mut self) -> Result<GoRegex, GoRegexError> {
        while let Some(c) = self.peek() {
            let start = self.pos;
            let mut repeat = None;
            let depth = self.open.len();
            match c {
                '(' => self.open_paren()?,
                ')' => {
                    if self.open.pop().is_none() {
                        return Err(err("unexpected )", self.src));
                    }
                    self.pos += 1;
                    self.out.push(')');
                    self.have_operand = true;
                }
                '|' => {
                    self.pos += 1;
                    self.out.push('|');
                    self.have_operand = false;
                }
                '^' | '$' | '.' => {
                    self.pos += 1;
                    self.out.push(c);
                    self.have_operand = true;
                }
                '[' => {
                    let class = self.class()?;
                    self.out.push_str(&class);
                    self.have_operand = true;
                }
                '*' | '+' | '?' => {
                    self.pos += 1;
                    self.repeat(start, &c.to_string())?;
                    repeat = Some(start);
                }
                '{' => match parse_repeat(self.rest()) {
                    Some((min, max, len)) => {
                        let text = &self.src[start..start + len];
                        if !(0..=1000).contains(&min) || max > 1000 || (max >= 0 && min > max) {
                            return Err(err("invalid repeat count", text));
                        }
                        self.pos += len;
                        self.repeat(start, text)?;
                        repeat = Some(start);
                        let m = if max >= 0 { max } else { min } as u64;
                        let top = self.weights.last_mut().expect("outer frame");
                        if (min >= 2 || max >= 2) && m > 0 && top.1 * m > 1000 {
                            return Err(err("invalid repeat count", text));
                        }
                        top.1 *= m.max(1);
                        top.0 = top.0.max(top.1);
                    }
                    None => {
                        self.pos += 1;
                        self.out.push_str(&lit('{'));
                        self.have_operand = true;
                    }
                },
                '\\' => self.escape()?,
                c => {
                    self.pos += c.len_utf8();
                    self.out.push_str(&lit(c));
                    self.have_operand = true;
                }
            }
            self.last_repeat = repeat;
            match self.open.len().cmp(&depth) {
                std::cmp::Ordering::Greater => self.weights.push((1, 1)),
                std::cmp::Ordering::Less => {
                    let (inner, _) = self.weights.pop().expect("group frame");
                    let top = self.weights.last_mut().expect("outer frame");
                    *top = (top.0.max(inner), inner);
                }
                std::cmp::Ordering::Equal if repeat.is_none() => {
                    self.weights.last_mut().expect("outer frame").1 = 1;
                }
                _ => {}
            }
        }
        if !self.open.is_empty() {
            return Err(err("missing closing )", self.src));
        }
        let re = RegexBuilder::new(&self.out)
            .size_limit(64 << 20)
            .build()
            .map_err(|e| {
                let msg = e.to_string();
                let last = msg
                    .lines()
                    .last()
                    .unwrap_or("")
                    .trim()
                    .trim_start_matches("error: ");
                err(
                    if msg.contains("size limit") {
                        "expression too large"
                    } else {
                        last
                    },
                    self.src,
                )
            })?;
        let mut names = vec![String::new()];
        names.extend(self.names);
        Ok(GoRegex { re, names })
    }

    /// A repetition operator `op` (already consumed) starting at `start`, plus an optional `?`.
    fn repeat(&mut self, start: usize, op: &str) -> Result<(), GoRegexError> {
        let mut op = op.to_string();
        if self.peek() == Some('?') {
            self.pos += 1;
            op.push('?');
        }
        if let Some(prev) = self.last_repeat {
            return Err(err(
                "invalid nested repetition operator",
                &self.src[prev..self.pos],
            ));
        }
        if !self.have_operand {
            return Err(err(
                "missing argument to repetition operator",
                &self.src[start..self.pos],
            ));
        }
        self.out.push_str(&op);
        Ok(())
    }

    fn open_paren(&mut self) -> Result<(), GoRegexError> {
        let start = self.pos;
        let t = self.rest();
        if let Some(after) = t.strip_prefix("(?P<").filter(|a| !a.is_empty()) {
            let Some(end) = after.find('>') else {
                return Err(err("invalid named capture", t));
            };
            let name = &after[..end];
            let capture = &t[..4 + end + 1];
            if name.is_empty() || !name.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric()) {
                return Err(err("invalid named capture", capture));
            }
            self.names.push(name.to_string());
            self.pos += capture.len();
            self.open.push(start);
            self.out.push('(');
            self.have_operand = false;
            return Ok(());
        }
        if t.starts_with("(?") {
            // Flags: (?flags) or (?flags:re).
            let mut i = 2;
            let (mut neg, mut saw_flag) = (false, false);
            let bytes = t.as_bytes();
            loop {
                let Some(&b) = bytes.get(i) else {
                    return Err(err("invalid or unsupported Perl syntax", t));
                };
                match b {
                    b'i' | b'm' | b's' | b'U' => saw_flag = true,
                    b'-' if !neg => {
                        neg = true;
                        saw_flag = false;
                    }
                    b':' | b')' if !neg || saw_flag => {
                        let flags = &t[2..i];
                        self.pos += i + 1;
                        if b == b':' {
                            self.open.push(start);
                            self.out.push_str(&format!("(?{flags}:"));
                            self.have_operand = false;
                        } else if !flags.is_empty() {
                            self.out.push_str(&format!("(?{flags})"));
                        }
                        return Ok(());
                    }
                    _ => {
                        let end = i + t[i..].chars().next().map_or(0, char::len_utf8);
                        return Err(err("invalid or unsupported Perl syntax", &t[..end]));
                    }
                }
                i += 1;
            }
        }
        self.pos += 1;
        self.names.push(String::new());
        self.open.push(start);
        self.out.push('(');
        self.have_operand = false;
        Ok(())
    }

    /// An escape outside a class.
    fn escape(&mut self) -> Result<(), GoRegexError> {
        let t = self.rest();
        let next = t[1..].chars().next();
        let emit = |s: &mut Self, text: &str, len: usize, operand: bool| {
            s.out.push_str(text);
            s.pos += len;
            s.have_operand = operand;
        };
        match next {
            Some('A') => emit(self, r"\A", 2, true),
            Some('z') => emit(self, r"\z", 2, true),
            Some('b') => emit(self, r"(?-u:\b)", 2, true),
            Some('B') => emit(self, r"(?-u:\B)", 2, true),
            Some('C') => return Err(err("invalid escape sequence", &t[..2])),
            Some('Q') => {
                let body = &t[2..];
                let (lits, len) = match body.find("\\E") {
                    Some(i) => (&body[..i], 2 + i + 2),
                    None => (body, t.len()),
                };
                let text: String = lits.chars().map(lit).collect();
                // An empty \Q\E adds nothing, so it leaves the operand state alone.
                let operand = self.have_operand || !lits.is_empty();
                emit(self, &text, len, operand);
            }
            Some('p' | 'P') => {
                let (class, len) = unicode_class(t)?;
                emit(self, &class, len, true);
            }
            Some(c @ ('d' | 'D' | 's' | 'S' | 'w' | 'W')) => {
                emit(self, &format!("[{}]", perl_class(c)), 2, true)
            }
            _ => {
                let (c, len) = parse_escape(t)?;
                emit(self, &lit(c), len, true);
            }
        }
        Ok(())
    }

    /// A bracketed class starting at `[`, translated to the crate's syntax.
    fn class(&mut self) -> Result<String, GoRegexError> {
        let whole = self.rest();
        let mut t = &whole[1..];
        let mut out = String::from("[");
        if let Some(r) = t.strip_prefix('^') {
            out.push('^');
            t = r;
        }
        let mut first = true;
        loop {
            if t.is_empty() {
                return Err(err("missing closing ]", whole));
            }
            if t.starts_with(']') && !first {
                t = &t[1..];
                break;
            }
            first = false;
            if t.starts_with("[:") {
                if let Some(end) = t[2..].find(":]") {
                    let name = &t[2..2 + end];
                    let text = &t[..2 + end + 2];
                    if !POSIX.contains(&name.strip_prefix('^').unwrap_or(name)) {
                        return Err(err("invalid character class range", text));
                    }
                    out.push_str(text);
                    t = &t[text.len()..];
                    continue;
                }
            }
            if t.starts_with("\\p") || t.starts_with("\\P") {
                let (class, len) = unicode_class(t)?;
                out.push_str(&class);
                t = &t[len..];
                continue;
            }
            if let Some(c @ ('d' | 'D' | 's' | 'S' | 'w' | 'W')) =
                t.strip_prefix('\\').and_then(|r| r.chars().next())
            {
                let set = perl_class(c);
                if c.is_ascii_uppercase() {
                    out.push_str(&format!("[{set}]"));
                } else {
                    out.push_str(set);
                }
                t = &t[2..];
                continue;
            }
            let rng = t;
            let (lo, rest) = class_char(t, whole)?;
            t = rest;
            let mut hi = lo;
            if t.len() >= 2 && t.starts_with('-') && !t[1..].starts_with(']') {
                let (h, rest) = class_char(&t[1..], whole)?;
                hi = h;
                t = rest;
                if hi < lo {
                    return Err(err(
                        "invalid character class range",
                        &rng[..rng.len() - t.len()],
                    ));
                }
            }
            out.push_str(&lit(lo));
            if hi != lo {
                out.push('-');
                out.push_str(&lit(hi));
            }
        }
        out.push(']');
        self.pos = self.src.len() - t.len();
        Ok(out)
    }
}

fn perl_class(c: char) -> &'static str {
    match c {
        'd' => ASCII_D,
        'D' => "^0-9",
        's' => ASCII_S,
        'S' => r"^\t\n\x0C\r ",
        'w' => ASCII_W,
        _ => "^0-9A-Za-z_",
    }
}

/// One class member character (`t` non-empty is checked by the caller's loop).
fn class_char<'t>(t: &'t str, whole: &str) -> Result<(char, &'t str), GoRegexError> {
    match t.chars().next() {
        None => Err(err("missing closing ]", whole)),
        Some('\\') => {
            let (c, len) = parse_escape(t)?;
            Ok((c, &t[len..]))
        }
        Some(c) => Ok((c, &t[c.len_utf8()..])),
    }
}

/// `\pX`, `\p{Name}`, `\PX`, `\p{^Name}`: validated by asking the crate, which knows Go's names.
fn unicode_class(t: &str) -> Result<(String, usize), GoRegexError> {
    let neg = t.as_bytes()[1] == b'P';
    let body = &t[2..];
    let (mut name, len) = if let Some(b) = body.strip_prefix('{') {
        match b.find('}') {
            Some(end) => (&b[..end], 2 + 1 + end + 1),
            None => return Err(err("invalid character class range", t)),
        }
    } else {
        match body.chars().next() {
            Some(c) => (&body[..c.len_utf8()], 2 + c.len_utf8()),
            None => return Err(err("invalid escape sequence", t)),
        }
    };
    let mut neg = neg;
    if let Some(n) = name.strip_prefix('^') {
        neg = !neg;
        name = n;
    }
    let class = format!("\\{}{{{name}}}", if neg { 'P' } else { 'p' });
    // Go knows the general categories, the scripts (capitalised, as `Old_Italic`) and `Any`.
    let valid = CATEGORIES.contains(&name)
        || name == "Any"
        || (name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && Regex::new(&format!("\\p{{sc={name}}}")).is_ok());
    if !valid {
        return Err(err("invalid character class range", &t[..len]));
    }
    Ok((class, len))
}

/// Go's `parseEscape`: a single escaped character and the escape's length in bytes.
fn parse_escape(s: &str) -> Result<(char, usize), GoRegexError> {
    let t = &s[1..];
    let Some(c) = t.chars().next() else {
        return Err(err("trailing backslash at end of expression", ""));
    };
    let mut used = 1 + c.len_utf8();
    let bad = |used: usize| err("invalid escape sequence", &s[..used.min(s.len())]);
    let octal = |b: Option<&u8>| matches!(b, Some(b'0'..=b'7'));
    match c {
        '1'..='7' if !octal(t.as_bytes().get(1)) => Err(bad(used)),
        '0'..='7' => {
            let mut r = c as u32 - '0' as u32;
            for _ in 0..2 {
                match s.as_bytes().get(used) {
                    Some(&b @ b'0'..=b'7') => {
                        r = r * 8 + u32::from(b - b'0');
                        used += 1;
                    }
                    _ => break,
                }
            }
            Ok((char::from_u32(r).expect("octal fits"), used))
        }
        'x' => {
            let rest = &s[used..];
            if let Some(body) = rest.strip_prefix('{') {
                let Some(end) = body.find('}') else {
                    return Err(bad(s.len()));
                };
                let hex = &body[..end];
                let v = (!hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()))
                    .then(|| u32::from_str_radix(hex, 16).ok())
                    .flatten()
                    .and_then(char::from_u32);
                match v {
                    Some(c) => Ok((c, used + 1 + end + 1)),
                    None => Err(bad(used + 1 + end + 1)),
                }
            } else {
                let hex: String = rest.chars().take(2).collect();
                match u8::from_str_radix(&hex, 16) {
                    Ok(v) if hex.len() == 2 => Ok((char::from(v), used + 2)),
                    _ => Err(bad(used + hex.len())),
                }
            }
        }
        'a' => Ok(('\u{7}', used)),
        'f' => Ok(('\u{c}', used)),
        'n' => Ok(('\n', used)),
        'r' => Ok(('\r', used)),
        't' => Ok(('\t', used)),
        'v' => Ok(('\u{b}', used)),
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok((c, used)),
        _ => Err(bad(used)),
    }
}

/// Go's `parseRepeat`: `{n}`, `{n,}` or `{n,m}` at the start of `t`, as (min, max or -1,
/// length); numbers with leading zeros are no repeat; numbers too big are -1 (an error later).
fn parse_repeat(t: &str) -> Option<(i64, i64, usize)> {
    let b = t.as_bytes();
    let mut i = 1;
    let num = |i: &mut usize| -> Option<i64> {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        let digits = &t[st..*i];
        if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) {
            return None;
        }
        Some(if digits.len() > 8 {
            -1
        } else {
            digits.parse().ok()?
        })
    };
    let min = num(&mut i)?;
    let max = if b.get(i) == Some(&b',') {
        i += 1;
        if b.get(i) == Some(&b'}') {
            -1
        } else {
            num(&mut i)?
        }
    } else {
        min
    };
    (b.get(i) == Some(&b'}')).then_some((min, max, i + 1))
}

impl GoRegex {
    pub(crate) fn compile(pattern: &str) -> Result<GoRegex, GoRegexError> {
        Translator {
            src: pattern,
            pos: 0,
            out: String::new(),
            names: Vec::new(),
            open: Vec::new(),
            have_operand: false,
            last_repeat: None,
            weights: vec![(1, 1)],
        }
        .run()
    }

    /// Group names, index 0 being the whole match ("" for unnamed groups).
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    fn spans_at(&self, s: &str, start: usize) -> Option<Spans> {
        let caps = self.re.captures_at(s, start)?;
        Some(
            (0..caps.len())
                .map(|i| caps.get(i).map(|m| (m.start(), m.end())))
                .collect(),
        )
    }

    /// The leftmost match's spans (Go's `FindStringSubmatchIndex`).
    pub(crate) fn find(&self, s: &str) -> Option<Spans> {
        self.spans_at(s, 0)
    }

    /// All successive non-overlapping matches (Go's `FindAllStringSubmatchIndex`): an empty
    /// match right after a previous match is skipped.
    pub(crate) fn find_all(&self, s: &str) -> Vec<Spans> {
        let mut out = Vec::new();
        let (mut pos, mut prev_end) = (0usize, None);
        while pos <= s.len() {
            let Some(m) = self.spans_at(s, pos) else {
                break;
            };
            let (st, en) = m[0].expect("whole match");
            let mut accept = true;
            if en == pos {
                if Some(st) == prev_end {
                    accept = false;
                }
                pos += s[pos..].chars().next().map_or(1, char::len_utf8);
            } else {
                pos = en;
            }
            prev_end = Some(en);
            if accept {
                out.push(m);
            }
        }
        out
    }

    /// Go's `ReplaceAllString`: every match replaced by `template` with `$n`/`${name}` expanded.
    pub(crate) fn replace_all(&self, s: &str, template: &str) -> String {
        let mut out = String::new();
        let (mut last_end, mut search) = (0usize, 0usize);
        while search <= s.len() {
            let Some(m) = self.spans_at(s, search) else {
                break;
            };
            let (st, en) = m[0].expect("whole match");
            out.push_str(&s[last_end..st]);
            if en > last_end || st == 0 {
                self.expand(&mut out, template, s, &m);
            }
            last_end = en;
            let width = s[search..].chars().next().map_or(0, char::len_utf8);
            if search + width > en {
                search += width;
            } else if search + 1 > en {
                search += 1;
            } else {
                search = en;
            }
        }
        out.push_str(&s[last_end..]);
        out
    }

    /// Go's `Regexp.expand`.
    fn expand(&self, out: &mut String, mut template: &str, src: &str, m: &Spans) {
        while let Some(i) = template.find('$') {
            out.push_str(&template[..i]);
            template = &template[i + 1..];
            if let Some(rest) = template.strip_prefix('$') {
                out.push('$');
                template = rest;
                continue;
            }
            let Some((name, num, rest)) = extract(template) else {
                out.push('$');
                continue;
            };
            template = rest;
            let span = match num {
                Some(n) => m.get(n).copied().flatten(),
                None => self.names.iter().position(|x| x == name).and_then(|i| m[i]),
            };
            if let Some((a, b)) = span {
                out.push_str(&src[a..b]);
            }
        }
        out.push_str(template);
    }
}

/// Go's `extract`: a `name` or `{name}` after `$` (letters, digits, `_`), its group number when
/// it is a number without leading zeros, and the rest of the template.
fn extract(t: &str) -> Option<(&str, Option<usize>, &str)> {
    let (brace, body) = match t.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, t),
    };
    let end = body
        .char_indices()
        .find(|&(_, c)| !(c.is_alphabetic() || c.is_numeric() || c == '_'))
        .map_or(body.len(), |(i, _)| i);
    if end == 0 {
        return None;
    }
    let name = &body[..end];
    let rest = if brace {
        body[end..].strip_prefix('}')?
    } else {
        &body[end..]
    };
    let num = if name.bytes().all(|b| b.is_ascii_digit())
        && name.len() <= 8
        && !(name.len() > 1 && name.starts_with('0'))
    {
        name.parse().ok()
    } else {
        None
    };
    Some((name, num, rest))
}
