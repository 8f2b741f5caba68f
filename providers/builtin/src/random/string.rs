//! `random_string`: a random string of letters, digits and special characters, drawn with the
//! operating system's CSPRNG. (For secrets use `random_password`, whose result is sensitive; this
//! file also holds the schema, checks and generator the two share.)
//!
//! ```hcl
//! resource "random_string" "suffix" {
//!   length  = 8
//!   special = false
//!   upper   = false
//! }
//! ```
//!
//! Attributes: `length` (required, 1 to 1048576), `upper`, `lower`, `numeric` (and its deprecated
//! alias `number`, kept equal to it) and `special` (bools, default true), `min_upper`,
//! `min_lower`, `min_numeric`, `min_special` (default 0; `length` must be at least their sum),
//! `override_special` (the special characters to use instead of `!@#$%&*()-_=+[]{}<>:?`),
//! `keepers`, and the computed `result` and `id` (both the generated string).
//!
//! Replacement: any change to an argument (except `override_special` going from `""` to null,
//! and `keepers` changes that only add or drop null values).
//!
//! Import: by the string itself (`infra import random_string.suffix x7k2p9qa`); the arguments
//! take their defaults and `length` the string's length, as in Terraform's provider.

use async_trait::async_trait;
use infra_core::{Diagnostic, Diagnostics, Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ResourceSchema};

use super::{bounded_int, keeper_rules, keepers_schema, validate_keepers};
use crate::attrs::{
    boolean, collect, get, int, invalid, object, optional, required, string, Attrs, Field,
};
use crate::framework::{ManagedResource, OpContext};
use crate::plan::{plan_with_rules, proposed_attrs};
use crate::rng::{OsRandom, RandomSource};

pub(crate) struct RandomString;

const DEFAULT_SPECIAL: &str = "!@#$%&*()-_=+[]{}<>:?";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const DIGITS: &str = "0123456789";
const MAX_LENGTH: i64 = 1 << 20;
const MINS: [&str; 4] = ["min_upper", "min_lower", "min_numeric", "min_special"];
const CLASSES: [&str; 4] = ["upper", "lower", "numeric", "special"];

/// The schema of `random_string` (and, with `sensitive`, of `random_password` before its
/// `bcrypt_hash`).
pub(super) fn string_schema(sensitive: bool) -> BlockSchema {
    let flag = |d: &str| {
        AttributeSchema::optional_computed(Type::Bool)
            .force_new()
            .describe(d)
    };
    let min = |d: &str| {
        AttributeSchema::optional_computed(Type::Number)
            .force_new()
            .describe(d)
    };
    BlockSchema::default()
        .attr("keepers", keepers_schema())
        .attr(
            "length",
            AttributeSchema::required(Type::Number).force_new().describe(
                "The length of the string desired. At least 1, and at least min_upper + min_lower + min_numeric + min_special.",
            ),
        )
        .attr("special", flag("Include special characters in the result. Default value is `true`."))
        .attr("upper", flag("Include uppercase alphabet characters in the result. Default value is `true`."))
        .attr("lower", flag("Include lowercase alphabet characters in the result. Default value is `true`."))
        .attr("number", flag("Include numeric characters in the result. Deprecated: use `numeric` instead."))
        .attr("numeric", flag("Include numeric characters in the result. Default value is `true`."))
        .attr("min_numeric", min("Minimum number of numeric characters in the result. Default value is `0`."))
        .attr("min_upper", min("Minimum number of uppercase alphabet characters in the result. Default value is `0`."))
        .attr("min_lower", min("Minimum number of lowercase alphabet characters in the result. Default value is `0`."))
        .attr("min_special", min("Minimum number of special characters in the result. Default value is `0`."))
        .attr(
            "override_special",
            AttributeSchema::optional(Type::String)
                .force_new()
                .describe("Supply your own list of special characters to use for string generation."),
        )
        .attr(
            "result",
            AttributeSchema { sensitive, ..AttributeSchema::computed(Type::String) }.describe("The generated random string."),
        )
        .attr(
            "id",
            AttributeSchema::computed(Type::String).describe(if sensitive {
                "A static value used internally by Terraform, this should not be referenced in configurations."
            } else {
                "The generated random string."
            }),
        )
}

