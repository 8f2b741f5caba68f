//! Functions of the encoding family: `base64encode`, `base64decode`, `base64gzip`,
//! `textencodebase64`, `textdecodebase64`, `urlencode`, `csvdecode`, `jsonencode`, `jsondecode`,
//! `yamlencode` and `yamldecode`. JSON and YAML live in their own files.

use std::collections::BTreeMap;

use base64::Engine;
use infra_core::{Type, Value};

use super::conversion::go_quote;
use super::{ret_dynamic, ret_string, FnError, FnResult, FuncContext, Functions, Param};

#[path = "gzip.rs"]
mod gzip;
#[path = "json.rs"]
mod json;
#[path = "yaml.rs"]
mod yaml;
#[path = "yaml_emit.rs"]
mod yaml_emit;

pub(crate) fn register(f: &mut Functions) {
    let s = |name| Param::new(name, Type::String);
    f.def("base64encode", vec![s("str")], ret_string, |a, _| {
        Ok(Value::string(b64(str_of(&a[0]).as_bytes())))
    });
    f.def("base64decode", vec![s("str")], ret_string, base64decode);
    f.def("base64gzip", vec![s("str")], ret_string, |a, _| {
        Ok(Value::string(b64(&gzip::go_gzip(str_of(&a[0]).as_bytes()))))
    });
    f.def(
        "textencodebase64",
        vec![s("string"), s("encoding")],
        ret_string,
        textencodebase64,
    );
    f.def(
        "textdecodebase64",
        vec![s("source"), s("encoding")],
        ret_string,
        textdecodebase64,
    );
    f.def("urlencode", vec![s("str")], ret_string, |a, _| {
        Ok(Value::string(query_escape(str_of(&a[0]))))
    });
    f.def(
        "csvdecode",
        vec![s("str")],
        |_| Ok(Type::list(Type::Dynamic)),
        csvdecode,
    );
    f.def(
        "jsonencode",
        vec![Param::new("val", Type::Dynamic).nullable()],
        ret_string,
        |a, _| {
            let mut out = String::new();
            json::encode(&a[0], &mut out).map_err(FnError::call)?;
            Ok(Value::string(out))
        },
    );
    f.def("jsondecode", vec![s("str")], ret_dynamic, |a, _| {
        json::decode(str_of(&a[0])).map_err(FnError::call)
    });
    f.def(
        "yamlencode",
        vec![Param::new("value", Type::Dynamic).nullable()],
        ret_string,
        |a, _| {
            yaml_emit::encode(&a[0])
                .map(Value::string)
                .map_err(FnError::call)
        },
    );
    f.def("yamldecode", vec![s("src")], ret_dynamic, |a, _| {
        yaml::decode(str_of(&a[0])).map_err(FnError::call)
    });
}

