//! `aws_s3_object`: one object in an S3 bucket.
//!
//! ```hcl
//! resource "aws_s3_object" "index" {
//!   bucket        = aws_s3_bucket.site.id
//!   key           = "index.html"
//!   source        = "site/index.html"
//!   source_hash   = filemd5("site/index.html")
//!   content_type  = "text/html"
//!   cache_control = "max-age=300"
//!   metadata      = { owner = "web" }
//!   tags          = { Name = "index" }
//! }
//! ```
//!
//! Arguments: `bucket` and `key` (required); the body, at most one of `content` (text),
//! `content_base64` (binary, base64-encoded) and `source` (a local file whose content is uploaded),
//! with `source_hash` to re-upload when a file changes; `content_type` (optional, computed: unset, it
//! is `application/octet-stream`, the SDK's default), `cache_control`, `content_disposition`, `content_encoding`,
//! `content_language`, `website_redirect`, `metadata` (lowercase keys; sent as `x-amz-meta-*`),
//! `storage_class` and `server_side_encryption` and `kms_key_id` (optional, computed), `acl` (a
//! canned ACL), `etag` (optional, computed: set it, e.g. to `filemd5(…)`, to re-upload when it
//! changes), `force_destroy`, `tags`. Computed: `id` (the key), `arn`, `version_id` (versioned
//! buckets), `etag` (the MD5 of the body, unless the object is encrypted with KMS), `tags_all`.
//!
//! Replacement: a change to `bucket` or `key`. Everything else changes in place, as in Terraform:
//! a change to the body or its headers puts the object again (a new version in a versioned
//! bucket), a change to `tags` alone goes through PutObjectTagging, to `acl` alone through
//! PutObjectAcl.
//!
//! Reading back: the headers, metadata and tags are read from AWS, so changes made out of band
//! show as drift. The body is not downloaded: when the object's ETag is no longer the one in the
//! state, the body was replaced out of band, so `content`, `content_base64` and `source` read back
//! as null and the next plan puts the object again. `acl` is not read back (as in Terraform).
//!
//! Import: `BUCKET/KEY` or `s3://BUCKET/KEY`, `infra import aws_s3_object.index acme-site/index.html`.
//!
//! Delete: as the Terraform provider does, an object with a `version_id` (a versioned bucket) is
//! deleted with every version and delete marker of its key, so destroying the bucket afterwards
//! works; an object without one gets a plain DeleteObject. `force_destroy = true` deletes every
//! version in either case. (Terraform's `force_destroy` on this resource also lifts object-lock
//! legal holds; object lock is not supported here.)
//!
//! Idempotency: the `infra:intent` tag is set in PutObject itself (the `Tagging` header). S3
//! cannot search objects by tag, so crash recovery looks at the planned bucket and key and adopts
//! the object there when it carries the interrupted create's intent; a create that finds its own
//! intent at its key adopts the object instead of putting it again. Since the key is fixed by the
//! configuration, a create repeated after an interruption never makes a second object.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ObjectCannedAcl, ServerSideEncryption, StorageClass, Tag, Tagging};
use infra_core::{Diagnostic, Diagnostics, Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, ResourceSchema};
use serde_json::{json, Value as J};

use super::{computed_s, s, with_id_and_tags};
use crate::ec2::partition;
use crate::error::{Error, Result};
use crate::framework::{Attrs, AwsResource, Created, Ctx};
use crate::tags::{state_tags, wanted, INTENT_TAG};
use crate::values::{bool_at, opt, req_str, str_at, string_map_at};

pub(crate) struct S3Object;

/// Arguments whose change puts the object again.
const UPLOADED: [&str; 14] = [
    "content",
    "content_base64",
    "source",
    "source_hash",
    "content_type",
    "cache_control",
    "content_disposition",
    "content_encoding",
    "content_language",
    "website_redirect",
    "metadata",
    "storage_class",
    "server_side_encryption",
    "kms_key_id",
];

/// The body arguments, of which at most one may be set.
const BODIES: [&str; 3] = ["content", "content_base64", "source"];

