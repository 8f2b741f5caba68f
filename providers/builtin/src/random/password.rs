//! `random_password`: `random_string` for secrets. The result and its bcrypt hash are sensitive,
//! so they are never shown in plans or outputs, and the id is the constant `"none"`.
//!
//! ```hcl
//! resource "random_password" "db" {
//!   length           = 24
//!   override_special = "!#$%&*()-_=+[]{}<>:?"
//! }
//! ```
//!
//! Attributes: those of `random_string` (see `string.rs`), with `result` sensitive, plus
//! `bcrypt_hash` (computed, sensitive: a bcrypt hash of the first 72 bytes of the result, cost 10,
//! `$2a$` format, as Terraform's provider makes it) and `id` (always `"none"`).
//!
//! Replacement: as `random_string`.
//!
//! Import: by the password itself (`infra import random_password.db 'the-password'`), as in
//! Terraform's provider.

use async_trait::async_trait;
use infra_core::{Diagnostic, Diagnostics, Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ResourceSchema};

use super::string::{generate, imported, plan_string, string_schema, validate_string};
use crate::attrs::object;
use crate::framework::{ManagedResource, OpContext};
use crate::rng::OsRandom;

pub(crate) struct RandomPassword;

/// Go's `bcrypt.DefaultCost`, which Terraform's provider uses.
const BCRYPT_COST: u32 = 10;

/// The bcrypt hash of a password, truncated to bcrypt's 72-byte limit as Terraform's provider does.
fn bcrypt_hash(password: &str) -> Result<String, Diagnostics> {
    let bytes = password.as_bytes();
    let bytes = &bytes[..bytes.len().min(72)];
    bcrypt::hash_with_result(bytes, BCRYPT_COST)
        .map(|h| h.format_for_version(bcrypt::Version::TwoA))
        .map_err(|e| {
            Diagnostic::error(
                "Unable to hash password",
                format!("Generating the bcrypt hash of the password failed: {e}. Check that the system can provide randomness, then retry."),
            )
            .into()
        })
}

#[async_trait]
impl ManagedResource for RandomPassword {
    fn type_name(&self) -> &'static str {
        "random_password"
    }

    fn schema(&self) -> ResourceSchema {
        let block = string_schema(true).attr(
            "bcrypt_hash",
            AttributeSchema::computed(Type::String)
                .sensitive()
                .describe("A bcrypt hash of the generated random string (of its first 72 bytes)."),
        );
        ResourceSchema { version: 3, block }
    }

    fn validate(&self, obj: &Value) -> Diagnostics {
        validate_string(obj)
    }

    fn plan(&self, schema: &BlockSchema, req: &PlanRequest) -> Result<PlanResponse, Diagnostics> {
        plan_string(schema, req)
    }

    async fn create(&self, _ctx: &OpContext, planned: &Value) -> Result<Value, Diagnostics> {
        let mut m = object(planned)?.clone();
        let result = generate(&m, &mut OsRandom)?;
        m.insert("bcrypt_hash".into(), Value::string(bcrypt_hash(&result)?));
        m.insert("result".into(), Value::string(result));
        m.insert("id".into(), Value::string("none"));
        Ok(Value::Object(m))
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let mut m = imported(id);
        m.insert("bcrypt_hash".into(), Value::string(bcrypt_hash(id)?));
        m.insert("id".into(), Value::string("none"));
        Ok(Value::Object(m))
    }
}

#[cfg(test)]
mod tests {
    use infra_core::Value;

    use crate::testutil::*;

    const T: &str = "random_password";

    #[test]
    fn result_and_hash_are_sensitive_in_the_schema() {
        let p = crate::random::provider();
        let s = &p.schema().resources[T].block;
        assert!(s.attributes["result"].sensitive);
        assert!(s.attributes["bcrypt_hash"].sensitive);
        assert!(!s.attributes["id"].sensitive);
        assert!(!p.schema().resources["random_string"].block.attributes["result"].sensitive);
    }

    #[tokio::test]
    async fn lifecycle_with_a_verifiable_hash() {
        let p = crate::random::provider();
        let p = p.as_ref();
        let cfg = config(
            p,
            T,
            &[("length", Value::int(20)), ("min_special", Value::int(2))],
        );
        let state = create(p, T, &cfg).await;
        let result = str_attr(&state, "result");
        assert_eq!(result.chars().count(), 20);
        assert_eq!(str_attr(&state, "id"), "none");
        let hash = str_attr(&state, "bcrypt_hash");
        assert!(hash.starts_with("$2a$10$"), "{hash}");
        assert!(bcrypt::verify(result, hash).unwrap());

        assert_eq!(p.read(T, &state).await.unwrap().as_ref(), Some(&state));
        assert_no_op(p, T, &state, &cfg).await;

        let keepers = config(
            p,
            T,
            &[
                ("length", Value::int(20)),
                ("min_special", Value::int(2)),
                ("keepers", string_map(&[("rotate", "1")])),
            ],
        );
        let resp = plan(p, T, Some(&state), &keepers).await.unwrap();
        assert!(crate::plan::replaces_for(&resp, "keepers"));
        assert!(!attr(&resp.planned_state, "bcrypt_hash").is_known());
        delete(p, T, &state, &cfg).await;
    }

    #[tokio::test]
    async fn import_takes_the_password() {
        let p = crate::random::provider();
        let v = p.import(T, "s3cret!").await.unwrap();
        assert_eq!(str_attr(&v, "result"), "s3cret!");
        assert_eq!(str_attr(&v, "id"), "none");
        assert!(bcrypt::verify("s3cret!", str_attr(&v, "bcrypt_hash")).unwrap());
    }
}
