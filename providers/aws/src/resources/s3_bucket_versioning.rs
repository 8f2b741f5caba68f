//! `aws_s3_bucket_versioning`: the versioning state of a bucket.
//!
//! ```hcl
//! resource "aws_s3_bucket_versioning" "docs" {
//!   bucket = aws_s3_bucket.docs.id
//!   versioning_configuration {
//!     status = "Enabled"
//!   }
//! }
//! ```
//!
//! Arguments: `bucket` (required), `expected_bucket_owner`, `mfa` (the MFA device serial and
//! code, needed to change `mfa_delete`), one `versioning_configuration` block with `status`
//! (`Enabled`, `Suspended`, or `Disabled` for a bucket that was never versioned) and `mfa_delete`
//! (`Enabled` or `Disabled`). Computed: `id` (`BUCKET` or `BUCKET,EXPECTED_BUCKET_OWNER`).
//!
//! Replacement: a change to `bucket` or `expected_bucket_owner`. The configuration changes in
//! place.
//!
//! Import: `BUCKET` or `BUCKET,EXPECTED_BUCKET_OWNER`,
//! `infra import aws_s3_bucket_versioning.docs acme-prod-docs`.
//!
//! Delete suspends versioning when it is enabled (a bucket cannot go back to unversioned), as
//! Terraform does. Idempotency: PutBucketVersioning sets the whole state, so a repeated create is
//! harmless; there is no tag to carry an intent marker.

use async_trait::async_trait;
use aws_sdk_s3::types::{
    BucketVersioningStatus, MfaDelete, MfaDeleteStatus, VersioningConfiguration,
};
use infra_core::Type;
use infra_provider::{AttributeSchema, BlockSchema, Nesting, ResourceSchema};
use serde_json::{json, Value as J};

use super::{computed_s, nested, s};
use crate::error::{Error, Result};
use crate::framework::{AwsResource, Ctx};
use crate::s3::{config_id, config_ids, is_gone};
use crate::values::{blocks_at, req_str, str_at};

pub(crate) struct S3BucketVersioning;

#[async_trait]
impl AwsResource for S3BucketVersioning {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_versioning"
    }

    fn schema(&self) -> ResourceSchema {
        let config = BlockSchema::default()
            .attr("status", AttributeSchema::required(Type::String))
            .attr("mfa_delete", s());
        let block = BlockSchema::default()
            .attr("id", computed_s())
            .attr(
                "bucket",
                AttributeSchema::required(Type::String).force_new(),
            )
            .attr(
                "expected_bucket_owner",
                AttributeSchema::optional(Type::String).force_new(),
            )
            .attr("mfa", s().sensitive())
            .block(
                "versioning_configuration",
                nested(Nesting::List, config, 1, 1),
            );
        ResourceSchema { version: 0, block }
    }

    async fn create(&self, ctx: &Ctx, planned: &J, _intent: Option<&str>) -> Result<J> {
        let id = config_id(planned)?;
        put(ctx, planned, None).await?;
        read(ctx, &id, planned)
            .await?
            .ok_or_else(|| Error::bug("The bucket disappeared while versioning was set."))
    }

    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J> {
        put(ctx, planned, Some(prior)).await?;
        read(ctx, req_str(prior, "id")?, planned)
            .await?
            .ok_or_else(|| Error::bug("The bucket disappeared during update."))
    }

    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()> {
        if status_of(prior) != Some("Enabled") {
            return Ok(());
        }
        let suspended = json!({
            "bucket": prior["bucket"],
            "expected_bucket_owner": prior["expected_bucket_owner"],
            "versioning_configuration": [{"status": "Suspended", "mfa_delete": null}],
        });
        put(ctx, &suspended, None).await
    }

    async fn read(&self, ctx: &Ctx, prior: &J) -> Result<Option<J>> {
        read(ctx, req_str(prior, "id")?, prior).await
    }
}

fn status_of(v: &J) -> Option<&str> {
    blocks_at(v, "versioning_configuration")
        .first()
        .and_then(|c| str_at(c, "status"))
}

async fn put(ctx: &Ctx, planned: &J, prior: Option<&J>) -> Result<()> {
    let Some(cfg) = blocks_at(planned, "versioning_configuration").first() else {
        return Ok(());
    };
    let status = str_at(cfg, "status").unwrap_or("Disabled");
    if status == "Disabled" {
        // Only a never-versioned bucket is "Disabled"; there is nothing to send.
        if prior.and_then(status_of).is_none_or(|s| s == "Disabled") {
            return Ok(());
        }
        return Err(Error::invalid(
            "Invalid versioning status",
            "A bucket whose versioning was ever enabled cannot go back to `Disabled`; use `Suspended`.",
        ));
    }
    let mut config =
        VersioningConfiguration::builder().status(BucketVersioningStatus::from(status));
    if let Some(m) = str_at(cfg, "mfa_delete") {
        config = config.mfa_delete(MfaDelete::from(m));
    }
    ctx.s3()
        .put_bucket_versioning()
        .bucket(req_str(planned, "bucket")?)
        .set_expected_bucket_owner(str_at(planned, "expected_bucket_owner").map(str::to_string))
        .set_mfa(str_at(planned, "mfa").map(str::to_string))
        .versioning_configuration(config.build())
        .send()
        .await
        .map(|_| ())
        .map_err(|e| Error::sdk("PutBucketVersioning", e))
}

async fn read(ctx: &Ctx, id: &str, prior: &J) -> Result<Option<J>> {
    let (id, bucket, owner) = config_ids(id)?;
    let out = match ctx
        .s3()
        .get_bucket_versioning()
        .bucket(&bucket)
        .set_expected_bucket_owner(owner.clone())
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => match Error::sdk("GetBucketVersioning", e) {
            e if is_gone(&e, "NoSuchBucket") => return Ok(None),
            e => return Err(e),
        },
    };
    let status = out
        .status()
        .map_or("Disabled", BucketVersioningStatus::as_str);
    // AWS reports mfa_delete only once it was set; "Disabled" and unset read back alike.
    let prior_mfa = blocks_at(prior, "versioning_configuration")
        .first()
        .and_then(|c| str_at(c, "mfa_delete"));
    let mfa_delete = match (out.mfa_delete(), prior_mfa) {
        (Some(MfaDeleteStatus::Enabled), _) => Some("Enabled"),
        (_, Some("Disabled")) => Some("Disabled"),
        _ => None,
    };
    Ok(Some(json!({
        "id": id,
        "bucket": bucket,
        "expected_bucket_owner": owner,
        "mfa": prior.get("mfa").cloned().unwrap_or(J::Null),
        "versioning_configuration": [{"status": status, "mfa_delete": mfa_delete}],
    })))
}
