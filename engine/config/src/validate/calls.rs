//! Module calls against the modules they call: every argument must be a variable the child
//! declares, and every child variable without a default must be given.

use infra_core::{Diagnostic, SourceRange};
use infra_lang::suggest::did_you_mean;

use super::Tree;
use crate::model::Module;

pub(crate) fn check_module_calls(tree: &Tree<'_>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for tm in &tree.modules {
        for (name, call) in &tm.module.module_calls {
            let Some(&child) = tm.children.get(name) else {
                continue;
            };
            let child = tree.modules[child].module;
            for (arg, a) in &call.args {
                if child.variables.contains_key(arg) {
                    continue;
                }
                let hint = did_you_mean(arg, child.variables.keys().map(String::as_str))
                    .map(|s| format!(" Did you mean \"{s}\"?"))
                    .unwrap_or_default();
                diags.push(
                    Diagnostic::error(
                        "Unsupported argument",
                        format!("An argument named \"{arg}\" is not expected here.{hint}"),
                    )
                    .with_subject(a.name_range.clone()),
                );
            }
            for (vname, v) in &child.variables {
                if v.default.is_some() || call.args.contains_key(vname) {
                    continue;
                }
                diags.push(
                    Diagnostic::error(
                        "Missing required argument",
                        format!(
                            "The argument \"{vname}\" is required, but no definition was found."
                        ),
                    )
                    .with_subject(open_brace(tm.module, &call.decl_range)),
                );
            }
        }
    }
    diags
}

/// The `{` after a block header, found in the module's source text.
fn open_brace(module: &Module, header: &SourceRange) -> SourceRange {
    let Some(file) = module
        .files
        .iter()
        .find(|f| *f.filename() == header.filename)
    else {
        return header.clone();
    };
    let from = header.end.byte;
    match file.text().get(from..).and_then(|t| t.find('{')) {
        Some(i) => file.range(from + i..from + i + 1),
        None => header.clone(),
    }
}
