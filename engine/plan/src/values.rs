//! The values computed so far during a walk (variables, locals, outputs, resource instances,
//! module expansions) and the [`Scope`] that expressions of one module instance read them through.

use std::collections::{BTreeMap, HashMap};
use std::sync::RwLock;

use infra_core::addr::{InstanceKey, Mode, ModuleInstance, ResourceAddr};
use infra_core::{Type, Value};
use infra_lang::{Scope, ScopeError, Step};

/// How a resource or module call expands into instances.
#[derive(Clone, Debug, PartialEq)]
pub enum Expansion {
    /// No `count` or `for_each`: one instance without a key.
    Single,
    Count(i64),
    /// `for_each`: keys and their `each.value`.
    ForEach(BTreeMap<String, Value>),
}

impl Expansion {
    pub fn keys(&self) -> Vec<Option<InstanceKey>> {
        match self {
            Expansion::Single => vec![None],
            Expansion::Count(n) => (0..*n).map(|i| Some(InstanceKey::Int(i))).collect(),
            Expansion::ForEach(m) => m
                .keys()
                .map(|k| Some(InstanceKey::Str(k.clone())))
                .collect(),
        }
    }
    /// `count.index` / `each.key` and `each.value` for one key.
    pub fn context(&self, key: &Option<InstanceKey>) -> InstanceContext {
        match (self, key) {
            (Expansion::Count(_), Some(InstanceKey::Int(i))) => InstanceContext {
                count_index: Some(*i),
                each: None,
            },
            (Expansion::ForEach(m), Some(InstanceKey::Str(k))) => InstanceContext {
                count_index: None,
                each: Some((k.clone(), m.get(k).cloned().unwrap_or_else(Value::null))),
            },
            _ => InstanceContext::default(),
        }
    }
}

/// `count.index`, `each.key` and `each.value` of the instance being evaluated.
#[derive(Clone, Debug, Default)]
pub struct InstanceContext {
    pub count_index: Option<i64>,
    pub each: Option<(String, Value)>,
}

/// A resource's instances as known so far.
#[derive(Clone, Debug)]
pub struct ResourceEntry {
    pub expansion: Expansion,
    pub instances: InstanceValues,
}

/// A resource's instance values by key. Most resources have one instance, held inline: a
/// `BTreeMap` would allocate a node with room for eleven values (about 1 KiB) for it.
#[derive(Clone, Debug, Default)]
pub enum InstanceValues {
    #[default]
    Empty,
    One(Option<InstanceKey>, Value),
    Many(BTreeMap<Option<InstanceKey>, Value>),
}

impl InstanceValues {
    pub fn get(&self, key: &Option<InstanceKey>) -> Option<&Value> {
        match self {
            InstanceValues::Empty => None,
            InstanceValues::One(k, v) => (k == key).then_some(v),
            InstanceValues::Many(m) => m.get(key),
        }
    }

    /// Sets the value of instance `key`.
    pub fn insert(&mut self, key: Option<InstanceKey>, value: Value) {
        match self {
            InstanceValues::Many(m) => {
                m.insert(key, value);
            }
            InstanceValues::One(k, v) if *k == key => *v = value,
            // Empty, or one value under another key: becomes one value, or a map of two.
            _ => {
                *self = match std::mem::take(self) {
                    InstanceValues::One(k, v) => {
                        InstanceValues::Many(BTreeMap::from([(k, v), (key, value)]))
                    }
                    _ => InstanceValues::One(key, value),
                }
            }
        }
    }
}

impl From<BTreeMap<Option<InstanceKey>, Value>> for InstanceValues {
    fn from(mut m: BTreeMap<Option<InstanceKey>, Value>) -> InstanceValues {
        match m.len() {
            0 => InstanceValues::Empty,
            1 => {
                let (k, v) = m.pop_first().expect("one entry");
                InstanceValues::One(k, v)
            }
            _ => InstanceValues::Many(m),
        }
    }
}

impl ResourceEntry {
    /// The value of a reference to the whole resource: an object, a tuple of objects (count) or
    /// an object of objects (for_each).
    pub fn whole(&self) -> Value {
        let get = |k: &Option<InstanceKey>| {
            self.instances
                .get(k)
                .cloned()
                .unwrap_or_else(Value::unknown)
        };
        match &self.expansion {
            Expansion::Single => get(&None),
            Expansion::Count(_) => Value::Tuple(self.expansion.keys().iter().map(get).collect()),
            Expansion::ForEach(m) => Value::Object(
                m.keys()
                    .map(|k| (k.clone(), get(&Some(InstanceKey::Str(k.clone())))))
                    .collect(),
            ),
        }
    }
}

