//! Parsing source text with hcl-edit, turning its errors into diagnostics and refusing input
//! nested so deeply that a recursive parser could exhaust the stack.

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;
use hcl_edit::template::Template;
use infra_core::{Diagnostic, LineIndex, Pos, SourceRange};

/// The deepest bracket nesting accepted; deeper input is rejected before parsing.
pub const MAX_NESTING: usize = 100;

/// Parses a whole configuration file.
pub fn parse_body(src: &str, file: &LineIndex) -> Result<Body, Box<Diagnostic>> {
    check_nesting(src, file)?;
    let body =
        with_fixups(src, hcl_edit::parser::parse_body).map_err(|e| syntax_error(&e, file))?;
    let mut v = QuotedSpans::default();
    hcl_edit::visit::Visit::visit_body(&mut v, &body);
    check_quoted_newlines(src, file, &v.spans)?;
    Ok(body)
}

/// Parses one expression.
pub fn parse_expression(src: &str, file: &LineIndex) -> Result<Expression, Box<Diagnostic>> {
    check_nesting(src, file)?;
    let expr =
        with_fixups(src, hcl_edit::parser::parse_expr).map_err(|e| syntax_error(&e, file))?;
    let mut v = QuotedSpans::default();
    hcl_edit::visit::Visit::visit_expr(&mut v, &expr);
    check_quoted_newlines(src, file, &v.spans)?;
    Ok(expr)
}

/// Collects the source spans of quoted string literals (not heredocs).
#[derive(Default)]
struct QuotedSpans {
    in_heredoc: usize,
    spans: Vec<std::ops::Range<usize>>,
}

impl hcl_edit::visit::Visit for QuotedSpans {
    fn visit_heredoc_template(&mut self, node: &hcl_edit::template::HeredocTemplate) {
        self.in_heredoc += 1;
        hcl_edit::visit::visit_heredoc_template(self, node);
        self.in_heredoc -= 1;
    }
    fn visit_literal(&mut self, node: &hcl_edit::repr::Spanned<String>) {
        if self.in_heredoc == 0 {
            if let Some(sp) = hcl_edit::Span::span(node) {
                self.spans.push(sp);
            }
        }
    }
    fn visit_string(&mut self, node: &hcl_edit::repr::Decorated<String>) {
        if self.in_heredoc == 0 {
            if let Some(sp) = hcl_edit::Span::span(node) {
                self.spans.push(sp);
            }
        }
    }
}

/// Parses a template (the contents of a `templatefile` file).
pub fn parse_template(src: &str, file: &LineIndex) -> Result<Template, Box<Diagnostic>> {
    check_nesting(src, file)?;
    with_fixups(src, hcl_edit::parser::parse_template).map_err(|e| syntax_error(&e, file))
}

/// How many times a parse is retried after working around an hcl-edit limitation.
const MAX_FIXUPS: usize = 64;

/// Parses `src`, working around two places where hcl-edit rejects what Terraform accepts:
/// number literals beyond `f64` range (`1e400`) and repeated keys in an object constructor
/// (`{a = 1, a = 2}`, where the last wins). The offending text is replaced by text of the same
/// length that hcl-edit accepts, so every span still points into the original source, from which
/// the evaluator reads number literals and object keys. Errors are reported for the original.
fn with_fixups<T>(
    src: &str,
    parse: fn(&str) -> Result<T, hcl_edit::parser::Error>,
) -> Result<T, hcl_edit::parser::Error> {
    let first = match parse(src) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let mut text = src.to_string();
    let mut err_offset = first.location().offset();
    let mut message = first.message().to_string();
    for _ in 0..MAX_FIXUPS {
        let fixed = fix_big_number(&mut text, err_offset)
            || (message.contains("redefined object key")
                && fix_duplicate_key(&mut text, err_offset));
        if !fixed {
            return Err(first);
        }
        match parse(&text) {
            Ok(v) => return Ok(v),
            Err(e) => {
                err_offset = e.location().offset();
                message = e.message().to_string();
            }
        }
    }
    Err(first)
}

