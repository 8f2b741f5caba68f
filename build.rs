//! Links the `infra` executable with packed relative relocations (`DT_RELR`) where the toolchain
//! and C library support them: a position-independent executable otherwise carries ~350 KiB of
//! relocation records that the dynamic loader reads at every start, part of the resident memory
//! of even `infra version`. Probed, not assumed: older linkers and C libraries (before glibc 2.36)
//! reject the flag, and the build then links as before.

use std::io::Write;
use std::process::{Command, Stdio};

const FLAG: &str = "-Wl,-z,pack-relative-relocs";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    if !target.contains("linux-gnu") || std::env::var_os("RUSTC_LINKER").is_some() {
        return;
    }
    if links_with(FLAG) {
        println!("cargo:rustc-link-arg-bins={FLAG}");
    }
}

/// Whether the system C compiler (the linker driver rustc uses here) links a program with `flag`
/// without a complaint.
fn links_with(flag: &str) -> bool {
    let out = std::env::var("OUT_DIR").map(std::path::PathBuf::from);
    let Ok(out) = out else { return false };
    let child = Command::new("cc")
        .args(["-x", "c", "-", "-o"])
        .arg(out.join("relr-probe"))
        .arg(flag)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else { return false };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(b"int main(void) { return 0; }\n");
    }
    match child.wait_with_output() {
        Ok(o) => o.status.success() && o.stderr.is_empty(),
        Err(_) => false,
    }
}