/// Checks the known arguments of a `random_string` or `random_password`.
pub(super) fn validate_string(obj: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let m = match object(obj) {
        Ok(m) => m,
        Err(d) => return d,
    };
    validate_keepers(&mut diags, m);
    let length = bounded_int(&mut diags, m, "length", 1, MAX_LENGTH);
    let mins: Vec<Field<i64>> = MINS
        .iter()
        .map(|n| bounded_int(&mut diags, m, n, 0, MAX_LENGTH))
        .collect();
    let known_mins: Option<Vec<i64>> = mins
        .iter()
        .map(|f| {
            if f.is_null() {
                Some(0)
            } else {
                f.clone().known()
            }
        })
        .collect();
    let sum_mins = known_mins.map(|v| v.iter().sum::<i64>());
    if let (Field::Known(length), Some(sum)) = (&length, sum_mins) {
        if *length < sum {
            diags.push(invalid(
                "length",
                format!(
                    "the length ({length}) must be at least min_upper + min_lower + min_numeric + min_special ({sum})."
                ),
            ));
        }
    }
    let number = collect(&mut diags, boolean(m, "number"));
    let numeric = collect(&mut diags, boolean(m, "numeric"));
    if let (Field::Known(a), Field::Known(b)) = (&number, &numeric) {
        if a != b {
            diags.push(Diagnostic::error(
                "Conflicting attributes",
                "`number` and `numeric` are both set, to different values. `number` is deprecated: remove it and keep `numeric`.",
            ));
        }
    }
    collect(&mut diags, string(m, "override_special"));
    // With every character class switched off there is nothing to fill the string with.
    let flag = |name: &str, diags: &mut Diagnostics| match collect(diags, boolean(m, name)) {
        Field::Null => Some(true),
        f => f.known(),
    };
    let numeric_on = match (&numeric, &number) {
        (Field::Null, Field::Null) => Some(true),
        (Field::Null, n) | (n, _) => n.clone().known(),
    };
    let classes = [
        flag("upper", &mut diags),
        flag("lower", &mut diags),
        numeric_on,
        flag("special", &mut diags),
    ];
    if let (Field::Known(length), Some(sum), true) =
        (length, sum_mins, classes.iter().all(|c| *c == Some(false)))
    {
        if length > sum {
            diags.push(Diagnostic::error(
                "Invalid attribute combination",
                "With `upper`, `lower`, `numeric` and `special` all false there are no characters to fill the string \
                 with beyond the min_* counts. Set at least one of them to true.",
            ));
        }
    }
    diags
}

/// Plans a `random_string` or `random_password`: defaults, `number`/`numeric` kept equal, and
/// the result kept until something forces a replacement.
pub(super) fn plan_string(
    schema: &BlockSchema,
    req: &PlanRequest,
) -> Result<PlanResponse, Diagnostics> {
    let config = req.config.entries().cloned().unwrap_or_default();
    // Both null: true. One null: the other's value (which may still be unknown).
    let (number, numeric) = (
        get(&config, "number").clone(),
        get(&config, "numeric").clone(),
    );
    let synced = match (number.is_null(), numeric.is_null()) {
        (true, true) => Value::Bool(true),
        (true, false) => numeric,
        (false, _) => number,
    };
    let mut rules = keeper_rules();
    rules.empty_string_is_null = &["override_special"];
    rules.defaults = vec![("number", synced.clone()), ("numeric", synced)];
    for flag in ["special", "upper", "lower"] {
        rules.defaults.push((flag, Value::Bool(true)));
    }
    for min in MINS {
        rules.defaults.push((min, Value::int(0)));
    }
    Ok(plan_with_rules(schema, req, proposed_attrs(req), &rules))
}

/// Generates the string a planned `random_string` or `random_password` asks for.
pub(super) fn generate(m: &Attrs, rng: &mut dyn RandomSource) -> Result<String, Diagnostics> {
    let length = required(int(m, "length")?, "length")?;
    let flag = |name: &str| -> Result<bool, Diagnostics> {
        Ok(optional(boolean(m, name)?, name)?.unwrap_or(true))
    };
    let specials = optional(string(m, "override_special")?, "override_special")?
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_SPECIAL.to_string());
    let sets: [Vec<char>; 4] = [
        UPPER.chars().collect(),
        LOWER.chars().collect(),
        DIGITS.chars().collect(),
        specials.chars().collect(),
    ];
    let mut pool: Vec<char> = Vec::new();
    for (set, class) in sets.iter().zip(CLASSES) {
        if flag(class)? {
            pool.extend(set);
        }
    }
    let mut out: Vec<char> = Vec::new();
    for (set, min) in sets.iter().zip(MINS) {
        let n = optional(int(m, min)?, min)?.unwrap_or(0);
        for _ in 0..n {
            out.push(set[rng.index(set.len())?]);
        }
    }
    let rest = usize::try_from(length)
        .unwrap_or(0)
        .saturating_sub(out.len());
    if rest > 0 && pool.is_empty() {
        return Err(invalid(
            "length",
            "no character class is enabled to fill the string with.",
        )
        .into());
    }
    for _ in 0..rest {
        out.push(pool[rng.index(pool.len())?]);
    }
    // Fisher-Yates, so the min_* characters are not all at the front.
    for i in (1..out.len()).rev() {
        let j = rng.index(i + 1)?;
        out.swap(i, j);
    }
    Ok(out.into_iter().collect())
}

