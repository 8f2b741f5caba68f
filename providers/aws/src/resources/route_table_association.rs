//! `aws_route_table_association`: associates a route table with a subnet or a gateway.
//!
//! ```hcl
//! resource "aws_route_table_association" "public_a" {
//!   subnet_id      = aws_subnet.public_a.id
//!   route_table_id = aws_route_table.public.id
//! }
//! ```
//!
//! Arguments: `route_table_id` (required), and one of `subnet_id` or `gateway_id`. Computed: `id`
//! (the association id, `rtbassoc-…`).
//!
//! Replacement: a change to `subnet_id` or `gateway_id`. A change of `route_table_id` moves the
//! association in place (ReplaceRouteTableAssociation, which gives it a new id).
//!
//! Import: `SUBNET_ID/ROUTE_TABLE_ID` or `GATEWAY_ID/ROUTE_TABLE_ID`, as in Terraform:
//! `infra import aws_route_table_association.public_a subnet-0123/rtb-0456`.
//!
//! Idempotency: associations carry no tags, so there is no intent marker to find. Instead a
//! create whose subnet or gateway is already associated with the same route table adopts that
//! association, so a create repeated after a crash does not fail or duplicate.

use async_trait::async_trait;
use infra_core::{Diagnostic, Diagnostics, Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, ResourceSchema};
use serde_json::{json, Value as J};

use super::{computed_s, with_timeouts};
use crate::ec2::{filter, retry_not_found, wait_visible};
use crate::error::{Error, Result};
use crate::framework::{Attrs, AwsResource, Ctx};
use crate::values::{req_str, str_at};

pub(crate) struct RouteTableAssociation;

