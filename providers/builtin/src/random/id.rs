//! `random_id`: random bytes meant as a unique identifier, given in several encodings. Uses the
//! operating system's CSPRNG, so 16 bytes are as unique as a version 4 UUID.
//!
//! ```hcl
//! resource "random_id" "server" {
//!   keepers     = { ami_id = var.ami_id }
//!   byte_length = 8
//!   prefix      = "web-"
//! }
//! ```
//!
//! Attributes: `byte_length` (required, 1 to 4096), `prefix` (optional, prepended as is),
//! `keepers`, and the computed `id` (the bytes in unpadded URL-safe base64, without prefix),
//! `b64_url` (prefix + `id`), `b64_std` (prefix + padded standard base64), `hex` (prefix +
//! lower-case hex, two digits per byte) and `dec` (prefix + the bytes as a big-endian unsigned
//! decimal integer), exactly as Terraform's provider encodes them.
//!
//! Replacement: any change to `byte_length`, `prefix` or a non-null `keepers` value.
//!
//! Import: by the `b64_url` value without prefix, or `PREFIX,B64_URL` with a prefix
//! (`infra import random_id.server p-,cGsoLg`), as in Terraform's provider.

use async_trait::async_trait;
use base64::Engine;
use infra_core::{Diagnostics, Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ResourceSchema};

use super::{bounded_int, import_error, keeper_rules, keepers_schema, validate_keepers};
use crate::attrs::{
    collect, hex, null_string_map, obj, object, opt_string, optional, required, string,
};
use crate::framework::{ManagedResource, OpContext};
use crate::plan::{plan_with_rules, proposed_attrs};
use crate::rng;

pub(crate) struct RandomId;

const MAX_BYTES: i64 = 4096;

/// The bytes as a big-endian unsigned decimal integer (Go's `big.Int.SetBytes(..).String()`).
pub(crate) fn decimal(bytes: &[u8]) -> String {
    // Repeated division by 10^9 of a big-endian base-256 number.
    let mut num: Vec<u8> = bytes.iter().copied().skip_while(|&b| b == 0).collect();
    let mut chunks = Vec::new();
    while !num.is_empty() {
        let mut rem: u64 = 0;
        let mut quotient = Vec::with_capacity(num.len());
        for &b in &num {
            let cur = (rem << 8) | u64::from(b);
            let q = cur / 1_000_000_000;
            rem = cur % 1_000_000_000;
            if !(quotient.is_empty() && q == 0) {
                quotient.push(q as u8);
            }
        }
        chunks.push(rem);
        num = quotient;
    }
    let Some((last, rest)) = chunks.split_last() else {
        return "0".to_string();
    };
    let mut s = last.to_string();
    for c in rest.iter().rev() {
        s.push_str(&format!("{c:09}"));
    }
    s
}

