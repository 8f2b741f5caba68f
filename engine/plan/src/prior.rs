//! The prior state as the walk sees it: instances indexed by address, `moved` blocks applied,
//! and resource values seeded so references to resources the walk does not visit (excluded or
//! untargeted) still see their stored values.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use infra_config::{Config, Expr};
use infra_core::addr::{
    parse_target, InstanceKey, ModuleInstance, ResourceAddr, ResourceInstanceAddr, Target,
};
use infra_core::{Diagnostic, Diagnostics, Value};
use infra_state::{ResourceInstance, StateSnapshot};

use crate::values::{EvalState, Expansion, ResourceEntry};

/// The address of a stored instance.
pub fn instance_addr(r: &ResourceInstance) -> Option<ResourceInstanceAddr> {
    let module = if r.module.is_empty() {
        ModuleInstance::root()
    } else {
        match parse_target(&r.module) {
            Ok(Target::Module(m)) => m,
            _ => return None,
        }
    };
    Some(ResourceInstanceAddr {
        resource: ResourceAddr {
            module,
            mode: r.mode,
            ty: r.type_name.clone(),
            name: r.name.clone(),
        },
        key: r.index.clone(),
    })
}

/// Where an instance's prior object came from when it was renamed: the old address, and
/// whether the rename was implicit (a `count` added or removed) rather than a `moved` block.
pub type MovedFrom = HashMap<ResourceInstanceAddr, (String, bool)>;

type Indexed = (
    HashMap<ResourceInstanceAddr, Arc<ResourceInstance>>,
    MovedFrom,
);

/// Indexes the prior state by address and applies the root module's `moved` blocks.
pub fn index_prior(config: &Config, prior: &StateSnapshot) -> Result<Indexed, Diagnostics> {
    let mut by_addr = HashMap::new();
    for r in prior.resources.values() {
        if let Some(a) = instance_addr(r) {
            by_addr.insert(a, r.clone());
        }
    }
    let mut moved_from = HashMap::new();
    let mut diags = Diagnostics::new();
    apply_moved_blocks(config, &mut by_addr, &mut moved_from, &mut diags);
    implicit_moves(config, &mut by_addr, &mut moved_from);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((by_addr, moved_from))
}

/// Applies the `moved` blocks of every module: a block in module `P` renames addresses inside
/// each instance of `P`, relative to it.
fn apply_moved_blocks(
    c: &Config,
    by_addr: &mut HashMap<ResourceInstanceAddr, Arc<ResourceInstance>>,
    moved_from: &mut MovedFrom,
    diags: &mut Diagnostics,
) {
    let depth = c.path.len();
    for m in &c.module.moved {
        let (from, to) = match (expr_target(&m.from), expr_target(&m.to)) {
            (Ok(f), Ok(t)) => (f, t),
            (Err(e), _) | (_, Err(e)) => {
                diags.push(
                    Diagnostic::error("Invalid \"moved\" address", e).with_subject(m.range.clone()),
                );
                continue;
            }
        };
        let moves: Vec<(ResourceInstanceAddr, ResourceInstanceAddr)> = by_addr
            .keys()
            .filter(|a| a.resource.module.static_path().starts_with(&c.path))
            .filter_map(|a| {
                let outer = ModuleInstance(a.resource.module.0[..depth].to_vec());
                let mut rel = a.clone();
                rel.resource.module = ModuleInstance(a.resource.module.0[depth..].to_vec());
                renamed(&rel, &from, &to).map(|mut b| {
                    let mut path = outer.0.clone();
                    path.extend(b.resource.module.0);
                    b.resource.module = ModuleInstance(path);
                    (a.clone(), b)
                })
            })
            .collect();
        rename_all(by_addr, moved_from, moves, false);
    }
    for child in c.children.values() {
        apply_moved_blocks(child, by_addr, moved_from, diags);
    }
}

/// Terraform's implicit moves: a resource that gains `count` keeps its object as `[0]`; one
/// that loses `count` keeps `[0]` as the single object.
fn implicit_moves(
    c: &Config,
    by_addr: &mut HashMap<ResourceInstanceAddr, Arc<ResourceInstance>>,
    moved_from: &mut MovedFrom,
) {
    // Prior instances by configuration resource, built once (one pass over the state).
    type Key = (Vec<String>, infra_core::addr::Mode, String, String);
    let mut index: HashMap<Key, Vec<ResourceInstanceAddr>> = HashMap::new();
    for a in by_addr.keys() {
        let r = &a.resource;
        index
            .entry((r.module.static_path(), r.mode, r.ty.clone(), r.name.clone()))
            .or_default()
            .push(a.clone());
    }
    let mut moves = Vec::new();
    collect_implicit(c, &index, &mut moves);
    rename_all(by_addr, moved_from, moves, true);
}