#[async_trait]
impl AwsResource for RouteTableAssociation {
    fn type_name(&self) -> &'static str {
        "aws_route_table_association"
    }

    fn schema(&self) -> ResourceSchema {
        let block = BlockSchema::default()
            .attr("id", computed_s())
            .attr("route_table_id", AttributeSchema::required(Type::String))
            .attr(
                "subnet_id",
                AttributeSchema::optional(Type::String).force_new(),
            )
            .attr(
                "gateway_id",
                AttributeSchema::optional(Type::String).force_new(),
            );
        ResourceSchema {
            version: 0,
            block: with_timeouts(block, &["create", "update", "delete"]),
        }
    }

    fn adjust_plan(&self, proposed: &mut Attrs, prior: Option<&Attrs>, _config: &Attrs) {
        // Moving the association to another table gives it a new id.
        if let Some(prior) = prior {
            if prior.get("route_table_id") != proposed.get("route_table_id") {
                proposed.insert("id".into(), Value::Unknown(Type::String));
            }
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let set = |n: &str| {
            config
                .entries()
                .and_then(|m| m.get(n))
                .is_some_and(|v| !v.is_null())
        };
        let known = |n: &str| {
            config
                .entries()
                .and_then(|m| m.get(n))
                .is_none_or(Value::is_known)
        };
        if !(known("subnet_id") && known("gateway_id")) || set("subnet_id") != set("gateway_id") {
            return Diagnostics::new();
        }
        Diagnostic::error(
            "Invalid combination of arguments",
            "Exactly one of `subnet_id` or `gateway_id` must be set: the association links the route table to \
             one subnet or one gateway.",
        )
        .into()
    }

    async fn create(&self, ctx: &Ctx, planned: &J, _intent: Option<&str>) -> Result<J> {
        let table = req_str(planned, "route_table_id")?;
        let (subnet, gateway) = (str_at(planned, "subnet_id"), str_at(planned, "gateway_id"));
        let sent = retry_not_found(ctx, "associating the route table", || async {
            ctx.ec2()
                .associate_route_table()
                .route_table_id(table)
                .set_subnet_id(subnet.map(str::to_string))
                .set_gateway_id(gateway.map(str::to_string))
                .send()
                .await
                .map_err(|e| Error::sdk("AssociateRouteTable", e))
        })
        .await;
        let id = match sent {
            Ok(out) => out
                .association_id()
                .ok_or_else(|| Error::bug("AssociateRouteTable returned no id."))?
                .to_string(),
            Err(e) if e.code() == Some("Resource.AlreadyAssociated") => {
                let target = subnet.or(gateway).unwrap_or_default();
                match find(ctx, table, target).await? {
                    Some(existing) => existing,
                    None => return Err(e),
                }
            }
            Err(e) => return Err(e),
        };
        let state = wait_visible(
            ctx,
            planned,
            "the new association to become visible",
            || read(ctx, &id),
        )
        .await?;
        if str_at(&state, "route_table_id") != Some(table) {
            // Only an emulator answers a repeated association with the existing one of another table.
            return Err(Error::invalid(
                "Subnet already associated",
                format!(
                    "The {} is already associated with route table `{}` (association `{id}`). Remove that \
                     association first, or import it.",
                    subnet.map_or("gateway", |_| "subnet"),
                    str_at(&state, "route_table_id").unwrap_or_default()
                ),
            ));
        }
        Ok(state)
    }

    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J> {
        let id = req_str(prior, "id")?;
        let table = req_str(planned, "route_table_id")?;
        let out = retry_not_found(ctx, "moving the association", || async {
            ctx.ec2()
                .replace_route_table_association()
                .association_id(id)
                .route_table_id(table)
                .send()
                .await
                .map_err(|e| Error::sdk("ReplaceRouteTableAssociation", e))
        })
        .await?;
        let new_id = out.new_association_id().unwrap_or(id).to_string();
        wait_visible(
            ctx,
            planned,
            "the moved association to become visible",
            || read(ctx, &new_id),
        )
        .await
    }

    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()> {
        let id = req_str(prior, "id")?;
        ctx.ec2()
            .disassociate_route_table()
            .association_id(id)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| Error::sdk("DisassociateRouteTable", e))
    }

    async fn read(&self, ctx: &Ctx, prior: &J) -> Result<Option<J>> {
        read(ctx, req_str(prior, "id")?).await
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<J>> {
        let Some((target, table)) = id
            .split_once('/')
            .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        else {
            return Err(Error::invalid(
                "Invalid import id",
                format!(
                    "The id {id:?} cannot be imported as \"aws_route_table_association\": expected \
                     SUBNET_ID/ROUTE_TABLE_ID or GATEWAY_ID/ROUTE_TABLE_ID."
                ),
            ));
        };
        match find(ctx, table, target).await? {
            Some(assoc) => read(ctx, &assoc).await,
            None => Ok(None),
        }
    }
}

/// The id of the association between route table `table` and the subnet or gateway `target`.
async fn find(ctx: &Ctx, table: &str, target: &str) -> Result<Option<String>> {
    let out = match ctx
        .ec2()
        .describe_route_tables()
        .route_table_ids(table)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => match Error::sdk("DescribeRouteTables", e) {
            e if e.is_not_found() => return Ok(None),
            e => return Err(e),
        },
    };
    Ok(out
        .route_tables()
        .iter()
        .flat_map(|t| t.associations())
        .find(|a| a.subnet_id() == Some(target) || a.gateway_id() == Some(target))
        .and_then(|a| a.route_table_association_id())
        .map(str::to_string))
}

async fn read(ctx: &Ctx, id: &str) -> Result<Option<J>> {
    let out = ctx
        .ec2()
        .describe_route_tables()
        .filters(filter("association.route-table-association-id", id))
        .send()
        .await
        .map_err(|e| Error::sdk("DescribeRouteTables", e))?;
    let found = out.route_tables().iter().find_map(|t| {
        t.associations()
            .iter()
            .find(|a| a.route_table_association_id() == Some(id))
            .map(|a| (t, a))
    });
    let Some((table, a)) = found else {
        return Ok(None);
    };
    Ok(Some(json!({
        "id": id,
        "route_table_id": table.route_table_id().or(a.route_table_id()),
        "subnet_id": a.subnet_id(),
        "gateway_id": a.gateway_id(),
    })))
}