#[async_trait]
impl AwsResource for S3Object {
    fn type_name(&self) -> &'static str {
        "aws_s3_object"
    }

    fn schema(&self) -> ResourceSchema {
        let oc = || AttributeSchema::optional_computed(Type::String);
        let mut block = BlockSchema::default()
            .attr(
                "bucket",
                AttributeSchema::required(Type::String).force_new(),
            )
            .attr("key", AttributeSchema::required(Type::String).force_new())
            .attr("content_type", oc())
            .attr("etag", oc())
            .attr("storage_class", oc())
            .attr("server_side_encryption", oc())
            .attr("kms_key_id", oc())
            .attr(
                "metadata",
                AttributeSchema::optional(Type::map(Type::String)),
            )
            .attr(
                "force_destroy",
                AttributeSchema::optional_computed(Type::Bool),
            )
            .attr("version_id", computed_s())
            .attr("arn", computed_s());
        for a in [
            "content",
            "content_base64",
            "source",
            "source_hash",
            "cache_control",
            "content_disposition",
            "content_encoding",
            "content_language",
            "website_redirect",
            "acl",
        ] {
            block = block.attr(a, s());
        }
        ResourceSchema {
            version: 0,
            block: with_id_and_tags(block),
        }
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![("force_destroy", Value::Bool(false))]
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let j = config.to_json();
        let bodies: Vec<&str> = BODIES.into_iter().filter(|b| !j[*b].is_null()).collect();
        if bodies.len() > 1 {
            diags.push(Diagnostic::error(
                "Conflicting object bodies",
                format!(
                    "Only one of `content`, `content_base64` and `source` can be set; this object sets {}.",
                    bodies.join(" and ")
                ),
            ));
        }
        if let Some(b) = str_at(&j, "content_base64") {
            if aws_smithy_types::base64::decode(b).is_err() {
                diags.push(Diagnostic::error(
                    "Invalid content_base64",
                    "`content_base64` is not valid base64.",
                ));
            }
        }
        let upper: Vec<String> = string_map_at(&j, "metadata")
            .into_keys()
            .filter(|k| k.chars().any(char::is_uppercase))
            .collect();
        if !upper.is_empty() {
            diags.push(Diagnostic::error(
                "Invalid metadata key",
                format!(
                    "S3 stores metadata keys in lowercase, so {upper:?} would always show as changed; write them in lowercase."
                ),
            ));
        }
        diags
    }

    fn adjust_plan(&self, proposed: &mut Attrs, prior: Option<&Attrs>, config: &Attrs) {
        let Some(prior) = prior else { return };
        let plain = |v: Option<&Value>| v.map(|v| v.clone().unmark_deep().0);
        let changed = |name: &str| {
            let new = proposed.get(name);
            !new.is_some_and(Value::is_wholly_known) || plain(new) != plain(prior.get(name))
        };
        let etag_set = config.get("etag").is_some_and(|v| !v.is_null());
        let reupload = UPLOADED.into_iter().any(changed) || (etag_set && changed("etag"));
        if reupload {
            // A new put makes a new version, and a new ETag unless the configuration names it.
            proposed.insert("version_id".into(), Value::Unknown(Type::String));
            if !etag_set {
                proposed.insert("etag".into(), Value::Unknown(Type::String));
            }
        }
    }

    async fn create(&self, ctx: &Ctx, planned: &J, intent: Option<&str>) -> Result<J> {
        let bucket = req_str(planned, "bucket")?;
        let key = req_str(planned, "key")?;
        if let Some(i) = intent {
            // The same create, repeated after an interruption: its object is already there.
            let ours = match object_tags(ctx, bucket, key).await {
                Ok(tags) => tags.get(INTENT_TAG).map(String::as_str) == Some(i),
                Err(e) if e.is_not_found() => false,
                Err(e) => return Err(e),
            };
            if ours {
                if let Some(state) = read(ctx, bucket, key, planned).await? {
                    return Ok(state);
                }
            }
        }
        let mut tags = wanted(planned);
        if let Some(i) = intent {
            tags.insert(INTENT_TAG.into(), i.into());
        }
        put_object(ctx, planned, &tags).await?;
        let id = format!("{bucket}/{key}");
        let state = read(ctx, bucket, key, planned)
            .await
            .and_then(|s| s.ok_or_else(|| Error::bug("The new object disappeared.")));
        state.map_err(Error::after_create(&id))
    }

    /// S3 cannot search objects by tag, but the planned bucket and key say where the object of
    /// an interrupted create would be: it is adopted when it carries that create's intent tag
    /// (PutObject sets the tags with the object, atomically).
    async fn find_created(&self, ctx: &Ctx, q: &Created<'_>) -> Result<Option<J>> {
        let (Some(bucket), Some(key)) = (str_at(&q.planned, "bucket"), str_at(&q.planned, "key"))
        else {
            return Ok(None);
        };
        match object_tags(ctx, bucket, key).await {
            Ok(tags) if tags.get(INTENT_TAG).map(String::as_str) == Some(q.marker) => {
                read(ctx, bucket, key, &q.planned).await
            }
            Ok(_) => Ok(None),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J> {
        let bucket = req_str(planned, "bucket")?;
        let key = req_str(planned, "key")?;
        let differs = |name: &str| prior.get(name) != planned.get(name);
        let reupload =
            UPLOADED.into_iter().any(differs) || (planned["etag"].is_string() && differs("etag"));
        let mut tags = wanted(planned);
        if let Some(i) = object_tags(ctx, bucket, key).await?.remove(INTENT_TAG) {
            tags.insert(INTENT_TAG.into(), i);
        }
        if reupload {
            put_object(ctx, planned, &tags).await?;
        } else {
            if wanted(prior) != wanted(planned) {
                put_object_tags(ctx, bucket, key, &tags).await?;
            }
            if let (true, Some(acl)) = (differs("acl"), str_at(planned, "acl")) {
                ctx.s3()
                    .put_object_acl()
                    .bucket(bucket)
                    .key(key)
                    .acl(ObjectCannedAcl::from(acl))
                    .send()
                    .await
                    .map_err(|e| Error::sdk("PutObjectAcl", e))?;
            }
        }
        read(ctx, bucket, key, planned)
            .await?
            .ok_or_else(|| Error::bug("The object disappeared during update."))
    }

    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()> {
        let (bucket, key) = bucket_and_key(prior)?;
        let versioned = str_at(prior, "version_id").is_some_and(|v| !v.is_empty() && v != "null");
        if versioned || bool_at(prior, "force_destroy") == Some(true) {
            return delete_all_versions(ctx, bucket, key).await;
        }
        ctx.s3()
            .delete_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| Error::sdk("DeleteObject", e))
    }

    async fn read(&self, ctx: &Ctx, prior: &J) -> Result<Option<J>> {
        let (bucket, key) = bucket_and_key(prior)?;
        read(ctx, bucket, key, prior).await
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<J>> {
        let (bucket, key) = parse_import_id(id)?;
        read(ctx, bucket, key, &J::Null).await
    }
}

/// The bucket and key of an import id: `BUCKET/KEY` or `s3://BUCKET/KEY`.
fn parse_import_id(id: &str) -> Result<(&str, &str)> {
    match id.strip_prefix("s3://").unwrap_or(id).split_once('/') {
        Some((b, k)) if !b.is_empty() && !k.is_empty() => Ok((b, k)),
        _ => Err(Error::invalid(
            "Invalid import id",
            format!("The id {id:?} is not an object id: expected BUCKET/KEY or s3://BUCKET/KEY."),
        )),
    }
}

/// The bucket and key of a state; a bare `{ "id": "BUCKET/KEY" }` (rolling back a create) too.
fn bucket_and_key(j: &J) -> Result<(&str, &str)> {
    match (str_at(j, "bucket"), str_at(j, "key")) {
        (Some(b), Some(k)) => Ok((b, k)),
        _ => parse_import_id(req_str(j, "id")?),
    }
}

/// The `x-amz-tagging` header: the tags as a URL query string.
fn tagging_header(tags: &BTreeMap<String, String>) -> String {
    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    tags.iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn body(planned: &J) -> Result<ByteStream> {
    if let Some(c) = str_at(planned, "content") {
        return Ok(ByteStream::from(c.as_bytes().to_vec()));
    }
    if let Some(b) = str_at(planned, "content_base64") {
        let bytes = aws_smithy_types::base64::decode(b).map_err(|e| {
            Error::invalid(
                "Invalid content_base64",
                format!("`content_base64` is not valid base64: {e}."),
            )
        })?;
        return Ok(ByteStream::from(bytes));
    }
    if let Some(path) = str_at(planned, "source") {
        return ByteStream::from_path(path).await.map_err(|e| {
            Error::invalid(
                "Cannot read source",
                format!("Could not read the file {path:?} given as `source`: {e}."),
            )
        });
    }
    Ok(ByteStream::from_static(b""))
}

async fn put_object(ctx: &Ctx, planned: &J, tags: &BTreeMap<String, String>) -> Result<()> {
    let strs = |name: &str| str_at(planned, name).map(str::to_string);
    let metadata: HashMap<String, String> =
        string_map_at(planned, "metadata").into_iter().collect();
    ctx.s3()
        .put_object()
        .bucket(req_str(planned, "bucket")?)
        .key(req_str(planned, "key")?)
        .body(body(planned).await?)
        .set_content_type(strs("content_type"))
        .set_cache_control(strs("cache_control"))
        .set_content_disposition(strs("content_disposition"))
        .set_content_encoding(strs("content_encoding"))
        .set_content_language(strs("content_language"))
        .set_website_redirect_location(strs("website_redirect"))
        .set_metadata((!metadata.is_empty()).then_some(metadata))
        .set_storage_class(str_at(planned, "storage_class").map(StorageClass::from))
        .set_server_side_encryption(
            str_at(planned, "server_side_encryption").map(ServerSideEncryption::from),
        )
        .set_ssekms_key_id(strs("kms_key_id"))
        .set_acl(str_at(planned, "acl").map(ObjectCannedAcl::from))
        .set_tagging((!tags.is_empty()).then(|| tagging_header(tags)))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| Error::sdk("PutObject", e))
}

/// The object's tags, with the intent tag.
async fn object_tags(ctx: &Ctx, bucket: &str, key: &str) -> Result<BTreeMap<String, String>> {
    let out = ctx
        .s3()
        .get_object_tagging()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| Error::sdk("GetObjectTagging", e))?;
    Ok(out
        .tag_set()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

/// Replaces the object's tags.
async fn put_object_tags(
    ctx: &Ctx,
    bucket: &str,
    key: &str,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    if tags.is_empty() {
        return ctx
            .s3()
            .delete_object_tagging()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| Error::sdk("DeleteObjectTagging", e));
    }
    let set = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::bug(format!("Could not build an object tag: {e}.")))?;
    let tagging = Tagging::builder()
        .set_tag_set(Some(set))
        .build()
        .map_err(|e| Error::bug(format!("Could not build object tagging: {e}.")))?;
    ctx.s3()
        .put_object_tagging()
        .bucket(bucket)
        .key(key)
        .tagging(tagging)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| Error::sdk("PutObjectTagging", e))
}

