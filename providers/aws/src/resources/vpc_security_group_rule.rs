//! What `aws_vpc_security_group_ingress_rule` and `aws_vpc_security_group_egress_rule` share:
//! one security group rule (`sgr-…`) as its own object, on the rule-id APIs
//! (AuthorizeSecurityGroupIngress/Egress with `TagSpecifications`, DescribeSecurityGroupRules,
//! ModifySecurityGroupRules, RevokeSecurityGroupIngress/Egress by rule id).
//!
//! The two resource types differ only in direction; see their files for the documentation.
//! As in Terraform, `ip_protocol` is kept as written when AWS reports the same protocol another
//! way (`6` and `tcp`, `all` and `-1`), and `from_port`/`to_port` are null for `ip_protocol = "-1"`
//! (AWS reports -1 for them).

use async_trait::async_trait;
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType, SecurityGroupRule,
    SecurityGroupRuleRequest, SecurityGroupRuleUpdate, UserIdGroupPair,
};
use infra_core::{Diagnostic, Diagnostics, Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, ResourceSchema};
use serde_json::{json, Value as J};

use super::security_group_rules::protocol;
use super::{computed_s, s, with_id_and_tags};
use crate::ec2::{
    arn, intent_filter, retry_not_found, state_tags_of, tag_spec, update_tags, wait_visible,
};
use crate::error::{Error, Result};
use crate::framework::{Attrs, AwsResource, Ctx};
use crate::values::{i64_at, opt, req_str, str_at};

/// The arguments that name what the rule allows traffic from (ingress) or to (egress); exactly
/// one is set.
const SOURCES: [&str; 4] = [
    "cidr_ipv4",
    "cidr_ipv6",
    "prefix_list_id",
    "referenced_security_group_id",
];

/// The arguments ModifySecurityGroupRules changes in place.
const RULE_ARGS: [&str; 8] = [
    "ip_protocol",
    "from_port",
    "to_port",
    "cidr_ipv4",
    "cidr_ipv6",
    "prefix_list_id",
    "referenced_security_group_id",
    "description",
];

/// A security group rule resource of one direction.
pub(crate) struct VpcSecurityGroupRule {
    egress: bool,
}

impl VpcSecurityGroupRule {
    pub(crate) const INGRESS: VpcSecurityGroupRule = VpcSecurityGroupRule { egress: false };
    pub(crate) const EGRESS: VpcSecurityGroupRule = VpcSecurityGroupRule { egress: true };
}

