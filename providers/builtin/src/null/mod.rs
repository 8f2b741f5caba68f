//! `hashicorp/null`: resources and data sources that manage nothing, used to hang provisioners,
//! `depends_on` and `replace_triggered_by` on.

mod data_source;
mod resource;

use std::sync::Arc;

use infra_provider::Provider;

use crate::framework::BuiltinProvider;

/// A fresh `hashicorp/null` provider.
pub(crate) fn provider() -> Arc<dyn Provider> {
    Arc::new(BuiltinProvider::new(
        vec![Box::new(resource::NullResource)],
        vec![Box::new(data_source::NullDataSource)],
    ))
}
