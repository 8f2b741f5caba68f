//! `aws_eip`: an Elastic IP address, optionally associated with an instance or a network
//! interface.
//!
//! ```hcl
//! resource "aws_eip" "web" {
//!   domain   = "vpc"
//!   instance = aws_instance.web.id
//!   tags = { Name = "web" }
//! }
//! ```
//!
//! Arguments: `domain` (`vpc`, the default, or `standard`), `instance` or `network_interface`
//! (what to associate the address with), `associate_with_private_ip` (which private address of
//! the interface), `address` (a specific address from a BYOIP pool), `public_ipv4_pool`,
//! `network_border_group`, `customer_owned_ipv4_pool`, `tags`. Computed: `id` and `allocation_id`
//! (the allocation id, `eipalloc-…`), `association_id`, `public_ip`, `public_dns`, `private_ip`,
//! `private_dns`, `carrier_ip`, `customer_owned_ip`, `arn`, `tags_all`. (`ptr_record` and
//! `ipam_pool_id` are not supported yet.)
//!
//! As in Terraform, `instance` and `network_interface` are also computed: associated with an
//! instance, the address reports the instance's interface too; and leaving them out of the
//! configuration keeps whatever association the address has.
//!
//! Replacement: a change to `domain`, `address`, `public_ipv4_pool`, `network_border_group` or
//! `customer_owned_ipv4_pool`. A change of `instance`, `network_interface` or
//! `associate_with_private_ip` moves the association in place (DisassociateAddress, then
//! AssociateAddress, which gives it a new `association_id`); tags change in place.
//!
//! Import: by allocation id, `infra import aws_eip.web eipalloc-0123456789abcdef0`.
//!
//! The address carries the `infra:intent` tag from its allocation (AllocateAddress with
//! `TagSpecifications`). Delete disassociates the address first, then releases it, waiting out
//! `InvalidIPAddress.InUse` while the disassociation settles, for `timeouts.delete` (default 3m).

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_ec2::types::{Address, DomainType, ResourceType};
use infra_core::{Diagnostic, Diagnostics, Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, ResourceSchema};
use serde_json::{json, Value as J};

use super::{computed_s, with_id_and_tags, with_timeouts};
use crate::duration::timeout;
use crate::ec2::{
    arn, intent_filter, partition, state_tags_of, tag_spec, update_tags, wait_visible,
};
use crate::error::{none_if_not_found, Error, Result};
use crate::framework::{Attrs, AwsResource, Ctx};
use crate::retry::{retry_on, Backoff};
use crate::values::{opt, req_str, str_at};

pub(crate) struct Eip;

const UPDATE_TIMEOUT: Duration = Duration::from_secs(5 * 60);
const DELETE_TIMEOUT: Duration = Duration::from_secs(3 * 60);

/// The arguments that say what the address is associated with.
const ASSOCIATION: [&str; 3] = ["instance", "network_interface", "associate_with_private_ip"];

/// Computed attributes that follow the association.
const FOLLOW_ASSOCIATION: [&str; 3] = ["association_id", "private_ip", "private_dns"];

