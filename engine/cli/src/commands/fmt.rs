//! `infra fmt [-check] [-diff] [-recursive] [PATH...]`: rewrite `.tf` and `.tfvars` files in the
//! canonical style, exactly as `terraform fmt` does. `-check` exits 3 when any file would change.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::args::FmtArgs;

/// What happened to the files.
#[derive(Default)]
struct Outcome {
    changed: bool,
    errors: bool,
}

pub fn run(a: FmtArgs) -> u8 {
    let mut outcome = Outcome::default();
    let paths = if a.paths.is_empty() {
        vec![".".to_string()]
    } else {
        a.paths.clone()
    };
    for p in &paths {
        if p == "-" {
            format_stdin(&a, &mut outcome);
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            let mut files = Vec::new();
            collect_files(path, a.recursive, &mut files);
            files.sort();
            for f in files {
                format_file(&f, &a, &mut outcome);
            }
        } else if path.is_file() {
            format_file(path, &a, &mut outcome);
        } else {
            eprintln!(
                "Error: No file or directory at {p}\n\nThe path given to fmt does not exist."
            );
            outcome.errors = true;
        }
    }
    if outcome.errors {
        2
    } else if a.check && outcome.changed {
        3
    } else {
        0
    }
}

fn is_config_file(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    !name.starts_with('.') && (name.ends_with(".tf") || name.ends_with(".tfvars"))
}

fn collect_files(dir: &Path, recursive: bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if p.is_dir() {
            if recursive && !hidden {
                collect_files(&p, recursive, out);
            }
        } else if is_config_file(&p) {
            out.push(p);
        }
    }
}

fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

fn format_file(path: &Path, a: &FmtArgs, outcome: &mut Outcome) {
    let name = display_path(path);
    let src = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("Error: Failed to read file\n\nThe file {name} could not be read: {e}.");
            outcome.errors = true;
            return;
        }
    };
    let Ok(src) = String::from_utf8(src) else {
        eprintln!("Error: Invalid file encoding\n\nThe file {name} is not valid UTF-8.");
        outcome.errors = true;
        return;
    };
    let formatted = match infra_fmt::format_source(&src) {
        Ok(f) => f,
        Err(e) => {
            eprintln!(
                "Error: Invalid syntax\n  --> {name}:{}:{}\n\n{}",
                e.line, e.column, e.message
            );
            outcome.errors = true;
            return;
        }
    };
    if formatted == src {
        return;
    }
    outcome.changed = true;
    if a.list {
        println!("{name}");
    }
    if a.diff {
        print!("{}", unified_diff(&name, &src, &formatted));
    }
    if a.write && !a.check {
        if let Err(e) = write_atomically(path, formatted.as_bytes()) {
            eprintln!("Error: Failed to write file\n\nThe file {name} could not be written: {e}.");
            outcome.errors = true;
        }
    }
}

fn format_stdin(a: &FmtArgs, outcome: &mut Outcome) {
    let mut src = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut src) {
        eprintln!("Error: Failed to read standard input: {e}");
        outcome.errors = true;
        return;
    }
    match infra_fmt::format_source(&src) {
        Ok(f) => {
            outcome.changed |= f != src;
            if a.check {
                return;
            }
            if a.diff {
                print!("{}", unified_diff("<stdin>", &src, &f));
            } else {
                let _ = std::io::stdout().write_all(f.as_bytes());
            }
        }
        Err(e) => {
            eprintln!(
                "Error: Invalid syntax\n  --> <stdin>:{}:{}\n\n{}",
                e.line, e.column, e.message
            );
            outcome.errors = true;
        }
    }
}

fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .header(&format!("old/{name}"), &format!("new/{name}"))
        .to_string()
}

/// Writes through a temporary file in the same directory and renames it into place, so a crash
/// never leaves a half-written file.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.infra-fmt.tmp"));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path)
}
