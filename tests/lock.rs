//! The state lock: two applies started together on one environment — exactly one runs, the
//! other exits 1 naming the holder, and the state is intact.

use std::path::Path;
use std::process::{Command, Stdio};

fn infra(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_infra"));
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("INFRA_ENV");
    c
}

#[test]
fn concurrent_applies_one_runs_the_other_names_the_holder() {
    for trial in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("main.tf"),
            "resource \"time_sleep\" \"wait\" {\n  create_duration = \"1500ms\"\n}\nresource \"null_resource\" \"after\" {\n  triggers = { t = time_sleep.wait.id }\n}\n",
        )
        .unwrap();
        // Create the database first so both processes race for the lock, not for creating it.
        let init = infra(dir.path()).arg("init").output().unwrap();
        assert!(
            init.status.success(),
            "{}",
            String::from_utf8_lossy(&init.stderr)
        );
        let spawn = || {
            infra(dir.path())
                .args(["apply", "-auto-approve"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let codes = (a.status.code(), b.status.code());
        let (winner, loser) = match codes {
            (Some(0), Some(1)) => (a, b),
            (Some(1), Some(0)) => (b, a),
            other => panic!(
                "trial {trial}: expected one success and one failure, got {other:?}\nA: {}\nB: {}",
                String::from_utf8_lossy(&a.stderr),
                String::from_utf8_lossy(&b.stderr)
            ),
        };
        let err = String::from_utf8_lossy(&loser.stderr);
        assert!(
            err.contains("Error acquiring the state lock"),
            "trial {trial}: {err}"
        );
        assert!(
            err.contains("apply"),
            "the holder's operation is named: {err}"
        );
        let user = std::env::var("USER").unwrap_or_default();
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        assert!(
            err.contains(user.trim()) || err.contains(host.trim()),
            "the holder is named: {err}"
        );
        assert!(
            String::from_utf8_lossy(&winner.stdout).contains("Apply complete! Resources: 2 added")
        );
        let list = infra(dir.path()).args(["state", "list"]).output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&list.stdout),
            "null_resource.after\ntime_sleep.wait\n"
        );
    }
}
