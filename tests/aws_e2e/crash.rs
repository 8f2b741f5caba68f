//! Crash safety against the emulator: `infra apply` of the example killed with SIGKILL at random
//! instants. After each kill the next apply must adopt what the killed one made (the
//! `infra:intent` tag) rather than make it again: the emulator never holds a second VPC,
//! instance or bucket, and the plan after converges to "No changes.".
//!
//! Each trial deploys into a fresh region with a fresh prefix, so it starts from nothing and the
//! kill lands somewhere in a full create. Kills are spread over the time a whole apply takes; ten
//! must land while the apply is still running (a kill after it finished does not count), within
//! at most sixteen trials.

use std::time::{Duration, Instant};

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

#[test]
fn apply_killed_at_random_instants_never_duplicates_and_converges() {
    // How long a whole apply takes here once the emulator is warm, to spread the kills over it.
    Deployment::new("warm").apply();
    let probe = Deployment::new("probe");
    let started = Instant::now();
    probe.apply();
    let full = started.elapsed();
    let total = tracked(&probe);
    eprintln!("a full apply took {full:?} ({total} instances in state)");

    let mut report = Vec::new();
    let mut mid_apply = 0;
    for trial in 0..MAX_TRIALS {
        if mid_apply == KILLS_MID_APPLY {
            break;
        }
        let d = Deployment::new(&format!("crash{trial}"));
        let delay = Duration::from_millis(random_below(full.as_millis() as u64));
        let mut child = d
            .infra(&["apply", "-auto-approve"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start apply");
        std::thread::sleep(delay);
        let finished_first = child.try_wait().expect("try_wait").is_some();
        let _ = child.kill();
        let _ = child.wait();
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
            ("buckets", 2),
            ("subnets", 4),
            ("security_groups", 3),
            ("internet_gateways", 1),
        ] {
            assert_eq!(
                count(&inv, what),
                want,
                "trial {trial} (killed after {delay:?}, {at_kill} in state): {what}: {inv:#}"
            );
        }
        d.assert_clean_plan();
        assert_eq!(tracked(&d), total, "trial {trial}: state size");
        report.push(format!(
            "trial {trial}: killed after {} ms, {at_kill}/{total} in state, {adopted} adopted by intent{}",
            delay.as_millis(),
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
