//! Plan/apply scenarios: each directory under `tests/scenarios/` is a behaviour, as a sequence of
//! steps run by the real `infra` binary in one working directory.
//!
//! A step directory `NN-name/` holds the configuration for that step (its `*.tf` files replace
//! the previous step's) and:
//! - `plan.txt`: the expected `infra plan -no-color` output (stdout, then `--- stderr ---` and
//!   stderr when not empty, then `--- exit N ---`), ids, UUIDs and temp paths redacted;
//! - `args` (optional): extra arguments for plan and apply, one per line; `plan-args` and
//!   `apply-args` add arguments to one of them only (`apply-args` may name a saved plan);
//! - `no-apply` (optional): stop after the plan (for steps whose plan must fail or that only
//!   check a plan);
//! - `apply-fails` (optional): the apply must exit 1.
//!
//! `UPDATE_SNAPSHOTS=1` rewrites `plan.txt` files; review every change.

use std::path::{Path, PathBuf};
use std::process::Command;

fn scenarios_dir() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("tests/scenarios")
}

fn infra(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_infra"));
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("INFRA_ENV")
        .env("TF_IN_AUTOMATION", "1");
    c
}

fn sorted_dirs(p: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(p)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// Replaces what changes from run to run with placeholders.
fn redact(s: &str, workdir: &Path) -> String {
    let mut out = s.replace(&workdir.to_string_lossy().to_string(), "<workdir>");
    // Long digit runs (null_resource ids), UUIDs, RFC 3339 timestamps.
    let mut result = String::with_capacity(out.len());
    let chars: Vec<char> = out.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        // Only whole numbers: digits inside a hex digest stay.
        let standalone = (i == 0 || !chars[i - 1].is_ascii_alphanumeric())
            && chars
                .get(i + run)
                .is_none_or(|c| !c.is_ascii_alphanumeric());
        if run >= 10 && standalone {
            result.push_str("<id>");
            i += run;
            continue;
        }
        if i + 36 <= chars.len() && is_uuid(&chars[i..i + 36]) {
            result.push_str("<uuid>");
            i += 36;
            continue;
        }
        if i + 20 <= chars.len() && is_timestamp(&chars[i..i + 20]) {
            result.push_str("<timestamp>");
            i += 20;
            continue;
        }
        result.push(chars[i]);
        i += 1;
    }
    out = result;
    out
}

fn is_uuid(c: &[char]) -> bool {
    c.iter().enumerate().all(|(i, ch)| {
        if [8, 13, 18, 23].contains(&i) {
            *ch == '-'
        } else {
            ch.is_ascii_hexdigit()
        }
    })
}

fn is_timestamp(c: &[char]) -> bool {
    let s: String = c.iter().collect();
    s.len() == 20
        && s.as_bytes()[4] == b'-'
        && s.as_bytes()[10] == b'T'
        && s.ends_with('Z')
        && s.as_bytes()[13] == b':'
}

fn run_scenario(scenario: &Path, update: bool) -> Vec<String> {
    let work = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    let mut copied: Vec<PathBuf> = Vec::new();
    for step in sorted_dirs(scenario) {
        let step_name = format!(
            "{}/{}",
            scenario.file_name().unwrap().to_string_lossy(),
            step.file_name().unwrap().to_string_lossy()
        );
        // Each step's files replace the previous step's; state and the files the configuration
        // itself wrote stay.
        // Configuration files go; data files a step ships (a file it edits "out of band") stay.
        for p in copied.drain(..) {
            let in_subdir = p.parent() != Some(work.path());
            let config_file = p
                .extension()
                .is_some_and(|x| matches!(x.to_str(), Some("tf" | "tfvars" | "json" | "tpl")));
            if in_subdir || config_file {
                let _ = std::fs::remove_file(&p);
            }
        }
        copy_tree(&step, work.path(), &mut copied);
        let read_args = |name: &str| -> Vec<String> {
            std::fs::read_to_string(step.join(name))
                .map(|s| {
                    s.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let args = read_args("args");
        let plan_args = read_args("plan-args");
        let apply_args = read_args("apply-args");
        let plan = infra(work.path())
            .arg("plan")
            .arg("-no-color")
            .args(&args)
            .args(&plan_args)
            .output()
            .unwrap();
        let mut got = String::from_utf8_lossy(&plan.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&plan.stderr);
        if !stderr.is_empty() {
            got.push_str("--- stderr ---\n");
            got.push_str(&stderr);
        }
        got.push_str(&format!(
            "--- exit {} ---\n",
            plan.status.code().unwrap_or(-1)
        ));
        let got = redact(&got, work.path());
        let snap = step.join("plan.txt");
        if update {
            std::fs::write(&snap, &got).unwrap();
        } else {
            let want = std::fs::read_to_string(&snap).unwrap_or_default();
            if want != got {
                problems.push(format!("{step_name}: plan differs\n{}", diff(&want, &got)));
            }
        }
        if step.join("no-apply").exists() {
            continue;
        }
        let apply = infra(work.path())
            .args(["apply", "-auto-approve", "-no-color"])
            .args(&args)
            .args(&apply_args)
            .output()
            .unwrap();
        let should_fail = step.join("apply-fails").exists();
        if apply.status.success() == should_fail {
            problems.push(format!(
                "{step_name}: apply exited {:?}\n{}\n{}",
                apply.status.code(),
                String::from_utf8_lossy(&apply.stdout),
                String::from_utf8_lossy(&apply.stderr)
            ));
            break;
        }
    }
    problems
}

fn copy_tree(from: &Path, to: &Path, copied: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap();
        if p.is_dir() {
            std::fs::create_dir_all(to.join(name)).unwrap();
            copy_tree(&p, &to.join(name), copied);
        } else if !matches!(
            name.to_str(),
            Some("plan.txt" | "args" | "plan-args" | "apply-args" | "no-apply" | "apply-fails")
        ) {
            std::fs::copy(&p, to.join(name)).unwrap();
            copied.push(to.join(name));
        }
    }
}

fn diff(want: &str, got: &str) -> String {
    similar::TextDiff::from_lines(want, got)
        .unified_diff()
        .context_radius(2)
        .header("expected", "got")
        .to_string()
}

#[test]
fn plan_apply_scenarios() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let scenarios = sorted_dirs(&scenarios_dir());
    let mut problems = Vec::new();
    for s in &scenarios {
        problems.extend(run_scenario(s, update));
    }
    println!(
        "scenarios: {} run, {} problems",
        scenarios.len(),
        problems.len()
    );
    assert!(
        scenarios.len() >= 40,
        "expected at least 40 scenarios, found {}",
        scenarios.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
