//! `aws_s3_bucket_server_side_encryption_configuration`: a bucket's default encryption.
//!
//! ```hcl
//! resource "aws_s3_bucket_server_side_encryption_configuration" "docs" {
//!   bucket = aws_s3_bucket.docs.id
//!   rule {
//!     apply_server_side_encryption_by_default {
//!       sse_algorithm     = "aws:kms"
//!       kms_master_key_id = aws_kms_key.docs.arn
//!     }
//!     bucket_key_enabled = true
//!   }
//! }
//! ```
//!
//! Arguments: `bucket` (required), `expected_bucket_owner`, one or more `rule` blocks with
//! `bucket_key_enabled` (`false`) and at most one `apply_server_side_encryption_by_default` block
//! (`sse_algorithm`: `AES256`, `aws:kms` or `aws:kms:dsse`; `kms_master_key_id`). Computed: `id`
//! (`BUCKET` or `BUCKET,EXPECTED_BUCKET_OWNER`).
//!
//! Replacement: a change to `bucket` or `expected_bucket_owner`. Rules change in place.
//!
//! Import: `BUCKET` or `BUCKET,EXPECTED_BUCKET_OWNER`.
//!
//! Delete removes the configuration (AWS then applies its default, SSE-S3). Idempotency:
//! PutBucketEncryption sets the whole configuration, so a repeated create is harmless.

use async_trait::async_trait;
use aws_sdk_s3::types::{
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
    ServerSideEncryptionRule,
};
use infra_core::{Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, Nesting, ResourceSchema};
use serde_json::{json, Value as J};

use super::{computed_s, nested, s};
use crate::error::{Error, Result};
use crate::framework::{Attrs, AwsResource, Ctx};
use crate::s3::{config_id, config_ids, is_gone};
use crate::values::{blocks_at, bool_at, req_str, str_at};

pub(crate) struct S3BucketSse;

const MISSING: &str = "ServerSideEncryptionConfigurationNotFoundError";

fn rule_schema() -> BlockSchema {
    let by_default = BlockSchema::default()
        .attr("sse_algorithm", AttributeSchema::required(Type::String))
        .attr("kms_master_key_id", s());
    BlockSchema::default()
        .attr("bucket_key_enabled", AttributeSchema::optional(Type::Bool))
        .block(
            "apply_server_side_encryption_by_default",
            nested(Nesting::List, by_default, 0, 1),
        )
}

#[async_trait]
impl AwsResource for S3BucketSse {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_server_side_encryption_configuration"
    }

    fn schema(&self) -> ResourceSchema {
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
            .block("rule", nested(Nesting::Set, rule_schema(), 1, 0));
        ResourceSchema { version: 0, block }
    }

    fn adjust_plan(&self, proposed: &mut Attrs, _prior: Option<&Attrs>, _config: &Attrs) {
        // An unset bucket_key_enabled reads back as false.
        let Some(rules) = proposed.get("rule").filter(|v| v.is_wholly_known()) else {
            return;
        };
        let mut j = rules.to_json();
        for r in j.as_array_mut().into_iter().flatten() {
            if r.get("bucket_key_enabled").is_none_or(J::is_null) {
                r["bucket_key_enabled"] = J::Bool(false);
            }
        }
        if let Some(v) = Value::from_json(&j, &Type::set(rule_schema().value_type())) {
            proposed.insert("rule".into(), v);
        }
    }

    async fn create(&self, ctx: &Ctx, planned: &J, _intent: Option<&str>) -> Result<J> {
        put(ctx, planned).await?;
        read(ctx, &config_id(planned)?)
            .await?
            .ok_or_else(|| Error::bug("The encryption configuration disappeared."))
    }

    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J> {
        put(ctx, planned).await?;
        read(ctx, req_str(prior, "id")?)
            .await?
            .ok_or_else(|| Error::bug("The encryption configuration disappeared."))
    }

    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()> {
        let (_, bucket, owner) = config_ids(req_str(prior, "id")?)?;
        ctx.s3()
            .delete_bucket_encryption()
            .bucket(bucket)
            .set_expected_bucket_owner(owner)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| Error::sdk("DeleteBucketEncryption", e))
    }

    async fn read(&self, ctx: &Ctx, prior: &J) -> Result<Option<J>> {
        read(ctx, req_str(prior, "id")?).await
    }
}

async fn put(ctx: &Ctx, planned: &J) -> Result<()> {
    let mut rules = Vec::new();
    for r in blocks_at(planned, "rule") {
        let by_default = match blocks_at(r, "apply_server_side_encryption_by_default").first() {
            Some(d) => Some(
                ServerSideEncryptionByDefault::builder()
                    .sse_algorithm(ServerSideEncryption::from(req_str(d, "sse_algorithm")?))
                    .set_kms_master_key_id(str_at(d, "kms_master_key_id").map(str::to_string))
                    .build()
                    .map_err(|e| Error::bug(format!("Could not build an encryption rule: {e}.")))?,
            ),
            None => None,
        };
        rules.push(
            ServerSideEncryptionRule::builder()
                .set_apply_server_side_encryption_by_default(by_default)
                .set_bucket_key_enabled(bool_at(r, "bucket_key_enabled"))
                .build(),
        );
    }
    let config = ServerSideEncryptionConfiguration::builder()
        .set_rules(Some(rules))
        .build()
        .map_err(|e| Error::bug(format!("Could not build an encryption configuration: {e}.")))?;
    ctx.s3()
        .put_bucket_encryption()
        .bucket(req_str(planned, "bucket")?)
        .set_expected_bucket_owner(str_at(planned, "expected_bucket_owner").map(str::to_string))
        .server_side_encryption_configuration(config)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| Error::sdk("PutBucketEncryption", e))
}

async fn read(ctx: &Ctx, id: &str) -> Result<Option<J>> {
    let (id, bucket, owner) = config_ids(id)?;
    let out = match ctx
        .s3()
        .get_bucket_encryption()
        .bucket(&bucket)
        .set_expected_bucket_owner(owner.clone())
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => match Error::sdk("GetBucketEncryption", e) {
            e if is_gone(&e, MISSING) => return Ok(None),
            e => return Err(e),
        },
    };
    let rules: Vec<J> = out
        .server_side_encryption_configuration()
        .map(|c| c.rules())
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let by_default: Vec<J> = r
                .apply_server_side_encryption_by_default()
                .map(|d| json!({"sse_algorithm": d.sse_algorithm().as_str(), "kms_master_key_id": d.kms_master_key_id()}))
                .into_iter()
                .collect();
            json!({
                "bucket_key_enabled": r.bucket_key_enabled().unwrap_or(false),
                "apply_server_side_encryption_by_default": by_default,
            })
        })
        .collect();
    if rules.is_empty() {
        return Ok(None);
    }
    Ok(Some(json!({
        "id": id,
        "bucket": bucket,
        "expected_bucket_owner": owner,
        "rule": rules,
    })))
}