fn str_of(v: &Value) -> &str {
    v.as_str().expect("argument converted to string")
}

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// Go's `base64.StdEncoding.DecodeString`: lenient about the unused bits of the last quantum and
/// about `\r`/`\n` anywhere; the error is the offset Go's `CorruptInputError` reports.
pub(crate) fn go_base64_decode(s: &[u8]) -> Result<Vec<u8>, usize> {
    fn val(c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let skip_newlines = |si: &mut usize| {
        while *si < s.len() && matches!(s[*si], b'\n' | b'\r') {
            *si += 1;
        }
    };
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let mut si = 0;
    loop {
        let mut buf = [0u8; 4];
        let mut j = 0;
        let mut dlen = 4;
        let mut done = false;
        while j < 4 {
            if si == s.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            }
            let c = s[si];
            si += 1;
            if let Some(v) = val(c) {
                buf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    skip_newlines(&mut si);
                    if si == s.len() {
                        return Err(s.len());
                    }
                    if s[si] != b'=' {
                        return Err(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            skip_newlines(&mut si);
            if si < s.len() {
                return Err(si);
            }
            dlen = j;
            done = true;
            break;
        }
        let v =
            (buf[0] as u32) << 18 | (buf[1] as u32) << 12 | (buf[2] as u32) << 6 | buf[3] as u32;
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if done {
            return Ok(out);
        }
    }
}

fn base64decode(a: &[Value], _: &FuncContext) -> FnResult {
    let s = str_of(&a[0]);
    let bytes = go_base64_decode(s.as_bytes())
        .map_err(|_| FnError::call(format!("failed to decode base64 data '{s}'")))?;
    String::from_utf8(bytes)
        .map(Value::string)
        .map_err(|_| FnError::call("the result of decoding the provided string is not valid UTF-8"))
}

/// Go's `url.QueryEscape`.
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

// ---- text encodings ----

#[derive(Clone, Copy, PartialEq, Eq)]
enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Utf16Bom,
    Ascii,
    Latin1,
    Windows1252,
}

/// The encodings known by IANA name or alias (case-insensitively), with their canonical names.
fn lookup_encoding(name: &str) -> Option<(TextEncoding, &'static str)> {
    use TextEncoding::*;
    let n = name.to_ascii_lowercase();
    Some(match n.as_str() {
        "utf-8" | "csutf8" => (Utf8, "UTF-8"),
        "utf-16le" | "csutf16le" => (Utf16Le, "UTF-16LE"),
        "utf-16be" | "csutf16be" => (Utf16Be, "UTF-16BE"),
        "utf-16" | "csutf16" => (Utf16Bom, "UTF-16"),
        "us-ascii" | "iso-ir-6" | "ansi_x3.4-1968" | "ansi_x3.4-1986" | "iso_646.irv:1991"
        | "iso646-us" | "us" | "ibm367" | "cp367" | "csascii" => (Ascii, "US-ASCII"),
        "iso_8859-1:1987" | "iso-ir-100" | "iso_8859-1" | "iso-8859-1" | "latin1" | "l1"
        | "ibm819" | "cp819" | "csisolatin1" => (Latin1, "ISO_8859-1:1987"),
        "windows-1252" | "cswindows1252" => (Windows1252, "windows-1252"),
        _ => return None,
    })
}

/// Windows-1252's characters for bytes 0x80..=0x9F (None where the code page has a hole).
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

fn encode_text(s: &str, enc: TextEncoding) -> Option<Vec<u8>> {
    use TextEncoding::*;
    let utf16 = |big: bool| -> Vec<u8> {
        s.encode_utf16()
            .flat_map(|u| {
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    Some(match enc {
        Utf8 => s.as_bytes().to_vec(),
        Utf16Le => utf16(false),
        Utf16Be => utf16(true),
        Utf16Bom => {
            let mut v = vec![0xFE, 0xFF];
            v.extend(utf16(true));
            v
        }
        Ascii => s
            .chars()
            .map(|c| c.is_ascii().then_some(c as u8))
            .collect::<Option<_>>()?,
        Latin1 => s
            .chars()
            .map(|c| ((c as u32) < 0x100).then_some(c as u8))
            .collect::<Option<_>>()?,
        Windows1252 => s
            .chars()
            .map(|c| match c as u32 {
                u if u < 0x80 || (0xA0..0x100).contains(&u) => Some(u as u8),
                _ => CP1252_HIGH
                    .iter()
                    .position(|&h| h == Some(c))
                    .map(|i| 0x80 + i as u8),
            })
            .collect::<Option<_>>()?,
    })
}

/// Decodes bytes; `None` where the bytes are not valid in the encoding (Go's decoders produce
/// U+FFFD there, which Terraform rejects).
fn decode_text(b: &[u8], enc: TextEncoding) -> Option<String> {
    use TextEncoding::*;
    let utf16 = |b: &[u8], big: bool| -> Option<String> {
        if !b.len().is_multiple_of(2) {
            return None;
        }
        let units = b.chunks(2).map(|c| {
            if big {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .ok()
    };
    let s = match enc {
        Utf8 => String::from_utf8(b.to_vec()).ok()?,
        Utf16Le => utf16(b, false)?,
        Utf16Be => utf16(b, true)?,
        Utf16Bom => match b {
            [0xFF, 0xFE, rest @ ..] => utf16(rest, false)?,
            [0xFE, 0xFF, rest @ ..] => utf16(rest, true)?,
            _ => utf16(b, true)?,
        },
        Ascii => b
            .iter()
            .map(|&c| c.is_ascii().then_some(c as char))
            .collect::<Option<_>>()?,
        Latin1 => b.iter().map(|&c| c as char).collect(),
        Windows1252 => b
            .iter()
            .map(|&c| {
                if (0x80..0xA0).contains(&c) {
                    CP1252_HIGH[(c - 0x80) as usize]
                } else {
                    Some(c as char)
                }
            })
            .collect::<Option<_>>()?,
    };
    (!s.contains('\u{FFFD}')).then_some(s)
}

fn encoding_arg(a: &[Value]) -> Result<(TextEncoding, &'static str), FnError> {
    let name = str_of(&a[1]);
    lookup_encoding(name).ok_or_else(|| {
        FnError::arg(
            1,
            format!(
                "Invalid value for \"encoding\" parameter: {} is not a supported IANA encoding name or alias in this Terraform version.",
                go_quote(name)
            ),
        )
    })
}

fn textencodebase64(a: &[Value], _: &FuncContext) -> FnResult {
    let (enc, name) = encoding_arg(a)?;
    let bytes = encode_text(str_of(&a[0]), enc).ok_or_else(|| {
        FnError::arg(
            0,
            format!("Invalid value for \"string\" parameter: the given string contains characters that cannot be represented in {name}."),
        )
    })?;
    Ok(Value::string(b64(&bytes)))
}

fn textdecodebase64(a: &[Value], _: &FuncContext) -> FnResult {
    let (enc, name) = encoding_arg(a)?;
    let bytes = go_base64_decode(str_of(&a[0]).as_bytes()).map_err(|off| {
        FnError::arg(
            0,
            format!("Invalid value for \"source\" parameter: the given value is has an invalid base64 symbol at offset {off}."),
        )
    })?;
    let s = decode_text(&bytes, enc).ok_or_else(|| {
        FnError::arg(
            0,
            format!("Invalid value for \"source\" parameter: the given string contains symbols that are not defined for {name}."),
        )
    })?;
    Ok(Value::string(s))
}

// ---- CSV, as Go's encoding/csv reads it ----

struct CsvReader<'a> {
    data: &'a [u8],
    pos: usize,
    num_line: usize,
    fields_per_record: usize,
}

enum CsvError {
    Eof,
    Parse { line: usize, msg: &'static str },
}

const ERR_BARE_QUOTE: &str = "bare \" in non-quoted-field";
const ERR_QUOTE: &str = "extraneous or missing \" in quoted-field";
const ERR_FIELD_COUNT: &str = "wrong number of fields";

impl CsvReader<'_> {
    /// Go's `readLine`: the next line including its `\n` (`\r\n` normalised); `None` at EOF.
    fn read_line(&mut self) -> Option<Vec<u8>> {
        let rest = &self.data[self.pos..];
        self.num_line += 1;
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .iter()
            .position(|&c| c == b'\n')
            .map(|i| i + 1)
            .unwrap_or(rest.len());
        let mut line = rest[..end].to_vec();
        self.pos += end;
        if !line.ends_with(b"\n") && line.ends_with(b"\r") {
            line.pop();
        }
        if line.ends_with(b"\r\n") {
            line.remove(line.len() - 2);
        }
        Some(line)
    }

    fn read_record(&mut self) -> Result<Vec<String>, CsvError> {
        let nl = |l: &[u8]| usize::from(l.last() == Some(&b'\n'));
        let mut line = loop {
            match self.read_line() {
                None => return Err(CsvError::Eof),
                Some(l) if l.len() == nl(&l) => continue,
                Some(l) => break l,
            }
        };
        let rec_line = self.num_line;
        let mut fields: Vec<Vec<u8>> = Vec::new();
        'fields: loop {
            if line.first() != Some(&b'"') {
                let (field, rest) = match line.iter().position(|&c| c == b',') {
                    Some(i) => (line[..i].to_vec(), Some(line[i + 1..].to_vec())),
                    None => (line[..line.len() - nl(&line)].to_vec(), None),
                };
                if field.contains(&b'"') {
                    return Err(CsvError::Parse {
                        line: self.num_line,
                        msg: ERR_BARE_QUOTE,
                    });
                }
                fields.push(field);
                match rest {
                    Some(r) => {
                        line = r;
                        continue 'fields;
                    }
                    None => break 'fields,
                }
            }
            line.remove(0);
            let mut field = Vec::new();
            loop {
                if let Some(i) = line.iter().position(|&c| c == b'"') {
                    field.extend_from_slice(&line[..i]);
                    line.drain(..=i);
                    match line.first() {
                        Some(b'"') => {
                            field.push(b'"');
                            line.remove(0);
                        }
                        Some(b',') => {
                            line.remove(0);
                            fields.push(field);
                            continue 'fields;
                        }
                        _ if line.len() == nl(&line) => {
                            fields.push(field);
                            break 'fields;
                        }
                        _ => {
                            return Err(CsvError::Parse {
                                line: self.num_line,
                                msg: ERR_QUOTE,
                            })
                        }
                    }
                } else if !line.is_empty() {
                    field.extend_from_slice(&line);
                    line = self.read_line().unwrap_or_default();
                } else {
                    return Err(CsvError::Parse {
                        line: self.num_line,
                        msg: ERR_QUOTE,
                    });
                }
            }
        }
        if self.fields_per_record > 0 && fields.len() != self.fields_per_record {
            return Err(CsvError::Parse {
                line: rec_line,
                msg: ERR_FIELD_COUNT,
            });
        }
        self.fields_per_record = fields.len();
        Ok(fields
            .into_iter()
            .map(|f| String::from_utf8_lossy(&f).into_owned())
            .collect())
    }
}

fn csvdecode(a: &[Value], _: &FuncContext) -> FnResult {
    let mut r = CsvReader {
        data: str_of(&a[0]).as_bytes(),
        pos: 0,
        num_line: 0,
        fields_per_record: 0,
    };
    let parse_err = |e: CsvError| match e {
        CsvError::Eof => FnError::call("missing header line"),
        CsvError::Parse { line, msg } => {
            FnError::call(format!("CSV parse error on line {line}: {msg}"))
        }
    };
    let headers = r.read_record().map_err(parse_err)?;
    let mut attrs = BTreeMap::new();
    for h in &headers {
        if attrs.insert(h.clone(), Type::String).is_some() {
            return Err(FnError::call(format!(
                "duplicate column name {}",
                go_quote(h)
            )));
        }
    }
    let mut rows = Vec::new();
    loop {
        match r.read_record() {
            Ok(cols) => {
                let obj = headers
                    .iter()
                    .cloned()
                    .zip(cols.into_iter().map(Value::string))
                    .collect();
                rows.push(Value::Object(obj));
            }
            Err(CsvError::Eof) => break,
            Err(e) => return Err(parse_err(e)),
        }
    }
    Ok(Value::List(Type::object(attrs), rows))
}

#[cfg(test)]
#[path = "encoding_tests.rs"]
mod tests;
