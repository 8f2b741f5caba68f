//! `aws_s3_bucket`: an S3 general purpose bucket.
//!
//! ```hcl
//! resource "aws_s3_bucket" "docs" {
//!   bucket        = "acme-prod-docs"
//!   force_destroy = false
//!   tags = { Name = "docs" }
//! }
//! ```
//!
//! Arguments: `bucket` (else generated from `bucket_prefix`, else `terraform-…`), `bucket_prefix`,
//! `force_destroy` (`false`: delete the objects and their versions with the bucket), `tags`.
//! Computed: `id` (the bucket name), `arn`, `bucket_domain_name`, `bucket_regional_domain_name`,
//! `region`, `tags_all`. Versioning, encryption and public access are separate resources, as in
//! Terraform 4 and later (the deprecated inline blocks are not supported).
//!
//! Replacement: a change to `bucket` or `bucket_prefix`. Tags change in place; `force_destroy`
//! only changes the state.
//!
//! Import: by bucket name, `infra import aws_s3_bucket.docs acme-prod-docs`.
//!
//! Idempotency: the tags, with `infra:intent`, are given in CreateBucket itself and written again
//! with PutBucketTagging. A bucket of the same name that already exists is adopted only when it
//! carries this create's intent; otherwise the create fails, pointing at import.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, Delete, ObjectIdentifier, Tag,
};
use infra_core::{Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, ResourceSchema};
use serde_json::{json, Value as J};

use super::{computed_s, with_id_and_tags, with_timeouts};
use crate::duration::timeout;
use crate::ec2::partition;
use crate::error::{Error, Result};
use crate::framework::{AwsResource, Created, Ctx};
use crate::retry::{retry_on, wait_for, Backoff};
use crate::s3::{bucket_exists, bucket_tags, put_bucket_tags};
use crate::tags::{state_tags, wanted, INTENT_TAG};
use crate::values::{bool_at, req_str, str_at, unique_suffix};

pub(crate) struct S3Bucket;

const DELETE_TIMEOUT: Duration = Duration::from_secs(300);

