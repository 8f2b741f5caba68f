//! The settings of a `backend "s3"` block, read from its arguments as JSON values (the CLI
//! evaluates the block, which may hold only constants), and where each environment's objects live.
//!
//! Terraform's argument names are accepted, including the deprecated spellings
//! (`force_path_style`, `endpoint`); arguments infra cannot honour are refused with a reason
//! rather than ignored, so a configuration never silently means something else here.

use std::collections::BTreeMap;

use serde_json::Value;

/// The arguments a `backend "s3"` block may have.
pub const ARGUMENTS: &[&str] = &[
    "bucket",
    "key",
    "region",
    "endpoint",
    "endpoints",
    "use_path_style",
    "force_path_style",
    "encrypt",
    "kms_key_id",
    "use_lockfile",
    "access_key",
    "secret_key",
    "token",
    "profile",
    "workspace_key_prefix",
    "max_retries",
    "skip_credentials_validation",
    "skip_region_validation",
    "skip_metadata_api_check",
    "skip_requesting_account_id",
    "skip_s3_checksum",
    "dynamodb_table",
];

/// The arguments that hold secrets: never written to `.infra/backend.json` or shown.
pub const SECRET_ARGUMENTS: &[&str] = &["access_key", "secret_key", "token"];

/// A `backend "s3"` block's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Settings {
    pub bucket: String,
    /// The object key of environment `default`'s state.
    pub key: String,
    /// `None`: from `AWS_REGION`/`AWS_DEFAULT_REGION` or the profile.
    pub region: Option<String>,
    /// `None`: AWS's own, or `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`.
    pub endpoint: Option<String>,
    pub use_path_style: bool,
    /// Server-side encryption of the state and lock objects.
    pub encrypt: bool,
    /// With `encrypt`: SSE-KMS with this key instead of SSE-S3.
    pub kms_key_id: Option<String>,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub token: Option<String>,
    pub profile: Option<String>,
    /// Other environments live at `<workspace_key_prefix>/<env>/<key>`; Terraform's default is
    /// `env:`.
    pub workspace_key_prefix: String,
    pub max_retries: u32,
}

