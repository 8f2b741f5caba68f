//! `aws_vpc_security_group_ingress_rule`: one inbound rule of a VPC security group, as its own
//! object (`sgr-…`), with a description and tags of its own.
//!
//! ```hcl
//! resource "aws_vpc_security_group_ingress_rule" "https" {
//!   security_group_id = aws_security_group.web.id
//!   cidr_ipv4         = "0.0.0.0/0"
//!   from_port         = 443
//!   to_port           = 443
//!   ip_protocol       = "tcp"
//!   description       = "HTTPS from anywhere"
//!   tags = { Name = "https" }
//! }
//! ```
//!
//! Arguments: `security_group_id` and `ip_protocol` (required; a name such as `tcp`, a number, or
//! `-1` for every protocol); exactly one source, `cidr_ipv4`, `cidr_ipv6`, `prefix_list_id` or
//! `referenced_security_group_id` (`sg-…`, or `ACCOUNT/sg-…` for a group of another account);
//! `from_port` and `to_port` (the port range, or the ICMP type and code; not set when
//! `ip_protocol = "-1"`); `description`; `tags`. Computed: `id` and `security_group_rule_id`
//! (both the rule id, `sgr-…`), `arn`, `tags_all`.
//!
//! Leave the group's inline `ingress` blocks out when its rules are managed with this resource
//! (a group without them leaves its rules alone).
//!
//! Replacement: a change to `security_group_id`. Every other argument changes in place
//! (ModifySecurityGroupRules keeps the rule id), tags too.
//!
//! Import: by rule id,
//! `infra import aws_vpc_security_group_ingress_rule.https sgr-0123456789abcdef0`.
//!
//! The rule carries the `infra:intent` tag from its creation (AuthorizeSecurityGroupIngress with
//! `TagSpecifications`), so a create interrupted by a crash is found again.

use super::vpc_security_group_rule::VpcSecurityGroupRule;

/// The resource type.
pub(crate) fn resource() -> VpcSecurityGroupRule {
    VpcSecurityGroupRule::INGRESS
}
