//! `module` blocks (local sources only, for now) and `moved` blocks.

use std::collections::BTreeMap;

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block as HclBlock, Structure};
use infra_core::Diagnostic;

use super::{
    is_static_traversal, traversal_names, valid_identifier, Decoder, BAD_IDENTIFIER_DETAIL,
};
use crate::consteval::const_string;
use crate::model::{ModuleCall, Moved};
use crate::span::{decl_range, name_range};

/// Whether a module source is a local path (the only kind infra installs).
pub(crate) fn is_local_source(s: &str) -> bool {
    s.starts_with("./")
        || s.starts_with("../")
        || s.starts_with(".\\")
        || s.starts_with("..\\")
        || s == "."
        || s == ".."
}

pub(crate) fn decode_module_call(d: &mut Decoder<'_>, block: &HclBlock) -> Option<ModuleCall> {
    if !d.check_labels(block, &["name"]) {
        return None;
    }
    let name = block.labels[0].as_str().to_string();
    if !valid_identifier(&name) {
        d.push(
            Diagnostic::error("Invalid module instance name", BAD_IDENTIFIER_DETAIL)
                .with_subject(d.range(&block.labels[0])),
        );
        return None;
    }
    let mut source: Option<(String, infra_core::SourceRange)> = None;
    let mut source_ok = true;
    let mut version = None;
    let mut version_range = None;
    let mut count = None;
    let mut for_each = None;
    let mut for_each_name = None;
    let mut providers = Vec::new();
    let mut depends_on = Vec::new();
    let mut args = BTreeMap::new();
    for s in block.body.iter() {
        match s {
            Structure::Attribute(a) => match a.key.as_str() {
                "source" => {
                    let range = d.range(&a.value);
                    match &a.value {
                        Expression::String(s) => source = Some((s.as_str().to_string(), range)),
                        _ => {
                            source_ok = false;
                            d.push(
                                Diagnostic::error(
                                    "Invalid module source",
                                    "The module source address must be a literal string, such as \"./modules/network\"; it cannot refer to variables or call functions.",
                                )
                                .with_subject(range),
                            );
                        }
                    }
                }
                "version" => match const_string(&d.expr(&a.value)) {
                    Ok(v) => {
                        version = Some(v);
                        version_range = Some(d.range(a));
                    }
                    Err(e) => d.push_box(e),
                },
                "count" => count = Some(d.expr(&a.value)),
                "for_each" => {
                    for_each = Some(d.expr(&a.value));
                    for_each_name = Some(name_range(a, d.file));
                }
                "providers" => providers = decode_providers_map(d, &a.value),
                "depends_on" => depends_on = d.traversal_list(a, "depends_on"),
                _ => {
                    let attr = d.attribute(a);
                    args.insert(attr.name.clone(), attr);
                }
            },
            Structure::Block(b) => match b.ident.as_str() {
                "lifecycle" | "locals" | "provider" => d.push(
                    Diagnostic::error(
                        "Reserved block type name in module block",
                        format!("The block type name \"{}\" is reserved for use by Terraform in a future version.", b.ident.as_str()),
                    )
                    .with_subject(d.range(&b.ident)),
                ),
                _ => d.unsupported_block(b, &[], &[]),
            },
        }
    }
    if count.is_some() {
        if let Some(r) = for_each_name {
            d.push(
                Diagnostic::error(
                    "Invalid combination of \"count\" and \"for_each\"",
                    "The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of module instances to be created.",
                )
                .with_subject(r),
            );
        }
    }
    let Some((source, source_range)) = source else {
        if source_ok {
            d.missing_argument(block, "source");
        }
        return None;
    };
    if !is_local_source(&source) {
        d.push(
            Diagnostic::error(
                "Unsupported module source",
                format!(
                    "The module source \"{source}\" is not a local path. infra supports local module sources only for now: paths starting with \"./\" or \"../\", relative to the calling module's directory. Copy the module into this configuration and refer to it by its relative path."
                ),
            )
            .with_subject(source_range.clone()),
        );
    } else if let Some(r) = version_range {
        d.push(
            Diagnostic::error(
                "Invalid combination of \"version\" and local \"source\"",
                "A version constraint can be given only for modules installed from a registry; a local module always uses the code in its directory. Remove the version argument.",
            )
            .with_subject(r),
        );
    }
    Some(ModuleCall {
        name,
        source,
        source_range,
        version,
        count,
        for_each,
        providers,
        depends_on,
        args,
        range: d.range(block),
        decl_range: decl_range(block, d.file),
    })
}

/// `providers = { aws = aws.west, aws.east = aws }`: child key → parent key.
fn decode_providers_map(d: &mut Decoder<'_>, e: &Expression) -> Vec<(String, String)> {
    let Expression::Object(o) = e else {
        d.push(
            Diagnostic::error(
                "Invalid providers argument",
                "The providers argument is a map from the child module's provider configuration names to this module's, like { aws = aws.west }.",
            )
            .with_subject(d.range(e)),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in o.iter() {
        let key = match k {
            ObjectKey::Ident(id) => Some(id.as_str().to_string()),
            ObjectKey::Expression(ke) => traversal_names(ke)
                .filter(|n| n.len() <= 2)
                .map(|n| n.join(".")),
        };
        let Some(key) = key else {
            d.push(
                Diagnostic::error(
                    "Invalid provider configuration reference",
                    "The keys of the providers argument are provider configuration names in the child module, optionally followed by a period and an alias.",
                )
                .with_subject(d.range(k)),
            );
            continue;
        };
        if let Some(value) = d.provider_ref(v.expr(), "providers") {
            out.push((key, value));
        }
    }
    out
}

pub(crate) fn decode_moved(d: &mut Decoder<'_>, block: &HclBlock) -> Option<Moved> {
    if !d.check_labels(block, &[]) {
        return None;
    }
    const ATTRS: &[&str] = &["from", "to"];
    let mut from = None;
    let mut to = None;
    for s in block.body.iter() {
        match s {
            Structure::Attribute(a) => {
                let slot = match a.key.as_str() {
                    "from" => &mut from,
                    "to" => &mut to,
                    _ => {
                        d.unsupported_argument(a, ATTRS, &[]);
                        continue;
                    }
                };
                if is_static_traversal(&a.value) {
                    *slot = Some(d.expr(&a.value));
                } else {
                    d.push(
                        Diagnostic::error(
                            "Invalid address",
                            "A moved block's from and to arguments are addresses of resources or modules, like aws_instance.web or module.network; they cannot be expressions.",
                        )
                        .with_subject(d.range(&a.value)),
                    );
                }
            }
            Structure::Block(b) => d.unsupported_block(b, &[], ATTRS),
        }
    }
    let has = |s: &str| {
        block
            .body
            .iter()
            .filter_map(Structure::as_attribute)
            .any(|a| a.key.as_str() == s)
    };
    if !has("from") {
        d.missing_argument(block, "from");
    }
    if !has("to") {
        d.missing_argument(block, "to");
    }
    Some(Moved {
        from: from?,
        to: to?,
        range: d.range(block),
    })
}
