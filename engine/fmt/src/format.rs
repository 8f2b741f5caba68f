//! The whitespace rules of the canonical style, applied to a token stream.
//!
//! Formatting only ever changes `spaces_before` of tokens. It works line by
//! line: each line is split into up to three cells — the *lead*, the
//! *assign* cell (from an `=` whose right-hand side is bracket-balanced on
//! that line) and a trailing single-line *comment* — then
//!
//! 1. the first token of every line is indented two spaces per open
//!    bracket level, tracked with a stack of per-line bracket surpluses;
//! 2. spaces between tokens within a cell are set by [`space_after`];
//! 3. the assign cells of consecutive lines are aligned, and then the
//!    comment cells of consecutive lines.

use crate::token::{Kind, Token};
use crate::width::columns;
use std::ops::Range;

/// One line split into its cells (token index ranges).
#[derive(Debug, Clone, Default)]
struct Line {
    lead: Range<usize>,
    assign: Option<Range<usize>>,
    comment: Option<Range<usize>>,
}

/// Applies the canonical whitespace to `tokens` in place.
pub fn format(tokens: &mut [Token]) {
    let lines = split_lines(tokens);
    indent(tokens, &lines);
    for line in &lines {
        space_cell(tokens, line.lead.clone(), false);
        if let Some(assign) = &line.assign {
            space_cell(tokens, assign.clone(), true);
        }
    }
    align(tokens, &lines);
}

fn split_lines(tokens: &[Token]) -> Vec<Line> {
    let end = tokens
        .iter()
        .position(|t| t.kind == Kind::Eof)
        .unwrap_or(tokens.len());
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, tok) in tokens[..end].iter().enumerate() {
        if tok.is_newline() {
            lines.push(start..i + 1);
            start = i + 1;
        }
    }
    lines.push(start..end);

    lines
        .into_iter()
        .map(|range| {
            let mut line = Line {
                lead: range.clone(),
                ..Line::default()
            };
            if range.len() > 1 && tokens[range.end - 1].kind == Kind::Comment {
                line.comment = Some(range.end - 1..range.end);
                line.lead = range.start..range.end - 1;
            }
            let lead = line.lead.clone();
            if let Some(eq) = lead
                .clone()
                .skip(1)
                .find(|&i| tokens[i].kind == Kind::Equal)
            {
                let net: i32 = tokens[eq..lead.end]
                    .iter()
                    .map(|t| t.kind.bracket_change())
                    .sum();
                if net == 0 {
                    line.assign = Some(eq..lead.end);
                    line.lead = lead.start..eq;
                }
            }
            line
        })
        .collect()
}

fn indent(tokens: &mut [Token], lines: &[Line]) {
    let mut stack: Vec<i32> = Vec::new();
    for line in lines {
        if line.lead.is_empty() {
            continue;
        }
        let first = line.lead.start;
        if tokens[first].kind == Kind::Newline {
            tokens[first].spaces_before = 0;
            continue;
        }
        let mut net = 0;
        for tok in &tokens[line.lead.clone()] {
            net += tok.kind.bracket_change();
            if tok.kind == Kind::OHeredoc {
                break;
            }
        }
        if let Some(assign) = &line.assign {
            net += tokens[assign.clone()]
                .iter()
                .map(|t| t.kind.bracket_change())
                .sum::<i32>();
        }
        if net > 0 {
            tokens[first].spaces_before = 2 * stack.len();
            stack.push(net);
            continue;
        }
        let mut closed = -net;
        while closed > 0 {
            let Some(top) = stack.last_mut() else { break };
            if closed >= *top {
                closed -= *top;
                stack.pop();
            } else {
                *top -= closed;
                closed = 0;
            }
        }
        tokens[first].spaces_before = 2 * stack.len();
    }
}

fn space_cell(tokens: &mut [Token], cell: Range<usize>, is_assign: bool) {
    if cell.is_empty() {
        return;
    }
    if is_assign {
        tokens[cell.start].spaces_before = 1;
    }
    for i in cell.start..cell.end - 1 {
        let before = if i > cell.start {
            Some(&tokens[i - 1])
        } else {
            None
        };
        let space = space_after(&tokens[i], before, &tokens[i + 1]);
        tokens[i + 1].spaces_before = usize::from(space);
    }
}

/// Whether a space belongs between `subject` and the `after` token that
/// follows it on the same line (`before` precedes `subject`, if any).
pub fn space_after(subject: &Token, before: Option<&Token>, after: &Token) -> bool {
    use Kind::*;
    let (s, a) = (subject.kind, after.kind);
    let before_kind = before.map(|t| t.kind);
    if a == Newline || a == Eof {
        return false;
    }
    if s == Ident && a == OParen {
        return false; // function call
    }
    if s == Dot || a == Dot {
        return false;
    }
    if a == Comma || a == Ellipsis {
        return false;
    }
    if s == Comma {
        return true;
    }
    if matches!(s, QuotedLit | StringLit | OQuote | OHeredoc)
        || matches!(a, QuotedLit | StringLit | CQuote | CHeredoc)
    {
        return false; // template text is kept verbatim
    }
    if subject.is_keyword("in") && before_kind == Some(Ident) {
        return true; // `for x in [...]`
    }
    if a == OBrack && (s == Ident || s == NumberLit || s.bracket_change() < 0) {
        return false; // index
    }
    if s == Bang {
        return false;
    }
    if s == Minus {
        // Negation (no space) unless the previous token can end an operand.
        return !matches!(
            before_kind,
            None | Some(
                OParen
                    | OBrace
                    | OBrack
                    | Equal
                    | Colon
                    | Comma
                    | Question
                    | Plus
                    | Star
                    | Slash
                    | Percent
                    | Minus
                    | EqualOp
                    | NotEqual
                    | GreaterThan
                    | GreaterThanEq
                    | LessThan
                    | LessThanEq
                    | And
                    | Or
                    | Bang
            )
        );
    }
    if s == OBrace || a == CBrace {
        return !(s == OBrace && a == CBrace);
    }
    if matches!(s, TemplateInterp | TemplateControl) && a == OBrace {
        return true;
    }
    if s == CBrace && a == TemplateSeqEnd {
        return true;
    }
    if s == TemplateSeqEnd && matches!(a, TemplateInterp | TemplateControl) {
        return false;
    }
    if s.bracket_change() > 0 || a.bracket_change() < 0 {
        return false;
    }
    true
}

