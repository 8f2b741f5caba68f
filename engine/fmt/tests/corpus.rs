//! Golden corpus: every `tests/corpus/<name>.tf` / `.tfvars` must format to
//! exactly `<name>.<ext>.golden`, which was recorded from the real
//! `terraform fmt` (see `tests/corpus/record.sh`), and formatting a golden
//! must give it back unchanged.

use std::fs;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
}

fn inputs() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(corpus_dir())
        .expect("corpus directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("tf" | "tfvars")
            )
        })
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> String {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8(bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn golden_path(input: &Path) -> PathBuf {
    let mut name = input.file_name().expect("file name").to_os_string();
    name.push(".golden");
    input.with_file_name(name)
}

/// A compact line diff (longest common subsequence), with `\r` and trailing
/// spaces made visible.
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.split_inclusive('\n').collect();
    let b: Vec<&str> = actual.split_inclusive('\n').collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let show = |s: &str| s.replace('\r', "\\r").replace('\n', "⏎").replace(' ', "·");
    let mut out = String::from("--- golden (terraform fmt)\n+++ infra-fmt\n");
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("  {:>4} {}\n", i + 1, show(a[i])));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("+ {:>4} {}\n", j + 1, show(b[j])));
            j += 1;
        } else {
            out.push_str(&format!("- {:>4} {}\n", i + 1, show(a[i])));
            i += 1;
        }
    }
    out
}

#[test]
fn corpus_matches_terraform_fmt() {
    let files = inputs();
    assert!(files.len() >= 35, "corpus too small: {}", files.len());
    let mut failures = Vec::new();
    for input in &files {
        let src = read(input);
        let golden = read(&golden_path(input));
        match infra_fmt::format_source(&src) {
            Ok(out) if out == golden => {}
            Ok(out) => failures.push(format!("{}:\n{}", input.display(), diff(&golden, &out))),
            Err(e) => failures.push(format!("{}: unexpected error {e}", input.display())),
        }
    }
    let passed = files.len() - failures.len();
    eprintln!("corpus: {passed}/{} files match terraform fmt", files.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn formatting_is_idempotent() {
    for input in inputs() {
        let golden = read(&golden_path(&input));
        let again = infra_fmt::format_source(&golden)
            .unwrap_or_else(|e| panic!("{}: golden does not format: {e}", input.display()));
        assert!(
            again == golden,
            "{}: formatting the golden changed it:\n{}",
            input.display(),
            diff(&golden, &again)
        );
    }
}
