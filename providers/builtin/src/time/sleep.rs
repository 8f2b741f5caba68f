//! `time_sleep`: waits a while when it is created and/or destroyed, so that resources depending
//! on it start (or the things it depends on are destroyed) only after an eventually consistent
//! API has caught up. The wait ends early, with an "Interrupted" error, when infra is asked to
//! stop (Ctrl-C).
//!
//! ```hcl
//! resource "time_sleep" "wait_30_seconds" {
//!   depends_on      = [null_resource.previous]
//!   create_duration = "30s"
//! }
//! ```
//!
//! Attributes: `create_duration` and `destroy_duration` (Go duration strings such as `"50ms"`,
//! `"30s"`, `"1m30s"`; at least one is required; changing either updates in place without
//! waiting), `triggers` (map of string), `id` (computed: the RFC 3339 UTC time of creation, such
//! as `"2020-02-12T06:36:13Z"`).
//!
//! Replacement: any change to `triggers`, which waits again.
//!
//! Import: `CREATE_DURATION,DESTROY_DURATION[,KEY=VALUE...]`, either duration may be empty
//! (`infra import time_sleep.wait 30s,`), as in Terraform's provider.

use std::time::Duration;

use async_trait::async_trait;
use infra_core::{Diagnostic, Diagnostics, Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ResourceSchema};

use super::duration::parse_go_duration;
use super::rfc3339;
use crate::attrs::{
    collect, invalid, null_string_map, obj, object, opt_string, optional, string, string_map,
    Attrs, Field,
};
use crate::framework::{invalid_import_id, ManagedResource, OpContext};
use crate::plan::{plan_with_rules, proposed_attrs, PlanRules};

pub(crate) struct TimeSleep;

const DURATIONS: [&str; 2] = ["create_duration", "destroy_duration"];

/// The duration in `name`, when it is set.
fn duration_of(m: &Attrs, name: &str) -> Result<Option<Duration>, Diagnostics> {
    match optional(string(m, name)?, name)? {
        None => Ok(None),
        Some(s) => parse_go_duration(&s)
            .map(Some)
            .map_err(|e| duration_error(name, &e).into()),
    }
}

fn duration_error(name: &str, why: &str) -> Diagnostic {
    invalid(
        name,
        format!("{why} Use a number followed by a unit, such as \"30s\", \"5m\" or \"1m30s\"."),
    )
}

/// Waits `d`, unless the provider is stopped first.
async fn sleep(ctx: &OpContext, d: Duration, name: &str) -> Result<(), Diagnostics> {
    tokio::select! {
        () = tokio::time::sleep(d) => Ok(()),
        () = ctx.stop.stopped() => Err(Diagnostics::from(Diagnostic::error(
            "Interrupted",
            format!("The wait for `{name}` was interrupted because infra was asked to stop. Run the command again to complete it."),
        ))),
    }
}

