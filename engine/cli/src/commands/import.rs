//! `infra import ADDRESS ID`: adopts an object that already exists (made by hand, by another
//! tool, or by a lost state) into the environment's state, as `terraform import` does.
//!
//! The address must have a `resource` block in the configuration (its provider configuration is
//! what reaches the object) and must not be tracked yet. The provider reads the object by the
//! id, reads it again as a refresh would, and the result is committed as one state version with
//! the operation `import`. Nothing is created, changed or deleted remotely; the next plan shows
//! how the object differs from its configuration.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use infra_apply::ApplyContext;
use infra_core::addr::{parse_target, Mode, ResourceInstanceAddr, Target};
use infra_core::{Diagnostic, Diagnostics};
use infra_plan::providers::serving_provider_addr;
use infra_plan::state_values::value_to_state;
use infra_plan::walker::module_at;
use infra_plan::PlanOptions;
use infra_state::{Change, LockInfo, ResourceInstance};

use crate::args::ImportArgs;
use crate::project::{self, Loaded};

pub fn run(a: ImportArgs) -> u8 {
    super::run::runtime().block_on(import(a))
}

fn fail(diags: Diagnostics, loaded: &Loaded, color: bool) -> u8 {
    project::report(&diags, &loaded.sources, color);
    1
}

/// The instance address to import into, or why it cannot be one.
fn instance_address(s: &str) -> Result<ResourceInstanceAddr, Box<Diagnostic>> {
    let invalid = |why: String| {
        Box::new(Diagnostic::error(
            "Invalid address",
            format!("{why} The import address is a resource instance address, such as `aws_s3_bucket.docs`, `aws_subnet.private[1]` or `module.network.aws_vpc.main`."),
        ))
    };
    let addr = match parse_target(s) {
        Ok(Target::Instance(i)) => i,
        Ok(Target::Resource(r)) => r.instance(None),
        Ok(Target::Module(_)) => return Err(invalid(format!("`{s}` is a module."))),
        Err(e) => return Err(invalid(format!("{e}."))),
    };
    if addr.resource.mode == Mode::Data {
        return Err(invalid(format!(
            "`{s}` is a data source, which is read, not managed: only managed resources can be imported."
        )));
    }
    Ok(addr)
}

