//! Apply progress on stderr: on a terminal, a live line per running change with its elapsed
//! time (indicatif), finished changes printed above; elsewhere, plain lines in Terraform's words.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use infra_apply::{ProgressEvent, ProgressSink};
use infra_plan::Action;

/// Terraform's verbs for an action: (starting, finished).
pub fn verbs(a: Action) -> (&'static str, &'static str) {
    match a {
        Action::Create | Action::CreateThenDelete | Action::DeleteThenCreate => {
            ("Creating...", "Creation complete")
        }
        Action::Update => ("Modifying...", "Modifications complete"),
        Action::Delete => ("Destroying...", "Destruction complete"),
        Action::Read => ("Reading...", "Read complete"),
        Action::NoOp => ("", ""),
    }
}

/// The line printed when a change finishes (or fails).
pub fn finished_line(e: &ProgressEvent) -> Option<String> {
    match e {
        ProgressEvent::Finished {
            address,
            action,
            elapsed,
            id,
        } => {
            let id = id
                .as_ref()
                .map(|i| format!(" [id={i}]"))
                .unwrap_or_default();
            Some(format!(
                "{address}: {} after {}{id}",
                verbs(*action).1,
                human_elapsed(*elapsed)
            ))
        }
        ProgressEvent::Failed {
            address,
            action,
            elapsed,
        } => Some(format!(
            "{address}: {} failed after {}",
            verbs(*action).0.trim_end_matches("..."),
            human_elapsed(*elapsed)
        )),
        ProgressEvent::Recovered { address, outcome } => {
            Some(format!("{address}: interrupted change resolved: {outcome}"))
        }
        ProgressEvent::Started { .. } => None,
    }
}

/// `0s`, `12s`, `1m5s`, as Terraform prints durations.
pub fn human_elapsed(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// Plain lines, one per event.
pub struct LineProgress;

impl ProgressSink for LineProgress {
    fn event(&self, e: ProgressEvent) {
        match &e {
            ProgressEvent::Started { address, action } => {
                eprintln!("{address}: {}", verbs(*action).0)
            }
            _ => {
                if let Some(line) = finished_line(&e) {
                    eprintln!("{line}");
                }
            }
        }
    }
}

/// A live display: one spinner per running change.
pub struct LiveProgress {
    multi: MultiProgress,
    bars: Mutex<HashMap<String, ProgressBar>>,
}

impl LiveProgress {
    pub fn new() -> LiveProgress {
        LiveProgress {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
            bars: Mutex::new(HashMap::new()),
        }
    }
}

impl ProgressSink for LiveProgress {
    fn event(&self, e: ProgressEvent) {
        match &e {
            ProgressEvent::Started { address, action } => {
                let bar = self.multi.add(ProgressBar::new_spinner());
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.set_message(format!("{address}: {}", verbs(*action).0));
                bar.enable_steady_tick(Duration::from_millis(120));
                self.bars.lock().expect("lock").insert(address.clone(), bar);
            }
            _ => {
                let address = match &e {
                    ProgressEvent::Finished { address, .. }
                    | ProgressEvent::Failed { address, .. }
                    | ProgressEvent::Recovered { address, .. } => address.clone(),
                    ProgressEvent::Started { .. } => unreachable!("handled above"),
                };
                if let Some(bar) = self.bars.lock().expect("lock").remove(&address) {
                    bar.finish_and_clear();
                    self.multi.remove(&bar);
                }
                if let Some(line) = finished_line(&e) {
                    let _ = self.multi.println(line);
                }
            }
        }
    }
}
