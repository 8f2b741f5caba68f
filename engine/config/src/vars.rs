//! The root module's input variable values: gathered from every Terraform source in precedence
//! order, converted to each variable's type, checked against `nullable` and the variable's
//! `validation` rules, and marked sensitive where declared so. Reads the variables files it is
//! pointed at and the module directory's automatic ones; writes nothing.

use std::collections::BTreeMap;
use std::path::Path;

use infra_core::{Diagnostic, Diagnostics, SourceRange, Value};
use infra_lang::{EvalContext, FuncContext, Functions, MapScope};

use crate::consteval::eval_const;
use crate::model::{Module, Variable};
use crate::span::short_range;
use crate::tfvars::{parse_raw, read_vars_file};

/// Where a variable value given on the command line comes from, in command-line order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VarSource {
    /// `-var 'name=value'`.
    Var(String),
    /// `-var-file=path`.
    File(std::path::PathBuf),
}

/// A value before conversion, with where it came from.
enum Given {
    /// Raw text from `-var` or `TF_VAR_name`, interpreted by the variable's parsing mode.
    Text { text: String, origin: Origin },
    /// A value read from a variables file, with the range of its expression.
    FileValue { value: Value, range: SourceRange },
}

#[derive(Clone, Copy)]
enum Origin {
    Cli,
    Env,
}

impl Origin {
    /// Terraform's "set using …" phrase for values without a source range.
    fn phrase(self, name: &str) -> String {
        match self {
            Origin::Cli => format!("set using -var=\"{name}=...\""),
            Origin::Env => format!("set using the TF_VAR_{name} environment variable"),
        }
    }
}

/// The root module's input variable values, from (lowest precedence first) defaults,
/// `TF_VAR_name` environment variables, `terraform.tfvars`, `terraform.tfvars.json`,
/// `*.auto.tfvars` / `*.auto.tfvars.json` in lexical order, then `-var` and `-var-file` in the
/// order given. Values are converted to each variable's type, defaults of optional attributes
/// applied, `nullable`, `sensitive` and `validation` blocks enforced. A variable without a value
/// and without a default is an error. Undeclared variables in files are warnings, on the
/// command line errors, as in Terraform.
///
/// Automatic variables files are read from the module's directory; `-var-file` paths are used as
/// given. A variable whose value is in error is returned as an unknown value of its type, so
/// that callers do not report follow-on problems about it.
pub fn collect_variable_values(
    module: &Module,
    cli: &[VarSource],
    env: &BTreeMap<String, String>,
) -> (BTreeMap<String, Value>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut given: BTreeMap<String, Given> = BTreeMap::new();

    for (key, text) in env {
        if let Some(name) = key.strip_prefix("TF_VAR_") {
            // Undeclared TF_VAR_ variables are ignored: they are often set for other configurations.
            if module.variables.contains_key(name) {
                given.insert(
                    name.to_string(),
                    Given::Text {
                        text: text.clone(),
                        origin: Origin::Env,
                    },
                );
            }
        }
    }
    for file in auto_files(&module.dir) {
        let display = display_in(&module.dir, &file);
        read_file_into(
            module,
            &module.dir.join(&file),
            &display,
            &mut given,
            &mut diags,
        );
    }
    for source in cli {
        match source {
            VarSource::Var(arg) => {
                let Some((name, text)) = arg.split_once('=') else {
                    diags.push(Diagnostic::error(
                        "Invalid -var option",
                        format!("The given -var option \"{arg}\" is not correctly specified. Must be a variable name and value separated by an equals sign, like -var=\"key=value\"."),
                    ));
                    continue;
                };
                let name = name.trim();
                if !module.variables.contains_key(name) {
                    diags.push(Diagnostic::error(
                        "Value for undeclared variable",
                        format!("A variable named \"{name}\" was assigned on the command line, but the root module does not declare a variable of that name. To use this value, add a \"variable\" block to the configuration."),
                    ));
                    continue;
                }
                given.insert(
                    name.to_string(),
                    Given::Text {
                        text: text.to_string(),
                        origin: Origin::Cli,
                    },
                );
            }
            VarSource::File(path) => {
                let display = path.to_string_lossy().replace('\\', "/");
                read_file_into(module, path, &display, &mut given, &mut diags);
            }
        }
    }

    let functions = Functions::standard();
    let fctx = FuncContext::default();
    let mut values = BTreeMap::new();
    for (name, var) in &module.variables {
        let (value, ok, subject) = final_value(var, given.remove(name), &mut diags);
        if ok {
            check_validations(var, &value, &subject, &functions, &fctx, &mut diags);
        }
        values.insert(name.clone(), value.mark_if(var.sensitive));
    }
    (values, diags)
}

