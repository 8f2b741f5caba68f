//! Waiting out AWS's eventual consistency and dependency order, with bounded exponential backoff.
//!
//! Throttling and transient transport errors are retried by the SDK itself (see [`crate::error`]).
//! What is retried here is specific to an operation: `DependencyViolation` on delete (another
//! object is still going away), `NotFound` right after a create (the object is not visible yet),
//! and objects that must appear or disappear. Every wait is bounded by a timeout (the resource's
//! `timeouts` block, else Terraform's default) and ends early when the engine calls `stop()`.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::error::{Error, Result};

/// Tells in-flight waits that the provider was asked to stop. Once stopped, a provider stays
/// stopped (the engine makes a fresh provider instance for each run).
#[derive(Clone, Debug)]
pub(crate) struct StopSignal {
    tx: Arc<watch::Sender<bool>>,
}

impl StopSignal {
    pub(crate) fn new() -> StopSignal {
        StopSignal {
            tx: Arc::new(watch::Sender::new(false)),
        }
    }

    pub(crate) fn stop(&self) {
        self.tx.send_replace(true);
    }

    /// Completes once [`StopSignal::stop`] has been called (at once if it already was).
    async fn stopped(&self) {
        let mut rx = self.tx.subscribe();
        // The sender lives as long as `self`, so `wait_for` cannot fail while we wait.
        let _ = rx.wait_for(|stopped| *stopped).await;
    }
}

/// How long to keep trying and how fast.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Backoff {
    pub timeout: Duration,
    pub initial: Duration,
    pub max: Duration,
}

impl Backoff {
    /// A backoff that gives up after `timeout`, starting at 200ms and doubling up to 5s.
    pub(crate) fn within(timeout: Duration) -> Backoff {
        Backoff {
            timeout,
            initial: Duration::from_millis(200),
            max: Duration::from_secs(5),
        }
    }
}

/// Sleeps `d`, or fails when the provider is stopped first.
async fn pause(stop: &StopSignal, d: Duration, what: &str) -> Result<()> {
    tokio::select! {
        () = tokio::time::sleep(d) => Ok(()),
        () = stop.stopped() => Err(Error::Interrupted { what: what.to_string() }),
    }
}

/// Runs `op` until it succeeds or fails with an error `retryable` rejects; retryable errors are
/// retried with exponential backoff until `b.timeout`, then reported as [`Error::TimedOut`].
pub(crate) async fn retry_on<T, F, Fut>(
    stop: &StopSignal,
    b: Backoff,
    what: &str,
    retryable: impl Fn(&Error) -> bool,
    mut op: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let start = Instant::now();
    let mut delay = b.initial;
    loop {
        match op().await {
            Ok(v) => return Ok(v),
            Err(e) if retryable(&e) => {
                let elapsed = start.elapsed();
                if elapsed >= b.timeout {
                    return Err(Error::TimedOut {
                        elapsed,
                        last: Box::new(e),
                    });
                }
                pause(stop, delay.min(b.timeout - elapsed), what).await?;
                delay = (delay * 2).min(b.max);
            }
            Err(e) => return Err(e),
        }
    }
}

/// Polls `op` until it returns `Some` (an object became visible), for at most `b.timeout`.
pub(crate) async fn wait_for<T, F, Fut>(
    stop: &StopSignal,
    b: Backoff,
    what: &str,
    mut op: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let start = Instant::now();
    let mut delay = b.initial;
    loop {
        match op().await {
            Ok(Some(v)) => return Ok(v),
            // Right after a create, describe calls may still say NotFound.
            Ok(None) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e),
        }
        let elapsed = start.elapsed();
        if elapsed >= b.timeout {
            return Err(Error::WaitTimedOut {
                what: what.to_string(),
                elapsed,
            });
        }
        pause(stop, delay.min(b.timeout - elapsed), what).await?;
        delay = (delay * 2).min(b.max);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn api(code: &str) -> Error {
        Error::Api {
            operation: "Op",
            code: code.into(),
            message: "m".into(),
            status: Some(400),
        }
    }

    fn quick(timeout_ms: u64) -> Backoff {
        Backoff {
            timeout: Duration::from_millis(timeout_ms),
            initial: Duration::from_millis(5),
            max: Duration::from_millis(20),
        }
    }

    #[tokio::test]
    async fn retryable_errors_are_retried_until_success() {
        let n = AtomicU32::new(0);
        let stop = StopSignal::new();
        let r = retry_on(
            &stop,
            quick(2000),
            "x",
            |e| e.code() == Some("Throttling"),
            || async {
                if n.fetch_add(1, Ordering::SeqCst) < 2 {
                    Err(api("Throttling"))
                } else {
                    Ok(7)
                }
            },
        )
        .await;
        assert_eq!(r.unwrap(), 7);
        assert_eq!(n.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn other_errors_fail_at_once_and_retryable_ones_time_out() {
        let stop = StopSignal::new();
        let r: Result<()> = retry_on(
            &stop,
            quick(2000),
            "x",
            Error::is_dependency_violation,
            || async { Err(api("Bad")) },
        )
        .await;
        assert_eq!(r.unwrap_err().code(), Some("Bad"));
        let r: Result<()> = retry_on(
            &stop,
            quick(60),
            "x",
            Error::is_dependency_violation,
            || async { Err(api("DependencyViolation")) },
        )
        .await;
        assert!(matches!(r, Err(Error::TimedOut { .. })));
    }

    #[tokio::test]
    async fn waits_see_not_found_as_not_yet_and_stop_interrupts() {
        let n = AtomicU32::new(0);
        let stop = StopSignal::new();
        let r = wait_for(&stop, quick(2000), "x", || async {
            match n.fetch_add(1, Ordering::SeqCst) {
                0 => Err(api("InvalidVpcID.NotFound")),
                1 => Ok(None),
                _ => Ok(Some(1)),
            }
        })
        .await;
        assert_eq!(r.unwrap(), 1);
        stop.stop();
        let r: Result<u8> = wait_for(&stop, quick(60_000), "waiting", || async { Ok(None) }).await;
        assert!(matches!(r, Err(Error::Interrupted { .. })));
    }
}
