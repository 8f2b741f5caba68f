//! The rules of `aws_s3_bucket_lifecycle_configuration` (see there): their schema, and their
//! conversion to the AWS SDK's types and back to the state's form.
//!
//! Reading back brings what AWS echoes to the form the configuration used: rules that select every
//! object (no filter, `filter {}`, an empty prefix) read back as they were written, values AWS
//! leaves out when zero or false keep the state's value, and dates keep the state's spelling when
//! they name the same instant. [`canonical_rules`] gives one form per meaning, so that a plan can
//! tell a changed rule from one written another way.

use aws_sdk_s3::primitives::{DateTime, DateTimeFormat};
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, ExpirationStatus, LifecycleExpiration, LifecycleRule,
    LifecycleRuleAndOperator, LifecycleRuleFilter, NoncurrentVersionExpiration,
    NoncurrentVersionTransition, Tag, Transition, TransitionStorageClass,
};
use infra_core::Type;
use infra_provider::{AttributeSchema, BlockSchema, BlockTypeSchema, Nesting};
use serde_json::{json, Value as J};

use super::{nested, s};
use crate::error::{Error, Result};
use crate::values::{blocks_at, bool_at, i64_at, req_str, str_at};

fn n() -> AttributeSchema {
    AttributeSchema::optional(Type::Number)
}

fn one(block: BlockSchema) -> BlockTypeSchema {
    nested(Nesting::List, block, 0, 1)
}

pub(super) fn rule_schema() -> BlockSchema {
    let tag = BlockSchema::default()
        .attr("key", AttributeSchema::required(Type::String))
        .attr("value", AttributeSchema::required(Type::String));
    let and = BlockSchema::default()
        .attr("prefix", s())
        .attr("object_size_greater_than", n())
        .attr("object_size_less_than", n())
        .attr("tags", AttributeSchema::optional(Type::map(Type::String)));
    let filter = BlockSchema::default()
        .attr("prefix", s())
        .attr("object_size_greater_than", n())
        .attr("object_size_less_than", n())
        .block("tag", one(tag))
        .block("and", one(and));
    let expiration = BlockSchema::default()
        .attr("date", s())
        .attr("days", n())
        .attr(
            "expired_object_delete_marker",
            AttributeSchema::optional(Type::Bool),
        );
    let nve = BlockSchema::default()
        .attr("noncurrent_days", n())
        .attr("newer_noncurrent_versions", n());
    let transition = BlockSchema::default()
        .attr("date", s())
        .attr("days", n())
        .attr("storage_class", AttributeSchema::required(Type::String));
    let nvt = BlockSchema::default()
        .attr("noncurrent_days", n())
        .attr("newer_noncurrent_versions", n())
        .attr("storage_class", AttributeSchema::required(Type::String));
    let abort = BlockSchema::default().attr("days_after_initiation", n());
    BlockSchema::default()
        .attr("id", AttributeSchema::required(Type::String))
        .attr("status", AttributeSchema::required(Type::String))
        .attr("prefix", s().describe("Deprecated: use `filter`."))
        .block("filter", one(filter))
        .block("expiration", one(expiration))
        .block("noncurrent_version_expiration", one(nve))
        .block("transition", nested(Nesting::Set, transition, 0, 0))
        .block(
            "noncurrent_version_transition",
            nested(Nesting::Set, nvt, 0, 0),
        )
        .block("abort_incomplete_multipart_upload", one(abort))
}

/// A lifecycle date: `2030-01-01`, or an RFC 3339 date-time.
pub(super) fn parse_date(s: &str) -> Option<DateTime> {
    let full = if s.len() == 10 {
        format!("{s}T00:00:00Z")
    } else {
        s.to_string()
    };
    DateTime::from_str(&full, DateTimeFormat::DateTime).ok()
}

