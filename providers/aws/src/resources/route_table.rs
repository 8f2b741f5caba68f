//! `aws_route_table`: a VPC route table, optionally with inline `route` blocks.
//!
//! ```hcl
//! resource "aws_route_table" "public" {
//!   vpc_id = aws_vpc.main.id
//!   route {
//!     cidr_block = "0.0.0.0/0"
//!     gateway_id = aws_internet_gateway.gw.id
//!   }
//!   tags = { Name = "public" }
//! }
//! ```
//!
//! Arguments: `vpc_id` (required), `route` blocks (a set; each has one destination,
//! `cidr_block`, `ipv6_cidr_block` or `destination_prefix_list_id`, and one target, such as
//! `gateway_id`, `nat_gateway_id`, `network_interface_id`, `transit_gateway_id`,
//! `vpc_peering_connection_id`, `vpc_endpoint_id`, `egress_only_gateway_id`), `tags`. Computed:
//! `id`, `arn`, `owner_id`, `tags_all`.
//!
//! As in Terraform, a route table without `route` blocks leaves its routes alone, so routes can
//! be managed elsewhere; with `route` blocks, exactly those routes are kept (the `local` route and
//! propagated routes are never shown or touched).
//!
//! Replacement: a change to `vpc_id`. Routes and tags change in place.
//!
//! Import: by route table id, `infra import aws_route_table.public rtb-0123456789abcdef0`.
//!
//! Delete disassociates the table from its subnets and gateways first, then waits out
//! `DependencyViolation` for `timeouts.delete` (default 5m).

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_ec2::types::{ResourceType, Route, RouteOrigin};
use infra_core::{Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, Nesting, ResourceSchema};
use serde_json::{json, Value as J};

use super::{computed_s, nested, s, with_id_and_tags, with_timeouts};
use crate::ec2::{
    arn, delete_retrying, intent_filter, retry_not_found, state_tags_of, tag_spec, update_tags,
    wait_visible,
};
use crate::error::{none_if_not_found, Error, Result};
use crate::framework::{Attrs, AwsResource, Ctx};
use crate::values::{blocks_at, opt, req_str, str_at};

pub(crate) struct RouteTable;

const DELETE_TIMEOUT: Duration = Duration::from_secs(300);

/// A route's destination arguments.
const DESTINATIONS: [&str; 3] = [
    "cidr_block",
    "ipv6_cidr_block",
    "destination_prefix_list_id",
];

/// A route's target arguments.
const TARGETS: [&str; 10] = [
    "gateway_id",
    "nat_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_peering_connection_id",
    "vpc_endpoint_id",
    "egress_only_gateway_id",
    "local_gateway_id",
    "carrier_gateway_id",
    "core_network_arn",
];

