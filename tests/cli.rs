//! Integration tests that drive the real `infra` executable in temporary directories.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn infra() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_infra"));
    c.env_remove("INFRA_ENV").env("NO_COLOR", "1");
    c
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out: Output = cmd.output().expect("run infra");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run_stdin(cmd: &mut Command, input: &str) -> (i32, String, String) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn repo() -> PathBuf {
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// Every module and example in the repository must validate cleanly.
#[test]
fn validate_passes_on_every_module_and_example() {
    let mut dirs = Vec::new();
    for top in ["modules", "examples"] {
        for e in std::fs::read_dir(repo().join(top)).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            }
        }
    }
    assert!(
        dirs.len() >= 3,
        "expected modules and examples, found {dirs:?}"
    );
    for d in dirs {
        let (code, out, err) = run(infra().arg("validate").arg(&d));
        assert_eq!(code, 0, "validate {} failed:\n{out}\n{err}", d.display());
        assert!(
            out.contains("Success! The configuration is valid."),
            "{out}"
        );
    }
}

#[test]
fn validate_reports_every_problem_with_location_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "variable \"region\" {\n  type = string\n}\n\nlocals {\n  a = var.regin\n  b = upper([\"x\"])\n}\n",
    );
    let (code, out, err) = run(infra().arg("-chdir").arg(dir.path()).arg("validate"));
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(err.contains("main.tf:6:7"), "{err}");
    assert!(err.contains("Did you mean"), "{err}");
    assert!(err.contains("var.regin"), "{err}");
    assert!(
        err.contains("main.tf:7:"),
        "both problems are reported: {err}"
    );
    assert!(!out.contains("Success"), "{out}");
}

#[test]
fn validate_json_is_machine_readable() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "output \"x\" {\n  value = nosuchfn(1)\n}\n",
    );
    let (code, out, _) = run(infra().arg("validate").arg("-json").arg(dir.path()));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json output");
    assert_eq!(v["valid"], false);
    assert_eq!(v["error_count"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["summary"], "Call to unknown function");
    assert_eq!(d["range"]["start"]["line"], 2);
    assert!(d["range"]["filename"]
        .as_str()
        .unwrap()
        .ends_with("main.tf"));
}

#[test]
fn console_evaluates_stdin_in_module_context() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "variable \"n\" {\n  default = 2\n}\nlocals {\n  doubled = var.n * 2\n}\n",
    );
    let (code, out, err) = run_stdin(
        infra().arg("console").current_dir(dir.path()),
        "local.doubled + 1\n{b = 1, a = [1, \"x\"]}\nterraform.workspace\n",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "5\n{\n  \"a\" = [\n    \"1\",\n    \"x\",\n  ]\n  \"b\" = 1\n}\n\"default\"\n"
            .replace("[\n    \"1\"", "[\n    1")
    );
}

#[test]
fn console_reports_errors_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run_stdin(
        infra().arg("console").current_dir(dir.path()),
        "1 + \"a\"\n",
    );
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("Invalid operand"), "{err}");
}

#[test]
fn console_takes_var_flags_and_env() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "variable \"region\" {\n  type = string\n}\n",
    );
    let (code, out, err) = run_stdin(
        infra()
            .args(["console", "-var", "region=eu-central-1", "-e", "dr"])
            .current_dir(dir.path()),
        "\"${var.region}/${terraform.workspace}\"\n",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "\"eu-central-1/dr\"\n");
}

#[test]
fn fmt_check_exits_3_then_fmt_fixes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "resource \"a\" \"b\" {\nx=1\n  longer_name = \"v\"\n}\n",
    );
    let (code, out, _) = run(infra().args(["fmt", "-check"]).current_dir(dir.path()));
    assert_eq!(code, 3);
    assert_eq!(out, "main.tf\n");
    let (code, out, err) = run(infra().arg("fmt").current_dir(dir.path()));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "main.tf\n");
    let text = std::fs::read_to_string(dir.path().join("main.tf")).unwrap();
    assert_eq!(
        text,
        "resource \"a\" \"b\" {\n  x           = 1\n  longer_name = \"v\"\n}\n"
    );
    let (code, out, _) = run(infra().args(["fmt", "-check"]).current_dir(dir.path()));
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn fmt_reads_stdin() {
    let (code, out, _) = run_stdin(infra().args(["fmt", "-"]), "a=1\nbb = 2\n");
    assert_eq!(code, 0);
    assert_eq!(out, "a  = 1\nbb = 2\n");
}

#[test]
fn fmt_refuses_invalid_syntax_and_leaves_the_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let src = "resource \"a\" \"b\" {\n  x = \"unterminated\n";
    write(dir.path(), "main.tf", src);
    let (code, _, err) = run(infra().arg("fmt").current_dir(dir.path()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("main.tf:"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("main.tf")).unwrap(),
        src
    );
}

#[test]
fn validate_checks_resources_against_provider_schemas() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "resource \"null_resource\" \"x\" {\n  trigers = {}\n}\nresource \"random_integer\" \"n\" {\n  min = 1\n}\nresource \"null_resourc\" \"y\" {}\n",
    );
    let (code, _, err) = run(infra().arg("validate").arg(dir.path()));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("Unsupported argument") && err.contains("Did you mean \"triggers\"?"),
        "{err}"
    );
    assert!(
        err.contains("Missing required argument") && err.contains("\"max\""),
        "{err}"
    );
    assert!(
        err.contains("Invalid resource type") && err.contains("Did you mean \"null_resource\"?"),
        "{err}"
    );
}
