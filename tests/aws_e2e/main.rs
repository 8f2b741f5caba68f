//! `examples/aws-network` end to end: the `infra` binary as a real process against the AWS
//! emulator (moto's server on 127.0.0.1, started by this test binary, see
//! `providers/aws/tests/aws/moto.rs`), with what the emulator holds checked by an independent
//! client (boto3, `inventory.py`).
//!
//! Every test deploys into an emulator region of its own with a name prefix of its own, so the
//! tests run in parallel without seeing each other's objects.

#[path = "../../providers/aws/tests/aws/moto.rs"]
mod moto;

mod crash;
mod example;
mod support;
