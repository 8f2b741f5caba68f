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
    /// Prepare the working directory: state database, provider resolution.
    Init(InitArgs),
    /// Show what apply would change.
    Plan(PlanArgs),
    /// Make the changes: plan (or read a saved plan), confirm, apply.
    Apply(ApplyArgs),
    /// Destroy every object the environment's state tracks.
    Destroy(ApplyArgs),
    /// Show root module output values.
    Output(OutputArgs),
    /// Show the state or a saved plan.
    Show(ShowArgs),
    /// Inspect and change the state.
    #[command(subcommand)]
    State(StateCommand),
    /// Print the dependency graph (DOT, or Mermaid with -format=mermaid).
    Graph(GraphArgs),
    /// Release a stuck state lock.
    ForceUnlock(ForceUnlockArgs),
    /// Adopt an existing remote object into the state: `infra import ADDRESS ID`.
    Import(ImportArgs),
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
    #[arg(
        short = 'e',
        long = "env",
        env = "INFRA_ENV",
        default_value = "default"
    )]
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

/// Flags shared by plan, apply and destroy (Terraform's names and meanings).
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// Set a variable: `-var 'name=value'`.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read variable values from a file.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<String>,
    /// The environment whose state to use (`terraform.workspace` evaluates to it).
    #[arg(
        short = 'e',
        long = "env",
        env = "INFRA_ENV",
        default_value = "default"
    )]
    pub env: String,
    /// Limit the operation to these resources (and what they depend on).
    #[arg(long = "target", value_name = "ADDRESS")]
    pub targets: Vec<String>,
    /// Leave these resources (and what depends on them) out.
    #[arg(long = "exclude", value_name = "ADDRESS")]
    pub excludes: Vec<String>,
    /// Plan to replace this resource instance even if nothing forces it.
    #[arg(long = "replace", value_name = "ADDRESS")]
    pub replace: Vec<String>,
    /// Refresh state from the providers before planning (`-refresh=false` to skip).
    #[arg(long, default_value = "true", action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub refresh: bool,
    /// Only update state to match the real objects; change nothing.
    #[arg(long = "refresh-only")]
    pub refresh_only: bool,
    /// Provider operations in flight at once.
    #[arg(long, default_value_t = 10)]
    pub parallelism: usize,
    /// Lock the state (`-lock=false` to skip: dangerous).
    #[arg(long, default_value = "true", action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub lock: bool,
    /// How long to retry taking the state lock (`10s`, `1m`).
    #[arg(long = "lock-timeout", default_value = "0s")]
    pub lock_timeout: String,
    /// Ask for input when needed (`-input=false` in automation).
    #[arg(long, default_value = "true", action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub input: bool,
    /// Disable colour.
    #[arg(long)]
    pub no_color: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Plan to destroy everything.
    #[arg(long)]
    pub destroy: bool,
    /// Save the plan to a file for `apply`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<String>,
    /// Exit 0 with no changes, 1 on error, 2 with changes.
    #[arg(long = "detailed-exitcode")]
    pub detailed_exitcode: bool,
    /// Print the plan as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print a Markdown summary (for pull-request comments).
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Skip the confirmation prompt.
    #[arg(long = "auto-approve")]
    pub auto_approve: bool,
    /// Destroy everything (`infra destroy` is the same).
    #[arg(long)]
    pub destroy: bool,
    /// A saved plan to apply.
    pub plan_file: Option<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The environment to prepare.
    #[arg(
        short = 'e',
        long = "env",
        env = "INFRA_ENV",
        default_value = "default"
    )]
    pub env: String,
    /// Disable colour.
    #[arg(long)]
    pub no_color: bool,
    /// Ask for input when needed.
    #[arg(long, default_value = "true", action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub input: bool,
    /// Copy every environment's state from the previously used backend to the one the
    /// configuration now names (SQLite ⇄ S3), without loss.
    #[arg(long)]
    pub migrate_state: bool,
    /// Answer yes to the migration questions (`-force-copy`, as Terraform).
    #[arg(long)]
    pub force_copy: bool,
    /// Use the configured backend as it is, without copying any state from the previous one.
    #[arg(long)]
    pub reconfigure: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[arg(
        short = 'e',
        long = "env",
        env = "INFRA_ENV",
        default_value = "default"
    )]
    pub env: String,
    /// Set a variable: `-var 'name=value'`.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read variable values from a file.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<String>,
    /// Wait this long for the state lock (`-lock-timeout=30s`).
    #[arg(long, default_value = "0s")]
    pub lock_timeout: String,
    /// Disable colour.
    #[arg(long)]
    pub no_color: bool,
    /// Ask for input when needed.
    #[arg(long, default_value = "true", action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub input: bool,
    /// The resource instance address to import into (`aws_s3_bucket.docs`, `module.net.aws_vpc.main`).
    pub address: String,
    /// The provider's id of the existing object (a bucket name, `vpc-0abc…`).
    pub id: String,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    #[arg(
        short = 'e',
        long = "env",
        env = "INFRA_ENV",
        default_value = "default"
    )]
    pub env: String,
    /// Print as JSON (`{"name": {"sensitive": …, "type": …, "value": …}}`).
    #[arg(long)]
    pub json: bool,
    /// Print a string output without quotes.
    #[arg(long)]
    pub raw: bool,
    #[arg(long)]
    pub no_color: bool,
    /// One output (its value is shown even when sensitive).
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[arg(
        short = 'e',
        long = "env",
        env = "INFRA_ENV",
        default_value = "default"
    )]
    pub env: String,
    #[arg(long)]
    pub json: bool,
    #[arg(long)]
    pub no_color: bool,
    /// A saved plan file to show instead of the state.
    pub plan_file: Option<String>,
}

