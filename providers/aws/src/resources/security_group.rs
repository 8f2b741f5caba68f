//! `aws_security_group`: a VPC security group, optionally with inline `ingress`/`egress` rules.
//!
//! ```hcl
//! resource "aws_security_group" "web" {
//!   name        = "web"
//!   description = "Web servers"
//!   vpc_id      = aws_vpc.main.id
//!   ingress {
//!     from_port   = 443
//!     to_port     = 443
//!     protocol    = "tcp"
//!     cidr_blocks = ["0.0.0.0/0"]
//!   }
//!   egress {
//!     from_port   = 0
//!     to_port     = 0
//!     protocol    = "-1"
//!     cidr_blocks = ["0.0.0.0/0"]
//!   }
//!   tags = { Name = "web" }
//! }
//! ```
//!
//! Arguments: `name` (else generated, `terraform-…`, or from `name_prefix`), `description`
//! (`Managed by Terraform`), `vpc_id`, `ingress` and `egress` blocks (`from_port`, `to_port`,
//! `protocol`, `cidr_blocks`, `ipv6_cidr_blocks`, `prefix_list_ids`, `security_groups`, `self`,
//! `description`), `revoke_rules_on_delete` (`false`), `tags`. Computed: `id`, `arn`, `owner_id`,
//! `tags_all`.
//!
//! Rules: as in Terraform, the default allow-all egress rule AWS adds is removed at create, and a
//! group without `ingress` (or `egress`) blocks leaves those rules alone, so they can be managed
//! with rule resources; with blocks, exactly those rules are kept. Rules are planned and stored in
//! one canonical form (see `security_group_rules`), so the plan may group rules that the
//! configuration writes separately.
//!
//! Replacement: a change to `name`, `name_prefix`, `description` or `vpc_id`. Rules and tags
//! change in place.
//!
//! Import: by group id, `infra import aws_security_group.web sg-0123456789abcdef0`.
//!
//! Delete (after revoking every rule when `revoke_rules_on_delete` is set) waits out
//! `DependencyViolation` (instances, interfaces, other groups' rules) for `timeouts.delete`
//! (default 15m).

use std::collections::BTreeSet;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_ec2::types::ResourceType;
use infra_core::{Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, Nesting, ResourceSchema};
use serde_json::{json, Value as J};

use super::security_group_rules::{
    canonical, grants_of_permissions, grants_of_rules, permissions, rules_of_grants, Grant,
};
use super::{computed_s, nested, with_id_and_tags, with_timeouts};
use crate::ec2::{
    arn, delete_retrying, intent_filter, retry_not_found, state_tags_of, tag_spec, update_tags,
    wait_visible,
};
use crate::error::{none_if_not_found, Error, Result};
use crate::framework::{Attrs, AwsResource, Created, Ctx};
use crate::values::{blocks_at, bool_at, req_str, str_at, unique_suffix};

pub(crate) struct SecurityGroup;

const DELETE_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// Which rules: inbound or outbound.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    const BOTH: [Direction; 2] = [Direction::Ingress, Direction::Egress];

    fn attr(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }
}

fn rule_schema() -> BlockSchema {
    let list = || AttributeSchema::optional(Type::list(Type::String));
    BlockSchema::default()
        .attr("from_port", AttributeSchema::required(Type::Number))
        .attr("to_port", AttributeSchema::required(Type::Number))
        .attr("protocol", AttributeSchema::required(Type::String))
        .attr("cidr_blocks", list())
        .attr("ipv6_cidr_blocks", list())
        .attr("prefix_list_ids", list())
        .attr(
            "security_groups",
            AttributeSchema::optional(Type::set(Type::String)),
        )
        .attr("self", AttributeSchema::optional(Type::Bool))
        .attr("description", AttributeSchema::optional(Type::String))
}

