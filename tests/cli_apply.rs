//! plan/apply through the real binary: summaries, outputs, saved plans and their refusal when
//! stale or from another configuration, damaged state, interrupts.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn infra(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_infra"));
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("INFRA_ENV");
    c
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const CONFIG: &str = r#"
variable "names" {
  default = ["a", "b"]
}
resource "terraform_data" "x" {
  for_each = toset(var.names)
  input    = "item-${each.key}"
}
output "inputs" {
  value = { for k, v in terraform_data.x : k => v.output }
}
output "secret" {
  value     = "s3cr3t"
  sensitive = true
}
"#;

fn project(config: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.tf"), config).unwrap();
    d
}

#[test]
fn apply_reports_a_summary_and_outputs_in_terraforms_json_shape() {
    let d = project(CONFIG);
    let out = ok(infra(d.path())
        .args(["apply", "-auto-approve"])
        .output()
        .unwrap());
    assert!(
        out.contains("Apply complete! Resources: 2 added, 0 changed, 0 destroyed."),
        "{out}"
    );
    assert!(out.contains("secret = <sensitive>"), "{out}");
    let json: serde_json::Value = serde_json::from_str(&ok(infra(d.path())
        .args(["output", "-json"])
        .output()
        .unwrap()))
    .unwrap();
    assert_eq!(
        json["inputs"]["value"],
        serde_json::json!({"a": "item-a", "b": "item-b"})
    );
    assert_eq!(
        json["inputs"]["type"],
        serde_json::json!(["object", {"a": "string", "b": "string"}])
    );
    assert_eq!(json["inputs"]["sensitive"], false);
    assert_eq!(json["secret"]["sensitive"], true);
    let plan = infra(d.path())
        .args(["plan", "-detailed-exitcode"])
        .output()
        .unwrap();
    assert_eq!(
        plan.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&plan.stdout)
    );
}

#[test]
fn detailed_exitcode_is_2_with_changes() {
    let d = project(CONFIG);
    let plan = infra(d.path())
        .args(["plan", "-detailed-exitcode"])
        .output()
        .unwrap();
    assert_eq!(plan.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&plan.stdout)
        .contains("Plan: 2 to add, 0 to change, 0 to destroy."));
}

#[test]
fn a_saved_plan_applies_exactly_and_is_refused_once_stale() {
    let d = project(CONFIG);
    ok(infra(d.path())
        .args(["plan", "-out", "first.plan"])
        .output()
        .unwrap());
    ok(infra(d.path())
        .args(["plan", "-out", "second.plan"])
        .output()
        .unwrap());
    let out = ok(infra(d.path())
        .args(["apply", "first.plan"])
        .output()
        .unwrap());
    assert!(out.contains("Apply complete! Resources: 2 added"), "{out}");
    // The state moved on since `second.plan` was made.
    let stale = infra(d.path())
        .args(["apply", "second.plan"])
        .output()
        .unwrap();
    assert_eq!(stale.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&stale.stderr).contains("stale"),
        "{}",
        String::from_utf8_lossy(&stale.stderr)
    );
}

#[test]
fn a_plan_from_another_configuration_is_refused() {
    let a = project(CONFIG);
    let b = project(&CONFIG.replace("item-", "other-"));
    ok(infra(a.path())
        .args(["plan", "-out", "a.plan"])
        .output()
        .unwrap());
    let refused = infra(b.path())
        .args(["apply", &a.path().join("a.plan").to_string_lossy()])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("configuration"), "{err}");
    assert!(
        !b.path().join(".infra/state.db").exists()
            || ok(infra(b.path()).args(["state", "list"]).output().unwrap()).is_empty()
    );
}

