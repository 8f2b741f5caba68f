//! `random_integer`: a random integer from an inclusive range, drawn with the operating system's
//! CSPRNG, or deterministically from `seed` when one is given.
//!
//! ```hcl
//! resource "random_integer" "priority" {
//!   min  = 1
//!   max  = 50000
//!   seed = var.listener_arn
//! }
//! ```
//!
//! Attributes: `min` and `max` (required whole numbers, `min` <= `max`, both inclusive), `seed`
//! (optional string), `keepers`, and the computed `result` (number) and `id` (the result in
//! decimal).
//!
//! Replacement: any change to `min`, `max`, `seed` or a non-null `keepers` value.
//!
//! Import: `RESULT,MIN,MAX` or `RESULT,MIN,MAX,SEED` (`infra import random_integer.priority
//! 15390,1,50000`), as in Terraform's provider.

use async_trait::async_trait;
use infra_core::{Diagnostic, Diagnostics, Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ResourceSchema};

use super::{import_error, keeper_rules, keepers_schema, validate_keepers};
use crate::attrs::{
    collect, int, null_string_map, obj, object, opt_string, optional, required, string, Field,
};
use crate::framework::{ManagedResource, OpContext};
use crate::plan::{plan_with_rules, proposed_attrs};
use crate::rng::{OsRandom, RandomSource, SeededRandom};

pub(crate) struct RandomInteger;

/// A uniform integer in `min..=max` (`min` <= `max`).
fn draw(min: i64, max: i64, rng: &mut dyn RandomSource) -> Result<i64, Diagnostics> {
    // The span is at most 2^64, which `below` takes as 0.
    let span = (i128::from(max) - i128::from(min) + 1) as u64;
    let offset = rng.below(span)?;
    Ok((i128::from(min) + i128::from(offset)) as i64)
}

fn range_error(min: i64, max: i64) -> Diagnostic {
    Diagnostic::error(
        "Invalid attribute combination",
        format!("The minimum (`min` = {min}) must be less than or equal to the maximum (`max` = {max})."),
    )
}