#[async_trait]
impl AwsResource for RouteTable {
    fn type_name(&self) -> &'static str {
        "aws_route_table"
    }

    fn schema(&self) -> ResourceSchema {
        let mut route = BlockSchema::default();
        for a in DESTINATIONS.iter().chain(&TARGETS) {
            route = route.attr(a, s());
        }
        let block = BlockSchema::default()
            .attr(
                "vpc_id",
                AttributeSchema::required(Type::String).force_new(),
            )
            .attr("arn", computed_s())
            .attr("owner_id", computed_s())
            .block("route", nested(Nesting::Set, route, 0, 0));
        ResourceSchema {
            version: 0,
            block: with_timeouts(with_id_and_tags(block), &["create", "update", "delete"]),
        }
    }

    fn adjust_plan(&self, proposed: &mut Attrs, prior: Option<&Attrs>, config: &Attrs) {
        // No `route` blocks: the routes are not managed here, so whatever is there is planned.
        if config.get("route").and_then(Value::length) == Some(0) {
            if let Some(p) = prior.and_then(|p| p.get("route")) {
                proposed.insert("route".into(), p.clone());
            }
        }
    }

    async fn create(&self, ctx: &Ctx, planned: &J, intent: Option<&str>) -> Result<J> {
        let vpc = req_str(planned, "vpc_id")?;
        let out = retry_not_found(ctx, "creating the route table", || async {
            ctx.ec2()
                .create_route_table()
                .vpc_id(vpc)
                .set_tag_specifications(
                    tag_spec(ResourceType::RouteTable, planned, intent).map(|t| vec![t]),
                )
                .send()
                .await
                .map_err(|e| Error::sdk("CreateRouteTable", e))
        })
        .await?;
        let id = out
            .route_table()
            .and_then(|t| t.route_table_id())
            .ok_or_else(|| Error::bug("CreateRouteTable returned no id."))?
            .to_string();
        let finish = async {
            wait_visible(
                ctx,
                planned,
                "the new route table to become visible",
                || describe(ctx, &id),
            )
            .await?;
            for r in blocks_at(planned, "route") {
                create_route(ctx, &id, r).await?;
            }
            read(ctx, &id, planned)
                .await?
                .ok_or_else(|| Error::bug("The new route table disappeared."))
        };
        finish.await.map_err(Error::after_create(&id))
    }

    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J> {
        let id = req_str(prior, "id")?;
        let (old, new) = (blocks_at(prior, "route"), blocks_at(planned, "route"));
        for r in old.iter().filter(|r| !new.contains(r)) {
            // A route whose destination stays is replaced below rather than deleted.
            if !new.iter().any(|n| destination(n) == destination(r)) {
                delete_route(ctx, id, r).await?;
            }
        }
        for r in new.iter().filter(|r| !old.contains(r)) {
            if old.iter().any(|o| destination(o) == destination(r)) {
                replace_route(ctx, id, r).await?;
            } else {
                create_route(ctx, id, r).await?;
            }
        }
        update_tags(ctx, id, prior, planned).await?;
        read(ctx, id, planned)
            .await?
            .ok_or_else(|| Error::bug("The route table disappeared during update."))
    }

    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()> {
        let id = req_str(prior, "id")?;
        if let Some(t) = describe(ctx, id).await? {
            for a in t.associations().iter().filter(|a| a.main() != Some(true)) {
                let Some(assoc) = a.route_table_association_id() else {
                    continue;
                };
                match ctx
                    .ec2()
                    .disassociate_route_table()
                    .association_id(assoc)
                    .send()
                    .await
                {
                    Ok(_) => {}
                    Err(e) => match Error::sdk("DisassociateRouteTable", e) {
                        e if e.is_not_found() => {}
                        e => return Err(e),
                    },
                }
            }
        }
        delete_retrying(
            ctx,
            prior,
            DELETE_TIMEOUT,
            "deleting the route table",
            || async {
                ctx.ec2()
                    .delete_route_table()
                    .route_table_id(id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| Error::sdk("DeleteRouteTable", e))
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
            .describe_route_tables()
            .filters(intent_filter(marker))
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeRouteTables", e))?;
        match out.route_tables().first().and_then(|t| t.route_table_id()) {
            Some(id) => read(ctx, id, &J::Null).await,
            None => Ok(None),
        }
    }
}

fn destination(r: &J) -> Option<(&'static str, &str)> {
    DESTINATIONS
        .iter()
        .find_map(|d| str_at(r, d).map(|v| (*d, v)))
}

/// Sends a create or replace call for route `r` (the two calls take the same arguments).
macro_rules! route_call {
    ($call:expr, $r:expr) => {{
        let r = $r;
        let gw = str_at(r, "gateway_id").or_else(|| str_at(r, "vpc_endpoint_id"));
        $call
            .set_destination_cidr_block(str_at(r, "cidr_block").map(str::to_string))
            .set_destination_ipv6_cidr_block(str_at(r, "ipv6_cidr_block").map(str::to_string))
            .set_destination_prefix_list_id(
                str_at(r, "destination_prefix_list_id").map(str::to_string),
            )
            .set_gateway_id(gw.map(str::to_string))
            .set_nat_gateway_id(str_at(r, "nat_gateway_id").map(str::to_string))
            .set_network_interface_id(str_at(r, "network_interface_id").map(str::to_string))
            .set_transit_gateway_id(str_at(r, "transit_gateway_id").map(str::to_string))
            .set_vpc_peering_connection_id(
                str_at(r, "vpc_peering_connection_id").map(str::to_string),
            )
            .set_egress_only_internet_gateway_id(
                str_at(r, "egress_only_gateway_id").map(str::to_string),
            )
            .set_local_gateway_id(str_at(r, "local_gateway_id").map(str::to_string))
            .set_carrier_gateway_id(str_at(r, "carrier_gateway_id").map(str::to_string))
            .set_core_network_arn(str_at(r, "core_network_arn").map(str::to_string))
    }};
}

async fn create_route(ctx: &Ctx, id: &str, r: &J) -> Result<()> {
    // The target may have been created a moment ago.
    retry_not_found(ctx, "creating a route", || async {
        route_call!(ctx.ec2().create_route().route_table_id(id), r)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| Error::sdk("CreateRoute", e))
    })
    .await
}