#[test]
fn damaged_state_is_reported_and_never_overwritten() {
    for damage in ["garbage", "truncate"] {
        let d = project(CONFIG);
        ok(infra(d.path())
            .args(["apply", "-auto-approve"])
            .output()
            .unwrap());
        let db = d.path().join(".infra/state.db");
        // Fold the WAL into the database so the file on its own is the whole state.
        let _ = std::fs::remove_file(d.path().join(".infra/state.db-wal"));
        let bytes = std::fs::read(&db).unwrap();
        let damaged = match damage {
            "garbage" => {
                b"this is not a database at all, just some text that happens to be here".repeat(50)
            }
            _ => bytes[..bytes.len() / 2].to_vec(),
        };
        std::fs::write(&db, &damaged).unwrap();
        for cmd in [
            &["plan"][..],
            &["apply", "-auto-approve"][..],
            &["state", "list"][..],
        ] {
            let o = infra(d.path()).args(cmd).output().unwrap();
            assert_eq!(
                o.status.code(),
                Some(1),
                "{damage} {cmd:?}: {}",
                String::from_utf8_lossy(&o.stdout)
            );
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.contains("state.db"),
                "{damage} {cmd:?} names the file: {err}"
            );
            assert_eq!(
                std::fs::read(&db).unwrap(),
                damaged,
                "{damage} {cmd:?} must not touch the file"
            );
        }
    }
}

#[test]
fn first_interrupt_lets_running_changes_finish_and_records_them() {
    let d = project(
        "resource \"time_sleep\" \"one\" {\n  create_duration = \"1s\"\n}\nresource \"time_sleep\" \"two\" {\n  create_duration = \"1s\"\n  triggers = { after = time_sleep.one.id }\n}\n",
    );
    let child = infra(d.path())
        .args(["apply", "-auto-approve"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    // SIGINT, as Ctrl-C sends.
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Interrupt received"), "{err}");
    assert!(
        err.contains("time_sleep.one: Creation complete"),
        "the running change finished: {err}"
    );
    assert!(
        !err.contains("time_sleep.two: Creating"),
        "nothing new started: {err}"
    );
    let listed = ok(infra(d.path()).args(["state", "list"]).output().unwrap());
    assert_eq!(listed, "time_sleep.one\n");
    let out = ok(infra(d.path())
        .args(["apply", "-auto-approve"])
        .output()
        .unwrap());
    assert!(out.contains("1 added"), "{out}");
}

#[test]
fn second_interrupt_cancels_running_changes() {
    let d = project("resource \"time_sleep\" \"long\" {\n  create_duration = \"30s\"\n}\n");
    let started = std::time::Instant::now();
    let child = infra(d.path())
        .args(["apply", "-auto-approve"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    std::thread::sleep(Duration::from_millis(300));
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the 30 s sleep was cancelled, took {:?}: {err}",
        started.elapsed()
    );
    assert!(err.contains("Two interrupts received"), "{err}");
    // Nothing was created, and no intent is left open: the next apply creates it normally.
    assert_eq!(
        ok(infra(d.path()).args(["state", "list"]).output().unwrap()),
        ""
    );
}

#[test]
fn a_module_calls_providers_map_chooses_the_configuration_its_resources_use() {
    let dir = project(
        r#"
provider "null" {}
provider "null" {
  alias = "dr"
}
module "site" {
  source = "./site"
  providers = {
    null = null.dr
  }
}
module "plain" {
  source = "./site"
}
"#,
    );
    std::fs::create_dir(dir.path().join("site")).unwrap();
    std::fs::write(
        dir.path().join("site/main.tf"),
        "resource \"null_resource\" \"x\" {}\n",
    )
    .unwrap();
    ok(infra(dir.path())
        .args(["apply", "-auto-approve"])
        .output()
        .unwrap());
    let doc: serde_json::Value = serde_json::from_str(&ok(infra(dir.path())
        .args(["state", "pull"])
        .output()
        .unwrap()))
    .unwrap();
    let by_module: std::collections::BTreeMap<String, String> = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["module"].as_str().unwrap_or("").to_string(),
                r["provider"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        by_module["module.site"],
        "provider[\"registry.terraform.io/hashicorp/null\"].dr"
    );
    assert_eq!(
        by_module["module.plain"],
        "provider[\"registry.terraform.io/hashicorp/null\"]"
    );
    // The next plan agrees with what apply recorded.
    let plan = ok(infra(dir.path())
        .args(["plan", "-detailed-exitcode"])
        .output()
        .unwrap());
    assert!(plan.contains("No changes."), "{plan}");
}
