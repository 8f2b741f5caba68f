//! Loading never panics or hangs, whatever the files hold: random bytes, invalid UTF-8, every
//! truncation of a real module, deep nesting. Each case yields diagnostics (or a model).

use std::path::Path;

fn fixture() -> String {
    let p =
        Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/valid-everything/main.tf");
    std::fs::read_to_string(p).expect("valid-everything fixture")
}

fn load(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), bytes).unwrap();
    let (config, diags) = infra_config::load_config(dir.path());
    let _ = infra_config::validate_config(&config);
    let _ = diags;
}

/// A small deterministic generator (no extra dependency).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn every_truncation_of_a_real_module_loads_without_panicking() {
    let src = fixture();
    let cuts: Vec<usize> = (0..src.len()).step_by((src.len() / 300).max(1)).collect();
    for cut in cuts {
        let end = (0..=cut)
            .rev()
            .find(|i| src.is_char_boundary(*i))
            .unwrap_or(0);
        load(&src.as_bytes()[..end]);
    }
}

#[test]
fn random_bytes_and_invalid_utf8_give_diagnostics() {
    let mut rng = Lcg(7);
    for _ in 0..200 {
        let n = (rng.next() % 400) as usize;
        let bytes: Vec<u8> = (0..n).map(|_| (rng.next() % 256) as u8).collect();
        load(&bytes);
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        b"locals {\n  a = \"\xff\xfe\"\n}\n",
    )
    .unwrap();
    let (_, diags) = infra_config::load_config(dir.path());
    assert!(diags.has_errors(), "invalid UTF-8 is reported");
}

#[test]
fn mutated_modules_load_without_panicking() {
    let src = fixture().into_bytes();
    let mut rng = Lcg(11);
    let alphabet = b"{}[]()\"=,.$%~<-\n#*/ \tabc01";
    for _ in 0..300 {
        let mut m = src.clone();
        for _ in 0..(1 + rng.next() % 5) {
            let i = (rng.next() as usize) % m.len().max(1);
            m[i] = alphabet[(rng.next() as usize) % alphabet.len()];
        }
        load(&m);
    }
}

#[test]
fn deep_nesting_is_a_diagnostic() {
    let deep = format!(
        "locals {{\n  a = {}1{}\n}}\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), deep).unwrap();
    let (_, diags) = infra_config::load_config(dir.path());
    assert!(
        diags.iter().any(|d| d.summary == "Nesting too deep"),
        "{diags:?}"
    );
}
