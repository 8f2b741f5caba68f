//! Tokens of the HCL native syntax, as the formatter sees them.
//!
//! The token kinds mirror the ones the reference scanner produces, because
//! the formatting rules are expressed in terms of them. Every token keeps its
//! exact source text, so writing the token stream back out (with the spaces
//! recorded in `spaces_before`) reproduces the input byte for byte.

/// The kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{`
    OBrace,
    /// `}` closing an object constructor or a block
    CBrace,
    /// `[`
    OBrack,
    /// `]`
    CBrack,
    /// `(`
    OParen,
    /// `)`
    CParen,
    /// `"` opening a quoted template
    OQuote,
    /// `"` closing a quoted template
    CQuote,
    /// `<<EOF\n` or `<<-EOF\n` (the newline is part of the token)
    OHeredoc,
    /// The closing heredoc marker, with any whitespace around it on its line
    CHeredoc,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `%`
    Percent,
    /// `=`
    Equal,
    /// `==`
    EqualOp,
    /// `!=`
    NotEqual,
    /// `<`
    LessThan,
    /// `<=`
    LessThanEq,
    /// `>`
    GreaterThan,
    /// `>=`
    GreaterThanEq,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `!`
    Bang,
    /// `.`
    Dot,
    /// `,`
    Comma,
    /// `...`
    Ellipsis,
    /// `=>`
    FatArrow,
    /// `?`
    Question,
    /// `:`
    Colon,
    /// `${` or `${~`
    TemplateInterp,
    /// `%{` or `%{~`
    TemplateControl,
    /// `}` or `~}` closing an interpolation or a directive
    TemplateSeqEnd,
    /// Literal text inside a quoted template
    QuotedLit,
    /// Literal text inside a heredoc template
    StringLit,
    /// A number literal
    NumberLit,
    /// An identifier (also keywords such as `for`, `in`, `true`)
    Ident,
    /// A comment; `#` and `//` comments include their terminating newline
    Comment,
    /// `\n` or `\r\n`
    Newline,
    /// End of input (empty text)
    Eof,
}

impl Kind {
    /// How the token changes the bracket nesting depth, as the formatter
    /// counts it (template interpolations and directives count as brackets).
    pub fn bracket_change(self) -> i32 {
        match self {
            Kind::OBrace
            | Kind::OBrack
            | Kind::OParen
            | Kind::TemplateControl
            | Kind::TemplateInterp => 1,
            Kind::CBrace | Kind::CBrack | Kind::CParen | Kind::TemplateSeqEnd => -1,
            _ => 0,
        }
    }
}

/// One token with its exact text and the number of spaces written before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The kind of token.
    pub kind: Kind,
    /// The exact source text of the token.
    pub text: String,
    /// How many spaces precede the token when the stream is written out.
    pub spaces_before: usize,
    /// 1-based line of the token's first character in the source.
    pub line: usize,
    /// 1-based column (in characters) of the token's first character.
    pub column: usize,
}

impl Token {
    /// A token that did not come from the source (produced by a rewrite).
    pub fn synthetic(kind: Kind, text: &str) -> Token {
        Token {
            kind,
            text: text.to_string(),
            spaces_before: 0,
            line: 0,
            column: 0,
        }
    }

    /// Whether this token ends a line for the formatter: a newline, or a
    /// single-line comment, which swallows its terminating newline.
    pub fn is_newline(&self) -> bool {
        match self.kind {
            Kind::Newline => true,
            Kind::Comment => self.text.ends_with('\n'),
            _ => false,
        }
    }

    /// Whether this is the identifier `word` (a keyword in context).
    pub fn is_keyword(&self, word: &str) -> bool {
        self.kind == Kind::Ident && self.text == word
    }
}

/// Writes a token stream back to text.
pub fn write_tokens(tokens: &[Token]) -> String {
    let mut out = String::new();
    for tok in tokens {
        for _ in 0..tok.spaces_before {
            out.push(' ');
        }
        out.push_str(&tok.text);
    }
    out
}
