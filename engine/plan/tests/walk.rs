//! The plan walk against the built-in providers: expansion, references between instances,
//! actions, against an empty and a prior state.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use infra_core::Value;
use infra_plan::{plan, Action, PlanOptions};
use infra_state::StateSnapshot;

fn config(src: &str) -> (tempfile::TempDir, Arc<infra_config::Config>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), src).unwrap();
    let (c, d) = infra_config::load_config(dir.path());
    assert!(!d.has_errors(), "{d:?}");
    (dir, Arc::new(c))
}

async fn plan_of(src: &str) -> infra_plan::Plan {
    let (_dir, c) = config(src);
    let (p, d) = plan(
        c,
        infra_builtin::registry(),
        StateSnapshot::empty(),
        PlanOptions::default(),
        Arc::new(AtomicBool::new(false)),
    )
    .await;
    p.unwrap_or_else(|| panic!("plan failed: {d:?}"))
}

#[tokio::test]
async fn counted_resources_reference_each_other() {
    let p = plan_of(
        r#"
resource "null_resource" "a" {
  count = 3
  triggers = { n = count.index }
}
resource "null_resource" "b" {
  count = 3
  triggers = { up = null_resource.a[count.index].triggers.n }
}
output "first" { value = null_resource.b[0].triggers.up }
"#,
    )
    .await;
    assert_eq!(p.changes.len(), 6);
    assert!(p.changes.iter().all(|c| c.action == Action::Create));
    let b2 = p
        .changes
        .iter()
        .find(|c| c.addr.to_string() == "null_resource.b[2]")
        .unwrap();
    let trig = b2.after.as_ref().unwrap().entries().unwrap()["triggers"].clone();
    assert_eq!(trig.entries().unwrap()["up"], Value::string("2"));
    assert_eq!(p.outputs["first"].after, Some(Value::string("0")));
    assert_eq!(p.counts(), (6, 0, 0));
}

#[tokio::test]
async fn for_each_and_modules_expand() {
    let (dir, _) = config("");
    std::fs::create_dir_all(dir.path().join("m")).unwrap();
    std::fs::write(dir.path().join("m/main.tf"), "variable \"n\" {}\nresource \"null_resource\" \"r\" {\n  triggers = { n = var.n }\n}\noutput \"id\" { value = null_resource.r.triggers.n }\n").unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "module \"m\" {\n  source = \"./m\"\n  for_each = toset([\"x\", \"y\"])\n  n = each.key\n}\nresource \"null_resource\" \"top\" {\n  for_each = module.m\n  triggers = { v = each.value.id }\n}\n",
    )
    .unwrap();
    let (c, d) = infra_config::load_config(dir.path());
    assert!(!d.has_errors(), "{d:?}");
    let (p, d) = plan(
        Arc::new(c),
        infra_builtin::registry(),
        StateSnapshot::empty(),
        PlanOptions::default(),
        Arc::new(AtomicBool::new(false)),
    )
    .await;
    let p = p.unwrap_or_else(|| panic!("{d:?}"));
    let addrs: Vec<String> = p.changes.iter().map(|c| c.addr.to_string()).collect();
    // Root module first, as Terraform orders changes.
    assert_eq!(
        addrs,
        [
            "null_resource.top[\"x\"]",
            "null_resource.top[\"y\"]",
            "module.m[\"x\"].null_resource.r",
            "module.m[\"y\"].null_resource.r"
        ]
    );
}

#[tokio::test]
async fn unknown_count_is_an_error_naming_the_resource() {
    let (_dir, c) = config("resource \"random_integer\" \"n\" {\n  min = 1\n  max = 3\n}\nresource \"null_resource\" \"r\" {\n  count = random_integer.n.result\n}\n");
    let (p, d) = plan(
        c,
        infra_builtin::registry(),
        StateSnapshot::empty(),
        PlanOptions::default(),
        Arc::new(AtomicBool::new(false)),
    )
    .await;
    assert!(p.is_none());
    let e = d
        .iter()
        .find(|d| d.summary == "Invalid count argument")
        .expect("count diagnostic");
    assert_eq!(e.address.as_deref(), Some("null_resource.r"));
}

#[tokio::test]
async fn schema_errors_point_at_the_argument() {
    let (_dir, c) = config("resource \"null_resource\" \"r\" {\n  trigers = {}\n}\n");
    let (p, d) = plan(
        c,
        infra_builtin::registry(),
        StateSnapshot::empty(),
        PlanOptions::default(),
        Arc::new(AtomicBool::new(false)),
    )
    .await;
    assert!(p.is_none());
    let e = d
        .iter()
        .find(|d| d.summary == "Unsupported argument")
        .expect("diagnostic");
    assert!(
        e.detail.contains("Did you mean \"triggers\"?"),
        "{}",
        e.detail
    );
    assert_eq!(e.subject.as_ref().unwrap().start.line, 2);
}
