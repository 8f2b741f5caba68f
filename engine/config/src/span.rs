//! Source ranges of hcl-edit nodes as Terraform reports them (a block's "declaration range" is its
//! type keyword and labels; a missing item is reported at the block's opening brace), and the
//! compact `main.tf:3,1-22` form Terraform uses when one diagnostic mentions another place.

use hcl_edit::structure::{Attribute, Block};
use hcl_edit::Span;
use infra_core::{LineIndex, SourceRange};

/// The range of any spanned node (the file start when the parser gave none).
pub(crate) fn range_of(node: &impl Span, file: &LineIndex) -> SourceRange {
    file.range(node.span().unwrap_or(0..0))
}

/// A block's header: from its type keyword to the end of its last label (`resource "a" "b"`).
pub(crate) fn decl_range(block: &Block, file: &LineIndex) -> SourceRange {
    let start = block.ident.span().map_or(0, |s| s.start);
    let end = block
        .labels
        .last()
        .and_then(Span::span)
        .or_else(|| block.ident.span())
        .map_or(start, |s| s.end);
    file.range(start..end)
}

/// The range of the block's type keyword.
pub(crate) fn type_range(block: &Block, file: &LineIndex) -> SourceRange {
    range_of(&block.ident, file)
}

/// The block's opening brace: where Terraform points when something required is missing.
pub(crate) fn open_brace_range(block: &Block, file: &LineIndex) -> SourceRange {
    let header_end = decl_range(block, file).end.byte;
    let block_end = block.span().map_or(header_end, |s| s.end);
    let text = file.text();
    let brace = text
        .get(header_end..block_end)
        .and_then(|t| t.find('{'))
        .map_or(header_end, |i| header_end + i);
    file.range(brace..(brace + 1).min(text.len()))
}

/// The range of an attribute's name.
pub(crate) fn name_range(attr: &Attribute, file: &LineIndex) -> SourceRange {
    range_of(&attr.key, file)
}

/// Terraform's short form of a range: `main.tf:3,1-22`, or `main.tf:3,1-4,2` across lines.
pub fn short_range(r: &SourceRange) -> String {
    if r.start.line == r.end.line {
        format!(
            "{}:{},{}-{}",
            r.filename, r.start.line, r.start.column, r.end.column
        )
    } else {
        format!(
            "{}:{},{}-{},{}",
            r.filename, r.start.line, r.start.column, r.end.line, r.end.column
        )
    }
}
