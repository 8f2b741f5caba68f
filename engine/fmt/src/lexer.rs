//! A faithful scanner for the HCL native syntax.
//!
//! It splits the source into the same tokens as the reference scanner
//! (including how literal text inside templates is split around `$` and
//! `%`, which decides whether a block label survives label normalisation),
//! and records for each token the number of whitespace bytes before it.
//! Characters that can never be part of valid source (stray `&`, `;`, a lone
//! carriage return...) and unterminated strings, heredocs and block comments
//! are reported as errors.

use crate::token::{Kind, Token};
use crate::FormatError;

enum Frame {
    /// Expression code: the top level, or the inside of `${ }` / `%{ }`.
    Code {
        interp: bool,
        braces: usize,
        open: usize,
    },
    /// Inside a quoted template `"..."`.
    Quoted { open: usize },
    /// Inside a heredoc template.
    Heredoc {
        marker: String,
        start_of_line: bool,
        open: usize,
    },
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    last_end: usize,
    line_starts: Vec<usize>,
    tokens: Vec<Token>,
    frames: Vec<Frame>,
}

/// Splits `src` into tokens, ending with an [`Kind::Eof`] token.
pub fn lex(src: &str) -> Result<Vec<Token>, FormatError> {
    let mut line_starts = vec![0];
    for (i, b) in src.bytes().enumerate() {
        if b == b'\n' {
            line_starts.push(i + 1);
        }
    }
    // A leading byte order mark is skipped like whitespace (its three bytes
    // count as spaces before the first token, as in the reference).
    let start = if src.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lx = Lexer {
        src,
        bytes: src.as_bytes(),
        pos: start,
        last_end: 0,
        line_starts,
        tokens: Vec::new(),
        frames: vec![Frame::Code {
            interp: false,
            braces: 0,
            open: 0,
        }],
    };
    lx.run()?;
    Ok(lx.tokens)
}

/// Whether `c` may start an identifier.
pub fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

/// Whether `c` may continue an identifier.
pub fn is_ident_continue(c: char) -> bool {
    c == '_' || c == '-' || c.is_alphanumeric() || crate::width::is_mark(c)
}