fn cell_columns(tokens: &[Token], cell: &Range<usize>) -> usize {
    tokens[cell.clone()]
        .iter()
        .map(|t| t.spaces_before + columns(&t.text))
        .sum()
}

fn align(tokens: &mut [Token], lines: &[Line]) {
    // `=` of consecutive assignment lines.
    let mut chain: Vec<usize> = Vec::new();
    let close = |tokens: &mut [Token], chain: &mut Vec<usize>| {
        let widths: Vec<usize> = chain
            .iter()
            .map(|&l| cell_columns(tokens, &lines[l].lead))
            .collect();
        let max = widths.iter().copied().max().unwrap_or(0);
        for (&l, w) in chain.iter().zip(widths) {
            if let Some(assign) = &lines[l].assign {
                tokens[assign.start].spaces_before = max - w + 1;
            }
        }
        chain.clear();
    };
    for (i, line) in lines.iter().enumerate() {
        if line.assign.is_some() {
            chain.push(i);
        } else if !chain.is_empty() {
            close(tokens, &mut chain);
        }
    }
    close(tokens, &mut chain);

    // Trailing comments of consecutive lines.
    let width = |tokens: &[Token], line: &Line| {
        cell_columns(tokens, &line.lead)
            + line.assign.as_ref().map_or(0, |a| cell_columns(tokens, a))
    };
    let mut chain: Vec<usize> = Vec::new();
    let close = |tokens: &mut [Token], chain: &mut Vec<usize>| {
        let widths: Vec<usize> = chain.iter().map(|&l| width(tokens, &lines[l])).collect();
        let max = widths.iter().copied().max().unwrap_or(0);
        for (&l, w) in chain.iter().zip(widths) {
            if let Some(comment) = &lines[l].comment {
                tokens[comment.start].spaces_before = max - w + 1;
            }
        }
        chain.clear();
    };
    for (i, line) in lines.iter().enumerate() {
        if line.comment.is_some() {
            chain.push(i);
        } else if !chain.is_empty() {
            close(tokens, &mut chain);
        }
    }
    close(tokens, &mut chain);
}

#[cfg(test)]
mod tests {
    use crate::lexer::lex;
    use crate::token::write_tokens;

    fn fmt(src: &str) -> String {
        let mut toks = lex(src).unwrap();
        super::format(&mut toks);
        write_tokens(&toks)
    }

    #[test]
    fn spaces_around_operators() {
        assert_eq!(fmt("a=b+c*2\n"), "a = b + c * 2\n");
        assert_eq!(fmt("a = x?-1:y\n"), "a = x ? -1 : y\n");
        assert_eq!(fmt("a = b - -c\n"), "a = b - -c\n");
        assert_eq!(fmt("a = ! b && c>=d\n"), "a = !b && c >= d\n");
    }

    #[test]
    fn brackets_calls_and_access() {
        assert_eq!(fmt("a = f( x , y ... )\n"), "a = f(x, y...)\n");
        assert_eq!(fmt("a = [ 1 , 2 ]\n"), "a = [1, 2]\n");
        assert_eq!(fmt("a = b . c [ 0 ] . * . d\n"), "a = b.c[0].*.d\n");
        assert_eq!(fmt("a = b[ * ].c\n"), "a = b[*].c\n");
        assert_eq!(fmt("a = {b=1}\n"), "a = { b = 1 }\n");
        assert_eq!(fmt("a = {}\nb { }\n"), "a = {}\nb {}\n");
    }

    #[test]
    fn for_expressions_and_templates() {
        assert_eq!(
            fmt("a = [for x in [1]: x if x>0]\n"),
            "a = [for x in [1] : x if x > 0]\n"
        );
        assert_eq!(
            fmt("a = {for k,v in m: k=>v...}\n"),
            "a = { for k, v in m : k => v... }\n"
        );
        assert_eq!(
            fmt("a = \"x${ b }y%{ if c }z%{ endif }\"\n"),
            "a = \"x${b}y%{if c}z%{endif}\"\n"
        );
        assert_eq!(fmt("a = \"${ {b=1} }\"\n"), "a = \"${ { b = 1 } }\"\n");
    }

    #[test]
    fn indentation_and_alignment() {
        assert_eq!(
            fmt("b {\nx=1\nlong_name=2\n\ny = [\n1,\n]\n}\n"),
            "b {\n  x         = 1\n  long_name = 2\n\n  y = [\n    1,\n  ]\n}\n"
        );
        assert_eq!(
            fmt("a = 1 # x\nbbb = 2 # y\n"),
            "a   = 1 # x\nbbb = 2 # y\n"
        );
        assert_eq!(fmt("a = {\nb = 1 }\n"), "a = {\nb = 1 }\n");
    }
}
