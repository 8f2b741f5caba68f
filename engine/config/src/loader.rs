//! Reading module directories: which files belong to a module, parsing each one (a file that fails
//! to parse is reported and the others still load), decoding the top-level blocks, finding
//! duplicate declarations, and following local `module` sources recursively into a [`Config`]
//! tree, refusing cycles of sources.
//!
//! Files are named in diagnostics by their path as reached from the directory given (`main.tf`,
//! `modules/net/main.tf`), as Terraform names them relative to its working directory. This module
//! only reads files.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use hcl_edit::structure::Structure;
use infra_core::{Diagnostic, Diagnostics, LineIndex, SourceRange};

use crate::decode::{self, Decoder};
use crate::model::{Config, Module, ResourceMode};
use crate::span::short_range;

/// How deep module calls may nest before loading gives up (a guard beside cycle detection).
const MAX_MODULE_DEPTH: usize = 64;

const TOP_LEVEL_BLOCKS: &[&str] = &[
    "terraform",
    "provider",
    "variable",
    "locals",
    "output",
    "resource",
    "data",
    "module",
    "moved",
];

/// Loads one module directory (its `*.tf` files in lexical order).
pub fn load_module(dir: &Path) -> (Module, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut module = Module {
        dir: dir.to_path_buf(),
        ..Module::default()
    };
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().map(|t| !t.is_dir()).unwrap_or(false))
            .filter_map(|e| e.file_name().into_string().ok())
            .collect(),
        Err(e) => {
            diags.push(Diagnostic::error(
                "Failed to read module directory",
                format!(
                    "The module directory {} could not be read: {e}.",
                    display_path(dir, "").trim_end_matches('/')
                ),
            ));
            return (module, diags);
        }
    };
    names.sort();
    for name in names {
        if ignored_file(&name) {
            continue;
        }
        if name.ends_with(".tf.json") {
            diags.push(Diagnostic::warning(
                "JSON configuration files are not supported",
                format!("The file {} is in Terraform's JSON syntax, which infra does not read yet, so it was ignored. Convert it to the native syntax (a .tf file) to use it.", display_path(dir, &name)),
            ));
            continue;
        }
        if !name.ends_with(".tf") {
            continue;
        }
        let stem = name.trim_end_matches(".tf");
        if stem == "override" || stem.ends_with("_override") {
            diags.push(Diagnostic::warning(
                "Override files are not supported",
                format!("The file {} is an override file, which infra does not merge yet, so it was ignored. Move its settings into the blocks they override.", display_path(dir, &name)),
            ));
            continue;
        }
        let path = dir.join(&name);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Failed to read file",
                    format!(
                        "The configuration file {} could not be read: {e}.",
                        display_path(dir, &name)
                    ),
                ));
                continue;
            }
        };
        let file = Arc::new(LineIndex::new(display_path(dir, &name), text));
        module.files.push(file.clone());
        match infra_lang::parse::parse_body(file.text(), &file) {
            Ok(body) => decode_file(&mut module, body, &file, &mut diags),
            Err(d) => diags.push(*d),
        }
    }
    (module, diags)
}

/// Editor backups and hidden files, which Terraform skips too.
fn ignored_file(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || (name.starts_with('#') && name.ends_with('#'))
}

/// `dir/name` as written for diagnostics: lexically normalised, without a leading `./`.
fn display_path(dir: &Path, name: &str) -> String {
    let p = normalize(&dir.join(name));
    let s = p.to_string_lossy().replace('\\', "/");
    if s.is_empty() {
        ".".to_string()
    } else {
        s
    }
}

/// Resolves `.` and `..` components without touching the filesystem.
pub(crate) fn normalize(p: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            c => out.push(c),
        }
    }
    out.iter().collect()
}