/// The state attributes derived from the bytes.
fn encodings(bytes: &[u8], prefix: &str) -> [(&'static str, Value); 5] {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    let id = URL_SAFE_NO_PAD.encode(bytes);
    [
        ("b64_url", Value::string(format!("{prefix}{id}"))),
        (
            "b64_std",
            Value::string(format!("{prefix}{}", STANDARD.encode(bytes))),
        ),
        ("hex", Value::string(format!("{prefix}{}", hex(bytes)))),
        ("dec", Value::string(format!("{prefix}{}", decimal(bytes)))),
        ("id", Value::string(id)),
    ]
}

#[async_trait]
impl ManagedResource for RandomId {
    fn type_name(&self) -> &'static str {
        "random_id"
    }

    fn schema(&self) -> ResourceSchema {
        let computed = |d: &str| AttributeSchema::computed(Type::String).describe(d);
        ResourceSchema {
            version: 0,
            block: BlockSchema::default()
                .attr("keepers", keepers_schema())
                .attr(
                    "byte_length",
                    AttributeSchema::required(Type::Number)
                        .force_new()
                        .describe("The number of random bytes to produce. The minimum value is 1."),
                )
                .attr(
                    "prefix",
                    AttributeSchema::optional(Type::String)
                        .force_new()
                        .describe(
                            "Arbitrary string to prefix the output value with, supplied as is.",
                        ),
                )
                .attr(
                    "b64_url",
                    computed("The generated id in URL-safe base64 without padding."),
                )
                .attr("b64_std", computed("The generated id in standard base64."))
                .attr(
                    "hex",
                    computed("The generated id in padded hexadecimal digits."),
                )
                .attr(
                    "dec",
                    computed("The generated id in non-padded decimal digits."),
                )
                .attr(
                    "id",
                    computed("The generated id in URL-safe base64 without padding or prefix."),
                ),
        }
    }

    fn validate(&self, obj: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let m = match object(obj) {
            Ok(m) => m,
            Err(d) => return d,
        };
        validate_keepers(&mut diags, m);
        bounded_int(&mut diags, m, "byte_length", 1, MAX_BYTES);
        collect(&mut diags, string(m, "prefix"));
        diags
    }

    fn plan(&self, schema: &BlockSchema, req: &PlanRequest) -> Result<PlanResponse, Diagnostics> {
        Ok(plan_with_rules(
            schema,
            req,
            proposed_attrs(req),
            &keeper_rules(),
        ))
    }

    async fn create(&self, _ctx: &OpContext, planned: &Value) -> Result<Value, Diagnostics> {
        let mut m = object(planned)?.clone();
        let len = required(crate::attrs::int(&m, "byte_length")?, "byte_length")?;
        let prefix = optional(string(&m, "prefix")?, "prefix")?.unwrap_or_default();
        let mut bytes = vec![0u8; usize::try_from(len).unwrap_or(0)];
        rng::fill(&mut bytes)?;
        for (k, v) in encodings(&bytes, &prefix) {
            m.insert(k.to_string(), v);
        }
        Ok(Value::Object(m))
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let (prefix, b64) = match id.rsplit_once(',') {
            Some((p, b)) => (p, b),
            None => ("", id),
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(b64).map_err(|e| {
            import_error(format!(
                "The import id {b64:?} is not URL-safe base64 without padding ({e}). Import a random_id by \
                 its `b64_url` value without prefix, or as PREFIX,B64_URL."
            ))
        })?;
        if bytes.is_empty() {
            return Err(import_error(
                "The import id holds no bytes; a random_id has at least one.".into(),
            ));
        }
        let len = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let [b64_url, b64_std, hex, dec, id] = encodings(&bytes, prefix);
        Ok(obj([
            ("keepers", null_string_map()),
            ("byte_length", Value::int(len)),
            ("prefix", opt_string((!prefix.is_empty()).then_some(prefix))),
            b64_url,
            b64_std,
            hex,
            dec,
            id,
        ]))
    }
}

#[cfg(test)]
mod tests {
    use infra_core::Value;

    use super::decimal;
    use crate::testutil::*;

    const T: &str = "random_id";

    #[test]
    fn decimal_matches_big_int_strings() {
        assert_eq!(decimal(&[]), "0");
        assert_eq!(decimal(&[0, 0]), "0");
        assert_eq!(decimal(&[1]), "1");
        assert_eq!(decimal(&[0xff, 0xff]), "65535");
        assert_eq!(decimal(&[0x3b, 0x9a, 0xca, 0x00]), "1000000000");
        assert_eq!(decimal(&[0xff; 8]), u64::MAX.to_string());
        assert_eq!(decimal(&[0xff; 16]), u128::MAX.to_string());
        assert_eq!(
            decimal(&[1, 0, 0, 0, 0, 0, 0, 0, 0]),
            "18446744073709551616"
        );
    }

    #[tokio::test]
    async fn lifecycle_and_encodings() {
        let p = crate::random::provider();
        let p = p.as_ref();
        let cfg = config(
            p,
            T,
            &[
                ("byte_length", Value::int(8)),
                ("prefix", Value::string("web-")),
                ("keepers", string_map(&[("ami", "1")])),
            ],
        );
        let state = create(p, T, &cfg).await;
        let id = str_attr(&state, "id");
        assert_eq!(id.len(), 11, "{id}");
        assert_eq!(str_attr(&state, "b64_url"), format!("web-{id}"));
        let hex = str_attr(&state, "hex").strip_prefix("web-").unwrap();
        assert_eq!(hex.len(), 16);
        let n = u64::from_str_radix(hex, 16).unwrap();
        assert_eq!(str_attr(&state, "dec"), format!("web-{n}"));
        assert!(str_attr(&state, "b64_std").starts_with("web-"));

        assert_eq!(p.read(T, &state).await.unwrap().as_ref(), Some(&state));
        assert_no_op(p, T, &state, &cfg).await;

        for (name, v) in [
            ("byte_length", Value::int(9)),
            ("prefix", Value::string("db-")),
            ("keepers", string_map(&[("ami", "2")])),
        ] {
            let mut args = vec![
                ("byte_length", Value::int(8)),
                ("prefix", Value::string("web-")),
                ("keepers", string_map(&[("ami", "1")])),
            ];
            args.retain(|(k, _)| *k != name);
            args.push((name, v));
            let resp = plan(p, T, Some(&state), &config(p, T, &args))
                .await
                .unwrap();
            assert!(crate::plan::replaces_for(&resp, name), "{name}");
            assert!(
                !attr(&resp.planned_state, "hex").is_known(),
                "{name}: the replacement gets new bytes"
            );
        }
        delete(p, T, &state, &cfg).await;
    }

    #[tokio::test]
    async fn import_decodes_b64_url_with_optional_prefix() {
        let p = crate::random::provider();
        let v = p.import(T, "p-,AQID").await.unwrap();
        assert_eq!(str_attr(&v, "id"), "AQID");
        assert_eq!(str_attr(&v, "b64_url"), "p-AQID");
        assert_eq!(str_attr(&v, "b64_std"), "p-AQID");
        assert_eq!(str_attr(&v, "hex"), "p-010203");
        assert_eq!(str_attr(&v, "dec"), "p-66051");
        assert_eq!(str_attr(&v, "prefix"), "p-");
        assert_eq!(attr(&v, "byte_length"), &Value::int(3));
        let v = p.import(T, "_-8").await.unwrap();
        assert_eq!(str_attr(&v, "hex"), "ffef");
        assert!(attr(&v, "prefix").is_null());
        assert!(p.import(T, "not base64!").await.is_err());
        assert!(p.import(T, "").await.is_err());
    }

    #[tokio::test]
    async fn byte_length_must_be_positive_and_whole() {
        let p = crate::random::provider();
        let p = p.as_ref();
        for (v, fragment) in [
            (Value::int(0), "at least 1"),
            (Value::int(-3), "at least 1"),
            (Value::int(1 << 20), "at most 4096"),
            (
                Value::Number(infra_core::Number::parse("1.5").unwrap()),
                "whole number",
            ),
        ] {
            let d = plan(p, T, None, &config(p, T, &[("byte_length", v)]))
                .await
                .unwrap_err();
            let text = messages(&d);
            assert!(
                text.contains("`byte_length`") && text.contains(fragment),
                "{text}"
            );
        }
    }
}
