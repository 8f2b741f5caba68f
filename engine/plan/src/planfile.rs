//! Saved plans: the file `infra plan -out=FILE` writes and `infra apply FILE` reads, the hash
//! of the configuration a plan was made from, and the freshness check that refuses to apply a
//! plan whose state or configuration has moved on.
//!
//! A plan file is one JSON document (see [`FORMAT_VERSION`]):
//!
//! ```json
//! {"infra_plan_format": 1, "infra_version": "0.1.0", "environment": "prod",
//!  "lineage": "…", "serial": 7, "config_hash": "…", "variables": {"name": VALUE},
//!  "plan": {"mode": "normal", "environment": "prod", "config_hash": "…", "targeted": false,
//!           "variables": {…}, "changes": [CHANGE], "drift": [CHANGE],
//!           "outputs": {"name": {"action": "update", "before": VALUE, "after": VALUE, "sensitive": false}},
//!           "prior_state": STATE_V4}}
//! ```
//!
//! VALUE is the exact JSON form of a [`Value`] (types, typed nulls, unknowns, sensitive marks
//! and numbers with their binary precision are all kept, so a plan reads back exactly as it was
//! written): a bool or string is itself, anything else a one-tag object such as
//! `{"number": "1.5"}`, `{"unknown": "string"}`, `{"list": [...], "type": "number"}` or
//! `{"sensitive": VALUE}` (see `render/exact.rs`). A CHANGE is
//! `{"address", "provider", "action", "before", "after", "requires_replace", "reason",
//! "dependencies", "schema_version"}` with a structured address. Plan files hold sensitive
//! values in clear text, as Terraform's do, so they are created readable by their owner only.
//!
//! This module never decides whether to apply; it reports staleness and the caller refuses.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use infra_core::addr::{
    InstanceKey, Mode, ModuleInstance, ModuleStep, ResourceAddr, ResourceInstanceAddr,
};
use infra_core::Value;
use infra_provider::{AttrPath, PathStep};
use serde_json::{json, Map, Value as J};
use sha2::{Digest, Sha256};

use crate::model::{Action, OutputChange, Plan, PlanMode, Reason, ResourceChange};
use crate::render::exact::{arr_field, dec_value, enc_value, field, obj, R};

/// The plan file format this version of infra writes and reads.
pub const FORMAT_VERSION: u64 = 1;
const MAGIC: &str = "infra_plan_format";
const INFRA_VERSION: &str = env!("CARGO_PKG_VERSION");
/// serde_json refuses documents nested deeper than 128 levels; stay clear of that on write.
const MAX_DEPTH: usize = 120;

/// What the caller knows about the plan besides the plan itself.
#[derive(Clone, Debug, Default)]
pub struct PlanFileContext {
    /// Lineage and serial of the stored state the plan was made against.
    pub lineage: String,
    pub serial: u64,
    /// [`config_hash`] of the configuration and variables.
    pub config_hash: String,
    pub environment: String,
    pub variables: BTreeMap<String, Value>,
}

/// A plan read back from a plan file.
#[derive(Clone, Debug)]
pub struct SavedPlan {
    pub format_version: u64,
    /// The infra version that wrote the file.
    pub infra_version: String,
    pub lineage: String,
    pub serial: u64,
    pub config_hash: String,
    pub environment: String,
    pub variables: BTreeMap<String, Value>,
    pub plan: Plan,
}

/// Why a plan file could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    /// The file could not be read.
    #[error("could not read the plan file `{path}`: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file (or its temporary twin) could not be written or moved into place.
    #[error("could not write the plan file `{path}`: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is something else (empty, not JSON, a Terraform plan, a state file...).
    #[error("`{path}` is not an infra plan file: {reason}")]
    NotAPlanFile { path: PathBuf, reason: String },
    /// The file ends in the middle of the document.
    #[error("the plan file `{path}` is truncated (it ends in the middle of the plan); create it again with `infra plan -out`")]
    Truncated { path: PathBuf },
    /// Written by an infra with another plan file format.
    #[error("the plan file `{path}` has format version `{found}`, but infra {INFRA_VERSION} reads only format version `{supported}`; create the plan again with `infra plan -out` using this version of infra")]
    UnsupportedVersion {
        path: PathBuf,
        found: String,
        supported: u64,
    },
    /// The document has the right format version but a field is missing or malformed.
    #[error("the plan file `{path}` is damaged: {reason}; create it again with `infra plan -out`")]
    Invalid { path: PathBuf, reason: String },
    /// The plan holds something the format cannot represent.
    #[error("the plan cannot be saved to `{path}`: {reason}")]
    Unencodable { path: PathBuf, reason: String },
}

