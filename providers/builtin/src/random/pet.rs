//! `random_pet`: a random, readable name such as `"ideal-mollusk"`, meant as a unique identifier
//! for other resources (bucket names, cluster names).
//!
//! ```hcl
//! resource "random_pet" "bucket" {
//!   keepers = { region = var.region }
//!   prefix  = "logs"
//!   length  = 3
//! }
//! ```
//!
//! Attributes: `length` (words, default 2, 1 to 1000), `separator` (default `"-"`), `prefix`
//! (optional, joined with the separator), `keepers`, and the computed `id`: one name for length
//! 1, adjective and name for 2, and adverbs before them for more ("gladly-brave-otter"), as
//! Terraform's. The words come from infra's own lists (`pet_words.rs`), not Terraform's.
//!
//! Replacement: any change to `length`, `separator`, `prefix` or a non-null `keepers` value.
//!
//! Import: not supported, as in Terraform's provider.

use async_trait::async_trait;
use infra_core::{Diagnostics, Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ResourceSchema};

use super::pet_words::{ADJECTIVES, ADVERBS, NAMES};
use super::{bounded_int, keeper_rules, keepers_schema, validate_keepers};
use crate::attrs::{collect, int, object, optional, string};
use crate::framework::{ManagedResource, OpContext};
use crate::plan::{plan_with_rules, proposed_attrs};
use crate::rng::{OsRandom, RandomSource};

pub(crate) struct RandomPet;

const MAX_WORDS: i64 = 1000;

/// A pet name of `words` (>= 1) words.
fn pet_name(
    words: usize,
    separator: &str,
    rng: &mut dyn RandomSource,
) -> Result<String, Diagnostics> {
    let mut pick = |list: &[&'static str]| rng.index(list.len()).map(|i| list[i]);
    let mut parts = Vec::with_capacity(words);
    for _ in 2..words {
        parts.push(pick(ADVERBS)?);
    }
    if words >= 2 {
        parts.push(pick(ADJECTIVES)?);
    }
    parts.push(pick(NAMES)?);
    Ok(parts.join(separator))
}

#[async_trait]
impl ManagedResource for RandomPet {
    fn type_name(&self) -> &'static str {
        "random_pet"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: BlockSchema::default()
                .attr("keepers", keepers_schema())
                .attr(
                    "length",
                    AttributeSchema::optional_computed(Type::Number)
                        .force_new()
                        .describe("The length (in words) of the pet name. Defaults to 2."),
                )
                .attr(
                    "prefix",
                    AttributeSchema::optional(Type::String)
                        .force_new()
                        .describe("A string to prefix the name with."),
                )
                .attr(
                    "separator",
                    AttributeSchema::optional_computed(Type::String)
                        .force_new()
                        .describe(
                            "The character to separate words in the pet name. Defaults to \"-\".",
                        ),
                )
                .attr(
                    "id",
                    AttributeSchema::computed(Type::String).describe("The random pet name."),
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
        bounded_int(&mut diags, m, "length", 1, MAX_WORDS);
        collect(&mut diags, string(m, "prefix"));
        collect(&mut diags, string(m, "separator"));
        diags
    }

    fn plan(&self, schema: &BlockSchema, req: &PlanRequest) -> Result<PlanResponse, Diagnostics> {
        let mut rules = keeper_rules();
        rules.defaults = vec![("length", Value::int(2)), ("separator", Value::string("-"))];
        Ok(plan_with_rules(schema, req, proposed_attrs(req), &rules))
    }

    async fn create(&self, _ctx: &OpContext, planned: &Value) -> Result<Value, Diagnostics> {
        let mut m = object(planned)?.clone();
        let words = optional(int(&m, "length")?, "length")?.unwrap_or(2);
        let separator =
            optional(string(&m, "separator")?, "separator")?.unwrap_or_else(|| "-".into());
        let prefix = optional(string(&m, "prefix")?, "prefix")?.unwrap_or_default();
        let mut name = pet_name(
            usize::try_from(words).unwrap_or(1).max(1),
            &separator,
            &mut OsRandom,
        )?;
        if !prefix.is_empty() {
            name = format!("{prefix}{separator}{name}");
        }
        m.insert("id".into(), Value::string(name));
        Ok(Value::Object(m))
    }
}

#[cfg(test)]
mod tests {
    use infra_core::Value;

    use super::pet_name;
    use crate::random::pet_words::{ADJECTIVES, ADVERBS, NAMES};
    use crate::rng::SeededRandom;
    use crate::testutil::*;

    const T: &str = "random_pet";

    #[test]
    fn names_have_the_shape_of_terraforms() {
        let mut rng = SeededRandom::new("pets");
        let one = pet_name(1, "-", &mut rng).unwrap();
        assert!(NAMES.contains(&one.as_str()));
        let two = pet_name(2, "-", &mut rng).unwrap();
        let (adj, name) = two.split_once('-').unwrap();
        assert!(ADJECTIVES.contains(&adj) && NAMES.contains(&name), "{two}");
        let four = pet_name(4, "_", &mut rng).unwrap();
        let words: Vec<&str> = four.split('_').collect();
        assert_eq!(words.len(), 4);
        assert!(
            ADVERBS.contains(&words[0]) && ADVERBS.contains(&words[1]),
            "{four}"
        );
        assert!(
            ADJECTIVES.contains(&words[2]) && NAMES.contains(&words[3]),
            "{four}"
        );
    }

    #[tokio::test]
    async fn lifecycle_with_defaults() {
        let p = crate::random::provider();
        let p = p.as_ref();
        let cfg = config(p, T, &[]);
        let planned = plan(p, T, None, &cfg).await.unwrap().planned_state;
        assert_eq!(attr(&planned, "length"), &Value::int(2));
        assert_eq!(str_attr(&planned, "separator"), "-");

        let state = create(p, T, &cfg).await;
        assert_eq!(
            str_attr(&state, "id").split('-').count(),
            2,
            "{}",
            str_attr(&state, "id")
        );
        assert_eq!(p.read(T, &state).await.unwrap().as_ref(), Some(&state));
        assert_no_op(p, T, &state, &cfg).await;

        let resp = plan(
            p,
            T,
            Some(&state),
            &config(p, T, &[("separator", Value::string("_"))]),
        )
        .await
        .unwrap();
        assert!(crate::plan::replaces_for(&resp, "separator"));
        assert!(!attr(&resp.planned_state, "id").is_known());
        delete(p, T, &state, &cfg).await;
    }

    #[tokio::test]
    async fn prefix_and_length() {
        let p = crate::random::provider();
        let p = p.as_ref();
        let cfg = config(
            p,
            T,
            &[
                ("prefix", Value::string("logs")),
                ("length", Value::int(3)),
                ("separator", Value::string(".")),
            ],
        );
        let state = create(p, T, &cfg).await;
        let id = str_attr(&state, "id");
        assert!(id.starts_with("logs."), "{id}");
        assert_eq!(id.split('.').count(), 4, "{id}");
    }

    #[tokio::test]
    async fn length_must_be_positive() {
        let p = crate::random::provider();
        let p = p.as_ref();
        let d = plan(p, T, None, &config(p, T, &[("length", Value::int(0))]))
            .await
            .unwrap_err();
        assert!(messages(&d).contains("`length`"), "{}", messages(&d));
        assert!(p.import(T, "happy-cat").await.is_err());
    }
}
