//! The `infra` executable: a thin shim over `infra-cli`, kept at the workspace root so that
//! `tests/` can drive the real binary.

fn main() -> std::process::ExitCode {
    infra_cli::main()
}