fn collect_implicit(
    c: &Config,
    index: &HashMap<
        (Vec<String>, infra_core::addr::Mode, String, String),
        Vec<ResourceInstanceAddr>,
    >,
    moves: &mut Vec<(ResourceInstanceAddr, ResourceInstanceAddr)>,
) {
    for r in c.module.resources.values() {
        let mode = match r.mode {
            infra_config::ResourceMode::Managed => infra_core::addr::Mode::Managed,
            infra_config::ResourceMode::Data => infra_core::addr::Mode::Data,
        };
        let (from_key, to_key) = match (&r.count, &r.for_each) {
            (Some(_), None) => (None, Some(InstanceKey::Int(0))),
            (None, None) => (Some(InstanceKey::Int(0)), None),
            _ => continue,
        };
        let Some(instances) = index.get(&(c.path.clone(), mode, r.ty.clone(), r.name.clone()))
        else {
            continue;
        };
        for a in instances.iter().filter(|a| a.key == from_key) {
            moves.push((a.clone(), a.resource.instance(to_key.clone())));
        }
    }
    for child in c.children.values() {
        collect_implicit(child, index, moves);
    }
}

fn rename_all(
    by_addr: &mut HashMap<ResourceInstanceAddr, Arc<ResourceInstance>>,
    moved_from: &mut MovedFrom,
    moves: Vec<(ResourceInstanceAddr, ResourceInstanceAddr)>,
    implicit: bool,
) {
    for (old, new) in moves {
        if by_addr.contains_key(&new) {
            continue;
        }
        if let Some(mut shared) = by_addr.remove(&old) {
            // Copied only here, for the renamed instance: the stored one stays as it was.
            let inst = Arc::make_mut(&mut shared);
            inst.module = if new.resource.module.is_root() {
                String::new()
            } else {
                new.resource.module.to_string()
            };
            inst.type_name = new.resource.ty.clone();
            inst.name = new.resource.name.clone();
            inst.index = new.key.clone();
            let origin = moved_from
                .remove(&old)
                .map(|(o, i)| (o, i && implicit))
                .unwrap_or_else(|| (old.to_string(), implicit));
            moved_from.insert(new.clone(), origin);
            by_addr.insert(new, shared);
        }
    }
}

fn expr_target(e: &Expr) -> Result<Target, String> {
    let span = hcl_edit::Span::span(&e.expr).unwrap_or(0..0);
    let text = e
        .file
        .text()
        .get(span)
        .unwrap_or_default()
        .trim()
        .to_string();
    parse_target(&text)
}

/// Where `a` goes under a `moved { from, to }`, if it is moved.
fn renamed(a: &ResourceInstanceAddr, from: &Target, to: &Target) -> Option<ResourceInstanceAddr> {
    match (from, to) {
        (Target::Instance(f), Target::Instance(t)) if f == a => Some(t.clone()),
        (Target::Resource(f), Target::Resource(t)) if *f == a.resource => {
            Some(t.instance(a.key.clone()))
        }
        (Target::Module(f), Target::Module(t)) if a.resource.module.0.starts_with(&f.0) => {
            let mut m = t.0.clone();
            m.extend(a.resource.module.0[f.0.len()..].iter().cloned());
            let mut r = a.resource.clone();
            r.module = ModuleInstance(m);
            Some(r.instance(a.key.clone()))
        }
        _ => None,
    }
}

/// Seeds resource values from the prior state (untyped JSON values: good enough for references
/// from resources the walk does visit to ones it skips).
pub fn seed_resources(
    state: &EvalState,
    prior: &HashMap<ResourceInstanceAddr, Arc<ResourceInstance>>,
) {
    let mut grouped: HashMap<ResourceAddr, BTreeMap<Option<InstanceKey>, Value>> = HashMap::new();
    for (addr, inst) in prior {
        let v = Value::from_json(&inst.attributes, &infra_core::Type::Dynamic)
            .unwrap_or_else(Value::unknown);
        grouped
            .entry(addr.resource.clone())
            .or_default()
            .insert(addr.key.clone(), v);
    }
    let mut resources = state.resources.write().expect("lock");
    for (addr, instances) in grouped {
        let expansion = match instances.keys().next() {
            Some(Some(InstanceKey::Int(_))) => {
                let max = instances
                    .keys()
                    .filter_map(|k| match k {
                        Some(InstanceKey::Int(i)) => Some(*i),
                        _ => None,
                    })
                    .max()
                    .unwrap_or(-1);
                Expansion::Count(max + 1)
            }
            Some(Some(InstanceKey::Str(_))) => Expansion::ForEach(
                instances
                    .keys()
                    .filter_map(|k| match k {
                        Some(InstanceKey::Str(s)) => Some((s.clone(), Value::unknown())),
                        _ => None,
                    })
                    .collect(),
            ),
            _ => Expansion::Single,
        };
        resources.insert(
            addr,
            ResourceEntry {
                expansion,
                instances: instances.into(),
            },
        );
    }
}
