//! What the user asked of a plan or apply, resolved once from the command line.

use std::collections::BTreeMap;

use infra_core::addr::{ResourceInstanceAddr, Target};
use infra_core::Value;

use crate::model::PlanMode;

/// Plan options (Terraform's flags of the same names).
#[derive(Clone, Debug)]
pub struct PlanOptions {
    /// The environment (state) name; `terraform.workspace` evaluates to it.
    pub environment: String,
    pub mode: PlanMode,
    /// Refresh prior state from the providers before planning (`-refresh=false` turns it off).
    pub refresh: bool,
    pub targets: Vec<Target>,
    pub excludes: Vec<Target>,
    /// `-replace=ADDR`.
    pub replace: Vec<ResourceInstanceAddr>,
    /// Provider operations in flight at once (`-parallelism`).
    pub parallelism: usize,
    /// The root module's input variable values (already collected and converted).
    pub variables: BTreeMap<String, Value>,
}

impl Default for PlanOptions {
    fn default() -> PlanOptions {
        PlanOptions {
            environment: "default".into(),
            mode: PlanMode::Normal,
            refresh: true,
            targets: Vec::new(),
            excludes: Vec::new(),
            replace: Vec::new(),
            parallelism: 10,
            variables: BTreeMap::new(),
        }
    }
}