/// Decodes the top-level blocks of one file into `module`. The parsed body is consumed block by
/// block, so each block's syntax tree is freed once it is decoded rather than living alongside
/// the whole decoded model.
fn decode_file(
    module: &mut Module,
    body: hcl_edit::structure::Body,
    file: &Arc<LineIndex>,
    diags: &mut Diagnostics,
) {
    let mut d = Decoder { file, diags };
    for s in body.into_iter() {
        let b = &match s {
            Structure::Attribute(a) => {
                d.unsupported_argument(&a, &[], TOP_LEVEL_BLOCKS);
                continue;
            }
            Structure::Block(b) => b,
        };
        match b.ident.as_str() {
            "terraform" => decode::decode_terraform(&mut d, b, &mut module.terraform),
            "provider" => {
                if let Some(p) = decode::decode_provider(&mut d, b) {
                    let key = p.key();
                    if let Some(prev) = module.providers.iter().find(|q| q.key() == key) {
                        let detail = match &p.alias {
                            None => format!(
                                "A default (non-aliased) provider configuration for \"{}\" was already given at {}. If multiple configurations are required, set the \"alias\" argument for alternative configurations.",
                                p.name,
                                short_range(&prev.decl_range)
                            ),
                            Some(alias) => format!(
                                "A provider configuration for \"{}\" with alias \"{alias}\" was already given at {}. Each configuration for the same provider must have a distinct alias.",
                                p.name,
                                short_range(&prev.decl_range)
                            ),
                        };
                        d.push(
                            Diagnostic::error("Duplicate provider configuration", detail)
                                .with_subject(p.decl_range.clone()),
                        );
                    } else {
                        module.providers.push(p);
                    }
                }
            }
            "variable" => {
                if let Some(v) = decode::decode_variable(&mut d, b) {
                    if let Some(prev) = module.variables.get(&v.name) {
                        d.push(duplicate(
                            "Duplicate variable declaration",
                            format!("A variable named \"{}\" was already declared at {}. Variable names must be unique within a module.", v.name, short_range(&prev.decl_range)),
                            &v.decl_range,
                        ));
                    } else {
                        module.variables.insert(v.name.clone(), v);
                    }
                }
            }
            "locals" => {
                for l in decode::decode_locals(&mut d, b) {
                    if let Some(prev) = module.locals.get(&l.name) {
                        d.push(duplicate(
                            "Duplicate local value definition",
                            format!("A local value named \"{}\" was already defined at {}. Local value names must be unique within a module.", l.name, short_range(&prev.range)),
                            &l.range,
                        ));
                    } else {
                        module.locals.insert(l.name.clone(), l);
                    }
                }
            }
            "output" => {
                if let Some(o) = decode::decode_output(&mut d, b) {
                    if let Some(prev) = module.outputs.get(&o.name) {
                        d.push(duplicate(
                            "Duplicate output definition",
                            format!("An output named \"{}\" was already defined at {}. Output names must be unique within a module.", o.name, short_range(&prev.decl_range)),
                            &o.decl_range,
                        ));
                    } else {
                        module.outputs.insert(o.name.clone(), o);
                    }
                }
            }
            "resource" | "data" => {
                let mode = if b.ident.as_str() == "data" {
                    ResourceMode::Data
                } else {
                    ResourceMode::Managed
                };
                let before = d.diags.len();
                let decoded = decode::decode_resource(&mut d, b, mode);
                if let Some(r) = &decoded {
                    // Problems inside a resource block concern that resource.
                    for diag in &mut d.diags.0[before..] {
                        diag.address.get_or_insert_with(|| r.address());
                    }
                }
                if let Some(r) = decoded {
                    let addr = r.address();
                    if let Some(prev) = module.resources.get(&addr) {
                        let (kind, what) = match mode {
                            ResourceMode::Managed => ("resource", "resource"),
                            ResourceMode::Data => ("data", "data resource"),
                        };
                        d.push(
                            duplicate(
                                &format!("Duplicate {kind} \"{}\" configuration", r.ty),
                                format!("A {} {what} named \"{}\" was already declared at {}. Resource names must be unique per type in each module.", r.ty, r.name, short_range(&prev.decl_range)),
                                &r.decl_range,
                            )
                            .with_address(addr),
                        );
                    } else {
                        module.resources.insert(addr, Box::new(r));
                    }
                }
            }
            "module" => {
                if let Some(m) = decode::decode_module_call(&mut d, b) {
                    if let Some(prev) = module.module_calls.get(&m.name) {
                        d.push(duplicate(
                            "Duplicate module call",
                            format!("A module call named \"{}\" was already defined at {}. Module calls must have unique names within a module.", m.name, short_range(&prev.decl_range)),
                            &m.decl_range,
                        ));
                    } else {
                        module.module_calls.insert(m.name.clone(), m);
                    }
                }
            }
            "moved" => module.moved.extend(decode::decode_moved(&mut d, b)),
            "import" | "check" | "removed" => d.unsupported_block_with(
                b,
                TOP_LEVEL_BLOCKS,
                &[],
                &format!(
                    " infra does not support \"{}\" blocks yet.",
                    b.ident.as_str()
                ),
            ),
            _ => d.unsupported_block(b, TOP_LEVEL_BLOCKS, &[]),
        }
    }
}