/// Deletes every version and delete marker of `key`.
async fn delete_all_versions(ctx: &Ctx, bucket: &str, key: &str) -> Result<()> {
    let mut markers: (Option<String>, Option<String>) = (None, None);
    let mut found = Vec::new();
    loop {
        let out = ctx
            .s3()
            .list_object_versions()
            .bucket(bucket)
            .prefix(key)
            .set_key_marker(markers.0.take())
            .set_version_id_marker(markers.1.take())
            .send()
            .await
            .map_err(|e| Error::sdk("ListObjectVersions", e))?;
        let versions = out.versions().iter().map(|v| (v.key(), v.version_id()));
        let deletes = out
            .delete_markers()
            .iter()
            .map(|m| (m.key(), m.version_id()));
        found.extend(
            versions
                .chain(deletes)
                .filter(|(k, _)| *k == Some(key))
                .map(|(_, v)| v.map(str::to_string)),
        );
        if out.is_truncated() != Some(true) {
            break;
        }
        markers = (
            out.next_key_marker().map(str::to_string),
            out.next_version_id_marker().map(str::to_string),
        );
    }
    for version in found {
        ctx.s3()
            .delete_object()
            .bucket(bucket)
            .key(key)
            .set_version_id(version)
            .send()
            .await
            .map_err(|e| Error::sdk("DeleteObject", e))?;
    }
    Ok(())
}

