//! Object I/O: the AWS SDK client built from the settings, the few S3 calls the store makes
//! (conditional puts and deletes, gets, listings, the versioning check), and their errors as
//! diagnostics that name the bucket, the key, the operation and the AWS error code.
//!
//! The store's interface is synchronous (callers run it on blocking threads, sometimes inside a
//! tokio runtime of their own), so the SDK's futures run on one process-wide runtime owned here
//! and callers wait for them on a channel. That runtime lives in a static and is never dropped:
//! dropping a runtime from inside another one's context panics.

use std::future::Future;
use std::sync::OnceLock;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_s3::config::Credentials;
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketVersioningStatus, ServerSideEncryption};
use infra_state::StateError;

use crate::config::S3Settings;

/// Runs `f` to completion on the backend's runtime and returns its output.
pub(crate) fn block<F>(f: F) -> Result<F::Output, StateError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    let rt = RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("infra-state-s3")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| StateError::Backend(format!("cannot start the S3 backend's runtime: {e}")))?;
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    rt.spawn(async move {
        let _ = tx.send(f.await);
    });
    rx.recv().map_err(|_| {
        StateError::Backend("an S3 request was abandoned (its task panicked)".to_string())
    })
}

/// A failed S3 call: the HTTP status and AWS error code when the service answered, and the
/// whole diagnostic.
#[derive(Debug)]
pub(crate) struct Failure {
    pub status: Option<u16>,
    pub code: Option<String>,
    pub message: String,
}

impl Failure {
    /// A conditional request lost: `If-Match`/`If-None-Match` did not hold (412), or a
    /// concurrent conditional write to the same key was in progress (409).
    pub fn is_conflict(&self) -> bool {
        matches!(self.status, Some(412 | 409))
            || matches!(
                self.code.as_deref(),
                Some("PreconditionFailed" | "ConditionalRequestConflict")
            )
    }

    /// The object (not the bucket) does not exist.
    pub fn is_not_found(&self) -> bool {
        match self.code.as_deref() {
            Some("NoSuchKey" | "NotFound") => true,
            None => self.status == Some(404),
            Some(_) => false,
        }
    }

    pub fn into_state(self) -> StateError {
        StateError::Backend(self.message)
    }
}

impl From<Failure> for StateError {
    fn from(f: Failure) -> StateError {
        f.into_state()
    }
}

/// An object as read: its bytes and ETag.
#[derive(Clone, Debug)]
pub(crate) struct Object {
    pub bytes: Vec<u8>,
    pub etag: String,
}

/// A precondition for a put or delete.
#[derive(Clone, Debug)]
pub(crate) enum Condition {
    /// `If-None-Match: *`: the object must not exist.
    Absent,
    /// `If-Match: <etag>`: the object must be the one we last saw.
    Matches(String),
}

/// One stored version of an object (a delete marker has `deleted`).
#[derive(Clone, Debug)]
pub(crate) struct VersionEntry {
    pub version_id: String,
    pub deleted: bool,
    pub last_modified_millis: i64,
}

/// The client and the settings it was built from.
#[derive(Clone, Debug)]
pub(crate) struct S3 {
    pub client: aws_sdk_s3::Client,
    pub settings: S3Settings,
}