#[async_trait]
impl AwsResource for VpcSecurityGroupRule {
    fn type_name(&self) -> &'static str {
        if self.egress {
            "aws_vpc_security_group_egress_rule"
        } else {
            "aws_vpc_security_group_ingress_rule"
        }
    }

    fn schema(&self) -> ResourceSchema {
        let mut block = BlockSchema::default()
            .attr(
                "security_group_id",
                AttributeSchema::required(Type::String).force_new(),
            )
            .attr(
                "ip_protocol",
                AttributeSchema::required(Type::String)
                    .describe("The protocol: a name (`tcp`), a number (`6`), or `-1` for all."),
            )
            .attr("from_port", AttributeSchema::optional(Type::Number))
            .attr("to_port", AttributeSchema::optional(Type::Number))
            .attr("description", s())
            .attr("arn", computed_s())
            .attr("security_group_rule_id", computed_s());
        for a in SOURCES {
            block = block.attr(a, s());
        }
        ResourceSchema {
            version: 0,
            block: with_id_and_tags(block),
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let Some(m) = config.entries() else {
            return diags;
        };
        let get = |n: &str| m.get(n).filter(|v| !v.is_null());
        if SOURCES.iter().all(|n| m.get(n).is_none_or(Value::is_known)) {
            let set = SOURCES.iter().filter(|n| get(n).is_some()).count();
            if set != 1 {
                diags.push(Diagnostic::error(
                    "Invalid combination of arguments",
                    format!(
                        "Exactly one of `cidr_ipv4`, `cidr_ipv6`, `prefix_list_id` or `referenced_security_group_id` \
                         must be set ({set} are): a rule allows traffic {} one source.",
                        if self.egress { "to" } else { "from" }
                    ),
                ));
            }
        }
        let all = get("ip_protocol")
            .and_then(Value::as_str)
            .is_some_and(|p| protocol(p) == "-1");
        if all && (get("from_port").is_some() || get("to_port").is_some()) {
            diags.push(Diagnostic::error(
                "Invalid combination of arguments",
                "`from_port` and `to_port` must not be set when `ip_protocol` is \"-1\" (all protocols): \
                 such a rule covers every port.",
            ));
        }
        diags
    }

    fn adjust_plan(&self, proposed: &mut Attrs, prior: Option<&Attrs>, _config: &Attrs) {
        // The same protocol written another way (`6` for `tcp`) is no change.
        let name = |m: Option<&Attrs>| {
            m.and_then(|m| m.get("ip_protocol"))
                .and_then(Value::as_str)
                .map(protocol)
        };
        if prior.is_some() && name(prior) == name(Some(proposed)) {
            if let Some(p) = prior.and_then(|p| p.get("ip_protocol")) {
                proposed.insert("ip_protocol".into(), p.clone());
            }
        }
    }

    async fn create(&self, ctx: &Ctx, planned: &J, intent: Option<&str>) -> Result<J> {
        let group = req_str(planned, "security_group_id")?;
        let perm = permission(planned)?;
        let spec = tag_spec(ResourceType::SecurityGroupRule, planned, intent).map(|t| vec![t]);
        // The group (or a referenced one) may have been created a moment ago.
        let rules = retry_not_found(ctx, "authorizing the security group rule", || async {
            if self.egress {
                ctx.ec2()
                    .authorize_security_group_egress()
                    .group_id(group)
                    .ip_permissions(perm.clone())
                    .set_tag_specifications(spec.clone())
                    .send()
                    .await
                    .map(|o| o.security_group_rules().to_vec())
                    .map_err(|e| Error::sdk("AuthorizeSecurityGroupEgress", e))
            } else {
                ctx.ec2()
                    .authorize_security_group_ingress()
                    .group_id(group)
                    .ip_permissions(perm.clone())
                    .set_tag_specifications(spec.clone())
                    .send()
                    .await
                    .map(|o| o.security_group_rules().to_vec())
                    .map_err(|e| Error::sdk("AuthorizeSecurityGroupIngress", e))
            }
        })
        .await?;
        let id = rules
            .first()
            .and_then(SecurityGroupRule::security_group_rule_id)
            .ok_or_else(|| Error::bug("AuthorizeSecurityGroup returned no rule id."))?
            .to_string();
        wait_visible(
            ctx,
            planned,
            "the new security group rule to become visible",
            || read(ctx, self.egress, &id, planned),
        )
        .await
        .map_err(Error::after_create(&id))
    }

    async fn update(&self, ctx: &Ctx, prior: &J, planned: &J) -> Result<J> {
        let id = req_str(prior, "id")?;
        if RULE_ARGS.iter().any(|a| prior.get(*a) != planned.get(*a)) {
            let group = req_str(prior, "security_group_id")?;
            ctx.ec2()
                .modify_security_group_rules()
                .group_id(group)
                .security_group_rules(
                    SecurityGroupRuleUpdate::builder()
                        .security_group_rule_id(id)
                        .security_group_rule(rule_request(planned)?)
                        .build(),
                )
                .send()
                .await
                .map_err(|e| Error::sdk("ModifySecurityGroupRules", e))?;
        }
        update_tags(ctx, id, prior, planned).await?;
        read(ctx, self.egress, id, planned)
            .await?
            .ok_or_else(|| Error::bug("The security group rule disappeared during update."))
    }

    async fn delete(&self, ctx: &Ctx, prior: &J) -> Result<()> {
        let id = req_str(prior, "id")?;
        let group = req_str(prior, "security_group_id")?;
        // Not found (the rule or its whole group gone) is done: the framework says so.
        if self.egress {
            ctx.ec2()
                .revoke_security_group_egress()
                .group_id(group)
                .security_group_rule_ids(id)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| Error::sdk("RevokeSecurityGroupEgress", e))
        } else {
            ctx.ec2()
                .revoke_security_group_ingress()
                .group_id(group)
                .security_group_rule_ids(id)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| Error::sdk("RevokeSecurityGroupIngress", e))
        }
    }

    async fn read(&self, ctx: &Ctx, prior: &J) -> Result<Option<J>> {
        read(ctx, self.egress, req_str(prior, "id")?, prior).await
    }

    async fn find_by_intent(&self, ctx: &Ctx, marker: &str) -> Result<Option<J>> {
        let out = ctx
            .ec2()
            .describe_security_group_rules()
            .filters(intent_filter(marker))
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeSecurityGroupRules", e))?;
        let found = out
            .security_group_rules()
            .iter()
            .filter(|r| r.is_egress() == Some(self.egress))
            .find_map(SecurityGroupRule::security_group_rule_id);
        match found {
            Some(id) => read(ctx, self.egress, id, &J::Null).await,
            None => Ok(None),
        }
    }
}

