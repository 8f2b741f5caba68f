//! Views over a finished [`Plan`](crate::Plan): the human diff Terraform 1.0 prints (`human`),
//! the machine-readable JSON of `terraform show -json PLANFILE` (`json`) and a Markdown summary
//! for pull-request comments (`markdown`).
//!
//! Renderers only read the plan: they never evaluate, call providers or touch files, and they
//! are deterministic (same plan, same bytes). Colour is opt-in and only the human renderer has
//! it; the Markdown summary embeds the colour-free human text.

mod diff;
pub(crate) mod exact;
pub mod human;
pub mod json;
pub mod markdown;
mod sequence;
mod text;

pub use human::{render_plan, render_resource_change, HumanOptions};
pub use json::plan_json;
pub use markdown::plan_markdown;

use std::cmp::Ordering;

use infra_core::addr::{InstanceKey, Mode, ResourceInstanceAddr};

/// Terraform's display order of resource instances (`AbsResourceInstance.Less`): shallower
/// modules first, then module steps by name and key, data sources before managed resources,
/// then type, name and key (no key, then numbers, then strings).
pub(crate) fn terraform_order(a: &ResourceInstanceAddr, b: &ResourceInstanceAddr) -> Ordering {
    let (ma, mb) = (&a.resource.module.0, &b.resource.module.0);
    ma.len()
        .cmp(&mb.len())
        .then_with(|| {
            for (x, y) in ma.iter().zip(mb) {
                let o = x
                    .name
                    .cmp(&y.name)
                    .then_with(|| key_order(x.key.as_ref(), y.key.as_ref()));
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        })
        .then_with(|| mode_rank(a.resource.mode).cmp(&mode_rank(b.resource.mode)))
        .then_with(|| a.resource.ty.cmp(&b.resource.ty))
        .then_with(|| a.resource.name.cmp(&b.resource.name))
        .then_with(|| key_order(a.key.as_ref(), b.key.as_ref()))
}

fn mode_rank(m: Mode) -> u8 {
    match m {
        Mode::Data => 0,
        Mode::Managed => 1,
    }
}

fn key_order(a: Option<&InstanceKey>, b: Option<&InstanceKey>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(InstanceKey::Int(x)), Some(InstanceKey::Int(y))) => x.cmp(y),
        (Some(InstanceKey::Str(x)), Some(InstanceKey::Str(y))) => x.cmp(y),
        (Some(InstanceKey::Int(_)), Some(InstanceKey::Str(_))) => Ordering::Less,
        (Some(InstanceKey::Str(_)), Some(InstanceKey::Int(_))) => Ordering::Greater,
    }
}

/// The provider source address of a provider configuration address:
/// `provider["registry.terraform.io/hashicorp/null"].alias` → `registry.terraform.io/hashicorp/null`.
pub(crate) fn provider_source(config_addr: &str) -> &str {
    if let Some(start) = config_addr.find("provider[\"") {
        let rest = &config_addr[start + "provider[\"".len()..];
        if let Some(end) = rest.find("\"]") {
            return &rest[..end];
        }
    }
    config_addr
}
