//! Reading variable values as Terraform takes them: `.tfvars` files (HCL bodies of constant
//! `name = value` arguments), `.tfvars.json` files (a JSON object), and the raw text of `-var`
//! options and `TF_VAR_` environment variables, which is taken literally for variables of a
//! primitive type (or no type) and parsed as a constant HCL expression otherwise.

use std::path::Path;
use std::sync::Arc;

use hcl_edit::structure::Structure;
use hcl_edit::Span;
use infra_core::{Diagnostic, Diagnostics, LineIndex, SourceRange, Type, Value};

use crate::consteval::eval_const_raw;
use crate::model::Variable;

/// One `name = value` read from a variables file.
pub(crate) struct FileValue {
    pub name: String,
    pub value: Value,
    /// The value's expression (HCL) or the whole file (JSON): where diagnostics about it point.
    pub range: SourceRange,
}

/// Reads a variables file; `display` names it in diagnostics. JSON when the name ends in `.json`.
pub(crate) fn read_vars_file(path: &Path, display: &str) -> (Vec<FileValue>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            diags.push(Diagnostic::error(
                "Failed to read variables file",
                format!("Given variables file {display} does not exist."),
            ));
            return (Vec::new(), diags);
        }
        Err(e) => {
            diags.push(Diagnostic::error(
                "Failed to read variables file",
                format!("Error while reading {display}: {e}."),
            ));
            return (Vec::new(), diags);
        }
    };
    let file = Arc::new(LineIndex::new(display, text));
    let values = if display.ends_with(".json") {
        read_json(&file, &mut diags)
    } else {
        read_hcl(&file, &mut diags)
    };
    (values, diags)
}

fn read_hcl(file: &Arc<LineIndex>, diags: &mut Diagnostics) -> Vec<FileValue> {
    let body = match infra_lang::parse::parse_body(file.text(), file) {
        Ok(b) => b,
        Err(d) => {
            diags.push(*d);
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let range = file.range(a.value.span().unwrap_or(0..0));
                match eval_const_raw(&a.value, file) {
                    Ok(value) => out.push(FileValue {
                        name: a.key.as_str().to_string(),
                        value,
                        range,
                    }),
                    Err(d) => diags.push(*d),
                }
            }
            Structure::Block(b) => diags.push(
                Diagnostic::error(
                    format!("Unexpected \"{}\" block", b.ident.as_str()),
                    "Blocks are not allowed here.",
                )
                .with_subject(file.range(b.ident.span().unwrap_or(0..0))),
            ),
        }
    }
    out
}

fn read_json(file: &Arc<LineIndex>, diags: &mut Diagnostics) -> Vec<FileValue> {
    let whole = file.range(0..file.text().len());
    let json: serde_json::Value = match serde_json::from_str(file.text()) {
        Ok(j) => j,
        Err(e) => {
            let byte = line_col_byte(file.text(), e.line(), e.column());
            diags.push(
                Diagnostic::error(
                    "Invalid JSON",
                    format!("The variables file is not valid JSON: {e}."),
                )
                .with_subject(file.range(byte..(byte + 1).min(file.text().len()))),
            );
            return Vec::new();
        }
    };
    let serde_json::Value::Object(map) = json else {
        diags.push(
            Diagnostic::error(
                "Root value must be object",
                "The root value in a JSON-based variables file must be an object, with a property for each variable.",
            )
            .with_subject(whole),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, j) in map {
        match Value::from_json(&j, &Type::Dynamic) {
            Some(value) => out.push(FileValue {
                name,
                value,
                range: whole.clone(),
            }),
            None => diags.push(
                Diagnostic::error(
                    "Invalid JSON value",
                    format!("The value of \"{name}\" cannot be represented as a Terraform value."),
                )
                .with_subject(whole.clone()),
            ),
        }
    }
    out
}

fn line_col_byte(text: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset + col.saturating_sub(1).min(l.len());
        }
        offset += l.len();
    }
    text.len()
}

/// Whether Terraform takes a `-var`/`TF_VAR_` value for `var` as literal text (no type, or a
/// primitive type) rather than parsing it as an HCL expression.
pub(crate) fn takes_literal(var: &Variable) -> bool {
    var.type_expr.is_none() || var.ty.ty.is_primitive()
}

/// The value of a `-var`/`TF_VAR_` text for `var`.
pub(crate) fn parse_raw(var: &Variable, raw: &str) -> Result<Value, Box<Diagnostic>> {
    if takes_literal(var) {
        return Ok(Value::string(raw));
    }
    let file = LineIndex::new(format!("<value for var.{}>", var.name), raw);
    let expr = infra_lang::parse::parse_expression(raw, &file)?;
    eval_const_raw(&expr, &file)
}