fn date_at(b: &J) -> Result<Option<DateTime>> {
    match str_at(b, "date") {
        None => Ok(None),
        Some(d) => parse_date(d).map(Some).ok_or_else(|| {
            Error::invalid(
                "Invalid lifecycle date",
                format!("{d:?} is not a date: write 2030-01-01 or 2030-01-01T00:00:00Z."),
            )
        }),
    }
}

fn i32_at(j: &J, name: &str) -> Result<Option<i32>> {
    i64_at(j, name)
        .map(|v| {
            i32::try_from(v).map_err(|_| {
                Error::invalid(
                    "Invalid lifecycle rule",
                    format!("`{name}` = {v} is out of range."),
                )
            })
        })
        .transpose()
}

fn tag(key: &str, value: &str) -> Result<Tag> {
    Tag::builder()
        .key(key)
        .value(value)
        .build()
        .map_err(|e| Error::bug(format!("Could not build a lifecycle tag: {e}.")))
}

fn build_filter(f: &J) -> Result<LifecycleRuleFilter> {
    let mut b = LifecycleRuleFilter::builder()
        .set_prefix(str_at(f, "prefix").map(str::to_string))
        .set_object_size_greater_than(i64_at(f, "object_size_greater_than"))
        .set_object_size_less_than(i64_at(f, "object_size_less_than"));
    if let Some(t) = blocks_at(f, "tag").first() {
        b = b.tag(tag(req_str(t, "key")?, req_str(t, "value")?)?);
    }
    if let Some(a) = blocks_at(f, "and").first() {
        let mut and = LifecycleRuleAndOperator::builder()
            .set_prefix(str_at(a, "prefix").map(str::to_string))
            .set_object_size_greater_than(i64_at(a, "object_size_greater_than"))
            .set_object_size_less_than(i64_at(a, "object_size_less_than"));
        for (k, v) in crate::values::string_map_at(a, "tags") {
            and = and.tags(tag(&k, &v)?);
        }
        b = b.and(and.build());
    }
    let filter = b.build();
    // `filter {}`: every object, in the form AWS documents (an empty prefix).
    Ok(if is_every_object(Some(&filter), None) {
        LifecycleRuleFilter::builder().prefix("").build()
    } else {
        filter
    })
}

pub(super) fn build_rule(r: &J) -> Result<LifecycleRule> {
    let mut b = LifecycleRule::builder()
        .id(req_str(r, "id")?)
        .status(ExpirationStatus::from(req_str(r, "status")?));
    match (blocks_at(r, "filter").first(), str_at(r, "prefix")) {
        (Some(f), _) => b = b.filter(build_filter(f)?),
        (None, Some(p)) => b = legacy_prefix(b, p),
        (None, None) => b = b.filter(LifecycleRuleFilter::builder().prefix("").build()),
    }
    if let Some(e) = blocks_at(r, "expiration").first() {
        // AWS refuses ExpiredObjectDeleteMarker next to Days or Date, even when false.
        let marker = bool_at(e, "expired_object_delete_marker").filter(|m| *m);
        b = b.expiration(
            LifecycleExpiration::builder()
                .set_days(i32_at(e, "days")?)
                .set_date(date_at(e)?)
                .set_expired_object_delete_marker(marker)
                .build(),
        );
    }
    if let Some(e) = blocks_at(r, "noncurrent_version_expiration").first() {
        b = b.noncurrent_version_expiration(
            NoncurrentVersionExpiration::builder()
                .set_noncurrent_days(i32_at(e, "noncurrent_days")?)
                .set_newer_noncurrent_versions(i32_at(e, "newer_noncurrent_versions")?)
                .build(),
        );
    }
    for t in blocks_at(r, "transition") {
        b = b.transitions(
            Transition::builder()
                .set_days(i32_at(t, "days")?)
                .set_date(date_at(t)?)
                .storage_class(TransitionStorageClass::from(req_str(t, "storage_class")?))
                .build(),
        );
    }
    for t in blocks_at(r, "noncurrent_version_transition") {
        b = b.noncurrent_version_transitions(
            NoncurrentVersionTransition::builder()
                .set_noncurrent_days(i32_at(t, "noncurrent_days")?)
                .set_newer_noncurrent_versions(i32_at(t, "newer_noncurrent_versions")?)
                .storage_class(TransitionStorageClass::from(req_str(t, "storage_class")?))
                .build(),
        );
    }
    if let Some(a) = blocks_at(r, "abort_incomplete_multipart_upload").first() {
        b = b.abort_incomplete_multipart_upload(
            AbortIncompleteMultipartUpload::builder()
                .set_days_after_initiation(i32_at(a, "days_after_initiation")?)
                .build(),
        );
    }
    b.build()
        .map_err(|e| Error::bug(format!("Could not build a lifecycle rule: {e}.")))
}

