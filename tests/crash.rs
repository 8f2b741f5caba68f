//! Crash safety, measured: `infra apply` killed with SIGKILL at random instants never loses a
//! state entry, never creates an object twice, and the next apply converges.
//!
//! Each trial applies 200 `time_sleep` resources in ten dependent layers, kills the process at a
//! random instant, then checks the state: it opens, every entry it holds survives the next
//! apply unchanged (same id: nothing was created twice), the next plan creates exactly the
//! missing ones, and a final plan says "No changes.".

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TRIALS: usize = 20;

fn infra(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_infra"));
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("INFRA_ENV");
    c
}

fn config() -> String {
    let mut s = String::new();
    for layer in 0..10 {
        s.push_str(&format!(
            "resource \"time_sleep\" \"l{layer}\" {{\n  count = 20\n  create_duration = \"15ms\"\n"
        ));
        if layer > 0 {
            s.push_str(&format!(
                "  triggers = {{ up = time_sleep.l{}[count.index].id }}\n",
                layer - 1
            ));
        }
        s.push_str("}\n");
    }
    s
}

/// Address → id of every instance in state, read through `infra state pull`.
fn state_ids(dir: &Path) -> BTreeMap<String, String> {
    let out = infra(dir)
        .args(["state", "pull"])
        .output()
        .expect("state pull");
    assert!(
        out.status.success(),
        "state pull failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if out.stdout.iter().all(u8::is_ascii_whitespace) {
        // No state yet (killed before the first change landed): `state pull` prints nothing.
        return BTreeMap::new();
    }
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("state JSON");
    let mut ids = BTreeMap::new();
    for r in doc["resources"].as_array().into_iter().flatten() {
        for inst in r["instances"].as_array().into_iter().flatten() {
            let addr = match inst.get("index_key") {
                Some(k) => format!(
                    "{}.{}[{}]",
                    r["type"].as_str().unwrap(),
                    r["name"].as_str().unwrap(),
                    k
                ),
                None => format!(
                    "{}.{}",
                    r["type"].as_str().unwrap(),
                    r["name"].as_str().unwrap()
                ),
            };
            let id = inst["attributes"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            assert!(
                ids.insert(addr.clone(), id).is_none(),
                "{addr} appears twice in state"
            );
        }
    }
    ids
}

/// A pseudo-random number from the clock (no extra dependency; reproducibility is not needed,
/// every trial checks the same invariants).
fn random_below(n: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    (nanos
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407)
        >> 33)
        % n
}

#[test]
fn apply_killed_at_random_instants_loses_nothing_and_converges() {
    let mut summary = Vec::new();
    for trial in 0..TRIALS {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), config()).unwrap();
        let mut child = infra(dir.path())
            .args(["apply", "-auto-approve", "-parallelism=10"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start apply");
        // The whole apply takes about 10 layers × 2 rounds × 15 ms plus start-up: kill inside it.
        let delay = Duration::from_millis(30 + random_below(500));
        let started = Instant::now();
        while started.elapsed() < delay {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = child.kill();
        let _ = child.wait();

        let before = state_ids(dir.path());
        let plan = infra(dir.path())
            .args(["plan", "-detailed-exitcode", "-no-color"])
            .output()
            .unwrap();
        let plan_out = String::from_utf8_lossy(&plan.stdout);
        let expected_adds = 200 - before.len();
        if expected_adds == 0 {
            assert_eq!(plan.status.code(), Some(0), "trial {trial}: {plan_out}");
        } else {
            assert_eq!(
                plan.status.code(),
                Some(2),
                "trial {trial}: {plan_out}\n{}",
                String::from_utf8_lossy(&plan.stderr)
            );
            assert!(
                plan_out.contains(&format!(
                    "Plan: {expected_adds} to add, 0 to change, 0 to destroy."
                )),
                "trial {trial}: {} in state, plan says:\n{plan_out}",
                before.len()
            );
        }
        let apply = infra(dir.path())
            .args(["apply", "-auto-approve"])
            .output()
            .unwrap();
        assert!(
            apply.status.success(),
            "trial {trial}: {}",
            String::from_utf8_lossy(&apply.stderr)
        );
        let after = state_ids(dir.path());
        assert_eq!(after.len(), 200, "trial {trial}");
        for (addr, id) in &before {
            assert_eq!(
                after.get(addr),
                Some(id),
                "trial {trial}: {addr} was created again"
            );
        }
        let again = infra(dir.path())
            .args(["plan", "-detailed-exitcode", "-no-color"])
            .output()
            .unwrap();
        assert_eq!(
            again.status.code(),
            Some(0),
            "trial {trial}: {}",
            String::from_utf8_lossy(&again.stdout)
        );
        assert!(String::from_utf8_lossy(&again.stdout).contains("No changes."));
        summary.push(before.len());
    }
    println!("crash trials: {TRIALS}, instances recorded at the kill: {summary:?}");
    // The kills must have landed mid-apply in most trials, or the test proves nothing.
    let mid = summary.iter().filter(|n| **n > 0 && **n < 200).count();
    assert!(
        mid >= TRIALS / 2,
        "only {mid} of {TRIALS} kills landed mid-apply: {summary:?}"
    );
}
