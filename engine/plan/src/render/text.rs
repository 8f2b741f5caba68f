//! Small text helpers the human renderer shares: Terraform's colour tags (`[green]`, `[reset]`),
//! word wrapping at Terraform's default width, Go's `%q` string quoting and the horizontal rule.
//!
//! Colour tags are only ever expanded in the renderer's own fixed templates, never in user
//! values, so a `[red]` inside an attribute value is printed as typed.

/// Terraform's output width when stdout is not a terminal.
pub(crate) const COLUMNS: usize = 78;

/// Expands Terraform's colour tags into ANSI sequences, or strips them when `color` is false.
pub(crate) fn colorize(template: &str, color: bool) -> String {
    const TAGS: [(&str, &str); 9] = [
        ("[reset]", "\x1b[0m"),
        ("[bold]", "\x1b[1m"),
        ("[dim]", "\x1b[2m"),
        ("[red]", "\x1b[31m"),
        ("[green]", "\x1b[32m"),
        ("[yellow]", "\x1b[33m"),
        ("[cyan]", "\x1b[36m"),
        ("[dark_gray]", "\x1b[90m"),
        ("[underline]", "\x1b[4m"),
    ];
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    'outer: while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        for (tag, code) in TAGS {
            if let Some(after) = rest.strip_prefix(tag) {
                if color {
                    out.push_str(code);
                }
                rest = after;
                continue 'outer;
            }
        }
        out.push('[');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

/// Wraps prose as Terraform's `format.WordWrap(text, 78)` does: lines of at most 77 columns.
pub(crate) fn wrap(text: &str) -> String {
    word_wrap(text, COLUMNS - 1)
}

/// Greedy word wrap of each line at `width` columns (go-wordwrap, as Terraform uses it): lines
/// that start with a space are left alone, a single word longer than the width stays whole.
pub(crate) fn word_wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.starts_with(' ') || line.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let mut current = 0usize;
        for (j, word) in line.split(' ').enumerate() {
            let w = word.chars().count();
            if j > 0 {
                if current + 1 + w > width {
                    out.push('\n');
                    current = 0;
                } else {
                    out.push(' ');
                    current += 1;
                }
            }
            out.push_str(word);
            current += w;
        }
    }
    out
}

/// The rule Terraform draws between sections: one column narrower than the output width.
pub(crate) fn horizontal_rule() -> String {
    "─".repeat(COLUMNS - 1)
}

/// Go's `strconv.Quote`, which Terraform's `%q` uses for strings, keys and resource names.
pub(crate) fn go_quote(s: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(s.len() + 2);
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
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if !go_printable(c) => {
                if (c as u32) <= 0xffff {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                } else {
                    let _ = write!(out, "\\U{:08x}", c as u32);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint` for non-ASCII characters: controls, the
/// non-space separators and the common invisible format characters are not printable.
fn go_printable(c: char) -> bool {
    let u = c as u32;
    !(c.is_control()
        || u == 0xa0
        || u == 0xad
        || u == 0x1680
        || (0x2000..=0x200f).contains(&u)
        || (0x2028..=0x202f).contains(&u)
        || (0x205f..=0x2064).contains(&u)
        || u == 0x3000
        || u == 0xfeff
        || (0xfff9..=0xfffb).contains(&u)
        || (0xd800..=0xdfff).contains(&u))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn wraps(text: &str, width: usize, want: &str) {
        assert_eq!(word_wrap(text, width), want);
    }

    #[test]
    fn wrapping_is_greedy_and_keeps_indented_lines() {
        wraps("aa bb cc", 5, "aa bb\ncc");
        wraps("aa bb cc", 8, "aa bb cc");
        wraps(
            "  indented line stays as it is",
            5,
            "  indented line stays as it is",
        );
        wraps("averyveryverylongword x", 4, "averyveryverylongword\nx");
        wraps("a\n\nb c", 1, "a\n\nb\nc");
    }

    #[test]
    fn colour_tags_expand_or_vanish() {
        assert_eq!(colorize("[green]+[reset] x", false), "+ x");
        assert_eq!(colorize("[green]+[reset]", true), "\x1b[32m+\x1b[0m");
        assert_eq!(colorize("a[b]c[", true), "a[b]c[");
    }

    #[test]
    fn quoting_follows_go() {
        assert_eq!(go_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(go_quote("\u{1}é\u{a0}"), "\"\\x01é\\u00a0\"");
        assert_eq!(go_quote("日本"), "\"日本\"");
    }
}