async fn replace_route(ctx: &Ctx, id: &str, r: &J) -> Result<()> {
    retry_not_found(ctx, "replacing a route", || async {
        route_call!(ctx.ec2().replace_route().route_table_id(id), r)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| Error::sdk("ReplaceRoute", e))
    })
    .await
}

async fn delete_route(ctx: &Ctx, id: &str, r: &J) -> Result<()> {
    let call = ctx
        .ec2()
        .delete_route()
        .route_table_id(id)
        .set_destination_cidr_block(str_at(r, "cidr_block").map(str::to_string))
        .set_destination_ipv6_cidr_block(str_at(r, "ipv6_cidr_block").map(str::to_string))
        .set_destination_prefix_list_id(
            str_at(r, "destination_prefix_list_id").map(str::to_string),
        );
    match call.send().await {
        Ok(_) => Ok(()),
        Err(e) => match Error::sdk("DeleteRoute", e) {
            e if e.is_not_found() => Ok(()),
            e => Err(e),
        },
    }
}

async fn describe(ctx: &Ctx, id: &str) -> Result<Option<aws_sdk_ec2::types::RouteTable>> {
    Ok(none_if_not_found(
        ctx.ec2()
            .describe_route_tables()
            .route_table_ids(id)
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeRouteTables", e)),
    )?
    .and_then(|out| out.route_tables().first().cloned()))
}

/// A route as a `route` block; `None` for the local route and propagated routes.
fn route_block(r: &Route) -> Option<J> {
    if r.origin() != Some(&RouteOrigin::CreateRoute) || r.gateway_id() == Some("local") {
        return None;
    }
    let gw = r.gateway_id();
    let endpoint = gw.filter(|g| g.starts_with("vpce-"));
    Some(json!({
        "cidr_block": opt(r.destination_cidr_block()),
        "ipv6_cidr_block": opt(r.destination_ipv6_cidr_block()),
        "destination_prefix_list_id": opt(r.destination_prefix_list_id()),
        "gateway_id": opt(gw.filter(|_| endpoint.is_none())),
        "vpc_endpoint_id": opt(endpoint),
        "nat_gateway_id": opt(r.nat_gateway_id()),
        "network_interface_id": opt(r.network_interface_id()),
        "transit_gateway_id": opt(r.transit_gateway_id()),
        "vpc_peering_connection_id": opt(r.vpc_peering_connection_id()),
        "egress_only_gateway_id": opt(r.egress_only_internet_gateway_id()),
        "local_gateway_id": opt(r.local_gateway_id()),
        "carrier_gateway_id": opt(r.carrier_gateway_id()),
        "core_network_arn": opt(r.core_network_arn()),
    }))
}

async fn read(ctx: &Ctx, id: &str, prior: &J) -> Result<Option<J>> {
    let Some(t) = describe(ctx, id).await? else {
        return Ok(None);
    };
    let (tags, tags_all) = state_tags_of(ctx, t.tags(), prior);
    let routes: Vec<J> = t.routes().iter().filter_map(route_block).collect();
    Ok(Some(json!({
        "id": id,
        "arn": arn(ctx, t.owner_id(), &format!("route-table/{id}")),
        "vpc_id": t.vpc_id(),
        "owner_id": t.owner_id(),
        "route": routes,
        "tags": tags,
        "tags_all": tags_all,
    })))
}
