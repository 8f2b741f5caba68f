//! Helpers that drive the provider through the SDK's `Provider` trait the way the engine does
//! (configurations hold every attribute, null when unset, and empty lists for absent blocks; the
//! proposed state merges the configuration over the prior state's computed attributes), plus
//! plain AWS SDK clients for changes made "out of band".
//!
//! Every test gets its own region of the shared emulator, so EC2 objects of parallel tests never
//! meet; S3 bucket names are global, so tests name their buckets uniquely.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aws_sdk_ec2::config::{BehaviorVersion, Credentials, Region};
use infra_core::{Diagnostics, Value};
use infra_provider::{ApplyRequest, BlockSchema, Nesting, PlanRequest, PlanResponse, Provider};
use serde_json::{json, Value as J};

use crate::moto::moto;

/// Regions the emulator knows; one per test.
const REGIONS: [&str; 30] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ca-central-1",
    "sa-east-1",
    "af-south-1",
    "ap-east-1",
    "ap-northeast-3",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
];

/// A configured provider in a region of its own, and independent clients for that region.
pub struct Env {
    pub p: Arc<dyn Provider>,
    pub region: String,
    pub ec2: aws_sdk_ec2::Client,
    pub s3: aws_sdk_s3::Client,
}

/// The provider block a test configures, pointing every service at the emulator.
pub fn provider_config(region: &str, extra: J) -> J {
    let ep = &moto().endpoint;
    let mut c = json!({
        "region": region,
        "access_key": "test",
        "secret_key": "test",
        "skip_credentials_validation": true,
        "skip_requesting_account_id": true,
        "skip_metadata_api_check": true,
        "s3_use_path_style": true,
        "max_retries": 2,
        "endpoints": [{"ec2": ep, "s3": ep, "sts": ep}],
    });
    if let (Some(c), Some(extra)) = (c.as_object_mut(), extra.as_object()) {
        c.extend(extra.clone());
    }
    c
}

/// A fresh region with a configured provider.
pub async fn env() -> Env {
    env_with(json!({})).await
}

/// A fresh region with a provider configured with `extra` over the test defaults.
pub async fn env_with(extra: J) -> Env {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let i = NEXT.fetch_add(1, Ordering::SeqCst);
    let region = REGIONS
        .get(i)
        .unwrap_or_else(|| panic!("more tests than regions: add regions to REGIONS"))
        .to_string();
    let p = infra_aws::provider();
    let cfg = value_for(&p.schema().provider, &provider_config(&region, extra));
    p.configure(&cfg)
        .await
        .unwrap_or_else(|d| panic!("configure: {}", messages(&d)));
    Env::for_provider(p, &region, &moto().endpoint)
}

/// A value of `schema`'s type from JSON, shaped as the engine's decoder shapes configurations.
pub fn value_for(schema: &BlockSchema, j: &J) -> Value {
    fn fill(schema: &BlockSchema, j: &J) -> J {
        let mut m = j.as_object().cloned().unwrap_or_default();
        for (name, bt) in &schema.block_types {
            let v = m.remove(name).unwrap_or(J::Null);
            let v = match (bt.nesting, v) {
                (Nesting::List | Nesting::Set, J::Null) => json!([]),
                (Nesting::List | Nesting::Set, J::Array(a)) => {
                    J::Array(a.iter().map(|e| fill(&bt.block, e)).collect())
                }
                (_, J::Null) => J::Null,
                (_, v) => fill(&bt.block, &v),
            };
            m.insert(name.clone(), v);
        }
        J::Object(m)
    }
    let filled = fill(schema, j);
    Value::from_json(&filled, &schema.value_type())
        .unwrap_or_else(|| panic!("{filled} does not fit the schema"))
}

/// The diagnostics as text, for assertions and panics.
pub fn messages(d: &Diagnostics) -> String {
    d.iter()
        .map(|d| format!("{}: {}\n", d.summary, d.detail))
        .collect()
}

/// An attribute as JSON.
pub fn at(v: &Value, name: &str) -> J {
    v.to_json().get(name).cloned().unwrap_or(J::Null)
}

/// A string attribute.
pub fn s(v: &Value, name: &str) -> String {
    at(v, name)
        .as_str()
        .unwrap_or_else(|| panic!("{name} is not a string in {}", v.to_json()))
        .to_string()
}

