//! Module loading and the configuration model: the `*.tf` files of a module directory and every
//! local module it calls, parsed with hcl-edit into typed blocks whose expressions stay
//! unevaluated (with their source files, for diagnostics); input variable values from every
//! Terraform source with Terraform's precedence; and static validation of the whole tree.
//!
//! Loading never stops at the first problem: it returns what it could load plus all diagnostics.
//! It reads files and never writes any.

pub mod consteval;
mod decode;
pub mod loader;
pub mod model;
pub mod span;
mod tfvars;
pub mod validate;
pub mod vars;

pub use consteval::eval_const;
pub use loader::{load_config, load_module};
pub use model::*;
pub use validate::validate_config;
pub use vars::{collect_variable_values, VarSource};
