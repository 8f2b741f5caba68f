//! `resource` and `data` blocks: the meta-arguments (`count`, `for_each`, `provider`,
//! `depends_on`), the `lifecycle` block, and everything else kept as the resource's body.

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block as HclBlock, Structure};
use infra_core::Diagnostic;

use super::variable::decode_check;
use super::{valid_identifier, Decoder, BAD_IDENTIFIER_DETAIL};
use crate::consteval::const_bool;
use crate::model::{IgnoreChanges, Lifecycle, Resource, ResourceMode};
use crate::span::{decl_range, name_range};

const META_ATTRS: &[&str] = &["count", "for_each", "provider", "depends_on"];
const LIFECYCLE_ATTRS: &[&str] = &[
    "create_before_destroy",
    "prevent_destroy",
    "ignore_changes",
    "replace_triggered_by",
];
const LIFECYCLE_BLOCKS: &[&str] = &["precondition", "postcondition"];

pub(crate) fn decode_resource(
    d: &mut Decoder<'_>,
    block: &HclBlock,
    mode: ResourceMode,
) -> Option<Resource> {
    if !d.check_labels(block, &["type", "name"]) {
        return None;
    }
    let (kind, type_summary, name_summary) = match mode {
        ResourceMode::Managed => (
            "resource",
            "Invalid resource type name",
            "Invalid resource name",
        ),
        ResourceMode::Data => (
            "data",
            "Invalid data source name",
            "Invalid data resource name",
        ),
    };
    let ty = block.labels[0].as_str().to_string();
    let name = block.labels[1].as_str().to_string();
    let mut ok = true;
    if !valid_identifier(&ty) {
        ok = false;
        d.push(
            Diagnostic::error(type_summary, BAD_IDENTIFIER_DETAIL)
                .with_subject(d.range(&block.labels[0])),
        );
    }
    if !valid_identifier(&name) {
        ok = false;
        d.push(
            Diagnostic::error(name_summary, BAD_IDENTIFIER_DETAIL)
                .with_subject(d.range(&block.labels[1])),
        );
    }
    if !ok {
        return None;
    }
    let mut r = Resource {
        mode,
        ty,
        name,
        count: None,
        for_each: None,
        depends_on: Vec::new(),
        provider: None,
        lifecycle: Lifecycle::default(),
        body: Default::default(),
        range: d.range(block),
        decl_range: decl_range(block, d.file),
    };
    let mut lifecycle_at = None;
    let mut escape_at = None;
    for s in block.body.iter() {
        match s {
            Structure::Attribute(a) => match a.key.as_str() {
                "count" => r.count = Some(d.expr(&a.value)),
                "for_each" => r.for_each = Some(d.expr(&a.value)),
                "provider" => {
                    if let Some(key) = d.provider_ref(&a.value, "provider") {
                        r.provider = Some((key, d.range(&a.value)));
                    }
                }
                "depends_on" => r.depends_on = d.traversal_list(a, "depends_on"),
                _ => {}
            },
            Structure::Block(b) => match b.ident.as_str() {
                "lifecycle" => {
                    if let Some(first) = &lifecycle_at {
                        d.duplicate_block(b, first, "resource");
                        continue;
                    }
                    lifecycle_at = Some(decl_range(b, d.file));
                    if d.check_labels(b, &[]) {
                        r.lifecycle = decode_lifecycle(d, b, mode);
                    }
                }
                "locals" => d.push(
                    Diagnostic::error(
                        format!("Reserved block type name in {kind} block"),
                        "The block type name \"locals\" is reserved for use by Terraform in a future version.",
                    )
                    .with_subject(d.range(&b.ident)),
                ),
                "connection" | "provisioner" if mode == ResourceMode::Data => d.push(
                    Diagnostic::error(
                        "Unsupported block type",
                        format!(
                            "Blocks of type \"{}\" are not expected here: provisioners and connections belong to managed resources (\"resource\" blocks), not data sources.",
                            b.ident.as_str()
                        ),
                    )
                    .with_subject(d.range(&b.ident)),
                ),
                "_" => {
                    if let Some(first) = &escape_at {
                        d.duplicate_block(b, first, kind);
                        continue;
                    }
                    escape_at = Some(decl_range(b, d.file));
                }
                _ => {}
            },
        }
    }
    if let (Some(_), Some(_)) = (&r.count, &r.for_each) {
        if let Some(a) = block
            .body
            .iter()
            .filter_map(Structure::as_attribute)
            .find(|a| a.key.as_str() == "for_each")
        {
            d.push(
                Diagnostic::error(
                    "Invalid combination of \"count\" and \"for_each\"",
                    "The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created.",
                )
                .with_subject(name_range(a, d.file))
                .with_address(r.address()),
            );
        }
    }
    let mut body = d.generic_body(&block.body, META_ATTRS, &["lifecycle", "locals", "_"]);
    // The `_` block escapes meta-argument names: its content is resource arguments.
    for b in block
        .body
        .iter()
        .filter_map(Structure::as_block)
        .filter(|b| b.ident.as_str() == "_")
        .take(1)
    {
        let escaped = d.generic_body(&b.body, &[], &[]);
        body.attributes.extend(escaped.attributes);
        body.blocks.extend(escaped.blocks);
        body.dynamic_blocks.extend(escaped.dynamic_blocks);
    }
    if mode == ResourceMode::Data {
        body.blocks
            .retain(|b| b.ty != "connection" && b.ty != "provisioner");
    }
    r.body = body;
    Some(r)
}

