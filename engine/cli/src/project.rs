//! The working directory as a project: where its state lives (`.infra/state.db`), which
//! environment is selected, which providers infra has, and loading configuration and variable
//! values with their diagnostics. Commands resolve these once and pass them on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use infra_config::{collect_variable_values, load_config, Config, VarSource};
use infra_core::{Diagnostic, Diagnostics, Value};
use infra_provider::Registry;
use infra_state::{SqliteStore, StateError, StateStore};

use crate::backend;
use crate::render::{render_all, Sources};

/// The directory that holds infra's own files in a configuration directory.
pub const DATA_DIR: &str = ".infra";

/// The state database of a configuration directory.
pub fn state_path(dir: &Path) -> PathBuf {
    dir.join(DATA_DIR).join("state.db")
}

/// Opens (creating if needed) the local state database, whatever backend is configured (for
/// `infra init`). A damaged file is reported and left untouched.
pub fn open_store(dir: &Path) -> Result<Arc<SqliteStore>, StateError> {
    SqliteStore::open(state_path(dir)).map(Arc::new)
}

/// The state store the configuration names: its `backend` block, or the SQLite database in
/// `.infra/` when it has none (created if needed). A backend other than the one last
/// initialised here is an error that asks for `infra init -migrate-state` (see `backend.rs`).
pub fn store_for(dir: &Path, config: &Config) -> Result<Arc<dyn StateStore>, Diagnostics> {
    let b = backend::configured(&config.module)?;
    let range = config
        .module
        .terraform
        .backend
        .as_ref()
        .map(|b| b.range.clone());
    backend::check(dir, &b, range)?;
    backend::open(dir, &b, true)?.ok_or_else(|| {
        Diagnostic::error(
            "Failed to open the state",
            format!("Cannot open {}.", b.describe()),
        )
        .into()
    })
}

/// Every provider infra has.
pub fn registry() -> Registry {
    #[allow(unused_mut)]
    let mut r = infra_builtin::registry();
    #[cfg(feature = "aws")]
    infra_aws::register(&mut r);
    r
}

/// A configuration loaded with its variable values, or the diagnostics that stop a command.
pub struct Loaded {
    pub config: Arc<Config>,
    pub variables: BTreeMap<String, Value>,
    pub sources: Sources,
    /// Warnings (and errors, when `ok` is false).
    pub diagnostics: Diagnostics,
}

impl Loaded {
    pub fn ok(&self) -> bool {
        !self.diagnostics.has_errors()
    }
}

/// Loads the configuration in `dir` and the root module's variable values.
pub fn load(dir: &Path, vars: &[String], var_files: &[String]) -> Loaded {
    let (config, mut diags) = load_config(dir);
    diags.extend(infra_config::validate_config(&config));
    let mut cli = Vec::new();
    for v in vars {
        cli.push(VarSource::Var(v.clone()));
    }
    for f in var_files {
        cli.push(VarSource::File(PathBuf::from(f)));
    }
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let (variables, vdiags) = collect_variable_values(&config.module, &cli, &env);
    diags.extend(vdiags);
    let sources = crate::commands::config_sources(&config);
    Loaded {
        config: Arc::new(config),
        variables,
        sources,
        diagnostics: diags,
    }
}

/// Prints diagnostics to stderr.
pub fn report(diags: &Diagnostics, sources: &Sources, color: bool) {
    if !diags.is_empty() {
        eprint!("{}", render_all(diags, sources, color));
        eprintln!();
    }
}

/// A state error as a diagnostic.
pub fn state_error(e: &StateError) -> Diagnostic {
    match e {
        StateError::Locked { .. } => {
            Diagnostic::error("Error acquiring the state lock", format!("{e}"))
        }
        _ => Diagnostic::error("Failed to load state", format!("{e}")),
    }
}

/// Every configuration file with its contents (for the configuration hash of plan files).
pub fn config_files(config: &Config) -> Vec<(String, Vec<u8>)> {
    fn walk(c: &Config, out: &mut Vec<(String, Vec<u8>)>) {
        for f in &c.module.files {
            out.push((f.filename().to_string(), f.text().as_bytes().to_vec()));
        }
        for child in c.children.values() {
            walk(child, out);
        }
    }
    let mut out = Vec::new();
    walk(config, &mut out);
    out
}

/// Parses a Go-style duration as Terraform's flags take them (`10s`, `1m30s`, `500ms`, `0`).
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    if s == "0" {
        return Ok(std::time::Duration::ZERO);
    }
    let mut total = 0f64;
    let mut rest = s;
    if rest.is_empty() {
        return Err(format!("invalid duration {s:?}"));
    }
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("invalid duration {s:?}: missing unit"))?;
        let value: f64 = rest[..n]
            .parse()
            .map_err(|_| format!("invalid duration {s:?}"))?;
        rest = &rest[n..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            u => return Err(format!("invalid duration {s:?}: unknown unit {u:?}")),
        };
        total += value * factor;
        rest = &rest[unit_len..];
    }
    Ok(std::time::Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_like_go() {
        assert_eq!(parse_duration("10s").unwrap().as_millis(), 10_000);
        assert_eq!(parse_duration("1m30s").unwrap().as_millis(), 90_000);
        assert_eq!(parse_duration("500ms").unwrap().as_millis(), 500);
        assert_eq!(parse_duration("0").unwrap().as_millis(), 0);
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("10").is_err());
    }
}