/// Why a saved plan must not be applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StalePlan {
    /// The state was replaced by an unrelated one (another lineage).
    #[error("{}: {}", self.summary(), self.detail())]
    LineageChanged { planned: String, current: String },
    /// Another operation wrote the state after the plan was made.
    #[error("{}: {}", self.summary(), self.detail())]
    SerialChanged { planned: u64, current: u64 },
    /// The configuration files or variable values changed.
    #[error("{}: {}", self.summary(), self.detail())]
    ConfigChanged { planned: String, current: String },
}

impl StalePlan {
    /// The diagnostic summary.
    pub fn summary(&self) -> &'static str {
        match self {
            StalePlan::LineageChanged { .. } | StalePlan::SerialChanged { .. } => {
                "Saved plan is stale"
            }
            StalePlan::ConfigChanged { .. } => "Saved plan does not match the given configuration",
        }
    }

    /// The diagnostic detail: what changed and what to do.
    pub fn detail(&self) -> String {
        const STALE: &str = "The given plan file can no longer be applied because the state was changed by another operation after the plan was created";
        const AGAIN: &str =
            "Run `infra plan` again to create a new plan against the current state.";
        match self {
            StalePlan::LineageChanged { planned, current } => format!(
                "{STALE}: the plan was made for the state with lineage `{planned}`, but the state now has lineage `{current}`. {AGAIN}"
            ),
            StalePlan::SerialChanged { planned, current } => format!(
                "{STALE}: the state was at serial `{planned}` when the plan was made and is now at serial `{current}`. {AGAIN}"
            ),
            StalePlan::ConfigChanged { .. } => "The configuration files or the variable values have changed since the plan was created, so the plan may no longer do what the configuration says. Run `infra plan` again to create a new plan from the current configuration.".to_string(),
        }
    }
}

/// Checks that `saved` can still be applied: same state lineage and serial (as Terraform, only
/// when both lineages are known) and the same configuration hash.
pub fn check_fresh(
    saved: &SavedPlan,
    current_lineage: &str,
    current_serial: u64,
    current_config_hash: &str,
) -> Result<(), StalePlan> {
    // The configuration first: a plan from another configuration is the more useful message.
    if saved.config_hash != current_config_hash {
        return Err(StalePlan::ConfigChanged {
            planned: saved.config_hash.clone(),
            current: current_config_hash.to_string(),
        });
    }
    if !saved.lineage.is_empty() && !current_lineage.is_empty() {
        if saved.lineage != current_lineage {
            return Err(StalePlan::LineageChanged {
                planned: saved.lineage.clone(),
                current: current_lineage.to_string(),
            });
        }
        if saved.serial != current_serial {
            return Err(StalePlan::SerialChanged {
                planned: saved.serial,
                current: current_serial,
            });
        }
    }
    Ok(())
}

