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
    hcl_edit::parser::parse_body(src).map_err(|e| syntax_error(&e, file))
}

/// Parses one expression.
pub fn parse_expression(src: &str, file: &LineIndex) -> Result<Expression, Box<Diagnostic>> {
    check_nesting(src, file)?;
    hcl_edit::parser::parse_expr(src).map_err(|e| syntax_error(&e, file))
}

/// Parses a template (the contents of a `templatefile` file).
pub fn parse_template(src: &str, file: &LineIndex) -> Result<Template, Box<Diagnostic>> {
    check_nesting(src, file)?;
    hcl_edit::parser::parse_template(src).map_err(|e| syntax_error(&e, file))
}

fn syntax_error(e: &hcl_edit::parser::Error, file: &LineIndex) -> Box<Diagnostic> {
    let loc = e.location();
    let start = file.pos(line_col_to_byte(file, loc.line(), loc.column()));
    let end = Pos { column: start.column + 1, byte: start.byte + 1, ..start };
    let range = SourceRange { filename: file.filename().clone(), start, end };
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
    Box::new(Diagnostic::error("Invalid syntax", detail).with_subject(range))
}

fn line_col_to_byte(file: &LineIndex, line: usize, column: usize) -> usize {
    let text = file.text();
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col_bytes: usize = l.chars().take(column.saturating_sub(1)).map(char::len_utf8).sum();
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