/// The arguments of an imported string: Terraform's defaults, and the string's length.
pub(super) fn imported(result: &str) -> Attrs {
    let mut m = Attrs::new();
    m.insert("keepers".into(), crate::attrs::null_string_map());
    m.insert(
        "length".into(),
        Value::int(i64::try_from(result.chars().count()).unwrap_or(i64::MAX)),
    );
    for flag in ["special", "upper", "lower", "number", "numeric"] {
        m.insert(flag.into(), Value::Bool(true));
    }
    for min in MINS {
        m.insert(min.into(), Value::int(0));
    }
    m.insert("override_special".into(), Value::Null(Type::String));
    m.insert("result".into(), Value::string(result));
    m
}

#[async_trait]
impl ManagedResource for RandomString {
    fn type_name(&self) -> &'static str {
        "random_string"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 2,
            block: string_schema(false),
        }
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
        m.insert("result".into(), Value::string(result.clone()));
        m.insert("id".into(), Value::string(result));
        Ok(Value::Object(m))
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let mut m = imported(id);
        m.insert("id".into(), Value::string(id));
        Ok(Value::Object(m))
    }
}

#[cfg(test)]
mod tests {
    use infra_core::Value;

    use super::*;
    use crate::rng::SeededRandom;
    use crate::testutil::{self, *};

    const T: &str = "random_string";