/// The instances of one module (by static path), each with its call's `count`/`each` context.
pub type ModuleInstances = Vec<(ModuleInstance, InstanceContext)>;

/// Everything evaluated so far in a walk. Shared by concurrent node visits.
#[derive(Debug, Default)]
pub struct EvalState {
    pub vars: RwLock<HashMap<(ModuleInstance, String), Value>>,
    pub locals: RwLock<HashMap<(ModuleInstance, String), Value>>,
    pub outputs: RwLock<HashMap<(ModuleInstance, String), Value>>,
    /// Resources by address; a missing entry means "not known yet" (unknown when read).
    pub resources: RwLock<HashMap<ResourceAddr, ResourceEntry>>,
    /// Module instances by static path, with the context their call was expanded with.
    pub modules: RwLock<HashMap<Vec<String>, ModuleInstances>>,
    /// Expansion of each module call by (calling instance, call name).
    pub module_calls: RwLock<HashMap<(ModuleInstance, String), Expansion>>,
    /// Output names declared by each module (static path), for building `module.x` objects.
    pub module_outputs: HashMap<Vec<String>, Vec<String>>,
}

impl EvalState {
    pub fn new(module_outputs: HashMap<Vec<String>, Vec<String>>) -> EvalState {
        let s = EvalState {
            module_outputs,
            ..EvalState::default()
        };
        s.modules.write().expect("lock").insert(
            Vec::new(),
            vec![(ModuleInstance::root(), InstanceContext::default())],
        );
        s
    }

    /// The instances of the module at a static path (empty until its call has been expanded).
    pub fn module_instances(&self, path: &[String]) -> Vec<(ModuleInstance, InstanceContext)> {
        self.modules
            .read()
            .expect("lock")
            .get(path)
            .cloned()
            .unwrap_or_default()
    }

    fn module_object(&self, inst: &ModuleInstance) -> Value {
        let outputs = self.outputs.read().expect("lock");
        let names = self
            .module_outputs
            .get(&inst.static_path())
            .cloned()
            .unwrap_or_default();
        Value::Object(
            names
                .into_iter()
                .map(|n| {
                    let v = outputs
                        .get(&(inst.clone(), n.clone()))
                        .cloned()
                        .unwrap_or_else(Value::unknown);
                    (n, v)
                })
                .collect(),
        )
    }
}

/// The scope of one module instance (and, inside a counted resource, one instance key).
pub struct InstanceScope<'a> {
    pub state: &'a EvalState,
    pub module: &'a ModuleInstance,
    pub ctx: InstanceContext,
    /// `self`, inside postconditions.
    pub self_value: Option<Value>,
    pub path: Value,
    pub workspace: &'a str,
}

