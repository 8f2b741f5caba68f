//! The `provider "aws"` block: its schema, its settings, and the SDK clients made from them.
//!
//! ```hcl
//! provider "aws" {
//!   region                      = "eu-west-1"
//!   access_key                  = "test"            # else the standard chain: env, profile, IMDS
//!   secret_key                  = "test"
//!   s3_use_path_style           = true
//!   skip_credentials_validation = true
//!   skip_requesting_account_id  = true
//!   skip_metadata_api_check     = true
//!   endpoints {
//!     ec2 = "http://127.0.0.1:5000"
//!     s3  = "http://127.0.0.1:5000"
//!     sts = "http://127.0.0.1:5000"
//!   }
//!   default_tags {
//!     tags = { ManagedBy = "infra" }
//!   }
//! }
//! ```
//!
//! An endpoint comes from `endpoints`, else `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`,
//! else AWS's own. Credentials not given in the block come from the SDK's standard chain
//! (environment, shared config and credentials files with `profile`, web identity, container and
//! instance metadata; `skip_metadata_api_check` leaves the instance metadata service out).
//! Unless `skip_credentials_validation` is set, `configure` checks the credentials with STS
//! `GetCallerIdentity`, which also tells the account id.

use std::collections::BTreeMap;

use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_ec2::config::Credentials;
use infra_core::{Diagnostic, Diagnostics, Type};
use infra_provider::{AttributeSchema, BlockSchema, BlockTypeSchema, Nesting};
use serde_json::Value as J;

use crate::error::Error;
use crate::values::{bool_at, i64_at, str_at, string_map_at};

/// Services whose endpoint infra uses today.
const SERVICES: [&str; 3] = ["ec2", "s3", "sts"];

/// Endpoint names the Terraform AWS provider accepts that infra has no resources for yet; they
/// are accepted so emulator configurations written for Terraform load unchanged.
const OTHER_SERVICES: [&str; 24] = [
    "acm",
    "apigateway",
    "autoscaling",
    "cloudformation",
    "cloudwatch",
    "dynamodb",
    "ecr",
    "ecs",
    "eks",
    "elb",
    "elbv2",
    "events",
    "firehose",
    "iam",
    "kinesis",
    "kms",
    "lambda",
    "logs",
    "rds",
    "route53",
    "s3control",
    "secretsmanager",
    "sns",
    "sqs",
];

/// Terraform's default for `max_retries`.
const DEFAULT_MAX_RETRIES: u32 = 25;

/// The provider block's schema.
pub(crate) fn schema() -> BlockSchema {
    let s = || AttributeSchema::optional(Type::String);
    let b = || AttributeSchema::optional(Type::Bool);
    let mut endpoints = BlockSchema::default();
    for svc in SERVICES.iter().chain(&OTHER_SERVICES) {
        endpoints = endpoints.attr(
            svc,
            s().describe("Use this endpoint URL instead of the service's default."),
        );
    }
    BlockSchema::default()
        .attr(
            "region",
            s().describe("The AWS region; else AWS_REGION or the profile's region."),
        )
        .attr(
            "access_key",
            s().describe("The access key; else the standard credentials chain."),
        )
        .attr(
            "secret_key",
            s().sensitive()
                .describe("The secret key; else the standard credentials chain."),
        )
        .attr(
            "token",
            s().sensitive()
                .describe("A session token for temporary credentials."),
        )
        .attr(
            "profile",
            s().describe("The shared config and credentials profile to use."),
        )
        .attr(
            "max_retries",
            AttributeSchema::optional(Type::Number)
                .describe("How often to retry a throttled or failed API call (default 25)."),
        )
        .attr(
            "s3_use_path_style",
            b().describe(
                "Address S3 buckets as https://host/bucket rather than https://bucket.host.",
            ),
        )
        .attr(
            "skip_credentials_validation",
            b().describe("Do not check the credentials with STS at configure time."),
        )
        .attr(
            "skip_requesting_account_id",
            b().describe("Do not ask STS for the account id."),
        )
        .attr(
            "skip_metadata_api_check",
            b().describe(
                "Do not consult the EC2 instance metadata service for credentials or region.",
            ),
        )
        .attr(
            "skip_region_validation",
            b().describe("Accepted for compatibility; infra does not validate region names."),
        )
        .block(
            "endpoints",
            BlockTypeSchema {
                nesting: Nesting::List,
                block: endpoints,
                min_items: 0,
                max_items: 0,
                force_new: false,
            },
        )
        .block(
            "default_tags",
            BlockTypeSchema {
                nesting: Nesting::List,
                block: BlockSchema::default().attr(
                    "tags",
                    AttributeSchema::optional(Type::map(Type::String))
                        .describe("Tags every taggable resource gets."),
                ),
                min_items: 0,
                max_items: 1,
                force_new: false,
            },
        )
}