/// SHA-256 (lowercase hex) over the configuration files, sorted by relative path (each path
/// and content length-prefixed), and the canonical encoding of the variable values (types,
/// exact numbers and sensitive marks included). Paths are taken as given: use `/` separators.
pub fn config_hash(files: &[(String, Vec<u8>)], variables: &BTreeMap<String, Value>) -> String {
    let mut sorted: Vec<&(String, Vec<u8>)> = files.iter().collect();
    sorted.sort();
    let mut h = Sha256::new();
    h.update(b"infra-config-hash-v1\0");
    for (path, content) in sorted {
        h.update((path.len() as u64).to_le_bytes());
        h.update(path.as_bytes());
        h.update((content.len() as u64).to_le_bytes());
        h.update(content);
    }
    h.update(b"variables\0");
    match enc_values(variables).and_then(|j| serde_json::to_vec(&j).map_err(|e| e.to_string())) {
        Ok(bytes) => h.update(bytes),
        Err(_) => h.update(format!("{variables:?}").as_bytes()),
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the plan atomically: a temporary file in the same directory, flushed to disk, then
/// renamed over `path`.
pub fn write_plan_file(
    path: impl AsRef<Path>,
    plan: &Plan,
    ctx: &PlanFileContext,
) -> Result<(), PlanFileError> {
    let path = path.as_ref();
    let unencodable = |reason: String| PlanFileError::Unencodable {
        path: path.to_path_buf(),
        reason,
    };
    let doc = encode(plan, ctx).map_err(unencodable)?;
    if depth(&doc) > MAX_DEPTH {
        return Err(unencodable(format!(
            "a value is nested more than {} levels deep",
            MAX_DEPTH / 2
        )));
    }
    let mut bytes = serde_json::to_vec(&doc).map_err(|e| unencodable(e.to_string()))?;
    bytes.push(b'\n');
    let write_err = |source| PlanFileError::Write {
        path: path.to_path_buf(),
        source,
    };
    let name = path.file_name().ok_or_else(|| {
        write_err(std::io::Error::other(
            "the path names a directory, not a file",
        ))
    })?;
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_file_name(format!(
        ".{}.{}-{n}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = write_new_file(&tmp, &bytes).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(write_err)
}

fn write_new_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Reads a plan file written by [`write_plan_file`].
pub fn read_plan_file(path: impl AsRef<Path>) -> Result<SavedPlan, PlanFileError> {
    let path = path.as_ref();
    let bytes = fs::read(path).map_err(|source| PlanFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let p = || path.to_path_buf();
    let not_plan = |reason: &str| PlanFileError::NotAPlanFile {
        path: p(),
        reason: reason.to_string(),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(not_plan("the file is empty"));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(not_plan(
            "it is a zip archive, like Terraform's plan files; infra applies only plans saved by `infra plan -out`",
        ));
    }
    let doc: J = match serde_json::from_slice(&bytes) {
        Ok(doc) => doc,
        Err(e) if !bytes.trim_ascii_start().starts_with(b"{") => {
            return Err(not_plan(&format!("it is not JSON ({e})")))
        }
        Err(e) if e.classify() == serde_json::error::Category::Eof => {
            return Err(PlanFileError::Truncated { path: p() })
        }
        Err(e) => {
            return Err(PlanFileError::Invalid {
                path: p(),
                reason: format!("it is not valid JSON ({e})"),
            })
        }
    };
    let Some(version) = doc.get(MAGIC) else {
        let reason = if doc.get("lineage").is_some() && doc.get("resources").is_some() {
            "it looks like a state file".to_string()
        } else {
            format!("it has no `{MAGIC}` field")
        };
        return Err(not_plan(&reason));
    };
    if version.as_u64() != Some(FORMAT_VERSION) {
        return Err(PlanFileError::UnsupportedVersion {
            path: p(),
            found: version.to_string(),
            supported: FORMAT_VERSION,
        });
    }
    decode(&doc).map_err(|reason| PlanFileError::Invalid { path: p(), reason })
}

fn depth(j: &J) -> usize {
    match j {
        J::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        J::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

// ---------------------------------------------------------------------------------------------
// Encoding.

fn encode(plan: &Plan, ctx: &PlanFileContext) -> Result<J, String> {
    let mut p = Map::new();
    p.insert("mode".into(), json!(mode_name(&plan.mode)));
    p.insert("environment".into(), json!(plan.environment));
    p.insert("config_hash".into(), json!(plan.config_hash));
    p.insert("targeted".into(), json!(plan.targeted));
    p.insert("variables".into(), enc_values(&plan.variables)?);
    p.insert(
        "changes".into(),
        J::Array(
            plan.changes
                .iter()
                .map(enc_change)
                .collect::<Result<_, _>>()?,
        ),
    );
    p.insert(
        "drift".into(),
        J::Array(
            plan.drift
                .iter()
                .map(enc_change)
                .collect::<Result<_, _>>()?,
        ),
    );
    let mut outputs = Map::new();
    for (name, o) in &plan.outputs {
        outputs.insert(
            name.clone(),
            json!({"action": action_name(o.action), "before": enc_opt(o.before.as_ref())?,
                   "after": enc_opt(o.after.as_ref())?, "sensitive": o.sensitive}),
        );
    }
    p.insert("outputs".into(), J::Object(outputs));
    p.insert(
        "prior_state".into(),
        infra_state::to_json(&plan.prior_state),
    );
    let mut doc = Map::new();
    doc.insert(MAGIC.into(), json!(FORMAT_VERSION));
    doc.insert("infra_version".into(), json!(INFRA_VERSION));
    doc.insert("environment".into(), json!(ctx.environment));
    doc.insert("lineage".into(), json!(ctx.lineage));
    doc.insert("serial".into(), json!(ctx.serial));
    doc.insert("config_hash".into(), json!(ctx.config_hash));
    doc.insert("variables".into(), enc_values(&ctx.variables)?);
    doc.insert("plan".into(), J::Object(p));
    Ok(J::Object(doc))
}

fn mode_name(mode: &PlanMode) -> &'static str {
    match mode {
        PlanMode::Normal => "normal",
        PlanMode::Destroy => "destroy",
        PlanMode::RefreshOnly => "refresh_only",
    }
}

const ACTIONS: [(Action, &str); 7] = [
    (Action::NoOp, "no_op"),
    (Action::Create, "create"),
    (Action::Read, "read"),
    (Action::Update, "update"),
    (Action::DeleteThenCreate, "delete_then_create"),
    (Action::CreateThenDelete, "create_then_delete"),
    (Action::Delete, "delete"),
];

fn action_name(a: Action) -> &'static str {
    ACTIONS
        .iter()
        .find(|(x, _)| *x == a)
        .map(|(_, n)| *n)
        .unwrap_or("no_op")
}

fn enc_change(c: &ResourceChange) -> Result<J, String> {
    let reason = match &c.reason {
        None => J::Null,
        Some(Reason::ReplaceByRequest) => json!("replace_by_request"),
        Some(Reason::ReplaceByTriggers) => json!("replace_by_triggers"),
        Some(Reason::Tainted) => json!("tainted"),
        Some(Reason::NoResourceConfig) => json!("no_resource_config"),
        Some(Reason::NoInstanceKey) => json!("no_instance_key"),
        Some(Reason::DestroyMode) => json!("destroy_mode"),
        Some(Reason::MovedFrom(a)) => json!({ "moved_from": a }),
        Some(Reason::NoModuleInstance(m)) => json!({ "no_module_instance": m }),
        Some(Reason::ImplicitMove(m)) => json!({ "implicit_move": m }),
        Some(Reason::WrongRepetition(w)) => json!({ "wrong_repetition": w }),
    };
    let paths: Vec<J> = c
        .requires_replace
        .iter()
        .map(|p| J::Array(p.0.iter().map(enc_step).collect()))
        .collect();
    Ok(json!({
        "address": enc_addr(&c.addr), "provider": c.provider, "action": action_name(c.action),
        "before": enc_opt(c.before.as_ref())?, "after": enc_opt(c.after.as_ref())?,
        "requires_replace": paths, "reason": reason, "dependencies": c.dependencies,
        "schema_version": c.schema_version,
    }))
}

fn enc_step(s: &PathStep) -> J {
    match s {
        PathStep::Attr(a) => json!({ "attr": a }),
        PathStep::Key(k) => json!({ "key": k }),
        PathStep::Index(i) => json!({ "index": i }),
    }
}

fn enc_key(k: &Option<InstanceKey>) -> J {
    match k {
        None => J::Null,
        Some(InstanceKey::Int(i)) => json!(i),
        Some(InstanceKey::Str(s)) => json!(s),
    }
}

fn enc_addr(a: &ResourceInstanceAddr) -> J {
    let module: Vec<J> = a
        .resource
        .module
        .0
        .iter()
        .map(|s| json!({"name": s.name, "key": enc_key(&s.key)}))
        .collect();
    let mode = if a.resource.mode == Mode::Data {
        "data"
    } else {
        "managed"
    };
    json!({"module": module, "mode": mode, "type": a.resource.ty, "name": a.resource.name, "key": enc_key(&a.key)})
}

fn enc_opt(v: Option<&Value>) -> Result<J, String> {
    v.map(enc_value).unwrap_or(Ok(J::Null))
}

fn enc_values(vars: &BTreeMap<String, Value>) -> Result<J, String> {
    Ok(J::Object(
        vars.iter()
            .map(|(k, v)| Ok((k.clone(), enc_value(v)?)))
            .collect::<Result<_, String>>()?,
    ))
}

// ---------------------------------------------------------------------------------------------
// Decoding. Errors name the offending field by its path in the document.

fn str_field<'a>(o: &'a Map<String, J>, key: &str, at: &str) -> R<&'a str> {
    field(o, key, at)?
        .as_str()
        .ok_or_else(|| format!("`{at}.{key}` must be a string"))
}

fn u64_field(o: &Map<String, J>, key: &str, at: &str) -> R<u64> {
    field(o, key, at)?
        .as_u64()
        .ok_or_else(|| format!("`{at}.{key}` must be a whole number"))
}

fn decode(doc: &J) -> R<SavedPlan> {
    let d = obj(doc, "$")?;
    let p = obj(field(d, "plan", "$")?, "plan")?;
    let mode = match str_field(p, "mode", "plan")? {
        "normal" => PlanMode::Normal,
        "destroy" => PlanMode::Destroy,
        "refresh_only" => PlanMode::RefreshOnly,
        other => {
            return Err(format!(
                "`plan.mode` is `{other}`; expected `normal`, `destroy` or `refresh_only`"
            ))
        }
    };
    let changes = |key: &str| -> R<Vec<ResourceChange>> {
        let list = arr_field(p, key, "plan")?;
        list.iter()
            .enumerate()
            .map(|(i, c)| dec_change(c, &format!("plan.{key}[{i}]")))
            .collect()
    };
    let mut outputs = BTreeMap::new();
    for (name, o) in obj(field(p, "outputs", "plan")?, "plan.outputs")? {
        let at = format!("plan.outputs.{name}");
        let o = obj(o, &at)?;
        outputs.insert(
            name.clone(),
            OutputChange {
                action: dec_action(str_field(o, "action", &at)?, &at)?,
                before: dec_opt(field(o, "before", &at)?, &format!("{at}.before"))?,
                after: dec_opt(field(o, "after", &at)?, &format!("{at}.after"))?,
                sensitive: field(o, "sensitive", &at)?
                    .as_bool()
                    .ok_or_else(|| format!("`{at}.sensitive` must be true or false"))?,
            },
        );
    }
    let prior_state = infra_state::from_value(field(p, "prior_state", "plan")?.clone())
        .map_err(|e| format!("`plan.prior_state`: {e}"))?;
    let plan = Plan {
        environment: str_field(p, "environment", "plan")?.to_string(),
        mode,
        prior_state,
        changes: changes("changes")?,
        outputs,
        config_hash: str_field(p, "config_hash", "plan")?.to_string(),
        variables: dec_values(field(p, "variables", "plan")?, "plan.variables")?,
        drift: changes("drift")?,
        targeted: field(p, "targeted", "plan")?
            .as_bool()
            .ok_or("`plan.targeted` must be true or false")?,
    };
    Ok(SavedPlan {
        format_version: FORMAT_VERSION,
        infra_version: str_field(d, "infra_version", "$")?.to_string(),
        lineage: str_field(d, "lineage", "$")?.to_string(),
        serial: u64_field(d, "serial", "$")?,
        config_hash: str_field(d, "config_hash", "$")?.to_string(),
        environment: str_field(d, "environment", "$")?.to_string(),
        variables: dec_values(field(d, "variables", "$")?, "variables")?,
        plan,
    })
}

fn dec_action(name: &str, at: &str) -> R<Action> {
    ACTIONS
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(a, _)| *a)
        .ok_or_else(|| format!("`{at}.action` is `{name}`, not a known action"))
}

fn dec_change(j: &J, at: &str) -> R<ResourceChange> {
    let c = obj(j, at)?;
    let reason = match field(c, "reason", at)? {
        J::Null => None,
        J::String(s) => Some(match s.as_str() {
            "replace_by_request" => Reason::ReplaceByRequest,
            "replace_by_triggers" => Reason::ReplaceByTriggers,
            "tainted" => Reason::Tainted,
            "no_resource_config" => Reason::NoResourceConfig,
            "no_instance_key" => Reason::NoInstanceKey,
            "destroy_mode" => Reason::DestroyMode,
            other => return Err(format!("`{at}.reason` is `{other}`, not a known reason")),
        }),
        J::Object(o) if o.contains_key("implicit_move") => Some(Reason::ImplicitMove(
            str_field(o, "implicit_move", &format!("{at}.reason"))?.to_string(),
        )),
        J::Object(o) if o.contains_key("wrong_repetition") => Some(Reason::WrongRepetition(
            match str_field(o, "wrong_repetition", &format!("{at}.reason"))? {
                "resource does not use count" => "resource does not use count",
                "resource does not use for_each" => "resource does not use for_each",
                "resource uses count, not for_each" => "resource uses count, not for_each",
                _ => "resource uses for_each, not count",
            },
        )),
        J::Object(o) if o.contains_key("no_module_instance") => Some(Reason::NoModuleInstance(
            str_field(o, "no_module_instance", &format!("{at}.reason"))?.to_string(),
        )),
        J::Object(o) => Some(Reason::MovedFrom(
            str_field(o, "moved_from", &format!("{at}.reason"))?.to_string(),
        )),
        _ => return Err(format!("`{at}.reason` must be a string, an object or null")),
    };
    let mut requires_replace = Vec::new();
    for (i, p) in arr_field(c, "requires_replace", at)?.iter().enumerate() {
        let pat = format!("{at}.requires_replace[{i}]");
        let steps = p
            .as_array()
            .ok_or_else(|| format!("`{pat}` must be an array"))?;
        requires_replace.push(AttrPath(
            steps.iter().map(|s| dec_step(s, &pat)).collect::<R<_>>()?,
        ));
    }
    let dependencies = arr_field(c, "dependencies", at)?
        .iter()
        .map(|d| {
            d.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("`{at}.dependencies` must hold strings"))
        })
        .collect::<R<_>>()?;
    Ok(ResourceChange {
        addr: dec_addr(field(c, "address", at)?, &format!("{at}.address"))?,
        provider: str_field(c, "provider", at)?.to_string(),
        action: dec_action(str_field(c, "action", at)?, at)?,
        before: dec_opt(field(c, "before", at)?, &format!("{at}.before"))?,
        after: dec_opt(field(c, "after", at)?, &format!("{at}.after"))?,
        requires_replace,
        reason,
        dependencies,
        schema_version: u64_field(c, "schema_version", at)?,
    })
}

fn dec_step(j: &J, at: &str) -> R<PathStep> {
    let o = obj(j, at)?;
    match (o.get("attr"), o.get("key"), o.get("index")) {
        (Some(J::String(a)), None, None) => Ok(PathStep::Attr(a.clone())),
        (None, Some(J::String(k)), None) => Ok(PathStep::Key(k.clone())),
        (None, None, Some(i)) => i
            .as_u64()
            .map(PathStep::Index)
            .ok_or_else(|| format!("`{at}` has a bad index")),
        _ => Err(format!(
            "`{at}` must hold one `attr`, `key` or `index` step"
        )),
    }
}

fn dec_key(j: Option<&J>, at: &str) -> R<Option<InstanceKey>> {
    match j {
        None | Some(J::Null) => Ok(None),
        Some(J::String(s)) => Ok(Some(InstanceKey::Str(s.clone()))),
        Some(J::Number(n)) => n
            .as_i64()
            .map(|i| Some(InstanceKey::Int(i)))
            .ok_or_else(|| format!("`{at}.key` must be a whole number")),
        Some(_) => Err(format!("`{at}.key` must be a number, a string or null")),
    }
}

fn dec_addr(j: &J, at: &str) -> R<ResourceInstanceAddr> {
    let a = obj(j, at)?;
    let mut module = ModuleInstance::root();
    for (i, s) in arr_field(a, "module", at)?.iter().enumerate() {
        let sat = format!("{at}.module[{i}]");
        let so = obj(s, &sat)?;
        module.0.push(ModuleStep {
            name: str_field(so, "name", &sat)?.to_string(),
            key: dec_key(so.get("key"), &sat)?,
        });
    }
    let mode = match str_field(a, "mode", at)? {
        "managed" => Mode::Managed,
        "data" => Mode::Data,
        other => {
            return Err(format!(
                "`{at}.mode` is `{other}`; expected `managed` or `data`"
            ))
        }
    };
    let resource = ResourceAddr {
        module,
        mode,
        ty: str_field(a, "type", at)?.to_string(),
        name: str_field(a, "name", at)?.to_string(),
    };
    Ok(ResourceInstanceAddr {
        resource,
        key: dec_key(a.get("key"), at)?,
    })
}

fn dec_opt(j: &J, at: &str) -> R<Option<Value>> {
    match j {
        J::Null => Ok(None),
        j => dec_value(j, at).map(Some),
    }
}

fn dec_values(j: &J, at: &str) -> R<BTreeMap<String, Value>> {
    obj(j, at)?
        .iter()
        .map(|(k, v)| Ok((k.clone(), dec_value(v, &format!("{at}.{k}"))?)))
        .collect()
}
