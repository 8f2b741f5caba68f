//! `null_resource`: an object with the standard resource lifecycle and no effect of its own,
//! typically carrying provisioners or standing in for a dependency. (Terraform 1.4 and later
//! recommend the built-in `terraform_data` instead; both are here.)
//!
//! ```hcl
//! resource "null_resource" "cluster" {
//!   triggers = {
//!     cluster_instance_ids = join(",", aws_instance.cluster[*].id)
//!   }
//! }
//! ```
//!
//! Attributes: `triggers` (map of string, optional), `id` (computed: a random non-negative
//! decimal integer such as `"5577006791947779410"`, as Terraform's).
//!
//! Replacement: a change to `triggers` replaces the object, except changes that only add or drop
//! null elements (Terraform's `RequiresReplaceIfValuesNotNull`).
//!
//! Import: not supported, as in Terraform's provider.

use async_trait::async_trait;
use infra_core::{Diagnostics, Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ResourceSchema};

use crate::attrs::{collect, object, string_map};
use crate::framework::{ManagedResource, OpContext};
use crate::plan::{plan_with_rules, proposed_attrs, PlanRules};
use crate::rng;

pub(crate) struct NullResource;

#[async_trait]
impl ManagedResource for NullResource {
    fn type_name(&self) -> &'static str {
        "null_resource"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: BlockSchema::default()
                .attr(
                    "triggers",
                    AttributeSchema::optional(Type::map(Type::String)).force_new().describe(
                        "A map of arbitrary strings that, when changed, will force the null resource to be replaced, re-running any associated provisioners.",
                    ),
                )
                .attr("id", AttributeSchema::computed(Type::String).describe("This is set to a random value at create time.")),
        }
    }

    fn validate(&self, obj: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        match object(obj) {
            Ok(m) => {
                collect(&mut diags, string_map(m, "triggers"));
            }
            Err(d) => diags.extend(d),
        }
        diags
    }

    fn plan(&self, schema: &BlockSchema, req: &PlanRequest) -> Result<PlanResponse, Diagnostics> {
        let rules = PlanRules {
            lenient_maps: &["triggers"],
            ..PlanRules::default()
        };
        Ok(plan_with_rules(schema, req, proposed_attrs(req), &rules))
    }

    async fn create(&self, _ctx: &OpContext, planned: &Value) -> Result<Value, Diagnostics> {
        let mut m = object(planned)?.clone();
        m.insert("id".into(), Value::string(rng::decimal_id()?));
        Ok(Value::Object(m))
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::*;

    const T: &str = "null_resource";

    #[tokio::test]
    async fn lifecycle() {
        let p = crate::null::provider();
        let p = p.as_ref();
        let cfg = config(p, T, &[("triggers", string_map(&[("a", "1")]))]);
        let state = create(p, T, &cfg).await;
        let id = str_attr(&state, "id");
        assert!(
            id.parse::<u64>().is_ok(),
            "id {id} is not a decimal integer"
        );
        assert_eq!(attr(&state, "triggers"), &string_map(&[("a", "1")]));

        let read = p.read(T, &state).await.unwrap();
        assert_eq!(read.as_ref(), Some(&state));
        assert_no_op(p, T, &state, &cfg).await;

        let changed = config(p, T, &[("triggers", string_map(&[("a", "2")]))]);
        let resp = plan(p, T, Some(&state), &changed).await.unwrap();
        assert!(crate::plan::replaces_for(&resp, "triggers"));
        assert!(
            !attr(&resp.planned_state, "id").is_known(),
            "the replacement gets a new id"
        );

        delete(p, T, &state, &cfg).await;
    }

    #[tokio::test]
    async fn null_triggers_and_empty_triggers_do_not_replace() {
        let p = crate::null::provider();
        let p = p.as_ref();
        let state = create(p, T, &config(p, T, &[])).await;
        let empty = config(p, T, &[("triggers", string_map(&[]))]);
        let resp = plan(p, T, Some(&state), &empty).await.unwrap();
        assert!(resp.requires_replace.is_empty());
    }

    #[tokio::test]
    async fn ids_differ_between_objects() {
        let p = crate::null::provider();
        let p = p.as_ref();
        let a = create(p, T, &config(p, T, &[])).await;
        let b = create(p, T, &config(p, T, &[])).await;
        assert_ne!(attr(&a, "id"), attr(&b, "id"));
    }

    #[tokio::test]
    async fn import_is_refused() {
        let p = crate::null::provider();
        let d = p.import(T, "123").await.unwrap_err();
        assert_eq!(
            d.iter().next().unwrap().summary,
            "Resource import not supported"
        );
    }
}
