//! The plan model: what will change, resource instance by instance, and why.

use std::collections::BTreeMap;

use infra_core::addr::ResourceInstanceAddr;
use infra_core::Value;
use infra_provider::AttrPath;
use infra_state::StateSnapshot;

/// What happens to one resource instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    NoOp,
    Create,
    /// A data source read during apply (its configuration is not known until then).
    Read,
    Update,
    /// Replace: delete the old object first, then create the new one.
    DeleteThenCreate,
    /// Replace with `create_before_destroy`: create the new object first.
    CreateThenDelete,
    Delete,
}

impl Action {
    /// Terraform's plan symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Action::NoOp => " ",
            Action::Create => "+",
            Action::Read => "<=",
            Action::Update => "~",
            Action::DeleteThenCreate => "-/+",
            Action::CreateThenDelete => "+/-",
            Action::Delete => "-",
        }
    }
    /// Terraform's JSON action list.
    pub fn json_actions(self) -> &'static [&'static str] {
        match self {
            Action::NoOp => &["no-op"],
            Action::Create => &["create"],
            Action::Read => &["read"],
            Action::Update => &["update"],
            Action::DeleteThenCreate => &["delete", "create"],
            Action::CreateThenDelete => &["create", "delete"],
            Action::Delete => &["delete"],
        }
    }
    pub fn is_replace(self) -> bool {
        matches!(self, Action::DeleteThenCreate | Action::CreateThenDelete)
    }
}

/// Why an instance is planned the way it is, when it is not obvious.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// `-replace=ADDR`.
    ReplaceByRequest,
    /// `replace_triggered_by` saw a change.
    ReplaceByTriggers,
    /// Marked tainted (a failed create).
    Tainted,
    /// Gone from the configuration.
    NoResourceConfig,
    /// Its module instance is gone from the configuration (`module.web[1]`).
    NoModuleInstance(String),
    /// Its `count`/`for_each` no longer includes this key.
    NoInstanceKey,
    /// `-destroy`.
    DestroyMode,
    /// A `moved` block renamed it from this address.
    MovedFrom(String),
    /// Renamed from this address because `count` was added (`a` → `a[0]`) or removed
    /// (`a[0]` → `a`); Terraform does this silently.
    ImplicitMove(String),
    /// The resource no longer uses the kind of key this instance has (`a[1]` after `count` was
    /// removed): the text says what the resource uses now.
    WrongRepetition(&'static str),
}

/// The planned change of one resource instance.
#[derive(Clone, Debug)]
pub struct ResourceChange {
    pub addr: ResourceInstanceAddr,
    /// `provider["registry.terraform.io/hashicorp/null"]` form.
    pub provider: String,
    pub action: Action,
    pub before: Option<Value>,
    /// The planned state (unknown where only apply can tell); `None` for deletes.
    pub after: Option<Value>,
    pub requires_replace: Vec<AttrPath>,
    pub reason: Option<Reason>,
    /// Resources (config addresses) this instance depends on, recorded in state after apply.
    pub dependencies: Vec<String>,
    pub schema_version: u64,
}

/// The planned change of a root module output.
#[derive(Clone, Debug)]
pub struct OutputChange {
    pub action: Action,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub sensitive: bool,
}

/// How the plan was made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum PlanMode {
    #[default]
    Normal,
    Destroy,
    RefreshOnly,
}

/// A whole plan.
#[derive(Clone, Debug)]
pub struct Plan {
    pub environment: String,
    pub mode: PlanMode,
    /// The prior state the plan was made against (after refresh).
    pub prior_state: StateSnapshot,
    /// Resource changes in address order.
    pub changes: Vec<ResourceChange>,
    pub outputs: BTreeMap<String, OutputChange>,
    /// A hash of the configuration's files and the variable values, to refuse stale plan files.
    pub config_hash: String,
    /// The root module's variable values the plan used.
    pub variables: BTreeMap<String, Value>,
    /// Instances whose refreshed state differs from the stored one (drift), for the report.
    pub drift: Vec<ResourceChange>,
    /// `-target`/`-exclude` were used, so the plan may be incomplete.
    pub targeted: bool,
}

impl Plan {
    /// (add, change, destroy) counts as Terraform's summary line counts them.
    pub fn counts(&self) -> (usize, usize, usize) {
        let (mut add, mut change, mut destroy) = (0, 0, 0);
        for c in &self.changes {
            match c.action {
                Action::Create => add += 1,
                Action::Update => change += 1,
                Action::Delete => destroy += 1,
                Action::DeleteThenCreate | Action::CreateThenDelete => {
                    add += 1;
                    destroy += 1;
                }
                Action::NoOp | Action::Read => {}
            }
        }
        (add, change, destroy)
    }

    /// The change of one instance (changes are sorted by address).
    pub fn change(&self, addr: &ResourceInstanceAddr) -> Option<&ResourceChange> {
        self.changes
            .binary_search_by(|c| c.addr.cmp(addr))
            .ok()
            .map(|i| &self.changes[i])
    }

    /// Whether applying the plan would change anything (resources, their addresses, outputs).
    pub fn has_changes(&self) -> bool {
        self.changes
            .iter()
            .any(|c| c.action != Action::NoOp || matches!(c.reason, Some(Reason::MovedFrom(_))))
            || self.outputs.values().any(|o| o.action != Action::NoOp)
    }
}
