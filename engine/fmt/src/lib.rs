//! Canonical formatting of Terraform-language source (`.tf` / `.tfvars`).
//!
//! This crate owns one thing: turning the text of a configuration file into
//! exactly the text `terraform fmt` (Terraform 1.0.3) would write for it.
//! It does no IO — no files, no terminal, no diffs; the CLI reads and writes
//! and decides what to report. It evaluates nothing and knows no schema.
//!
//! How it works, in the same way as the reference (hclwrite) formatter:
//!
//! 1. `lexer` splits the source into tokens faithfully to the reference
//!    scanner (templates, heredocs, comments that swallow their newline).
//! 2. `parser` validates the full native syntax — the reference refuses to
//!    format a file with syntax errors — and records attribute and block
//!    label positions.
//! 3. `rewrite` applies the non-whitespace rewrites of `terraform fmt`
//!    (label quoting, `"${x}"` unwrapping, legacy variable type strings).
//! 4. `format` adjusts only the spaces before tokens: indentation by
//!    bracket depth, spacing between tokens, and alignment of `=` and of
//!    trailing comments over consecutive lines.
//!
//! Line endings, heredoc bodies, comment text, blank lines and the presence
//! (or absence) of a final newline are all preserved as written; a leading
//! UTF-8 byte order mark is dropped.
//!
//! The result is what `terraform fmt FILE` writes to the file. Its stdin
//! mode (`terraform fmt -`) prints the same text plus a `\n` when the text
//! does not already end with one; reproducing that is up to the caller.

mod escape;
mod format;
mod lexer;
mod parser;
mod rewrite;
mod token;
mod width;

use std::fmt;

/// Source that cannot be formatted because it does not lex or parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// What is wrong.
    pub message: String,
    /// 1-based line of the offending position.
    pub line: usize,
    /// 1-based column (in characters) of the offending position.
    pub column: usize,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for FormatError {}

/// Returns the canonical formatting of `src`, byte for byte what
/// `terraform fmt` would write to the file, or the first syntax error.
pub fn format_source(src: &str) -> Result<String, FormatError> {
    let mut tokens = lexer::lex(src)?;
    let structure = parser::parse(&tokens)?;
    rewrite::rewrite(&mut tokens, &structure);
    format::format(&mut tokens);
    Ok(token::write_tokens(&tokens))
}
