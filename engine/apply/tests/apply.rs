//! The apply executor against a real SQLite state and the built-in providers.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use infra_apply::{apply, ApplyContext, NoProgress};
use infra_plan::{plan, Action, PlanMode, PlanOptions};
use infra_state::{SqliteStore, StateStore};

struct Env {
    dir: tempfile::TempDir,
    store: Arc<SqliteStore>,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(dir.path().join(".infra/state.db")).unwrap());
        Env { dir, store }
    }

    fn ctx(&self, src: &str, mode: PlanMode) -> ApplyContext {
        std::fs::write(self.dir.path().join("main.tf"), src).unwrap();
        let (c, d) = infra_config::load_config(self.dir.path());
        assert!(!d.has_errors(), "{d:?}");
        ApplyContext {
            config: Arc::new(c),
            registry: infra_builtin::registry(),
            store: self.store.clone(),
            options: PlanOptions {
                mode,
                ..PlanOptions::default()
            },
            progress: Arc::new(NoProgress),
            cancelled: Arc::new(AtomicBool::new(false)),
            stop: Arc::new(tokio::sync::Notify::new()),
        }
    }

    async fn plan_apply(
        &self,
        src: &str,
        mode: PlanMode,
    ) -> (infra_plan::Plan, infra_apply::ApplyOutcome) {
        let ctx = self.ctx(src, mode);
        let prior = self.store.load("default").unwrap();
        let (p, d) = plan(
            ctx.config.clone(),
            ctx.registry.clone(),
            prior,
            ctx.options.clone(),
            ctx.cancelled.clone(),
        )
        .await;
        let p = p.unwrap_or_else(|| panic!("plan failed: {d:?}"));
        let out = apply(&ctx, p.clone()).await;
        assert!(!out.diagnostics.has_errors(), "{:?}", out.diagnostics);
        (p, out)
    }

    /// Plans against the stored state with `ctx` and applies the plan, whatever the outcome.
    async fn plan_then_apply(&self, ctx: &ApplyContext) -> infra_apply::ApplyOutcome {
        let prior = self.store.load("default").unwrap();
        let (p, d) = plan(
            ctx.config.clone(),
            ctx.registry.clone(),
            prior,
            ctx.options.clone(),
            ctx.cancelled.clone(),
        )
        .await;
        apply(ctx, p.unwrap_or_else(|| panic!("plan failed: {d:?}"))).await
    }

    async fn plan_only(&self, src: &str) -> infra_plan::Plan {
        let ctx = self.ctx(src, PlanMode::Normal);
        let prior = self.store.load("default").unwrap();
        let (p, d) = plan(
            ctx.config.clone(),
            ctx.registry.clone(),
            prior,
            ctx.options.clone(),
            ctx.cancelled.clone(),
        )
        .await;
        p.unwrap_or_else(|| panic!("plan failed: {d:?}"))
    }
}

const LAYERED: &str = r#"
resource "null_resource" "a" {
  count = 3
  triggers = { n = count.index }
}
resource "null_resource" "b" {
  count = 3
  triggers = { up = null_resource.a[count.index].id }
}
output "ids" { value = null_resource.b[*].triggers.up }
"#;

#[tokio::test]
async fn apply_then_plan_is_clean_and_state_has_everything() {
    let env = Env::new();
    let (p, out) = env.plan_apply(LAYERED, PlanMode::Normal).await;
    assert_eq!(p.counts(), (6, 0, 0));
    assert_eq!((out.added, out.changed, out.destroyed), (6, 0, 0));
    let state = env.store.load("default").unwrap();
    assert_eq!(state.resources.len(), 6);
    // b[i] saw a[i]'s real id, known only after a[i] was created.
    let a1 = &state.resources["null_resource.a[1]"].attributes["id"];
    assert_eq!(
        &state.resources["null_resource.b[1]"].attributes["triggers"]["up"],
        a1
    );
    assert_eq!(state.outputs["ids"].value.as_array().unwrap().len(), 3);
    let again = env.plan_only(LAYERED).await;
    assert!(
        !again.has_changes(),
        "{:?}",
        again
            .changes
            .iter()
            .map(|c| (c.addr.to_string(), c.action))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn shrink_replace_and_destroy() {
    let env = Env::new();
    env.plan_apply(LAYERED, PlanMode::Normal).await;
    // Shrink a to 2: a[2] and b[2] go; changing a trigger replaces a[0] and so b[0] (its id changes).
    let shrunk = LAYERED
        .replace(
            "count = 3\n  triggers = { n = count.index }",
            "count = 2\n  triggers = { n = \"x${count.index}\" }",
        )
        .replace(
            "resource \"null_resource\" \"b\" {\n  count = 3",
            "resource \"null_resource\" \"b\" {\n  count = 2",
        );
    let p = env.plan_only(&shrunk).await;
    let actions: Vec<(String, Action)> = p
        .changes
        .iter()
        .map(|c| (c.addr.to_string(), c.action))
        .collect();
    assert!(
        actions.contains(&("null_resource.a[2]".into(), Action::Delete)),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("null_resource.b[2]".into(), Action::Delete)),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("null_resource.a[0]".into(), Action::DeleteThenCreate)),
        "{actions:?}"
    );
    env.plan_apply(&shrunk, PlanMode::Normal).await;
    let state = env.store.load("default").unwrap();
    assert_eq!(state.resources.len(), 4);
    assert!(!env.plan_only(&shrunk).await.has_changes());
    let (_, out) = env.plan_apply(&shrunk, PlanMode::Destroy).await;
    assert_eq!(out.destroyed, 4);
    assert!(env.store.load("default").unwrap().resources.is_empty());
}

