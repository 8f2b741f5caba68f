//! The state model: resource instances, root outputs and the snapshot that holds them, plus
//! Terraform's instance addresses (`module.a["k"].aws_vpc.main[0]`).
//!
//! Values are kept as JSON (`serde_json::Value`), exactly as Terraform keeps them in state; this
//! module never interprets attributes. Encoding lives in `json.rs`, storage in `sqlite/`.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use infra_core::addr::{parse_target, Target};
use serde_json::Value;

use crate::error::StateError;

/// The key of one instance of a counted (`[0]`) or `for_each` (`["k"]`) resource.
pub use infra_core::addr::InstanceKey;
/// Managed resource (`aws_vpc.main`) or data source (`data.aws_ami.x`).
pub use infra_core::addr::Mode as ResourceMode;

/// One resource instance object as recorded in state.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceInstance {
    /// The module instance: `""` (root), `module.a`, `module.a["k"].module.b`.
    pub module: String,
    pub mode: ResourceMode,
    pub type_name: String,
    pub name: String,
    /// `None` for a resource without `count` or `for_each`.
    pub index: Option<InstanceKey>,
    /// The provider configuration: `provider["registry.terraform.io/hashicorp/null"]`, with
    /// `.alias` appended for an aliased configuration.
    pub provider: String,
    pub schema_version: u64,
    /// The object's attributes (a JSON object).
    pub attributes: Value,
    /// Paths to sensitive attributes, in Terraform's form:
    /// `[{"type":"get_attr","value":"triggers"},{"type":"index","value":{"value":"k","type":"string"}}]`.
    pub sensitive_attributes: Vec<Value>,
    /// Resources this one depends on (`null_resource.a`, `module.m.aws_vpc.x`).
    pub dependencies: Vec<String>,
    pub create_before_destroy: bool,
    /// Marked for replacement (`terraform taint`, or a create that failed half-way).
    pub tainted: bool,
}

impl Default for ResourceInstance {
    fn default() -> ResourceInstance {
        ResourceInstance {
            module: String::new(),
            mode: ResourceMode::Managed,
            type_name: String::new(),
            name: String::new(),
            index: None,
            provider: String::new(),
            schema_version: 0,
            attributes: Value::Object(serde_json::Map::new()),
            sensitive_attributes: Vec::new(),
            dependencies: Vec::new(),
            create_before_destroy: false,
            tainted: false,
        }
    }
}

impl ResourceInstance {
    /// Terraform's instance address: `module.a.aws_vpc.main["x"]`, `null_resource.r[3]`,
    /// `data.x.y`.
    pub fn address(&self) -> String {
        format_address(
            &self.module,
            self.mode,
            &self.type_name,
            &self.name,
            self.index.as_ref(),
        )
    }

    /// The resource's address (without module and key): `aws_vpc.main`, `data.x.y`.
    pub fn resource_local(&self) -> String {
        match self.mode {
            ResourceMode::Managed => format!("{}.{}", self.type_name, self.name),
            ResourceMode::Data => format!("data.{}.{}", self.type_name, self.name),
        }
    }

    /// Orders instances as Terraform writes them: by module, mode (`data` before `managed`),
    /// type, name, then key (none, then numbers, then strings).
    pub fn state_order(&self, other: &ResourceInstance) -> Ordering {
        self.module
            .cmp(&other.module)
            .then_with(|| mode_str(self.mode).cmp(mode_str(other.mode)))
            .then_with(|| self.type_name.cmp(&other.type_name))
            .then_with(|| self.name.cmp(&other.name))
            .then_with(|| key_order(self.index.as_ref(), other.index.as_ref()))
    }
}

/// Terraform's textual instance address from its parts.
pub fn format_address(
    module: &str,
    mode: ResourceMode,
    type_name: &str,
    name: &str,
    index: Option<&InstanceKey>,
) -> String {
    let mut s = String::new();
    if !module.is_empty() {
        s.push_str(module);
        s.push('.');
    }
    if mode == ResourceMode::Data {
        s.push_str("data.");
    }
    s.push_str(type_name);
    s.push('.');
    s.push_str(name);
    if let Some(k) = index {
        s.push_str(&k.to_string());
    }
    s
}

/// `managed` or `data`, as in the state file.
pub fn mode_str(mode: ResourceMode) -> &'static str {
    match mode {
        ResourceMode::Managed => "managed",
        ResourceMode::Data => "data",
    }
}

/// Terraform's instance key order: no key first, then whole numbers ascending, then strings.
pub fn key_order(a: Option<&InstanceKey>, b: Option<&InstanceKey>) -> Ordering {
    fn rank(k: Option<&InstanceKey>) -> u8 {
        match k {
            None => 0,
            Some(InstanceKey::Int(_)) => 1,
            Some(InstanceKey::Str(_)) => 2,
        }
    }
    match (a, b) {
        (Some(InstanceKey::Int(x)), Some(InstanceKey::Int(y))) => x.cmp(y),
        (Some(InstanceKey::Str(x)), Some(InstanceKey::Str(y))) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// The parts of a resource instance address.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceAddress {
    pub module: String,
    pub mode: ResourceMode,
    pub type_name: String,
    pub name: String,
    pub index: Option<InstanceKey>,
}

impl std::fmt::Display for InstanceAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_address(
            &self.module,
            self.mode,
            &self.type_name,
            &self.name,
            self.index.as_ref(),
        ))
    }
}