#[async_trait]
impl ManagedResource for RandomInteger {
    fn type_name(&self) -> &'static str {
        "random_integer"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: BlockSchema::default()
                .attr("keepers", keepers_schema())
                .attr(
                    "min",
                    AttributeSchema::required(Type::Number)
                        .force_new()
                        .describe("The minimum inclusive value of the range."),
                )
                .attr(
                    "max",
                    AttributeSchema::required(Type::Number)
                        .force_new()
                        .describe("The maximum inclusive value of the range."),
                )
                .attr(
                    "seed",
                    AttributeSchema::optional(Type::String)
                        .force_new()
                        .describe("A custom seed to always produce the same value."),
                )
                .attr(
                    "result",
                    AttributeSchema::computed(Type::Number).describe("The random integer result."),
                )
                .attr(
                    "id",
                    AttributeSchema::computed(Type::String)
                        .describe("The string representation of the integer result."),
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
        let min = collect(&mut diags, int(m, "min"));
        let max = collect(&mut diags, int(m, "max"));
        if let (Field::Known(min), Field::Known(max)) = (min, max) {
            if min > max {
                diags.push(range_error(min, max));
            }
        }
        collect(&mut diags, string(m, "seed"));
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
        let min = required(int(&m, "min")?, "min")?;
        let max = required(int(&m, "max")?, "max")?;
        if min > max {
            return Err(range_error(min, max).into());
        }
        // As in Terraform's provider, an empty seed is no seed.
        let result = match optional(string(&m, "seed")?, "seed")?.filter(|s| !s.is_empty()) {
            Some(seed) => draw(min, max, &mut SeededRandom::new(&seed))?,
            None => draw(min, max, &mut OsRandom)?,
        };
        m.insert("result".into(), Value::int(result));
        m.insert("id".into(), Value::string(result.to_string()));
        Ok(Value::Object(m))
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let parts: Vec<&str> = id.split(',').collect();
        if parts.len() != 3 && parts.len() != 4 {
            return Err(import_error(format!(
                "The import id {id:?} must have the form RESULT,MIN,MAX or RESULT,MIN,MAX,SEED."
            )));
        }
        let mut nums = [0i64; 3];
        for ((n, s), name) in nums.iter_mut().zip(&parts).zip(["result", "min", "max"]) {
            *n = s.trim().parse().map_err(|_| {
                import_error(format!(
                    "The {name} {s:?} in the import id {id:?} is not a whole number."
                ))
            })?;
        }
        let [result, min, max] = nums;
        Ok(obj([
            ("keepers", null_string_map()),
            ("min", Value::int(min)),
            ("max", Value::int(max)),
            ("seed", opt_string(parts.get(3).copied())),
            ("result", Value::int(result)),
            ("id", Value::string(result.to_string())),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use infra_core::Value;

    use super::draw;
    use crate::rng::SeededRandom;
    use crate::testutil::*;

    const T: &str = "random_integer";

    #[test]
    fn draws_cover_extreme_ranges() {
        let mut rng = SeededRandom::new("x");
        assert_eq!(draw(5, 5, &mut rng).unwrap(), 5);
        for _ in 0..100 {
            let v = draw(-3, 3, &mut rng).unwrap();
            assert!((-3..=3).contains(&v));
        }
        let _ = draw(i64::MIN, i64::MAX, &mut rng).unwrap();
        assert_eq!(draw(i64::MAX, i64::MAX, &mut rng).unwrap(), i64::MAX);
        assert_eq!(draw(i64::MIN, i64::MIN, &mut rng).unwrap(), i64::MIN);
    }

    #[tokio::test]
    async fn lifecycle() {
        let p = crate::random::provider();
        let p = p.as_ref();
        let cfg = config(p, T, &[("min", Value::int(1)), ("max", Value::int(6))]);
        let state = create(p, T, &cfg).await;
        let n = attr(&state, "result")
            .as_number()
            .unwrap()
            .to_i64()
            .unwrap();
        assert!((1..=6).contains(&n));
        assert_eq!(str_attr(&state, "id"), n.to_string());

        assert_eq!(p.read(T, &state).await.unwrap().as_ref(), Some(&state));
        assert_no_op(p, T, &state, &cfg).await;

        let wider = config(p, T, &[("min", Value::int(1)), ("max", Value::int(7))]);
        let resp = plan(p, T, Some(&state), &wider).await.unwrap();
        assert!(crate::plan::replaces_for(&resp, "max"));
        assert!(!attr(&resp.planned_state, "result").is_known());
        delete(p, T, &state, &cfg).await;
    }

    #[tokio::test]
    async fn a_seed_gives_the_same_result_every_time() {
        let p = crate::random::provider();
        let p = p.as_ref();
        let cfg = config(
            p,
            T,
            &[
                ("min", Value::int(1)),
                ("max", Value::int(1_000_000)),
                ("seed", Value::string("listener-1")),
            ],
        );
        let first = create(p, T, &cfg).await;
        for _ in 0..5 {
            let again = create(p, T, &cfg).await;
            assert_eq!(attr(&again, "result"), attr(&first, "result"));
        }
        let other = config(
            p,
            T,
            &[
                ("min", Value::int(1)),
                ("max", Value::int(1_000_000)),
                ("seed", Value::string("listener-2")),
            ],
        );
        let other = create(p, T, &other).await;
        assert_ne!(attr(&other, "result"), attr(&first, "result"));
    }

    #[tokio::test]
    async fn min_above_max_is_diagnosed() {
        let p = crate::random::provider();
        let p = p.as_ref();
        let cfg = config(p, T, &[("min", Value::int(10)), ("max", Value::int(1))]);
        let d = plan(p, T, None, &cfg).await.unwrap_err();
        let text = messages(&d);
        assert!(
            text.contains("`min` = 10") && text.contains("`max` = 1"),
            "{text}"
        );
        // And again at apply, should an unknown bound have hidden it during planning.
        let d = apply(p, T, None, Some(&cfg), &cfg).await.unwrap_err();
        assert!(messages(&d).contains("`min`"));
    }

    #[tokio::test]
    async fn import_parses_result_range_and_seed() {
        let p = crate::random::provider();
        let v = p.import(T, "15,1,50,s").await.unwrap();
        assert_eq!(attr(&v, "result"), &Value::int(15));
        assert_eq!(attr(&v, "min"), &Value::int(1));
        assert_eq!(attr(&v, "max"), &Value::int(50));
        assert_eq!(str_attr(&v, "seed"), "s");
        assert_eq!(str_attr(&v, "id"), "15");
        for bad in ["15", "15,1", "x,1,2", "1,2,3,4,5"] {
            assert!(p.import(T, bad).await.is_err(), "{bad}");
        }
    }
}
