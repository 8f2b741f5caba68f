//! `data "aws_ami"`: the id and details of one AMI, found by owner, filters and name.
//!
//! ```hcl
//! data "aws_ami" "al2" {
//!   owners      = ["amazon"]
//!   most_recent = true
//!   name_regex  = "^amzn2-ami-hvm-.*-x86_64-gp2$"
//!   filter {
//!     name   = "name"
//!     values = ["amzn2-ami-hvm-*"]
//!   }
//! }
//! ```
//!
//! Arguments: `owners` (account ids or `self`, `amazon`, `aws-marketplace`), `executable_users`,
//! `filter` blocks (DescribeImages filters), `name_regex` (applied to the names DescribeImages
//! returns), `most_recent` (`false`), `include_deprecated` (`false`). Computed: `id` and
//! `image_id`, `arn`, `name`, `description`, `architecture`, `creation_date`, `deprecation_time`,
//! `owner_id`, `image_owner_alias`, `image_location`, `image_type`, `state`, `public`,
//! `root_device_name`, `root_device_type`, `root_snapshot_id`, `block_device_mappings`,
//! `virtualization_type`, `hypervisor`, `ena_support`, `sriov_net_support`, `boot_mode`,
//! `platform`, `platform_details`, `usage_operation`, `kernel_id`, `ramdisk_id`, `tpm_support`,
//! `imds_support`, `tags`.
//!
//! As in the Terraform AWS provider, a query that matches nothing is an error ("Your query
//! returned no results"), and so is one that matches several images without `most_recent`;
//! with `most_recent`, the image with the latest `creation_date` wins.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_ec2::types::{BlockDeviceMapping, Image};
use infra_core::Type;
use infra_provider::{AttributeSchema, BlockSchema, ResourceSchema};
use regex::Regex;
use serde_json::{json, Value as J};

use super::{filters, query_error, with_filters, AwsDataSource};
use crate::ec2::{partition, tag_map};
use crate::error::{Error, Result};
use crate::framework::Ctx;
use crate::resources::computed_s;
use crate::values::{bool_at, opt, str_at, strings_at};

pub(crate) struct Ami;

const TYPE: &str = "aws_ami";

#[async_trait]
impl AwsDataSource for Ami {
    fn type_name(&self) -> &'static str {
        TYPE
    }

    fn schema(&self) -> ResourceSchema {
        let strings = || AttributeSchema::optional(Type::list(Type::String));
        let mut block = BlockSchema::default()
            .attr(
                "owners",
                strings().describe(
                    "Owners of the images: account ids, `self`, `amazon`, `aws-marketplace`.",
                ),
            )
            .attr("executable_users", strings())
            .attr(
                "name_regex",
                AttributeSchema::optional(Type::String)
                    .describe("A regular expression the image name must match."),
            )
            .attr(
                "most_recent",
                AttributeSchema::optional_computed(Type::Bool)
                    .describe("Pick the newest image when several match."),
            )
            .attr(
                "include_deprecated",
                AttributeSchema::optional_computed(Type::Bool),
            )
            .attr("id", computed_s())
            .attr("image_id", computed_s())
            .attr("public", AttributeSchema::computed(Type::Bool))
            .attr("ena_support", AttributeSchema::computed(Type::Bool))
            .attr("tags", AttributeSchema::computed(Type::map(Type::String)))
            .attr(
                "block_device_mappings",
                AttributeSchema::computed(Type::set(Type::object(BTreeMap::from([
                    ("device_name".to_string(), Type::String),
                    ("no_device".to_string(), Type::String),
                    ("virtual_name".to_string(), Type::String),
                    ("ebs".to_string(), Type::map(Type::String)),
                ])))),
            );
        for name in [
            "arn",
            "name",
            "description",
            "architecture",
            "creation_date",
            "deprecation_time",
            "owner_id",
            "image_owner_alias",
            "image_location",
            "image_type",
            "state",
            "root_device_name",
            "root_device_type",
            "root_snapshot_id",
            "virtualization_type",
            "hypervisor",
            "sriov_net_support",
            "boot_mode",
            "platform",
            "platform_details",
            "usage_operation",
            "kernel_id",
            "ramdisk_id",
            "tpm_support",
            "imds_support",
        ] {
            block = block.attr(name, computed_s());
        }
        ResourceSchema {
            version: 0,
            block: with_filters(block),
        }
    }

    async fn read(&self, ctx: &Ctx, config: &J) -> Result<J> {
        let name_regex = match str_at(config, "name_regex") {
            Some(r) => Some(Regex::new(r).map_err(|e| {
                query_error(
                    TYPE,
                    "Invalid name_regex",
                    &format!("name_regex {r:?} is not a valid regular expression: {e}"),
                )
            })?),
            None => None,
        };
        let most_recent = bool_at(config, "most_recent").unwrap_or(false);
        let include_deprecated = bool_at(config, "include_deprecated").unwrap_or(false);
        let owners = Some(strings_at(config, "owners")).filter(|o| !o.is_empty());
        let users = Some(strings_at(config, "executable_users")).filter(|u| !u.is_empty());
        let filters = Some(filters(config)).filter(|f| !f.is_empty());
        let mut pages = ctx
            .ec2()
            .describe_images()
            .set_owners(owners)
            .set_executable_users(users)
            .set_filters(filters)
            .include_deprecated(include_deprecated)
            .into_paginator()
            .send();
        let mut images: Vec<Image> = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| Error::sdk("DescribeImages", e))?;
            images.extend(page.images().iter().cloned());
        }
        if let Some(re) = &name_regex {
            images.retain(|i| i.name().is_some_and(|n| re.is_match(n)));
        }
        let image = pick(images, most_recent)?;
        Ok(state(ctx, &image, most_recent, include_deprecated))
    }
}

