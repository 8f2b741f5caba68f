//! `infra init`: prepares a configuration directory: settles its state backend (the local
//! database in `.infra/`, created here, or the `backend "s3"` bucket, checked here), recorded in
//! `.infra/backend.json`; copies the state over with `-migrate-state` when the configuration
//! names another backend than the recorded one (`migrate.rs`); writes a `.gitignore` that keeps
//! `.infra/` out of version control; then resolves every provider the configuration needs (its `required_providers` entries, `provider` blocks and the providers
//! its resource types imply) against the providers built into infra.
//!
//! Running it again is harmless. It is optional: plan and apply create the database themselves
//! and resolve providers as they go; init reports a missing provider before anything runs.

use std::collections::BTreeMap;
use std::path::Path;

use infra_config::Config;
use infra_core::{Diagnostic, Diagnostics, SourceRange};
use infra_plan::providers::provider_source;

use crate::args::InitArgs;
use crate::backend::{self, Backend};
use crate::project;

/// `.infra/.gitignore`: state holds secrets and must not be committed by accident.
const GITIGNORE: &str = "# Created by infra init: the state database holds secrets; keep it out of version control.\n*\n";

/// A provider the configuration needs: its local name and where it is first asked for.
struct Need {
    local_name: String,
    range: SourceRange,
}

pub fn run(a: InitArgs) -> u8 {
    let color = super::stderr_color(a.no_color);
    let dir = Path::new(".");
    let (config, diags) = infra_config::load_config(dir);
    let sources = super::config_sources(&config);
    if diags.has_errors() {
        project::report(&diags, &sources, color);
        return 1;
    }
    if config.module.files.is_empty() {
        println!("infra initialized in an empty directory!\n\nThe directory has no configuration files (*.tf). You may begin working with infra\nimmediately by creating configuration files.");
        return 0;
    }
    let mut diags = diags;
    if let Err(d) = init_backend(dir, &config, &a) {
        diags.extend(d);
        project::report(&diags, &sources, color);
        return 1;
    }
    if let Err(d) = write_gitignore(dir) {
        diags.extend(d);
        project::report(&diags, &sources, color);
        return 1;
    }

    println!("\nInitializing provider plugins...");
    let registry = project::registry();
    let have: Vec<&str> = registry.sources().collect();
    let mut needs = BTreeMap::new();
    collect_needs(&config, &config, &mut needs);
    for (source, need) in &needs {
        if registry.by_source(source).is_some() {
            println!("- Using built-in {source}");
        } else {
            diags.push(
                Diagnostic::error(
                    "Provider not available",
                    format!(
                        "The configuration needs provider \"{}\" ({source}), which infra does not have. The providers infra has are: {}.",
                        need.local_name,
                        have.join(", ")
                    ),
                )
                .with_subject(need.range.clone()),
            );
        }
    }
    project::report(&diags, &sources, color);
    if diags.has_errors() {
        return 1;
    }
    println!(
        "\ninfra has been successfully initialized!\n\nYou may now begin working with infra. Try running \"infra plan\" to see\nany changes that are required for your infrastructure. All infra commands\nshould now work."
    );
    0
}

/// Settles the backend: migrates (`-migrate-state`) or switches (`-reconfigure`) when the
/// configuration names another backend than the one recorded, prepares it (the local database
/// is created; an S3 bucket is checked for versioning) and records it in `.infra/backend.json`.
fn init_backend(dir: &Path, config: &Config, a: &InitArgs) -> Result<(), Diagnostics> {
    let range = config
        .module
        .terraform
        .backend
        .as_ref()
        .map(|b| b.range.clone());
    let at = |d: Diagnostic| match &range {
        Some(r) => d.with_subject(r.clone()),
        None => d,
    };
    let configured = backend::configured(&config.module)?;
    let previous = backend::previous(dir)?;
    println!("\nInitializing the backend...");
    match previous {
        Some(p) if p.public() != configured.public() => {
            if a.migrate_state {
                println!(
                    "- Migrating state from {} to {}",
                    p.describe(),
                    configured.describe()
                );
                super::migrate::run(dir, &p, &configured, a)?;
            } else if a.reconfigure {
                println!(
                    "- Switching from {} to {} without copying state (-reconfigure)",
                    p.describe(),
                    configured.describe()
                );
            } else {
                return Err(at(Diagnostic::error(
                    "Backend configuration changed",
                    format!(
                        "The configuration now keeps state in {}, but this directory was initialized with {}. Run `infra init -migrate-state` to copy every environment's state to the new backend (add -force-copy to answer yes without a prompt), or `infra init -reconfigure` to use the new backend without copying anything.",
                        configured.describe(),
                        p.describe()
                    ),
                ))
                .into());
            }
        }
        _ if a.migrate_state => {
            println!("- No state to migrate: the backend has not changed.");
        }
        _ => {}
    }
    match &configured {
        Backend::Local => {
            let existed = project::state_path(dir).exists();
            project::open_store(dir)
                .map_err(|e| super::state::state_diag("Failed to open the state database", &e))?;
            let shown = project::state_path(Path::new(""));
            let verb = if existed { "Using existing" } else { "Created" };
            println!("- {verb} {} (environment \"{}\")", shown.display(), a.env);
        }
        Backend::S3(_) => {
            backend::verify(&configured)?;
            println!(
                "- Using {} (environment \"{}\")",
                configured.describe(),
                a.env
            );
        }
    }
    backend::record(dir, &configured)?;
    Ok(())
}

fn write_gitignore(dir: &Path) -> Result<(), Diagnostics> {
    let path = dir.join(project::DATA_DIR).join(".gitignore");
    if std::fs::read_to_string(&path).is_ok_and(|t| t == GITIGNORE) {
        return Ok(());
    }
    std::fs::write(&path, GITIGNORE).map_err(|e| {
        Diagnostic::error(
            "Failed to write .infra/.gitignore",
            format!("Cannot write `{}`: {e}.", path.display()),
        )
        .into()
    })
}

/// A source address as infra shows and compares it: lowercase, without the default registry.
fn normalize_source(s: &str) -> String {
    let s = s.trim().to_ascii_lowercase();
    s.strip_prefix("registry.terraform.io/")
        .map(str::to_string)
        .unwrap_or(s)
}

/// Every provider the module tree needs, by normalized source address.
fn collect_needs(root: &Config, c: &Config, out: &mut BTreeMap<String, Need>) {
    let mut add = |local: &str, range: &SourceRange| {
        let source = normalize_source(&provider_source(root, &c.path, local));
        out.entry(source).or_insert_with(|| Need {
            local_name: local.to_string(),
            range: range.clone(),
        });
    };
    for (name, r) in &c.module.terraform.required_providers {
        add(name, &r.range);
    }
    for p in &c.module.providers {
        add(&p.name, &p.decl_range);
    }
    for r in c.module.resources.values() {
        let key = r.provider_key();
        let local = key.split('.').next().unwrap_or(&key).to_string();
        add(&local, &r.decl_range);
    }
    for child in c.children.values() {
        collect_needs(root, child, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_normalize() {
        assert_eq!(
            normalize_source("registry.terraform.io/HashiCorp/null"),
            "hashicorp/null"
        );
        assert_eq!(
            normalize_source("terraform.io/builtin/terraform"),
            "terraform.io/builtin/terraform"
        );
    }
}
