//! Progress events of an apply: what starts and finishes, for the CLI to display (a live view on
//! a terminal, plain lines otherwise). Events are data, not log lines.

use std::time::Duration;

use infra_plan::Action;

/// Something that happened to one resource instance.
#[derive(Clone, Debug, PartialEq)]
pub enum ProgressEvent {
    Started {
        address: String,
        action: Action,
    },
    Finished {
        address: String,
        action: Action,
        elapsed: Duration,
        id: Option<String>,
    },
    Failed {
        address: String,
        action: Action,
        elapsed: Duration,
    },
    /// An open intent from an interrupted run was resolved before planning.
    Recovered {
        address: String,
        outcome: String,
    },
}

/// Receives progress events (from many tasks at once).
pub trait ProgressSink: Send + Sync {
    fn event(&self, e: ProgressEvent);
}

/// Discards events.
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn event(&self, _e: ProgressEvent) {}
}