#[async_trait]
impl AwsResource for Eip {
    fn type_name(&self) -> &'static str {
        "aws_eip"
    }

    fn schema(&self) -> ResourceSchema {
        let optional_new = || AttributeSchema::optional(Type::String).force_new();
        let computed_new = || AttributeSchema::optional_computed(Type::String).force_new();
        let mut block = BlockSchema::default()
            .attr("domain", computed_new())
            .attr("address", optional_new())
            .attr("public_ipv4_pool", computed_new())
            .attr("network_border_group", computed_new())
            .attr("customer_owned_ipv4_pool", optional_new())
            .attr("instance", AttributeSchema::optional_computed(Type::String))
            .attr(
                "network_interface",
                AttributeSchema::optional_computed(Type::String),
            )
            .attr(
                "associate_with_private_ip",
                AttributeSchema::optional(Type::String),
            );
        for c in [
            "allocation_id",
            "association_id",
            "arn",
            "public_ip",
            "public_dns",
            "private_ip",
            "private_dns",
            "carrier_ip",
            "customer_owned_ip",
        ] {
            block = block.attr(c, computed_s());
        }
        ResourceSchema {
            version: 0,
            block: with_timeouts(with_id_and_tags(block), &["read", "update", "delete"]),
        }
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![("domain", Value::string("vpc"))]
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let domain = config
            .entries()
            .and_then(|m| m.get("domain"))
            .and_then(Value::as_str);
        match domain {
            Some(d) if d != "vpc" && d != "standard" => Diagnostic::error(
                "Invalid value for domain",
                format!("`domain` is {d:?}; it must be \"vpc\" or \"standard\"."),
            )
            .into(),
            _ => Diagnostics::new(),
        }
    }

    fn adjust_plan(&self, proposed: &mut Attrs, prior: Option<&Attrs>, config: &Attrs) {
        let Some(prior) = prior else { return };
        let set = |m: &Attrs, a: &str| m.get(a).filter(|v| !v.is_null()).cloned();
        // `instance` and `network_interface` change when the configuration sets them to something
        // else (left out, they keep what the address has); `associate_with_private_ip` follows
        // the configuration.
        let changed = ["instance", "network_interface"]
            .iter()
            .any(|a| set(config, a).is_some_and(|c| Some(c) != set(prior, a)))
            || set(config, "associate_with_private_ip") != set(prior, "associate_with_private_ip");
        if !changed {
            return;
        }
        // What AWS reports about the new association is known only after the apply.
        let targets_set =
            set(config, "instance").is_some() || set(config, "network_interface").is_some();
        for a in ["instance", "network_interface"] {
            if targets_set && set(config, a).is_none() {
                proposed.insert(a.into(), Value::Unknown(Type::String));
            }
        }
        for a in FOLLOW_ASSOCIATION {
            proposed.insert(a.into(), Value::Unknown(Type::String));
        }
    }

    async fn create(&self, ctx: &Ctx, planned: &J, intent: Option<&str>) -> Result<J> {
        let arg = |n: &str| str_at(planned, n).map(str::to_string);
        let out = ctx
            .ec2()
            .allocate_address()
            .domain(DomainType::from(str_at(planned, "domain").unwrap_or("vpc")))
            .set_address(arg("address"))
            .set_public_ipv4_pool(arg("public_ipv4_pool"))
            .set_network_border_group(arg("network_border_group"))
            .set_customer_owned_ipv4_pool(arg("customer_owned_ipv4_pool"))
            .set_tag_specifications(
                tag_spec(ResourceType::ElasticIp, planned, intent).map(|t| vec![t]),
            )
            .send()
            .await
            .map_err(|e| Error::sdk("AllocateAddress", e))?;
        let id = out
            .allocation_id()
            .ok_or_else(|| Error::bug("AllocateAddress returned no allocation id."))?
            .to_string();
        let finish = async {
            wait_visible(ctx, planned, "the new address to become visible", || {
                describe(ctx, &id)
            })
            .await?;
            associate(ctx, &id, planned).await?;
            read(ctx, &id, planned)
                .await?
                .ok_or_else(|| Error::bug("The new address disappeared."))
        };
        finish.await.map_err(Error::after_create(&id))
    }

    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J> {
        let id = req_str(prior, "id")?;
        if ASSOCIATION
            .iter()
            .any(|a| str_at(prior, a) != str_at(planned, a))
        {
            if let Some(assoc) = str_at(prior, "association_id") {
                disassociate(ctx, assoc).await?;
            }
            associate(ctx, id, planned).await?;
        }
        update_tags(ctx, id, prior, planned).await?;
        read(ctx, id, planned)
            .await?
            .ok_or_else(|| Error::bug("The address disappeared during update."))
    }

    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()> {
        let id = req_str(prior, "id")?;
        // The association as it is now, not as the state last saw it.
        let Some(a) = describe(ctx, id).await? else {
            return Ok(());
        };
        if let Some(assoc) = a.association_id().filter(|s| !s.is_empty()) {
            disassociate(ctx, assoc).await?;
        }
        let b = Backoff::within(timeout(prior, "delete", DELETE_TIMEOUT));
        let in_use =
            |e: &Error| e.is_dependency_violation() || e.code() == Some("InvalidIPAddress.InUse");
        retry_on(&ctx.stop, b, "releasing the address", in_use, || async {
            ctx.ec2()
                .release_address()
                .allocation_id(id)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| Error::sdk("ReleaseAddress", e))
        })
        .await
    }

    async fn read(&self, ctx: &Ctx, prior: &J) -> Result<Option<J>> {
        read(ctx, req_str(prior, "id")?, prior).await
    }

    async fn find_by_intent(&self, ctx: &Ctx, marker: &str) -> Result<Option<J>> {
        let out = ctx
            .ec2()
            .describe_addresses()
            .filters(intent_filter(marker))
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeAddresses", e))?;
        match out.addresses().first().and_then(Address::allocation_id) {
            Some(id) => read(ctx, id, &J::Null).await,
            None => Ok(None),
        }
    }
}

