//! Integration tests of the state-facing commands (`init`, `output`, `show`, `state …`, `graph`,
//! `force-unlock`), driving the real `infra` executable in temporary directories.
//!
//! States come from genuine Terraform 1.0.3 state files (`state-fixtures/terraform/`) adopted
//! with `infra state import-terraform`. The expected texts in `tests/cli_state/` are Terraform
//! 1.0.3's own output for those files (`terraform show`, `show -json`, `state list`), with one
//! change: Terraform's human `show` prints a resource's instances in Go map order, which differs
//! from run to run, so the expected files list them in key order as infra does.
//!
//! A held lock comes from a real `infra apply` of a `time_sleep` resource running beside the
//! command under test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn infra(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_infra"));
    c.current_dir(dir)
        .env_remove("INFRA_ENV")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    c
}

/// Runs `infra ARGS` in `dir`: (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out: Output = infra(dir).args(args).output().expect("run infra");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `infra ARGS` and insists on success; returns stdout.
#[track_caller]
fn ok(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(dir, args);
    assert_eq!(code, 0, "infra {args:?} failed:\n{out}\n{err}");
    out
}

fn repo() -> PathBuf {
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    repo()
        .join("state-fixtures/terraform")
        .join(format!("{name}.tfstate"))
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(repo().join("tests/cli_state").join(name)).expect("expected file")
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json")
}

/// A temporary directory whose `default` environment holds the Terraform state `name`.
fn imported(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = ok(
        dir.path(),
        &[
            "state",
            "import-terraform",
            fixture(name).to_str().expect("utf-8 path"),
        ],
    );
    assert!(out.contains("Imported"), "{out}");
    dir
}

fn list(dir: &Path) -> Vec<String> {
    ok(dir, &["state", "list"])
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn init_twice_creates_the_database_and_resolves_providers() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("main.tf"),
        "terraform {\n  required_providers {\n    random = { source = \"hashicorp/random\" }\n  }\n}\nresource \"null_resource\" \"a\" {}\nresource \"terraform_data\" \"b\" {}\n",
    )
    .expect("write");
    for _ in 0..2 {
        let out = ok(dir.path(), &["init"]);
        assert!(out.contains("Initializing provider plugins..."), "{out}");
        for p in [
            "hashicorp/null",
            "hashicorp/random",
            "terraform.io/builtin/terraform",
        ] {
            assert!(
                out.contains(&format!("- Using built-in {p}\n")),
                "{p} missing from:\n{out}"
            );
        }
        assert!(
            out.contains("infra has been successfully initialized!"),
            "{out}"
        );
    }
    assert!(dir.path().join(".infra/state.db").is_file());
    let ignore = std::fs::read_to_string(dir.path().join(".infra/.gitignore")).expect(".gitignore");
    assert!(ignore.lines().any(|l| l == "*"), "{ignore}");
}

#[test]
fn init_names_a_provider_infra_does_not_have() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"null_resource\" \"a\" {}\nresource \"google_compute_instance\" \"web\" {}\n",
    )
    .expect("write");
    let (code, out, err) = run(dir.path(), &["init"]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(err.contains("Provider not available"), "{err}");
    assert!(err.contains("hashicorp/google"), "{err}");
    assert!(
        err.contains("hashicorp/aws, hashicorp/local, hashicorp/null, hashicorp/random"),
        "what infra has is listed: {err}"
    );
    assert!(
        err.contains("main.tf:2:"),
        "the resource is pointed at: {err}"
    );
    assert!(!out.contains("successfully initialized"), "{out}");
}

