//! The attribute diff inside a resource block and the output changes, as Terraform 1.0's
//! `format/diff.go` writes them: one line per changed attribute aligned on `=`, nested
//! maps, objects, lists and sets with their own `+`/`-`/`~` markers, unchanged parts hidden
//! behind `# (N unchanged ... hidden)`, multi-line strings as a heredoc line diff, JSON strings
//! as `jsonencode(...)` diffs, `(known after apply)`, `(sensitive value)` and
//! `# forces replacement`.
//!
//! Without provider schemas every attribute is rendered as an attribute: nested blocks appear
//! as lists or objects (`~ rule = [ ... ]`) rather than as `rule { ... }` blocks. This module
//! only formats values; deciding what changed is the planner's job.

use std::borrow::Cow;
use std::collections::BTreeSet;

use infra_core::value::canonical_cmp;
use infra_core::{Type, Value};
use infra_provider::{AttrPath, PathStep};

use super::sequence::{line_diff, sequence_diff, ElemDiff};
use super::text::{colorize, go_quote};
use crate::model::Action;

const FORCES_REPLACEMENT: &str = " [red]# forces replacement[reset]";
const SENSITIVE_VALUE: &str = "(sensitive value)";

/// Writes value diffs into `buf`.
pub(crate) struct Printer<'a> {
    pub(crate) buf: String,
    color: bool,
    /// The action of the whole resource: `# forces replacement` only shows on replacements.
    action: Action,
    requires_replace: &'a [AttrPath],
}

