//! The built-in providers: offline, deterministic stand-ins for Terraform's `hashicorp/null`,
//! `hashicorp/random`, `hashicorp/local`, `hashicorp/time` and the `terraform_data` resource that
//! Terraform itself provides (`terraform.io/builtin/terraform`).
//!
//! Each resource type lives in its own file and is attribute-compatible with its Terraform
//! namesake, so configurations written for Terraform plan and apply unchanged. They talk to nothing
//! but the local file system (`local_file`) and the clock (`time_sleep`).
//!
//! This crate sees only the provider SDK (`infra-provider`) and `infra-core`, never engine
//! internals, and never prints.

mod attrs;
mod framework;
mod local;
mod null;
mod plan;
mod random;
mod rng;
mod terraform;
mod time;

#[cfg(test)]
mod testutil;

use infra_provider::Registry;

/// Every built-in provider, by source address.
pub fn registry() -> Registry {
    let mut r = Registry::new();
    register(&mut r);
    r
}

/// Adds the built-in providers to an existing registry.
pub fn register(r: &mut Registry) {
    r.register("hashicorp/null", null::provider);
    r.register("hashicorp/random", random::provider);
    r.register("hashicorp/local", local::provider);
    r.register("hashicorp/time", time::provider);
    r.register("terraform.io/builtin/terraform", terraform::provider);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_has_every_builtin_provider() {
        let r = registry();
        let sources: Vec<&str> = r.sources().collect();
        assert_eq!(
            sources,
            [
                "hashicorp/local",
                "hashicorp/null",
                "hashicorp/random",
                "hashicorp/time",
                "terraform.io/builtin/terraform"
            ]
        );
        assert!(r.by_local_name("random").is_some());
        assert!(r
            .by_source("registry.terraform.io/hashicorp/null")
            .is_some());
        let terraform = r.by_source("terraform.io/builtin/terraform").unwrap()();
        assert!(terraform.schema().resources.contains_key("terraform_data"));
    }

    #[test]
    fn every_resource_schema_has_an_id() {
        let r = registry();
        for source in r.sources() {
            let p = r.by_source(source).unwrap()();
            for (name, s) in p.schema().resources.iter().chain(&p.schema().data_sources) {
                let id = s.block.attributes.get("id");
                assert!(
                    id.is_some_and(|a| a.computed),
                    "{source}: {name} has no computed id"
                );
            }
        }
    }
}
