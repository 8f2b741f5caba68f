//! Named values: `variable` (type, default checked against it, validation rules that may refer
//! only to the variable itself), `locals` and `output` blocks, and the condition blocks
//! (`validation`, `precondition`, `postcondition`) they and resources share.

use hcl_edit::structure::{Block as HclBlock, Structure};
use infra_core::Diagnostic;
use infra_lang::typeexpr::{parse_type, TypeSpec};

use super::{valid_identifier, Decoder, BAD_IDENTIFIER_DETAIL};
use crate::consteval::{const_bool, const_string, eval_const};
use crate::model::{Check, Expr, Local, Output, Variable};
use crate::span::decl_range;

/// Names a variable may not have, because a `module` block uses them for meta-arguments.
const RESERVED_VARIABLE_NAMES: &[&str] = &[
    "count",
    "depends_on",
    "for_each",
    "lifecycle",
    "locals",
    "providers",
    "source",
    "version",
];

const VARIABLE_ATTRS: &[&str] = &["description", "default", "type", "sensitive", "nullable"];

pub(crate) fn decode_variable(d: &mut Decoder<'_>, block: &HclBlock) -> Option<Variable> {
    if !d.check_labels(block, &["name"]) {
        return None;
    }
    let name = block.labels[0].as_str().to_string();
    let label_range = d.range(&block.labels[0]);
    if !valid_identifier(&name) {
        d.push(
            Diagnostic::error("Invalid variable name", BAD_IDENTIFIER_DETAIL)
                .with_subject(label_range),
        );
        return None;
    }
    if RESERVED_VARIABLE_NAMES.contains(&name.as_str()) {
        d.push(
            Diagnostic::error(
                "Invalid variable name",
                format!("The variable name \"{name}\" is reserved due to its special meaning inside module blocks."),
            )
            .with_subject(label_range),
        );
        return None;
    }
    let mut v = Variable {
        name: name.clone(),
        ty: TypeSpec::any(),
        type_expr: None,
        default: None,
        description: None,
        sensitive: false,
        nullable: true,
        validations: Vec::new(),
        range: d.range(block),
        decl_range: decl_range(block, d.file),
    };
    for s in block.body.iter() {
        match s {
            Structure::Attribute(a) => {
                let expr = d.expr(&a.value);
                match a.key.as_str() {
                    "description" => match const_string(&expr) {
                        Ok(s) => v.description = Some(s),
                        Err(e) => d.push_box(e),
                    },
                    "default" => v.default = Some(expr),
                    "type" => {
                        match parse_type(&a.value, d.file) {
                            Ok((spec, warning)) => {
                                v.ty = spec;
                                if let Some(w) = warning {
                                    d.push(w);
                                }
                            }
                            Err(e) => d.push_box(e),
                        }
                        v.type_expr = Some(expr);
                    }
                    "sensitive" => match const_bool(&expr) {
                        Ok(b) => v.sensitive = b,
                        Err(e) => d.push_box(e),
                    },
                    "nullable" => match const_bool(&expr) {
                        Ok(b) => v.nullable = b,
                        Err(e) => d.push_box(e),
                    },
                    _ => d.unsupported_argument(a, VARIABLE_ATTRS, &["validation"]),
                }
            }
            Structure::Block(b) => match b.ident.as_str() {
                "validation" => {
                    if let Some(check) = decode_check(d, b) {
                        check_validation_refs(d, &name, &check);
                        v.validations.push(check);
                    }
                }
                _ => d.unsupported_block(b, &["validation"], VARIABLE_ATTRS),
            },
        }
    }
    if let Some(default) = &v.default {
        check_default(d, &v, default);
    }
    Some(v)
}

/// A default must be a constant that conforms to the type constraint.
fn check_default(d: &mut Decoder<'_>, v: &Variable, default: &Expr) {
    let value = match eval_const(default) {
        Ok(value) => value,
        Err(e) => return d.push_box(e),
    };
    if value.is_null() && !v.nullable {
        d.push(
            Diagnostic::error(
                "Invalid default value for variable",
                "A null default value is not valid when nullable=false.",
            )
            .with_subject(default.range()),
        );
        return;
    }
    if let Err(e) = v.ty.convert(&value) {
        d.push(
            Diagnostic::error(
                "Invalid default value for variable",
                format!("This default value is not compatible with the variable's type constraint: {e}."),
            )
            .with_subject(default.range()),
        );
    }
}