/// The one image the query asked for.
fn pick(mut images: Vec<Image>, most_recent: bool) -> Result<Image> {
    if images.len() > 1 && !most_recent {
        return Err(query_error(
            TYPE,
            "Your query returned more than one result",
            "Your query returned more than one result. Please try a more specific search criteria, \
             or set `most_recent` attribute to true.",
        ));
    }
    // Newest last; equal creation dates are ordered by id so the choice is stable.
    images
        .sort_by(|a, b| (a.creation_date(), a.image_id()).cmp(&(b.creation_date(), b.image_id())));
    images.pop().ok_or_else(|| {
        query_error(
            TYPE,
            "Your query returned no results",
            "Your query returned no results. Please change your search criteria and try again.",
        )
    })
}

fn block_device(m: &BlockDeviceMapping) -> J {
    let ebs: BTreeMap<&str, String> = m
        .ebs()
        .map(|e| {
            [
                (
                    "delete_on_termination",
                    e.delete_on_termination().map(|b| b.to_string()),
                ),
                ("encrypted", e.encrypted().map(|b| b.to_string())),
                ("iops", e.iops().map(|n| n.to_string())),
                ("snapshot_id", e.snapshot_id().map(str::to_string)),
                ("throughput", e.throughput().map(|n| n.to_string())),
                ("volume_size", e.volume_size().map(|n| n.to_string())),
                (
                    "volume_type",
                    e.volume_type().map(|t| t.as_str().to_string()),
                ),
            ]
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?)))
            .collect()
        })
        .unwrap_or_default();
    json!({
        "device_name": opt(m.device_name()),
        "no_device": opt(m.no_device()),
        "virtual_name": opt(m.virtual_name()),
        "ebs": ebs,
    })
}

fn state(ctx: &Ctx, i: &Image, most_recent: bool, include_deprecated: bool) -> J {
    let id = i.image_id().unwrap_or_default();
    let region = &ctx.clients.region;
    let root_snapshot = i
        .block_device_mappings()
        .iter()
        .find(|m| m.device_name().is_some() && m.device_name() == i.root_device_name())
        .and_then(|m| m.ebs())
        .and_then(|e| e.snapshot_id());
    let devices: Vec<J> = i.block_device_mappings().iter().map(block_device).collect();
    json!({
        "id": id,
        "image_id": id,
        "most_recent": most_recent,
        "include_deprecated": include_deprecated,
        "arn": format!("arn:{}:ec2:{region}::image/{id}", partition(region)),
        "name": opt(i.name()),
        "description": opt(i.description()),
        "architecture": opt(i.architecture().map(|a| a.as_str())),
        "creation_date": opt(i.creation_date()),
        "deprecation_time": opt(i.deprecation_time()),
        "owner_id": opt(i.owner_id()),
        "image_owner_alias": opt(i.image_owner_alias()),
        "image_location": opt(i.image_location()),
        "image_type": opt(i.image_type().map(|t| t.as_str())),
        "state": opt(i.state().map(|s| s.as_str())),
        "public": i.public().unwrap_or(false),
        "root_device_name": opt(i.root_device_name()),
        "root_device_type": opt(i.root_device_type().map(|t| t.as_str())),
        "root_snapshot_id": opt(root_snapshot),
        "block_device_mappings": devices,
        "virtualization_type": opt(i.virtualization_type().map(|t| t.as_str())),
        "hypervisor": opt(i.hypervisor().map(|h| h.as_str())),
        "ena_support": i.ena_support().unwrap_or(false),
        "sriov_net_support": opt(i.sriov_net_support()),
        "boot_mode": opt(i.boot_mode().map(|b| b.as_str())),
        "platform": opt(i.platform().map(|p| p.as_str())),
        "platform_details": opt(i.platform_details()),
        "usage_operation": opt(i.usage_operation()),
        "kernel_id": opt(i.kernel_id()),
        "ramdisk_id": opt(i.ramdisk_id()),
        "tpm_support": opt(i.tpm_support().map(|t| t.as_str())),
        "imds_support": opt(i.imds_support().map(|t| t.as_str())),
        "tags": tag_map(i.tags()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(id: &str, created: &str) -> Image {
        Image::builder().image_id(id).creation_date(created).build()
    }

    #[test]
    fn picking_follows_terraform() {
        let detail = |e: Error| match e {
            Error::Invalid(d) => d.0[0].detail.clone(),
            e => panic!("{e}"),
        };
        let e = pick(vec![], true).unwrap_err();
        assert!(detail(e).contains("Your query returned no results"));
        let two = vec![
            image("ami-b", "2024-01-01T00:00:00.000Z"),
            image("ami-a", "2025-01-01T00:00:00.000Z"),
        ];
        let e = pick(two.clone(), false).unwrap_err();
        assert!(detail(e).contains("more than one result"));
        assert_eq!(pick(two, true).unwrap().image_id(), Some("ami-a"));
        let tie = vec![image("ami-1", "x"), image("ami-2", "x")];
        assert_eq!(pick(tie, true).unwrap().image_id(), Some("ami-2"));
        assert_eq!(
            pick(vec![image("ami-1", "x")], false).unwrap().image_id(),
            Some("ami-1")
        );
    }
}
