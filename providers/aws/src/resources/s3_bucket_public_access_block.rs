//! `aws_s3_bucket_public_access_block`: a bucket's block on public ACLs and policies.
//!
//! ```hcl
//! resource "aws_s3_bucket_public_access_block" "docs" {
//!   bucket                  = aws_s3_bucket.docs.id
//!   block_public_acls       = true
//!   block_public_policy     = true
//!   ignore_public_acls      = true
//!   restrict_public_buckets = true
//! }
//! ```
//!
//! Arguments: `bucket` (required), `block_public_acls`, `block_public_policy`,
//! `ignore_public_acls`, `restrict_public_buckets` (each `false` by default). Computed: `id` (the
//! bucket name).
//!
//! Replacement: a change to `bucket`. The four flags change in place.
//!
//! Import: by bucket name, `infra import aws_s3_bucket_public_access_block.docs acme-prod-docs`.
//!
//! Delete removes the block. Idempotency: PutPublicAccessBlock sets the whole configuration, so a
//! repeated create is harmless.

use async_trait::async_trait;
use aws_sdk_s3::types::PublicAccessBlockConfiguration;
use infra_core::{Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, ResourceSchema};
use serde_json::{json, Value as J};

use super::computed_s;
use crate::error::{Error, Result};
use crate::framework::{AwsResource, Ctx};
use crate::s3::is_gone;
use crate::values::{bool_at, req_str};

pub(crate) struct S3BucketPublicAccessBlock;

const FLAGS: [&str; 4] = [
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];

#[async_trait]
impl AwsResource for S3BucketPublicAccessBlock {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_public_access_block"
    }

    fn schema(&self) -> ResourceSchema {
        let mut block = BlockSchema::default().attr("id", computed_s()).attr(
            "bucket",
            AttributeSchema::required(Type::String).force_new(),
        );
        for f in FLAGS {
            block = block.attr(f, AttributeSchema::optional_computed(Type::Bool));
        }
        ResourceSchema { version: 0, block }
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        FLAGS.iter().map(|f| (*f, Value::Bool(false))).collect()
    }

    async fn create(&self, ctx: &Ctx, planned: &J, _intent: Option<&str>) -> Result<J> {
        let bucket = req_str(planned, "bucket")?;
        put(ctx, bucket, planned).await?;
        read(ctx, bucket)
            .await?
            .ok_or_else(|| Error::bug("The public access block disappeared."))
    }

    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J> {
        let bucket = req_str(prior, "id")?;
        put(ctx, bucket, planned).await?;
        read(ctx, bucket)
            .await?
            .ok_or_else(|| Error::bug("The public access block disappeared."))
    }

    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()> {
        ctx.s3()
            .delete_public_access_block()
            .bucket(req_str(prior, "id")?)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| Error::sdk("DeletePublicAccessBlock", e))
    }

    async fn read(&self, ctx: &Ctx, prior: &J) -> Result<Option<J>> {
        read(ctx, req_str(prior, "id")?).await
    }
}

async fn put(ctx: &Ctx, bucket: &str, planned: &J) -> Result<()> {
    let flag = |f| Some(bool_at(planned, f).unwrap_or(false));
    let config = PublicAccessBlockConfiguration::builder()
        .set_block_public_acls(flag("block_public_acls"))
        .set_block_public_policy(flag("block_public_policy"))
        .set_ignore_public_acls(flag("ignore_public_acls"))
        .set_restrict_public_buckets(flag("restrict_public_buckets"))
        .build();
    ctx.s3()
        .put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(config)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| Error::sdk("PutPublicAccessBlock", e))
}

async fn read(ctx: &Ctx, bucket: &str) -> Result<Option<J>> {
    let out = match ctx
        .s3()
        .get_public_access_block()
        .bucket(bucket)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => match Error::sdk("GetPublicAccessBlock", e) {
            e if is_gone(&e, "NoSuchPublicAccessBlockConfiguration") => return Ok(None),
            e => return Err(e),
        },
    };
    let c = out.public_access_block_configuration();
    let get =
        |f: fn(&PublicAccessBlockConfiguration) -> Option<bool>| c.and_then(f).unwrap_or(false);
    Ok(Some(json!({
        "id": bucket,
        "bucket": bucket,
        "block_public_acls": get(PublicAccessBlockConfiguration::block_public_acls),
        "block_public_policy": get(PublicAccessBlockConfiguration::block_public_policy),
        "ignore_public_acls": get(PublicAccessBlockConfiguration::ignore_public_acls),
        "restrict_public_buckets": get(PublicAccessBlockConfiguration::restrict_public_buckets),
    })))
}
