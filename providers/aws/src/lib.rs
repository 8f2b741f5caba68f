//! The AWS provider (`hashicorp/aws`): EC2 networking and instances, S3, and EC2 data sources on
//! the AWS SDK for Rust.
//!
//! Attribute names, defaults, replacement rules and import ids follow the Terraform AWS provider,
//! so existing HCL ports over unchanged; that includes the provider arguments people use to point
//! Terraform at an emulator (`endpoints`, `s3_use_path_style`, `skip_*`, `AWS_ENDPOINT_URL`).
//!
//! Layout: `config` owns the provider block and the SDK clients, `framework` dispatches the SDK's
//! provider calls to one `AwsResource` per resource type (in `resources/`, one file each) and one
//! `AwsDataSource` per data source (in `data_sources/`), `error` turns AWS errors into
//! diagnostics, `retry` waits out eventual consistency and dependency violations, and `tags` owns `tags`, `tags_all`, `default_tags` and the `infra:intent` tag that
//! makes creates idempotent. `ec2` and `s3` hold what the resources of each service share.
//!
//! This crate (with the S3 state backend) is the only one that compiles the AWS SDK. It sees only
//! the provider SDK (`infra-provider`) and `infra-core`, never engine internals, and never prints.

mod config;
mod data_sources;
mod duration;
mod ec2;
mod error;
mod framework;
mod resources;
mod retry;
mod s3;
mod tags;
mod values;

use std::sync::Arc;

use infra_provider::{Provider, Registry};

pub use tags::INTENT_TAG;

/// Registers the AWS provider as `hashicorp/aws`.
pub fn register(r: &mut Registry) {
    r.register("hashicorp/aws", provider);
}

/// A fresh, unconfigured AWS provider.
pub fn provider() -> Arc<dyn Provider> {
    Arc::new(framework::AwsProvider::new(resources::all()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_as_hashicorp_aws() {
        let mut r = Registry::new();
        register(&mut r);
        assert!(r.by_local_name("aws").is_some());
        assert!(r.by_source("registry.terraform.io/hashicorp/aws").is_some());
    }

    #[test]
    fn every_resource_has_a_computed_id_and_tagged_ones_have_tags_all() {
        let p = provider();
        for (name, s) in &p.schema().resources {
            assert!(
                s.block.attributes.get("id").is_some_and(|a| a.computed),
                "{name} has no computed id"
            );
            if s.block.attributes.contains_key("tags") {
                assert!(
                    s.block
                        .attributes
                        .get("tags_all")
                        .is_some_and(|a| a.computed),
                    "{name} has no tags_all"
                );
            }
        }
    }
}