    fn attrs(pairs: &[(&str, Value)]) -> Attrs {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn generation_honours_classes_and_minimums() {
        let mut rng = SeededRandom::new("t");
        for _ in 0..20 {
            let m = attrs(&[
                ("length", Value::int(12)),
                ("special", Value::Bool(false)),
                ("min_upper", Value::int(3)),
                ("min_numeric", Value::int(4)),
                ("lower", Value::Bool(false)),
            ]);
            let s = generate(&m, &mut rng).unwrap();
            assert_eq!(s.chars().count(), 12);
            assert!(
                s.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
                "{s}"
            );
            assert!(
                s.chars().filter(char::is_ascii_uppercase).count() >= 3,
                "{s}"
            );
            assert!(s.chars().filter(char::is_ascii_digit).count() >= 4, "{s}");
        }
        let m = attrs(&[
            ("length", Value::int(6)),
            ("upper", Value::Bool(false)),
            ("lower", Value::Bool(false)),
            ("numeric", Value::Bool(false)),
            ("override_special", Value::string("£€")),
        ]);
        let s = generate(&m, &mut rng).unwrap();
        assert_eq!(s.chars().count(), 6);
        assert!(s.chars().all(|c| c == '£' || c == '€'), "{s}");
    }

    #[tokio::test]
    async fn lifecycle() {
        let p = crate::random::provider();
        let p = p.as_ref();
        let cfg = config(
            p,
            T,
            &[("length", Value::int(16)), ("special", Value::Bool(false))],
        );
        let planned = testutil::plan(p, T, None, &cfg)
            .await
            .unwrap()
            .planned_state;
        assert_eq!(attr(&planned, "upper"), &Value::Bool(true));
        assert_eq!(attr(&planned, "min_lower"), &Value::int(0));
        assert_eq!(attr(&planned, "number"), &Value::Bool(true));
        assert!(!attr(&planned, "result").is_known());

        let state = create(p, T, &cfg).await;
        let result = str_attr(&state, "result");
        assert_eq!(result.len(), 16);
        assert!(
            result.chars().all(|c| c.is_ascii_alphanumeric()),
            "{result}"
        );
        assert_eq!(str_attr(&state, "id"), result);

        assert_eq!(p.read(T, &state).await.unwrap().as_ref(), Some(&state));
        assert_no_op(p, T, &state, &cfg).await;

        let longer = config(
            p,
            T,
            &[("length", Value::int(17)), ("special", Value::Bool(false))],
        );
        let resp = testutil::plan(p, T, Some(&state), &longer).await.unwrap();
        assert!(crate::plan::replaces_for(&resp, "length"));
        assert!(!attr(&resp.planned_state, "result").is_known());

        // Dropping `special = false` goes back to the default, true: a replacement.
        let resp = testutil::plan(
            p,
            T,
            Some(&state),
            &config(p, T, &[("length", Value::int(16))]),
        )
        .await
        .unwrap();
        assert!(crate::plan::replaces_for(&resp, "special"));

        delete(p, T, &state, &cfg).await;
    }

    #[tokio::test]
    async fn number_follows_numeric() {
        let p = crate::random::provider();
        let p = p.as_ref();
        let cfg = config(
            p,
            T,
            &[("length", Value::int(8)), ("numeric", Value::Bool(false))],
        );
        let state = create(p, T, &cfg).await;
        assert_eq!(attr(&state, "number"), &Value::Bool(false));
        assert!(!str_attr(&state, "result")
            .chars()
            .any(|c| c.is_ascii_digit()));
        assert_no_op(p, T, &state, &cfg).await;

        let both = config(
            p,
            T,
            &[
                ("length", Value::int(8)),
                ("numeric", Value::Bool(false)),
                ("number", Value::Bool(true)),
            ],
        );
        let d = testutil::plan(p, T, None, &both).await.unwrap_err();
        assert!(
            messages(&d).contains("`number` and `numeric`"),
            "{}",
            messages(&d)
        );
    }

    #[tokio::test]
    async fn override_special_from_empty_to_null_keeps_the_string() {
        let p = crate::random::provider();
        let p = p.as_ref();
        let state = create(
            p,
            T,
            &config(
                p,
                T,
                &[
                    ("length", Value::int(8)),
                    ("override_special", Value::string("")),
                ],
            ),
        )
        .await;
        let resp = testutil::plan(
            p,
            T,
            Some(&state),
            &config(p, T, &[("length", Value::int(8))]),
        )
        .await
        .unwrap();
        assert!(
            resp.requires_replace.is_empty(),
            "{:?}",
            resp.requires_replace
        );
    }

    #[tokio::test]
    async fn invalid_arguments_are_diagnosed() {
        let p = crate::random::provider();
        let p = p.as_ref();
        let f = |b: bool| Value::Bool(b);
        let cases: Vec<(Vec<(&str, Value)>, &str)> = vec![
            (
                vec![("length", Value::int(0))],
                "`length`: the value must be at least 1",
            ),
            (
                vec![
                    ("length", Value::int(3)),
                    ("min_upper", Value::int(2)),
                    ("min_lower", Value::int(2)),
                ],
                "(3) must be at least",
            ),
            (
                vec![("length", Value::int(3)), ("min_special", Value::int(-1))],
                "`min_special`",
            ),
            (
                vec![
                    ("length", Value::int(3)),
                    ("upper", f(false)),
                    ("lower", f(false)),
                    ("numeric", f(false)),
                    ("special", f(false)),
                ],
                "no characters",
            ),
            (vec![("length", Value::int(i64::MAX))], "at most"),
        ];
        for (args, fragment) in cases {
            let d = testutil::plan(p, T, None, &config(p, T, &args))
                .await
                .unwrap_err();
            assert!(
                messages(&d).contains(fragment),
                "{fragment}: {}",
                messages(&d)
            );
        }
        // Minimums alone may fill the string even with every class off.
        let ok = config(
            p,
            T,
            &[
                ("length", Value::int(2)),
                ("upper", f(false)),
                ("lower", f(false)),
                ("numeric", f(false)),
                ("special", f(false)),
                ("min_upper", Value::int(2)),
            ],
        );
        assert!(p.validate_resource(T, &ok).is_empty());
    }

    #[tokio::test]
    async fn import_takes_the_string() {
        let p = crate::random::provider();
        let v = p.import(T, "abc123").await.unwrap();
        assert_eq!(str_attr(&v, "result"), "abc123");
        assert_eq!(str_attr(&v, "id"), "abc123");
        assert_eq!(attr(&v, "length"), &Value::int(6));
        assert_eq!(attr(&v, "special"), &Value::Bool(true));
        // The imported object plans as a no-op against the matching configuration.
        let cfg = config(p.as_ref(), T, &[("length", Value::int(6))]);
        assert_no_op(p.as_ref(), T, &v, &cfg).await;
    }
}
