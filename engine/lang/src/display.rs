//! Renders values the way `terraform console` prints them.

use infra_core::Value;

/// The console rendering of a value.
pub fn console_format(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v, 0);
    out
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn write_value(out: &mut String, v: &Value, level: usize) {
    match v {
        Value::Sensitive(_) => out.push_str("(sensitive)"),
        Value::Unknown(_) => out.push_str("(known after apply)"),
        Value::Null(_) => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(out, s),
        Value::Tuple(items) => write_seq(out, "[", "]", items, level),
        Value::List(_, items) => write_seq(out, "tolist([", "])", items, level),
        Value::Set(_, items) => write_seq(out, "toset([", "])", items, level),
        Value::Object(m) => write_map(out, "{", "}", m, level),
        Value::Map(_, m) => write_map(out, "tomap({", "})", m, level),
    }
}

fn write_seq(out: &mut String, open: &str, close: &str, items: &[Value], level: usize) {
    out.push_str(open);
    if items.is_empty() {
        out.push_str(close);
        return;
    }
    out.push('\n');
    for item in items {
        indent(out, level + 1);
        write_value(out, item, level + 1);
        out.push_str(",\n");
    }
    indent(out, level);
    out.push_str(close);
}

fn write_map(out: &mut String, open: &str, close: &str, m: &infra_core::ValueMap, level: usize) {
    out.push_str(open);
    if m.is_empty() {
        out.push_str(close);
        return;
    }
    out.push('\n');
    for (k, v) in m {
        indent(out, level + 1);
        write_string_quoted(out, k);
        out.push_str(" = ");
        write_value(out, v, level + 1);
        out.push('\n');
    }
    indent(out, level);
    out.push_str(close);
}

fn write_string(out: &mut String, s: &str) {
    if s.contains('\n') {
        out.push_str("<<EOT\n");
        out.push_str(s);
        out.push_str("\nEOT");
    } else {
        write_string_quoted(out, s);
    }
}

/// Quotes like Go's `strconv.Quote`: `\"`, `\\`, `\n`, `\t` and friends, `\x`/`\u` escapes for
/// unprintable characters, printable Unicode kept as is.
pub fn write_string_quoted(out: &mut String, s: &str) {
    out.push('"');
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
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() || is_format_char(c) => {
                let n = c as u32;
                if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn is_format_char(c: char) -> bool {
    matches!(c as u32, 0xad | 0x600..=0x605 | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x2064 | 0xfeff)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn renders_like_terraform_console() {
        let mut m = BTreeMap::new();
        m.insert("a".to_string(), Value::int(1));
        m.insert("d".to_string(), Value::empty_tuple());
        assert_eq!(
            console_format(&Value::Object(m.into())),
            "{\n  \"a\" = 1\n  \"d\" = []\n}"
        );
        assert_eq!(console_format(&Value::string("a\nb")), "<<EOT\na\nb\nEOT");
        assert_eq!(
            console_format(&Value::string("t\t\"q\"")),
            "\"t\\t\\\"q\\\"\""
        );
        assert_eq!(
            console_format(&Value::int(1).mark_sensitive()),
            "(sensitive)"
        );
    }
}
