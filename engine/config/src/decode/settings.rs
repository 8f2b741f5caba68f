//! The `terraform` block (required version and providers, backend, experiments) and `provider`
//! blocks.

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block as HclBlock, Structure};
use infra_core::Diagnostic;

use super::{traversal_names, valid_identifier, Decoder, BAD_IDENTIFIER_DETAIL};
use crate::consteval::const_string;
use crate::model::{Backend, ProviderConfig, ProviderRequirement, TerraformSettings};
use crate::span::{decl_range, short_range};

const TERRAFORM_ATTRS: &[&str] = &["required_version", "experiments"];
const TERRAFORM_BLOCKS: &[&str] = &["required_providers", "backend"];

/// Merges one `terraform` block into `settings` (a module may have several).
pub(crate) fn decode_terraform(
    d: &mut Decoder<'_>,
    block: &HclBlock,
    settings: &mut TerraformSettings,
) {
    if !d.check_labels(block, &[]) {
        return;
    }
    for s in block.body.iter() {
        match s {
            Structure::Attribute(a) => match a.key.as_str() {
                "required_version" => match const_string(&d.expr(&a.value)) {
                    Ok(v) => settings.required_version = Some(v),
                    Err(e) => d.push_box(e),
                },
                "experiments" => {
                    for e in d.traversal_list(a, "experiments") {
                        if let Some(names) = traversal_names(&e.expr) {
                            settings.experiments.push(names.join("."));
                        }
                    }
                }
                _ => d.unsupported_argument(a, TERRAFORM_ATTRS, TERRAFORM_BLOCKS),
            },
            Structure::Block(b) => match b.ident.as_str() {
                "required_providers" => decode_required_providers(d, b, settings),
                "backend" => {
                    if !d.check_labels(b, &["type"]) {
                        continue;
                    }
                    if let Some(prev) = &settings.backend {
                        d.push(
                            Diagnostic::error(
                                "Duplicate backend configuration",
                                format!(
                                    "A module may have only one backend configuration. The backend was previously configured at {}.",
                                    short_range(&prev.range)
                                ),
                            )
                            .with_subject(decl_range(b, d.file)),
                        );
                        continue;
                    }
                    let config = d.generic_body(&b.body, &[], &[]);
                    settings.backend = Some(Backend {
                        kind: b.labels[0].as_str().to_string(),
                        config,
                        range: decl_range(b, d.file),
                    });
                }
                "cloud" | "provider_meta" => d.unsupported_block_with(
                    b,
                    TERRAFORM_BLOCKS,
                    TERRAFORM_ATTRS,
                    &format!(" infra does not support \"{}\" blocks.", b.ident.as_str()),
                ),
                _ => d.unsupported_block(b, TERRAFORM_BLOCKS, TERRAFORM_ATTRS),
            },
        }
    }
}

