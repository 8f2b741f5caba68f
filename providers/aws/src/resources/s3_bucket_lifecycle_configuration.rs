//! `aws_s3_bucket_lifecycle_configuration`: the lifecycle rules of a bucket (expiration and
//! storage class transitions of its objects).
//!
//! ```hcl
//! resource "aws_s3_bucket_lifecycle_configuration" "logs" {
//!   bucket = aws_s3_bucket.logs.id
//!   rule {
//!     id     = "archive"
//!     status = "Enabled"
//!     filter {
//!       prefix = "logs/"
//!     }
//!     transition {
//!       days          = 30
//!       storage_class = "STANDARD_IA"
//!     }
//!     expiration {
//!       days = 365
//!     }
//!   }
//! }
//! ```
//!
//! Arguments: `bucket` (required), `expected_bucket_owner`, `transition_default_minimum_object_size`
//! (optional, computed: `all_storage_classes_128K` or `varies_by_storage_class`), and one or more
//! `rule` blocks, in order, each with `id` and `status` (`Enabled` or `Disabled`), the deprecated
//! `prefix`, and the blocks
//! - `filter` (at most one): `prefix`, `object_size_greater_than`, `object_size_less_than`, a
//!   `tag { key, value }` block, or an `and { prefix, object_size_greater_than,
//!   object_size_less_than, tags }` block. Leave `filter` out, or write `filter {}`, for a rule
//!   that applies to every object;
//! - `expiration` (at most one): `days`, `date` (`2030-01-01` or RFC 3339 at midnight UTC),
//!   `expired_object_delete_marker`;
//! - `noncurrent_version_expiration` (at most one): `noncurrent_days`, `newer_noncurrent_versions`;
//! - `transition` (a set): `days` or `date`, and `storage_class`;
//! - `noncurrent_version_transition` (a set): `noncurrent_days`, `newer_noncurrent_versions`,
//!   `storage_class`;
//! - `abort_incomplete_multipart_upload` (at most one): `days_after_initiation`.
//!
//! Computed: `id` (`BUCKET` or `BUCKET,EXPECTED_BUCKET_OWNER`).
//!
//! Replacement: a change to `bucket` or `expected_bucket_owner`. Rules change in place (the whole
//! configuration is put again).
//!
//! Import: `BUCKET` or `BUCKET,EXPECTED_BUCKET_OWNER`,
//! `infra import aws_s3_bucket_lifecycle_configuration.logs acme-prod-logs`.
//!
//! Reading back: the rules are read as AWS has them, so rules changed out of band show as drift,
//! and a bucket without a lifecycle configuration (or without the bucket) reads as gone. What AWS
//! echoes is brought back to the form the configuration used: "every object" (no filter, an empty
//! filter, an empty prefix) reads back as it was written, values AWS leaves out when they are zero
//! or false read back as the configuration had them, and dates read back as written when they
//! name the same day. A plan that only spells the rules another way (`2030-01-01` for the
//! `2030-01-01T00:00:00Z` of an import) changes nothing. The rules' schema and their conversion
//! to and from AWS are in `s3_lifecycle_rules`.
//!
//! Delete removes the whole configuration. Idempotency: PutBucketLifecycleConfiguration sets the
//! whole configuration, so a repeated create is harmless; there is no tag to carry an intent
//! marker, and `find_by_intent` finds nothing.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::types::{BucketLifecycleConfiguration, TransitionDefaultMinimumObjectSize};
use infra_core::{Diagnostic, Diagnostics, Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, Nesting, ResourceSchema};
use serde_json::{json, Value as J};

use super::s3_lifecycle_rules::{build_rule, canonical_rules, parse_date, rule_json, rule_schema};
use super::{computed_s, nested, with_timeouts};
use crate::duration::timeout;
use crate::error::{Error, Result};
use crate::framework::{Attrs, AwsResource, Ctx};
use crate::retry::{wait_for, Backoff};
use crate::s3::{config_id, config_ids, is_gone};
use crate::values::{blocks_at, req_str, str_at};

pub(crate) struct S3BucketLifecycle;

const MISSING: &str = "NoSuchLifecycleConfiguration";
/// Terraform's default create and update timeout for this resource.
const WAIT: Duration = Duration::from_secs(180);

