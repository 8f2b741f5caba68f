//! The vocabulary every infra crate shares: Terraform's values and types (with unknown values,
//! sensitive marks and exact numbers), type conversion and unification, and diagnostics with
//! source positions.
//!
//! This crate does no IO and has no async code; it must stay cheap to compile and to test.

pub mod addr;
pub mod convert;
pub mod diag;
pub mod number;
pub mod types;
pub mod value;
pub mod valuemap;

pub use diag::{Diagnostic, Diagnostics, LineIndex, Pos, Severity, SourceRange};
pub use number::Number;
pub use types::Type;
pub use value::Value;
pub use valuemap::ValueMap;
