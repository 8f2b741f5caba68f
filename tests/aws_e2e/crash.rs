//! Crash safety against the emulator: `infra apply` of the example killed with SIGKILL at random
//! instants. After each kill the next apply must adopt what the killed one made (the
//! `infra:intent` tag) rather than make it again: the emulator never holds a second VPC,
//! instance or bucket, and the plan after converges to "No changes.".
//!
//! Each trial deploys into a fresh region with a fresh prefix, so it starts from nothing and the
//! kill lands somewhere in a full create: after a random number of the apply's progress lines and
//! a random few milliseconds more. Ten kills must land while the apply is still running (a kill
//! after it finished does not count), within at most sixteen trials.

use std::time::Duration;

use crate::support::{count, Deployment};

/// Kills that must land while the apply is still running.
const KILLS_MID_APPLY: usize = 10;
/// At most this many trials (a kill that comes after the apply finished does not count).
const MAX_TRIALS: usize = 16;

/// A pseudo-random number below `n` from the clock (reproducibility is not needed: every instant
/// must be safe).
fn random_below(n: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as u64);
    let mut x = nanos ^ 0x9E37_79B9_7F4A_7C15;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x % n.max(1)
}

/// How many instances the state tracks (`state list`).
fn tracked(d: &Deployment) -> usize {
    let out = d.run(&["state", "list"]);
    String::from_utf8_lossy(&out.stdout).lines().count()
}

/// Starts `infra apply` and kills it with SIGKILL after `events` progress lines (`Creating...`,
/// `Creation complete`) and then a random few milliseconds, so the kill lands inside the apply
/// whatever the machine's speed. Returns whether the apply had already exited.
fn apply_killed_after(d: &Deployment, events: u64) -> bool {
    use std::io::{BufRead, BufReader};
    use std::sync::mpsc;

    let mut child = d
        .infra(&["apply", "-auto-approve"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start apply");
    let stderr = child.stderr.take().expect("stderr pipe");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains(": Creating...") || line.contains(": Creation complete") {
                let _ = tx.send(());
            }
        }
    });
    let mut seen = 0;
    while seen < events {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(()) => seen += 1,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if child.try_wait().expect("try_wait").is_some() {
                    break;
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    std::thread::sleep(Duration::from_millis(random_below(40)));
    let finished = child.try_wait().expect("try_wait").is_some();
    let _ = child.kill();
    let _ = child.wait();
    finished
}

#[test]
fn apply_killed_at_random_instants_never_duplicates_and_converges() {
    let probe = Deployment::new("probe");
    probe.apply();
    let total = tracked(&probe);
    // Each created instance prints two progress lines; kill after a random number of them.
    let events = 2 * total as u64;

    let mut report = Vec::new();
    let mut mid_apply = 0;
    for trial in 0..MAX_TRIALS {
        if mid_apply == KILLS_MID_APPLY {
            break;
        }
        let d = Deployment::new(&format!("crash{trial}"));
        let after = random_below(events);
        let finished_first = apply_killed_after(&d, after);
        if !finished_first {
            mid_apply += 1;
        }
        let at_kill = tracked(&d);
        // Whatever the kill left, the next apply finishes the job without duplicates.
        let text = d.apply();
        let adopted = text
            .matches("adopted the object created before the interruption")
            .count();
        let inv = d.inventory();
        for (what, want) in [
            ("vpcs", 1),
            ("instances", 2),
            ("buckets", 3),
            ("subnets", 4),
            ("security_groups", 3),
            ("internet_gateways", 1),
        ] {
            assert_eq!(
                count(&inv, what),
                want,
                "trial {trial} (killed after {after} progress lines, {at_kill} in state): {what}: {inv:#}"
            );
        }
        d.assert_clean_plan();
        assert_eq!(tracked(&d), total, "trial {trial}: state size");
        report.push(format!(
            "trial {trial}: killed after {after}/{events} progress lines, {at_kill}/{total} in state, {adopted} adopted by intent{}",
            if finished_first {
                " (the apply had already finished: not counted)"
            } else {
                ""
            }
        ));
    }
    eprintln!("{}", report.join("\n"));
    assert_eq!(
        mid_apply,
        KILLS_MID_APPLY,
        "too few kills landed mid-apply:\n{}",
        report.join("\n")
    );
}