/// A referenced group as the API takes it: `sg-…`, or `ACCOUNT/sg-…` in another account.
fn referenced(r: &str) -> (Option<&str>, &str) {
    match r.split_once('/') {
        Some((user, group)) => (Some(user), group),
        None => (None, r),
    }
}

/// A port argument as the API takes it.
fn port(j: &J, name: &str) -> Result<Option<i32>> {
    i64_at(j, name)
        .map(|p| {
            i32::try_from(p).map_err(|_| {
                Error::invalid(
                    "Invalid port",
                    format!("`{name}` = {p} is not a port, an ICMP type or code, or -1."),
                )
            })
        })
        .transpose()
}

/// The permission that authorizes the rule `r`.
fn permission(r: &J) -> Result<IpPermission> {
    let d = str_at(r, "description").map(str::to_string);
    let p = IpPermission::builder()
        .ip_protocol(req_str(r, "ip_protocol")?)
        .set_from_port(port(r, "from_port")?)
        .set_to_port(port(r, "to_port")?);
    let p = if let Some(c) = str_at(r, "cidr_ipv4") {
        p.ip_ranges(IpRange::builder().cidr_ip(c).set_description(d).build())
    } else if let Some(c) = str_at(r, "cidr_ipv6") {
        p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(c).set_description(d).build())
    } else if let Some(c) = str_at(r, "prefix_list_id") {
        p.prefix_list_ids(
            PrefixListId::builder()
                .prefix_list_id(c)
                .set_description(d)
                .build(),
        )
    } else if let Some(g) = str_at(r, "referenced_security_group_id") {
        let (user, group) = referenced(g);
        p.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(group)
                .set_user_id(user.map(str::to_string))
                .set_description(d)
                .build(),
        )
    } else {
        return Err(Error::bug(
            "The security group rule has no source at apply time.",
        ));
    };
    Ok(p.build())
}

/// The rule `r` as ModifySecurityGroupRules takes it.
fn rule_request(r: &J) -> Result<SecurityGroupRuleRequest> {
    let proto = req_str(r, "ip_protocol")?;
    // A rule for every protocol covers every port: AWS writes that -1 to -1.
    let all = (protocol(proto) == "-1").then_some(-1);
    Ok(SecurityGroupRuleRequest::builder()
        .ip_protocol(proto)
        .set_from_port(port(r, "from_port")?.or(all))
        .set_to_port(port(r, "to_port")?.or(all))
        .set_cidr_ipv4(str_at(r, "cidr_ipv4").map(str::to_string))
        .set_cidr_ipv6(str_at(r, "cidr_ipv6").map(str::to_string))
        .set_prefix_list_id(str_at(r, "prefix_list_id").map(str::to_string))
        .set_referenced_group_id(
            str_at(r, "referenced_security_group_id").map(|g| referenced(g).1.to_string()),
        )
        // An empty description removes the one the rule had.
        .description(str_at(r, "description").unwrap_or_default())
        .build())
}

