//! Fixture directories under `tests/fixtures/<behaviour>/`: each is a root module (with any local
//! modules it calls) and an `expected.txt` snapshot of what loading plus validation reports,
//! rendered plainly, one diagnostic per paragraph:
//!
//! ```text
//! error: Reference to undeclared input variable
//!   at main.tf:3:20
//!   An input variable with the name "regin" has not been declared. Did you mean "region"?
//! ```
//!
//! File paths are relative to the fixture directory. Run with `UPDATE_SNAPSHOTS=1` to rewrite
//! the snapshots, then review every changed one by eye.

use std::path::{Path, PathBuf};

use infra_config::{load_config, validate_config};
use infra_core::{Diagnostics, Severity};

fn fixtures_dir() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

/// Renders diagnostics plainly, with `prefix` (the fixture directory) removed from paths.
fn render(diags: &Diagnostics, prefix: &str) -> String {
    if diags.is_empty() {
        return "(no diagnostics)\n".to_string();
    }
    let mut out = String::new();
    for d in diags.iter() {
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!("{severity}: {}\n", d.summary));
        if let Some(r) = &d.subject {
            out.push_str(&format!(
                "  at {}:{}:{}\n",
                r.filename, r.start.line, r.start.column
            ));
        }
        for line in d.detail.lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out.push('\n');
    }
    out.replace(prefix, "")
}

#[test]
fn fixtures_match_snapshots() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no fixtures found");
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let (config, mut diags) = load_config(dir);
        diags.extend(validate_config(&config));
        let prefix = format!("{}/", dir.display());
        let actual = render(&diags, &prefix);
        let expected_path = dir.join("expected.txt");
        if name.starts_with("valid-") && diags.has_errors() {
            failures.push(format!("{name}: a valid- fixture has errors:\n{actual}"));
        }
        if name.starts_with("invalid-") && !diags.has_errors() {
            failures.push(format!("{name}: an invalid- fixture has no errors"));
        }
        if update {
            std::fs::write(&expected_path, &actual).expect("write snapshot");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "{name}: snapshot differs\n--- expected\n{expected}\n--- actual\n{actual}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