impl S3 {
    /// Builds the client: credentials from the block, else the standard chain (environment,
    /// profile, ...); the endpoint from the block, else `AWS_ENDPOINT_URL_S3`/`AWS_ENDPOINT_URL`.
    pub async fn connect(settings: S3Settings) -> Result<S3, StateError> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).retry_config(
            RetryConfig::standard().with_max_attempts(settings.max_retries.saturating_add(1)),
        );
        if let Some(p) = &settings.profile {
            loader = loader.profile_name(p);
        }
        if let (Some(ak), Some(sk)) = (&settings.access_key, &settings.secret_key) {
            loader = loader.credentials_provider(Credentials::new(
                ak,
                sk,
                settings.token.clone(),
                None,
                "backend-block",
            ));
        }
        if let Some(r) = &settings.region {
            loader = loader.region(Region::new(r.clone()));
        }
        let sdk = loader.load().await;
        if sdk.region().is_none() {
            return Err(StateError::Backend(format!(
                "the s3 backend for `{}` needs a region: set `region` in the backend block, or the \
                 AWS_REGION environment variable, or a region in the shared config profile",
                settings.url(&settings.key)
            )));
        }
        let mut conf =
            aws_sdk_s3::config::Builder::from(&sdk).force_path_style(settings.use_path_style);
        if let Some(e) = &settings.endpoint {
            conf = conf.endpoint_url(e);
        }
        Ok(S3 {
            client: aws_sdk_s3::Client::from_conf(conf.build()),
            settings,
        })
    }

    fn fail<E>(
        &self,
        operation: &str,
        key: &str,
        e: SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
    ) -> Failure
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let url = self.settings.url(key);
        let status = e.raw_response().map(|r| r.status().as_u16());
        let code = e.code().map(str::to_string);
        let message = match (&e, &code) {
            (SdkError::ServiceError(_), _) | (_, Some(_)) => {
                let code_text = code
                    .clone()
                    .unwrap_or_else(|| "an error without code".into());
                let msg = e.message().map(|m| format!(": {m}")).unwrap_or_default();
                let status_text = status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
                format!(
                    "S3 {operation} of `{url}` failed with {code_text}{status_text}{msg}{}",
                    hint(code.as_deref(), status, &self.settings)
                )
            }
            _ => {
                let detail = DisplayErrorContext(&e).to_string();
                let hint = if detail.contains("credentials") || detail.contains("identity") {
                    ". infra found no usable AWS credentials: set `access_key` and `secret_key` in the \
                     backend block, the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment \
                     variables, or a profile (`profile`, AWS_PROFILE)"
                        .to_string()
                } else {
                    format!(
                        ". Check that the S3 endpoint ({}) can be reached",
                        self.settings
                            .endpoint
                            .as_deref()
                            .unwrap_or("AWS's, or AWS_ENDPOINT_URL_S3")
                    )
                };
                format!("S3 {operation} of `{url}` failed: {detail}{hint}")
            }
        };
        Failure {
            status,
            code,
            message,
        }
    }

    /// Reads an object (its latest version, or `version_id`); `None` when it does not exist.
    pub async fn get(
        &self,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<Option<Object>, Failure> {
        let out = self
            .client
            .get_object()
            .bucket(&self.settings.bucket)
            .key(key)
            .set_version_id(version_id.map(str::to_string))
            .send()
            .await;
        let out = match out {
            Ok(o) => o,
            Err(e) => {
                let f = self.fail("GetObject", key, e);
                return if f.is_not_found() && version_id.is_none() {
                    Ok(None)
                } else {
                    Err(f)
                };
            }
        };
        let etag = out.e_tag().unwrap_or_default().to_string();
        let bytes = out.body.collect().await.map_err(|e| Failure {
            status: None,
            code: None,
            message: format!(
                "S3 GetObject of `{}` failed while reading the body: {e}",
                self.settings.url(key)
            ),
        })?;
        Ok(Some(Object {
            bytes: bytes.into_bytes().to_vec(),
            etag,
        }))
    }

    /// Writes an object if `condition` holds; returns its new ETag. A lost condition is a
    /// [`Failure`] whose [`Failure::is_conflict`] is true.
    pub async fn put(
        &self,
        key: &str,
        body: Vec<u8>,
        condition: Condition,
    ) -> Result<String, Failure> {
        let mut req = self
            .client
            .put_object()
            .bucket(&self.settings.bucket)
            .key(key)
            .content_type("application/json")
            .body(ByteStream::from(body));
        req = match condition {
            Condition::Absent => req.if_none_match("*"),
            Condition::Matches(etag) => req.if_match(etag),
        };
        if self.settings.encrypt {
            req = match &self.settings.kms_key_id {
                Some(k) => req
                    .server_side_encryption(ServerSideEncryption::AwsKms)
                    .ssekms_key_id(k),
                None => req.server_side_encryption(ServerSideEncryption::Aes256),
            };
        }
        match req.send().await {
            Ok(out) => Ok(out.e_tag().unwrap_or_default().to_string()),
            Err(e) => Err(self.fail("PutObject", key, e)),
        }
    }

    /// Deletes an object if it is still the version with `etag`.
    pub async fn delete_if(&self, key: &str, etag: &str) -> Result<(), Failure> {
        let out = self
            .client
            .delete_object()
            .bucket(&self.settings.bucket)
            .key(key)
            .if_match(etag)
            .send()
            .await;
        match out {
            Ok(_) => Ok(()),
            Err(e) => {
                let f = self.fail("DeleteObject", key, e);
                if f.is_not_found() {
                    Ok(())
                } else {
                    Err(f)
                }
            }
        }
    }

    /// Deletes an object whatever it holds (for services without conditional deletes).
    pub async fn delete(&self, key: &str) -> Result<(), Failure> {
        self.client
            .delete_object()
            .bucket(&self.settings.bucket)
            .key(key)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.fail("DeleteObject", key, e))
    }

    /// The keys under `prefix`.
    pub async fn list_keys(&self, prefix: &str) -> Result<Vec<String>, Failure> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .client
                .list_objects_v2()
                .bucket(&self.settings.bucket)
                .prefix(prefix)
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail("ListObjectsV2", prefix, e))?;
            keys.extend(
                out.contents()
                    .iter()
                    .filter_map(|o| o.key().map(str::to_string)),
            );
            match out.next_continuation_token() {
                Some(t) if out.is_truncated() == Some(true) => token = Some(t.to_string()),
                _ => return Ok(keys),
            }
        }
    }

    /// Every version (and delete marker) of exactly `key`, in no particular order.
    pub async fn versions(&self, key: &str) -> Result<Vec<VersionEntry>, Failure> {
        let mut out_versions = Vec::new();
        let (mut key_marker, mut version_marker): (Option<String>, Option<String>) = (None, None);
        loop {
            let out = self
                .client
                .list_object_versions()
                .bucket(&self.settings.bucket)
                .prefix(key)
                .set_key_marker(key_marker.take())
                .set_version_id_marker(version_marker.take())
                .send()
                .await
                .map_err(|e| self.fail("ListObjectVersions", key, e))?;
            let millis = |t: Option<&aws_sdk_s3::primitives::DateTime>| {
                t.and_then(|t| t.to_millis().ok()).unwrap_or(0)
            };
            for v in out.versions() {
                if let (Some(k), Some(id)) = (v.key(), v.version_id()) {
                    if k == key {
                        out_versions.push(VersionEntry {
                            version_id: id.to_string(),
                            deleted: false,
                            last_modified_millis: millis(v.last_modified()),
                        });
                    }
                }
            }
            for m in out.delete_markers() {
                if let (Some(k), Some(id)) = (m.key(), m.version_id()) {
                    if k == key {
                        out_versions.push(VersionEntry {
                            version_id: id.to_string(),
                            deleted: true,
                            last_modified_millis: millis(m.last_modified()),
                        });
                    }
                }
            }
            if out.is_truncated() != Some(true) {
                return Ok(out_versions);
            }
            key_marker = out.next_key_marker().map(str::to_string);
            version_marker = out.next_version_id_marker().map(str::to_string);
            if key_marker.is_none() {
                return Ok(out_versions);
            }
        }
    }

    /// Whether the bucket keeps object versions (`Enabled`; not when never enabled or
    /// `Suspended`).
    pub async fn versioning_enabled(&self) -> Result<bool, Failure> {
        let out = self
            .client
            .get_bucket_versioning()
            .bucket(&self.settings.bucket)
            .send()
            .await
            .map_err(|e| self.fail("GetBucketVersioning", "", e))?;
        Ok(out.status() == Some(&BucketVersioningStatus::Enabled))
    }
}

/// What to do about the common S3 errors.
fn hint(code: Option<&str>, status: Option<u16>, s: &S3Settings) -> String {
    match (code, status) {
        (Some("NoSuchBucket"), _) => format!(
            ". The bucket `{}` does not exist: create it (with versioning enabled) before using it as a backend",
            s.bucket
        ),
        (Some("AccessDenied" | "Forbidden"), _) | (_, Some(403)) => {
            ". Check the credentials and that they may read and write the bucket".into()
        }
        (Some("InvalidAccessKeyId" | "SignatureDoesNotMatch"), _) => {
            ". The AWS credentials were refused: check the access key and secret key".into()
        }
        (Some("PermanentRedirect" | "AuthorizationHeaderMalformed"), _) => format!(
            ". The bucket `{}` is in another region than `{}`: set `region` to the bucket's region",
            s.bucket,
            s.region.as_deref().unwrap_or("the configured one")
        ),
        _ => String::new(),
    }
}
