//! `hashicorp/time`: time-based resources. Only `time_sleep` is here.

mod duration;
mod rfc3339;
mod sleep;

use std::sync::Arc;

use infra_provider::Provider;

use crate::framework::BuiltinProvider;

/// A fresh `hashicorp/time` provider.
pub(crate) fn provider() -> Arc<dyn Provider> {
    Arc::new(BuiltinProvider::new(
        vec![Box::new(sleep::TimeSleep)],
        vec![],
    ))
}
