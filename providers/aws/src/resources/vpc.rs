//! `aws_vpc`: a virtual private cloud.
//!
//! ```hcl
//! resource "aws_vpc" "main" {
//!   cidr_block           = "10.0.0.0/16"
//!   enable_dns_hostnames = true
//!   tags = { Name = "main" }
//! }
//! ```
//!
//! Arguments: `cidr_block` (required), `instance_tenancy` (`default`), `enable_dns_support`
//! (`true`), `enable_dns_hostnames` (`false`), `tags`. Computed: `id`, `arn`, `owner_id`,
//! `dhcp_options_id`, `main_route_table_id`, `default_route_table_id`,
//! `default_security_group_id`, `default_network_acl_id`, `tags_all`. (IPAM pools and IPv6 are not
//! supported yet.)
//!
//! Replacement: a change to `cidr_block` or `instance_tenancy`. The DNS flags and tags change in
//! place.
//!
//! Import: by VPC id, `infra import aws_vpc.main vpc-0123456789abcdef0`.
//!
//! Delete waits out `DependencyViolation` (subnets, gateways still going away) for
//! `timeouts.delete` (default 5m).

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType, Tenancy, VpcAttributeName};
use infra_core::{Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, ResourceSchema};
use serde_json::{json, Value as J};

use super::{computed_s, with_id_and_tags, with_timeouts};
use crate::ec2::{
    arn, delete_retrying, filter, intent_filter, state_tags_of, tag_spec, update_tags, wait_visible,
};
use crate::error::{none_if_not_found, Error, Result};
use crate::framework::{AwsResource, Ctx};
use crate::values::{bool_at, req_str, str_at};

pub(crate) struct Vpc;

const DELETE_TIMEOUT: Duration = Duration::from_secs(300);

#[async_trait]
impl AwsResource for Vpc {
    fn type_name(&self) -> &'static str {
        "aws_vpc"
    }

    fn schema(&self) -> ResourceSchema {
        let block = BlockSchema::default()
            .attr(
                "cidr_block",
                AttributeSchema::required(Type::String)
                    .force_new()
                    .describe("The IPv4 CIDR block of the VPC."),
            )
            .attr(
                "instance_tenancy",
                AttributeSchema::optional_computed(Type::String).force_new(),
            )
            .attr(
                "enable_dns_support",
                AttributeSchema::optional_computed(Type::Bool),
            )
            .attr(
                "enable_dns_hostnames",
                AttributeSchema::optional_computed(Type::Bool),
            )
            .attr("arn", computed_s())
            .attr("owner_id", computed_s())
            .attr("dhcp_options_id", computed_s())
            .attr("main_route_table_id", computed_s())
            .attr("default_route_table_id", computed_s())
            .attr("default_security_group_id", computed_s())
            .attr("default_network_acl_id", computed_s());
        ResourceSchema {
            version: 0,
            block: with_timeouts(with_id_and_tags(block), &["create", "delete"]),
        }
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("instance_tenancy", Value::string("default")),
            ("enable_dns_support", Value::Bool(true)),
            ("enable_dns_hostnames", Value::Bool(false)),
        ]
    }

    async fn create(&self, ctx: &Ctx, planned: &J, intent: Option<&str>) -> Result<J> {
        let out = ctx
            .ec2()
            .create_vpc()
            .cidr_block(req_str(planned, "cidr_block")?)
            .set_instance_tenancy(str_at(planned, "instance_tenancy").map(Tenancy::from))
            .set_tag_specifications(tag_spec(ResourceType::Vpc, planned, intent).map(|t| vec![t]))
            .send()
            .await
            .map_err(|e| Error::sdk("CreateVpc", e))?;
        let id = out
            .vpc()
            .and_then(|v| v.vpc_id())
            .ok_or_else(|| Error::bug("CreateVpc returned no VPC id."))?
            .to_string();
        let finish = async {
            wait_visible(ctx, planned, "the new VPC to become visible", || {
                describe(ctx, &id)
            })
            .await?;
            set_dns(
                ctx,
                &id,
                &json!({"enable_dns_support": true, "enable_dns_hostnames": false}),
                planned,
            )
            .await?;
            read(ctx, &id, planned)
                .await?
                .ok_or_else(|| Error::bug("The new VPC disappeared."))
        };
        finish.await.map_err(Error::after_create(&id))
    }

    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J> {
        let id = req_str(prior, "id")?;
        set_dns(ctx, id, prior, planned).await?;
        update_tags(ctx, id, prior, planned).await?;
        read(ctx, id, planned)
            .await?
            .ok_or_else(|| Error::bug("The VPC disappeared during update."))
    }

    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()> {
        let id = req_str(prior, "id")?;
        delete_retrying(ctx, prior, DELETE_TIMEOUT, "deleting the VPC", || async {
            ctx.ec2()
                .delete_vpc()
                .vpc_id(id)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| Error::sdk("DeleteVpc", e))
        })
        .await
    }

    async fn read(&self, ctx: &Ctx, prior: &J) -> Result<Option<J>> {
        read(ctx, req_str(prior, "id")?, prior).await
    }

    async fn find_by_intent(&self, ctx: &Ctx, marker: &str) -> Result<Option<J>> {
        let out = ctx
            .ec2()
            .describe_vpcs()
            .filters(intent_filter(marker))
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeVpcs", e))?;
        match out.vpcs().first().and_then(|v| v.vpc_id()) {
            Some(id) => read(ctx, id, &J::Null).await,
            None => Ok(None),
        }
    }
}

