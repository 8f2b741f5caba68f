//! A validating recursive-descent parser over the token stream.
//!
//! `terraform fmt` refuses to touch a file that does not parse, so this
//! walks the whole grammar of the native syntax (bodies, attributes, blocks,
//! single-line blocks, expressions, templates and their directives) and
//! reports the first syntax error with its position. While walking it
//! records what the rewrites need: every attribute's name and expression
//! token range, and every block's label token ranges.

use crate::token::{Kind, Token};
use crate::FormatError;
use std::collections::HashSet;
use std::ops::Range;

/// An attribute definition found in a body.
#[derive(Debug, Clone)]
pub struct Attr {
    /// The attribute name.
    pub name: String,
    /// Token index range of the value expression.
    pub expr: Range<usize>,
    /// Whether the attribute sits directly in a top-level `variable` block.
    pub in_variable_block: bool,
}

/// A block header found in a body.
#[derive(Debug, Clone)]
pub struct Block {
    /// Token index ranges of each label (an identifier, or quote to quote).
    pub labels: Vec<Range<usize>>,
}

/// What the rewrites need to know about a parsed file.
#[derive(Debug, Default)]
pub struct Structure {
    /// Every attribute, in source order.
    pub attrs: Vec<Attr>,
    /// Every block, in source order.
    pub blocks: Vec<Block>,
}

/// Deeper nesting than this is rejected rather than risking the stack.
const MAX_DEPTH: usize = 200;

const BINARY_LEVELS: [&[Kind]; 6] = [
    &[Kind::Or],
    &[Kind::And],
    &[Kind::EqualOp, Kind::NotEqual],
    &[
        Kind::GreaterThan,
        Kind::GreaterThanEq,
        Kind::LessThan,
        Kind::LessThanEq,
    ],
    &[Kind::Plus, Kind::Minus],
    &[Kind::Star, Kind::Slash, Kind::Percent],
];

type PResult<T = ()> = Result<T, FormatError>;

/// Parses a whole file of tokens (which must end with [`Kind::Eof`]).
pub fn parse(tokens: &[Token]) -> Result<Structure, FormatError> {
    let mut p = Parser {
        toks: tokens,
        pos: 0,
        last: 0,
        newlines: vec![true],
        depth: 0,
        out: Structure::default(),
    };
    p.body(&mut Vec::new(), false)?;
    Ok(p.out)
}

struct Parser<'a> {
    toks: &'a [Token],
    pos: usize,
    last: usize,
    newlines: Vec<bool>,
    depth: usize,
    out: Structure,
}