/// A unique suffix for names that are global (buckets).
pub fn unique(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{prefix}-{}-{}",
        nanos % 1_000_000_000,
        N.fetch_add(1, Ordering::SeqCst)
    )
}

impl Env {
    /// An environment for a configured provider, with independent clients on `endpoint`.
    pub fn for_provider(p: Arc<dyn Provider>, region: &str, endpoint: &str) -> Env {
        let creds = Credentials::new("test", "test", None, None, "tests");
        let ec2 = aws_sdk_ec2::Client::from_conf(
            aws_sdk_ec2::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new(region.to_string()))
                .credentials_provider(creds.clone())
                .endpoint_url(endpoint)
                .build(),
        );
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(aws_sdk_s3::config::Region::new(region.to_string()))
                .credentials_provider(creds)
                .endpoint_url(endpoint)
                .force_path_style(true)
                .build(),
        );
        Env {
            p,
            region: region.to_string(),
            ec2,
            s3,
        }
    }

    /// A resource configuration.
    pub fn cfg(&self, type_name: &str, j: J) -> Value {
        value_for(&self.p.schema().resources[type_name].block, &j)
    }

    /// The engine's proposed new state (see `infra_plan::proposed_state`).
    pub fn proposed(&self, type_name: &str, prior: Option<&Value>, config: &Value) -> Value {
        let schema = &self.p.schema().resources[type_name].block;
        let cfg = config.entries().expect("object");
        let old = prior.and_then(Value::entries);
        let mut out = BTreeMap::new();
        for (name, a) in &schema.attributes {
            let c = cfg.get(name).cloned().unwrap_or(Value::Null(a.ty.clone()));
            let v = if c.is_null() && a.computed {
                old.and_then(|m| m.get(name))
                    .cloned()
                    .unwrap_or(Value::Null(a.ty.clone()))
            } else {
                c
            };
            out.insert(name.clone(), v);
        }
        for name in schema.block_types.keys() {
            out.insert(
                name.clone(),
                cfg.get(name).cloned().unwrap_or(Value::null()),
            );
        }
        Value::Object(out.into())
    }

    pub async fn plan(
        &self,
        type_name: &str,
        prior: Option<&Value>,
        config: &Value,
    ) -> PlanResponse {
        self.try_plan(type_name, prior, config)
            .await
            .unwrap_or_else(|d| panic!("plan {type_name}: {}", messages(&d)))
    }

    pub async fn try_plan(
        &self,
        type_name: &str,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<PlanResponse, Diagnostics> {
        self.p
            .plan(PlanRequest {
                type_name: type_name.into(),
                prior_state: prior.cloned(),
                proposed_new_state: self.proposed(type_name, prior, config),
                config: config.clone(),
            })
            .await
    }

    pub async fn try_apply(
        &self,
        type_name: &str,
        prior: Option<&Value>,
        planned: Option<&Value>,
        config: &Value,
        intent: Option<&str>,
    ) -> Result<Option<Value>, Diagnostics> {
        self.p
            .apply(ApplyRequest {
                type_name: type_name.into(),
                prior_state: prior.cloned(),
                planned_state: planned.cloned(),
                config: config.clone(),
                intent: intent.map(str::to_string),
            })
            .await
    }

    /// Plans and applies a create with intent `intent`; the state has no unknowns.
    pub async fn create_with_intent(&self, type_name: &str, config: &Value, intent: &str) -> Value {
        let plan = self.plan(type_name, None, config).await;
        assert!(plan.requires_replace.is_empty());
        let state = self
            .try_apply(
                type_name,
                None,
                Some(&plan.planned_state),
                config,
                Some(intent),
            )
            .await
            .unwrap_or_else(|d| panic!("create {type_name}: {}", messages(&d)))
            .expect("a created object");
        assert!(
            state.is_wholly_known(),
            "state has unknowns: {}",
            state.to_json()
        );
        state
    }

    pub async fn create(&self, type_name: &str, config: &Value) -> Value {
        self.create_with_intent(type_name, config, &unique("intent"))
            .await
    }

    /// Plans against `prior`, checks the plan is an in-place update, applies it.
    pub async fn update(&self, type_name: &str, prior: &Value, config: &Value) -> Value {
        let plan = self.plan(type_name, Some(prior), config).await;
        assert!(
            plan.requires_replace.is_empty(),
            "unexpected replace: {:?}",
            plan.requires_replace
        );
        assert_ne!(&plan.planned_state, prior, "the plan changes nothing");
        let state = self
            .try_apply(
                type_name,
                Some(prior),
                Some(&plan.planned_state),
                config,
                None,
            )
            .await
            .unwrap_or_else(|d| panic!("update {type_name}: {}", messages(&d)))
            .expect("an updated object");
        assert_eq!(
            state, plan.planned_state,
            "the state after update differs from the plan"
        );
        state
    }

    /// Checks that planning `config` against `prior` changes nothing.
    pub async fn assert_no_op(&self, type_name: &str, prior: &Value, config: &Value) {
        let plan = self.plan(type_name, Some(prior), config).await;
        assert!(
            plan.requires_replace.is_empty(),
            "unexpected replace: {:?}",
            plan.requires_replace
        );
        assert_eq!(
            plan.planned_state.to_json(),
            prior.to_json(),
            "plan is not a no-op"
        );
        assert_eq!(
            &plan.planned_state, prior,
            "plan is not a no-op (types differ)"
        );
    }

    /// The attributes whose change the plan says forces replacement.
    pub async fn replaced_by(&self, type_name: &str, prior: &Value, config: &Value) -> Vec<String> {
        let plan = self.plan(type_name, Some(prior), config).await;
        plan.requires_replace
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    pub async fn read(&self, type_name: &str, state: &Value) -> Option<Value> {
        self.p
            .read(type_name, state)
            .await
            .unwrap_or_else(|d| panic!("read {type_name}: {}", messages(&d)))
    }

    /// Reads and checks the object is unchanged.
    pub async fn assert_unchanged(&self, type_name: &str, state: &Value) {
        let read = self
            .read(type_name, state)
            .await
            .expect("the object exists");
        assert_eq!(
            read.to_json(),
            state.to_json(),
            "read differs from the state"
        );
        assert_eq!(&read, state, "read differs from the state (types differ)");
    }

    pub async fn delete(&self, type_name: &str, state: &Value) {
        let r = self
            .try_apply(type_name, Some(state), None, &Value::null(), None)
            .await
            .unwrap_or_else(|d| panic!("delete {type_name}: {}", messages(&d)));
        assert!(r.is_none());
        assert!(
            self.read(type_name, state).await.is_none(),
            "{type_name} still exists after delete"
        );
    }

    pub async fn import(&self, type_name: &str, id: &str) -> Value {
        self.p
            .import(type_name, id)
            .await
            .unwrap_or_else(|d| panic!("import {type_name} {id}: {}", messages(&d)))
    }

    /// Crash recovery's lookup with the planned object and the instant the intent was recorded.
    pub async fn find_created(
        &self,
        type_name: &str,
        marker: &str,
        planned: &Value,
        recorded_at: std::time::SystemTime,
    ) -> Option<Value> {
        let query = infra_provider::IntentQuery {
            marker,
            planned: Some(planned),
            recorded_at,
        };
        self.p
            .find_by_intent(type_name, &query)
            .await
            .unwrap_or_else(|d| panic!("find_by_intent: {}", messages(&d)))
    }

    pub async fn find_by_intent(&self, type_name: &str, marker: &str) -> Option<Value> {
        let query = infra_provider::IntentQuery {
            marker,
            planned: None,
            recorded_at: std::time::SystemTime::now(),
        };
        self.p
            .find_by_intent(type_name, &query)
            .await
            .unwrap_or_else(|d| panic!("find_by_intent: {}", messages(&d)))
    }

    /// A VPC to put things in.
    pub async fn vpc(&self, cidr: &str) -> Value {
        self.create("aws_vpc", &self.cfg("aws_vpc", json!({"cidr_block": cidr})))
            .await
    }

    /// The EC2 tags of an object, as AWS has them.
    pub async fn ec2_tags(&self, id: &str) -> BTreeMap<String, String> {
        let out = self
            .ec2
            .describe_tags()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("resource-id")
                    .values(id)
                    .build(),
            )
            .send()
            .await
            .expect("DescribeTags");
        out.tags()
            .iter()
            .map(|t| {
                (
                    t.key().unwrap_or_default().to_string(),
                    t.value().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    /// Sets an EC2 tag out of band.
    pub async fn set_ec2_tag(&self, id: &str, k: &str, v: &str) {
        self.ec2
            .create_tags()
            .resources(id)
            .tags(aws_sdk_ec2::types::Tag::builder().key(k).value(v).build())
            .send()
            .await
            .expect("CreateTags");
    }
}