/// The rule `id` as state; `None` when it (or its group) is gone, or it is a rule of the other
/// direction.
async fn read(ctx: &Ctx, egress: bool, id: &str, prior: &J) -> Result<Option<J>> {
    let out = match ctx
        .ec2()
        .describe_security_group_rules()
        .security_group_rule_ids(id)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => match Error::sdk("DescribeSecurityGroupRules", e) {
            e if e.is_not_found() => return Ok(None),
            e => return Err(e),
        },
    };
    let Some(r) = out
        .security_group_rules()
        .iter()
        .find(|r| r.security_group_rule_id() == Some(id))
    else {
        return Ok(None);
    };
    if r.is_egress().unwrap_or(false) != egress {
        return Ok(None);
    }
    let (tags, tags_all) = state_tags_of(ctx, r.tags(), prior);
    let aws_proto = r.ip_protocol().unwrap_or("-1");
    // Kept as written when it is the same protocol (`6` for `tcp`).
    let ip_protocol = str_at(prior, "ip_protocol")
        .filter(|p| protocol(p) == protocol(aws_proto))
        .unwrap_or(aws_proto);
    let all = protocol(aws_proto) == "-1";
    let port = |p: Option<i32>| if all { J::Null } else { json!(p) };
    let referenced = r.referenced_group_info().and_then(|g| {
        let group = g.group_id()?;
        Some(match (g.user_id(), r.group_owner_id()) {
            (Some(user), Some(owner)) if user != owner => format!("{user}/{group}"),
            // Same account: as the configuration wrote it (with or without the account).
            (Some(user), _)
                if str_at(prior, "referenced_security_group_id")
                    == Some(&format!("{user}/{group}")) =>
            {
                format!("{user}/{group}")
            }
            _ => group.to_string(),
        })
    });
    let arn = r.security_group_rule_arn().map_or_else(
        || {
            arn(
                ctx,
                r.group_owner_id(),
                &format!("security-group-rule/{id}"),
            )
        },
        str::to_string,
    );
    Ok(Some(json!({
        "id": id,
        "security_group_rule_id": id,
        "arn": arn,
        "security_group_id": r.group_id(),
        "ip_protocol": ip_protocol,
        "from_port": port(r.from_port()),
        "to_port": port(r.to_port()),
        "cidr_ipv4": opt(r.cidr_ipv4()),
        "cidr_ipv6": opt(r.cidr_ipv6()),
        "prefix_list_id": opt(r.prefix_list_id()),
        "referenced_security_group_id": referenced,
        "description": opt(r.description()),
        "tags": tags,
        "tags_all": tags_all,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_carry_one_source_and_the_description() {
        let p = permission(
            &json!({"ip_protocol": "tcp", "from_port": 443, "to_port": 443,
            "cidr_ipv4": "10.0.0.0/8", "description": "https"}),
        )
        .unwrap();
        assert_eq!(p.from_port(), Some(443));
        assert_eq!(p.ip_ranges()[0].description(), Some("https"));
        let p = permission(
            &json!({"ip_protocol": "-1", "referenced_security_group_id": "123456789012/sg-1"}),
        )
        .unwrap();
        assert_eq!(p.from_port(), None);
        let pair = &p.user_id_group_pairs()[0];
        assert_eq!(
            (pair.user_id(), pair.group_id()),
            (Some("123456789012"), Some("sg-1"))
        );
        assert!(permission(&json!({"ip_protocol": "tcp"})).is_err());
        assert!(permission(
            &json!({"ip_protocol": "tcp", "from_port": 1_i64 << 40, "cidr_ipv4": "0.0.0.0/0"})
        )
        .is_err());
    }

    #[test]
    fn modify_requests_give_all_protocols_every_port() {
        let r = rule_request(&json!({"ip_protocol": "all", "cidr_ipv6": "::/0"})).unwrap();
        assert_eq!((r.from_port(), r.to_port()), (Some(-1), Some(-1)));
        assert_eq!(r.description(), Some(""));
        let r = rule_request(&json!({"ip_protocol": "icmp", "from_port": 8, "to_port": 0,
            "referenced_security_group_id": "1/sg-2"}))
        .unwrap();
        assert_eq!((r.from_port(), r.to_port()), (Some(8), Some(0)));
        assert_eq!(r.referenced_group_id(), Some("sg-2"));
    }
}