#[test]
fn import_list_show_and_pull_keep_terraforms_state() {
    for name in [
        "null-count-foreach-outputs",
        "modules-data-tainted-cbd",
        "odd-keys-sensitive",
    ] {
        let dir = imported(name);
        assert_eq!(
            ok(dir.path(), &["state", "list"]),
            expected(&format!("{name}.list.txt")),
            "{name}"
        );
        assert_eq!(
            ok(dir.path(), &["show"]),
            expected(&format!("{name}.show.txt")),
            "{name}"
        );
        let shown: Value =
            serde_json::from_str(&ok(dir.path(), &["show", "-json"])).expect("show -json");
        let mut want = read_json(&repo().join(format!("tests/cli_state/{name}.show.json")));
        redact(&mut want);
        want["terraform_version"] = shown["terraform_version"].clone();
        assert_eq!(shown, want, "{name}");

        // Pull gives back the file's lineage, outputs and resources (Terraform's `private` blobs
        // aside, which infra does not keep).
        let pulled: Value =
            serde_json::from_str(&ok(dir.path(), &["state", "pull"])).expect("pull");
        let mut original = read_json(&fixture(name));
        for r in original["resources"].as_array_mut().into_iter().flatten() {
            for i in r["instances"].as_array_mut().into_iter().flatten() {
                i.as_object_mut().map(|o| o.remove("private"));
            }
        }
        assert_eq!(pulled["lineage"], original["lineage"], "{name}");
        assert_eq!(pulled["outputs"], original["outputs"], "{name}");
        assert_eq!(
            normalized_resources(&pulled),
            normalized_resources(&original),
            "{name}"
        );
    }
}

/// Terraform's `show -json` document as infra writes it: every JSON view of infra leaves
/// sensitive values out (sensitive outputs have no `value`, sensitive attributes are `null`),
/// where Terraform 1.0.3 prints them in full.
fn redact(doc: &mut Value) {
    fn mask(values: &mut Value, sensitive: &Value) {
        match (values, sensitive) {
            (v, Value::Bool(true)) => *v = Value::Null,
            (Value::Object(vo), Value::Object(so)) => {
                for (k, s) in so {
                    if let Some(v) = vo.get_mut(k) {
                        mask(v, s);
                    }
                }
            }
            (Value::Array(va), Value::Array(sa)) => {
                for (v, s) in va.iter_mut().zip(sa) {
                    mask(v, s);
                }
            }
            _ => {}
        }
    }
    // (`get_mut`, not `[]`: indexing a JSON value mutably adds the key.)
    fn module(m: &mut Value) {
        for r in m
            .get_mut("resources")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            let sensitive = r["sensitive_values"].clone();
            if let Some(values) = r.get_mut("values") {
                mask(values, &sensitive);
            }
        }
        for c in m
            .get_mut("child_modules")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            module(c);
        }
    }
    let Some(values) = doc.get_mut("values") else {
        return;
    };
    for o in values
        .get_mut("outputs")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|o| o.values_mut())
    {
        if o["sensitive"] == json!(true) {
            if let Some(o) = o.as_object_mut() {
                o.remove("value");
            }
        }
    }
    if let Some(root) = values.get_mut("root_module") {
        module(root);
    }
}

