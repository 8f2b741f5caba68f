//! Which state backend a configuration directory uses: the configuration's `backend` block
//! (none, or `backend "local"`: the SQLite database in `.infra/`; `backend "s3"`: a bucket),
//! the backend last initialised there (`.infra/backend.json`: its type and settings, never
//! its secrets), and opening the store. A backend that differs from the recorded one is an
//! error until `infra init -migrate-state` (or `-reconfigure`) settles it, so a command never
//! silently works on an empty state because the configuration changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use infra_config::Module;
use infra_core::{Diagnostic, Diagnostics, SourceRange};
use infra_state::{SqliteStore, StateStore};
use serde_json::{json, Value};

use crate::commands::state::sentence;
use crate::project::{state_path, DATA_DIR};

/// A backend and its settings.
#[derive(Clone, Debug, PartialEq)]
pub enum Backend {
    /// The SQLite database `.infra/state.db`.
    Local,
    /// An S3 bucket; the block's arguments as JSON (secrets included).
    S3(BTreeMap<String, Value>),
}

/// The arguments of `backend "s3"` that are secrets.
#[cfg(feature = "s3")]
use infra_state_s3::SECRET_ARGUMENTS;
#[cfg(not(feature = "s3"))]
const SECRET_ARGUMENTS: &[&str] = &["access_key", "secret_key", "token"];

impl Backend {
    /// What `.infra/backend.json` records: the type and the settings without secrets.
    pub fn public(&self) -> Value {
        match self {
            Backend::Local => json!({"type": "local"}),
            Backend::S3(args) => {
                let settings: serde_json::Map<String, Value> = args
                    .iter()
                    .filter(|(k, _)| !SECRET_ARGUMENTS.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                json!({"type": "s3", "settings": settings})
            }
        }
    }

    /// Reads a recorded backend.
    fn from_public(v: &Value) -> Option<Backend> {
        match v.get("type")?.as_str()? {
            "local" => Some(Backend::Local),
            "s3" => {
                let settings = v.get("settings")?.as_object()?;
                Some(Backend::S3(
                    settings
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ))
            }
            _ => None,
        }
    }

    /// For messages: `the local state database (.infra/state.db)`, `the s3 backend (s3://b/k)`.
    pub fn describe(&self) -> String {
        match self {
            Backend::Local => format!(
                "the local state database ({})",
                state_path(Path::new("")).display()
            ),
            Backend::S3(args) => {
                let s = |k: &str| {
                    args.get(k)
                        .and_then(Value::as_str)
                        .unwrap_or("?")
                        .to_string()
                };
                format!("the s3 backend (s3://{}/{})", s("bucket"), s("key"))
            }
        }
    }
}

/// The backend the root module names; errors point at the block.
pub fn configured(root: &Module) -> Result<Backend, Diagnostics> {
    let Some(b) = &root.terraform.backend else {
        return Ok(Backend::Local);
    };
    let at = |d: Diagnostic| d.with_subject(b.range.clone());
    match b.kind.as_str() {
        "local" => Ok(Backend::Local),
        "s3" => {
            let mut args = BTreeMap::new();
            for (name, attr) in &b.config.attributes {
                let v = infra_config::eval_const(&attr.expr).map_err(|d| *d)?;
                args.insert(name.clone(), v.to_json());
            }
            // `endpoints { s3 = "..." }` written as a block.
            for block in &b.config.blocks {
                let mut m = serde_json::Map::new();
                for (name, attr) in &block.body.attributes {
                    let v = infra_config::eval_const(&attr.expr).map_err(|d| *d)?;
                    m.insert(name.clone(), v.to_json());
                }
                args.insert(block.ty.clone(), Value::Object(m));
            }
            check_s3(&args).map_err(|e| {
                at(Diagnostic::error(
                    "Invalid backend configuration",
                    sentence(&e),
                ))
            })?;
            Ok(Backend::S3(args))
        }
        other => Err(at(Diagnostic::error(
            "Unsupported backend type",
            format!("infra keeps state in its local database or in S3: use `backend \"s3\"`, `backend \"local\"`, or no backend block, not `backend \"{other}\"`."),
        ))
        .into()),
    }
}

#[cfg(feature = "s3")]
fn check_s3(args: &BTreeMap<String, Value>) -> Result<(), String> {
    infra_state_s3::S3Settings::from_arguments(args).map(|_| ())
}

#[cfg(not(feature = "s3"))]
fn check_s3(_: &BTreeMap<String, Value>) -> Result<(), String> {
    Err("this infra was built without the S3 backend (cargo feature `s3`)".into())
}

fn record_path(dir: &Path) -> PathBuf {
    dir.join(DATA_DIR).join("backend.json")
}

/// The backend last initialised in `dir`: `.infra/backend.json`, else the local database when
/// it exists (directories from before backends were recorded), else none.
pub fn previous(dir: &Path) -> Result<Option<Backend>, Diagnostics> {
    let path = record_path(dir);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| Backend::from_public(&v))
            .map(Some)
            .ok_or_else(|| {
                Diagnostic::error(
                    "Invalid backend record",
                    format!("`{}` is not a backend record infra wrote. Run `infra init -reconfigure` to record the configured backend again.", path.display()),
                )
                .into()
            }),
        Err(_) if state_path(dir).exists() => Ok(Some(Backend::Local)),
        Err(_) => Ok(None),
    }
}

