//! `terraform_data`: stores a value of any type (`input`, copied to `output` at apply time) and
//! follows the resource lifecycle, so it can carry provisioners and `replace_triggered_by`
//! dependencies, as Terraform's built-in resource of the same name.
//!
//! ```hcl
//! resource "terraform_data" "bootstrap" {
//!   triggers_replace = [aws_instance.web.id, aws_instance.db.id]
//!   input            = { revision = var.revision }
//! }
//! ```
//!
//! Attributes: `input` (any type, optional), `output` (computed: the `input` as of the last
//! apply; unknown in a plan that changes `input`), `triggers_replace` (any type, optional), `id`
//! (computed: a random version 4 UUID).
//!
//! Replacement: any change to `triggers_replace`. A change to `input` alone updates in place.
//!
//! Import: by any id (`infra import terraform_data.x <id>`); as in Terraform, the imported object
//! has only that `id`, its other attributes are null.

use async_trait::async_trait;
use infra_core::{Diagnostic, Diagnostics, Type, Value};
use infra_provider::{
    AttrPath, AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ResourceSchema,
};

use crate::attrs::{get, obj, object, Attrs};
use crate::framework::{ManagedResource, OpContext};
use crate::plan::proposed_attrs;
use crate::rng;

pub(crate) struct TerraformData;

/// What `output` becomes once `input` is applied: unknown of the input's type, or null.
fn planned_output(input: &Value) -> Value {
    if input.is_null() {
        input.clone()
    } else {
        Value::Unknown(input.ty())
    }
}

/// Terraform's `RawEquals` on values without their marks.
fn raw_equal(a: &Value, b: &Value) -> bool {
    a.clone().unmark_deep().0 == b.clone().unmark_deep().0
}

/// Fills what apply must know: `output` from `input`, and a fresh `id`.
fn complete(planned: &Value) -> Result<Value, Diagnostics> {
    let mut m: Attrs = object(planned)?.clone();
    if !get(&m, "output").is_known() {
        m.insert("output".into(), get(&m, "input").clone());
    }
    if !get(&m, "id").is_known() {
        m.insert("id".into(), Value::string(rng::uuid_v4()?));
    }
    Ok(Value::Object(m))
}