#[async_trait]
impl AwsResource for SecurityGroup {
    fn type_name(&self) -> &'static str {
        "aws_security_group"
    }

    fn schema(&self) -> ResourceSchema {
        let block = BlockSchema::default()
            .attr(
                "name",
                AttributeSchema::optional_computed(Type::String).force_new(),
            )
            .attr(
                "name_prefix",
                AttributeSchema::optional_computed(Type::String).force_new(),
            )
            .attr(
                "description",
                AttributeSchema::optional_computed(Type::String).force_new(),
            )
            .attr(
                "vpc_id",
                AttributeSchema::optional_computed(Type::String).force_new(),
            )
            .attr(
                "revoke_rules_on_delete",
                AttributeSchema::optional_computed(Type::Bool),
            )
            .attr("arn", computed_s())
            .attr("owner_id", computed_s())
            .block("ingress", nested(Nesting::Set, rule_schema(), 0, 0))
            .block("egress", nested(Nesting::Set, rule_schema(), 0, 0));
        ResourceSchema {
            version: 0,
            block: with_timeouts(with_id_and_tags(block), &["create", "delete"]),
        }
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("description", Value::string("Managed by Terraform")),
            ("revoke_rules_on_delete", Value::Bool(false)),
        ]
    }

    fn adjust_plan(&self, proposed: &mut Attrs, prior: Option<&Attrs>, config: &Attrs) {
        let ty = Type::set(rule_schema().value_type());
        for d in Direction::BOTH {
            let name = d.attr();
            if config.get(name).and_then(Value::length) == Some(0) {
                // No blocks: these rules are not managed here (created empty: see `create`).
                if let Some(p) = prior.and_then(|p| p.get(name)) {
                    proposed.insert(name.into(), p.clone());
                }
                continue;
            }
            let Some(v) = proposed.get(name).filter(|v| v.is_wholly_known()) else {
                continue;
            };
            let rules = canonical(v.to_json().as_array().map_or(&[][..], Vec::as_slice));
            if let Some(c) = Value::from_json(&J::Array(rules), &ty) {
                proposed.insert(name.into(), c);
            }
        }
    }

    async fn create(&self, ctx: &Ctx, planned: &J, intent: Option<&str>) -> Result<J> {
        let name = match (str_at(planned, "name"), str_at(planned, "name_prefix")) {
            (Some(n), _) => n.to_string(),
            (None, Some(prefix)) => format!("{prefix}{}", unique_suffix()),
            (None, None) => format!("terraform-{}", unique_suffix()),
        };
        let out = retry_not_found(ctx, "creating the security group", || async {
            ctx.ec2()
                .create_security_group()
                .group_name(&name)
                .description(str_at(planned, "description").unwrap_or("Managed by Terraform"))
                .set_vpc_id(str_at(planned, "vpc_id").map(str::to_string))
                .set_tag_specifications(
                    tag_spec(ResourceType::SecurityGroup, planned, intent).map(|t| vec![t]),
                )
                .send()
                .await
                .map_err(|e| Error::sdk("CreateSecurityGroup", e))
        })
        .await?;
        let id = out
            .group_id()
            .ok_or_else(|| Error::bug("CreateSecurityGroup returned no id."))?
            .to_string();
        let finish = async {
            let group = wait_visible(
                ctx,
                planned,
                "the new security group to become visible",
                || describe(ctx, &id),
            )
            .await?;
            // AWS adds an allow-all egress rule to VPC groups; Terraform removes it, and so does infra.
            let default_egress = grants_of_permissions(group.ip_permissions_egress(), &id);
            revoke(ctx, &id, Direction::Egress, &default_egress).await?;
            for d in Direction::BOTH {
                authorize(ctx, &id, d, &grants_of_rules(blocks_at(planned, d.attr()))).await?;
            }
            let mut state = read(ctx, &id, planned)
                .await?
                .ok_or_else(|| Error::bug("The new security group disappeared."))?;
            state["name_prefix"] = planned.get("name_prefix").cloned().unwrap_or(J::Null);
            Ok(state)
        };
        finish.await.map_err(Error::after_create(&id))
    }

    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J> {
        let id = req_str(prior, "id")?;
        for d in Direction::BOTH {
            let old = grants_of_rules(blocks_at(prior, d.attr()));
            let new = grants_of_rules(blocks_at(planned, d.attr()));
            // Revoke first: AWS refuses a grant that differs from an existing one only in its description.
            revoke(ctx, id, d, &old.difference(&new).cloned().collect()).await?;
            authorize(ctx, id, d, &new.difference(&old).cloned().collect()).await?;
        }
        update_tags(ctx, id, prior, planned).await?;
        read(ctx, id, planned)
            .await?
            .ok_or_else(|| Error::bug("The security group disappeared during update."))
    }

    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()> {
        let id = req_str(prior, "id")?;
        if bool_at(prior, "revoke_rules_on_delete") == Some(true) {
            if let Some(g) = describe(ctx, id).await? {
                revoke(
                    ctx,
                    id,
                    Direction::Ingress,
                    &grants_of_permissions(g.ip_permissions(), id),
                )
                .await?;
                revoke(
                    ctx,
                    id,
                    Direction::Egress,
                    &grants_of_permissions(g.ip_permissions_egress(), id),
                )
                .await?;
            }
        }
        delete_retrying(
            ctx,
            prior,
            DELETE_TIMEOUT,
            "deleting the security group",
            || async {
                ctx.ec2()
                    .delete_security_group()
                    .group_id(id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| Error::sdk("DeleteSecurityGroup", e))
            },
        )
        .await
    }

    async fn read(&self, ctx: &Ctx, prior: &J) -> Result<Option<J>> {
        read(ctx, req_str(prior, "id")?, prior).await
    }

    /// The group an interrupted create made, with its create finished: the create may have
    /// stopped before removing AWS's default egress rule or adding the inline rules. Nothing
    /// else can have touched the group yet (what refers to it waits for the create to be
    /// recorded), so its rules become exactly the planned inline ones.
    async fn find_created(&self, ctx: &Ctx, q: &Created<'_>) -> Result<Option<J>> {
        let Some(found) = self.find_by_intent(ctx, q.marker).await? else {
            return Ok(None);
        };
        if q.planned.is_null() {
            return Ok(Some(found));
        }
        let id = req_str(&found, "id")?.to_string();
        let group = describe(ctx, &id)
            .await?
            .ok_or_else(|| Error::bug("The security group found by its intent disappeared."))?;
        for d in Direction::BOTH {
            let have = match d {
                Direction::Ingress => grants_of_permissions(group.ip_permissions(), &id),
                Direction::Egress => grants_of_permissions(group.ip_permissions_egress(), &id),
            };
            let want = grants_of_rules(blocks_at(&q.planned, d.attr()));
            revoke(ctx, &id, d, &have.difference(&want).cloned().collect()).await?;
            authorize(ctx, &id, d, &want.difference(&have).cloned().collect()).await?;
        }
        read(ctx, &id, &q.planned).await
    }

    async fn find_by_intent(&self, ctx: &Ctx, marker: &str) -> Result<Option<J>> {
        let out = ctx
            .ec2()
            .describe_security_groups()
            .filters(intent_filter(marker))
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeSecurityGroups", e))?;
        match out.security_groups().first().and_then(|g| g.group_id()) {
            Some(id) => read(ctx, id, &J::Null).await,
            None => Ok(None),
        }
    }
}