/// The provider block, resolved.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Settings {
    pub region: Option<String>,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub token: Option<String>,
    pub profile: Option<String>,
    pub max_retries: u32,
    pub default_tags: BTreeMap<String, String>,
    /// Endpoint URL by service name (`ec2`), from the block or the environment.
    pub endpoints: BTreeMap<String, String>,
    pub s3_use_path_style: bool,
    pub skip_credentials_validation: bool,
    pub skip_requesting_account_id: bool,
    pub skip_metadata_api_check: bool,
}

impl Settings {
    /// Resolves the provider block (`config` as JSON; null when there is no block) with the
    /// environment looked up through `env`.
    pub(crate) fn resolve(
        config: &J,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Settings, Diagnostics> {
        let string = |name: &str| {
            str_at(config, name)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let flag = |name: &str| bool_at(config, name).unwrap_or(false);
        let mut diags = Diagnostics::new();
        let max_retries = match i64_at(config, "max_retries") {
            None => DEFAULT_MAX_RETRIES,
            Some(n) => u32::try_from(n).unwrap_or_else(|_| {
                diags.push(invalid(format!(
                    "`max_retries` must be a whole number from 0 to 4294967295, not {n}."
                )));
                DEFAULT_MAX_RETRIES
            }),
        };
        let mut endpoints = BTreeMap::new();
        let blocks = config
            .get("endpoints")
            .and_then(J::as_array)
            .map_or(&[][..], Vec::as_slice);
        for svc in SERVICES {
            let from_block = blocks
                .iter()
                .find_map(|b| str_at(b, svc).filter(|s| !s.is_empty()).map(str::to_string));
            let from_env = || {
                env(&format!("AWS_ENDPOINT_URL_{}", svc.to_uppercase()))
                    .or_else(|| env("AWS_ENDPOINT_URL"))
            };
            if let Some(url) = from_block.or_else(from_env).filter(|s| !s.is_empty()) {
                endpoints.insert(svc.to_string(), url);
            }
        }
        let default_tags = config
            .get("default_tags")
            .and_then(J::as_array)
            .and_then(|a| a.first())
            .map(|d| string_map_at(d, "tags"))
            .unwrap_or_default();
        let s = Settings {
            region: string("region"),
            access_key: string("access_key"),
            secret_key: string("secret_key"),
            token: string("token"),
            profile: string("profile"),
            max_retries,
            default_tags,
            endpoints,
            s3_use_path_style: flag("s3_use_path_style"),
            skip_credentials_validation: flag("skip_credentials_validation"),
            skip_requesting_account_id: flag("skip_requesting_account_id"),
            skip_metadata_api_check: flag("skip_metadata_api_check"),
        };
        if s.access_key.is_some() != s.secret_key.is_some() {
            diags.push(invalid(
                "`access_key` and `secret_key` must be set together. Set both, or neither to use the standard \
                 credentials chain (environment variables, shared files, instance metadata)."
                    .to_string(),
            ));
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(s)
        }
    }
}

fn invalid(detail: String) -> Diagnostic {
    Diagnostic::error("Invalid provider configuration", detail)
}

/// The SDK clients of a configured provider, and what every resource needs to know.
#[derive(Clone, Debug)]
pub(crate) struct Clients {
    pub ec2: aws_sdk_ec2::Client,
    pub s3: aws_sdk_s3::Client,
    pub region: String,
    /// The account id, when STS was asked.
    pub account_id: Option<String>,
    pub default_tags: BTreeMap<String, String>,
}

/// Builds the SDK clients and, unless told not to, checks the credentials.
pub(crate) async fn connect(s: &Settings) -> Result<Clients, Diagnostics> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(s.max_retries.saturating_add(1)));
    if let Some(p) = &s.profile {
        loader = loader.profile_name(p);
    }
    if let (Some(ak), Some(sk)) = (&s.access_key, &s.secret_key) {
        loader = loader.credentials_provider(Credentials::new(
            ak,
            sk,
            s.token.clone(),
            None,
            "provider-block",
        ));
    } else if s.skip_metadata_api_check {
        let mut profile = aws_config::profile::ProfileFileCredentialsProvider::builder();
        if let Some(p) = &s.profile {
            profile = profile.profile_name(p);
        }
        loader = loader.credentials_provider(
            CredentialsProviderChain::first_try(
                "Environment",
                aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
            )
            .or_else("Profile", profile.build()),
        );
    }
    match &s.region {
        Some(r) => loader = loader.region(Region::new(r.clone())),
        None if s.skip_metadata_api_check => {
            let mut profile = aws_config::profile::region::ProfileFileRegionProvider::builder();
            if let Some(p) = &s.profile {
                profile = profile.profile_name(p);
            }
            loader = loader.region(
                RegionProviderChain::first_try(
                    aws_config::environment::EnvironmentVariableRegionProvider::new(),
                )
                .or_else(profile.build()),
            );
        }
        None => {}
    }
    let sdk = loader.load().await;
    let Some(region) = sdk.region().map(ToString::to_string) else {
        return Err(invalid(
            "The AWS provider needs a region. Set `region` in the provider block, or the AWS_REGION environment \
             variable, or a region in the shared config profile."
                .to_string(),
        )
        .into());
    };
    let endpoint = |svc: &str| s.endpoints.get(svc).cloned();
    let mut ec2 = aws_sdk_ec2::config::Builder::from(&sdk);
    ec2.set_endpoint_url(endpoint("ec2"));
    let ec2 = aws_sdk_ec2::Client::from_conf(ec2.build());
    let mut s3 = aws_sdk_s3::config::Builder::from(&sdk).force_path_style(s.s3_use_path_style);
    s3.set_endpoint_url(endpoint("s3"));
    let s3 = aws_sdk_s3::Client::from_conf(s3.build());
    let mut account_id = None;
    if !s.skip_credentials_validation || !s.skip_requesting_account_id {
        let mut sts = aws_sdk_sts::config::Builder::from(&sdk);
        sts.set_endpoint_url(endpoint("sts"));
        let sts = aws_sdk_sts::Client::from_conf(sts.build());
        match sts.get_caller_identity().send().await {
            Ok(out) => account_id = out.account().map(str::to_string),
            Err(e) if !s.skip_credentials_validation => {
                let mut d = Error::sdk("GetCallerIdentity", e)
                    .into_diagnostics("validating the provider's credentials");
                d.push(Diagnostic::warning(
                    "Credentials not validated",
                    "Set `skip_credentials_validation = true` in the provider block to skip this check (for \
                     emulators without STS).",
                ));
                return Err(d);
            }
            // Terraform only warns when the account id cannot be had; so does infra, by not failing.
            Err(_) => {}
        }
    }
    Ok(Clients {
        ec2,
        s3,
        region,
        account_id,
        default_tags: s.default_tags.clone(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn no_block_means_defaults() {
        let s = Settings::resolve(&J::Null, &env_of(&[])).unwrap();
        assert_eq!(
            s,
            Settings {
                max_retries: 25,
                ..Settings::default()
            }
        );
    }

    #[test]
    fn endpoints_come_from_the_block_then_the_environment() {
        let cfg = json!({"endpoints": [{"ec2": "http://block:1", "s3": null}], "default_tags": [{"tags": {"A": "b"}}]});
        let s = Settings::resolve(
            &cfg,
            &env_of(&[
                ("AWS_ENDPOINT_URL", "http://all:2"),
                ("AWS_ENDPOINT_URL_S3", "http://s3:3"),
            ]),
        )
        .unwrap();
        assert_eq!(s.endpoints["ec2"], "http://block:1");
        assert_eq!(s.endpoints["s3"], "http://s3:3");
        assert_eq!(s.endpoints["sts"], "http://all:2");
        assert_eq!(s.default_tags["A"], "b");
        let s = Settings::resolve(&json!({}), &env_of(&[])).unwrap();
        assert!(s.endpoints.is_empty());
    }

    #[test]
    fn half_a_key_pair_is_an_error() {
        let d = Settings::resolve(&json!({"access_key": "a"}), &env_of(&[])).unwrap_err();
        assert_eq!(d.0[0].summary, "Invalid provider configuration");
        let d = Settings::resolve(&json!({"max_retries": -1}), &env_of(&[])).unwrap_err();
        assert!(d.0[0].detail.contains("max_retries"));
    }
}