#[async_trait]
impl ManagedResource for TerraformData {
    fn type_name(&self) -> &'static str {
        "terraform_data"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: BlockSchema::default()
                .attr(
                    "input",
                    AttributeSchema::optional(Type::Dynamic)
                        .describe("A value to store; copied to `output`."),
                )
                .attr(
                    "output",
                    AttributeSchema::computed(Type::Dynamic)
                        .describe("The `input` as of the last apply."),
                )
                .attr(
                    "triggers_replace",
                    AttributeSchema::optional(Type::Dynamic)
                        .force_new()
                        .describe("A value whose change replaces the resource."),
                )
                .attr(
                    "id",
                    AttributeSchema::computed(Type::String)
                        .describe("A random UUID set at create time."),
                ),
        }
    }

    fn validate_config(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let Some(m) = config.entries() else {
            return diags;
        };
        for name in ["id", "output"] {
            if !get(m, name).is_null() {
                diags.push(Diagnostic::error(
                    "Read-only attribute set",
                    format!(
                        "The attribute `{name}` is read-only: the resource sets it. Remove it from the configuration."
                    ),
                ));
            }
        }
        diags
    }

    fn plan(&self, _schema: &BlockSchema, req: &PlanRequest) -> Result<PlanResponse, Diagnostics> {
        let mut planned = proposed_attrs(req);
        let input = get(&planned, "input").clone();
        let mut requires_replace = Vec::new();
        match req.prior_state.as_ref().and_then(Value::entries) {
            None => {
                planned.insert("id".into(), Value::Unknown(Type::String));
                planned.insert("output".into(), planned_output(&input));
            }
            Some(prior)
                if !raw_equal(
                    get(prior, "triggers_replace"),
                    get(&planned, "triggers_replace"),
                ) =>
            {
                requires_replace.push(AttrPath::attr("triggers_replace"));
                planned.insert("id".into(), Value::Unknown(Type::String));
                planned.insert("output".into(), planned_output(&input));
            }
            Some(prior) if !raw_equal(get(prior, "input"), &input) => {
                planned.insert("output".into(), Value::Unknown(input.ty()));
            }
            Some(_) => {}
        }
        Ok(PlanResponse {
            planned_state: Value::Object(planned),
            requires_replace,
        })
    }

    async fn create(&self, _ctx: &OpContext, planned: &Value) -> Result<Value, Diagnostics> {
        complete(planned)
    }

    async fn update(
        &self,
        _ctx: &OpContext,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, Diagnostics> {
        complete(planned)
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        Ok(obj([
            ("id", Value::string(id)),
            ("input", Value::Null(Type::Dynamic)),
            ("output", Value::Null(Type::Dynamic)),
            ("triggers_replace", Value::Null(Type::Dynamic)),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use infra_core::Value;

    use crate::testutil::*;

    const T: &str = "terraform_data";

    #[tokio::test]
    async fn lifecycle() {
        let p = crate::terraform::provider();
        let p = p.as_ref();
        let cfg = config(
            p,
            T,
            &[
                ("input", Value::string("v1")),
                ("triggers_replace", Value::string("t1")),
            ],
        );
        let planned = plan(p, T, None, &cfg).await.unwrap();
        assert!(!attr(&planned.planned_state, "output").is_known());
        let state = create(p, T, &cfg).await;
        assert_eq!(attr(&state, "output"), &Value::string("v1"));
        assert_eq!(str_attr(&state, "id").len(), 36);
        assert_eq!(p.read(T, &state).await.unwrap().as_ref(), Some(&state));
        assert_no_op(p, T, &state, &cfg).await;

        // A new input updates in place; the output follows at apply.
        let cfg2 = config(
            p,
            T,
            &[
                ("input", Value::string("v2")),
                ("triggers_replace", Value::string("t1")),
            ],
        );
        let resp = plan(p, T, Some(&state), &cfg2).await.unwrap();
        assert!(resp.requires_replace.is_empty());
        assert!(!attr(&resp.planned_state, "output").is_known());
        assert_eq!(attr(&resp.planned_state, "id"), attr(&state, "id"));
        let updated = apply(p, T, Some(&state), Some(&resp.planned_state), &cfg2)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(attr(&updated, "output"), &Value::string("v2"));
        assert_eq!(attr(&updated, "id"), attr(&state, "id"));

        // A new trigger replaces.
        let cfg3 = config(
            p,
            T,
            &[
                ("input", Value::string("v2")),
                ("triggers_replace", Value::string("t2")),
            ],
        );
        let resp = plan(p, T, Some(&updated), &cfg3).await.unwrap();
        assert!(crate::plan::replaces_for(&resp, "triggers_replace"));
        assert!(!attr(&resp.planned_state, "id").is_known());

        delete(p, T, &updated, &cfg3).await;
    }

    #[tokio::test]
    async fn null_input_plans_a_null_output() {
        let p = crate::terraform::provider();
        let p = p.as_ref();
        let cfg = config(p, T, &[]);
        let resp = plan(p, T, None, &cfg).await.unwrap();
        assert!(attr(&resp.planned_state, "output").is_null());
        let state = create(p, T, &cfg).await;
        assert!(attr(&state, "output").is_null());
    }

    #[tokio::test]
    async fn import_sets_only_the_id() {
        let p = crate::terraform::provider();
        let v = p.import(T, "abc").await.unwrap();
        assert_eq!(str_attr(&v, "id"), "abc");
        assert!(attr(&v, "input").is_null());
    }

    #[tokio::test]
    async fn output_cannot_be_configured() {
        let p = crate::terraform::provider();
        let cfg = config(p.as_ref(), T, &[("output", Value::string("x"))]);
        let d = p.validate_resource(T, &cfg);
        assert!(d.has_errors());
        assert!(messages(&d).contains("`output`"));
    }
}