async fn authorize(ctx: &Ctx, id: &str, d: Direction, grants: &BTreeSet<Grant>) -> Result<()> {
    if grants.is_empty() {
        return Ok(());
    }
    let perms = Some(permissions(grants, id));
    // A rule may name a group created a moment ago.
    retry_not_found(ctx, "authorizing security group rules", || async {
        match d {
            Direction::Ingress => ctx
                .ec2()
                .authorize_security_group_ingress()
                .group_id(id)
                .set_ip_permissions(perms.clone())
                .send()
                .await
                .map(|_| ())
                .map_err(|e| Error::sdk("AuthorizeSecurityGroupIngress", e)),
            Direction::Egress => ctx
                .ec2()
                .authorize_security_group_egress()
                .group_id(id)
                .set_ip_permissions(perms.clone())
                .send()
                .await
                .map(|_| ())
                .map_err(|e| Error::sdk("AuthorizeSecurityGroupEgress", e)),
        }
    })
    .await
}

async fn revoke(ctx: &Ctx, id: &str, d: Direction, grants: &BTreeSet<Grant>) -> Result<()> {
    if grants.is_empty() {
        return Ok(());
    }
    let perms = Some(permissions(grants, id));
    let r = match d {
        Direction::Ingress => ctx
            .ec2()
            .revoke_security_group_ingress()
            .group_id(id)
            .set_ip_permissions(perms)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| Error::sdk("RevokeSecurityGroupIngress", e)),
        Direction::Egress => ctx
            .ec2()
            .revoke_security_group_egress()
            .group_id(id)
            .set_ip_permissions(perms)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| Error::sdk("RevokeSecurityGroupEgress", e)),
    };
    match r {
        // Already gone: what revoking wanted.
        Err(e) if e.code() == Some("InvalidPermission.NotFound") => Ok(()),
        r => r,
    }
}

async fn describe(ctx: &Ctx, id: &str) -> Result<Option<aws_sdk_ec2::types::SecurityGroup>> {
    Ok(none_if_not_found(
        ctx.ec2()
            .describe_security_groups()
            .group_ids(id)
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeSecurityGroups", e)),
    )?
    .and_then(|out| out.security_groups().first().cloned()))
}

async fn read(ctx: &Ctx, id: &str, prior: &J) -> Result<Option<J>> {
    let Some(g) = describe(ctx, id).await? else {
        return Ok(None);
    };
    let (tags, tags_all) = state_tags_of(ctx, g.tags(), prior);
    let arn = g.security_group_arn().map_or_else(
        || arn(ctx, g.owner_id(), &format!("security-group/{id}")),
        str::to_string,
    );
    Ok(Some(json!({
        "id": id,
        "arn": arn,
        "name": g.group_name(),
        "name_prefix": prior.get("name_prefix").cloned().unwrap_or(J::Null),
        "description": g.description(),
        "vpc_id": g.vpc_id(),
        "owner_id": g.owner_id(),
        "revoke_rules_on_delete": bool_at(prior, "revoke_rules_on_delete").unwrap_or(false),
        "ingress": rules_of_grants(&grants_of_permissions(g.ip_permissions(), id)),
        "egress": rules_of_grants(&grants_of_permissions(g.ip_permissions_egress(), id)),
        "tags": tags,
        "tags_all": tags_all,
    })))
}