async fn read(ctx: &Ctx, bucket: &str, key: &str, prior: &J) -> Result<Option<J>> {
    let head = match ctx.s3().head_object().bucket(bucket).key(key).send().await {
        Ok(h) => h,
        Err(e) => match Error::sdk("HeadObject", e) {
            e if e.is_not_found() => return Ok(None),
            e => return Err(e),
        },
    };
    let actual = match object_tags(ctx, bucket, key).await {
        Ok(t) => t,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    let (tags, tags_all) = state_tags(&actual, &ctx.clients.default_tags, prior);
    let etag = head.e_tag().map(|e| e.trim_matches('"').to_string());
    // A different ETag: the body was replaced out of band, so what the state says was uploaded
    // is no longer there.
    let replaced = str_at(prior, "etag").is_some_and(|p| Some(p) != etag.as_deref());
    let kept = |name: &str| prior.get(name).cloned().unwrap_or(J::Null);
    let body = |name: &str| if replaced { J::Null } else { kept(name) };
    let metadata: serde_json::Map<String, J> = head
        .metadata()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), J::String(v.clone())))
        .collect();
    let prior_metadata = prior.get("metadata").is_some_and(J::is_object);
    let metadata = if metadata.is_empty() && !prior_metadata {
        J::Null
    } else {
        J::Object(metadata)
    };
    let region = ctx.clients.region.as_str();
    Ok(Some(json!({
        "id": key,
        "bucket": bucket,
        "key": key,
        "arn": format!("arn:{}:s3:::{bucket}/{key}", partition(region)),
        "content": body("content"),
        "content_base64": body("content_base64"),
        "source": body("source"),
        "source_hash": kept("source_hash"),
        "acl": kept("acl"),
        "force_destroy": bool_at(prior, "force_destroy").unwrap_or(false),
        "etag": etag,
        "version_id": opt(head.version_id().filter(|v| *v != "null")),
        "content_type": opt(head.content_type()),
        "cache_control": opt(head.cache_control()),
        "content_disposition": opt(head.content_disposition()),
        "content_encoding": opt(head.content_encoding()),
        "content_language": opt(head.content_language()),
        "website_redirect": opt(head.website_redirect_location()),
        "metadata": metadata,
        "storage_class": head.storage_class().map_or("STANDARD", StorageClass::as_str),
        "server_side_encryption": opt(head.server_side_encryption().map(ServerSideEncryption::as_str)),
        "kms_key_id": opt(head.ssekms_key_id()),
        "tags": tags,
        "tags_all": tags_all,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids() {
        assert_eq!(parse_import_id("b/k/x.txt").unwrap(), ("b", "k/x.txt"));
        assert_eq!(parse_import_id("s3://b/k").unwrap(), ("b", "k"));
        assert!(parse_import_id("b").is_err());
        assert!(parse_import_id("s3://b/").is_err());
        assert!(parse_import_id("/k").is_err());
        assert_eq!(
            bucket_and_key(&json!({"id": "k", "bucket": "b", "key": "k"})).unwrap(),
            ("b", "k")
        );
        assert_eq!(bucket_and_key(&json!({"id": "b/k"})).unwrap(), ("b", "k"));
    }

    #[test]
    fn tagging_header_is_url_encoded() {
        let tags: BTreeMap<String, String> = [
            ("infra:intent".to_string(), "a b/c".to_string()),
            ("Name".to_string(), "x&y=z".to_string()),
        ]
        .into();
        assert_eq!(
            tagging_header(&tags),
            "Name=x%26y%3Dz&infra%3Aintent=a%20b%2Fc"
        );
    }
}
