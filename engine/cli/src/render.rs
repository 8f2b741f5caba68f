//! Rendering diagnostics: for people (`file:line:col`, the source line underlined, then the
//! detail) and for machines (Terraform's `-json` diagnostic shape).

use std::collections::HashMap;
use std::sync::Arc;

use annotate_snippets::{Level, Renderer, Snippet};
use infra_core::{Diagnostic, Diagnostics, LineIndex, Severity};
use serde_json::json;

/// The source files diagnostics may point into, by file name.
#[derive(Default)]
pub struct Sources {
    files: HashMap<Arc<str>, Arc<LineIndex>>,
}

impl Sources {
    pub fn add(&mut self, f: Arc<LineIndex>) {
        self.files.insert(f.filename().clone(), f);
    }
    pub fn extend<'a>(&mut self, files: impl IntoIterator<Item = &'a Arc<LineIndex>>) {
        for f in files {
            self.add(f.clone());
        }
    }
    fn get(&self, name: &str) -> Option<&LineIndex> {
        self.files.get(name).map(|f| &**f)
    }
}

/// A diagnostic for a terminal: title, location, the source lines with the range underlined, and
/// the detail paragraph.
pub fn render_human(d: &Diagnostic, sources: &Sources, color: bool) -> String {
    let level = match d.severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
    };
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let title = d.summary.as_str();
    // annotate-snippets adds `:line:col` to the origin itself.
    let origin = d
        .subject
        .as_ref()
        .map(|r| r.filename.to_string())
        .unwrap_or_default();
    let mut out = match d
        .subject
        .as_ref()
        .and_then(|r| sources.get(&r.filename).map(|f| (r, f)))
    {
        Some((r, file)) => {
            let text = file.text();
            // Show the lines of the subject (and the context, if wider) only.
            let first_line = d
                .context
                .as_ref()
                .map_or(r.start.line, |c| c.start.line.min(r.start.line));
            let last_line = r.end.line.max(r.start.line);
            let line_starts: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            let from = line_starts.get(first_line - 1).copied().unwrap_or(0);
            let to = line_starts
                .get(last_line)
                .map_or(text.len(), |e| e.saturating_sub(1))
                .max(from);
            let excerpt = &text[from..to.min(text.len())];
            let mut start = r.start.byte.saturating_sub(from).min(excerpt.len());
            let mut end = r.end.byte.saturating_sub(from).min(excerpt.len());
            if end <= start {
                end = (start + 1).min(excerpt.len());
                if end == start {
                    start = start.saturating_sub(1);
                }
            }
            let msg = level.title(title).snippet(
                Snippet::source(excerpt)
                    .line_start(first_line)
                    .origin(&origin)
                    .fold(false)
                    .annotation(level.span(start..end)),
            );
            renderer.render(msg).to_string()
        }
        None => renderer.render(level.title(title)).to_string(),
    };
    if let Some(a) = &d.address {
        out.push_str(&format!("\n  with {a}"));
    }
    if !d.detail.is_empty() {
        out.push_str("\n\n");
        out.push_str(&d.detail);
    }
    out.push('\n');
    out
}

/// Renders every diagnostic for a terminal, separated by blank lines.
pub fn render_all(diags: &Diagnostics, sources: &Sources, color: bool) -> String {
    diags
        .iter()
        .map(|d| render_human(d, sources, color))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One diagnostic in Terraform's JSON shape, with a `snippet` of the source when available.
pub fn diagnostic_json(d: &Diagnostic, sources: &Sources) -> serde_json::Value {
    let mut v = serde_json::to_value(d).unwrap_or_else(|_| json!({}));
    if let (Some(r), Some(obj)) = (&d.subject, v.as_object_mut()) {
        if let Some(file) = sources.get(&r.filename) {
            let text = file.text();
            let line_start = text[..r.start.byte.min(text.len())]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let line_end = text[r.end.byte.min(text.len())..]
                .find('\n')
                .map_or(text.len(), |i| r.end.byte + i);
            obj.insert(
                "snippet".into(),
                json!({
                    "context": null,
                    "code": &text[line_start..line_end.max(line_start)],
                    "start_line": r.start.line,
                    "highlight_start_offset": r.start.byte - line_start,
                    "highlight_end_offset": r.end.byte.saturating_sub(line_start),
                    "values": []
                }),
            );
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_rendering_shows_location_underline_and_detail() {
        let file = Arc::new(LineIndex::new("main.tf", "locals {\n  a = var.regin\n}\n"));
        let mut s = Sources::default();
        s.add(file.clone());
        let d = Diagnostic::error(
            "Reference to undeclared input variable",
            "Did you mean \"region\"?",
        )
        .with_subject(file.range(15..24));
        let out = render_human(&d, &s, false);
        assert!(
            out.contains("error: Reference to undeclared input variable"),
            "{out}"
        );
        assert!(out.contains("main.tf:2:7"), "{out}");
        assert!(out.contains("a = var.regin"), "{out}");
        assert!(out.contains("^^^^^^^^^"), "{out}");
        assert!(out.ends_with("Did you mean \"region\"?\n"), "{out}");
    }
}
