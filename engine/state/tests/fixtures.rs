//! Walks `state-fixtures/` (see its README) and checks every pair and expectation:
//! round-trip and upgrade pairs give exactly their `.out.json`, genuine Terraform files load,
//! invalid inputs give exactly the message in their `.expected.txt`.
//!
//! `INFRA_BLESS=1 cargo test -p infra-state --test fixtures` rewrites the expected files from
//! the current behaviour; review the diff before keeping it.

use std::fs;
use std::path::{Path, PathBuf};

use infra_state::{from_json, to_json_string, StateStore};

fn fixtures() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("../../state-fixtures")
}

fn bless() -> bool {
    std::env::var_os("INFRA_BLESS").is_some()
}

fn files(dir: &str, suffix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(fixtures().join(dir))
        .unwrap_or_else(|e| panic!("reading state-fixtures/{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    out.sort();
    out
}

fn read(p: &Path) -> Vec<u8> {
    fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Checks `<name>.in.json` → `<name>.out.json` pairs in `dir`; returns how many there are.
fn check_pairs(dir: &str) -> usize {
    let inputs = files(dir, ".in.json");
    let mut failures = Vec::new();
    for input in &inputs {
        let name = input
            .to_string_lossy()
            .trim_end_matches(".in.json")
            .to_string();
        let out_path = PathBuf::from(format!("{name}.out.json"));
        let got = match from_json(&read(input)) {
            Ok(state) => to_json_string(&state),
            Err(e) => {
                failures.push(format!("{}: {e}", input.display()));
                continue;
            }
        };
        if bless() {
            fs::write(&out_path, &got).unwrap_or_else(|e| panic!("{}: {e}", out_path.display()));
            continue;
        }
        let want = String::from_utf8_lossy(&read(&out_path)).into_owned();
        if got != want {
            failures.push(format!(
                "{}: output differs from {}:\n{got}",
                input.display(),
                out_path.display()
            ));
            continue;
        }
        // The normalised form is a fixed point.
        match from_json(want.as_bytes()) {
            Ok(again) if to_json_string(&again) == want => {}
            Ok(_) => failures.push(format!("{}: not a fixed point", out_path.display())),
            Err(e) => failures.push(format!("{}: {e}", out_path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    inputs.len()
}

#[test]
fn round_trip_pairs_normalise_exactly() {
    assert!(
        check_pairs("roundtrip") >= 6,
        "expected at least 6 round-trip pairs"
    );
}

#[test]
fn upgrade_pairs_give_the_current_format() {
    assert!(check_pairs("upgrade") >= 1, "expected upgrade pairs");
}

#[test]
fn terraform_written_states_load() {
    let inputs = files("terraform", ".tfstate");
    assert!(inputs.len() >= 3, "expected genuine Terraform state files");
    for input in inputs {
        let bytes = read(&input);
        let state = from_json(&bytes).unwrap_or_else(|e| panic!("{}: {e}", input.display()));
        let raw: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let instances: usize = raw["resources"]
            .as_array()
            .map(|rs| {
                rs.iter()
                    .map(|r| r["instances"].as_array().map_or(0, Vec::len))
                    .sum()
            })
            .unwrap_or(0);
        assert_eq!(
            state.resources.len(),
            instances,
            "{}: every instance is kept",
            input.display()
        );
        assert_eq!(state.lineage, raw["lineage"].as_str().unwrap_or_default());
        assert_eq!(Some(state.serial), raw["serial"].as_u64());
        let outputs = raw["outputs"].as_object().map_or(0, |o| o.len());
        assert_eq!(
            state.outputs.len(),
            outputs,
            "{}: every output is kept",
            input.display()
        );

        // Our export of it reads back to the same state.
        let again = from_json(to_json_string(&state).as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again, state, "{}", input.display());

        // And it survives a trip through the SQLite store.
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = infra_state::SqliteStore::open(dir.path().join("state.db"))
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .replace_all("default", state.clone(), "import-terraform")
            .unwrap_or_else(|e| panic!("{e}"));
        let loaded = store.load("default").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.resources, state.resources, "{}", input.display());
        assert_eq!(loaded.outputs, state.outputs, "{}", input.display());
        assert_eq!(loaded.lineage, state.lineage);
    }
}

#[test]
fn invalid_inputs_give_their_exact_message() {
    let mut inputs = files("invalid", ".json");
    inputs.extend(files("invalid", ".bin"));
    assert!(inputs.len() >= 5, "expected invalid fixtures");
    let mut failures = Vec::new();
    for input in &inputs {
        let s = input.to_string_lossy();
        let stem = s.trim_end_matches(".json").trim_end_matches(".bin");
        let expected_path = PathBuf::from(format!("{stem}.expected.txt"));
        let got = match from_json(&read(input)) {
            Ok(state) => {
                failures.push(format!("{}: accepted, giving {state:?}", input.display()));
                continue;
            }
            Err(e) => e.to_string(),
        };
        if bless() {
            fs::write(&expected_path, format!("{got}\n"))
                .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
            continue;
        }
        let want = String::from_utf8_lossy(&read(&expected_path))
            .trim_end_matches('\n')
            .to_string();
        if got != want {
            failures.push(format!(
                "{}:\n  got:  {got}\n  want: {want}",
                input.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