impl Parser<'_> {
    fn err(&self, idx: usize, message: impl Into<String>) -> FormatError {
        let tok = &self.toks[idx.min(self.toks.len() - 1)];
        FormatError {
            message: message.into(),
            line: tok.line,
            column: tok.column,
        }
    }

    fn with_newlines<T>(
        &mut self,
        on: bool,
        f: impl FnOnce(&mut Self) -> PResult<T>,
    ) -> PResult<T> {
        self.newlines.push(on);
        let r = f(self);
        self.newlines.pop();
        r
    }

    /// The next significant token: comments are skipped, except that a
    /// single-line comment counts as a newline where newlines matter.
    fn peek(&self) -> (usize, Kind) {
        let nl = *self.newlines.last().unwrap_or(&true);
        let mut i = self.pos;
        while let Some(t) = self.toks.get(i) {
            match t.kind {
                Kind::Comment if nl && t.text.ends_with('\n') => return (i, Kind::Newline),
                Kind::Comment => i += 1,
                Kind::Newline if !nl => i += 1,
                k => return (i, k),
            }
        }
        (self.toks.len() - 1, Kind::Eof)
    }

    fn next(&mut self) -> (usize, Kind) {
        let (i, k) = self.peek();
        if k != Kind::Eof {
            self.pos = i + 1;
            self.last = i;
        }
        (i, k)
    }

    fn expect(&mut self, kind: Kind, message: &str) -> PResult<usize> {
        let (i, k) = self.peek();
        if k != kind {
            return Err(self.err(i, message));
        }
        self.next();
        Ok(i)
    }

    fn peek_keyword(&self, word: &str) -> bool {
        let (i, k) = self.peek();
        k == Kind::Ident && self.toks[i].text == word
    }

    fn nested<T>(&mut self, at: usize, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_DEPTH {
            return Err(self.err(at, "Nesting too deep"));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn body(&mut self, path: &mut Vec<String>, in_block: bool) -> PResult {
        let mut names = HashSet::new();
        loop {
            let (i, k) = self.peek();
            match k {
                Kind::Newline => {
                    self.next();
                }
                Kind::Eof if !in_block => return Ok(()),
                Kind::Eof => return Err(self.err(i, "Unclosed configuration block")),
                Kind::CBrace if in_block => return Ok(()),
                Kind::Ident => self.body_item(path, &mut names)?,
                Kind::OQuote => return Err(self.err(i, "Invalid argument name")),
                _ => return Err(self.err(i, "Argument or block definition required")),
            }
        }
    }

    fn end_of_item(&mut self, message: &str) -> PResult {
        match self.peek() {
            (_, Kind::Newline) => {
                self.next();
                Ok(())
            }
            (_, Kind::Eof) => Ok(()),
            (i, _) => Err(self.err(i, message)),
        }
    }

    fn body_item(&mut self, path: &mut Vec<String>, names: &mut HashSet<String>) -> PResult {
        let (name_idx, _) = self.next();
        match self.peek() {
            (_, Kind::Equal) => {
                self.next();
                self.attribute_value(name_idx, path, names)?;
                self.end_of_item("Missing newline after argument")
            }
            (_, Kind::OQuote | Kind::Ident | Kind::OBrace) => self.block(name_idx, path),
            (i, _) => Err(self.err(i, "Argument or block definition required")),
        }
    }

    fn attribute_value(
        &mut self,
        name_idx: usize,
        path: &[String],
        names: &mut HashSet<String>,
    ) -> PResult {
        let name = self.toks[name_idx].text.clone();
        if !names.insert(name.clone()) {
            return Err(self.err(name_idx, format!("Attribute redefined: {name}")));
        }
        let start = self.peek().0;
        self.expression()?;
        self.out.attrs.push(Attr {
            name,
            expr: start..self.last + 1,
            in_variable_block: path.len() == 1 && path[0] == "variable",
        });
        Ok(())
    }

    fn block(&mut self, type_idx: usize, path: &mut Vec<String>) -> PResult {
        let mut labels = Vec::new();
        loop {
            match self.peek() {
                (i, Kind::Ident) => {
                    self.next();
                    labels.push(i..i + 1);
                }
                (i, Kind::OQuote) => {
                    self.next();
                    loop {
                        match self.toks.get(self.pos).map(|t| t.kind) {
                            Some(Kind::QuotedLit) => self.pos += 1,
                            Some(Kind::CQuote) => break,
                            _ => {
                                return Err(self.err(
                                    self.pos,
                                    "Invalid string literal: template sequences are not allowed in a block label",
                                ))
                            }
                        }
                    }
                    self.last = self.pos;
                    self.pos += 1;
                    labels.push(i..self.last + 1);
                }
                (_, Kind::OBrace) => break,
                (i, _) => {
                    return Err(self.err(
                        i,
                        "Invalid block definition: the block content must be delimited by \"{\" and \"}\", starting on the same line as the block header",
                    ))
                }
            }
        }
        self.out.blocks.push(Block { labels });
        let open = self.expect(Kind::OBrace, "Expected \"{\"")?;
        path.push(self.toks[type_idx].text.clone());
        let r = self.nested(open, |p| p.block_body(path));
        path.pop();
        r?;
        self.end_of_item("Missing newline after block definition")
    }

    fn block_body(&mut self, path: &mut Vec<String>) -> PResult {
        match self.peek() {
            (_, Kind::Newline) => {
                self.next();
                self.body(path, true)?;
                self.expect(Kind::CBrace, "Unclosed configuration block")?;
            }
            (_, Kind::CBrace) => {
                self.next();
            }
            (i, Kind::Ident) => {
                self.next();
                if self.peek().1 != Kind::Equal {
                    return Err(self.err(i, "Argument definition required: a single-line block may contain only one argument"));
                }
                self.next();
                self.attribute_value(i, path, &mut HashSet::new())?;
                self.expect(
                    Kind::CBrace,
                    "Invalid single-argument block definition: expected \"}\" right after the argument",
                )?;
            }
            (i, _) => return Err(self.err(i, "Argument or block definition required")),
        }
        Ok(())
    }

    fn expression(&mut self) -> PResult {
        let at = self.peek().0;
        self.nested(at, |p| {
            p.binary(0)?;
            if p.peek().1 == Kind::Question {
                p.next();
                p.expression()?;
                p.expect(Kind::Colon, "Missing false expression in conditional")?;
                p.expression()?;
            }
            Ok(())
        })
    }

    fn binary(&mut self, level: usize) -> PResult {
        let Some(ops) = BINARY_LEVELS.get(level) else {
            return self.unary();
        };
        self.binary(level + 1)?;
        while ops.contains(&self.peek().1) {
            self.next();
            self.binary(level + 1)?;
        }
        Ok(())
    }

    fn unary(&mut self) -> PResult {
        match self.peek() {
            (i, Kind::Minus | Kind::Bang) => {
                self.next();
                self.nested(i, |p| p.unary())
            }
            _ => self.postfix(),
        }
    }

    fn postfix(&mut self) -> PResult {
        self.term()?;
        loop {
            match self.peek().1 {
                Kind::Dot => {
                    self.next();
                    match self.peek() {
                        (i, Kind::NumberLit) if self.toks[i].text.contains('.') => {
                            return Err(self.err(
                                i,
                                "Invalid legacy index syntax: chaining two indexes together is not permitted",
                            ));
                        }
                        (_, Kind::Ident | Kind::NumberLit | Kind::Star) => {
                            self.next();
                        }
                        (i, _) => return Err(self.err(i, "Invalid attribute name")),
                    }
                }
                Kind::OBrack => {
                    self.next();
                    self.with_newlines(false, |p| {
                        if p.peek().1 == Kind::Star {
                            p.next();
                        } else {
                            p.expression()?;
                        }
                        p.expect(Kind::CBrack, "Missing close bracket on index")?;
                        Ok(())
                    })?;
                }
                _ => return Ok(()),
            }
        }
    }

    fn term(&mut self) -> PResult {
        let (i, k) = self.peek();
        match k {
            Kind::OParen => {
                self.next();
                self.with_newlines(false, |p| {
                    p.expression()?;
                    p.expect(Kind::CParen, "Unbalanced parentheses")?;
                    Ok(())
                })
            }
            Kind::NumberLit => {
                self.next();
                if valid_number(&self.toks[i].text) {
                    Ok(())
                } else {
                    Err(self.err(i, "Invalid number literal"))
                }
            }
            Kind::Ident => {
                self.next();
                if self.peek().1 == Kind::OParen {
                    self.next();
                    self.with_newlines(false, |p| p.call_args())?;
                }
                Ok(())
            }
            Kind::OQuote => self.template(Kind::CQuote),
            Kind::OHeredoc => self.template(Kind::CHeredoc),
            Kind::OBrack => {
                self.next();
                self.with_newlines(false, |p| {
                    if p.peek_keyword("for") {
                        return p.for_expr(false);
                    }
                    loop {
                        if p.peek().1 == Kind::CBrack {
                            p.next();
                            return Ok(());
                        }
                        p.expression()?;
                        match p.next() {
                            (_, Kind::Comma) => {}
                            (_, Kind::CBrack) => return Ok(()),
                            (j, _) => return Err(p.err(j, "Missing item separator")),
                        }
                    }
                })
            }
            Kind::OBrace => {
                self.next();
                // `{` followed (even on a later line) by `for` starts a
                // for expression, where newlines are insignificant.
                self.with_newlines(false, |p| {
                    if p.peek_keyword("for") {
                        return p.for_expr(true);
                    }
                    p.with_newlines(true, |p| p.object_items())
                })
            }
            _ => Err(self.err(i, "Invalid expression")),
        }
    }

    fn call_args(&mut self) -> PResult {
        loop {
            if self.peek().1 == Kind::CParen {
                self.next();
                return Ok(());
            }
            self.expression()?;
            match self.next() {
                (_, Kind::Comma) => {}
                (_, Kind::CParen) => return Ok(()),
                (_, Kind::Ellipsis) => {
                    self.expect(Kind::CParen, "Missing closing parenthesis after \"...\"")?;
                    return Ok(());
                }
                (j, _) => return Err(self.err(j, "Missing argument separator")),
            }
        }
    }

    fn object_items(&mut self) -> PResult {
        loop {
            match self.peek().1 {
                Kind::Newline => {
                    self.next();
                    continue;
                }
                Kind::CBrace => {
                    self.next();
                    return Ok(());
                }
                _ => {}
            }
            self.expression()?;
            match self.next() {
                (_, Kind::Equal | Kind::Colon) => {}
                (j, _) => return Err(self.err(j, "Missing key/value separator")),
            }
            self.expression()?;
            match self.next() {
                (_, Kind::Comma | Kind::Newline) => {}
                (_, Kind::CBrace) => return Ok(()),
                (j, _) => return Err(self.err(j, "Missing attribute separator")),
            }
        }
    }

    fn for_intro(&mut self) -> PResult {
        self.next(); // `for`
        self.expect(
            Kind::Ident,
            "Invalid 'for' expression: iterator variable name expected",
        )?;
        if self.peek().1 == Kind::Comma {
            self.next();
            self.expect(
                Kind::Ident,
                "Invalid 'for' expression: iterator variable name expected",
            )?;
        }
        if !self.peek_keyword("in") {
            return Err(self.err(
                self.peek().0,
                "Invalid 'for' expression: 'in' keyword expected",
            ));
        }
        self.next();
        self.expression()
    }

    fn for_expr(&mut self, object: bool) -> PResult {
        self.for_intro()?;
        self.expect(Kind::Colon, "Invalid 'for' expression: colon expected")?;
        self.expression()?;
        if object {
            self.expect(Kind::FatArrow, "Invalid 'for' expression: \"=>\" expected")?;
            self.expression()?;
            if self.peek().1 == Kind::Ellipsis {
                self.next();
            }
        } else {
            match self.peek() {
                (i, Kind::FatArrow) => {
                    return Err(self.err(
                        i,
                        "Invalid 'for' expression: key expression is not valid when building a tuple",
                    ))
                }
                (i, Kind::Ellipsis) => {
                    return Err(self.err(
                        i,
                        "Invalid 'for' expression: grouping ellipsis (...) cannot be used when building a tuple",
                    ))
                }
                _ => {}
            }
        }
        if self.peek_keyword("if") {
            self.next();
            self.expression()?;
        }
        let close = if object { Kind::CBrace } else { Kind::CBrack };
        self.expect(close, "Invalid 'for' expression: closing bracket expected")?;
        Ok(())
    }

    /// A quoted or heredoc template, from its opening token to `close`.
    fn template(&mut self, close: Kind) -> PResult {
        let (open, _) = self.next();
        // Open directives: (keyword, whether `else` was seen).
        let mut directives: Vec<(&'static str, bool, usize)> = Vec::new();
        loop {
            let i = self.pos;
            let Some(tok) = self.toks.get(i) else {
                return Err(self.err(open, "Unterminated template string"));
            };
            self.last = i;
            self.pos = i + 1;
            match tok.kind {
                Kind::QuotedLit | Kind::StringLit => {}
                Kind::TemplateInterp => self.with_newlines(false, |p| {
                    p.nested(i, |p| p.expression())?;
                    p.expect(
                        Kind::TemplateSeqEnd,
                        "Extra characters after interpolation expression",
                    )?;
                    Ok(())
                })?,
                Kind::TemplateControl => self.with_newlines(false, |p| {
                    p.directive(i, &mut directives)?;
                    p.expect(
                        Kind::TemplateSeqEnd,
                        "Extra characters in template directive",
                    )?;
                    Ok(())
                })?,
                k if k == close => {
                    if let Some(&(_, _, at)) = directives.last() {
                        return Err(self.err(at, "Unterminated template directive"));
                    }
                    return Ok(());
                }
                _ => return Err(self.err(i, "Unterminated template string")),
            }
        }
    }

    fn directive(&mut self, at: usize, open: &mut Vec<(&'static str, bool, usize)>) -> PResult {
        let (i, k) = self.peek();
        let word = if k == Kind::Ident {
            self.toks[i].text.as_str()
        } else {
            ""
        };
        match word {
            "if" => {
                self.next();
                self.nested(at, |p| p.expression())?;
                open.push(("if", false, at));
            }
            "for" => {
                self.nested(at, |p| p.for_intro())?;
                open.push(("for", false, at));
            }
            "else" => {
                self.next();
                match open.last_mut() {
                    Some(("if", seen @ false, _)) => *seen = true,
                    _ => return Err(self.err(i, "Unexpected \"else\" directive")),
                }
            }
            "endif" | "endfor" => {
                self.next();
                let want = if word == "endif" { "if" } else { "for" };
                match open.pop() {
                    Some((kw, _, _)) if kw == want => {}
                    _ => return Err(self.err(i, format!("Unexpected \"{word}\" directive"))),
                }
            }
            _ => return Err(self.err(i, "Invalid template directive")),
        }
        Ok(())
    }
}

/// Whether a number literal token is a valid number.
fn valid_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > s
    };
    if !digits(&mut i) {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::lex;

    fn check(src: &str) -> PResult<Structure> {
        parse(&lex(src)?)
    }

    #[test]
    fn accepts_valid_syntax() {
        let ok = [
            "a = 1\n",
            "b \"x\" y {\n  c = [for k, v in m : v if v]\n}\n",
            "d { e = { for k, v in m : k => v... } }\n",
            "f = \"%{ for x in y }${x}%{ endfor }%{if a}b%{else}c%{endif}\"\n",
            "g = <<EOF\n${h}\nEOF\n",
            "i = a ? b : c ? d : e\n",
            "j = f(a, b...)\nk = x[*].y\nl = x.*.y\nm = -1 + !true\n",
            "n = {\n  a = 1,\n  \"b\": 2\n  (c) = 3 }\n",
            "o = [\n  1,\n  2,\n]\n",
        ];
        for src in ok {
            assert!(check(src).is_ok(), "{src:?}: {:?}", check(src).err());
        }
    }

    #[test]
    fn rejects_invalid_syntax() {
        let bad = [
            ("a = 1\na = 2\n", 2),
            ("x { a = 1, b = 2 }\n", 1),
            ("x {\n a = 1 }\n", 2),
            ("a = [for x in y : x...]\n", 1),
            ("a = 1 b = 2\n", 1),
            ("a = x ? y\n", 1),
            ("a = \"%{if x}\"\n", 1),
            ("x \"a\"\n{\n}\n", 1),
            ("a = (1\n", 2),
            ("b {\n", 2),
            ("a = 1..2\n", 1),
        ];
        for (src, line) in bad {
            let err = check(src).expect_err(src);
            assert_eq!(err.line, line, "{src:?}: {err}");
        }
    }

    #[test]
    fn records_structure() {
        let s = check("variable \"v\" {\n  type = string\n}\nx a \"b\" { y = 1 }\n").unwrap();
        assert_eq!(s.attrs.len(), 2);
        assert!(s.attrs[0].in_variable_block);
        assert!(!s.attrs[1].in_variable_block);
        assert_eq!(s.blocks[1].labels.len(), 2);
    }
}
