//! `aws_subnet`: a subnet of a VPC in one availability zone.
//!
//! ```hcl
//! resource "aws_subnet" "public_a" {
//!   vpc_id                  = aws_vpc.main.id
//!   cidr_block              = "10.0.1.0/24"
//!   availability_zone       = "eu-west-1a"
//!   map_public_ip_on_launch = true
//!   tags = { Name = "public-a" }
//! }
//! ```
//!
//! Arguments: `vpc_id` and `cidr_block` (required), `availability_zone` or
//! `availability_zone_id` (else AWS picks one), `map_public_ip_on_launch` (`false`), `tags`.
//! Computed: `id`, `arn`, `owner_id`, `tags_all`. (IPv6 and Outposts are not supported yet.)
//!
//! Replacement: a change to `vpc_id`, `cidr_block`, `availability_zone` or
//! `availability_zone_id`. `map_public_ip_on_launch` and tags change in place.
//!
//! Import: by subnet id, `infra import aws_subnet.public_a subnet-0123456789abcdef0`.
//!
//! Delete waits out `DependencyViolation` (instances, interfaces still going away) for
//! `timeouts.delete` (default 20m).

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType};
use infra_core::{Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, ResourceSchema};
use serde_json::{json, Value as J};

use super::{computed_s, with_id_and_tags, with_timeouts};
use crate::ec2::{
    arn, delete_retrying, intent_filter, retry_not_found, state_tags_of, tag_spec, update_tags,
    wait_visible,
};
use crate::error::{none_if_not_found, Error, Result};
use crate::framework::{AwsResource, Ctx};
use crate::values::{bool_at, req_str, str_at};

pub(crate) struct Subnet;

const DELETE_TIMEOUT: Duration = Duration::from_secs(20 * 60);

#[async_trait]
impl AwsResource for Subnet {
    fn type_name(&self) -> &'static str {
        "aws_subnet"
    }

    fn schema(&self) -> ResourceSchema {
        let block = BlockSchema::default()
            .attr(
                "vpc_id",
                AttributeSchema::required(Type::String).force_new(),
            )
            .attr(
                "cidr_block",
                AttributeSchema::required(Type::String).force_new(),
            )
            .attr(
                "availability_zone",
                AttributeSchema::optional_computed(Type::String).force_new(),
            )
            .attr(
                "availability_zone_id",
                AttributeSchema::optional_computed(Type::String).force_new(),
            )
            .attr(
                "map_public_ip_on_launch",
                AttributeSchema::optional_computed(Type::Bool),
            )
            .attr("arn", computed_s())
            .attr("owner_id", computed_s());
        ResourceSchema {
            version: 0,
            block: with_timeouts(with_id_and_tags(block), &["create", "delete"]),
        }
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![("map_public_ip_on_launch", Value::Bool(false))]
    }

    async fn create(&self, ctx: &Ctx, planned: &J, intent: Option<&str>) -> Result<J> {
        let out = retry_not_found(ctx, "creating the subnet", || async {
            ctx.ec2()
                .create_subnet()
                .vpc_id(req_str(planned, "vpc_id")?)
                .cidr_block(req_str(planned, "cidr_block")?)
                .set_availability_zone(str_at(planned, "availability_zone").map(str::to_string))
                .set_availability_zone_id(
                    str_at(planned, "availability_zone_id").map(str::to_string),
                )
                .set_tag_specifications(
                    tag_spec(ResourceType::Subnet, planned, intent).map(|t| vec![t]),
                )
                .send()
                .await
                .map_err(|e| Error::sdk("CreateSubnet", e))
        })
        .await?;
        let id = out
            .subnet()
            .and_then(|s| s.subnet_id())
            .ok_or_else(|| Error::bug("CreateSubnet returned no id."))?
            .to_string();
        let finish = async {
            wait_visible(ctx, planned, "the new subnet to become visible", || {
                describe(ctx, &id)
            })
            .await?;
            set_public_ip(
                ctx,
                &id,
                &json!({"map_public_ip_on_launch": false}),
                planned,
            )
            .await?;
            read(ctx, &id, planned)
                .await?
                .ok_or_else(|| Error::bug("The new subnet disappeared."))
        };
        finish.await.map_err(Error::after_create(&id))
    }

    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J> {
        let id = req_str(prior, "id")?;
        set_public_ip(ctx, id, prior, planned).await?;
        update_tags(ctx, id, prior, planned).await?;
        read(ctx, id, planned)
            .await?
            .ok_or_else(|| Error::bug("The subnet disappeared during update."))
    }

    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()> {
        let id = req_str(prior, "id")?;
        delete_retrying(
            ctx,
            prior,
            DELETE_TIMEOUT,
            "deleting the subnet",
            || async {
                ctx.ec2()
                    .delete_subnet()
                    .subnet_id(id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| Error::sdk("DeleteSubnet", e))
            },
        )
        .await
    }

    async fn read(&self, ctx: &Ctx, prior: &J) -> Result<Option<J>> {
        read(ctx, req_str(prior, "id")?, prior).await
    }

    async fn find_by_intent(&self, ctx: &Ctx, marker: &str) -> Result<Option<J>> {
        let out = ctx
            .ec2()
            .describe_subnets()
            .filters(intent_filter(marker))
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeSubnets", e))?;
        match out.subnets().first().and_then(|s| s.subnet_id()) {
            Some(id) => read(ctx, id, &J::Null).await,
            None => Ok(None),
        }
    }
}

async fn describe(ctx: &Ctx, id: &str) -> Result<Option<aws_sdk_ec2::types::Subnet>> {
    Ok(none_if_not_found(
        ctx.ec2()
            .describe_subnets()
            .subnet_ids(id)
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeSubnets", e)),
    )?
    .and_then(|out| out.subnets().first().cloned()))
}

async fn set_public_ip(ctx: &Ctx, id: &str, have: &J, want: &J) -> Result<()> {
    let name = "map_public_ip_on_launch";
    if let Some(v) = bool_at(want, name).filter(|v| bool_at(have, name) != Some(*v)) {
        ctx.ec2()
            .modify_subnet_attribute()
            .subnet_id(id)
            .map_public_ip_on_launch(AttributeBooleanValue::builder().value(v).build())
            .send()
            .await
            .map_err(|e| Error::sdk("ModifySubnetAttribute", e))?;
    }
    Ok(())
}

async fn read(ctx: &Ctx, id: &str, prior: &J) -> Result<Option<J>> {
    let Some(s) = describe(ctx, id).await? else {
        return Ok(None);
    };
    let (tags, tags_all) = state_tags_of(ctx, s.tags(), prior);
    let arn = s.subnet_arn().map_or_else(
        || arn(ctx, s.owner_id(), &format!("subnet/{id}")),
        str::to_string,
    );
    Ok(Some(json!({
        "id": id,
        "arn": arn,
        "vpc_id": s.vpc_id(),
        "cidr_block": s.cidr_block(),
        "availability_zone": s.availability_zone(),
        "availability_zone_id": s.availability_zone_id(),
        "map_public_ip_on_launch": s.map_public_ip_on_launch().unwrap_or(false),
        "owner_id": s.owner_id(),
        "tags": tags,
        "tags_all": tags_all,
    })))
}
