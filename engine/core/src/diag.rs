//! Diagnostics: problems in the user's configuration or input, collected rather than thrown.
//! A diagnostic has a fixed summary, a detail in full sentences, and the source range it is about.

use std::sync::Arc;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A position in a source file: 1-based line and column (in characters), 0-based byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
    pub byte: usize,
}

/// A range in a named source file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct SourceRange {
    pub filename: Arc<str>,
    pub start: Pos,
    pub end: Pos,
}

/// Maps byte offsets of one file to lines and columns.
#[derive(Clone, Debug)]
pub struct LineIndex {
    filename: Arc<str>,
    text: Arc<str>,
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(filename: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> LineIndex {
        let text: Arc<str> = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            filename: filename.into(),
            text,
            line_starts,
        }
    }
    pub fn filename(&self) -> &Arc<str> {
        &self.filename
    }
    pub fn text(&self) -> &str {
        &self.text
    }
    /// The position of a byte offset (clamped to the text).
    pub fn pos(&self, byte: usize) -> Pos {
        let byte = byte.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= byte) - 1;
        let start = self.line_starts[line];
        let column = self
            .text
            .get(start..byte)
            .map_or(byte - start, |s| s.chars().count())
            + 1;
        Pos {
            line: line + 1,
            column,
            byte,
        }
    }
    /// The range of a byte span.
    pub fn range(&self, span: std::ops::Range<usize>) -> SourceRange {
        SourceRange {
            filename: self.filename.clone(),
            start: self.pos(span.start),
            end: self.pos(span.end),
        }
    }
}

/// One problem, as Terraform and OpenTofu shape them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Short, fixed text: the same every time ("Invalid reference").
    pub summary: String,
    /// Full sentences: what is wrong, why, how to fix it.
    pub detail: String,
    /// The exact offending source.
    #[serde(rename = "range", skip_serializing_if = "Option::is_none")]
    pub subject: Option<SourceRange>,
    /// A wider range giving context, such as the whole block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<SourceRange>,
    /// The resource or object address the problem concerns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

impl Diagnostic {
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            subject: None,
            context: None,
            address: None,
        }
    }
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(summary, detail)
        }
    }
    pub fn with_subject(mut self, r: SourceRange) -> Diagnostic {
        self.subject = Some(r);
        self
    }
    pub fn with_subject_opt(mut self, r: Option<SourceRange>) -> Diagnostic {
        if self.subject.is_none() {
            self.subject = r;
        }
        self
    }
    pub fn with_context(mut self, r: SourceRange) -> Diagnostic {
        self.context = Some(r);
        self
    }
    pub fn with_address(mut self, a: impl Into<String>) -> Diagnostic {
        self.address = Some(a.into());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A list of diagnostics gathered by an operation that keeps going after a problem.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics(Vec::new())
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
