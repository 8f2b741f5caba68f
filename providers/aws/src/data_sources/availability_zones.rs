//! `data "aws_availability_zones"`: the availability zones of the provider's region.
//!
//! ```hcl
//! data "aws_availability_zones" "available" {
//!   state         = "available"
//!   exclude_names = ["us-east-1e"]
//! }
//!
//! resource "aws_subnet" "a" {
//!   availability_zone = data.aws_availability_zones.available.names[0]
//!   # …
//! }
//! ```
//!
//! Arguments: `state` (`available`, `information`, `impaired`, `unavailable`),
//! `all_availability_zones` (include Local and Wavelength Zones whatever their opt-in status),
//! `exclude_names`, `exclude_zone_ids`, `filter` blocks (DescribeAvailabilityZones filters).
//! Computed: `id` (the region), `names` and `zone_ids` (sorted by zone name, in step), and
//! `group_names`.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use aws_sdk_ec2::types::Filter;
use infra_core::Type;
use infra_provider::{AttributeSchema, BlockSchema, ResourceSchema};
use serde_json::{json, Value as J};

use super::{filters, query_error, with_filters, AwsDataSource};
use crate::error::{Error, Result};
use crate::framework::Ctx;
use crate::resources::computed_s;
use crate::values::{bool_at, str_at, strings_at};

pub(crate) struct AvailabilityZones;

const TYPE: &str = "aws_availability_zones";

const STATES: [&str; 4] = ["available", "information", "impaired", "unavailable"];

#[async_trait]
impl AwsDataSource for AvailabilityZones {
    fn type_name(&self) -> &'static str {
        TYPE
    }

    fn schema(&self) -> ResourceSchema {
        let set = || AttributeSchema::optional(Type::set(Type::String));
        let block = BlockSchema::default()
            .attr(
                "state",
                AttributeSchema::optional(Type::String).describe(
                    "Only zones in this state: available, information, impaired or unavailable.",
                ),
            )
            .attr(
                "all_availability_zones",
                AttributeSchema::optional(Type::Bool),
            )
            .attr("exclude_names", set())
            .attr("exclude_zone_ids", set())
            .attr("id", computed_s())
            .attr("names", AttributeSchema::computed(Type::list(Type::String)))
            .attr(
                "zone_ids",
                AttributeSchema::computed(Type::list(Type::String)),
            )
            .attr(
                "group_names",
                AttributeSchema::computed(Type::set(Type::String)),
            );
        ResourceSchema {
            version: 0,
            block: with_filters(block),
        }
    }

    async fn read(&self, ctx: &Ctx, config: &J) -> Result<J> {
        let mut filters = filters(config);
        if let Some(state) = str_at(config, "state") {
            if !STATES.contains(&state) {
                return Err(query_error(
                    TYPE,
                    "Invalid state",
                    &format!("state must be one of {}, not {state:?}.", STATES.join(", ")),
                ));
            }
            filters.push(Filter::builder().name("state").values(state).build());
        }
        let out = ctx
            .ec2()
            .describe_availability_zones()
            .set_all_availability_zones(bool_at(config, "all_availability_zones"))
            .set_filters(Some(filters).filter(|f| !f.is_empty()))
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeAvailabilityZones", e))?;
        let exclude_names: BTreeSet<String> =
            strings_at(config, "exclude_names").into_iter().collect();
        let exclude_ids: BTreeSet<String> =
            strings_at(config, "exclude_zone_ids").into_iter().collect();
        let mut zones = BTreeMap::new();
        let mut groups = BTreeSet::new();
        for z in out.availability_zones() {
            let (Some(name), Some(zone_id)) = (z.zone_name(), z.zone_id()) else {
                continue;
            };
            if exclude_names.contains(name) || exclude_ids.contains(zone_id) {
                continue;
            }
            zones.insert(name.to_string(), zone_id.to_string());
            if let Some(g) = z.group_name() {
                groups.insert(g.to_string());
            }
        }
        Ok(json!({
            "id": ctx.clients.region,
            "names": zones.keys().collect::<Vec<_>>(),
            "zone_ids": zones.values().collect::<Vec<_>>(),
            "group_names": groups,
        }))
    }
}