#[async_trait]
impl AwsResource for S3BucketLifecycle {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_lifecycle_configuration"
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
            .attr(
                "transition_default_minimum_object_size",
                AttributeSchema::optional_computed(Type::String),
            )
            .block("rule", nested(Nesting::List, rule_schema(), 1, 0));
        ResourceSchema {
            version: 0,
            block: with_timeouts(block, &["create", "update"]),
        }
    }

    fn adjust_plan(&self, proposed: &mut Attrs, prior: Option<&Attrs>, _config: &Attrs) {
        // Rules that say the same as the state's in another form (an imported `filter {}` for
        // no filter, `2030-01-01` for `2030-01-01T00:00:00Z`) are no change.
        let (Some(new), Some(old)) = (proposed.get("rule"), prior.and_then(|p| p.get("rule")))
        else {
            return;
        };
        if !new.is_wholly_known() {
            return;
        }
        let ty = Type::list(rule_schema().value_type());
        let canon = |v: &Value| Value::from_json(&canonical_rules(v.to_json()), &ty);
        if canon(new).is_some() && canon(new) == canon(old) {
            proposed.insert("rule".into(), old.clone());
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let j = config.to_json();
        for r in blocks_at(&j, "rule") {
            let id = str_at(r, "id").unwrap_or("?");
            if let Some(st) = str_at(r, "status") {
                if st != "Enabled" && st != "Disabled" {
                    diags.push(Diagnostic::error(
                        "Invalid lifecycle rule status",
                        format!(
                            "Rule {id:?}: status must be \"Enabled\" or \"Disabled\", not {st:?}."
                        ),
                    ));
                }
            }
            let dates = blocks_at(r, "expiration")
                .iter()
                .chain(blocks_at(r, "transition"))
                .filter_map(|b| str_at(b, "date"));
            for d in dates {
                if parse_date(d).is_none() {
                    diags.push(Diagnostic::error(
                        "Invalid lifecycle date",
                        format!("Rule {id:?}: {d:?} is not a date: write 2030-01-01 or 2030-01-01T00:00:00Z."),
                    ));
                }
            }
        }
        diags
    }

    async fn create(&self, ctx: &Ctx, planned: &J, _intent: Option<&str>) -> Result<J> {
        put(ctx, planned).await?;
        let id = config_id(planned)?;
        let b = Backoff::within(timeout(planned, "create", WAIT));
        wait_for(
            &ctx.stop,
            b,
            "the lifecycle configuration to become visible",
            || read(ctx, &id, planned),
        )
        .await
    }

    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J> {
        put(ctx, planned).await?;
        let id = req_str(prior, "id")?;
        let rule_ty = Type::list(rule_schema().value_type());
        let rules = |j: &J| Value::from_json(&j["rule"], &rule_ty);
        let b = Backoff::within(timeout(planned, "update", WAIT));
        // Eventual consistency: wait until the new rules (or at least not the old ones) show.
        wait_for(
            &ctx.stop,
            b,
            "the lifecycle configuration to change",
            || async {
                Ok(read(ctx, id, planned)
                    .await?
                    .filter(|s| rules(s) == rules(planned) || rules(s) != rules(prior)))
            },
        )
        .await
    }

    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()> {
        let (_, bucket, owner) = config_ids(req_str(prior, "id")?)?;
        ctx.s3()
            .delete_bucket_lifecycle()
            .bucket(bucket)
            .set_expected_bucket_owner(owner)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| Error::sdk("DeleteBucketLifecycle", e))
    }

    async fn read(&self, ctx: &Ctx, prior: &J) -> Result<Option<J>> {
        read(ctx, req_str(prior, "id")?, prior).await
    }
}

async fn put(ctx: &Ctx, planned: &J) -> Result<()> {
    let rules = blocks_at(planned, "rule")
        .iter()
        .map(build_rule)
        .collect::<Result<Vec<_>>>()?;
    let config = BucketLifecycleConfiguration::builder()
        .set_rules(Some(rules))
        .build()
        .map_err(|e| Error::bug(format!("Could not build a lifecycle configuration: {e}.")))?;
    ctx.s3()
        .put_bucket_lifecycle_configuration()
        .bucket(req_str(planned, "bucket")?)
        .set_expected_bucket_owner(str_at(planned, "expected_bucket_owner").map(str::to_string))
        .set_transition_default_minimum_object_size(
            str_at(planned, "transition_default_minimum_object_size")
                .map(TransitionDefaultMinimumObjectSize::from),
        )
        .lifecycle_configuration(config)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| Error::sdk("PutBucketLifecycleConfiguration", e))
}

async fn read(ctx: &Ctx, id: &str, prior: &J) -> Result<Option<J>> {
    let (id, bucket, owner) = config_ids(id)?;
    let out = match ctx
        .s3()
        .get_bucket_lifecycle_configuration()
        .bucket(&bucket)
        .set_expected_bucket_owner(owner.clone())
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => match Error::sdk("GetBucketLifecycleConfiguration", e) {
            e if is_gone(&e, MISSING) => return Ok(None),
            e => return Err(e),
        },
    };
    if out.rules().is_empty() {
        return Ok(None);
    }
    let prior_rules = blocks_at(prior, "rule");
    let rules: Vec<J> = out
        .rules()
        .iter()
        .map(|r| {
            let p = prior_rules.iter().find(|p| str_at(p, "id") == r.id());
            rule_json(r, p)
        })
        .collect();
    let min_size = out
        .transition_default_minimum_object_size()
        .map(|m| J::String(m.as_str().to_string()))
        .or_else(|| prior.get("transition_default_minimum_object_size").cloned())
        .unwrap_or(J::Null);
    Ok(Some(json!({
        "id": id,
        "bucket": bucket,
        "expected_bucket_owner": owner,
        "transition_default_minimum_object_size": min_size,
        "rule": rules,
    })))
}