fn decode_required_providers(
    d: &mut Decoder<'_>,
    block: &HclBlock,
    settings: &mut TerraformSettings,
) {
    if !d.check_labels(block, &[]) {
        return;
    }
    for s in block.body.iter() {
        let a = match s {
            Structure::Attribute(a) => a,
            Structure::Block(b) => {
                d.unsupported_block(b, &[], &[]);
                continue;
            }
        };
        let name = a.key.as_str().to_string();
        let range = d.range(a);
        if let Some(prev) = settings.required_providers.get(&name) {
            d.push(
                Diagnostic::error(
                    "Duplicate required provider",
                    format!(
                        "Provider {name} was already required at {}. Each provider may be required only once per module.",
                        short_range(&prev.range)
                    ),
                )
                .with_subject(range),
            );
            continue;
        }
        let mut req = ProviderRequirement {
            name: name.clone(),
            source: format!("hashicorp/{name}"),
            version: None,
            configuration_aliases: Vec::new(),
            range,
        };
        match &a.value {
            Expression::Object(o) => {
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(id) => id.as_str().to_string(),
                        ObjectKey::Expression(Expression::Variable(id)) => id.as_str().to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.as_str().to_string(),
                        ObjectKey::Expression(e) => {
                            d.push(
                                Diagnostic::error(
                                    "Invalid required_providers object",
                                    "Object keys must be attribute names.",
                                )
                                .with_subject(d.range(e)),
                            );
                            continue;
                        }
                    };
                    let value = d.expr(v.expr());
                    match key.as_str() {
                        "source" => match const_string(&value) {
                            Ok(s) => req.source = s,
                            Err(e) => d.push_box(e),
                        },
                        "version" => match const_string(&value) {
                            Ok(s) => req.version = Some(s),
                            Err(e) => d.push_box(e),
                        },
                        "configuration_aliases" => match v.expr() {
                            Expression::Array(items) => {
                                for item in items.iter() {
                                    match traversal_names(item) {
                                        Some(n) if n.len() == 2 => req.configuration_aliases.push(n.join(".")),
                                        _ => d.push(
                                            Diagnostic::error(
                                                "Invalid configuration_aliases value",
                                                "Configuration aliases can only contain references to local provider configuration names in the format of provider.alias.",
                                            )
                                            .with_subject(d.range(item)),
                                        ),
                                    }
                                }
                            }
                            other => d.push(
                                Diagnostic::error("Invalid expression", "A static list expression is required.")
                                    .with_subject(d.range(other)),
                            ),
                        },
                        _ => d.push(
                            Diagnostic::error(
                                "Invalid required_providers object",
                                "required_providers objects can only contain \"version\", \"source\" and \"configuration_aliases\" attributes. To configure a provider, use a \"provider\" block.",
                            )
                            .with_subject(value.range()),
                        ),
                    }
                }
            }
            _ => {
                // The legacy form `aws = "~> 5.0"`: a version constraint only.
                match const_string(&d.expr(&a.value)) {
                    Ok(s) => req.version = Some(s),
                    Err(_) => d.push(
                        Diagnostic::error(
                            "Invalid required_providers syntax",
                            "A provider requirement is either an object like { source = \"hashicorp/aws\", version = \"~> 5.0\" } or, in the legacy form, a version constraint string.",
                        )
                        .with_subject(d.range(&a.value)),
                    ),
                }
            }
        }
        settings.required_providers.insert(name, req);
    }
}

/// Decodes a `provider "name" { alias = "x" … }` block.
pub(crate) fn decode_provider(d: &mut Decoder<'_>, block: &HclBlock) -> Option<ProviderConfig> {
    if !d.check_labels(block, &["name"]) {
        return None;
    }
    let name = block.labels[0].as_str().to_string();
    if !valid_identifier(&name) {
        d.push(
            Diagnostic::error("Invalid provider local name", BAD_IDENTIFIER_DETAIL)
                .with_subject(d.range(&block.labels[0])),
        );
        return None;
    }
    let mut alias = None;
    for s in block.body.iter() {
        let Structure::Attribute(a) = s else { continue };
        match a.key.as_str() {
            "alias" => match const_string(&d.expr(&a.value)) {
                Ok(v) if valid_identifier(&v) => alias = Some(v),
                Ok(_) => d.push(
                    Diagnostic::error("Invalid provider configuration alias", BAD_IDENTIFIER_DETAIL)
                        .with_subject(d.range(&a.value)),
                ),
                Err(e) => d.push_box(e),
            },
            "version" => d.push(
                Diagnostic::warning(
                    "Version constraints inside provider configuration blocks are deprecated",
                    "Terraform 0.13 and earlier allowed provider version constraints inside the provider configuration block, but that is now deprecated. Declare the constraint in the terraform block's required_providers instead.",
                )
                .with_subject(d.range(a)),
            ),
            _ => {}
        }
    }
    let config = d.generic_body(&block.body, &["alias", "version"], &[]);
    Some(ProviderConfig {
        name,
        alias,
        config,
        range: d.range(block),
        decl_range: decl_range(block, d.file),
    })
}