/// Records `backend` as the one initialised in `dir`.
pub fn record(dir: &Path, backend: &Backend) -> Result<(), Diagnostics> {
    let path = record_path(dir);
    let text = format!(
        "{}\n",
        serde_json::to_string_pretty(&backend.public()).unwrap_or_default()
    );
    std::fs::create_dir_all(dir.join(DATA_DIR))
        .and_then(|_| std::fs::write(&path, text))
        .map_err(|e| {
            Diagnostic::error(
                "Failed to record the backend",
                format!("Cannot write `{}`: {e}.", path.display()),
            )
            .into()
        })
}

/// Checks the configured backend against the recorded one: a change needs `infra init`.
/// The first use of a remote backend records it.
pub fn check(
    dir: &Path,
    configured: &Backend,
    range: Option<SourceRange>,
) -> Result<(), Diagnostics> {
    let at = |d: Diagnostic| match &range {
        Some(r) => d.with_subject(r.clone()),
        None => d,
    };
    match previous(dir)? {
        Some(p) if p.public() == configured.public() => Ok(()),
        Some(p) => Err(at(Diagnostic::error(
            "Backend initialization required",
            format!(
                "The configuration now keeps state in {}, but this directory was initialized with {}. Run `infra init -migrate-state` to copy every environment's state to the new backend, or `infra init -reconfigure` to use the new backend without copying anything.",
                configured.describe(),
                p.describe()
            ),
        ))
        .into()),
        None if *configured == Backend::Local => Ok(()),
        None => record(dir, configured),
    }
}

/// Opens `backend`'s store (creating the local database when `create`; `None` when it does not
/// exist and may not be created).
pub fn open(
    dir: &Path,
    backend: &Backend,
    create: bool,
) -> Result<Option<Arc<dyn StateStore>>, Diagnostics> {
    match backend {
        Backend::Local => {
            if !create && !state_path(dir).exists() {
                return Ok(None);
            }
            SqliteStore::open(state_path(dir))
                .map(|s| Some(Arc::new(s) as Arc<dyn StateStore>))
                .map_err(|e| {
                    crate::commands::state::state_diag("Failed to open the state database", &e)
                        .into()
                })
        }
        Backend::S3(args) => open_s3(args).map(Some),
    }
}

#[cfg(feature = "s3")]
fn open_s3(args: &BTreeMap<String, Value>) -> Result<Arc<dyn StateStore>, Diagnostics> {
    let invalid = |e: String| Diagnostic::error("Invalid backend configuration", sentence(&e));
    let settings = infra_state_s3::S3Settings::from_arguments(args).map_err(invalid)?;
    infra_state_s3::S3Store::open(settings)
        .map(|s| Arc::new(s) as Arc<dyn StateStore>)
        .map_err(|e| {
            Diagnostic::error("Failed to open the s3 backend", sentence(&e.to_string())).into()
        })
}

