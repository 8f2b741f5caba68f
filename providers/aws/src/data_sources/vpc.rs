//! `data "aws_vpc"`: one VPC, by id, attributes, tags or filters.
//!
//! ```hcl
//! data "aws_vpc" "default" {
//!   default = true
//! }
//!
//! data "aws_vpc" "main" {
//!   tags = { Name = "main" }
//!   filter {
//!     name   = "cidr-block-association.cidr-block"
//!     values = ["10.0.0.0/16"]
//!   }
//! }
//! ```
//!
//! Arguments, each narrowing the search: `id`, `cidr_block`, `default`, `dhcp_options_id`,
//! `state`, `tags` (every tag must match), `filter` blocks (DescribeVpcs filters). Computed (and
//! the arguments left unset): `arn`, `owner_id`, `instance_tenancy`, `main_route_table_id`,
//! `enable_dns_support`, `enable_dns_hostnames`, `cidr_block_associations`,
//! `ipv6_association_id`, `ipv6_cidr_block`.
//!
//! Exactly one VPC must match: none is an error ("no matching EC2 VPC found"), and so are several.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_ec2::types::{Tenancy, Vpc, VpcAttributeName};
use infra_core::Type;
use infra_provider::{AttributeSchema, BlockSchema, ResourceSchema};
use serde_json::{json, Value as J};

use super::{filters, query_error, with_filters, AwsDataSource};
use crate::ec2::{arn, filter, tag_map};
use crate::error::{Error, Result};
use crate::framework::Ctx;
use crate::resources::computed_s;
use crate::resources::vpc::{dns_flag, main_route_table};
use crate::tags::INTENT_TAG;
use crate::values::{bool_at, opt, str_at, string_map_at};

pub(crate) struct VpcData;

const TYPE: &str = "aws_vpc";

#[async_trait]
impl AwsDataSource for VpcData {
    fn type_name(&self) -> &'static str {
        TYPE
    }

    fn schema(&self) -> ResourceSchema {
        let arg = || AttributeSchema::optional_computed(Type::String);
        let block = BlockSchema::default()
            .attr("id", arg().describe("The id of the VPC."))
            .attr("cidr_block", arg())
            .attr(
                "default",
                AttributeSchema::optional_computed(Type::Bool)
                    .describe("Whether the VPC is the region's default VPC."),
            )
            .attr("dhcp_options_id", arg())
            .attr("state", arg())
            .attr(
                "tags",
                AttributeSchema::optional_computed(Type::map(Type::String)),
            )
            .attr("arn", computed_s())
            .attr("owner_id", computed_s())
            .attr("instance_tenancy", computed_s())
            .attr("main_route_table_id", computed_s())
            .attr("enable_dns_support", AttributeSchema::computed(Type::Bool))
            .attr(
                "enable_dns_hostnames",
                AttributeSchema::computed(Type::Bool),
            )
            .attr(
                "cidr_block_associations",
                AttributeSchema::computed(Type::list(Type::object(BTreeMap::from([
                    ("association_id".to_string(), Type::String),
                    ("cidr_block".to_string(), Type::String),
                    ("state".to_string(), Type::String),
                ])))),
            )
            .attr("ipv6_association_id", computed_s())
            .attr("ipv6_cidr_block", computed_s());
        ResourceSchema {
            version: 0,
            block: with_filters(block),
        }
    }

    async fn read(&self, ctx: &Ctx, config: &J) -> Result<J> {
        let mut filters = filters(config);
        for (name, attr) in [
            ("cidr", "cidr_block"),
            ("dhcp-options-id", "dhcp_options_id"),
            ("state", "state"),
        ] {
            if let Some(v) = str_at(config, attr) {
                filters.push(filter(name, v));
            }
        }
        if let Some(d) = bool_at(config, "default") {
            filters.push(filter("is-default", if d { "true" } else { "false" }));
        }
        for (k, v) in string_map_at(config, "tags") {
            filters.push(filter(&format!("tag:{k}"), &v));
        }
        let out = ctx
            .ec2()
            .describe_vpcs()
            .set_vpc_ids(str_at(config, "id").map(|id| vec![id.to_string()]))
            .set_filters(Some(filters).filter(|f| !f.is_empty()))
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeVpcs", e))?;
        let vpc =
            match out.vpcs() {
                [vpc] => vpc,
                [] => {
                    return Err(query_error(
                        TYPE,
                        "No matching EC2 VPC found",
                        "no matching EC2 VPC found",
                    ))
                }
                _ => return Err(query_error(
                    TYPE,
                    "Multiple EC2 VPCs matched",
                    "multiple EC2 VPCs matched; use additional constraints to reduce matches to a \
                     single EC2 VPC",
                )),
            };
        state(ctx, vpc).await
    }
}

async fn state(ctx: &Ctx, vpc: &Vpc) -> Result<J> {
    let id = vpc
        .vpc_id()
        .ok_or_else(|| Error::bug("DescribeVpcs returned a VPC without an id."))?;
    let (dns_support, dns_hostnames, main_rt) = tokio::try_join!(
        dns_flag(ctx, id, VpcAttributeName::EnableDnsSupport),
        dns_flag(ctx, id, VpcAttributeName::EnableDnsHostnames),
        main_route_table(ctx, id),
    )?;
    let mut tags = tag_map(vpc.tags());
    tags.remove(INTENT_TAG);
    let associations: Vec<J> = vpc
        .cidr_block_association_set()
        .iter()
        .map(|a| {
            json!({
                "association_id": opt(a.association_id()),
                "cidr_block": opt(a.cidr_block()),
                "state": opt(a.cidr_block_state().and_then(|s| s.state()).map(|s| s.as_str())),
            })
        })
        .collect();
    let ipv6 = vpc.ipv6_cidr_block_association_set().first();
    Ok(json!({
        "id": id,
        "arn": arn(ctx, vpc.owner_id(), &format!("vpc/{id}")),
        "cidr_block": opt(vpc.cidr_block()),
        "default": vpc.is_default().unwrap_or(false),
        "dhcp_options_id": opt(vpc.dhcp_options_id()),
        "state": opt(vpc.state().map(|s| s.as_str())),
        "tags": tags,
        "owner_id": opt(vpc.owner_id()),
        "instance_tenancy": opt(vpc.instance_tenancy().map(Tenancy::as_str)),
        "main_route_table_id": main_rt,
        "enable_dns_support": dns_support,
        "enable_dns_hostnames": dns_hostnames,
        "cidr_block_associations": associations,
        "ipv6_association_id": opt(ipv6.and_then(|a| a.association_id())),
        "ipv6_cidr_block": opt(ipv6.and_then(|a| a.ipv6_cidr_block())),
    }))
}
