//! What the EC2 resources share: filters, tags at creation (`TagSpecifications`, with the
//! `infra:intent` tag), in-place tag updates, ARNs, and the retry policies for EC2's eventual
//! consistency and dependency violations.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};
use serde_json::Value as J;

use crate::duration::timeout;
use crate::error::{Error, Result};
use crate::framework::Ctx;
use crate::retry::{retry_on, wait_for, Backoff};
use crate::tags::{diff, state_tags, wanted, INTENT_TAG};

/// A describe filter.
pub(crate) fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

/// The filter that finds objects created with an intent marker.
pub(crate) fn intent_filter(marker: &str) -> Filter {
    filter(&format!("tag:{INTENT_TAG}"), marker)
}

/// Tags as a map.
pub(crate) fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

/// `tags` and `tags_all` for a state, from the object's EC2 tags.
pub(crate) fn state_tags_of(ctx: &Ctx, tags: &[Tag], prior: &J) -> (J, J) {
    state_tags(&tag_map(tags), &ctx.clients.default_tags, prior)
}

/// The `TagSpecifications` for a create: the planned `tags_all` plus the intent tag.
pub(crate) fn tag_spec(
    rt: ResourceType,
    planned: &J,
    intent: Option<&str>,
) -> Option<TagSpecification> {
    let mut tags = wanted(planned);
    if let Some(i) = intent {
        tags.insert(INTENT_TAG.to_string(), i.to_string());
    }
    if tags.is_empty() {
        return None;
    }
    let tags = tags
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    Some(
        TagSpecification::builder()
            .resource_type(rt)
            .set_tags(Some(tags))
            .build(),
    )
}

/// Brings the tags of `id` from the prior `tags_all` to the planned one.
pub(crate) async fn update_tags(ctx: &Ctx, id: &str, prior: &J, planned: &J) -> Result<()> {
    let (set, remove) = diff(&wanted(prior), &wanted(planned));
    if !remove.is_empty() {
        let tags = remove
            .into_iter()
            .map(|k| Tag::builder().key(k).build())
            .collect();
        ctx.ec2()
            .delete_tags()
            .resources(id)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|e| Error::sdk("DeleteTags", e))?;
    }
    if !set.is_empty() {
        let tags = set
            .into_iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect();
        ctx.ec2()
            .create_tags()
            .resources(id)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|e| Error::sdk("CreateTags", e))?;
    }
    Ok(())
}

/// The ARN partition of a region.
pub(crate) fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// The ARN of an EC2 object (`vpc/vpc-0123`).
pub(crate) fn arn(ctx: &Ctx, owner: Option<&str>, path: &str) -> String {
    let region = &ctx.clients.region;
    let owner = owner
        .or(ctx.clients.account_id.as_deref())
        .unwrap_or_default();
    format!("arn:{}:ec2:{region}:{owner}:{path}", partition(region))
}

/// How long a created object may take to become visible (Terraform's propagation timeout).
const PROPAGATION: Duration = Duration::from_secs(120);

/// Waits until `describe` sees the object just created.
pub(crate) async fn wait_visible<T, F, Fut>(
    ctx: &Ctx,
    planned: &J,
    what: &str,
    describe: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>>>,
{
    let t = timeout(planned, "create", PROPAGATION).min(PROPAGATION);
    wait_for(&ctx.stop, Backoff::within(t), what, describe).await
}

/// Runs a delete call, retrying while AWS says another object still depends on this one, for
/// the resource's `timeouts.delete` (else `default`).
pub(crate) async fn delete_retrying<F, Fut>(
    ctx: &Ctx,
    prior: &J,
    default: Duration,
    what: &str,
    op: F,
) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let b = Backoff::within(timeout(prior, "delete", default));
    retry_on(&ctx.stop, b, what, Error::is_dependency_violation, op).await
}

/// Runs a call that names objects created moments ago, retrying while EC2 says they do not
/// exist yet (eventual consistency between objects).
pub(crate) async fn retry_not_found<T, F, Fut>(ctx: &Ctx, what: &str, op: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    retry_on(
        &ctx.stop,
        Backoff::within(Duration::from_secs(30)),
        what,
        Error::is_not_found,
        op,
    )
    .await
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn tag_specs_carry_the_intent() {
        let ts = tag_spec(
            ResourceType::Vpc,
            &json!({"tags_all": {"Name": "a"}}),
            Some("m"),
        )
        .unwrap();
        let m = tag_map(ts.tags());
        assert_eq!(m.get("Name").map(String::as_str), Some("a"));
        assert_eq!(m.get(INTENT_TAG).map(String::as_str), Some("m"));
        assert!(tag_spec(ResourceType::Vpc, &json!({"tags_all": {}}), None).is_none());
    }

    #[test]
    fn partitions() {
        assert_eq!(partition("eu-west-1"), "aws");
        assert_eq!(partition("cn-north-1"), "aws-cn");
        assert_eq!(partition("us-gov-west-1"), "aws-us-gov");
    }
}