/// `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars(.json)` in lexical order.
fn auto_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|it| {
            it.filter_map(Result::ok)
                .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = Vec::new();
    for fixed in ["terraform.tfvars", "terraform.tfvars.json"] {
        if names.iter().any(|n| n == fixed) {
            out.push(fixed.to_string());
        }
    }
    out.extend(
        names
            .into_iter()
            .filter(|n| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")),
    );
    out
}

fn display_in(dir: &Path, name: &str) -> String {
    let p = crate::loader::normalize(&dir.join(name));
    p.to_string_lossy().replace('\\', "/")
}

fn read_file_into(
    module: &Module,
    path: &Path,
    display: &str,
    given: &mut BTreeMap<String, Given>,
    diags: &mut Diagnostics,
) {
    let (values, d) = read_vars_file(path, display);
    diags.extend(d);
    for fv in values {
        if !module.variables.contains_key(&fv.name) {
            diags.push(
                Diagnostic::warning(
                    "Value for undeclared variable",
                    format!("The root module does not declare a variable named \"{}\" but a value was found in file \"{display}\". If you meant to use this value, add a \"variable\" block to the configuration.\n\nTo silence these warnings, use TF_VAR_... environment variables to provide certain \"global\" settings to all configurations in your organization.", fv.name),
                )
                .with_subject(fv.range),
            );
            continue;
        }
        given.insert(
            fv.name,
            Given::FileValue {
                value: fv.value,
                range: fv.range,
            },
        );
    }
}

/// The variable's value from what was given (or its default), converted to its type. Returns
/// the value, whether it is valid, and where diagnostics about it point.
fn final_value(
    var: &Variable,
    given: Option<Given>,
    diags: &mut Diagnostics,
) -> (Value, bool, SourceRange) {
    let placeholder = Value::Unknown(var.ty.ty.clone());
    let addr = format!("var.{}", var.name);
    let default = || {
        var.default.as_ref().and_then(|d| {
            // An invalid default was reported when the module was loaded.
            eval_const(d).ok().and_then(|v| var.ty.convert(&v).ok())
        })
    };
    let Some(given) = given else {
        return match default() {
            Some(v) => (v, true, var.decl_range.clone()),
            None if var.default.is_some() => (placeholder, false, var.decl_range.clone()),
            None => {
                diags.push(
                    Diagnostic::error(
                        "No value for required variable",
                        format!("The root module input variable \"{}\" is not set, and has no default value. Use a -var or -var-file command line argument to provide a value for this variable.", var.name),
                    )
                    .with_subject(var.decl_range.clone()),
                );
                (placeholder, false, var.decl_range.clone())
            }
        };
    };
    let (raw, origin, subject) = match given {
        Given::FileValue { value, range } => (value, None, range),
        Given::Text { text, origin } => match parse_raw(var, &text) {
            Ok(v) => (v, Some(origin), var.decl_range.clone()),
            Err(d) => {
                diags.push(*d);
                return (placeholder, false, var.decl_range.clone());
            }
        },
    };
    let value = match var.ty.convert(&raw) {
        Ok(v) => v,
        Err(e) => {
            let detail = match origin {
                Some(o) => format!("Unsuitable value for {addr} {}: {e}.", o.phrase(&var.name)),
                None => format!(
                    "The given value is not suitable for {addr} declared at {}: {e}.",
                    short_range(&var.decl_range)
                ),
            };
            diags.push(
                Diagnostic::error("Invalid value for input variable", detail)
                    .with_subject(subject.clone()),
            );
            return (placeholder, false, subject);
        }
    };
    if value.is_null() && !var.nullable {
        if let Some(d) = default() {
            return (d, true, subject);
        }
        let detail = match origin {
            Some(o) => format!("Unsuitable value for {addr} {}: required variable may not be set to null.", o.phrase(&var.name)),
            None => format!("The given value is not suitable for {addr} defined at {}: required variable may not be set to null.", short_range(&var.decl_range)),
        };
        diags.push(
            Diagnostic::error("Required variable not set", detail).with_subject(subject.clone()),
        );
        return (placeholder, false, subject);
    }
    (value, true, subject)
}

/// Evaluates the variable's `validation` rules against its final value.
fn check_validations(
    var: &Variable,
    value: &Value,
    subject: &SourceRange,
    functions: &Functions,
    fctx: &FuncContext,
    diags: &mut Diagnostics,
) {
    if var.validations.is_empty() {
        return;
    }
    let value = value.clone().mark_if(var.sensitive);
    let mut scope = MapScope::default();
    scope.roots.insert(
        "var".into(),
        Value::Object(infra_core::ValueMap::from([(var.name.clone(), value)])),
    );
    for rule in &var.validations {
        let mut ctx = EvalContext::new(&scope, functions, fctx, &rule.condition.file);
        let result = match ctx.eval(&rule.condition.expr) {
            Ok(v) => v.unmark_deep().0,
            Err(d) => {
                diags.push(*d);
                continue;
            }
        };
        if !result.is_known() {
            continue;
        }
        let invalid = |detail: String| {
            Diagnostic::error("Invalid variable validation result", detail)
                .with_subject(rule.condition.range())
        };
        if result.is_null() {
            diags.push(invalid(
                "Validation condition expression must return either true or false, not null."
                    .into(),
            ));
            continue;
        }
        let passed = match infra_core::convert::convert(&result, &infra_core::Type::Bool) {
            Ok(Value::Bool(b)) => b,
            Ok(_) => continue,
            Err(e) => {
                diags.push(invalid(format!(
                    "Invalid validation condition result value: {e}."
                )));
                continue;
            }
        };
        if passed {
            continue;
        }
        let message = error_message(rule, &scope, functions, fctx, diags);
        diags.push(
            Diagnostic::error(
                "Invalid value for variable",
                format!(
                    "{message}\n\nThis was checked by the validation rule at {}.",
                    short_range(&rule.decl_range)
                ),
            )
            .with_subject(subject.clone()),
        );
    }
}

/// The text of a failed rule's `error_message`; sensitive or broken messages are not shown.
pub(crate) fn error_message(
    rule: &crate::model::Check,
    scope: &dyn infra_lang::Scope,
    functions: &Functions,
    fctx: &FuncContext,
    diags: &mut Diagnostics,
) -> String {
    let mut ctx = EvalContext::new(scope, functions, fctx, &rule.error_message.file);
    match ctx.eval(&rule.error_message.expr) {
        Ok(v) if v.contains_sensitive() => {
            diags.push(
                Diagnostic::error(
                    "Error message refers to sensitive values",
                    "The error expression used to explain this condition refers to sensitive values. infra will not display the resulting message.\n\nYou can correct this by removing references to sensitive values, or by carefully using the nonsensitive() function if the expression will not reveal the sensitive data.",
                )
                .with_subject(rule.error_message.range()),
            );
            "The error message included a sensitive value, so it will not be displayed.".into()
        }
        Ok(v) => match infra_core::convert::convert(&v, &infra_core::Type::String) {
            Ok(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Ok(_) => "Failed to evaluate condition error message.".into(),
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        "Invalid error message",
                        format!("Unsuitable value for error message: {e}."),
                    )
                    .with_subject(rule.error_message.range()),
                );
                "Failed to evaluate condition error message.".into()
            }
        },
        Err(d) => {
            diags.push(*d);
            "Failed to evaluate condition error message.".into()
        }
    }
}