#[async_trait]
impl ManagedResource for TimeSleep {
    fn type_name(&self) -> &'static str {
        "time_sleep"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: BlockSchema::default()
                .attr(
                    "create_duration",
                    AttributeSchema::optional(Type::String).describe(
                        "Time duration to delay resource creation, such as `30s`. Updating it alone does not delay.",
                    ),
                )
                .attr(
                    "destroy_duration",
                    AttributeSchema::optional(Type::String).describe(
                        "Time duration to delay resource destroy, such as `30s`. Updating it alone does not delay.",
                    ),
                )
                .attr(
                    "triggers",
                    AttributeSchema::optional(Type::map(Type::String)).force_new().describe(
                        "Arbitrary map of values that, when changed, will run any creation or destroy delays again.",
                    ),
                )
                .attr("id", AttributeSchema::computed(Type::String).describe("RFC 3339 timestamp of the creation.")),
        }
    }

    fn validate(&self, obj: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let m = match object(obj) {
            Ok(m) => m,
            Err(d) => return d,
        };
        let mut all_null = true;
        for name in DURATIONS {
            match collect(&mut diags, string(m, name)) {
                Field::Known(s) => {
                    all_null = false;
                    if let Err(e) = parse_go_duration(&s) {
                        diags.push(duration_error(name, &e));
                    }
                }
                Field::Unknown => all_null = false,
                Field::Null => {}
            }
        }
        if all_null {
            diags.push(Diagnostic::error(
                "Missing required argument",
                "At least one of `create_duration` or `destroy_duration` must be set.",
            ));
        }
        collect(&mut diags, string_map(m, "triggers"));
        diags
    }

    fn plan(&self, schema: &BlockSchema, req: &PlanRequest) -> Result<PlanResponse, Diagnostics> {
        Ok(plan_with_rules(
            schema,
            req,
            proposed_attrs(req),
            &PlanRules::default(),
        ))
    }

    async fn create(&self, ctx: &OpContext, planned: &Value) -> Result<Value, Diagnostics> {
        let mut m = object(planned)?.clone();
        if let Some(d) = duration_of(&m, "create_duration")? {
            sleep(ctx, d, "create_duration").await?;
        }
        m.insert("id".into(), Value::string(rfc3339::now()));
        Ok(Value::Object(m))
    }

    async fn delete(&self, ctx: &OpContext, prior: &Value) -> Result<(), Diagnostics> {
        if let Some(d) = duration_of(object(prior)?, "destroy_duration")? {
            sleep(ctx, d, "destroy_duration").await?;
        }
        Ok(())
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let expected =
            "expected CREATE_DURATION,DESTROY_DURATION[,KEY=VALUE...] with at least one duration, such as \"30s,\".";
        let parts: Vec<&str> = id.split(',').collect();
        if parts.len() < 2 || (parts[0].is_empty() && parts[1].is_empty()) {
            return Err(invalid_import_id(self.type_name(), id, expected));
        }
        let mut diags = Diagnostics::new();
        for (name, s) in DURATIONS.iter().zip(&parts) {
            if let (false, Err(e)) = (s.is_empty(), parse_go_duration(s)) {
                diags.push(duration_error(name, &e));
            }
        }
        let mut triggers = infra_core::ValueMap::new();
        for t in &parts[2..] {
            match t.split_once('=') {
                Some((k, v)) if !v.contains('=') => {
                    triggers.insert(k.to_string(), Value::string(v));
                }
                _ => diags.push(Diagnostic::error(
                    "Invalid import id",
                    format!("The trigger {t:?} in the import id must have the form KEY=VALUE."),
                )),
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let non_empty = |s: &str| (!s.is_empty()).then_some(s.to_string());
        Ok(obj([
            (
                "create_duration",
                opt_string(non_empty(parts[0]).as_deref()),
            ),
            (
                "destroy_duration",
                opt_string(non_empty(parts[1]).as_deref()),
            ),
            // No triggers import as null rather than Terraform's `{}`, so that a configuration
            // without `triggers` does not plan a replacement right after the import.
            (
                "triggers",
                if triggers.is_empty() {
                    null_string_map()
                } else {
                    Value::Map(Type::String, triggers)
                },
            ),
            ("id", Value::string(rfc3339::now())),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use infra_core::Value;

    use crate::testutil::*;

    const T: &str = "time_sleep";

    #[tokio::test]
    async fn lifecycle_sleeps_on_create_and_destroy() {
        let p = crate::time::provider();
        let p = p.as_ref();
        let cfg = config(
            p,
            T,
            &[
                ("create_duration", Value::string("50ms")),
                ("destroy_duration", Value::string("30ms")),
                ("triggers", string_map(&[("k", "1")])),
            ],
        );
        let start = Instant::now();
        let state = create(p, T, &cfg).await;
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(50), "slept only {took:?}");
        assert!(took < Duration::from_secs(5), "slept {took:?}");
        let id = str_attr(&state, "id");
        assert!(id.len() == 20 && id.ends_with('Z'), "{id}");

        assert_eq!(p.read(T, &state).await.unwrap().as_ref(), Some(&state));
        assert_no_op(p, T, &state, &cfg).await;

        // A new duration updates in place without waiting.
        let cfg2 = config(
            p,
            T,
            &[
                ("create_duration", Value::string("1h")),
                ("destroy_duration", Value::string("30ms")),
                ("triggers", string_map(&[("k", "1")])),
            ],
        );
        let resp = plan(p, T, Some(&state), &cfg2).await.unwrap();
        assert!(resp.requires_replace.is_empty());
        let start = Instant::now();
        let updated = apply(p, T, Some(&state), Some(&resp.planned_state), &cfg2)
            .await
            .unwrap()
            .unwrap();
        assert!(start.elapsed() < Duration::from_secs(1));
        assert_eq!(attr(&updated, "id"), attr(&state, "id"));

        let cfg3 = config(
            p,
            T,
            &[
                ("create_duration", Value::string("50ms")),
                ("triggers", string_map(&[("k", "2")])),
            ],
        );
        let resp = plan(p, T, Some(&state), &cfg3).await.unwrap();
        assert!(crate::plan::replaces_for(&resp, "triggers"));
        assert!(!attr(&resp.planned_state, "id").is_known());

        let start = Instant::now();
        delete(p, T, &state, &cfg).await;
        assert!(start.elapsed() >= Duration::from_millis(30));
    }

    #[tokio::test]
    async fn stop_interrupts_a_sleep_quickly() {
        let p = crate::time::provider();
        let cfg = config(p.as_ref(), T, &[("create_duration", Value::string("1h"))]);
        let planned = plan(p.as_ref(), T, None, &cfg).await.unwrap().planned_state;
        let stopper = p.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            stopper.stop();
        });
        let start = Instant::now();
        let err = apply(p.as_ref(), T, None, Some(&planned), &cfg)
            .await
            .unwrap_err();
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "took {:?}",
            start.elapsed()
        );
        assert_eq!(err.iter().next().unwrap().summary, "Interrupted");
        assert!(messages(&err).contains("create_duration"));

        // A stopped provider does not start new waits either.
        let start = Instant::now();
        let err = apply(p.as_ref(), T, None, Some(&planned), &cfg)
            .await
            .unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(1));
        assert_eq!(err.iter().next().unwrap().summary, "Interrupted");
    }

    #[tokio::test]
    async fn invalid_durations_are_diagnosed() {
        let p = crate::time::provider();
        let p = p.as_ref();
        for (bad, fragment) in [
            ("soon", "not a valid duration"),
            ("30", "without a unit"),
            ("3d", "unknown unit"),
            ("-1s", "negative"),
        ] {
            let cfg = config(p, T, &[("create_duration", Value::string(bad))]);
            let d = plan(p, T, None, &cfg).await.unwrap_err();
            let text = messages(&d);
            assert!(
                text.contains("Invalid attribute value") && text.contains("`create_duration`"),
                "{text}"
            );
            assert!(text.contains(fragment), "{bad}: {text}");
        }
        let d = p.validate_resource(T, &config(p, T, &[]));
        assert!(messages(&d).contains("At least one of `create_duration` or `destroy_duration`"));
        let unknown = config(
            p,
            T,
            &[("destroy_duration", Value::Unknown(infra_core::Type::String))],
        );
        assert!(p.validate_resource(T, &unknown).is_empty());
    }

    #[tokio::test]
    async fn import_parses_durations_and_triggers() {
        let p = crate::time::provider();
        let v = p.import(T, "30s,,a=1,b=2").await.unwrap();
        assert_eq!(str_attr(&v, "create_duration"), "30s");
        assert!(attr(&v, "destroy_duration").is_null());
        assert_eq!(attr(&v, "triggers"), &string_map(&[("a", "1"), ("b", "2")]));
        for bad in ["", "30s", ",", "1x,", "30s,,novalue"] {
            assert!(p.import(T, bad).await.is_err(), "{bad:?} imported");
        }
    }
}
