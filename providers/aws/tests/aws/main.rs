//! The AWS provider against the AWS emulator (moto's server, see `moto.rs`): every resource's
//! create, read, no-op plan, update in place, replacement, drift and out-of-band deletion, delete,
//! import and intent lookup, the data sources, plus the provider block, default tags and error
//! reporting.
//!
//! One emulator serves the whole binary; each test works in a region of its own.

mod compute;
mod ec2_more;
mod moto;
mod network;
mod provider;
mod routing;
mod s3;
mod s3_more;
mod security_group;
mod support;