async fn import(a: ImportArgs) -> u8 {
    let color = super::stderr_color(a.no_color);
    let dir = Path::new(".");
    let loaded = project::load(dir, &a.vars, &a.var_files);
    if !loaded.ok() {
        return fail(loaded.diagnostics.clone(), &loaded, color);
    }
    project::report(&loaded.diagnostics, &loaded.sources, color);
    let addr = match instance_address(&a.address) {
        Ok(x) => x,
        Err(d) => return fail((*d).into(), &loaded, color),
    };
    let path = addr.resource.module.static_path();
    let Some(res) = module_at(&loaded.config, &path)
        .and_then(|m| m.module.resources.get(&addr.resource.local()))
    else {
        return fail(
            Diagnostic::error(
                "Configuration for import target does not exist",
                format!(
                    "The configuration for the given import target {addr} does not exist. Every imported instance needs a `resource` block in the configuration: add\n\n  resource \"{}\" \"{}\" {{\n    # ...\n  }}\n\nand run the import again.",
                    addr.resource.ty, addr.resource.name
                ),
            )
            .into(),
            &loaded,
            color,
        );
    };
    let repeated = res.count.is_some() || res.for_each.is_some();
    if repeated != addr.key.is_some() {
        let detail = if repeated {
            format!("{} uses count or for_each, so the address needs an instance key, such as `{}[0]` or `{}[\"name\"]`.", addr.resource, addr.resource, addr.resource)
        } else {
            format!("{} has neither count nor for_each, so its address takes no instance key: use `{}`.", addr.resource, addr.resource)
        };
        return fail(
            Diagnostic::error("Invalid import address", detail)
                .with_subject(res.decl_range.clone())
                .into(),
            &loaded,
            color,
        );
    }

    let store = match project::store_for(dir, &loaded.config) {
        Ok(s) => s,
        Err(d) => return fail(d, &loaded, color),
    };
    let lock_timeout = match project::parse_duration(&a.lock_timeout) {
        Ok(d) => d,
        Err(e) => {
            return fail(
                Diagnostic::error("Invalid -lock-timeout value", e).into(),
                &loaded,
                color,
            )
        }
    };
    let (store2, env) = (store.clone(), a.env.clone());
    let _lock = match tokio::task::spawn_blocking(move || {
        store2.lock(&env, LockInfo::new("import"), lock_timeout)
    })
    .await
    .expect("lock task")
    {
        Ok(l) => l,
        Err(e) => return fail(project::state_error(&e).into(), &loaded, color),
    };
    let ctx = ApplyContext {
        config: loaded.config.clone(),
        registry: project::registry(),
        store: store.clone(),
        options: PlanOptions {
            environment: a.env.clone(),
            variables: loaded.variables.clone(),
            ..PlanOptions::default()
        },
        progress: Arc::new(crate::progress::LineProgress),
        cancelled: Arc::new(AtomicBool::new(false)),
        stop: Arc::new(tokio::sync::Notify::new()),
    };
    // Interrupted work first, as apply does: an open intent may be this very object.
    let d = infra_apply::recover::recover(&ctx).await;
    if d.has_errors() {
        return fail(d, &loaded, color);
    }
    let state = match store.load(&a.env) {
        Ok(s) => s,
        Err(e) => return fail(project::state_error(&e).into(), &loaded, color),
    };
    let key = addr.to_string();
    if let Some(existing) = state.resources.get(&key) {
        let id = existing
            .attributes
            .get("id")
            .and_then(|v| v.as_str())
            .unwrap_or("?");
        return fail(
            Diagnostic::error(
                "Resource already managed by infra",
                format!("infra is already managing a remote object for {key} (id {id}). To import to this address you must first remove the existing object from the state: `infra state rm {key}`."),
            )
            .into(),
            &loaded,
            color,
        );
    }

    let providers = match infra_apply::providers::configured(&ctx, &state).await {
        Ok(p) => p,
        Err(d) => return fail(d, &loaded, color),
    };
    let provider_addr = serving_provider_addr(&loaded.config, &path, &res.provider_key());
    let ty = addr.resource.ty.clone();
    let Some(provider) = providers.get(&provider_addr) else {
        return fail(
            Diagnostic::error(
                "Provider not available",
                format!("{key} needs the provider {provider_addr}, which infra does not have."),
            )
            .with_subject(res.decl_range.clone())
            .into(),
            &loaded,
            color,
        );
    };
    let Some(schema) = provider.schema().resources.get(&ty).cloned() else {
        return fail(
            Diagnostic::error(
                "Invalid resource type",
                format!("The provider {provider_addr} does not support resource type \"{ty}\"."),
            )
            .with_subject(res.decl_range.clone())
            .into(),
            &loaded,
            color,
        );
    };

    println!("{key}: Importing from ID \"{}\"...", a.id);
    let imported = match provider.import(&ty, &a.id).await {
        Ok(v) => v,
        Err(d) => return fail(with_address(d, &key), &loaded, color),
    };
    println!("{key}: Import prepared!\n  Prepared {ty} for import");
    let shown_id = imported
        .entries()
        .and_then(|m| m.get("id"))
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| a.id.clone());
    println!("{key}: Refreshing state... [id={shown_id}]");
    let value = match provider.read(&ty, &imported).await {
        Ok(Some(v)) => v,
        Ok(None) => {
            return fail(
                Diagnostic::error(
                    "Cannot import non-existent remote object",
                    format!("While attempting to import an existing object to {key}, the provider detected that no object exists with the given id. Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use \"infra apply\" to create a new remote object for this resource."),
                )
                .into(),
                &loaded,
                color,
            )
        }
        Err(d) => return fail(with_address(d, &key), &loaded, color),
    };
    let (attributes, sensitive) = value_to_state(&value, Some(&schema));
    let r = &addr.resource;
    let instance = ResourceInstance {
        module: if r.module.is_root() {
            String::new()
        } else {
            r.module.to_string()
        },
        mode: r.mode,
        type_name: r.ty.clone(),
        name: r.name.clone(),
        index: addr.key.clone(),
        provider: provider_addr,
        schema_version: schema.version,
        attributes,
        sensitive_attributes: sensitive,
        dependencies: Vec::new(),
        create_before_destroy: false,
        tainted: false,
    };
    let change = Change {
        address: key.clone(),
        new: Some(instance),
        intent: None,
        operation: "import".into(),
    };
    let (store2, env) = (store.clone(), a.env.clone());
    match tokio::task::spawn_blocking(move || store2.commit_change(&env, change))
        .await
        .expect("commit task")
    {
        Ok(_) => {}
        Err(e) => return fail(project::state_error(&e).into(), &loaded, color),
    }
    println!("\nImport successful!\n\nThe resources that were imported are shown above. These resources are now in\nthe state of environment \"{}\" and will henceforth be managed by infra.", a.env);
    0
}

/// Provider diagnostics with the address they concern, as apply reports them.
fn with_address(mut d: Diagnostics, key: &str) -> Diagnostics {
    for x in d.0.iter_mut() {
        x.detail = format!("{key}: {}", x.detail);
    }
    d
}