async fn describe(ctx: &Ctx, id: &str) -> Result<Option<aws_sdk_ec2::types::Vpc>> {
    Ok(none_if_not_found(
        ctx.ec2()
            .describe_vpcs()
            .vpc_ids(id)
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeVpcs", e)),
    )?
    .and_then(|out| out.vpcs().first().cloned()))
}

/// Sets the DNS flags that differ between `have` and `want` (one attribute per call, as the API requires).
async fn set_dns(ctx: &Ctx, id: &str, have: &J, want: &J) -> Result<()> {
    for name in ["enable_dns_support", "enable_dns_hostnames"] {
        let Some(v) = bool_at(want, name).filter(|v| bool_at(have, name) != Some(*v)) else {
            continue;
        };
        let flag = AttributeBooleanValue::builder().value(v).build();
        let call = ctx.ec2().modify_vpc_attribute().vpc_id(id);
        let call = if name == "enable_dns_support" {
            call.enable_dns_support(flag)
        } else {
            call.enable_dns_hostnames(flag)
        };
        call.send()
            .await
            .map_err(|e| Error::sdk("ModifyVpcAttribute", e))?;
    }
    Ok(())
}

pub(crate) async fn dns_flag(ctx: &Ctx, id: &str, attr: VpcAttributeName) -> Result<bool> {
    let out = ctx
        .ec2()
        .describe_vpc_attribute()
        .vpc_id(id)
        .attribute(attr.clone())
        .send()
        .await
        .map_err(|e| Error::sdk("DescribeVpcAttribute", e))?;
    let v = match attr {
        VpcAttributeName::EnableDnsSupport => out.enable_dns_support(),
        _ => out.enable_dns_hostnames(),
    };
    Ok(v.and_then(AttributeBooleanValue::value).unwrap_or(false))
}

pub(crate) async fn main_route_table(ctx: &Ctx, id: &str) -> Result<Option<String>> {
    let out = ctx
        .ec2()
        .describe_route_tables()
        .filters(filter("vpc-id", id))
        .filters(filter("association.main", "true"))
        .send()
        .await
        .map_err(|e| Error::sdk("DescribeRouteTables", e))?;
    Ok(out
        .route_tables()
        .first()
        .and_then(|t| t.route_table_id())
        .map(str::to_string))
}

async fn default_security_group(ctx: &Ctx, id: &str) -> Result<Option<String>> {
    let out = ctx
        .ec2()
        .describe_security_groups()
        .filters(filter("vpc-id", id))
        .filters(filter("group-name", "default"))
        .send()
        .await
        .map_err(|e| Error::sdk("DescribeSecurityGroups", e))?;
    Ok(out
        .security_groups()
        .first()
        .and_then(|g| g.group_id())
        .map(str::to_string))
}

async fn default_network_acl(ctx: &Ctx, id: &str) -> Result<Option<String>> {
    let out = ctx
        .ec2()
        .describe_network_acls()
        .filters(filter("vpc-id", id))
        .filters(filter("default", "true"))
        .send()
        .await
        .map_err(|e| Error::sdk("DescribeNetworkAcls", e))?;
    Ok(out
        .network_acls()
        .first()
        .and_then(|a| a.network_acl_id())
        .map(str::to_string))
}

async fn read(ctx: &Ctx, id: &str, prior: &J) -> Result<Option<J>> {
    let Some(vpc) = describe(ctx, id).await? else {
        return Ok(None);
    };
    let (dns_support, dns_hostnames, main_rt, sg, acl) = tokio::try_join!(
        dns_flag(ctx, id, VpcAttributeName::EnableDnsSupport),
        dns_flag(ctx, id, VpcAttributeName::EnableDnsHostnames),
        main_route_table(ctx, id),
        default_security_group(ctx, id),
        default_network_acl(ctx, id),
    )?;
    let (tags, tags_all) = state_tags_of(ctx, vpc.tags(), prior);
    Ok(Some(json!({
        "id": id,
        "arn": arn(ctx, vpc.owner_id(), &format!("vpc/{id}")),
        "cidr_block": vpc.cidr_block(),
        "instance_tenancy": vpc.instance_tenancy().map(Tenancy::as_str),
        "enable_dns_support": dns_support,
        "enable_dns_hostnames": dns_hostnames,
        "owner_id": vpc.owner_id(),
        "dhcp_options_id": vpc.dhcp_options_id(),
        "main_route_table_id": main_rt,
        "default_route_table_id": main_rt,
        "default_security_group_id": sg,
        "default_network_acl_id": acl,
        "tags": tags,
        "tags_all": tags_all,
    })))
}
