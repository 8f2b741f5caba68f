//! `terraform.io/builtin/terraform`: the provider built into Terraform itself. Only its managed
//! resource, `terraform_data`, is here.

mod data;

use std::sync::Arc;

use infra_provider::Provider;

use crate::framework::BuiltinProvider;

/// A fresh `terraform.io/builtin/terraform` provider.
pub(crate) fn provider() -> Arc<dyn Provider> {
    Arc::new(BuiltinProvider::new(
        vec![Box::new(data::TerraformData)],
        vec![],
    ))
}
