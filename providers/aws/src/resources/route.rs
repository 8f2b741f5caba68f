//! `aws_route`: one route in a VPC route table, managed on its own.
//!
//! ```hcl
//! resource "aws_route" "internet" {
//!   route_table_id         = aws_route_table.public.id
//!   destination_cidr_block = "0.0.0.0/0"
//!   gateway_id             = aws_internet_gateway.gw.id
//! }
//! ```
//!
//! Arguments: `route_table_id` (required); exactly one destination, `destination_cidr_block`,
//! `destination_ipv6_cidr_block` or `destination_prefix_list_id`; exactly one target, such as
//! `gateway_id`, `nat_gateway_id`, `network_interface_id`, `vpc_peering_connection_id`,
//! `transit_gateway_id`, `vpc_endpoint_id`, `egress_only_gateway_id`, `local_gateway_id`,
//! `carrier_gateway_id` or `core_network_arn`. Computed: `id` (as Terraform's, `r-` + the route
//! table id + the CRC-32 of the destination, `r-rtb-0123456789abcdef01287654321`), `instance_id`
//! and `instance_owner_id` (when the target is an instance's interface), `origin`, `state`
//! (`active` or `blackhole`).
//!
//! Do not manage the same routes here and in inline `route` blocks of `aws_route_table`: a table
//! with `route` blocks removes every other route.
//!
//! Replacement: a change to `route_table_id` or the destination. A change of target replaces the
//! route in place (ReplaceRoute).
//!
//! Import: `ROUTETABLEID_DESTINATION`, as in Terraform:
//! `infra import aws_route.internet rtb-656C65616E6F72_10.42.0.0/16` (an IPv6 CIDR or a
//! `pl-…` prefix list id works as the destination too).
//!
//! Idempotency: routes carry no tags, so there is no intent marker to find (`find_by_intent`
//! finds nothing). Instead a create whose route already exists with the same target adopts it,
//! so a create repeated after a crash neither fails nor duplicates.

use std::time::Duration;

use async_trait::async_trait;
use infra_core::{Diagnostic, Diagnostics, Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, ResourceSchema};
use serde_json::{json, Value as J};

use super::{computed_s, s, with_timeouts};
use crate::duration::timeout;
use crate::ec2::{retry_not_found, wait_visible};
use crate::error::{Error, Result};
use crate::framework::{Attrs, AwsResource, Ctx};
use crate::retry::{wait_for, Backoff};
use crate::values::{opt, req_str, str_at};

pub(crate) struct Route;

const DELETE_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// The destination arguments; exactly one is set.
const DESTINATIONS: [&str; 3] = [
    "destination_cidr_block",
    "destination_ipv6_cidr_block",
    "destination_prefix_list_id",
];

/// The target arguments; exactly one is set.
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

/// Computed attributes that follow the target.
const FOLLOW_TARGET: [&str; 3] = ["instance_id", "instance_owner_id", "state"];

/// Sends a create or replace call with the target of `r` (the two calls take the same arguments).
macro_rules! route_call {
    ($call:expr, $r:expr) => {{
        let r = $r;
        let (key, dest) = destination(r)?;
        let to = |k: &str| (key == k).then(|| dest.to_string());
        let arg = |k: &str| str_at(r, k).map(str::to_string);
        $call
            .set_destination_cidr_block(to("destination_cidr_block"))
            .set_destination_ipv6_cidr_block(to("destination_ipv6_cidr_block"))
            .set_destination_prefix_list_id(to("destination_prefix_list_id"))
            .set_gateway_id(arg("gateway_id").or_else(|| arg("vpc_endpoint_id")))
            .set_nat_gateway_id(arg("nat_gateway_id"))
            .set_network_interface_id(arg("network_interface_id"))
            .set_transit_gateway_id(arg("transit_gateway_id"))
            .set_vpc_peering_connection_id(arg("vpc_peering_connection_id"))
            .set_egress_only_internet_gateway_id(arg("egress_only_gateway_id"))
            .set_local_gateway_id(arg("local_gateway_id"))
            .set_carrier_gateway_id(arg("carrier_gateway_id"))
            .set_core_network_arn(arg("core_network_arn"))
    }};
}