/// Replaces the exponent digits of an out-of-`f64`-range literal at `at` with zeros.
fn fix_big_number(text: &mut String, at: usize) -> bool {
    let bytes = text.as_bytes();
    // The parser stops inside the literal (after its integer part): step back to its start.
    let mut at = at.min(bytes.len());
    while at > 0 && (bytes[at - 1].is_ascii_digit() || bytes[at - 1] == b'.') {
        at -= 1;
    }
    let mut i = at;
    if bytes.get(i) == Some(&b'-') {
        i += 1;
        while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
    }
    let start = i;
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if i == start {
        return false;
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    if !matches!(bytes.get(i), Some(b'e' | b'E')) {
        return false;
    }
    i += 1;
    if matches!(bytes.get(i), Some(b'+' | b'-')) {
        i += 1;
    }
    let exp_start = i;
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if i == exp_start || text[start..i].parse::<f64>().is_ok_and(f64::is_finite) {
        return false;
    }
    text.replace_range(exp_start..i, &"0".repeat(i - exp_start));
    true
}

/// Renames the repeated object key at `at` to an unused name of the same length.
fn fix_duplicate_key(text: &mut String, at: usize) -> bool {
    let rest = &text[at.min(text.len())..];
    let (from, len) = if let Some(inner) = rest.strip_prefix('"') {
        match inner.find('"') {
            Some(n)
                if inner[..n]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                    && n > 0 =>
            {
                (at + 1, n)
            }
            _ => return false,
        }
    } else {
        let n = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .count();
        if n == 0 || !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return false;
        }
        (at, n)
    };
    // A name of the same length that does not occur in the text: a letter then digits/letters.
    let alphabet: Vec<char> = ('a'..='z').chain('A'..='Z').collect();
    for n in 0usize.. {
        let mut name = String::with_capacity(len);
        let mut k = n;
        for _ in 0..len {
            name.push(alphabet[k % alphabet.len()]);
            k /= alphabet.len();
        }
        if k > 0 {
            return false;
        }
        if !text.contains(&name) {
            text.replace_range(from..from + len, &name);
            return true;
        }
    }
    false
}

fn syntax_error(e: &hcl_edit::parser::Error, file: &LineIndex) -> Box<Diagnostic> {
    let loc = e.location();
    let start = file.pos(line_col_to_byte(file, loc.line(), loc.column()));
    let end = Pos {
        column: start.column + 1,
        byte: start.byte + 1,
        ..start
    };
    let range = SourceRange {
        filename: file.filename().clone(),
        start,
        end,
    };
    let message = e.message().trim();
    let detail = if message.is_empty() {
        "The parser could not understand the source here.".to_string()
    } else {
        let mut m = message.to_string();
        if let Some(first) = m.get(0..1) {
            let upper = first.to_uppercase();
            m.replace_range(0..1, &upper);
        }
        if !m.ends_with('.') {
            m.push('.');
        }
        m
    };
    let summary = classify(message, file.text(), start.byte);
    Box::new(Diagnostic::error(summary, detail).with_subject(range))
}

/// Terraform's summary for a syntax error, from the parser's message and the source around the
/// error (what is open at that point: a string, a template directive, brackets).
fn classify(message: &str, src: &str, at: usize) -> &'static str {
    let m = message.to_ascii_lowercase();
    if m.contains("escape") || m.contains("unicode") {
        return "Invalid escape sequence";
    }
    let before = &src[..at.min(src.len())];
    if let Some(summary) = src[at.min(src.len())..]
        .strip_prefix('"')
        .and_then(string_problem)
    {
        return summary;
    }
    let ctx = open_context(before);
    match ctx {
        Open::Str { newline_next } => {
            let rest = &src[at.min(src.len())..];
            if newline_next || rest.starts_with('\n') || rest.starts_with("\r\n") {
                return "Invalid multi-line string";
            }
            let word = rest.trim_start_matches(|c: char| {
                c == '%' || c == '{' || c == '~' || c.is_whitespace()
            });
            if word.starts_with("endif") {
                return "Unexpected endif directive";
            }
            if word.starts_with("endfor") {
                return "Unexpected endfor directive";
            }
            if word.starts_with("else") {
                return "Unexpected else directive";
            }
            return "Unexpected end of template";
        }
        Open::Bracket('[') => {
            if before.trim_end().ends_with('.') {
                return "Invalid attribute name";
            }
            let tail = before.trim_end();
            if tail.ends_with('[') || tail.ends_with(',') {
                return "Invalid expression";
            }
            return "Missing item separator";
        }
        Open::Bracket('{') => {
            let tail = before.trim_end();
            if tail.ends_with('{') && src[at.min(src.len())..].trim_start().starts_with("for") {
                return "Invalid 'for' expression";
            }
            if src[at.min(src.len())..].trim_start().starts_with('=') && tail.ends_with("for") {
                return "Invalid 'for' expression";
            }
            return "Missing attribute separator";
        }
        _ => {}
    }
    "Invalid expression"
}