impl Scope for InstanceScope<'_> {
    fn resolve(&self, root: &str, steps: &[Step]) -> Result<(Value, usize), ScopeError> {
        let attr = |i: usize| match steps.get(i) {
            Some(Step::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        match root {
            "var" | "local" => {
                let name = attr(0).ok_or_else(|| invalid_direct(root))?;
                let map = if root == "var" { &self.state.vars } else { &self.state.locals };
                let v = map.read().expect("lock").get(&(self.module.clone(), name.to_string())).cloned();
                Ok((v.unwrap_or_else(Value::unknown), 1))
            }
            "count" => match (attr(0), self.ctx.count_index) {
                (Some("index"), Some(i)) => Ok((Value::int(i), 1)),
                (Some("index"), None) => Err(ScopeError::new(
                    "Reference to \"count\" in non-counted context",
                    "The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.",
                )),
                _ => Err(ScopeError::new("Invalid \"count\" attribute", "The \"count\" object does not have an attribute by that name. The only supported attribute is count.index, which is the index of each instance of a resource block that has the \"count\" argument set.")),
            },
            "each" => match (attr(0), &self.ctx.each) {
                (Some("key"), Some((k, _))) => Ok((Value::string(k.clone()), 1)),
                (Some("value"), Some((_, v))) => Ok((v.clone(), 1)),
                (_, None) => Err(ScopeError::new(
                    "each.value cannot be used in this context",
                    "A reference to \"each.value\" has been used in a context in which it is unavailable, such as when the configuration no longer contains the value in its \"for_each\" expression. Remove this reference to each.value in your configuration to work around this error.",
                )),
                _ => Err(ScopeError::new("Invalid \"each\" attribute", "The \"each\" object does not have an attribute by that name. The supported attributes are each.key and each.value.")),
            },
            "self" => match &self.self_value {
                Some(v) => Ok((v.clone(), 0)),
                None => Err(ScopeError::new("Invalid \"self\" reference", "The \"self\" object is not available in this context.")),
            },
            "path" => Ok((self.path.clone(), 0)),
            "terraform" => Ok((Value::Object(infra_core::ValueMap::from([("workspace".to_string(), Value::string(self.workspace))])), 0)),
            "module" => {
                let name = attr(0).ok_or_else(|| invalid_direct(root))?;
                let exp = self.state.module_calls.read().expect("lock").get(&(self.module.clone(), name.to_string())).cloned();
                let v = match exp {
                    None => Value::unknown(),
                    Some(Expansion::Single) => self.state.module_object(&self.module.child(name, None)),
                    Some(e @ Expansion::Count(_)) => Value::Tuple(
                        e.keys().into_iter().map(|k| self.state.module_object(&self.module.child(name, k))).collect(),
                    ),
                    Some(Expansion::ForEach(m)) => Value::Object(
                        m.keys()
                            .map(|k| (k.clone(), self.state.module_object(&self.module.child(name, Some(InstanceKey::Str(k.clone()))))))
                            .collect(),
                    ),
                };
                Ok((v, 1))
            }
            "data" => {
                let (Some(ty), Some(name)) = (attr(0), attr(1)) else {
                    return Err(ScopeError::new("Invalid data resource reference", "A data resource reference has the form data.TYPE.NAME."));
                };
                let addr = ResourceAddr { module: self.module.clone(), mode: Mode::Data, ty: ty.to_string(), name: name.to_string() };
                Ok(self.resource_value(&addr, &steps[2..], 2))
            }
            ty => {
                let Some(name) = attr(0) else {
                    return Err(ScopeError::new(
                        "Invalid reference",
                        format!("A reference to a resource type must be followed by at least one attribute access, specifying the resource name: {ty}.NAME."),
                    ));
                };
                let addr = ResourceAddr { module: self.module.clone(), mode: Mode::Managed, ty: ty.to_string(), name: name.to_string() };
                Ok(self.resource_value(&addr, &steps[1..], 1))
            }
        }
    }
}

impl InstanceScope<'_> {
    /// A resource reference: one instance when the next step selects it (cheap), else the whole.
    fn resource_value(
        &self,
        addr: &ResourceAddr,
        rest: &[Step],
        consumed: usize,
    ) -> (Value, usize) {
        let resources = self.state.resources.read().expect("lock");
        let Some(entry) = resources.get(addr) else {
            return (Value::unknown(), consumed);
        };
        if let Some(Step::Index(k)) = rest.first() {
            let key = match (&entry.expansion, k.peel()) {
                (Expansion::Count(_), Value::Number(n)) => n.to_i64().map(InstanceKey::Int),
                (Expansion::ForEach(_), Value::String(s)) => Some(InstanceKey::Str(s.clone())),
                _ => None,
            };
            if let Some(v) = key.and_then(|k| entry.instances.get(&Some(k))) {
                return (v.clone().mark_if(k.is_sensitive()), consumed + 1);
            }
        }
        let whole = entry.whole();
        if matches!(whole, Value::Unknown(Type::Dynamic)) {
            return (whole, consumed);
        }
        (whole, consumed)
    }
}

fn invalid_direct(root: &str) -> ScopeError {
    ScopeError::new(
        "Invalid reference",
        format!("The \"{root}\" object cannot be accessed directly. Instead, access one of its attributes."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_values_grow_from_one_inline_value_to_a_map() {
        let mut v = InstanceValues::default();
        assert_eq!(v.get(&None), None);
        v.insert(None, Value::int(1));
        assert!(matches!(v, InstanceValues::One(None, _)));
        v.insert(None, Value::int(2));
        assert_eq!(v.get(&None), Some(&Value::int(2)));
        assert!(
            matches!(v, InstanceValues::One(..)),
            "same key replaces in place"
        );
        let k = |i| Some(InstanceKey::Int(i));
        let mut c = InstanceValues::default();
        for i in [2, 0, 1] {
            c.insert(k(i), Value::int(i * 10));
        }
        assert!(matches!(c, InstanceValues::Many(ref m) if m.len() == 3));
        assert_eq!(c.get(&k(0)), Some(&Value::int(0)));
        assert_eq!(c.get(&k(2)), Some(&Value::int(20)));
        assert_eq!(c.get(&None), None);
        let one: InstanceValues = BTreeMap::from([(k(5), Value::int(5))]).into();
        assert_eq!(one.get(&k(5)), Some(&Value::int(5)));
        assert_eq!(one.get(&k(4)), None);
    }
}