// The rule-level `Prefix` is deprecated by AWS, and `prefix` by Terraform, but both still work and
// existing configurations use them.
#[allow(deprecated)]
fn legacy_prefix(
    b: aws_sdk_s3::types::builders::LifecycleRuleBuilder,
    prefix: &str,
) -> aws_sdk_s3::types::builders::LifecycleRuleBuilder {
    b.prefix(prefix)
}

#[allow(deprecated)]
fn rule_prefix(r: &LifecycleRule) -> Option<&str> {
    r.prefix()
}

/// Whether a rule's filter and prefix select every object of the bucket.
pub(super) fn is_every_object(filter: Option<&LifecycleRuleFilter>, prefix: Option<&str>) -> bool {
    let filter_all = filter.is_none_or(|f| {
        f.prefix().is_none_or(str::is_empty)
            && f.tag().is_none()
            && f.object_size_greater_than().is_none()
            && f.object_size_less_than().is_none()
            && f.and().is_none()
    });
    filter_all && prefix.is_none_or(str::is_empty)
}

/// The same, for a rule of the configuration or state.
pub(super) fn selects_every_object(r: &J) -> bool {
    let empty = |v: Option<&J>| match v {
        None | Some(J::Null) => true,
        Some(J::String(s)) => s.is_empty(),
        Some(J::Array(a)) => a.is_empty(),
        _ => false,
    };
    let filter_all = blocks_at(r, "filter").first().is_none_or(|f| {
        f.as_object()
            .is_some_and(|o| o.values().all(|v| empty(Some(v))))
    });
    filter_all && empty(r.get("prefix"))
}

pub(super) fn date_json(d: Option<&DateTime>, prior: Option<&J>) -> J {
    let Some(d) = d else { return J::Null };
    // Keep the form the configuration used when it names the same day.
    if let Some(p) = prior.and_then(|p| str_at(p, "date")) {
        if parse_date(p).as_ref() == Some(d) {
            return J::String(p.to_string());
        }
    }
    d.fmt(DateTimeFormat::DateTime).map_or(J::Null, J::String)
}

fn filter_json(f: &LifecycleRuleFilter) -> J {
    let tag: Vec<J> = f
        .tag()
        .map(|t| json!({"key": t.key(), "value": t.value()}))
        .into_iter()
        .collect();
    let and: Vec<J> = f
        .and()
        .map(|a| {
            let tags: serde_json::Map<String, J> = a
                .tags()
                .iter()
                .map(|t| (t.key().to_string(), J::String(t.value().to_string())))
                .collect();
            json!({
                "prefix": a.prefix(),
                "object_size_greater_than": a.object_size_greater_than(),
                "object_size_less_than": a.object_size_less_than(),
                "tags": if tags.is_empty() { J::Null } else { J::Object(tags) },
            })
        })
        .into_iter()
        .collect();
    json!({
        "prefix": f.prefix(),
        "object_size_greater_than": f.object_size_greater_than(),
        "object_size_less_than": f.object_size_less_than(),
        "tag": tag,
        "and": and,
    })
}