/// A validation rule may refer only to the variable it validates, and its condition must refer
/// to it (else it could not test anything).
fn check_validation_refs(d: &mut Decoder<'_>, name: &str, check: &Check) {
    let mut refers_to_self = false;
    for (expr, is_condition) in [(&check.condition, true), (&check.error_message, false)] {
        for r in infra_lang::refs::references(&expr.expr, &expr.file) {
            if r.root == "var" && r.first_attr() == Some(name) {
                refers_to_self |= is_condition;
                continue;
            }
            let what = if is_condition {
                "condition"
            } else {
                "error message"
            };
            d.push(
                Diagnostic::error(
                    "Invalid reference in variable validation",
                    format!("The {what} for variable \"{name}\" can only refer to the variable itself, using var.{name}."),
                )
                .with_subject(r.range),
            );
        }
    }
    if !refers_to_self {
        d.push(
            Diagnostic::error(
                "Invalid variable validation condition",
                format!("The condition for variable \"{name}\" must refer to var.{name} in order to test incoming values."),
            )
            .with_subject(check.condition.range()),
        );
    }
}

/// Decodes a `validation`, `precondition` or `postcondition` block.
pub(crate) fn decode_check(d: &mut Decoder<'_>, block: &HclBlock) -> Option<Check> {
    if !d.check_labels(block, &[]) {
        return None;
    }
    const ATTRS: &[&str] = &["condition", "error_message"];
    let mut condition = None;
    let mut error_message = None;
    for s in block.body.iter() {
        match s {
            Structure::Attribute(a) => match a.key.as_str() {
                "condition" => condition = Some(d.expr(&a.value)),
                "error_message" => error_message = Some(d.expr(&a.value)),
                _ => d.unsupported_argument(a, ATTRS, &[]),
            },
            Structure::Block(b) => d.unsupported_block(b, &[], ATTRS),
        }
    }
    if condition.is_none() {
        d.missing_argument(block, "condition");
    }
    if error_message.is_none() {
        d.missing_argument(block, "error_message");
    }
    Some(Check {
        condition: condition?,
        error_message: error_message?,
        range: d.range(block),
        decl_range: decl_range(block, d.file),
    })
}

/// Decodes a `locals` block into its entries (duplicates are found by the caller, across blocks).
pub(crate) fn decode_locals(d: &mut Decoder<'_>, block: &HclBlock) -> Vec<Local> {
    if !d.check_labels(block, &[]) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for s in block.body.iter() {
        match s {
            Structure::Attribute(a) => {
                let name = a.key.as_str().to_string();
                if !valid_identifier(&name) {
                    d.push(
                        Diagnostic::error("Invalid local value name", BAD_IDENTIFIER_DETAIL)
                            .with_subject(d.range(&a.key)),
                    );
                    continue;
                }
                out.push(Local {
                    name,
                    expr: d.expr(&a.value),
                    range: d.range(a),
                });
            }
            Structure::Block(b) => d.unsupported_block(b, &[], &[]),
        }
    }
    out
}

const OUTPUT_ATTRS: &[&str] = &["value", "description", "sensitive", "depends_on"];

pub(crate) fn decode_output(d: &mut Decoder<'_>, block: &HclBlock) -> Option<Output> {
    if !d.check_labels(block, &["name"]) {
        return None;
    }
    let name = block.labels[0].as_str().to_string();
    if !valid_identifier(&name) {
        d.push(
            Diagnostic::error("Invalid output name", BAD_IDENTIFIER_DETAIL)
                .with_subject(d.range(&block.labels[0])),
        );
        return None;
    }
    let mut value = None;
    let mut description = None;
    let mut sensitive = false;
    let mut depends_on = Vec::new();
    let mut preconditions = Vec::new();
    for s in block.body.iter() {
        match s {
            Structure::Attribute(a) => {
                let expr = d.expr(&a.value);
                match a.key.as_str() {
                    "value" => value = Some(expr),
                    "description" => match const_string(&expr) {
                        Ok(s) => description = Some(s),
                        Err(e) => d.push_box(e),
                    },
                    "sensitive" => match const_bool(&expr) {
                        Ok(b) => sensitive = b,
                        Err(e) => d.push_box(e),
                    },
                    "depends_on" => depends_on = d.traversal_list(a, "depends_on"),
                    _ => d.unsupported_argument(a, OUTPUT_ATTRS, &["precondition"]),
                }
            }
            Structure::Block(b) => match b.ident.as_str() {
                "precondition" => preconditions.extend(decode_check(d, b)),
                _ => d.unsupported_block(b, &["precondition"], OUTPUT_ATTRS),
            },
        }
    }
    if value.is_none() {
        d.missing_argument(block, "value");
    }
    Some(Output {
        name,
        value: value?,
        description,
        sensitive,
        depends_on,
        preconditions,
        range: d.range(block),
        decl_range: decl_range(block, d.file),
    })
}