#[async_trait]
impl AwsResource for S3Bucket {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket"
    }

    fn schema(&self) -> ResourceSchema {
        let block = BlockSchema::default()
            .attr(
                "bucket",
                AttributeSchema::optional_computed(Type::String).force_new(),
            )
            .attr(
                "bucket_prefix",
                AttributeSchema::optional_computed(Type::String).force_new(),
            )
            .attr(
                "force_destroy",
                AttributeSchema::optional_computed(Type::Bool),
            )
            .attr("arn", computed_s())
            .attr("bucket_domain_name", computed_s())
            .attr("bucket_regional_domain_name", computed_s())
            .attr("region", computed_s());
        ResourceSchema {
            version: 0,
            block: with_timeouts(
                with_id_and_tags(block),
                &["create", "read", "update", "delete"],
            ),
        }
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![("force_destroy", Value::Bool(false))]
    }

    async fn create(&self, ctx: &Ctx, planned: &J, intent: Option<&str>) -> Result<J> {
        let name = match (str_at(planned, "bucket"), str_at(planned, "bucket_prefix")) {
            (Some(b), _) => b.to_string(),
            (None, Some(prefix)) => format!("{prefix}{}", unique_suffix()),
            (None, None) => format!("terraform-{}", unique_suffix()),
        };
        let mut tags = wanted(planned);
        if let Some(i) = intent {
            tags.insert(INTENT_TAG.into(), i.into());
        }
        // CreateBucket succeeds on a bucket the account already owns in us-east-1; look first.
        if bucket_exists(ctx, &name, None).await? {
            let existing = bucket_tags(ctx, &name).await?.unwrap_or_default();
            if intent.is_none() || existing.get(INTENT_TAG).map(String::as_str) != intent {
                return Err(Error::invalid(
                    "Bucket already exists",
                    format!(
                        "A bucket named `{name}` already exists in this account. Bucket names are global: \
                         choose another name, or import the bucket with `infra import` to manage it."
                    ),
                ));
            }
        } else {
            create_bucket(ctx, &name, &tags).await?;
        }
        let finish = async {
            let b = Backoff::within(timeout(planned, "create", Duration::from_secs(120)));
            wait_for(&ctx.stop, b, "the new bucket to become visible", || async {
                Ok(bucket_exists(ctx, &name, None).await?.then_some(()))
            })
            .await?;
            put_bucket_tags(ctx, &name, &tags).await?;
            let mut state = read(ctx, &name, planned)
                .await?
                .ok_or_else(|| Error::bug("The new bucket disappeared."))?;
            state["force_destroy"] = json!(bool_at(planned, "force_destroy").unwrap_or(false));
            state["bucket_prefix"] = planned.get("bucket_prefix").cloned().unwrap_or(J::Null);
            Ok(state)
        };
        finish.await.map_err(Error::after_create(&name))
    }

    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J> {
        let name = req_str(prior, "id")?;
        if wanted(prior) != wanted(planned) {
            let mut tags = wanted(planned);
            let have = bucket_tags(ctx, name).await?.unwrap_or_default();
            if let Some(i) = have.get(INTENT_TAG) {
                tags.insert(INTENT_TAG.into(), i.clone());
            }
            put_bucket_tags(ctx, name, &tags).await?;
        }
        read(ctx, name, planned)
            .await?
            .ok_or_else(|| Error::bug("The bucket disappeared during update."))
    }

    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()> {
        let name = req_str(prior, "id")?;
        if bool_at(prior, "force_destroy") == Some(true) {
            empty_bucket(ctx, name).await?;
        }
        let b = Backoff::within(timeout(prior, "delete", DELETE_TIMEOUT));
        // OperationAborted: another change to the bucket is still in progress.
        retry_on(
            &ctx.stop,
            b,
            "deleting the bucket",
            |e| e.code() == Some("OperationAborted"),
            || async {
                ctx.s3()
                    .delete_bucket()
                    .bucket(name)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| Error::sdk("DeleteBucket", e))
            },
        )
        .await
    }

    async fn read(&self, ctx: &Ctx, prior: &J) -> Result<Option<J>> {
        read(ctx, req_str(prior, "id")?, prior).await
    }

    async fn find_created(&self, ctx: &Ctx, q: &Created<'_>) -> Result<Option<J>> {
        match str_at(&q.planned, "bucket") {
            Some(name) => find_planned(ctx, name, q).await,
            None => self.find_by_intent(ctx, q.marker).await,
        }
    }

    async fn find_by_intent(&self, ctx: &Ctx, marker: &str) -> Result<Option<J>> {
        let out = ctx
            .s3()
            .list_buckets()
            .send()
            .await
            .map_err(|e| Error::sdk("ListBuckets", e))?;
        for b in out.buckets() {
            let Some(name) = b.name() else { continue };
            // Buckets in other regions or of other owners answer with errors: not ours.
            let Ok(Some(tags)) = bucket_tags(ctx, name).await else {
                continue;
            };
            if tags.get(INTENT_TAG).map(String::as_str) == Some(marker) {
                return read(ctx, name, &J::Null).await;
            }
        }
        Ok(None)
    }
}

/// How far the emulator's or AWS's clock may be behind ours when comparing a bucket's creation
/// date with the instant an intent was recorded.
const CLOCK_SLACK: Duration = Duration::from_secs(300);

