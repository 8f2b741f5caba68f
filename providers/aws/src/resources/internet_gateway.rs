//! `aws_internet_gateway`: an internet gateway, attached to a VPC.
//!
//! ```hcl
//! resource "aws_internet_gateway" "gw" {
//!   vpc_id = aws_vpc.main.id
//!   tags = { Name = "main" }
//! }
//! ```
//!
//! Arguments: `vpc_id` (optional: the VPC to attach to), `tags`. Computed: `id`, `arn`,
//! `owner_id`, `tags_all`.
//!
//! Replacement: none. A change of `vpc_id` detaches the gateway and attaches it to the new VPC;
//! tags change in place.
//!
//! Import: by gateway id, `infra import aws_internet_gateway.gw igw-0123456789abcdef0`.
//!
//! Delete detaches first, and both steps wait out `DependencyViolation` (public addresses still
//! mapped in the VPC) for `timeouts.delete` (default 20m).

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_ec2::types::ResourceType;
use infra_core::Type;
use infra_provider::{AttributeSchema, BlockSchema, ResourceSchema};
use serde_json::{json, Value as J};

use super::{computed_s, with_id_and_tags, with_timeouts};
use crate::ec2::{
    arn, delete_retrying, intent_filter, retry_not_found, state_tags_of, tag_spec, update_tags,
    wait_visible,
};
use crate::error::{none_if_not_found, Error, Result};
use crate::framework::{AwsResource, Ctx};
use crate::values::{req_str, str_at};

pub(crate) struct InternetGateway;

const DELETE_TIMEOUT: Duration = Duration::from_secs(20 * 60);

#[async_trait]
impl AwsResource for InternetGateway {
    fn type_name(&self) -> &'static str {
        "aws_internet_gateway"
    }

    fn schema(&self) -> ResourceSchema {
        let block = BlockSchema::default()
            .attr(
                "vpc_id",
                AttributeSchema::optional(Type::String)
                    .describe("The VPC to attach the gateway to."),
            )
            .attr("arn", computed_s())
            .attr("owner_id", computed_s());
        ResourceSchema {
            version: 0,
            block: with_timeouts(with_id_and_tags(block), &["create", "update", "delete"]),
        }
    }

    async fn create(&self, ctx: &Ctx, planned: &J, intent: Option<&str>) -> Result<J> {
        let out = ctx
            .ec2()
            .create_internet_gateway()
            .set_tag_specifications(
                tag_spec(ResourceType::InternetGateway, planned, intent).map(|t| vec![t]),
            )
            .send()
            .await
            .map_err(|e| Error::sdk("CreateInternetGateway", e))?;
        let id = out
            .internet_gateway()
            .and_then(|g| g.internet_gateway_id())
            .ok_or_else(|| Error::bug("CreateInternetGateway returned no id."))?
            .to_string();
        let finish = async {
            wait_visible(
                ctx,
                planned,
                "the new internet gateway to become visible",
                || describe(ctx, &id),
            )
            .await?;
            if let Some(vpc) = str_at(planned, "vpc_id") {
                attach(ctx, &id, vpc).await?;
            }
            read(ctx, &id, planned)
                .await?
                .ok_or_else(|| Error::bug("The new internet gateway disappeared."))
        };
        finish.await.map_err(Error::after_create(&id))
    }

    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J> {
        let id = req_str(prior, "id")?;
        let (old, new) = (str_at(prior, "vpc_id"), str_at(planned, "vpc_id"));
        if old != new {
            if let Some(old) = old {
                detach(ctx, id, old, prior).await?;
            }
            if let Some(new) = new {
                attach(ctx, id, new).await?;
            }
        }
        update_tags(ctx, id, prior, planned).await?;
        read(ctx, id, planned)
            .await?
            .ok_or_else(|| Error::bug("The internet gateway disappeared during update."))
    }

    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()> {
        let id = req_str(prior, "id")?;
        // Detach from whatever AWS says it is attached to, not only what the state says.
        if let Some(g) = describe(ctx, id).await? {
            for a in g.attachments() {
                if let Some(vpc) = a.vpc_id() {
                    detach(ctx, id, vpc, prior).await?;
                }
            }
        }
        delete_retrying(
            ctx,
            prior,
            DELETE_TIMEOUT,
            "deleting the internet gateway",
            || async {
                ctx.ec2()
                    .delete_internet_gateway()
                    .internet_gateway_id(id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| Error::sdk("DeleteInternetGateway", e))
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
            .describe_internet_gateways()
            .filters(intent_filter(marker))
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeInternetGateways", e))?;
        match out
            .internet_gateways()
            .first()
            .and_then(|g| g.internet_gateway_id())
        {
            Some(id) => read(ctx, id, &J::Null).await,
            None => Ok(None),
        }
    }
}

async fn attach(ctx: &Ctx, id: &str, vpc: &str) -> Result<()> {
    retry_not_found(ctx, "attaching the internet gateway", || async {
        ctx.ec2()
            .attach_internet_gateway()
            .internet_gateway_id(id)
            .vpc_id(vpc)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| Error::sdk("AttachInternetGateway", e))
    })
    .await
}

async fn detach(ctx: &Ctx, id: &str, vpc: &str, prior: &J) -> Result<()> {
    let r = delete_retrying(
        ctx,
        prior,
        DELETE_TIMEOUT,
        "detaching the internet gateway",
        || async {
            ctx.ec2()
                .detach_internet_gateway()
                .internet_gateway_id(id)
                .vpc_id(vpc)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| Error::sdk("DetachInternetGateway", e))
        },
    )
    .await;
    match r {
        Err(e) if e.is_not_found() || e.code() == Some("Gateway.NotAttached") => Ok(()),
        r => r,
    }
}

async fn describe(ctx: &Ctx, id: &str) -> Result<Option<aws_sdk_ec2::types::InternetGateway>> {
    Ok(none_if_not_found(
        ctx.ec2()
            .describe_internet_gateways()
            .internet_gateway_ids(id)
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeInternetGateways", e)),
    )?
    .and_then(|out| out.internet_gateways().first().cloned()))
}

async fn read(ctx: &Ctx, id: &str, prior: &J) -> Result<Option<J>> {
    let Some(g) = describe(ctx, id).await? else {
        return Ok(None);
    };
    let (tags, tags_all) = state_tags_of(ctx, g.tags(), prior);
    Ok(Some(json!({
        "id": id,
        "arn": arn(ctx, g.owner_id(), &format!("internet-gateway/{id}")),
        "vpc_id": g.attachments().first().and_then(|a| a.vpc_id()),
        "owner_id": g.owner_id(),
        "tags": tags,
        "tags_all": tags_all,
    })))
}
