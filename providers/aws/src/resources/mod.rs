//! The resource types, one file each, and the schema pieces they share.

mod eip;
mod instance;
mod internet_gateway;
mod route;
mod route_table;
mod route_table_association;
mod s3_bucket;
mod s3_bucket_lifecycle_configuration;
mod s3_bucket_public_access_block;
mod s3_bucket_server_side_encryption_configuration;
mod s3_bucket_versioning;
mod s3_lifecycle_rules;
mod s3_object;
mod security_group;
mod security_group_rules;
mod subnet;
pub(crate) mod vpc;
mod vpc_security_group_egress_rule;
mod vpc_security_group_ingress_rule;
mod vpc_security_group_rule;

use infra_core::Type;
use infra_provider::{AttributeSchema, BlockSchema, BlockTypeSchema, Nesting};

use crate::framework::AwsResource;

/// Every resource type of the provider.
pub(crate) fn all() -> Vec<Box<dyn AwsResource>> {
    vec![
        Box::new(vpc::Vpc),
        Box::new(subnet::Subnet),
        Box::new(internet_gateway::InternetGateway),
        Box::new(route_table::RouteTable),
        Box::new(route_table_association::RouteTableAssociation),
        Box::new(security_group::SecurityGroup),
        Box::new(instance::Ec2Instance),
        Box::new(vpc_security_group_ingress_rule::resource()),
        Box::new(vpc_security_group_egress_rule::resource()),
        Box::new(route::Route),
        Box::new(eip::Eip),
        Box::new(s3_bucket::S3Bucket),
        Box::new(s3_bucket_versioning::S3BucketVersioning),
        Box::new(s3_bucket_server_side_encryption_configuration::S3BucketSse),
        Box::new(s3_bucket_public_access_block::S3BucketPublicAccessBlock),
        Box::new(s3_bucket_lifecycle_configuration::S3BucketLifecycle),
        Box::new(s3_object::S3Object),
    ]
}

/// `id`, `tags` and `tags_all`.
pub(crate) fn with_id_and_tags(b: BlockSchema) -> BlockSchema {
    b.attr("id", AttributeSchema::computed(Type::String))
        .attr(
            "tags",
            AttributeSchema::optional(Type::map(Type::String)).describe("Tags for the object."),
        )
        .attr(
            "tags_all",
            AttributeSchema::computed(Type::map(Type::String))
                .describe("Every tag of the object, including the provider's default_tags."),
        )
}

/// A `timeouts` block with the given operations (`create = "10m"`).
pub(crate) fn with_timeouts(b: BlockSchema, ops: &[&str]) -> BlockSchema {
    let mut t = BlockSchema::default();
    for op in ops {
        t = t.attr(op, AttributeSchema::optional(Type::String));
    }
    b.block(
        "timeouts",
        BlockTypeSchema {
            nesting: Nesting::Single,
            block: t,
            min_items: 0,
            max_items: 0,
            force_new: false,
        },
    )
}

/// A repeated nested block.
pub(crate) fn nested(
    nesting: Nesting,
    block: BlockSchema,
    min_items: usize,
    max_items: usize,
) -> BlockTypeSchema {
    BlockTypeSchema {
        nesting,
        block,
        min_items,
        max_items,
        force_new: false,
    }
}

pub(crate) fn s() -> AttributeSchema {
    AttributeSchema::optional(Type::String)
}

pub(crate) fn computed_s() -> AttributeSchema {
    AttributeSchema::computed(Type::String)
}