/// The bucket an interrupted create made: the planned bucket, if it carries the create's intent
/// tag, or if it carries no tags at all and was created after the intent was recorded (killed
/// between CreateBucket and PutBucketTagging: CreateBucket carries the tags, but not every S3
/// implementation keeps them). Any other bucket of that name is not adopted.
async fn find_planned(ctx: &Ctx, name: &str, q: &Created<'_>) -> Result<Option<J>> {
    let listed = ctx
        .s3()
        .list_buckets()
        .send()
        .await
        .map_err(|e| Error::sdk("ListBuckets", e))?;
    let Some(bucket) = listed.buckets().iter().find(|b| b.name() == Some(name)) else {
        return Ok(None);
    };
    let ours = match bucket_tags(ctx, name).await? {
        None => false,
        Some(tags) if tags.is_empty() => {
            let since = q
                .recorded_at
                .checked_sub(CLOCK_SLACK)
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs() as i64);
            bucket.creation_date().is_some_and(|c| c.secs() >= since)
        }
        Some(tags) => tags.get(INTENT_TAG).map(String::as_str) == Some(q.marker),
    };
    if ours {
        read(ctx, name, &q.planned).await
    } else {
        Ok(None)
    }
}

async fn create_bucket(ctx: &Ctx, name: &str, tags: &BTreeMap<String, String>) -> Result<()> {
    let region = ctx.clients.region.as_str();
    let tag_set = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::bug(format!("Could not build a bucket tag: {e}.")))?;
    let location = (region != "us-east-1").then(|| BucketLocationConstraint::from(region));
    let config = (location.is_some() || !tag_set.is_empty()).then(|| {
        CreateBucketConfiguration::builder()
            .set_location_constraint(location)
            .set_tags((!tag_set.is_empty()).then_some(tag_set))
            .build()
    });
    ctx.s3()
        .create_bucket()
        .bucket(name)
        .set_create_bucket_configuration(config)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| Error::sdk("CreateBucket", e))
}

/// Deletes every object version and delete marker (`force_destroy`).
async fn empty_bucket(ctx: &Ctx, name: &str) -> Result<()> {
    loop {
        let out = ctx
            .s3()
            .list_object_versions()
            .bucket(name)
            .send()
            .await
            .map_err(|e| Error::sdk("ListObjectVersions", e))?;
        let ids: Vec<ObjectIdentifier> = out
            .versions()
            .iter()
            .map(|v| (v.key(), v.version_id()))
            .chain(
                out.delete_markers()
                    .iter()
                    .map(|m| (m.key(), m.version_id())),
            )
            .filter_map(|(k, v)| {
                ObjectIdentifier::builder()
                    .set_key(k.map(str::to_string))
                    .set_version_id(v.map(str::to_string))
                    .build()
                    .ok()
            })
            .collect();
        if ids.is_empty() {
            return Ok(());
        }
        let delete = Delete::builder()
            .set_objects(Some(ids))
            .quiet(true)
            .build()
            .map_err(|e| Error::bug(format!("Could not build a delete request: {e}.")))?;
        ctx.s3()
            .delete_objects()
            .bucket(name)
            .delete(delete)
            .send()
            .await
            .map_err(|e| Error::sdk("DeleteObjects", e))?;
    }
}

async fn read(ctx: &Ctx, name: &str, prior: &J) -> Result<Option<J>> {
    let region = match ctx.s3().head_bucket().bucket(name).send().await {
        Ok(out) => out
            .bucket_region()
            .unwrap_or(&ctx.clients.region)
            .to_string(),
        Err(e) => match Error::sdk("HeadBucket", e) {
            e if e.is_not_found() => return Ok(None),
            e => return Err(e),
        },
    };
    let Some(actual) = bucket_tags(ctx, name).await? else {
        return Ok(None);
    };
    let (tags, tags_all) = state_tags(&actual, &ctx.clients.default_tags, prior);
    Ok(Some(json!({
        "id": name,
        "bucket": name,
        "bucket_prefix": prior.get("bucket_prefix").cloned().unwrap_or(J::Null),
        "force_destroy": bool_at(prior, "force_destroy").unwrap_or(false),
        "arn": format!("arn:{}:s3:::{name}", partition(&region)),
        "bucket_domain_name": format!("{name}.s3.amazonaws.com"),
        "bucket_regional_domain_name": format!("{name}.s3.{region}.amazonaws.com"),
        "region": region,
        "tags": tags,
        "tags_all": tags_all,
    })))
}