/// What is wrong with the quoted string starting just before `s` (which follows its `"`): it runs
/// into a line end, or its template directives do not balance.
fn string_problem(s: &str) -> Option<&'static str> {
    let mut depth = 0i32;
    let mut ifs: Vec<&str> = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if depth == 0 => {
                chars.next();
            }
            '\n' => return Some("Invalid multi-line string"),
            '"' if depth == 0 => break,
            '$' | '%' if s[i + 1..].starts_with('{') && depth == 0 => {
                chars.next();
                depth += 1;
                if c == '%' {
                    let word =
                        s[i + 2..].trim_start_matches(|c: char| c == '~' || c.is_whitespace());
                    for kw in ["if", "for", "else", "endif", "endfor"] {
                        if word.starts_with(kw)
                            && !word[kw.len()..]
                                .starts_with(|c: char| c.is_alphanumeric() || c == '_')
                        {
                            match kw {
                                "if" | "for" => ifs.push(kw),
                                "endif" | "endfor" => {
                                    if ifs.pop().is_none() {
                                        return Some(if kw == "endif" {
                                            "Unexpected endif directive"
                                        } else {
                                            "Unexpected endfor directive"
                                        });
                                    }
                                }
                                _ => {
                                    if ifs.last() != Some(&"if") {
                                        return Some("Unexpected else directive");
                                    }
                                }
                            }
                            break;
                        }
                    }
                }
            }
            '{' if depth > 0 => depth += 1,
            '}' if depth > 0 => depth -= 1,
            _ => {}
        }
    }
    if depth > 0 {
        return Some("Invalid multi-line string");
    }
    if !ifs.is_empty() {
        return Some("Unexpected end of template");
    }
    None
}

enum Open {
    None,
    Bracket(char),
    /// Inside a quoted string; `newline_next` when the string runs into a line end.
    Str {
        newline_next: bool,
    },
}

/// What is open at the end of `before`: the innermost unclosed bracket, or a quoted string.
fn open_context(before: &str) -> Open {
    let mut stack: Vec<char> = Vec::new();
    let mut chars = before.chars().peekable();
    while let Some(c) = chars.next() {
        let in_str = stack.last() == Some(&'"');
        if in_str {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    stack.pop();
                }
                '$' | '%' if chars.peek() == Some(&'{') => {
                    chars.next();
                    stack.push('{');
                }
                _ => {}
            }
            continue;
        }
        match c {
            '"' => stack.push('"'),
            '(' | '[' | '{' => stack.push(c),
            ')' | ']' | '}' => {
                stack.pop();
            }
            '#' => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    match stack.last() {
        Some('"') => Open::Str {
            newline_next: before.ends_with('\n'),
        },
        Some(&c) => Open::Bracket(c),
        None => Open::None,
    }
}

/// Quoted strings may not span lines in Terraform (heredocs may); hcl-edit accepts it, so check.
fn check_quoted_newlines(
    expr_src: &str,
    file: &LineIndex,
    spans: &[std::ops::Range<usize>],
) -> Result<(), Box<Diagnostic>> {
    for sp in spans {
        if let Some(text) = expr_src.get(sp.clone()) {
            if let Some(i) = text.find('\n') {
                return Err(Box::new(
                    Diagnostic::error(
                        "Invalid multi-line string",
                        "Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the \"heredoc\" multi-line template syntax.",
                    )
                    .with_subject(file.range(sp.start + i..sp.start + i + 1)),
                ));
            }
        }
    }
    Ok(())
}

fn line_col_to_byte(file: &LineIndex, line: usize, column: usize) -> usize {
    let text = file.text();
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col_bytes: usize = l
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            return offset + col_bytes;
        }
        offset += l.len();
    }
    text.len()
}

/// Rejects input whose brackets nest deeper than [`MAX_NESTING`].
fn check_nesting(src: &str, file: &LineIndex) -> Result<(), Box<Diagnostic>> {
    let mut depth = 0usize;
    for (i, b) in src.bytes().enumerate() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(Box::new(
                        Diagnostic::error(
                            "Nesting too deep",
                            format!("Brackets, braces and parentheses may nest at most {MAX_NESTING} levels deep."),
                        )
                        .with_subject(file.range(i..i + 1)),
                    ));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}