impl<'a> Printer<'a> {
    pub(crate) fn new(
        color: bool,
        action: Action,
        requires_replace: &'a [AttrPath],
    ) -> Printer<'a> {
        Printer {
            buf: String::new(),
            color,
            action,
            requires_replace,
        }
    }

    /// Writes the attributes of `old` and `new` (objects, or nulls) at `indent`, then the count
    /// of hidden unchanged attributes. Attributes named in `sensitive` always show as
    /// `(sensitive value)`. Returns whether anything was written.
    pub(crate) fn write_block_body(
        &mut self,
        old: &Value,
        new: &Value,
        indent: usize,
        sensitive: &BTreeSet<String>,
    ) -> bool {
        let mut path = Vec::new();
        let (written, skipped) = self.write_attrs(old, new, indent, &mut path, sensitive);
        if skipped > 0 {
            self.buf.push('\n');
            self.spaces(indent + 2);
            let noun = if skipped == 1 {
                "attribute"
            } else {
                "attributes"
            };
            self.paint(&format!(
                "[dark_gray]# ({skipped} unchanged {noun} hidden)[reset]"
            ));
        }
        written
    }

    fn paint(&mut self, template: &str) {
        let s = colorize(template, self.color);
        self.buf.push_str(&s);
    }

    fn spaces(&mut self, n: usize) {
        for _ in 0..n {
            self.buf.push(' ');
        }
    }

    fn symbol(&mut self, action: Action) {
        match action {
            Action::Create => self.paint("[green]+[reset] "),
            Action::Delete => self.paint("[red]-[reset] "),
            Action::Update => self.paint("[yellow]~[reset] "),
            Action::NoOp => self.buf.push_str("  "),
            _ => self.buf.push_str("? "),
        }
    }

    fn forces(&self, path: &[PathStep]) -> bool {
        self.action.is_replace() && self.requires_replace.iter().any(|p| p.0 == path)
    }

    fn write_forces(&mut self, path: &[PathStep]) {
        if self.forces(path) {
            self.paint(FORCES_REPLACEMENT);
        }
    }

    fn write_hidden_elements(&mut self, hidden: usize, indent: usize) {
        if hidden > 0 {
            self.symbol(Action::NoOp);
            self.spaces(indent + 2);
            let noun = if hidden == 1 { "element" } else { "elements" };
            self.paint(&format!(
                "[dark_gray]# ({hidden} unchanged {noun} hidden)[reset]"
            ));
            self.buf.push('\n');
        }
    }

    fn write_attrs(
        &mut self,
        old: &Value,
        new: &Value,
        indent: usize,
        path: &mut Vec<PathStep>,
        sensitive: &BTreeSet<String>,
    ) -> (bool, usize) {
        let empty = infra_core::ValueMap::new();
        let old_attrs = old.entries().unwrap_or(&empty);
        let new_attrs = new.entries().unwrap_or(&empty);
        let (old_marked, new_marked) = (old.contains_sensitive(), new.contains_sensitive());
        let names: BTreeSet<&String> = old_attrs.keys().chain(new_attrs.keys()).collect();
        let mut rows = Vec::new();
        let mut name_len = 0;
        for name in names {
            let o = attr_maybe_null(old_attrs.get(name), old_marked);
            let n = attr_maybe_null(new_attrs.get(name), new_marked);
            if o.is_null() && n.is_null() {
                continue;
            }
            name_len = name_len.max(name.len());
            rows.push((name, o, n));
        }
        let written = !rows.is_empty();
        let mut skipped = 0;
        for (name, o, n) in rows {
            if self.write_attr(
                name,
                &o,
                &n,
                name_len,
                indent,
                path,
                sensitive.contains(name),
            ) {
                skipped += 1;
            }
        }
        (written, skipped)
    }

    /// One `name = value` line; returns true when the attribute was hidden as unchanged.
    #[allow(clippy::too_many_arguments)]
    fn write_attr(
        &mut self,
        name: &str,
        old: &Value,
        new: &Value,
        name_len: usize,
        indent: usize,
        path: &mut Vec<PathStep>,
        schema_sensitive: bool,
    ) -> bool {
        let (action, just_new) = plan_action(old, new);
        if action == Action::NoOp && !matches!(name, "id" | "name" | "tags") {
            return true;
        }
        path.push(PathStep::Attr(name.to_string()));
        self.buf.push('\n');
        self.write_sensitivity_warning(old, new, indent, action);
        self.spaces(indent);
        self.symbol(action);
        self.paint("[bold]");
        self.buf.push_str(name);
        self.paint("[reset]");
        self.spaces(name_len - name.len());
        self.buf.push_str(" = ");
        if schema_sensitive {
            self.buf.push_str(SENSITIVE_VALUE);
            self.write_forces(path);
        } else if just_new {
            self.write_value(new, action, indent + 2);
            self.write_forces(path);
        } else {
            self.write_value_diff(old, new, indent + 2, path);
        }
        path.pop();
        false
    }

    fn write_sensitivity_warning(
        &mut self,
        old: &Value,
        new: &Value,
        indent: usize,
        action: Action,
    ) {
        if matches!(action, Action::Create | Action::Delete) {
            return;
        }
        let suffix = if eq_ignoring_marks(old, new) {
            " The value is unchanged."
        } else {
            ""
        };
        if new.is_sensitive() && !old.is_sensitive() {
            self.spaces(indent);
            self.paint("# [yellow]Warning:[reset] this attribute value will be marked as sensitive and will not\n");
            self.spaces(indent);
            self.buf.push_str(&format!(
                "# display in UI output after applying this change.{suffix}\n"
            ));
        }
        if old.is_sensitive() && !new.is_sensitive() {
            self.spaces(indent);
            self.paint("# [yellow]Warning:[reset] this attribute value will no longer be marked as sensitive\n");
            self.spaces(indent);
            self.buf
                .push_str(&format!("# after applying this change.{suffix}\n"));
        }
    }

    /// A whole value, every element marked with `action`.
    pub(crate) fn write_value(&mut self, val: &Value, action: Action, indent: usize) {
        if val.is_sensitive() {
            self.buf.push_str(SENSITIVE_VALUE);
            return;
        }
        match val {
            Value::Unknown(_) => self.buf.push_str("(known after apply)"),
            Value::Null(_) => self.paint("[dark_gray]null[reset]"),
            Value::Bool(b) => self.buf.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => self.buf.push_str(&n.to_string()),
            Value::String(s) => {
                if let Some((jv, false)) = json_structure(s) {
                    self.buf.push_str("jsonencode(");
                    if jv.length() == Some(0) {
                        self.write_value(&jv, action, 0);
                    } else {
                        self.buf.push('\n');
                        self.spaces(indent + 4);
                        self.write_value(&jv, action, indent + 4);
                        self.buf.push('\n');
                        self.spaces(indent);
                    }
                    self.buf.push(')');
                } else if s.contains('\n') {
                    self.write_value_diff(val, val, indent, &mut Vec::new());
                } else {
                    self.buf.push_str(&go_quote(s));
                }
            }
            Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
                self.buf.push('[');
                for item in items {
                    self.buf.push('\n');
                    self.spaces(indent + 2);
                    self.symbol(action);
                    self.write_value(item, action, indent + 4);
                    self.buf.push(',');
                }
                if !items.is_empty() {
                    self.buf.push('\n');
                    self.spaces(indent);
                }
                self.buf.push(']');
            }
            Value::Map(_, m) => {
                self.buf.push('{');
                let key_len = m.keys().map(String::len).max().unwrap_or(0);
                for (k, v) in m {
                    self.buf.push('\n');
                    self.spaces(indent + 2);
                    self.symbol(action);
                    self.buf.push_str(&go_quote(k));
                    self.spaces(key_len - k.len());
                    self.buf.push_str(" = ");
                    if v.is_sensitive() {
                        self.buf.push_str("(sensitive)");
                    } else {
                        self.write_value(v, action, indent + 4);
                    }
                }
                if !m.is_empty() {
                    self.buf.push('\n');
                    self.spaces(indent);
                }
                self.buf.push('}');
            }
            Value::Object(m) => {
                self.buf.push('{');
                let name_len = m.keys().map(String::len).max().unwrap_or(0);
                for (k, v) in m {
                    self.buf.push('\n');
                    self.spaces(indent + 2);
                    self.symbol(action);
                    self.buf.push_str(k);
                    self.spaces(name_len - k.len());
                    self.buf.push_str(" = ");
                    self.write_value(v, action, indent + 4);
                }
                if !m.is_empty() {
                    self.buf.push('\n');
                    self.spaces(indent);
                }
                self.buf.push('}');
            }
            Value::Sensitive(_) => self.buf.push_str(SENSITIVE_VALUE),
        }
    }

    /// The change from `old` to `new`: element by element where both are known collections or
    /// structures of the same kind, `old -> new` otherwise.
    pub(crate) fn write_value_diff(
        &mut self,
        old: &Value,
        new: &Value,
        indent: usize,
        path: &mut Vec<PathStep>,
    ) {
        // A sensitive side hides the whole change, known or not: Terraform prints it once.
        if old.is_sensitive() || new.is_sensitive() {
            self.buf.push_str(SENSITIVE_VALUE);
            self.write_forces(path);
            return;
        }
        let comparable = old.is_known()
            && new.is_known()
            && !old.is_null()
            && !new.is_null()
            && same_kind(old, new);
        if comparable {
            if old.is_sensitive() || new.is_sensitive() {
                self.buf.push_str(SENSITIVE_VALUE);
                self.write_forces(path);
                return;
            }
            let handled = match (old, new) {
                (Value::String(o), Value::String(n)) => self.write_string_diff(o, n, indent, path),
                (Value::Set(_, o), Value::Set(_, n)) => {
                    self.write_set_diff(o, n, indent, path);
                    true
                }
                (Value::List(_, o), Value::List(_, n)) | (Value::Tuple(o), Value::Tuple(n)) => {
                    self.write_list_diff(o, n, indent, path);
                    true
                }
                (Value::Map(_, o), Value::Map(_, n)) => {
                    self.write_map_diff(o, n, indent, path);
                    true
                }
                (Value::Object(o), Value::Object(n)) => {
                    self.write_object_diff(o, n, indent, path);
                    true
                }
                _ => false,
            };
            if handled {
                return;
            }
        }
        self.write_value(old, Action::Delete, indent);
        if new.is_null() {
            self.paint(" [dark_gray]->[reset] ");
        } else {
            self.paint(" [yellow]->[reset] ");
        }
        self.write_value(new, Action::Create, indent);
        self.write_forces(path);
    }

    /// JSON and multi-line string diffs; false when the plain `"a" -> "b"` form applies.
    fn write_string_diff(
        &mut self,
        old: &str,
        new: &str,
        indent: usize,
        path: &mut Vec<PathStep>,
    ) -> bool {
        if let (Some((oj, op)), Some((nj, np))) = (json_structure(old), json_structure(new)) {
            if !(op && np) {
                if oj != nj {
                    self.buf.push_str("jsonencode(\n");
                    self.spaces(indent + 2);
                    self.symbol(Action::Update);
                    self.write_value_diff(&oj, &nj, indent + 4, path);
                    self.buf.push('\n');
                } else {
                    if self.forces(path) {
                        self.paint(
                            "jsonencode( [red]# whitespace changes force replacement[reset]",
                        );
                    } else {
                        self.paint("jsonencode( [dim]# whitespace changes[reset]");
                    }
                    self.buf.push('\n');
                    self.spaces(indent + 4);
                    self.write_value(&oj, Action::NoOp, indent + 4);
                    self.buf.push('\n');
                }
                self.spaces(indent);
                self.buf.push(')');
                return true;
            }
        }
        if !old.contains('\n') && !new.contains('\n') {
            return false;
        }
        self.buf.push_str("<<-EOT");
        self.write_forces(path);
        self.buf.push('\n');
        let (old_lines, new_lines) = (scan_lines(old), scan_lines(new));
        if old == new {
            for line in new_lines {
                self.spaces(indent + 4);
                self.buf.push_str(line);
                self.buf.push('\n');
            }
        } else {
            for (action, line) in line_diff(&old_lines, &new_lines) {
                self.spaces(indent + 2);
                self.symbol(action);
                self.buf.push_str(line);
                self.buf.push('\n');
            }
        }
        self.spaces(indent);
        self.buf.push_str("EOT");
        true
    }

    fn write_set_diff(&mut self, old: &[Value], new: &[Value], indent: usize, path: &[PathStep]) {
        self.buf.push('[');
        self.write_forces(path);
        self.buf.push('\n');
        let mut all: Vec<&Value> = old.iter().chain(new).collect();
        all.sort_by(|a, b| canonical_cmp(a, b));
        all.dedup_by(|a, b| a.is_wholly_known() && a == b);
        let mut hidden = 0;
        for v in all {
            let action = if !v.is_known() {
                Action::Update
            } else if !old.contains(v) {
                Action::Create
            } else if !new.contains(v) {
                Action::Delete
            } else {
                hidden += 1;
                continue;
            };
            self.spaces(indent + 2);
            self.symbol(action);
            self.write_value(v, action, indent + 4);
            self.buf.push_str(",\n");
        }
        self.write_hidden_elements(hidden, indent);
        self.spaces(indent);
        self.buf.push(']');
    }

    fn write_list_diff(
        &mut self,
        old: &[Value],
        new: &[Value],
        indent: usize,
        path: &mut Vec<PathStep>,
    ) {
        self.buf.push('[');
        self.write_forces(path);
        self.buf.push('\n');
        let diffs = sequence_diff(old, new);
        let mut suppressed: Vec<&ElemDiff> = Vec::new();
        let mut change_shown = false;
        let mut i = 0;
        while i < diffs.len() {
            while i < diffs.len() && diffs[i].action == Action::NoOp {
                suppressed.push(&diffs[i]);
                i += 1;
            }
            if !suppressed.is_empty() {
                // Show one unchanged element on each side of a change as context.
                let mut rest = &suppressed[..];
                if change_shown {
                    self.write_context(rest[0], indent);
                    rest = &rest[1..];
                }
                let mut hidden = rest.len();
                let mut next_context = None;
                if hidden > 0 && i < diffs.len() {
                    hidden -= 1;
                    next_context = Some(rest[hidden]);
                }
                self.write_hidden_elements(hidden, indent);
                if let Some(c) = next_context {
                    self.write_context(c, indent);
                }
                suppressed.clear();
            }
            let Some(d) = diffs.get(i) else { break };
            self.spaces(indent + 2);
            self.symbol(d.action);
            match (d.action, d.before, d.after) {
                (Action::Update, Some(b), Some(a)) => self.write_value_diff(b, a, indent + 4, path),
                (Action::NoOp | Action::Delete, Some(b), _) => {
                    self.write_value(b, d.action, indent + 4)
                }
                (_, _, Some(a)) => self.write_value(a, d.action, indent + 4),
                _ => {}
            }
            self.buf.push_str(",\n");
            change_shown = true;
            i += 1;
        }
        self.spaces(indent);
        self.buf.push(']');
    }

    fn write_context(&mut self, d: &ElemDiff, indent: usize) {
        if let Some(v) = d.after {
            self.spaces(indent + 4);
            self.write_value(v, Action::NoOp, indent + 4);
            self.buf.push_str(",\n");
        }
    }

    fn write_map_diff(
        &mut self,
        old: &infra_core::ValueMap,
        new: &infra_core::ValueMap,
        indent: usize,
        path: &mut Vec<PathStep>,
    ) {
        self.buf.push('{');
        self.write_forces(path);
        self.buf.push('\n');
        let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        let key_len = keys.iter().map(|k| k.len()).max().unwrap_or(0);
        let mut hidden = 0;
        for k in keys {
            let (o, n) = (old.get(k), new.get(k));
            let action = match (o, n) {
                (None, _) => Action::Create,
                (_, None) => Action::Delete,
                (Some(o), Some(n)) if equal_value_and_marks(o, n) => Action::NoOp,
                _ => Action::Update,
            };
            if action == Action::NoOp {
                hidden += 1;
                continue;
            }
            let null = Value::Null(Type::Dynamic);
            let (o, n) = (o.unwrap_or(&null), n.unwrap_or(&null));
            path.push(PathStep::Key(k.clone()));
            self.write_sensitivity_warning(o, n, indent + 2, action);
            self.spaces(indent + 2);
            self.symbol(action);
            self.buf.push_str(&go_quote(k));
            self.spaces(key_len - k.len());
            self.buf.push_str(" = ");
            match action {
                Action::Create if n.is_sensitive() => self.buf.push_str("(sensitive)"),
                Action::Create => self.write_value(n, action, indent + 4),
                Action::Delete => {
                    self.write_value_diff(o, &Value::Null(Type::Dynamic), indent + 4, path)
                }
                _ if o.is_sensitive() || n.is_sensitive() => self.buf.push_str("(sensitive)"),
                _ => self.write_value_diff(o, n, indent + 4, path),
            }
            self.buf.push('\n');
            path.pop();
        }
        self.write_hidden_elements(hidden, indent);
        self.spaces(indent);
        self.buf.push('}');
    }

    fn write_object_diff(
        &mut self,
        old: &infra_core::ValueMap,
        new: &infra_core::ValueMap,
        indent: usize,
        path: &mut Vec<PathStep>,
    ) {
        self.buf.push_str("{\n");
        let forces_here = self.forces(path);
        let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        let key_len = keys.iter().map(|k| k.len()).max().unwrap_or(0);
        let mut hidden = 0;
        for k in keys {
            let (o, n) = (old.get(k), new.get(k));
            let action = match (o, n) {
                (None, _) => Action::Create,
                (_, None) => Action::Delete,
                (Some(o), Some(n)) if equal_value_and_marks(o, n) => Action::NoOp,
                _ => Action::Update,
            };
            if action == Action::NoOp {
                hidden += 1;
                continue;
            }
            let null = Value::Null(Type::Dynamic);
            let (o, n) = (o.unwrap_or(&null), n.unwrap_or(&null));
            path.push(PathStep::Attr(k.clone()));
            self.spaces(indent + 2);
            self.symbol(action);
            self.buf.push_str(k);
            self.spaces(key_len - k.len());
            self.buf.push_str(" = ");
            match action {
                Action::Create => self.write_value(n, action, indent + 4),
                Action::Delete => self.write_value_diff(o, &null, indent + 4, path),
                _ => self.write_value_diff(o, n, indent + 4, path),
            }
            self.buf.push('\n');
            path.pop();
        }
        self.write_hidden_elements(hidden, indent);
        self.spaces(indent);
        self.buf.push('}');
        if forces_here {
            self.paint(FORCES_REPLACEMENT);
        }
    }
}