/// Records the order of progress events.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<String>>);

impl infra_apply::ProgressSink for Recorder {
    fn event(&self, e: infra_apply::ProgressEvent) {
        if let infra_apply::ProgressEvent::Finished {
            address, action, ..
        } = e
        {
            self.0.lock().unwrap().push(format!("{action:?} {address}"));
        }
    }
}

const CHAIN: &str = r#"
resource "null_resource" "a" {}
resource "null_resource" "b" {
  triggers = { up = null_resource.a.id }
}
resource "null_resource" "c" {
  triggers = { up = null_resource.b.id }
}
"#;

#[tokio::test]
async fn creates_follow_dependencies_and_deletes_go_in_reverse() {
    let env = Env::new();
    let rec = Arc::new(Recorder::default());
    let mut ctx = env.ctx(CHAIN, PlanMode::Normal);
    ctx.progress = rec.clone();
    let out = env.plan_then_apply(&ctx).await;
    assert!(!out.diagnostics.has_errors());
    assert_eq!(
        *rec.0.lock().unwrap(),
        [
            "Create null_resource.a",
            "Create null_resource.b",
            "Create null_resource.c"
        ]
    );
    rec.0.lock().unwrap().clear();
    let mut ctx = env.ctx(CHAIN, PlanMode::Destroy);
    ctx.progress = rec.clone();
    let out = env.plan_then_apply(&ctx).await;
    assert!(!out.diagnostics.has_errors());
    assert_eq!(
        *rec.0.lock().unwrap(),
        [
            "Delete null_resource.c",
            "Delete null_resource.b",
            "Delete null_resource.a"
        ]
    );
}

#[tokio::test]
async fn a_failure_skips_dependents_while_independent_work_finishes() {
    let env = Env::new();
    // The file's parent is a regular file, so creating it fails at apply time.
    std::fs::write(env.dir.path().join("blocker"), "x").unwrap();
    let src = format!(
        r#"
resource "local_file" "bad" {{
  filename = "{}/blocker/inner.txt"
  content  = "x"
}}
resource "null_resource" "after_bad" {{
  triggers = {{ f = local_file.bad.id }}
}}
resource "null_resource" "independent" {{}}
"#,
        env.dir.path().display()
    );
    let ctx = env.ctx(&src, PlanMode::Normal);
    let out = env.plan_then_apply(&ctx).await;
    assert!(out.diagnostics.has_errors());
    let failed = out.diagnostics.iter().find(|d| d.is_error()).unwrap();
    assert_eq!(
        failed.address.as_deref(),
        Some("local_file.bad"),
        "{failed:?}"
    );
    let state = env.store.load("default").unwrap();
    let addrs: Vec<&String> = state.resources.keys().collect();
    assert_eq!(addrs, ["null_resource.independent"]);
    assert!(
        env.store.open_intents("default").unwrap().is_empty(),
        "no intent left open"
    );
}

#[tokio::test]
async fn local_file_deleted_or_edited_out_of_band_is_detected_and_repaired() {
    let env = Env::new();
    let path = env.dir.path().join("out.txt");
    let src = format!(
        "resource \"local_file\" \"f\" {{\n  filename = \"{}\"\n  content  = \"hello\\n\"\n}}\n",
        path.display()
    );
    env.plan_apply(&src, PlanMode::Normal).await;
    std::fs::remove_file(&path).unwrap();
    let p = env.plan_only(&src).await;
    assert_eq!(
        p.changes.iter().map(|c| c.action).collect::<Vec<_>>(),
        [Action::Create]
    );
    assert_eq!(p.drift.len(), 1);
    env.plan_apply(&src, PlanMode::Normal).await;
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello\n");
    std::fs::write(&path, "edited\n").unwrap();
    let p = env.plan_only(&src).await;
    assert!(
        p.changes
            .iter()
            .any(|c| c.action.is_replace() || c.action == Action::Update),
        "{:?}",
        p.changes.iter().map(|c| c.action).collect::<Vec<_>>()
    );
    env.plan_apply(&src, PlanMode::Normal).await;
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello\n");
    assert!(!env.plan_only(&src).await.has_changes());
}