/// A rule as the state holds it; `prior` is the rule of the same id in the previous state.
pub(super) fn rule_json(r: &LifecycleRule, prior: Option<&J>) -> J {
    let (filter, prefix) = if is_every_object(r.filter(), rule_prefix(r)) {
        match prior.filter(|p| selects_every_object(p)) {
            Some(p) => (
                p.get("filter").cloned().unwrap_or(json!([])),
                p.get("prefix").cloned().unwrap_or(J::Null),
            ),
            // Imported: the form the Terraform documentation recommends, `filter {}`.
            None => (
                json!([filter_json(&LifecycleRuleFilter::builder().build())]),
                J::Null,
            ),
        }
    } else {
        let filter: Vec<J> = r.filter().map(filter_json).into_iter().collect();
        (
            J::Array(filter),
            json!(rule_prefix(r).filter(|p| !p.is_empty())),
        )
    };
    let prior_block = |name: &str| prior.and_then(|p| blocks_at(p, name).first());
    let expiration: Vec<J> = r
        .expiration()
        .map(|e| {
            json!({
                "date": date_json(e.date(), prior_block("expiration")),
                "days": e.days(),
                "expired_object_delete_marker": e.expired_object_delete_marker(),
            })
        })
        .into_iter()
        .collect();
    let nve: Vec<J> = r
        .noncurrent_version_expiration()
        .map(|e| json!({"noncurrent_days": e.noncurrent_days(), "newer_noncurrent_versions": e.newer_noncurrent_versions()}))
        .into_iter()
        .collect();
    let prior_transition = |class: &str| {
        prior.and_then(|p| {
            blocks_at(p, "transition")
                .iter()
                .find(|t| str_at(t, "storage_class") == Some(class))
        })
    };
    let transitions: Vec<J> = r
        .transitions()
        .iter()
        .map(|t| {
            let class = t.storage_class().map(TransitionStorageClass::as_str);
            json!({
                "date": date_json(t.date(), class.and_then(prior_transition)),
                "days": t.days(),
                "storage_class": class,
            })
        })
        .collect();
    let nvts: Vec<J> = r
        .noncurrent_version_transitions()
        .iter()
        .map(|t| {
            json!({
                "noncurrent_days": t.noncurrent_days(),
                "newer_noncurrent_versions": t.newer_noncurrent_versions(),
                "storage_class": t.storage_class().map(TransitionStorageClass::as_str),
            })
        })
        .collect();
    let abort: Vec<J> = r
        .abort_incomplete_multipart_upload()
        .map(|a| json!({"days_after_initiation": a.days_after_initiation()}))
        .into_iter()
        .collect();
    let mut rule = json!({
        "id": r.id(),
        "status": r.status().as_str(),
        "prefix": prefix,
        "filter": filter,
        "expiration": expiration,
        "noncurrent_version_expiration": nve,
        "transition": transitions,
        "noncurrent_version_transition": nvts,
        "abort_incomplete_multipart_upload": abort,
    });
    if let Some(p) = prior {
        keep_prior_zeros(&mut rule, p);
    }
    rule
}

/// Rules in one form per meaning: every-object selections as no filter, dates in RFC 3339, and
/// `false`, `""` and `{}` as unset.
pub(super) fn canonical_rules(rules: J) -> J {
    fn walk(v: J) -> J {
        match v {
            J::Bool(false) => J::Null,
            J::String(s) if s.is_empty() => J::Null,
            J::Object(o) if o.is_empty() => J::Null,
            J::Object(o) => J::Object(
                o.into_iter()
                    .map(|(k, v)| {
                        let date = match (k.as_str(), &v) {
                            ("date", J::String(d)) => parse_date(d),
                            _ => None,
                        };
                        let v = match date {
                            Some(d) => date_json(Some(&d), None),
                            None => walk(v),
                        };
                        (k, v)
                    })
                    .collect(),
            ),
            J::Array(a) => J::Array(a.into_iter().map(walk).collect()),
            v => v,
        }
    }
    let J::Array(rules) = rules else { return rules };
    J::Array(
        rules
            .into_iter()
            .map(|mut r| {
                if selects_every_object(&r) {
                    r["filter"] = json!([]);
                    r["prefix"] = J::Null;
                }
                walk(r)
            })
            .collect(),
    )
}