/// Terraform treats an unset string attribute (`""`) as null so that legacy providers do not
/// show spurious diffs, unless something in the object is sensitive.
fn attr_maybe_null(v: Option<&Value>, container_marked: bool) -> Cow<'_, Value> {
    match v {
        None => Cow::Owned(Value::Null(Type::Dynamic)),
        Some(Value::String(s)) if s.is_empty() && !container_marked => {
            Cow::Owned(Value::Null(Type::String))
        }
        Some(v) => Cow::Borrowed(v),
    }
}

/// The action of one attribute and whether only its new value is shown.
fn plan_action(old: &Value, new: &Value) -> (Action, bool) {
    if old.is_null() {
        (Action::Create, true)
    } else if new.is_null() {
        (Action::Delete, false)
    } else if old.is_wholly_known() && new.is_wholly_known() && equal_value_and_marks(old, new) {
        (Action::NoOp, true)
    } else {
        (Action::Update, false)
    }
}

/// Equal values with the same sensitivity; unknowns are never equal.
fn equal_value_and_marks(a: &Value, b: &Value) -> bool {
    a.contains_sensitive() == b.contains_sensitive() && eq_ignoring_marks(a, b)
}

/// Value equality looking through sensitive marks; unknowns are never equal.
fn eq_ignoring_marks(a: &Value, b: &Value) -> bool {
    match (a.peel(), b.peel()) {
        (Value::Unknown(_), _) | (_, Value::Unknown(_)) => false,
        (Value::Null(_), Value::Null(_)) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::List(_, x), Value::List(_, y))
        | (Value::Set(_, x), Value::Set(_, y))
        | (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| eq_ignoring_marks(a, b))
        }
        (Value::Map(_, x), Value::Map(_, y)) | (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| ka == kb && eq_ignoring_marks(va, vb))
        }
        _ => false,
    }
}

