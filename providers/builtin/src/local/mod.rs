//! `hashicorp/local`: files on the machine running infra. The resource `local_file` and the
//! data source `local_file`.

mod file;
mod file_data;
mod fs;

use std::sync::Arc;

use infra_provider::Provider;

use crate::framework::BuiltinProvider;

/// A fresh `hashicorp/local` provider.
pub(crate) fn provider() -> Arc<dyn Provider> {
    Arc::new(BuiltinProvider::new(
        vec![Box::new(file::LocalFile)],
        vec![Box::new(file_data::LocalFileData)],
    ))
}