/// Associates the address with the planned instance or interface (nothing when neither is set).
async fn associate(ctx: &Ctx, id: &str, planned: &J) -> Result<()> {
    // AWS takes an instance or an interface, not both; the interface is the more precise (an
    // address associated with an instance reports the instance's interface too).
    let eni = str_at(planned, "network_interface");
    let instance = str_at(planned, "instance").filter(|_| eni.is_none());
    if instance.is_none() && eni.is_none() {
        return Ok(());
    }
    let private_ip = str_at(planned, "associate_with_private_ip");
    // The instance may have been launched a moment ago: not visible yet, or still pending.
    let not_ready = |e: &Error| e.is_not_found() || e.code() == Some("InvalidInstanceID");
    let b = Backoff::within(timeout(planned, "update", UPDATE_TIMEOUT));
    retry_on(
        &ctx.stop,
        b,
        "associating the address",
        not_ready,
        || async {
            ctx.ec2()
                .associate_address()
                .allocation_id(id)
                .set_instance_id(instance.map(str::to_string))
                .set_network_interface_id(eni.map(str::to_string))
                .set_private_ip_address(private_ip.map(str::to_string))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| Error::sdk("AssociateAddress", e))
        },
    )
    .await?;
    wait_visible(
        ctx,
        planned,
        "the association to become visible",
        || async {
            Ok(describe(ctx, id)
                .await?
                .filter(|a| a.association_id().is_some_and(|s| !s.is_empty())))
        },
    )
    .await
    .map(|_| ())
}

async fn disassociate(ctx: &Ctx, assoc: &str) -> Result<()> {
    match ctx
        .ec2()
        .disassociate_address()
        .association_id(assoc)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) => match Error::sdk("DisassociateAddress", e) {
            // Already gone: what disassociating wanted.
            e if e.is_not_found() => Ok(()),
            e => Err(e),
        },
    }
}

async fn describe(ctx: &Ctx, id: &str) -> Result<Option<Address>> {
    Ok(none_if_not_found(
        ctx.ec2()
            .describe_addresses()
            .allocation_ids(id)
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeAddresses", e)),
    )?
    .and_then(|out| out.addresses().first().cloned()))
}

/// An IPv4 address with dashes for dots (`10.0.0.1` → `10-0-0-1`).
fn dashed(ip: &str) -> String {
    ip.replace('.', "-")
}

/// The public DNS name EC2 gives a public address in `region`, as Terraform computes it.
fn public_dns(region: &str, ip: &str) -> String {
    let suffix = if region == "us-east-1" {
        "compute-1".to_string()
    } else {
        format!("{region}.compute")
    };
    let domain = if partition(region) == "aws-cn" {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("ec2-{}.{suffix}.{domain}", dashed(ip))
}

/// The private DNS name EC2 gives a private address in `region`, as Terraform computes it.
fn private_dns(region: &str, ip: &str) -> String {
    let suffix = if region == "us-east-1" {
        "ec2.internal".to_string()
    } else {
        format!("{region}.compute.internal")
    };
    format!("ip-{}.{suffix}", dashed(ip))
}

async fn read(ctx: &Ctx, id: &str, prior: &J) -> Result<Option<J>> {
    let Some(a) = describe(ctx, id).await? else {
        return Ok(None);
    };
    let region = &ctx.clients.region;
    let (tags, tags_all) = state_tags_of(ctx, a.tags(), prior);
    let public_ip = a.public_ip().filter(|s| !s.is_empty());
    let private_ip = a.private_ip_address().filter(|s| !s.is_empty());
    let keep = |n: &str| prior.get(n).cloned().unwrap_or(J::Null);
    Ok(Some(json!({
        "id": id,
        "allocation_id": id,
        "arn": arn(ctx, None, &format!("elastic-ip/{id}")),
        "domain": opt(a.domain().map(DomainType::as_str)),
        "association_id": opt(a.association_id()),
        "instance": opt(a.instance_id()),
        "network_interface": opt(a.network_interface_id()),
        "private_ip": private_ip,
        "private_dns": private_ip.map(|ip| private_dns(region, ip)),
        "public_ip": public_ip,
        "public_dns": public_ip.map(|ip| public_dns(region, ip)),
        "public_ipv4_pool": opt(a.public_ipv4_pool()),
        "network_border_group": opt(a.network_border_group()),
        "customer_owned_ipv4_pool": opt(a.customer_owned_ipv4_pool()),
        "customer_owned_ip": opt(a.customer_owned_ip()),
        "carrier_ip": opt(a.carrier_ip()),
        // Arguments AWS does not report back: as configured.
        "address": keep("address"),
        "associate_with_private_ip": keep("associate_with_private_ip"),
        "tags": tags,
        "tags_all": tags_all,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names_are_terraforms() {
        assert_eq!(
            public_dns("us-east-1", "54.1.2.3"),
            "ec2-54-1-2-3.compute-1.amazonaws.com"
        );
        assert_eq!(
            public_dns("eu-west-1", "54.1.2.3"),
            "ec2-54-1-2-3.eu-west-1.compute.amazonaws.com"
        );
        assert_eq!(
            public_dns("cn-north-1", "54.1.2.3"),
            "ec2-54-1-2-3.cn-north-1.compute.amazonaws.com.cn"
        );
        assert_eq!(
            private_dns("us-east-1", "10.0.0.5"),
            "ip-10-0-0-5.ec2.internal"
        );
        assert_eq!(
            private_dns("eu-west-1", "10.0.0.5"),
            "ip-10-0-0-5.eu-west-1.compute.internal"
        );
    }
}
