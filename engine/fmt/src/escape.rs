//! Decoding and re-encoding of quoted string literal text (used to
//! normalise block labels the way `terraform fmt` does).

/// Decodes the text of one quoted literal token: backslash escapes and the
/// `$${` / `%%{` template escapes. On an invalid escape, returns the byte
/// offset of the offending backslash.
pub fn unescape_quoted(text: &str) -> Result<String, usize> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                let Some((_, sel)) = chars.next() else {
                    return Err(i);
                };
                match sel {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'u' | 'U' => {
                        let n = if sel == 'u' { 4 } else { 8 };
                        let mut value: u32 = 0;
                        for _ in 0..n {
                            match chars.next() {
                                Some((_, h)) if h.is_ascii_hexdigit() => {
                                    value = value * 16 + h.to_digit(16).unwrap_or(0);
                                }
                                _ => return Err(i),
                            }
                        }
                        out.push(char::from_u32(value).ok_or(i)?);
                    }
                    _ => return Err(i),
                }
            }
            '$' | '%' => {
                out.push(c);
                // `$${` stands for a literal `${` (likewise `%%{`).
                let mut ahead = chars.clone();
                if let (Some((_, a)), Some((_, b))) = (ahead.next(), ahead.next()) {
                    if a == c && b == '{' {
                        chars.next();
                    }
                }
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// Encodes `s` as the inside of a quoted string literal, the way the
/// reference writer does for generated string values.
pub fn escape_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' | '%' => {
                out.push(c);
                if chars.peek() == Some(&'{') {
                    out.push(c);
                }
            }
            _ if !is_print(c) => {
                let v = c as u32;
                if v < 0x10000 {
                    out.push_str(&format!("\\u{v:04x}"));
                } else {
                    out.push_str(&format!("\\U{v:08x}"));
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Approximates Go's `unicode.IsPrint`: letters, marks, numbers,
/// punctuation, symbols and the ASCII space are printable; other spaces,
/// controls, format characters, private-use and non-characters are not.
pub fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let v = c as u32;
    let format_chars = matches!(v,
        0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x08E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x13438
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F);
    let private_use = matches!(v, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF);
    let non_char = (v & 0xFFFE) == 0xFFFE || (0xFDD0..=0xFDEF).contains(&v);
    !(format_chars || private_use || non_char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        assert_eq!(unescape_quoted(r"a\nb\u00e9\U0001F600").unwrap(), "a\nbé😀");
        assert_eq!(unescape_quoted("$${x}%%{y").unwrap(), "${x}%{y");
        assert_eq!(unescape_quoted(r"\q"), Err(0));
        assert_eq!(unescape_quoted(r"ab\u12"), Err(2));
        assert_eq!(
            escape_quoted("a\"b\\${}\u{1}\u{a0}"),
            r#"a\"b\\$${}\u0001\u00a0"#
        );
        assert_eq!(escape_quoted("100%"), "100%");
    }
}