impl Lexer<'_> {
    fn position(&self, byte: usize) -> (usize, usize) {
        let line_idx = match self.line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_idx];
        let end = byte.min(self.src.len());
        let column = self
            .src
            .get(start..end)
            .map_or(1, |s| s.chars().count() + 1);
        (line_idx + 1, column)
    }

    fn error(&self, at: usize, message: impl Into<String>) -> FormatError {
        let (line, column) = self.position(at);
        FormatError {
            message: message.into(),
            line,
            column,
        }
    }

    fn emit(&mut self, kind: Kind, start: usize, end: usize) {
        let (line, column) = self.position(start);
        self.tokens.push(Token {
            kind,
            text: self.src[start..end].to_string(),
            spaces_before: start.saturating_sub(self.last_end),
            line,
            column,
        });
        self.last_end = end;
        self.pos = end;
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        self.bytes[self.pos..].starts_with(s.as_bytes())
    }

    fn current_char(&self) -> char {
        self.src[self.pos..].chars().next().unwrap_or('\0')
    }

    fn run(&mut self) -> Result<(), FormatError> {
        loop {
            match self.frames.last() {
                None => return Ok(()),
                Some(Frame::Code { .. }) => {
                    if self.code_step()? {
                        return Ok(());
                    }
                }
                Some(Frame::Quoted { .. }) => self.quoted_step()?,
                Some(Frame::Heredoc { .. }) => self.heredoc_step()?,
            }
        }
    }

    /// One step in expression code; returns true once the end of input has
    /// been reached at the top level.
    fn code_step(&mut self) -> Result<bool, FormatError> {
        let start = self.pos;
        let Some(b) = self.peek_at(0) else {
            if let Some(Frame::Code {
                interp: true, open, ..
            }) = self.frames.last()
            {
                return Err(self.error(*open, "Unterminated template interpolation"));
            }
            self.emit(Kind::Eof, self.src.len(), self.src.len());
            return Ok(true);
        };
        match b {
            b' ' | b'\t' => {
                self.pos += 1;
            }
            b'\n' => self.emit(Kind::Newline, start, start + 1),
            b'\r' if self.peek_at(1) == Some(b'\n') => self.emit(Kind::Newline, start, start + 2),
            b'#' => self.line_comment(start),
            b'/' if self.peek_at(1) == Some(b'/') => self.line_comment(start),
            b'/' if self.peek_at(1) == Some(b'*') => match self.src[start + 2..].find("*/") {
                Some(i) => self.emit(Kind::Comment, start, start + 2 + i + 2),
                None => return Err(self.error(start, "Unterminated block comment")),
            },
            b'0'..=b'9' => self.number(start),
            b'"' => {
                self.emit(Kind::OQuote, start, start + 1);
                self.frames.push(Frame::Quoted { open: start });
            }
            b'<' if self.peek_at(1) == Some(b'<') && self.heredoc_open(start) => {}
            b'{' => {
                if let Some(Frame::Code { braces, .. }) = self.frames.last_mut() {
                    *braces += 1;
                }
                self.emit(Kind::OBrace, start, start + 1);
            }
            b'}' => self.close_brace(start, 1),
            b'~' if self.peek_at(1) == Some(b'}') && self.in_interp_at_depth0() => {
                self.close_brace(start, 2)
            }
            _ => {
                if let Some((kind, len)) = operator(&self.bytes[start..]) {
                    self.emit(kind, start, start + len);
                } else {
                    let c = self.current_char();
                    if is_ident_start(c) {
                        let mut end = start;
                        for ch in self.src[start..].chars() {
                            if end == start || is_ident_continue(ch) {
                                end += ch.len_utf8();
                            } else {
                                break;
                            }
                        }
                        self.emit(Kind::Ident, start, end);
                    } else {
                        return Err(self.error(start, format!("Invalid character {c:?}")));
                    }
                }
            }
        }
        Ok(false)
    }

    fn in_interp_at_depth0(&self) -> bool {
        matches!(
            self.frames.last(),
            Some(Frame::Code {
                interp: true,
                braces: 0,
                ..
            })
        )
    }

    fn close_brace(&mut self, start: usize, len: usize) {
        let mut ends_interp = false;
        if let Some(Frame::Code { interp, braces, .. }) = self.frames.last_mut() {
            if *braces == 0 {
                ends_interp = *interp;
            } else {
                *braces -= 1;
            }
        }
        if ends_interp {
            self.emit(Kind::TemplateSeqEnd, start, start + len);
            self.frames.pop();
            if let Some(Frame::Heredoc { start_of_line, .. }) = self.frames.last_mut() {
                *start_of_line = false;
            }
        } else {
            self.emit(Kind::CBrace, start, start + len);
        }
    }

    fn line_comment(&mut self, start: usize) {
        let end = match self.src[start..].find('\n') {
            Some(i) => start + i + 1,
            None => self.src.len(),
        };
        self.emit(Kind::Comment, start, end);
    }

    fn number(&mut self, start: usize) {
        let b = self.bytes;
        let mut end = start + 1;
        loop {
            match b.get(end) {
                Some(c) if c.is_ascii_digit() || *c == b'.' => end += 1,
                Some(b'e' | b'E') => {
                    let mut j = end + 1;
                    if matches!(b.get(j), Some(b'+' | b'-')) {
                        j += 1;
                    }
                    if b.get(j).is_some_and(|c| c.is_ascii_digit()) {
                        end = j + 1;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        while end > start + 1 && b[end - 1] == b'.' {
            end -= 1;
        }
        self.emit(Kind::NumberLit, start, end);
    }

    /// Tries to scan `<<EOF\n` / `<<-EOF\n`; returns false if it is not one.
    fn heredoc_open(&mut self, start: usize) -> bool {
        let mut i = start + 2;
        if self.bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        let ident_start = i;
        for ch in self.src[ident_start..].chars() {
            let ok = if i == ident_start {
                is_ident_start(ch)
            } else {
                is_ident_continue(ch)
            };
            if !ok {
                break;
            }
            i += ch.len_utf8();
        }
        if i == ident_start {
            return false;
        }
        let marker = self.src[ident_start..i].to_string();
        let end = if self.bytes.get(i) == Some(&b'\n') {
            i + 1
        } else if self.bytes.get(i) == Some(&b'\r') && self.bytes.get(i + 1) == Some(&b'\n') {
            i + 2
        } else {
            return false;
        };
        self.emit(Kind::OHeredoc, start, end);
        self.frames.push(Frame::Heredoc {
            marker,
            start_of_line: true,
            open: start,
        });
        true
    }

    /// Scans `${`/`%{` (with an optional `~`) and enters expression code.
    fn template_open(&mut self, start: usize, kind: Kind) {
        let len = if self.peek_at(2) == Some(b'~') { 3 } else { 2 };
        self.emit(kind, start, start + len);
        if let Some(Frame::Heredoc { start_of_line, .. }) = self.frames.last_mut() {
            *start_of_line = false;
        }
        self.frames.push(Frame::Code {
            interp: true,
            braces: 0,
            open: start,
        });
    }

    /// Length of a literal piece starting with `$` or `%` at the cursor:
    /// `$${` / `$${~` escapes, or the lone sign.
    fn sign_literal_len(&self) -> usize {
        let sign = self.bytes[self.pos];
        if self.peek_at(1) == Some(sign) && self.peek_at(2) == Some(b'{') {
            if self.peek_at(3) == Some(b'~') {
                4
            } else {
                3
            }
        } else {
            1
        }
    }

    fn quoted_step(&mut self) -> Result<(), FormatError> {
        let start = self.pos;
        let Some(b) = self.peek_at(0) else {
            let open = match self.frames.last() {
                Some(Frame::Quoted { open }) => *open,
                _ => start,
            };
            return Err(self.error(open, "Unterminated template string"));
        };
        match b {
            b'"' => {
                self.emit(Kind::CQuote, start, start + 1);
                self.frames.pop();
            }
            b'\n' | b'\r' => {
                return Err(self.error(
                    start,
                    "Invalid multi-line string: quoted strings may not contain line breaks",
                ))
            }
            b'$' if self.starts_with("${") => self.template_open(start, Kind::TemplateInterp),
            b'%' if self.starts_with("%{") => self.template_open(start, Kind::TemplateControl),
            b'$' | b'%' => {
                let len = self.sign_literal_len();
                self.emit(Kind::QuotedLit, start, start + len);
            }
            _ => {
                let mut end = start;
                let mut chars = self.src[start..].char_indices().peekable();
                while let Some((i, ch)) = chars.next() {
                    match ch {
                        '$' | '%' | '"' | '\n' | '\r' => break,
                        '\\' => match chars.peek() {
                            Some(&(_, next)) if next != '\n' && next != '\r' => {
                                end = start + i + 1 + next.len_utf8();
                                chars.next();
                            }
                            _ => {
                                return Err(self.error(start + i, "Invalid escape sequence"));
                            }
                        },
                        _ => end = start + i + ch.len_utf8(),
                    }
                }
                if let Err(off) = crate::escape::unescape_quoted(&self.src[start..end]) {
                    return Err(self.error(start + off, "Invalid escape sequence"));
                }
                self.emit(Kind::QuotedLit, start, end);
            }
        }
        Ok(())
    }

    fn heredoc_step(&mut self) -> Result<(), FormatError> {
        let start = self.pos;
        let (marker, start_of_line, open) = match self.frames.last() {
            Some(Frame::Heredoc {
                marker,
                start_of_line,
                open,
            }) => (marker.clone(), *start_of_line, *open),
            _ => return Ok(()),
        };
        if start >= self.src.len() {
            return Err(self.error(open, "Unterminated heredoc: missing closing marker"));
        }
        if start_of_line {
            if let Some(i) = self.src[start..].find('\n') {
                let nl = start + i;
                let content_end = if i > 0 && self.bytes[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                };
                if self.src[start..nl].trim() == marker {
                    self.emit(Kind::CHeredoc, start, content_end);
                    self.emit(Kind::Newline, content_end, nl + 1);
                    self.frames.pop();
                    return Ok(());
                }
            }
        }
        let b = self.bytes[start];
        let mut sol = false;
        match b {
            b'$' if self.starts_with("${") => {
                self.template_open(start, Kind::TemplateInterp);
                return Ok(());
            }
            b'%' if self.starts_with("%{") => {
                self.template_open(start, Kind::TemplateControl);
                return Ok(());
            }
            b'$' | b'%' => {
                let len = self.sign_literal_len();
                self.emit(Kind::StringLit, start, start + len);
            }
            _ => {
                let mut end = self.src.len();
                for (i, c) in self.src[start..].bytes().enumerate() {
                    if c == b'$' || c == b'%' {
                        end = start + i;
                        break;
                    }
                    if c == b'\n' {
                        end = start + i + 1;
                        sol = true;
                        break;
                    }
                }
                self.emit(Kind::StringLit, start, end);
            }
        }
        if let Some(Frame::Heredoc { start_of_line, .. }) = self.frames.last_mut() {
            *start_of_line = sol;
        }
        Ok(())
    }
}

/// Recognises an operator or punctuation token at the start of `b`.
fn operator(b: &[u8]) -> Option<(Kind, usize)> {
    let two = |s: &[u8]| b.starts_with(s);
    if b.starts_with(b"...") {
        return Some((Kind::Ellipsis, 3));
    }
    let pairs: [(&[u8], Kind); 7] = [
        (b"==", Kind::EqualOp),
        (b"!=", Kind::NotEqual),
        (b">=", Kind::GreaterThanEq),
        (b"<=", Kind::LessThanEq),
        (b"&&", Kind::And),
        (b"||", Kind::Or),
        (b"=>", Kind::FatArrow),
    ];
    for (s, k) in pairs {
        if two(s) {
            return Some((k, 2));
        }
    }
    let kind = match b.first()? {
        b'[' => Kind::OBrack,
        b']' => Kind::CBrack,
        b'(' => Kind::OParen,
        b')' => Kind::CParen,
        b'.' => Kind::Dot,
        b',' => Kind::Comma,
        b'*' => Kind::Star,
        b'/' => Kind::Slash,
        b'%' => Kind::Percent,
        b'+' => Kind::Plus,
        b'-' => Kind::Minus,
        b'=' => Kind::Equal,
        b'<' => Kind::LessThan,
        b'>' => Kind::GreaterThan,
        b'!' => Kind::Bang,
        b'?' => Kind::Question,
        b':' => Kind::Colon,
        _ => return None,
    };
    Some((kind, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Kind> {
        lex(src).unwrap().iter().map(|t| t.kind).collect()
    }

    #[test]
    fn splits_quoted_literals_around_signs() {
        let toks = lex(r#""a$b$${c}%%{~d""#).unwrap();
        let lits: Vec<&str> = toks
            .iter()
            .filter(|t| t.kind == Kind::QuotedLit)
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(lits, vec!["a", "$", "b", "$${", "c}", "%%{~", "d"]);
    }

    #[test]
    fn heredoc_tokens() {
        use Kind::*;
        let src = "a = <<-EOT\n  x ${y}\n  EOT\n";
        assert_eq!(
            kinds(src),
            vec![
                Ident,
                Equal,
                OHeredoc,
                StringLit,
                TemplateInterp,
                Ident,
                TemplateSeqEnd,
                StringLit,
                CHeredoc,
                Newline,
                Eof
            ]
        );
        let toks = lex(src).unwrap();
        assert_eq!(toks[8].text, "  EOT");
    }

    #[test]
    fn nested_braces_in_interpolation() {
        use Kind::*;
        assert_eq!(
            kinds(r#""${ {a=1} }""#),
            vec![
                OQuote,
                TemplateInterp,
                OBrace,
                Ident,
                Equal,
                NumberLit,
                CBrace,
                TemplateSeqEnd,
                CQuote,
                Eof
            ]
        );
    }

    #[test]
    fn numbers_and_idents() {
        let toks = lex("a-b 1.5e+3 2. x.0.1").unwrap();
        let texts: Vec<&str> = toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, vec!["a-b", "1.5e+3", "2", ".", "x", ".", "0.1", ""]);
    }

    #[test]
    fn comments_keep_their_newline() {
        let toks = lex("# a\r\n// b\n/* c\n */").unwrap();
        assert_eq!(toks[0].text, "# a\r\n");
        assert_eq!(toks[1].text, "// b\n");
        assert_eq!(toks[2].text, "/* c\n */");
    }

    #[test]
    fn errors_have_positions() {
        let err = lex("a = 1\nb = \"abc").unwrap_err();
        assert_eq!((err.line, err.column), (2, 5));
        let err = lex("a = 1 /* x").unwrap_err();
        assert_eq!((err.line, err.column), (1, 7));
        assert!(lex("a = <<EOF\nx\n").is_err());
        assert!(lex("a = 1;").is_err());
        assert!(lex("a = \"\\q\"").is_err());
    }
}
