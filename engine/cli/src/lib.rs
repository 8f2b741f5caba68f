//! The `infra` command line: parses arguments once into settings, runs one command, renders its
//! result (human or JSON) and picks the exit status.
//!
//! Only this crate prints, reads the terminal or exits. Both Terraform's single-dash flags
//! (`-chdir=DIR`, `-json`) and the double-dash spelling work.

mod args;
mod backend;
mod commands;
mod progress;
mod project;
mod render;

use std::process::ExitCode;

use clap::Parser;

pub use args::normalize_args;

/// Runs the command line and returns the process exit status.
pub fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().collect();
    let cli = match args::Cli::try_parse_from(normalize_args(raw)) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    if let Some(dir) = &cli.chdir {
        if let Err(e) = std::env::set_current_dir(dir) {
            eprintln!("Error: Invalid -chdir option: {dir}: {e}");
            return ExitCode::from(1);
        }
    }
    let code = match cli.command {
        args::Command::Validate(a) => commands::validate::run(a),
        args::Command::Console(a) => commands::console::run(a),
        args::Command::Fmt(a) => commands::fmt::run(a),
        args::Command::Plan(a) => commands::run::plan(a),
        args::Command::Apply(a) => commands::run::apply(a),
        args::Command::Destroy(a) => commands::run::destroy(a),
        args::Command::Version => {
            println!("infra v{}", env!("CARGO_PKG_VERSION"));
            0
        }
        args::Command::Init(a) => commands::init::run(a),
        args::Command::Output(a) => commands::output::run(a),
        args::Command::Show(a) => commands::show::run(a),
        args::Command::State(c) => commands::state::run(c),
        args::Command::Graph(a) => commands::graph::run(a),
        args::Command::ForceUnlock(a) => commands::unlock::run(a),
        args::Command::Import(a) => commands::import::run(a),
    };
    ExitCode::from(code)
}
