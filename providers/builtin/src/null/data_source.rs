//! Data source `null_data_source`: copies `inputs` to `outputs`. Deprecated in Terraform's
//! provider (locals or `terraform_data` do the same) but kept so old configurations still load.
//!
//! ```hcl
//! data "null_data_source" "values" {
//!   inputs = {
//!     all_server_ids = join(",", aws_instance.green[*].id)
//!   }
//! }
//! ```
//!
//! Attributes: `inputs` (map of string, optional), `outputs` (computed copy of `inputs`),
//! `random` (computed random decimal), `has_computed_default` (optional; `"default"` when unset),
//! `id` (always `"static"`).

use async_trait::async_trait;
use infra_core::{Diagnostics, Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, ResourceSchema};

use crate::attrs::{collect, get, object, string_map};
use crate::framework::DataSource;
use crate::rng;

pub(crate) struct NullDataSource;

#[async_trait]
impl DataSource for NullDataSource {
    fn type_name(&self) -> &'static str {
        "null_data_source"
    }

    fn schema(&self) -> ResourceSchema {
        let map = || Type::map(Type::String);
        ResourceSchema {
            version: 0,
            block: BlockSchema::default()
                .attr(
                    "inputs",
                    AttributeSchema::optional(map()).describe(
                        "A map of arbitrary strings that is copied into the `outputs` attribute.",
                    ),
                )
                .attr(
                    "outputs",
                    AttributeSchema::computed(map()).describe("A copy of the `inputs` map."),
                )
                .attr(
                    "random",
                    AttributeSchema::computed(Type::String).describe("A random value."),
                )
                .attr(
                    "has_computed_default",
                    AttributeSchema::optional_computed(Type::String).describe(
                        "If set, its literal value is returned; otherwise `\"default\"`.",
                    ),
                )
                .attr(
                    "id",
                    AttributeSchema::computed(Type::String).describe("Always `\"static\"`."),
                ),
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        match object(config) {
            Ok(m) => {
                collect(&mut diags, string_map(m, "inputs"));
            }
            Err(d) => diags.extend(d),
        }
        diags
    }

    async fn read(&self, config: &Value) -> Result<Value, Diagnostics> {
        let mut m = object(config)?.clone();
        let inputs = get(&m, "inputs").clone();
        let outputs = if inputs.is_null() {
            Value::Null(Type::map(Type::String))
        } else {
            inputs
        };
        m.insert("outputs".into(), outputs);
        m.insert("random".into(), Value::string(rng::decimal_id()?));
        if get(&m, "has_computed_default").is_null() {
            m.insert("has_computed_default".into(), Value::string("default"));
        }
        m.insert("id".into(), Value::string("static"));
        Ok(Value::Object(m))
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::*;
    use infra_core::Value;

    const T: &str = "null_data_source";

    #[tokio::test]
    async fn copies_inputs_to_outputs() {
        let p = crate::null::provider();
        let cfg = data_config(p.as_ref(), T, &[("inputs", string_map(&[("a", "b")]))]);
        let v = p.read_data(T, &cfg).await.unwrap();
        assert_eq!(attr(&v, "outputs"), &string_map(&[("a", "b")]));
        assert_eq!(str_attr(&v, "has_computed_default"), "default");
        assert_eq!(str_attr(&v, "id"), "static");
        assert!(str_attr(&v, "random").parse::<u64>().is_ok());
    }

    #[tokio::test]
    async fn keeps_a_configured_default() {
        let p = crate::null::provider();
        let cfg = data_config(
            p.as_ref(),
            T,
            &[("has_computed_default", Value::string("mine"))],
        );
        let v = p.read_data(T, &cfg).await.unwrap();
        assert_eq!(str_attr(&v, "has_computed_default"), "mine");
        assert!(attr(&v, "outputs").is_null());
    }
}
