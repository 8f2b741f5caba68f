//! What the S3 resources share: bucket tagging (with the `infra:intent` tag), bucket existence,
//! the `BUCKET[,EXPECTED_OWNER]` ids of the bucket configuration resources, and the S3 error
//! codes that mean "gone".

use std::collections::BTreeMap;

use aws_sdk_s3::types::{Tag, Tagging};
use serde_json::Value as J;

use crate::error::{Error, Result};
use crate::framework::Ctx;
use crate::values::{req_str, str_at};

/// Whether an S3 error means the bucket (or the configuration asked for) does not exist.
pub(crate) fn is_gone(e: &Error, config_missing_code: &str) -> bool {
    e.is_not_found() || e.code() == Some(config_missing_code)
}

/// Whether the bucket exists (and is visible to these credentials).
pub(crate) async fn bucket_exists(ctx: &Ctx, bucket: &str, owner: Option<&str>) -> Result<bool> {
    match ctx
        .s3()
        .head_bucket()
        .bucket(bucket)
        .set_expected_bucket_owner(owner.map(str::to_string))
        .send()
        .await
    {
        Ok(_) => Ok(true),
        Err(e) => match Error::sdk("HeadBucket", e) {
            e if e.is_not_found() => Ok(false),
            e => Err(e),
        },
    }
}

/// The bucket's tags, with the intent tag; `None` when the bucket is gone.
pub(crate) async fn bucket_tags(
    ctx: &Ctx,
    bucket: &str,
) -> Result<Option<BTreeMap<String, String>>> {
    match ctx.s3().get_bucket_tagging().bucket(bucket).send().await {
        Ok(out) => Ok(Some(
            out.tag_set()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect(),
        )),
        Err(e) => match Error::sdk("GetBucketTagging", e) {
            e if e.code() == Some("NoSuchTagSet") => Ok(Some(BTreeMap::new())),
            e if e.is_not_found() => Ok(None),
            e => Err(e),
        },
    }
}

/// Replaces the bucket's tags (S3 tagging is all or nothing).
pub(crate) async fn put_bucket_tags(
    ctx: &Ctx,
    bucket: &str,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    if tags.is_empty() {
        return ctx
            .s3()
            .delete_bucket_tagging()
            .bucket(bucket)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| Error::sdk("DeleteBucketTagging", e));
    }
    let set = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::bug(format!("Could not build a bucket tag: {e}.")))?;
    let tagging = Tagging::builder()
        .set_tag_set(Some(set))
        .build()
        .map_err(|e| Error::bug(format!("Could not build bucket tagging: {e}.")))?;
    ctx.s3()
        .put_bucket_tagging()
        .bucket(bucket)
        .tagging(tagging)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| Error::sdk("PutBucketTagging", e))
}

/// The id of a bucket configuration resource: `BUCKET`, or `BUCKET,EXPECTED_OWNER`.
pub(crate) fn config_id(planned: &J) -> Result<String> {
    let bucket = req_str(planned, "bucket")?;
    Ok(match str_at(planned, "expected_bucket_owner") {
        Some(owner) if !owner.is_empty() => format!("{bucket},{owner}"),
        _ => bucket.to_string(),
    })
}

/// The bucket and expected owner of a configuration resource's id.
pub(crate) fn parse_config_id(id: &str) -> Result<(&str, Option<&str>)> {
    let (bucket, owner) = match id.split_once(',') {
        Some((b, o)) => (b, Some(o)),
        None => (id, None),
    };
    if bucket.is_empty()
        || owner.is_some_and(str::is_empty)
        || owner.is_some_and(|o| o.contains(','))
    {
        return Err(Error::invalid(
            "Invalid import id",
            format!("The id {id:?} is not a bucket configuration id: expected BUCKET or BUCKET,EXPECTED_BUCKET_OWNER."),
        ));
    }
    Ok((bucket, owner))
}

/// The `id`, `bucket` and `expected_bucket_owner` of a configuration resource.
pub(crate) fn config_ids(id: &str) -> Result<(String, String, Option<String>)> {
    let (bucket, owner) = parse_config_id(id)?;
    Ok((
        id.to_string(),
        bucket.to_string(),
        owner.map(str::to_string),
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn config_ids_round_trip() {
        assert_eq!(config_id(&json!({"bucket": "b"})).unwrap(), "b");
        assert_eq!(
            config_id(&json!({"bucket": "b", "expected_bucket_owner": "123"})).unwrap(),
            "b,123"
        );
        assert_eq!(parse_config_id("b,123").unwrap(), ("b", Some("123")));
        assert_eq!(parse_config_id("b").unwrap(), ("b", None));
        assert!(parse_config_id(",1").is_err());
        assert!(parse_config_id("b,").is_err());
    }
}