fn duplicate(summary: &str, detail: String, at: &SourceRange) -> Diagnostic {
    Diagnostic::error(summary, detail).with_subject(at.clone())
}

/// Loads the root module at `dir` and, recursively, every local module it calls.
pub fn load_config(dir: &Path) -> (Config, Diagnostics) {
    let mut diags = Diagnostics::new();
    let (module, d) = load_module(dir);
    diags.extend(d);
    let mut stack = vec![(canonical(dir), "the root module".to_string())];
    let mut root = Config {
        module,
        children: BTreeMap::new(),
        path: Vec::new(),
    };
    load_children(&mut root, &mut stack, &mut diags);
    (root, diags)
}

fn canonical(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| normalize(dir))
}

/// Loads the modules `parent` calls; `stack` holds the directories being loaded above it, with
/// their module addresses, to detect a module calling itself.
fn load_children(parent: &mut Config, stack: &mut Vec<(PathBuf, String)>, diags: &mut Diagnostics) {
    let calls: Vec<_> = parent.module.module_calls.values().cloned().collect();
    for call in calls {
        if !decode::is_local_source(&call.source) {
            continue;
        }
        let child_dir = normalize(&parent.module.dir.join(&call.source));
        let mut path = parent.path.clone();
        path.push(call.name.clone());
        let addr = module_addr(&path);
        if !child_dir.is_dir() {
            diags.push(
                Diagnostic::error(
                    "Unreadable module directory",
                    format!(
                        "The directory {} named by the source of module \"{}\" does not exist. A local module source is relative to the directory of the calling module.",
                        display_path(&child_dir, ""),
                        call.name
                    ),
                )
                .with_subject(call.source_range.clone()),
            );
            continue;
        }
        let canon = canonical(&child_dir);
        if let Some(pos) = stack.iter().position(|(d, _)| *d == canon) {
            let mut chain: Vec<&str> = stack[pos..].iter().map(|(_, a)| a.as_str()).collect();
            chain.push(&addr);
            diags.push(
                Diagnostic::error(
                    "Recursive module call",
                    format!(
                        "The source \"{}\" of {addr} is the directory of {}, which calls it: {}. A module cannot call itself, directly or through other modules.",
                        call.source,
                        stack[pos].1,
                        chain.join(" → ")
                    ),
                )
                .with_subject(call.source_range.clone()),
            );
            continue;
        }
        if stack.len() > MAX_MODULE_DEPTH {
            diags.push(
                Diagnostic::error(
                    "Module calls nested too deeply",
                    format!("Module calls may nest at most {MAX_MODULE_DEPTH} levels deep."),
                )
                .with_subject(call.source_range.clone()),
            );
            continue;
        }
        let (module, d) = load_module(&child_dir);
        for mut diag in d {
            if let Some(a) = &mut diag.address {
                *a = format!("{addr}.{a}");
            }
            diags.push(diag);
        }
        let mut child = Config {
            module,
            children: BTreeMap::new(),
            path,
        };
        stack.push((canon, addr));
        load_children(&mut child, stack, diags);
        stack.pop();
        parent.children.insert(call.name.clone(), child);
    }
}

/// `module.a.module.b` for the module path `["a", "b"]`.
pub(crate) fn module_addr(path: &[String]) -> String {
    path.iter()
        .map(|p| format!("module.{p}"))
        .collect::<Vec<_>>()
        .join(".")
}
