//! The S3 backend through the real binary, against the AWS emulator (moto; see
//! providers/aws/tests/aws/moto.rs — these tests fail, not skip, when it cannot start): apply,
//! plan and history on a bucket; twenty rounds of two applies racing for one key's lock; and
//! `init -migrate-state` from the local database to S3 and back. Each test has its own bucket,
//! created here with versioning on.

#[path = "../providers/aws/tests/aws/moto.rs"]
mod moto;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn infra(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_infra"));
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("INFRA_ENV")
        // Credentials from the standard chain (the emulator accepts any).
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_S3")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null());
    c
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[track_caller]
fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        text(&o.stdout),
        text(&o.stderr)
    );
    text(&o.stdout)
}

#[track_caller]
fn run(dir: &Path, args: &[&str]) -> Output {
    infra(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// One plain HTTP request to the emulator (path-style S3; moto does not check signatures).
fn http(method: &str, path: &str, body: &str) -> String {
    let endpoint = &moto::moto().endpoint;
    let addr = endpoint.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("{e}"));
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    assert!(
        out.starts_with("HTTP/1.1 200") || out.starts_with("HTTP/1.0 200"),
        "{method} {path}: {out}"
    );
    out
}

/// Creates `bucket` with versioning enabled.
fn bucket(name: &str) {
    http("PUT", &format!("/{name}"), "");
    http(
        "PUT",
        &format!("/{name}?versioning"),
        r#"<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>"#,
    );
}

fn backend_block(bucket: &str) -> String {
    format!(
        "terraform {{\n  backend \"s3\" {{\n    bucket = \"{bucket}\"\n    key = \"app/terraform.tfstate\"\n    region = \"us-east-1\"\n    endpoints = {{ s3 = \"{}\" }}\n    use_path_style = true\n    skip_credentials_validation = true\n  }}\n}}\n",
        moto::moto().endpoint
    )
}

/// Resources that take a moment to create (so two applies overlap), changed by `round`.
fn resources(round: usize) -> String {
    format!(
        "resource \"time_sleep\" \"wait\" {{\n  create_duration = \"300ms\"\n  triggers = {{ round = \"{round}\" }}\n}}\nresource \"null_resource\" \"after\" {{\n  triggers = {{ t = time_sleep.wait.id }}\n}}\noutput \"round\" {{\n  value = time_sleep.wait.triggers.round\n}}\n"
    )
}

fn project(config: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(d.path().join("main.tf"), config).unwrap_or_else(|e| panic!("{e}"));
    d
}

/// `state history -json` as (serial, operation) pairs.
fn history(dir: &Path) -> Vec<(u64, String)> {
    let out = ok(run(dir, &["state", "history", "-json"]));
    let rows: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    rows.as_array()
        .map(|a| {
            a.iter()
                .map(|r| {
                    (
                        r["serial"].as_u64().unwrap_or(0),
                        r["operation"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `state pull` without the serial (which counts each store's own versions).
fn pulled(dir: &Path) -> serde_json::Value {
    let out = ok(run(dir, &["state", "pull"]));
    let mut v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    if let Some(m) = v.as_object_mut() {
        m.remove("serial");
    }
    v
}

#[test]
fn apply_plan_and_history_on_a_bucket() {
    bucket("cli-basic");
    let d = project(&(backend_block("cli-basic") + &resources(0)));
    let init = ok(run(d.path(), &["init"]));
    assert!(
        init.contains("Using the s3 backend (s3://cli-basic/app/terraform.tfstate)"),
        "{init}"
    );
    let out = ok(run(d.path(), &["apply", "-auto-approve"]));
    assert!(out.contains("Apply complete! Resources: 2 added"), "{out}");
    assert!(ok(run(d.path(), &["plan"])).contains("No changes."));
    assert!(
        !d.path().join(".infra/state.db").exists(),
        "the local database is not used"
    );
    assert_eq!(
        ok(run(d.path(), &["state", "list"])),
        "null_resource.after\ntime_sleep.wait\n"
    );
    assert_eq!(ok(run(d.path(), &["output", "-raw", "round"])), "0");
    let h = history(d.path());
    let serials: Vec<u64> = h.iter().map(|(s, _)| *s).collect();
    assert_eq!(serials, (1..=serials.len() as u64).collect::<Vec<_>>());
    assert!(h.len() >= 3, "two instances and the outputs: {h:?}");
    assert!(h.iter().any(|(_, op)| op == "apply"), "{h:?}");
    let table = ok(run(d.path(), &["state", "history"]));
    assert!(table.starts_with("SERIAL"), "{table}");
    // Roll back to the first version, then forward again with apply.
    let out = ok(run(d.path(), &["state", "rollback", "1"]));
    assert!(out.contains("Rolled back"), "{out}");
    assert_eq!(ok(run(d.path(), &["state", "list"])).lines().count(), 1);
}

#[test]
fn two_applies_racing_for_one_key_twenty_times() {
    bucket("cli-race");
    let d = project(&(backend_block("cli-race") + &resources(0)));
    ok(run(d.path(), &["init"]));
    let user = std::env::var("USER").unwrap_or_default();
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    for round in 0..20 {
        std::fs::write(
            d.path().join("main.tf"),
            backend_block("cli-race") + &resources(round),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let spawn = || {
            infra(d.path())
                .args(["apply", "-auto-approve", "-lock-timeout=0s"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let (a, b) = (spawn(), spawn());
        let (a, b) = (a.wait_with_output(), b.wait_with_output());
        let (a, b) = (
            a.unwrap_or_else(|e| panic!("{e}")),
            b.unwrap_or_else(|e| panic!("{e}")),
        );
        let (winner, loser) = match (a.status.code(), b.status.code()) {
            (Some(0), Some(1)) => (a, b),
            (Some(1), Some(0)) => (b, a),
            other => panic!(
                "round {round}: expected one success and one failure, got {other:?}\nA: {}\nB: {}",
                text(&a.stderr),
                text(&b.stderr)
            ),
        };
        let err = text(&loser.stderr);
        assert!(
            err.contains("Error acquiring the state lock"),
            "round {round}: {err}"
        );
        assert!(
            err.contains("for `apply`"),
            "round {round}: the operation is named: {err}"
        );
        assert!(
            err.contains(&format!("locked by `{}@", user.trim())) || err.contains(host.trim()),
            "round {round}: the holder is named: {err}"
        );
        let id = err
            .split_once("lock ID `")
            .and_then(|(_, rest)| rest.split_once('`'))
            .map(|(id, _)| id)
            .unwrap_or_default();
        assert_eq!(id.len(), 36, "round {round}: the lock ID is named: {err}");
        assert!(
            err.contains(&format!("infra force-unlock {id}")),
            "round {round}: {err}"
        );
        let out = text(&winner.stdout);
        let want = if round == 0 {
            "Resources: 2 added, 0 changed, 0 destroyed"
        } else {
            "Resources: 2 added, 0 changed, 2 destroyed"
        };
        assert!(
            out.contains(want),
            "round {round}: {out}\n{}",
            text(&winner.stderr)
        );
    }
    // No version lost or corrupt: serials contiguous, the latest state complete and current.
    let h = history(d.path());
    let serials: Vec<u64> = h.iter().map(|(s, _)| *s).collect();
    assert_eq!(serials, (1..=serials.len() as u64).collect::<Vec<_>>());
    assert!(serials.len() >= 20 * 3, "{} versions", serials.len());
    assert_eq!(
        ok(run(d.path(), &["state", "list"])),
        "null_resource.after\ntime_sleep.wait\n"
    );
    assert_eq!(ok(run(d.path(), &["output", "-raw", "round"])), "19");
    assert!(ok(run(d.path(), &["plan"])).contains("No changes."));
    // Every version in the history is still readable.
    let mid = (serials.len() / 2).to_string();
    ok(run(d.path(), &["state", "rollback", &mid]));
    assert_eq!(history(d.path()).len(), serials.len() + 1);
}

#[test]
fn migrate_state_from_the_local_database_to_s3_and_back() {
    bucket("cli-migrate");
    let d = project(&resources(7));
    ok(run(d.path(), &["init"]));
    ok(run(d.path(), &["apply", "-auto-approve"]));
    let local = pulled(d.path());
    assert_eq!(local["resources"].as_array().map(Vec::len), Some(2));

    // Naming the bucket without migrating is refused, not an empty state.
    std::fs::write(
        d.path().join("main.tf"),
        backend_block("cli-migrate") + &resources(7),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let plan = run(d.path(), &["plan"]);
    assert_eq!(plan.status.code(), Some(1));
    assert!(
        text(&plan.stderr).contains("Backend initialization required"),
        "{}",
        text(&plan.stderr)
    );
    // Without a terminal the question cannot be asked.
    let init = run(d.path(), &["init", "-migrate-state"]);
    assert_eq!(init.status.code(), Some(1), "{}", text(&init.stdout));
    assert!(
        text(&init.stderr).contains("-force-copy"),
        "{}",
        text(&init.stderr)
    );

    let out = ok(run(d.path(), &["init", "-migrate-state", "-force-copy"]));
    assert!(
        out.contains(
            "Environment \"default\": copied (2 resource instance(s), 1 output(s)), verified."
        ),
        "{out}"
    );
    assert_eq!(pulled(d.path()), local, "the S3 state equals the local one");
    assert!(ok(run(d.path(), &["plan"])).contains("No changes."));
    assert_eq!(history(d.path()), [(1, "migrate-state".to_string())]);

    // Change it on S3, then bring it back.
    std::fs::write(
        d.path().join("main.tf"),
        backend_block("cli-migrate") + &resources(8),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    ok(run(d.path(), &["apply", "-auto-approve"]));
    let remote = pulled(d.path());
    assert_eq!(remote["outputs"]["round"]["value"], "8");
    std::fs::write(d.path().join("main.tf"), resources(8)).unwrap_or_else(|e| panic!("{e}"));
    let out = ok(run(d.path(), &["init", "-migrate-state", "-force-copy"]));
    assert!(out.contains("copied"), "{out}");
    assert_eq!(
        pulled(d.path()),
        remote,
        "the local state equals the S3 one"
    );
    assert!(ok(run(d.path(), &["plan"])).contains("No changes."));
    // The local database keeps its own history: the first apply, then the copy back.
    let h = history(d.path());
    assert_eq!(h.last().map(|(_, op)| op.as_str()), Some("migrate-state"));
    // Running it again copies nothing.
    let out = ok(run(d.path(), &["init", "-migrate-state", "-force-copy"]));
    assert!(out.contains("No state to migrate"), "{out}");
}