#[cfg(not(feature = "s3"))]
fn open_s3(args: &BTreeMap<String, Value>) -> Result<Arc<dyn StateStore>, Diagnostics> {
    Err(Diagnostic::error(
        "Invalid backend configuration",
        check_s3(args).err().unwrap_or_default(),
    )
    .into())
}

/// Opens an S3 store and checks that its bucket keeps versions (for `infra init`).
#[cfg(feature = "s3")]
pub fn verify(backend: &Backend) -> Result<(), Diagnostics> {
    let Backend::S3(args) = backend else {
        return Ok(());
    };
    let settings = infra_state_s3::S3Settings::from_arguments(args)
        .map_err(|e| Diagnostic::error("Invalid backend configuration", sentence(&e)))?;
    let store = infra_state_s3::S3Store::open(settings).map_err(|e| {
        Diagnostic::error("Failed to open the s3 backend", sentence(&e.to_string()))
    })?;
    store
        .check_versioning()
        .map_err(|e| Diagnostic::error("Unusable s3 backend", sentence(&e.to_string())).into())
}

#[cfg(not(feature = "s3"))]
pub fn verify(backend: &Backend) -> Result<(), Diagnostics> {
    match backend {
        Backend::Local => Ok(()),
        Backend::S3(args) => open_s3(args).map(|_| ()),
    }
}

/// The backend of the configuration in `dir` for commands that do not load the whole
/// configuration (state, output, show, force-unlock): only the root module's `backend` block
/// counts, and a root module that does not load at all means the local database.
pub fn of_dir(dir: &Path) -> Result<Backend, Diagnostics> {
    let (module, _) = infra_config::load_module(dir);
    let range = module.terraform.backend.as_ref().map(|b| b.range.clone());
    let b = configured(&module)?;
    check(dir, &b, range)?;
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3(extra: &[(&str, Value)]) -> Backend {
        let mut args: BTreeMap<String, Value> = BTreeMap::from([
            ("bucket".to_string(), json!("b")),
            ("key".to_string(), json!("k/t.tfstate")),
        ]);
        for (k, v) in extra {
            args.insert(k.to_string(), v.clone());
        }
        Backend::S3(args)
    }

    #[test]
    fn records_keep_no_secrets_and_read_back() {
        let b = s3(&[("access_key", json!("AKIA")), ("secret_key", json!("shh"))]);
        let public = b.public();
        let text = public.to_string();
        assert!(!text.contains("AKIA") && !text.contains("shh"), "{text}");
        assert_eq!(Backend::from_public(&public), Some(s3(&[])));
        assert_eq!(
            Backend::from_public(&Backend::Local.public()),
            Some(Backend::Local)
        );
        // Secrets alone do not make another backend.
        assert_eq!(public, s3(&[]).public());
        assert_ne!(public, s3(&[("region", json!("eu-west-1"))]).public());
        assert_eq!(b.describe(), "the s3 backend (s3://b/k/t.tfstate)");
    }

    #[test]
    fn a_changed_backend_needs_init() {
        let dir = std::env::temp_dir().join(format!("infra-backend-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_default();
        // Nothing recorded: local is fine and not recorded; s3 is recorded on first use.
        assert!(check(&dir, &Backend::Local, None).is_ok());
        assert!(!record_path(&dir).exists());
        assert!(check(&dir, &s3(&[]), None).is_ok());
        assert_eq!(previous(&dir).ok().flatten(), Some(s3(&[])));
        let err = check(&dir, &Backend::Local, None).err().unwrap_or_default();
        let text = format!("{err:?}");
        assert!(text.contains("Backend initialization required"), "{text}");
        assert!(text.contains("-migrate-state"), "{text}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
