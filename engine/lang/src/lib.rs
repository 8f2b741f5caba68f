//! The Terraform expression language: evaluation of hcl-edit expressions to values (with unknowns
//! and sensitive marks), reference extraction for the dependency graph, the built-in function
//! library, and the console's value rendering.
//!
//! It reads no files except through the filesystem functions, and never writes anything.

pub mod display;
pub mod eval;
pub mod funcs;
pub mod parse;
pub mod refs;
pub mod suggest;
pub mod typeexpr;

pub use eval::{eval_source, EvalContext, MapScope, Scope, ScopeError, Step};
pub use funcs::{FuncContext, Functions};