fn decode_lifecycle(d: &mut Decoder<'_>, block: &HclBlock, mode: ResourceMode) -> Lifecycle {
    let mut lc = Lifecycle::default();
    for s in block.body.iter() {
        match s {
            Structure::Attribute(a) => {
                let name = a.key.as_str();
                if mode == ResourceMode::Data && LIFECYCLE_ATTRS.contains(&name) {
                    d.push(
                        Diagnostic::error(
                            "Invalid data resource lifecycle argument",
                            format!("The lifecycle argument \"{name}\" is defined only for managed resources (\"resource\" blocks), and is not valid for data resources."),
                        )
                        .with_subject(name_range(a, d.file)),
                    );
                    continue;
                }
                let expr = d.expr(&a.value);
                match name {
                    "create_before_destroy" => match const_bool(&expr) {
                        Ok(b) => lc.create_before_destroy = b,
                        Err(e) => d.push_box(e),
                    },
                    "prevent_destroy" => match const_bool(&expr) {
                        Ok(b) => lc.prevent_destroy = b,
                        Err(e) => d.push_box(e),
                    },
                    "ignore_changes" => lc.ignore_changes = decode_ignore_changes(d, &a.value),
                    "replace_triggered_by" => {
                        lc.replace_triggered_by = d.traversal_list(a, "replace_triggered_by")
                    }
                    _ => d.unsupported_argument(a, LIFECYCLE_ATTRS, LIFECYCLE_BLOCKS),
                }
            }
            Structure::Block(b) => match b.ident.as_str() {
                "precondition" => lc.preconditions.extend(decode_check(d, b)),
                "postcondition" => lc.postconditions.extend(decode_check(d, b)),
                _ => d.unsupported_block(b, LIFECYCLE_BLOCKS, LIFECYCLE_ATTRS),
            },
        }
    }
    lc
}

/// `ignore_changes = all` or a list of attribute paths (`[tags, tags["Name"]]`).
fn decode_ignore_changes(d: &mut Decoder<'_>, e: &Expression) -> IgnoreChanges {
    match e {
        Expression::Variable(v) if v.as_str() == "all" => IgnoreChanges::All,
        Expression::Array(items) => {
            let mut paths = Vec::new();
            for item in items.iter() {
                if let Expression::String(s) = item {
                    if s.as_str() == "*" {
                        d.push(
                            Diagnostic::error(
                                "Invalid ignore_changes wildcard",
                                "The [\"*\"] form of ignore_changes wildcard is was deprecated and is now invalid. Use \"ignore_changes = all\" to ignore changes to all attributes.",
                            )
                            .with_subject(d.range(e)),
                        );
                        continue;
                    }
                }
                if super::is_static_traversal(item) {
                    paths.push(d.expr(item));
                } else {
                    d.push(
                        Diagnostic::error(
                            "Invalid expression",
                            "A single static variable reference is required: only attribute access and indexing with constant keys. No calculations, function calls, template expressions, etc are allowed here.",
                        )
                        .with_subject(d.range(item)),
                    );
                }
            }
            IgnoreChanges::Paths(paths)
        }
        other => {
            d.push(
                Diagnostic::error(
                    "Invalid ignore_changes value",
                    "The ignore_changes argument is either the keyword all or a list of attribute paths, like [tags, tags[\"Name\"]].",
                )
                .with_subject(d.range(other)),
            );
            IgnoreChanges::None
        }
    }
}