/// A state document's instances by address, with Terraform's defaults filled in.
fn normalized_resources(doc: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for r in doc["resources"].as_array().into_iter().flatten() {
        for i in r["instances"].as_array().into_iter().flatten() {
            let mut i = i.clone();
            let o = i.as_object_mut().expect("instance object");
            o.entry("dependencies").or_insert(json!([]));
            o.entry("sensitive_attributes").or_insert(json!([]));
            if o.get("create_before_destroy") == Some(&json!(false)) {
                o.remove("create_before_destroy");
            }
            let key = format!(
                "{}|{}|{}|{}|{}|{}",
                r["module"], r["mode"], r["type"], r["name"], r["provider"], i["index_key"]
            );
            out.push((key, i));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn state_show_prints_one_instance_like_terraform() {
    let dir = imported("null-count-foreach-outputs");
    let out = ok(
        dir.path(),
        &["state", "show", "null_resource.each[\"c d\"]"],
    );
    assert_eq!(
        out,
        "# null_resource.each[\"c d\"]:\nresource \"null_resource\" \"each\" {\n    id       = \"1933465942169085581\"\n    triggers = {\n        \"k\" = \"c d\"\n    }\n}\n"
    );
    let dir = imported("modules-data-tainted-cbd");
    let out = ok(
        dir.path(),
        &["state", "show", "module.single.null_resource.inner"],
    );
    assert!(out.contains("\"secret\" = (sensitive)"), "{out}");
    let out = ok(
        dir.path(),
        &["state", "show", "-no-color", "null_resource.victim"],
    );
    assert!(
        out.starts_with("# null_resource.victim: (tainted)\n"),
        "{out}"
    );

    let (code, _, err) = run(dir.path(), &["state", "show", "null_resource.nope"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("No instance found for the given address"),
        "{err}"
    );
}

#[test]
fn state_list_filters_by_resource_and_module() {
    let dir = imported("modules-data-tainted-cbd");
    assert_eq!(
        ok(dir.path(), &["state", "list", "module.many"]),
        "module.many[\"x\"].data.null_data_source.info\nmodule.many[\"x\"].null_resource.inner\nmodule.many[\"y\"].data.null_data_source.info\nmodule.many[\"y\"].null_resource.inner\n"
    );
    assert_eq!(
        ok(dir.path(), &["state", "list", "null_resource.victim"]),
        "null_resource.victim\n"
    );
    let (code, _, err) = run(dir.path(), &["state", "list", "null_resource.inner"]);
    assert_eq!(code, 1);
    assert!(err.contains("Unknown resource"), "{err}");
}

#[test]
fn import_refuses_to_overwrite_a_state_without_force() {
    let dir = imported("null-count-foreach-outputs");
    let other = fixture("odd-keys-sensitive");
    let (code, _, err) = run(
        dir.path(),
        &["state", "import-terraform", other.to_str().expect("path")],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("State already exists") && err.contains("-force"),
        "{err}"
    );
    assert_eq!(list(dir.path()).len(), 7, "the state is unchanged");

    ok(
        dir.path(),
        &[
            "state",
            "import-terraform",
            "-force",
            other.to_str().expect("path"),
        ],
    );
    assert_eq!(list(dir.path()).len(), 17);
    let pulled: Value = serde_json::from_str(&ok(dir.path(), &["state", "pull"])).expect("pull");
    assert_eq!(pulled["lineage"], "a5f06241-6137-1cc6-6e96-9a061f868a2f");

    // Another environment is separate.
    ok(
        dir.path(),
        &[
            "state",
            "import-terraform",
            "-e",
            "prod",
            fixture("destroyed-empty").to_str().expect("path"),
        ],
    );
    assert_eq!(ok(dir.path(), &["state", "list", "-e", "prod"]), "");
}

#[test]
fn rm_forgets_every_instance_of_a_resource() {
    let dir = imported("null-count-foreach-outputs");
    let out = ok(
        dir.path(),
        &["state", "rm", "null_resource.each", "null_resource.dep"],
    );
    assert_eq!(
        out,
        "Removed null_resource.each[\"a\"]\nRemoved null_resource.each[\"b\"]\nRemoved null_resource.each[\"c d\"]\nRemoved null_resource.dep\nSuccessfully removed 4 resource instance(s).\n"
    );
    assert_eq!(
        list(dir.path()),
        [
            "null_resource.counted[0]",
            "null_resource.counted[1]",
            "null_resource.counted[2]"
        ]
    );

    let (code, _, err) = run(dir.path(), &["state", "rm", "null_resource.each"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Invalid target address") && err.contains("No matching objects found"),
        "{err}"
    );

    assert_eq!(
        ok(
            dir.path(),
            &["state", "rm", "-dry-run", "null_resource.counted[1]"]
        ),
        "Would remove null_resource.counted[1]\n"
    );
    assert_eq!(list(dir.path()).len(), 3, "a dry run changes nothing");
}

#[test]
fn mv_renames_instances_and_refuses_an_occupied_destination() {
    let dir = imported("null-count-foreach-outputs");
    assert_eq!(
        ok(
            dir.path(),
            &["state", "mv", "null_resource.dep", "null_resource.dep2"]
        ),
        "Move \"null_resource.dep\" to \"null_resource.dep2\"\nSuccessfully moved 1 object(s).\n"
    );
    assert_eq!(
        ok(
            dir.path(),
            &["state", "mv", "null_resource.counted", "null_resource.c2"]
        ),
        "Move \"null_resource.counted\" to \"null_resource.c2\"\nSuccessfully moved 1 object(s).\n"
    );
    let names = list(dir.path());
    assert!(
        names.contains(&"null_resource.c2[2]".to_string())
            && names.contains(&"null_resource.dep2".to_string()),
        "{names:?}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("null_resource.counted") || n == "null_resource.dep"),
        "{names:?}"
    );

    // The moved object keeps its attributes.
    let shown = ok(dir.path(), &["state", "show", "null_resource.c2[0]"]);
    assert!(shown.contains("8833868320741136046"), "{shown}");

    let (code, _, err) = run(
        dir.path(),
        &["state", "mv", "null_resource.c2[0]", "null_resource.c2[1]"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("already a resource instance at that address"),
        "{err}"
    );
    let (code, _, err) = run(
        dir.path(),
        &["state", "mv", "null_resource.zzz", "null_resource.q"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("does not match anything"), "{err}");
}

#[test]
fn history_lists_every_version_and_rollback_restores_a_removed_instance() {
    let dir = imported("null-count-foreach-outputs");
    ok(dir.path(), &["state", "rm", "null_resource.dep"]);
    ok(
        dir.path(),
        &[
            "state",
            "mv",
            "null_resource.each[\"a\"]",
            "null_resource.each[\"z\"]",
        ],
    );

    let table = ok(dir.path(), &["state", "history"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    assert!(
        lines[0].starts_with("SERIAL") && lines[0].contains("OPERATION"),
        "{table}"
    );
    assert!(
        lines[1].starts_with("1 ") && lines[1].contains("import-terraform"),
        "{table}"
    );
    assert!(
        lines[2].starts_with("2 ")
            && lines[2].contains("state rm")
            && lines[2].ends_with("null_resource.dep"),
        "{table}"
    );
    assert!(
        lines[3].contains("null_resource.each[\"a\"] -> null_resource.each[\"z\"]"),
        "{table}"
    );

    let out = ok(dir.path(), &["state", "rollback", "1"]);
    assert!(out.contains("recorded as version 4"), "{out}");
    assert!(out.contains("  + null_resource.dep\n"), "{out}");
    assert_eq!(
        list(dir.path()),
        expected("null-count-foreach-outputs.list.txt")
            .lines()
            .collect::<Vec<_>>()
    );

    let history: Value = serde_json::from_str(&ok(dir.path(), &["state", "history", "-json"]))
        .expect("history -json");
    let ops: Vec<&str> = history
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["operation"].as_str())
        .collect();
    assert_eq!(
        ops,
        ["import-terraform", "state rm", "state mv", "rollback"]
    );
    assert_eq!(history[3]["note"], "to serial 1");

    let (code, _, err) = run(dir.path(), &["state", "rollback", "9"]);
    assert_eq!(code, 1);
    assert!(err.contains("no state version 9"), "{err}");
}

#[test]
fn output_prints_values_like_terraform_and_redacts_sensitive_json() {
    let dir = imported("null-count-foreach-outputs");
    // `terraform output` of Terraform 1.0.3 on this state.
    assert_eq!(
        ok(dir.path(), &["output"]),
        "b = true\nl = [\n  1,\n  2,\n  3,\n]\nlst = tolist([\n  \"p\",\n  \"q\",\n])\nm = {\n  \"a\" = \"x\"\n  \"b\" = \"y\"\n}\nmp = tomap({\n  \"a\" = 1\n})\nn = 42\nnested = {\n  \"l\" = [\n    {\n      \"a\" = 1\n    },\n  ]\n}\no = {\n  \"n\" = 1\n  \"name\" = \"x\"\n}\ns = \"hello\"\nsecret = <sensitive>\nsetv = toset([\n  \"x\",\n  \"y\",\n])\nt = [\n  \"a\",\n  1,\n  true,\n]\n"
    );
    let all: Value =
        serde_json::from_str(&ok(dir.path(), &["output", "-json"])).expect("output -json");
    assert_eq!(
        all["m"],
        json!({"sensitive": false, "type": ["object", {"a": "string", "b": "string"}], "value": {"a": "x", "b": "y"}})
    );
    assert_eq!(
        all["setv"],
        json!({"sensitive": false, "type": ["set", "string"], "value": ["x", "y"]})
    );
    // Redacted unless asked for by name (Terraform 1.0.3 prints "pw" here).
    assert_eq!(
        all["secret"],
        json!({"sensitive": true, "type": "string", "value": null})
    );
    assert_eq!(all.as_object().map(|o| o.len()), Some(12));

    assert_eq!(ok(dir.path(), &["output", "-json", "secret"]), "\"pw\"\n");
    assert_eq!(ok(dir.path(), &["output", "secret"]), "\"pw\"\n");
    assert_eq!(
        ok(dir.path(), &["output", "-json", "m"]),
        "{\"a\":\"x\",\"b\":\"y\"}\n"
    );
    assert_eq!(
        ok(dir.path(), &["output", "m"]),
        "{\n  \"a\" = \"x\"\n  \"b\" = \"y\"\n}\n"
    );
    assert_eq!(ok(dir.path(), &["output", "-raw", "s"]), "hello");
    assert_eq!(ok(dir.path(), &["output", "-raw", "n"]), "42");
    assert_eq!(ok(dir.path(), &["output", "-raw", "b"]), "true");

    let (code, _, err) = run(dir.path(), &["output", "-raw", "l"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Unsupported value for raw output") && err.contains("is tuple"),
        "{err}"
    );
    let (code, _, err) = run(dir.path(), &["output", "nope"]);
    assert_eq!(code, 1);
    assert!(err.contains("Output \"nope\" not found"), "{err}");
}

#[test]
fn output_without_outputs_warns_and_succeeds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = run(dir.path(), &["output"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.contains("No outputs found"), "{err}");
    assert_eq!(ok(dir.path(), &["output", "-json"]), "{}\n");
    assert!(
        !dir.path().join(".infra").exists(),
        "reading creates no state database"
    );
}

#[test]
fn show_of_an_empty_state() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(ok(dir.path(), &["show"]), "No state.\n");
    assert_eq!(
        ok(dir.path(), &["show", "-json"]),
        "{\"format_version\":\"0.2\"}\n"
    );
    assert_eq!(ok(dir.path(), &["state", "pull"]), "");
    assert_eq!(ok(dir.path(), &["state", "list"]), "");
    let (code, _, err) = run(dir.path(), &["state", "rm", "null_resource.a"]);
    assert_eq!(code, 1);
    assert!(err.contains("No matching objects found"), "{err}");
    assert!(
        !dir.path().join(".infra").exists(),
        "nothing creates a state database to find nothing"
    );
}

#[test]
fn graph_prints_dot_and_mermaid() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"null_resource\" \"a\" {}\nresource \"null_resource\" \"b\" {\n  triggers = { a = null_resource.a.id }\n}\n",
    )
    .expect("write");
    let dot = ok(dir.path(), &["graph"]);
    assert!(dot.starts_with("digraph {"), "{dot}");
    assert!(
        dot.contains("\"null_resource.a\" -> \"null_resource.b\""),
        "{dot}"
    );
    let mermaid = ok(dir.path(), &["graph", "-format=mermaid"]);
    assert!(mermaid.starts_with("flowchart"), "{mermaid}");
    assert!(mermaid.contains("-->"), "{mermaid}");
    let (code, _, err) = run(dir.path(), &["graph", "-format=png"]);
    assert_eq!(code, 1);
    assert!(err.contains("Invalid -format value"), "{err}");
}

#[test]
fn force_unlock_of_an_unknown_lock_fails() {
    let dir = imported("null-count-foreach-outputs");
    let (code, out, err) = run(dir.path(), &["force-unlock", "-force", "not-a-lock"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        err.contains("Failed to unlock state") && err.contains("not locked"),
        "{err}"
    );
    let (code, out, _) = run(dir.path(), &["force-unlock", "not-a-lock"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("Do you really want to force-unlock?")
            && out.contains("force-unlock cancelled."),
        "{out}"
    );
}

#[test]
fn plan_after_import_terraform_shows_no_changes() {
    for name in ["null-count-foreach-outputs", "odd-keys-sensitive"] {
        let dir = imported(name);
        let config = repo()
            .join("state-fixtures/terraform/configs")
            .join(name)
            .join("main.tf");
        std::fs::copy(config, dir.path().join("main.tf")).expect("copy config");
        let (code, out, err) = run(dir.path(), &["plan", "-detailed-exitcode", "-no-color"]);
        assert_eq!(
            code, 0,
            "{name}: the imported state must match its configuration:\n{out}\n{err}"
        );
        assert!(out.contains("No changes."), "{name}: {out}");
    }
}

#[test]
fn show_renders_a_saved_plan() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"null_resource\" \"a\" {}\n",
    )
    .expect("write");
    ok(dir.path(), &["plan", "-out=saved.plan"]);
    let human = ok(dir.path(), &["show", "saved.plan"]);
    assert!(
        human.contains("# null_resource.a will be created"),
        "{human}"
    );
    let doc: Value =
        serde_json::from_str(&ok(dir.path(), &["show", "-json", "saved.plan"])).expect("plan json");
    assert_eq!(
        doc["resource_changes"][0]["change"]["actions"],
        json!(["create"])
    );
    let (code, _, err) = run(dir.path(), &["show", "missing.plan"]);
    assert_eq!(code, 1);
    assert!(err.contains("Failed to read plan file"), "{err}");
}

#[test]
fn a_held_lock_names_its_holder_and_force_unlock_releases_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"time_sleep\" \"wait\" {\n  create_duration = \"5s\"\n}\n",
    )
    .expect("write");
    let apply = infra(dir.path())
        .args(["apply", "-auto-approve", "-no-color"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start apply");
    // The apply takes the lock before it plans, so the lock file appears while it holds it.
    let lock_file = dir.path().join(".infra/state.db.default.lock");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !lock_file.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(lock_file.exists(), "apply never took the lock");

    let (code, _, err) = run(dir.path(), &["state", "rm", "time_sleep.wait"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("Error acquiring the state lock"), "{err}");
    assert!(
        err.contains("Operation: apply") && err.contains("Who:") && err.contains("Created:"),
        "{err}"
    );
    let id = err
        .lines()
        .find_map(|l| l.trim().strip_prefix("ID:"))
        .map(|s| s.trim().to_string())
        .expect("the lock ID is shown");

    let (code, _, err) = run(dir.path(), &["force-unlock", "-force", "wrong-id"]);
    assert_eq!(code, 1);
    assert!(err.contains(&id), "the error names the real lock: {err}");
    let out = ok(dir.path(), &["force-unlock", "-force", &id]);
    assert!(
        out.contains("infra state has been successfully unlocked!"),
        "{out}"
    );

    let finished = apply.wait_with_output().expect("apply");
    assert!(
        finished.status.success(),
        "{}",
        String::from_utf8_lossy(&finished.stderr)
    );
    assert_eq!(list(dir.path()), ["time_sleep.wait"]);
}