#[async_trait]
impl AwsResource for Route {
    fn type_name(&self) -> &'static str {
        "aws_route"
    }

    fn schema(&self) -> ResourceSchema {
        let mut block = BlockSchema::default().attr("id", computed_s()).attr(
            "route_table_id",
            AttributeSchema::required(Type::String).force_new(),
        );
        for d in DESTINATIONS {
            block = block.attr(d, AttributeSchema::optional(Type::String).force_new());
        }
        for t in TARGETS {
            block = block.attr(t, s());
        }
        for c in FOLLOW_TARGET.iter().chain(&["origin"]) {
            block = block.attr(c, computed_s());
        }
        ResourceSchema {
            version: 0,
            block: with_timeouts(block, &["create", "update", "delete"]),
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        for (names, what) in [(&DESTINATIONS[..], "destination"), (&TARGETS[..], "target")] {
            if let Some(n) = count_set(config, names).filter(|n| *n != 1) {
                diags.push(Diagnostic::error(
                    "Invalid combination of arguments",
                    format!(
                        "Exactly one {what} must be set ({n} are): one of {}.",
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        diags
    }

    fn adjust_plan(&self, proposed: &mut Attrs, prior: Option<&Attrs>, _config: &Attrs) {
        // A new target may be an instance's interface (or a gateway that is gone): what AWS
        // reports about the target is known after the apply.
        let Some(prior) = prior else { return };
        if TARGETS.iter().any(|t| prior.get(t) != proposed.get(t)) {
            for c in FOLLOW_TARGET {
                proposed.insert(c.into(), Value::Unknown(Type::String));
            }
        }
    }

    async fn create(&self, ctx: &Ctx, planned: &J, _intent: Option<&str>) -> Result<J> {
        let table = req_str(planned, "route_table_id")?;
        let (key, dest) = destination(planned)?;
        // The table or the target may have been created a moment ago.
        let sent = retry_not_found(ctx, "creating the route", || async {
            route_call!(ctx.ec2().create_route().route_table_id(table), planned)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| Error::sdk("CreateRoute", e))
        })
        .await;
        match sent {
            Ok(()) => {}
            Err(e) if e.code() == Some("RouteAlreadyExists") => {
                // Adopt a route that is exactly what was asked for (a repeated create).
                match read(ctx, table, key, dest).await? {
                    Some(existing) if same_target(&existing, planned) => {}
                    _ => {
                        return Err(Error::invalid(
                            "Route already exists",
                            format!(
                                "Route table `{table}` already has a route to {dest} with another target ({e}). \
                                 Remove that route first, or import it: \
                                 `infra import <address> {table}_{dest}`."
                            ),
                        ))
                    }
                }
            }
            Err(e) => return Err(e),
        }
        let import_id = format!("{table}_{dest}");
        wait_visible(ctx, planned, "the new route to become visible", || {
            read(ctx, table, key, dest)
        })
        .await
        .map_err(Error::after_create(&import_id))
    }

    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J> {
        let table = req_str(prior, "route_table_id")?;
        let (key, dest) = destination(prior)?;
        if TARGETS.iter().any(|t| prior.get(*t) != planned.get(*t)) {
            retry_not_found(ctx, "replacing the route", || async {
                route_call!(ctx.ec2().replace_route().route_table_id(table), planned)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| Error::sdk("ReplaceRoute", e))
            })
            .await?;
        }
        // ReplaceRoute answers before every describe sees the new target.
        wait_visible(
            ctx,
            planned,
            "the replaced route to become visible",
            || async {
                Ok(read(ctx, table, key, dest)
                    .await?
                    .filter(|r| same_target(r, planned)))
            },
        )
        .await
    }

    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()> {
        let table = req_str(prior, "route_table_id")?;
        let (key, dest) = destination(prior)?;
        let call = ctx.ec2().delete_route().route_table_id(table);
        let call = match key {
            "destination_cidr_block" => call.destination_cidr_block(dest),
            "destination_ipv6_cidr_block" => call.destination_ipv6_cidr_block(dest),
            _ => call.destination_prefix_list_id(dest),
        };
        call.send()
            .await
            .map_err(|e| Error::sdk("DeleteRoute", e))?;
        let b = Backoff::within(timeout(prior, "delete", DELETE_TIMEOUT));
        wait_for(&ctx.stop, b, "the deleted route to disappear", || async {
            Ok(read(ctx, table, key, dest).await?.is_none().then_some(()))
        })
        .await
    }

    async fn read(&self, ctx: &Ctx, prior: &J) -> Result<Option<J>> {
        // A full state names the table and destination; a bare `{ "id": … }` (after a create
        // that failed half-way) carries them in the import form.
        if let Some(table) = str_at(prior, "route_table_id") {
            let (key, dest) = destination(prior)?;
            return read(ctx, table, key, dest).await;
        }
        self.import(ctx, req_str(prior, "id")?).await
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<J>> {
        let (table, dest) = parse_import_id(id)?;
        read(ctx, table, destination_kind(dest), dest).await
    }
}

/// How many of `names` the configuration sets; `None` while any of them is unknown.
fn count_set(config: &Value, names: &[&str]) -> Option<usize> {
    let m = config.entries()?;
    let mut n = 0;
    for name in names {
        match m.get(name) {
            Some(v) if !v.is_known() => return None,
            Some(v) if !v.is_null() => n += 1,
            _ => {}
        }
    }
    Some(n)
}

/// The destination argument that is set, and its value.
fn destination(j: &J) -> Result<(&'static str, &str)> {
    DESTINATIONS
        .iter()
        .find_map(|d| str_at(j, d).map(|v| (*d, v)))
        .ok_or_else(|| Error::bug("The route has no destination at apply time."))
}

/// Which destination argument an import id's destination is.
fn destination_kind(dest: &str) -> &'static str {
    if dest.contains(':') {
        "destination_ipv6_cidr_block"
    } else if dest.starts_with("pl-") {
        "destination_prefix_list_id"
    } else {
        "destination_cidr_block"
    }
}

/// `ROUTETABLEID_DESTINATION` split in two.
fn parse_import_id(id: &str) -> Result<(&str, &str)> {
    id.split_once('_')
        .filter(|(t, d)| t.starts_with("rtb-") && !d.is_empty())
        .ok_or_else(|| {
            Error::invalid(
                "Invalid import id",
                format!(
                    "The id {id:?} cannot be imported as \"aws_route\": expected ROUTETABLEID_DESTINATION, \
                     such as rtb-656C65616E6F72_10.42.0.0/16 or rtb-656C65616E6F72_2001:db8::/56."
                ),
            )
        })
}

/// CRC-32 (IEEE), the hash Terraform's route ids use.
fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for b in data {
        c ^= u32::from(*b);
        for _ in 0..8 {
            c = if c & 1 == 1 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// Terraform's route id: `r-` + route table id + CRC-32 of the destination.
fn route_id(table: &str, dest: &str) -> String {
    format!("r-{table}{}", crc32(dest.as_bytes()))
}

/// Whether two route objects have the same target.
fn same_target(a: &J, b: &J) -> bool {
    TARGETS.iter().all(|t| str_at(a, t) == str_at(b, t))
}

/// The route of table `table` to `dest` (a `key` destination); `None` when the table or the
/// route is gone.
async fn read(ctx: &Ctx, table: &str, key: &str, dest: &str) -> Result<Option<J>> {
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
    let routes = out.route_tables().iter().flat_map(|t| t.routes());
    let found = routes.into_iter().find(|r| match key {
        "destination_cidr_block" => r.destination_cidr_block() == Some(dest),
        "destination_ipv6_cidr_block" => r
            .destination_ipv6_cidr_block()
            .is_some_and(|d| d.eq_ignore_ascii_case(dest)),
        _ => r.destination_prefix_list_id() == Some(dest),
    });
    let Some(r) = found else {
        return Ok(None);
    };
    let gw = r.gateway_id();
    let endpoint = gw.filter(|g| g.starts_with("vpce-"));
    let mut state = json!({
        "id": route_id(table, dest),
        "route_table_id": table,
        "destination_cidr_block": J::Null,
        "destination_ipv6_cidr_block": J::Null,
        "destination_prefix_list_id": J::Null,
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
        "instance_id": opt(r.instance_id()),
        "instance_owner_id": opt(r.instance_owner_id()),
        "origin": opt(r.origin().map(|o| o.as_str())),
        "state": opt(r.state().map(|s| s.as_str())),
    });
    // The destination as written (AWS may spell an IPv6 CIDR in another case).
    state[key] = J::String(dest.to_string());
    Ok(Some(state))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_terraforms() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(
            route_id("rtb-1", "10.42.0.0/16"),
            format!("r-rtb-1{}", 373_735_163u32)
        );
    }

    #[test]
    fn import_ids_name_table_and_destination() {
        assert_eq!(
            parse_import_id("rtb-656C65616E6F72_10.42.0.0/16").unwrap(),
            ("rtb-656C65616E6F72", "10.42.0.0/16")
        );
        assert_eq!(
            destination_kind("2001:db8::/56"),
            "destination_ipv6_cidr_block"
        );
        assert_eq!(destination_kind("pl-0123"), "destination_prefix_list_id");
        assert_eq!(destination_kind("0.0.0.0/0"), "destination_cidr_block");
        assert!(parse_import_id("rtb-1").is_err());
        assert!(parse_import_id("r-rtb-1_").is_err());
    }
}
