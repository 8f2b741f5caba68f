//! The data sources, one file each, and what they share: `filter` blocks and the errors for a
//! query that matches nothing, or more than one object where one is wanted.
//!
//! A data source reads with the configured clients like a resource does, but owns nothing: it
//! gets its configuration (every argument, null when unset) and returns the attributes it
//! computes; the framework ([`crate::framework`]) lays them over the configuration, so arguments
//! a data source does not return keep their configured values.

mod ami;
mod availability_zones;
mod vpc;

use async_trait::async_trait;
use aws_sdk_ec2::types::Filter;
use infra_core::{Diagnostic, Type};
use infra_provider::{AttributeSchema, BlockSchema, Nesting, ResourceSchema};
use serde_json::Value as J;

use crate::error::{Error, Result};
use crate::framework::Ctx;
use crate::resources::nested;
use crate::values::{blocks_at, str_at, strings_at};

/// One data source type. Values are JSON (see [`crate::values`]).
#[async_trait]
pub(crate) trait AwsDataSource: Send + Sync {
    fn type_name(&self) -> &'static str;

    fn schema(&self) -> ResourceSchema;

    /// Reads the data source for `config`; returns the computed attributes (and any argument it
    /// normalises, such as a default).
    async fn read(&self, ctx: &Ctx, config: &J) -> Result<J>;
}

/// Every data source of the provider.
pub(crate) fn all() -> Vec<Box<dyn AwsDataSource>> {
    vec![
        Box::new(ami::Ami),
        Box::new(availability_zones::AvailabilityZones),
        Box::new(vpc::VpcData),
    ]
}

/// Adds the `filter { name = "…", values = ["…"] }` blocks of the EC2 data sources, which
/// become Describe* filters as written.
pub(crate) fn with_filters(b: BlockSchema) -> BlockSchema {
    let f = BlockSchema::default()
        .attr("name", AttributeSchema::required(Type::String))
        .attr("values", AttributeSchema::required(Type::set(Type::String)));
    b.block("filter", nested(Nesting::Set, f, 0, 0))
}

/// The `filter` blocks of a configuration as EC2 filters.
pub(crate) fn filters(config: &J) -> Vec<Filter> {
    blocks_at(config, "filter")
        .iter()
        .map(|f| {
            Filter::builder()
                .set_name(str_at(f, "name").map(str::to_string))
                .set_values(Some(strings_at(f, "values")))
                .build()
        })
        .collect()
}

/// A query error of the data source `type_name`, worded as the Terraform AWS provider words it.
pub(crate) fn query_error(type_name: &str, summary: &str, detail: &str) -> Error {
    Error::Invalid(
        Diagnostic::error(
            summary,
            format!("Error reading data source {type_name}: {detail}"),
        )
        .into(),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn filter_blocks_become_ec2_filters() {
        let f = filters(&json!({"filter": [
            {"name": "name", "values": ["amzn2-*", "al2023-*"]},
            {"name": "state", "values": ["available"]},
        ]}));
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].name(), Some("name"));
        assert_eq!(f[0].values(), ["amzn2-*", "al2023-*"]);
        assert!(filters(&json!({"filter": []})).is_empty());
        assert!(filters(&json!({})).is_empty());
    }

    #[test]
    fn every_data_source_has_a_computed_id() {
        for d in all() {
            let s = d.schema();
            assert!(
                s.block.attributes.get("id").is_some_and(|a| a.computed),
                "{} has no computed id",
                d.type_name()
            );
        }
    }
}
