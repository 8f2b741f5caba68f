//! `infra validate [DIR]`: load the configuration and report every problem at once.

use std::path::Path;

use serde_json::json;

use crate::args::ValidateArgs;
use crate::render::{diagnostic_json, render_all};

pub fn run(a: ValidateArgs) -> u8 {
    let dir = a.dir.as_deref().unwrap_or(".");
    let (config, mut diags) = infra_config::load_config(Path::new(dir));
    diags.extend(infra_config::validate_config(&config));
    diags.extend(infra_plan::schema_check::check_resources(
        &config,
        &crate::project::registry(),
    ));
    let sources = super::config_sources(&config);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if a.json {
        let out = json!({
            "format_version": "1.0",
            "valid": errors == 0,
            "error_count": errors,
            "warning_count": warnings,
            "diagnostics": diags.iter().map(|d| diagnostic_json(d, &sources)).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        if !diags.is_empty() {
            eprint!(
                "{}",
                render_all(&diags, &sources, super::stderr_color(a.no_color))
            );
            eprintln!();
        }
        if errors == 0 {
            if warnings > 0 {
                println!("Success! The configuration is valid, but there were some validation warnings as shown above.");
            } else {
                println!("Success! The configuration is valid.");
            }
        }
    }
    u8::from(errors > 0)
}
