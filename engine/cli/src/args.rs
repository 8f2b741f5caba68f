//! Command-line arguments (clap derive), and the rewriting that lets Terraform's single-dash long
//! flags (`-json`, `-var=x`) reach clap as `--json`, `--var=x`.

use clap::{Args, Parser, Subcommand};

/// infra: plan and apply infrastructure described in the Terraform language.
#[derive(Debug, Parser)]
#[command(name = "infra", version, about, disable_help_subcommand = true)]
pub struct Cli {
    /// Switch to this directory before running the command.
    #[arg(long, global = true, value_name = "DIR")]
    pub chdir: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check that a configuration is valid: every problem at once, with its source location.
    Validate(ValidateArgs),
    /// Evaluate expressions read from standard input in the context of a module.
    Console(ConsoleArgs),
    /// Rewrite configuration files in the canonical style.
    Fmt(FmtArgs),
    /// Print the version.
    Version,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Print machine-readable diagnostics as JSON.
    #[arg(long)]
    pub json: bool,
    /// Disable colour in the output.
    #[arg(long)]
    pub no_color: bool,
    /// The module directory (default: the current directory).
    pub dir: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// Set a variable: `-var 'name=value'`.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read variable values from a file.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<String>,
    /// The environment (`terraform.workspace` evaluates to it).
    #[arg(short = 'e', long = "env", env = "INFRA_ENV", default_value = "default")]
    pub env: String,
    /// The module directory (default: the current directory).
    pub dir: Option<String>,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Do not rewrite files; exit 3 when any file is not formatted.
    #[arg(long)]
    pub check: bool,
    /// Print the differences.
    #[arg(long)]
    pub diff: bool,
    /// Also format files in subdirectories.
    #[arg(long)]
    pub recursive: bool,
    /// List the files whose formatting differs (`-list=false` to turn off).
    #[arg(long, default_value = "true", action = clap::ArgAction::Set, value_parser = clap::value_parser!(bool), num_args = 0..=1, default_missing_value = "true")]
    pub list: bool,
    /// Write the result to the files (`-write=false` to turn off).
    #[arg(long, default_value = "true", action = clap::ArgAction::Set, value_parser = clap::value_parser!(bool), num_args = 0..=1, default_missing_value = "true")]
    pub write: bool,
    /// Disable colour in the output.
    #[arg(long)]
    pub no_color: bool,
    /// Files or directories to format; `-` reads standard input and writes standard output.
    pub paths: Vec<String>,
}

/// Rewrites single-dash long flags (`-json`, `-var-file=x`, `-chdir=..`) to their double-dash
/// form so that Terraform's spelling works. Single-letter flags (`-e`) and values are untouched.
pub fn normalize_args(args: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut after_double_dash = false;
    for (i, a) in args.into_iter().enumerate() {
        if i == 0 || after_double_dash {
            out.push(a);
            continue;
        }
        if a == "--" {
            after_double_dash = true;
            out.push(a);
            continue;
        }
        let is_long_single = a.starts_with('-')
            && !a.starts_with("--")
            && a.len() > 2
            && a[1..].chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && a[1..].split('=').next().is_some_and(|n| n.len() > 1 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        if is_long_single {
            out.push(format!("-{a}"));
        } else {
            out.push(a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(a: &[&str]) -> Vec<String> {
        normalize_args(a.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn single_dash_long_flags_become_double_dash() {
        assert_eq!(norm(&["infra", "-chdir=x", "validate", "-json"]), ["infra", "--chdir=x", "validate", "--json"]);
        assert_eq!(norm(&["infra", "console", "-var", "a=-5"]), ["infra", "console", "--var", "a=-5"]);
        assert_eq!(norm(&["infra", "console", "-e", "prod"]), ["infra", "console", "-e", "prod"]);
        assert_eq!(norm(&["infra", "fmt", "-"]), ["infra", "fmt", "-"]);
        assert_eq!(norm(&["infra", "fmt", "--check"]), ["infra", "fmt", "--check"]);
    }
}