impl S3Settings {
    /// Reads the block's arguments. Errors are sentences naming the argument.
    pub fn from_arguments(args: &BTreeMap<String, Value>) -> Result<S3Settings, String> {
        for name in args.keys() {
            if !ARGUMENTS.contains(&name.as_str()) {
                return Err(format!(
                    "the s3 backend has no argument `{name}`; infra's s3 backend takes: {}",
                    ARGUMENTS.join(", ")
                ));
            }
        }
        let s = |name: &str| -> Result<Option<String>, String> {
            match args.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(v)) if v.is_empty() => Ok(None),
                Some(Value::String(v)) => Ok(Some(v.clone())),
                Some(other) => Err(format!("`{name}` must be a string, found `{other}`")),
            }
        };
        let b = |name: &str| -> Result<Option<bool>, String> {
            match args.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Bool(v)) => Ok(Some(*v)),
                Some(Value::String(v)) if v == "true" || v == "false" => Ok(Some(v == "true")),
                Some(other) => Err(format!("`{name}` must be true or false, found `{other}`")),
            }
        };
        let bucket =
            s("bucket")?.ok_or("the s3 backend needs `bucket`, the bucket to keep the state in")?;
        let key = s("key")?.ok_or(
            "the s3 backend needs `key`, the object key of the state (`path/to/terraform.tfstate`)",
        )?;
        if key.starts_with('/') || key.ends_with('/') {
            return Err(format!("`key` (`{key}`) must not start or end with `/`"));
        }
        if s("dynamodb_table")?.is_some() {
            return Err("infra's s3 backend locks with a lock object next to the state (`use_lockfile = true`), not with a DynamoDB table: remove `dynamodb_table`".into());
        }
        if b("use_lockfile")? == Some(false) {
            return Err("infra always locks S3 state with a lock object (`<key>.tflock`); `use_lockfile = false` is not supported: remove it or set it to true".into());
        }
        let endpoint = match (s("endpoint")?, args.get("endpoints")) {
            (e, None | Some(Value::Null)) => e,
            (e, Some(Value::Object(m))) => {
                if let Some(other) = m.keys().find(|k| k.as_str() != "s3") {
                    return Err(format!("`endpoints.{other}` is not used by the s3 backend, which only talks to S3 (`endpoints = {{ s3 = \"...\" }}`)"));
                }
                match m.get("s3") {
                    None | Some(Value::Null) => e,
                    Some(Value::String(v)) => Some(v.clone()),
                    Some(other) => {
                        return Err(format!("`endpoints.s3` must be a string, found `{other}`"))
                    }
                }
            }
            (_, Some(other)) => {
                return Err(format!(
                    "`endpoints` must be an object (`{{ s3 = \"...\" }}`), found `{other}`"
                ))
            }
        };
        let (access_key, secret_key) = (s("access_key")?, s("secret_key")?);
        if access_key.is_some() != secret_key.is_some() {
            return Err("`access_key` and `secret_key` go together: give both or neither".into());
        }
        let workspace_key_prefix = s("workspace_key_prefix")?.unwrap_or_else(|| "env:".into());
        if workspace_key_prefix.starts_with('/') || workspace_key_prefix.ends_with('/') {
            return Err(format!(
                "`workspace_key_prefix` (`{workspace_key_prefix}`) must not start or end with `/`"
            ));
        }
        let max_retries = match args.get("max_retries") {
            None | Some(Value::Null) => 5,
            Some(Value::Number(n)) => n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| format!("`max_retries` must be a whole number, found `{n}`"))?,
            Some(other) => return Err(format!("`max_retries` must be a number, found `{other}`")),
        };
        for flag in [
            "skip_credentials_validation",
            "skip_region_validation",
            "skip_metadata_api_check",
            "skip_requesting_account_id",
            "skip_s3_checksum",
        ] {
            // Accepted for compatibility: infra's backend neither validates credentials nor the
            // region with extra calls, so these change nothing.
            b(flag)?;
        }
        Ok(S3Settings {
            bucket,
            key,
            region: s("region")?,
            endpoint,
            use_path_style: b("use_path_style")?
                .or(b("force_path_style")?)
                .unwrap_or(false),
            encrypt: b("encrypt")?.unwrap_or(false),
            kms_key_id: s("kms_key_id")?,
            access_key,
            secret_key,
            token: s("token")?,
            profile: s("profile")?,
            workspace_key_prefix,
            max_retries,
        })
    }

    /// The object key of `env`'s state: `key` for `default`, else
    /// `<workspace_key_prefix>/<env>/<key>`.
    pub fn state_key(&self, env: &str) -> String {
        if env == "default" {
            self.key.clone()
        } else {
            format!("{}/{env}/{}", self.workspace_key_prefix, self.key)
        }
    }

    /// The lock object of `env`'s state: the state key plus `.tflock`, as Terraform's
    /// `use_lockfile` names it.
    pub fn lock_key(&self, env: &str) -> String {
        format!("{}.tflock", self.state_key(env))
    }

    /// The environment whose state object is `object_key`, if it is one.
    pub fn environment_of(&self, object_key: &str) -> Option<String> {
        if object_key == self.key {
            return Some("default".into());
        }
        let rest = object_key.strip_prefix(&format!("{}/", self.workspace_key_prefix))?;
        let env = rest.strip_suffix(&format!("/{}", self.key))?;
        (!env.is_empty() && !env.contains('/')).then(|| env.to_string())
    }

    /// `s3://bucket/key`, for messages.
    pub fn url(&self, object_key: &str) -> String {
        format!("s3://{}/{object_key}", self.bucket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(v: Value) -> BTreeMap<String, Value> {
        serde_json::from_value(v).unwrap_or_default()
    }

    #[test]
    fn keys_follow_terraform() {
        let s = S3Settings::from_arguments(&args(json!({"bucket": "b", "key": "a/t.tfstate"})))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.state_key("default"), "a/t.tfstate");
        assert_eq!(s.state_key("prod"), "env:/prod/a/t.tfstate");
        assert_eq!(s.lock_key("prod"), "env:/prod/a/t.tfstate.tflock");
        assert_eq!(
            s.environment_of("env:/prod/a/t.tfstate").as_deref(),
            Some("prod")
        );
        assert_eq!(s.environment_of("a/t.tfstate").as_deref(), Some("default"));
        assert_eq!(s.environment_of("env:/prod/a/t.tfstate.tflock"), None);
        assert_eq!(s.environment_of("env:/x/y/a/t.tfstate"), None);
    }

    #[test]
    fn arguments_are_checked() {
        let err = |v: Value| {
            S3Settings::from_arguments(&args(v))
                .err()
                .unwrap_or_default()
        };
        assert!(err(json!({"key": "k"})).contains("needs `bucket`"));
        assert!(
            err(json!({"bucket": "b", "key": "k", "dynamodb_table": "t"})).contains("DynamoDB")
        );
        assert!(
            err(json!({"bucket": "b", "key": "k", "use_lockfile": false})).contains("use_lockfile")
        );
        assert!(
            err(json!({"bucket": "b", "key": "k", "acl": "private"})).contains("no argument `acl`")
        );
        assert!(err(json!({"bucket": "b", "key": "k", "access_key": "a"})).contains("go together"));
        let s = S3Settings::from_arguments(&args(json!({
            "bucket": "b", "key": "k", "force_path_style": true, "endpoints": {"s3": "http://x"},
            "workspace_key_prefix": "ws", "skip_credentials_validation": true
        })))
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(s.use_path_style);
        assert_eq!(s.endpoint.as_deref(), Some("http://x"));
        assert_eq!(s.state_key("dev"), "ws/dev/k");
    }
}