/// Terraform's loose type equality for diffs: any two objects or two tuples compare element by
/// element; collections need the same element type.
fn same_kind(a: &Value, b: &Value) -> bool {
    match (a.peel(), b.peel()) {
        (Value::Object(_), Value::Object(_)) | (Value::Tuple(_), Value::Tuple(_)) => true,
        (Value::String(_), Value::String(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::Bool(_), Value::Bool(_)) => true,
        (Value::List(x, _), Value::List(y, _))
        | (Value::Set(x, _), Value::Set(y, _))
        | (Value::Map(x, _), Value::Map(y, _)) => x == y,
        _ => false,
    }
}

/// The string as a JSON value when it is valid JSON, with whether it is a primitive (string,
/// number, bool); `null` counts as structural, as in Terraform.
fn json_structure(s: &str) -> Option<(Value, bool)> {
    let j: serde_json::Value = serde_json::from_str(s).ok()?;
    let primitive = matches!(
        j,
        serde_json::Value::Bool(_) | serde_json::Value::Number(_) | serde_json::Value::String(_)
    );
    Some((Value::from_json(&j, &Type::Dynamic)?, primitive))
}

/// Lines as Go's `bufio.ScanLines` yields them: no empty line after a final newline, `\r`
/// before a newline dropped.
fn scan_lines(s: &str) -> Vec<&str> {
    if s.is_empty() {
        return Vec::new();
    }
    let body = s.strip_suffix('\n').unwrap_or(s);
    body.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::string(v)
    }

    #[track_caller]
    fn diff(old: Value, new: Value, want: &str) {
        let mut p = Printer::new(false, Action::Update, &[]);
        p.write_value_diff(&old, &new, 0, &mut Vec::new());
        assert_eq!(p.buf, want);
    }

    #[test]
    fn primitives_show_old_and_new() {
        diff(s("a"), s("b"), "\"a\" -> \"b\"");
        diff(s("a"), Value::Null(Type::String), "\"a\" -> null");
        diff(
            s("a"),
            Value::Unknown(Type::String),
            "\"a\" -> (known after apply)",
        );
        diff(s("a").mark_sensitive(), s("b"), "(sensitive value)");
        diff(Value::int(1), s("1"), "1 -> \"1\"");
    }

    #[test]
    fn lists_keep_one_element_of_context() {
        let list = |xs: &[&str]| Value::List(Type::String, xs.iter().map(|x| s(x)).collect());
        diff(
            list(&["a", "b", "c", "d", "e"]),
            list(&["a", "b", "x", "d", "e"]),
            "[\n    # (1 unchanged element hidden)\n    \"b\",\n  - \"c\",\n  + \"x\",\n    \"d\",\n    # (1 unchanged element hidden)\n]",
        );
    }
}
