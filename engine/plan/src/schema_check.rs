//! Static checks of resource and data blocks against their providers' schemas, for
//! `infra validate`: unsupported arguments and blocks, missing required arguments, values of the
//! wrong type, unknown resource types. Expressions are evaluated with every input unknown, so
//! only what is certain is reported.

use infra_config::{Config, ResourceMode};
use infra_core::{Diagnostic, Diagnostics, Value};
use infra_lang::{FuncContext, Functions, Scope, ScopeError, Step};
use infra_provider::Registry;

use crate::decode::Decoder;
use crate::providers::provider_source;

/// A scope where everything is unknown (and so never an error here: references are checked by
/// the configuration's own validation).
struct Unknowns;

impl Scope for Unknowns {
    fn resolve(&self, _root: &str, steps: &[Step]) -> Result<(Value, usize), ScopeError> {
        Ok((Value::unknown(), steps.len()))
    }
}

/// The summaries this check reports; anything else the configuration's validation covers.
const SCHEMA_SUMMARIES: &[&str] = &[
    "Unsupported argument",
    "Missing required argument",
    "Incorrect attribute value type",
    "Unsupported block type",
    "Value for unconfigurable attribute",
];

/// Checks every resource and data block of the tree whose provider infra has.
pub fn check_resources(config: &Config, registry: &Registry) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let functions = Functions::standard();
    let fctx = FuncContext {
        impure_unknown: true,
        ..FuncContext::default()
    };
    walk(config, config, registry, &functions, &fctx, &mut diags);
    diags
}

fn walk(
    root: &Config,
    c: &Config,
    registry: &Registry,
    functions: &Functions,
    fctx: &FuncContext,
    diags: &mut Diagnostics,
) {
    for r in c.module.resources.values() {
        let key = r.provider_key();
        let local_name = key.split('.').next().unwrap_or(&key);
        let source = provider_source(root, &c.path, local_name);
        let Some(factory) = registry.by_source(&source) else {
            continue;
        };
        let provider = factory();
        let schemas = match r.mode {
            ResourceMode::Managed => &provider.schema().resources,
            ResourceMode::Data => &provider.schema().data_sources,
        };
        let address = format!(
            "{}{}",
            c.path
                .iter()
                .map(|p| format!("module.{p}."))
                .collect::<String>(),
            r.address()
        );
        let Some(schema) = schemas.get(&r.ty) else {
            let hint = infra_lang::suggest::did_you_mean(&r.ty, schemas.keys().map(String::as_str))
                .map(|s| format!(" Did you mean \"{s}\"?"))
                .unwrap_or_default();
            let what = if r.mode == ResourceMode::Data {
                "data source"
            } else {
                "resource type"
            };
            diags.push(
                Diagnostic::error(
                    "Invalid resource type",
                    format!(
                        "The provider {source} does not support {what} \"{}\".{hint}",
                        r.ty
                    ),
                )
                .with_subject(r.decl_range.clone())
                .with_address(address),
            );
            continue;
        };
        let decoder = Decoder {
            scope: &Unknowns,
            functions,
            fctx,
            address: Some(address),
        };
        if let Err(d) = decoder.decode(&r.body, &schema.block, &r.range) {
            diags.extend(Diagnostics(
                d.into_iter()
                    .filter(|x| SCHEMA_SUMMARIES.contains(&x.summary.as_str()))
                    .collect(),
            ));
        }
    }
    for child in c.children.values() {
        walk(root, child, registry, functions, fctx, diags);
    }
}