#[derive(Debug, Args)]
pub struct StateArgs {
    #[arg(
        short = 'e',
        long = "env",
        env = "INFRA_ENV",
        default_value = "default"
    )]
    pub env: String,
    /// Disable colour.
    #[arg(long)]
    pub no_color: bool,
    #[arg(long, default_value = "true", action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub lock: bool,
    #[arg(long = "lock-timeout", default_value = "0s")]
    pub lock_timeout: String,
}

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// List the resource instances in state.
    List {
        #[command(flatten)]
        state: StateArgs,
        /// Only addresses matching these (resource or module addresses).
        addresses: Vec<String>,
        /// Only instances whose `id` attribute is this.
        #[arg(long)]
        id: Option<String>,
    },
    /// Show one resource instance's attributes.
    Show {
        #[command(flatten)]
        state: StateArgs,
        address: String,
    },
    /// Forget resource instances (the objects are not destroyed).
    Rm {
        #[command(flatten)]
        state: StateArgs,
        addresses: Vec<String>,
        /// Print what would be removed; change nothing.
        #[arg(long = "dry-run")]
        dry_run: bool,
    },
    /// Move a resource instance to another address.
    Mv {
        #[command(flatten)]
        state: StateArgs,
        source: String,
        destination: String,
        /// Print what would be moved; change nothing.
        #[arg(long = "dry-run")]
        dry_run: bool,
    },
    /// Print the state as JSON (Terraform's state format version 4).
    Pull {
        #[command(flatten)]
        state: StateArgs,
    },
    /// List every recorded version of the state.
    History {
        #[command(flatten)]
        state: StateArgs,
        #[arg(long)]
        json: bool,
    },
    /// Make the state what it was at a version (history is kept).
    Rollback {
        #[command(flatten)]
        state: StateArgs,
        serial: u64,
    },
    /// Adopt a Terraform `terraform.tfstate` file as this environment's state.
    ImportTerraform {
        #[command(flatten)]
        state: StateArgs,
        file: String,
        /// Replace the environment's state even when it is not empty (the history keeps it).
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// `dot` (default) or `mermaid`.
    #[arg(long, default_value = "dot")]
    pub format: String,
    /// The module directory (default: the current directory).
    pub dir: Option<String>,
}

#[derive(Debug, Args)]
pub struct ForceUnlockArgs {
    #[arg(
        short = 'e',
        long = "env",
        env = "INFRA_ENV",
        default_value = "default"
    )]
    pub env: String,
    /// Disable colour.
    #[arg(long)]
    pub no_color: bool,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub force: bool,
    /// The lock ID (shown in the error of the command that could not take the lock).
    pub lock_id: String,
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
            && a[1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
            && a[1..].split('=').next().is_some_and(|n| {
                n.len() > 1
                    && n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            });
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
        assert_eq!(
            norm(&["infra", "-chdir=x", "validate", "-json"]),
            ["infra", "--chdir=x", "validate", "--json"]
        );
        assert_eq!(
            norm(&["infra", "console", "-var", "a=-5"]),
            ["infra", "console", "--var", "a=-5"]
        );
        assert_eq!(
            norm(&["infra", "console", "-e", "prod"]),
            ["infra", "console", "-e", "prod"]
        );
        assert_eq!(norm(&["infra", "fmt", "-"]), ["infra", "fmt", "-"]);
        assert_eq!(
            norm(&["infra", "fmt", "--check"]),
            ["infra", "fmt", "--check"]
        );
    }
}
