//! The token rewrites `terraform fmt` (1.0) performs besides whitespace.
//!
//! * Block labels are normalised to quoted strings: identifier labels get
//!   quoted, escapes are decoded and re-encoded canonically (`"\u0041"`
//!   becomes `"A"`, non-printable characters become `\uXXXX`), and anything
//!   between the block type and the last label (comments) is dropped. A
//!   quoted label whose text the reference scanner splits into more than
//!   one literal piece (it contains a `$` or `%` that is not the whole
//!   label, e.g. `"a$b"`, `"100%"`) is *dropped* — a faithful reproduction
//!   of the reference behaviour.
//! * An attribute value that is exactly one interpolation, `"${expr}"`, is
//!   unwrapped to `expr` (leading/trailing newlines inside it trimmed; a
//!   result still spanning several lines is wrapped in parentheses unless it
//!   already starts with `(` and ends with `)`).
//! * In top-level `variable` blocks, `type` is modernised: `"string"` →
//!   `string`, `"list"` → `list(string)`, `"map"` → `map(string)`, and the
//!   bare `list` / `map` / `set` → `list(any)` / `map(any)` / `set(any)`.

use crate::escape::{escape_quoted, unescape_quoted};
use crate::parser::Structure;
use crate::token::{Kind, Token};
use std::ops::Range;