/// AWS leaves out values that are zero, false or empty; where the previous state had exactly such
/// a value, keep it, so that `days = 0` or `expired_object_delete_marker = false` cause no drift.
fn keep_prior_zeros(now: &mut J, prior: &J) {
    match (now, prior) {
        (J::Object(o), J::Object(p)) => {
            for (k, v) in o.iter_mut() {
                let Some(pv) = p.get(k) else { continue };
                let zero = match pv {
                    J::Bool(b) => !b,
                    J::Number(n) => n.as_i64() == Some(0),
                    J::String(s) => s.is_empty(),
                    J::Object(m) => m.is_empty(),
                    _ => false,
                };
                if v.is_null() && zero {
                    *v = pv.clone();
                } else {
                    keep_prior_zeros(v, pv);
                }
            }
        }
        (J::Array(a), J::Array(p)) => {
            for (i, v) in a.iter_mut().enumerate() {
                // Set elements (transitions) pair up by storage class, single blocks by position.
                let class = str_at(v, "storage_class").map(str::to_string);
                let pv = match class {
                    Some(c) => p.iter().find(|e| str_at(e, "storage_class") == Some(&c)),
                    None => p.get(i),
                };
                if let Some(pv) = pv {
                    keep_prior_zeros(v, pv);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_every_object_filters() {
        assert_eq!(parse_date("2030-01-01"), parse_date("2030-01-01T00:00:00Z"));
        assert!(parse_date("2030-01-01").is_some());
        assert!(parse_date("Jan 1").is_none());
        let d = parse_date("2030-01-01").unwrap();
        assert_eq!(date_json(Some(&d), None), json!("2030-01-01T00:00:00Z"));
        assert_eq!(
            date_json(Some(&d), Some(&json!({"date": "2030-01-01"}))),
            json!("2030-01-01")
        );
        assert!(is_every_object(None, None));
        assert!(is_every_object(
            Some(&LifecycleRuleFilter::builder().prefix("").build()),
            None
        ));
        assert!(!is_every_object(
            Some(&LifecycleRuleFilter::builder().prefix("a").build()),
            None
        ));
        assert!(!is_every_object(None, Some("logs/")));
        assert!(selects_every_object(&json!({"prefix": null, "filter": []})));
        assert!(selects_every_object(
            &json!({"filter": [{"prefix": "", "tag": [], "and": []}]})
        ));
        assert!(!selects_every_object(&json!({"filter": [{"prefix": "x"}]})));
    }

    #[test]
    fn zeros_aws_leaves_out_are_kept_from_the_prior_state() {
        let mut now = json!({"expiration": [{"days": 30, "expired_object_delete_marker": null}],
                             "transition": [{"days": null, "storage_class": "GLACIER"}]});
        let prior = json!({"expiration": [{"days": 30, "expired_object_delete_marker": false}],
                           "transition": [{"days": 5, "storage_class": "X"}, {"days": 0, "storage_class": "GLACIER"}]});
        keep_prior_zeros(&mut now, &prior);
        assert_eq!(
            now["expiration"][0]["expired_object_delete_marker"],
            json!(false)
        );
        assert_eq!(now["transition"][0]["days"], json!(0));
        // A non-zero prior value AWS no longer has is drift, not kept.
        let mut now = json!({"days": null});
        keep_prior_zeros(&mut now, &json!({"days": 7}));
        assert_eq!(now["days"], J::Null);
    }
}
