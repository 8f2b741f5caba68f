//! The S3 state backend: [`S3Store`] implements infra's `StateStore` contract on an S3 bucket,
//! configured like Terraform's `backend "s3"` block (`bucket`, `key`, `region`, `endpoint` or
//! `endpoints = { s3 = … }`, `use_path_style` (or the old `force_path_style`), `encrypt`,
//! `kms_key_id`, `use_lockfile = true`, `access_key`/`secret_key`/`token`, `profile`,
//! `workspace_key_prefix`, `skip_credentials_validation` and the other `skip_*` flags).
//! Credentials not given come from the SDK's standard chain (environment, profile, …), and
//! `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` are honoured when no endpoint is set.
//!
//! # Layout
//! Environment `default` lives at `key`; every other one at `env:/<env>/<key>` (Terraform's
//! `workspace_key_prefix` default). Each is one JSON object: Terraform's state format 4, which
//! Terraform itself can read, plus an `infra_s3` field holding what this version changed and
//! the open intents (`doc.rs`). Its lock is the object `<key>.tflock` (`lock.rs`).
//!
//! # Writes
//! Every write is one PutObject of the whole document, conditional on the last version this
//! store saw (`If-Match: <ETag>`, or `If-None-Match: *` for the first): a concurrent writer makes
//! it fail with a conflict (S3 answers 412, or 409 for a conditional write racing another),
//! so nothing is ever overwritten. Intents are recorded in the document before a provider is
//! asked, and `commit_change` resolves its intent in the same PutObject as the change.
//!
//! # History
//! The bucket must have versioning enabled (checked before the first write; a clear error
//! otherwise): every write is an object version, and `history`, `version_changes`,
//! `snapshot_at` and `rollback` read them back (`history.rs`).
//!
//! This crate (and the AWS provider) compile the AWS SDK; nothing else in the workspace does.

mod client;
mod config;
mod doc;
mod history;
mod lock;
mod store;

pub use config::{S3Settings, ARGUMENTS, SECRET_ARGUMENTS};
pub use store::S3Store;