/// Applies all rewrites to `tokens`, using the parsed `structure`.
pub fn rewrite(tokens: &mut Vec<Token>, structure: &Structure) {
    let mut edits: Vec<(Range<usize>, Vec<Token>)> = Vec::new();
    for block in &structure.blocks {
        let (Some(first), Some(last)) = (block.labels.first(), block.labels.last()) else {
            continue;
        };
        let mut replacement = Vec::new();
        for label in &block.labels {
            if let Some(text) = label_value(&tokens[label.clone()]) {
                replacement.push(Token::synthetic(Kind::OQuote, "\""));
                replacement.push(Token::synthetic(Kind::QuotedLit, &escape_quoted(&text)));
                replacement.push(Token::synthetic(Kind::CQuote, "\""));
            }
        }
        edits.push((first.start..last.end, replacement));
    }
    for attr in &structure.attrs {
        let expr = &tokens[attr.expr.clone()];
        let replacement = if attr.in_variable_block && attr.name == "type" {
            type_expr(expr)
        } else {
            unwrap_interpolation(expr)
        };
        if let Some(replacement) = replacement {
            edits.push((attr.expr.clone(), replacement));
        }
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    for (range, replacement) in edits {
        tokens.splice(range, replacement);
    }
}

/// The value of a label, or `None` where the reference drops it.
fn label_value(tokens: &[Token]) -> Option<String> {
    match tokens {
        [t] if t.kind == Kind::Ident => Some(t.text.clone()),
        [o, c] if o.kind == Kind::OQuote && c.kind == Kind::CQuote => Some(String::new()),
        [o, lit, c]
            if o.kind == Kind::OQuote && lit.kind == Kind::QuotedLit && c.kind == Kind::CQuote =>
        {
            unescape_quoted(&lit.text).ok()
        }
        _ => None,
    }
}

/// `"${expr}"` → `expr`, when the template is provably one interpolation.
fn unwrap_interpolation(tokens: &[Token]) -> Option<Vec<Token>> {
    let n = tokens.len();
    if n < 5
        || tokens[0].kind != Kind::OQuote
        || tokens[1].kind != Kind::TemplateInterp
        || tokens[n - 2].kind != Kind::TemplateSeqEnd
        || tokens[n - 1].kind != Kind::CQuote
    {
        return None;
    }
    let inside = &tokens[2..n - 2];
    let mut quotes = 0i32;
    for tok in inside {
        match tok.kind {
            Kind::OQuote => quotes += 1,
            Kind::CQuote => quotes -= 1,
            _ if quotes > 0 => {}
            Kind::TemplateInterp | Kind::TemplateSeqEnd | Kind::QuotedLit => return None,
            _ => {}
        }
    }
    let start = inside
        .iter()
        .position(|t| t.kind != Kind::Newline)
        .unwrap_or(inside.len());
    let end = inside
        .iter()
        .rposition(|t| t.kind != Kind::Newline)
        .map_or(start, |i| i + 1);
    let trimmed = &inside[start..end.max(start)];
    // A multi-line result is parenthesised (unless it already starts and
    // ends with parentheses) so that it still parses once unwrapped.
    let multi_line = trimmed.iter().any(|t| t.kind == Kind::Newline);
    let parenthesised = trimmed.first().is_some_and(|t| t.kind == Kind::OParen)
        && trimmed.len() > 1
        && trimmed.last().is_some_and(|t| t.kind == Kind::CParen);
    if multi_line && !parenthesised {
        let mut wrapped = Vec::with_capacity(trimmed.len() + 2);
        wrapped.push(Token::synthetic(Kind::OParen, "("));
        wrapped.extend_from_slice(trimmed);
        wrapped.push(Token::synthetic(Kind::CParen, ")"));
        return Some(wrapped);
    }
    Some(trimmed.to_vec())
}

/// Legacy type constraints in `variable` blocks.
fn type_expr(tokens: &[Token]) -> Option<Vec<Token>> {
    let call = |name: &str, arg: &str| {
        Some(vec![
            Token::synthetic(Kind::Ident, name),
            Token::synthetic(Kind::OParen, "("),
            Token::synthetic(Kind::Ident, arg),
            Token::synthetic(Kind::CParen, ")"),
        ])
    };
    match tokens {
        [kw] if kw.kind == Kind::Ident => match kw.text.as_str() {
            "list" | "map" | "set" => call(&kw.text, "any"),
            _ => None,
        },
        [o, lit, c]
            if o.kind == Kind::OQuote && lit.kind == Kind::QuotedLit && c.kind == Kind::CQuote =>
        {
            match lit.text.as_str() {
                "string" => Some(vec![Token::synthetic(Kind::Ident, "string")]),
                "list" | "map" => call(&lit.text, "string"),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::format_source;

    #[test]
    fn labels_are_normalised() {
        assert_eq!(
            format_source("resource aws_instance /* c */ \"w\\u0041b\" {}\n").unwrap(),
            "resource \"aws_instance\" \"wAb\" {}\n"
        );
        assert_eq!(
            format_source("b \"a$b\" \"c\" {}\n").unwrap(),
            "b \"c\" {}\n"
        );
        assert_eq!(format_source("b \"$${x}\" {}\n").unwrap(), "b {}\n");
        assert_eq!(format_source("b \"$${\" {}\n").unwrap(), "b \"$${\" {}\n");
    }

    #[test]
    fn interpolations_are_unwrapped() {
        assert_eq!(format_source("a = \"${b}\"\n").unwrap(), "a = b\n");
        assert_eq!(format_source("a = \"${b}c\"\n").unwrap(), "a = \"${b}c\"\n");
        assert_eq!(
            format_source("a = \"${f(\"${b}\")}\"\n").unwrap(),
            "a = f(\"${b}\")\n"
        );
        assert_eq!(
            format_source("a = { b = \"${c}\" }\n").unwrap(),
            "a = { b = \"${c}\" }\n"
        );
        // One pass only, like the reference: the result may unwrap again.
        assert_eq!(
            format_source("a = \"${\"${b}\"}\"\n").unwrap(),
            "a = \"${b}\"\n"
        );
        // Multi-line results are parenthesised.
        assert_eq!(
            format_source("a = \"${b +\nc}\"\n").unwrap(),
            "a = (b +\nc)\n"
        );
    }

    #[test]
    fn variable_types_are_modernised() {
        let src = "variable \"a\" {\n  type = \"list\"\n}\nvariable \"b\" { type = map }\n";
        assert_eq!(
            format_source(src).unwrap(),
            "variable \"a\" {\n  type = list(string)\n}\nvariable \"b\" { type = map(any) }\n"
        );
        let nested = "variable \"a\" {\n  x {\n    type = \"string\"\n  }\n}\n";
        assert_eq!(format_source(nested).unwrap(), nested);
    }
}