/// Splits `module.a["k"].aws_vpc.main[0]` into its parts. A resource address without key
/// (`aws_vpc.main`) is the instance of a resource without `count`/`for_each`; a bare module
/// address is refused.
pub fn parse_instance_address(address: &str) -> Result<InstanceAddress, StateError> {
    let invalid = |reason: String| StateError::InvalidAddress {
        address: address.to_string(),
        reason,
    };
    let target = parse_target(address).map_err(|e| invalid(strip_core_prefix(address, &e)))?;
    let (resource, index) = match target {
        Target::Instance(i) => (i.resource, i.key),
        Target::Resource(r) => (r, None),
        Target::Module(_) => {
            return Err(invalid(
                "it names a module, not a resource instance".to_string(),
            ));
        }
    };
    Ok(InstanceAddress {
        module: resource.module.to_string(),
        mode: resource.mode,
        type_name: resource.ty,
        name: resource.name,
        index,
    })
}

/// Checks that `module` is a module instance address (or empty for the root) and returns it in
/// its canonical spelling.
pub fn normalize_module(module: &str) -> Result<String, String> {
    if module.is_empty() {
        return Ok(String::new());
    }
    match parse_target(module) {
        Ok(Target::Module(m)) => Ok(m.to_string()),
        Ok(_) => Err("it names a resource".to_string()),
        Err(e) => Err(strip_core_prefix(module, &e)),
    }
}

/// infra-core's parser says `Invalid address "x": why.`; our messages name the address
/// themselves, so keep only the why.
fn strip_core_prefix(address: &str, msg: &str) -> String {
    let prefix = format!("Invalid address {address:?}: ");
    let rest = msg.strip_prefix(&prefix).unwrap_or(msg);
    rest.trim_end_matches('.').to_string()
}

/// A root module output value.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputValue {
    pub value: Value,
    /// The type in Terraform's JSON type notation: `"string"`, `["list","number"]`,
    /// `["object",{"a":"string"}]`.
    pub ty: Value,
    pub sensitive: bool,
}

/// A whole state: every resource instance (by address) and the root module's outputs.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct StateSnapshot {
    /// Identifies one line of history: states with different lineages are unrelated.
    pub lineage: String,
    /// Increases with every change.
    pub serial: u64,
    /// Shared, not owned: the planner indexes, renames and hands on instances without copying
    /// them (a snapshot of thousands of instances is most of a plan's memory otherwise).
    pub resources: BTreeMap<String, Arc<ResourceInstance>>,
    pub outputs: BTreeMap<String, OutputValue>,
}

impl StateSnapshot {
    /// An empty state with a new random lineage and serial 0.
    pub fn empty() -> StateSnapshot {
        StateSnapshot {
            lineage: crate::ids::new_uuid(),
            ..StateSnapshot::default()
        }
    }

    /// Adds (or replaces) an instance under its own address.
    pub fn insert(&mut self, instance: ResourceInstance) {
        self.resources
            .insert(instance.address(), Arc::new(instance));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inst(
        module: &str,
        mode: ResourceMode,
        ty: &str,
        name: &str,
        index: Option<InstanceKey>,
    ) -> ResourceInstance {
        ResourceInstance {
            module: module.into(),
            mode,
            type_name: ty.into(),
            name: name.into(),
            index,
            ..ResourceInstance::default()
        }
    }

    #[track_caller]
    fn addr(i: ResourceInstance, want: &str) {
        assert_eq!(i.address(), want);
        let p = parse_instance_address(want).unwrap_or_else(|e| panic!("{want}: {e}"));
        assert_eq!(
            (p.module, p.mode, p.type_name, p.name, p.index),
            (i.module, i.mode, i.type_name, i.name, i.index)
        );
    }

    #[test]
    fn addresses_follow_terraform() {
        use InstanceKey::*;
        use ResourceMode::*;
        addr(
            inst("", Managed, "null_resource", "r", Some(Int(3))),
            "null_resource.r[3]",
        );
        addr(inst("", Data, "x", "y", None), "data.x.y");
        addr(
            inst(
                "module.a",
                Managed,
                "aws_vpc",
                "main",
                Some(Str("x".into())),
            ),
            "module.a.aws_vpc.main[\"x\"]",
        );
        addr(
            inst("module.a[\"k\"].module.b", Data, "t", "n", Some(Int(0))),
            "module.a[\"k\"].module.b.data.t.n[0]",
        );
    }

    #[test]
    fn bad_addresses_are_refused() {
        for a in ["", "module.a", "aws_vpc", "aws_vpc.main[", "a.b.c"] {
            assert!(parse_instance_address(a).is_err(), "{a} should be refused");
        }
    }

    #[test]
    fn instances_sort_like_terraform() {
        use InstanceKey::*;
        let keys = [
            None,
            Some(Int(2)),
            Some(Int(10)),
            Some(Str("a".into())),
            Some(Str("b".into())),
        ];
        for (i, a) in keys.iter().enumerate() {
            for (j, b) in keys.iter().enumerate() {
                assert_eq!(
                    key_order(a.as_ref(), b.as_ref()),
                    i.cmp(&j),
                    "{a:?} vs {b:?}"
                );
            }
        }
        let data = inst("", ResourceMode::Data, "z", "z", None);
        let managed = inst("", ResourceMode::Managed, "a", "a", None);
        assert_eq!(data.state_order(&managed), Ordering::Less);
    }
}
