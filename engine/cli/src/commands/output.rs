//! `infra output [-json] [-raw] [NAME]`: the root module's output values recorded in the
//! environment's state, as Terraform prints them: `name = value` lines in console format, the
//! `{"name": {"sensitive", "type", "value"}}` JSON document, one value's JSON, or one primitive
//! value raw (no quotes, no newline) for shell scripts.
//!
//! Reading only: no lock, and no state database is created.

use infra_core::{Diagnostic, Diagnostics, Type};
use infra_state::OutputValue;
use serde_json::{Map, Value as Json};

use super::show::output_value;
use super::state::{fail, read_state, warn};
use crate::args::OutputArgs;

/// Terraform's warning when the state has no outputs.
fn no_outputs() -> Diagnostic {
    Diagnostic::warning(
        "No outputs found",
        "The state file either has no outputs defined, or all the defined outputs are empty. Please define an output in your configuration with the `output` keyword and run `infra apply` for it to become available. If you are using interpolation, please verify the interpolated value is not empty. You can use the `infra console` command to assist.",
    )
}

fn not_found(name: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Output \"{name}\" not found"),
        "The output variable requested could not be found in the state file. If you recently added this to your configuration, be sure to run `infra apply`, since the state won't be updated with new output variables until that command is run.",
    )
}

pub fn run(a: OutputArgs) -> u8 {
    if a.json && a.raw {
        return fail(
            Diagnostic::error(
                "Invalid output format",
                "The -raw and -json options are mutually-exclusive.",
            ),
            a.no_color,
        );
    }
    let state = match read_state(&a.env) {
        Ok(s) => s,
        Err(d) => return fail(d, a.no_color),
    };
    let outputs = &state.outputs;
    if a.json {
        return match &a.name {
            Some(name) => match outputs.get(name) {
                Some(o) => {
                    println!("{}", serde_json::to_string(&o.value).unwrap_or_default());
                    0
                }
                None => fail(not_found(name), a.no_color),
            },
            None => {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&all_json(outputs)).unwrap_or_default()
                );
                0
            }
        };
    }
    // Like Terraform, the human and raw views warn (and succeed) when there are no outputs at
    // all, even when one was asked for by name.
    if outputs.is_empty() {
        warn(no_outputs().into(), a.no_color);
        return 0;
    }
    if a.raw {
        let Some(name) = &a.name else {
            return fail(
                Diagnostic::error(
                    "Raw output needs a name",
                    "Raw output format is only supported for single outputs.",
                ),
                a.no_color,
            );
        };
        let Some(o) = outputs.get(name) else {
            return fail(not_found(name), a.no_color);
        };
        return match raw(name, o) {
            Ok(text) => {
                print!("{text}");
                0
            }
            Err(d) => fail(d, a.no_color),
        };
    }
    match &a.name {
        Some(name) => match outputs.get(name) {
            Some(o) => {
                println!(
                    "{}",
                    infra_lang::display::console_format(&output_value(&o.value, &o.ty))
                );
                0
            }
            None => fail(not_found(name), a.no_color),
        },
        None => {
            let lines: Vec<String> = outputs
                .iter()
                .map(|(name, o)| {
                    let shown = if o.sensitive {
                        "<sensitive>".to_string()
                    } else {
                        infra_lang::display::console_format(&output_value(&o.value, &o.ty))
                    };
                    format!("{name} = {shown}")
                })
                .collect();
            println!("{}", lines.join("\n"));
            0
        }
    }
}

/// Every output in Terraform's `output -json` shape.
///
/// Deviation from Terraform 1.0.3, on purpose: Terraform prints sensitive values in full here,
/// which leaks them into CI logs that print `output -json`. infra writes `"value": null` for a
/// sensitive output (the shape and its `sensitive: true` are unchanged); `infra output -json
/// NAME` still prints the value of an output asked for by name, as Terraform does.
fn all_json(outputs: &std::collections::BTreeMap<String, OutputValue>) -> Json {
    let mut doc = Map::new();
    for (name, o) in outputs {
        let mut entry = Map::new();
        entry.insert("sensitive".into(), Json::Bool(o.sensitive));
        entry.insert("type".into(), o.ty.clone());
        entry.insert(
            "value".into(),
            if o.sensitive {
                Json::Null
            } else {
                o.value.clone()
            },
        );
        doc.insert(name.clone(), Json::Object(entry));
    }
    Json::Object(doc)
}

/// A string, number or bool as `-raw` prints it.
fn raw(name: &str, o: &OutputValue) -> Result<String, Diagnostics> {
    let ty = Type::from_json(&o.ty).unwrap_or(Type::Dynamic);
    match &o.value {
        Json::String(s) => Ok(s.clone()),
        Json::Bool(b) => Ok(b.to_string()),
        // With arbitrary precision the number keeps its text from the state (`12345678901234567890`).
        Json::Number(n) => Ok(output_value(&o.value, &o.ty).as_number().map_or_else(|| n.to_string(), |x| x.to_string())),
        Json::Null if ty.is_primitive() => Err(Diagnostic::error(
            "Unsupported value for raw output",
            format!("The value for output value \"{name}\" is null, so -raw mode cannot print it."),
        )
        .into()),
        _ => Err(Diagnostic::error(
            "Unsupported value for raw output",
            format!(
                "The -raw option only supports strings, numbers, and boolean values, but output value \"{name}\" is {}.\n\nUse the -json option for machine-readable representations of output values that have complex types.",
                ty.friendly_name()
            ),
        )
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn out(value: Json, ty: Json, sensitive: bool) -> OutputValue {
        OutputValue {
            value,
            ty,
            sensitive,
        }
    }

    #[test]
    fn raw_prints_primitives_only() {
        assert_eq!(
            raw("s", &out(json!("a\nb"), json!("string"), false))
                .ok()
                .as_deref(),
            Some("a\nb")
        );
        assert_eq!(
            raw("n", &out(json!(1.5), json!("number"), false))
                .ok()
                .as_deref(),
            Some("1.5")
        );
        assert_eq!(
            raw("b", &out(json!(true), json!("bool"), false))
                .ok()
                .as_deref(),
            Some("true")
        );
        let e = raw("l", &out(json!([1]), json!(["tuple", ["number"]]), false))
            .err()
            .and_then(|d| d.iter().next().map(|d| d.detail.clone()))
            .unwrap_or_default();
        assert!(e.contains("output value \"l\" is tuple"), "{e}");
    }

    #[test]
    fn json_redacts_sensitive_values() {
        let mut m = std::collections::BTreeMap::new();
        m.insert("pw".to_string(), out(json!("x"), json!("string"), true));
        m.insert("s".to_string(), out(json!("y"), json!("string"), false));
        assert_eq!(
            all_json(&m),
            json!({"pw": {"sensitive": true, "type": "string", "value": null}, "s": {"sensitive": false, "type": "string", "value": "y"}})
        );
    }
}
