//! `hashicorp/random`: random values generated once, at create time, and then kept in the state
//! until the resource is replaced (by a change to `keepers` or any other argument). Nothing is
//! regenerated on refresh or update.

mod id;
mod integer;
mod password;
mod pet;
mod pet_words;
mod string;

use std::sync::Arc;

use infra_core::{Diagnostic, Diagnostics, Type};
use infra_provider::{AttributeSchema, Provider};

use crate::attrs::{collect, int, invalid, string_map, Attrs, Field};
use crate::framework::BuiltinProvider;
use crate::plan::PlanRules;

/// A fresh `hashicorp/random` provider.
pub(crate) fn provider() -> Arc<dyn Provider> {
    Arc::new(BuiltinProvider::new(
        vec![
            Box::new(id::RandomId),
            Box::new(integer::RandomInteger),
            Box::new(password::RandomPassword),
            Box::new(pet::RandomPet),
            Box::new(string::RandomString),
        ],
        vec![],
    ))
}

/// The `keepers` argument every random resource has.
fn keepers_schema() -> AttributeSchema {
    AttributeSchema::optional(Type::map(Type::String))
        .force_new()
        .describe(
            "Arbitrary map of values that, when changed, will trigger recreation of the resource.",
        )
}

/// The plan rules shared by the random resources: `keepers` replaces only when a non-null
/// value changes.
fn keeper_rules() -> PlanRules {
    PlanRules {
        lenient_maps: &["keepers"],
        ..PlanRules::default()
    }
}

/// Checks `keepers`.
fn validate_keepers(diags: &mut Diagnostics, m: &Attrs) {
    collect(diags, string_map(m, "keepers"));
}

/// A known integer argument within `min..=max`, where the limits exist to keep generation within
/// memory and time (Terraform has no upper limits, but nobody needs a megabyte-long id).
fn bounded_int(diags: &mut Diagnostics, m: &Attrs, name: &str, min: i64, max: i64) -> Field<i64> {
    let f = collect(diags, int(m, name));
    if let Field::Known(v) = f {
        if v < min {
            diags.push(invalid(
                name,
                format!("the value must be at least {min}, but it is {v}."),
            ));
            return Field::Unknown;
        }
        if v > max {
            diags.push(invalid(
                name,
                format!("the value must be at most {max}, but it is {v}."),
            ));
            return Field::Unknown;
        }
    }
    f
}

/// A diagnostic for an import id that cannot be decoded.
fn import_error(detail: String) -> Diagnostics {
    Diagnostics::from(Diagnostic::error("Invalid import id", detail))
}
