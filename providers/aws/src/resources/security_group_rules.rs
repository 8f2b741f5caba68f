//! The inline `ingress`/`egress` rules of `aws_security_group`, in one canonical form.
//!
//! AWS stores a security group's rules as grants: one (protocol, ports, source, description) each,
//! grouped by protocol and ports. A configuration may split or group the same grants in many ways,
//! so both the plan and the state use one canonical form: one rule block per (protocol, ports,
//! description), with its sources sorted, empty source lists as null, `self` as a bool, the
//! protocol by name (`tcp`, not `6`; `-1` for all) and ports 0 for protocol `-1`. A plan made from
//! the configuration and a state read from AWS then compare equal exactly when the grants are the
//! same, and an update is the difference of two grant sets.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, PrefixListId, UserIdGroupPair};
use serde_json::{json, Value as J};

use crate::values::{bool_at, i64_at, str_at, strings_at};

/// Where a grant lets traffic come from (ingress) or go to (egress).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Source {
    Cidr(String),
    Ipv6(String),
    PrefixList(String),
    Group(String),
    /// The security group itself.
    Itself,
}

/// One grant, as AWS stores it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Grant {
    pub protocol: String,
    pub from: i64,
    pub to: i64,
    pub description: Option<String>,
    pub source: Source,
}

/// A protocol by name, as AWS reports it (`6` → `tcp`, `all` → `-1`).
pub(crate) fn protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "-1" | "all" => "-1".into(),
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "58" => "icmpv6".into(),
        other => other.into(),
    }
}

/// The grants of rule blocks (configured or canonical).
pub(crate) fn grants_of_rules(rules: &[J]) -> BTreeSet<Grant> {
    let mut out = BTreeSet::new();
    for r in rules {
        let proto = protocol(str_at(r, "protocol").unwrap_or("-1"));
        let all = proto == "-1";
        let (from, to) = if all {
            (0, 0)
        } else {
            (
                i64_at(r, "from_port").unwrap_or(0),
                i64_at(r, "to_port").unwrap_or(0),
            )
        };
        let description = str_at(r, "description")
            .filter(|d| !d.is_empty())
            .map(str::to_string);
        let grant = |source| Grant {
            protocol: proto.clone(),
            from,
            to,
            description: description.clone(),
            source,
        };
        out.extend(
            strings_at(r, "cidr_blocks")
                .into_iter()
                .map(|c| grant(Source::Cidr(c))),
        );
        out.extend(
            strings_at(r, "ipv6_cidr_blocks")
                .into_iter()
                .map(|c| grant(Source::Ipv6(c))),
        );
        out.extend(
            strings_at(r, "prefix_list_ids")
                .into_iter()
                .map(|c| grant(Source::PrefixList(c))),
        );
        out.extend(
            strings_at(r, "security_groups")
                .into_iter()
                .map(|c| grant(Source::Group(c))),
        );
        if bool_at(r, "self") == Some(true) {
            out.insert(grant(Source::Itself));
        }
    }
    out
}

/// Canonical rule blocks for a set of grants.
pub(crate) fn rules_of_grants(grants: &BTreeSet<Grant>) -> Vec<J> {
    type Key = (String, i64, i64, Option<String>);
    let mut groups: BTreeMap<Key, Vec<&Source>> = BTreeMap::new();
    for g in grants {
        groups
            .entry((g.protocol.clone(), g.from, g.to, g.description.clone()))
            .or_default()
            .push(&g.source);
    }
    groups
        .into_iter()
        .map(|((protocol, from, to, description), sources)| {
            let pick = |f: fn(&Source) -> Option<&String>| {
                let v: BTreeSet<&String> = sources.iter().filter_map(|s| f(s)).collect();
                if v.is_empty() {
                    J::Null
                } else {
                    json!(v)
                }
            };
            json!({
                "protocol": protocol,
                "from_port": from,
                "to_port": to,
                "description": description,
                "cidr_blocks": pick(|s| if let Source::Cidr(c) = s { Some(c) } else { None }),
                "ipv6_cidr_blocks": pick(|s| if let Source::Ipv6(c) = s { Some(c) } else { None }),
                "prefix_list_ids": pick(|s| if let Source::PrefixList(c) = s { Some(c) } else { None }),
                "security_groups": pick(|s| if let Source::Group(c) = s { Some(c) } else { None }),
                "self": sources.iter().any(|s| matches!(s, Source::Itself)),
            })
        })
        .collect()
}

/// The canonical form of rule blocks.
pub(crate) fn canonical(rules: &[J]) -> Vec<J> {
    rules_of_grants(&grants_of_rules(rules))
}

/// The grants of AWS permissions; `own_id` is the group's id (a grant to it is `self`).
pub(crate) fn grants_of_permissions(perms: &[IpPermission], own_id: &str) -> BTreeSet<Grant> {
    let mut out = BTreeSet::new();
    for p in perms {
        let proto = protocol(p.ip_protocol().unwrap_or("-1"));
        let all = proto == "-1";
        let from = if all {
            0
        } else {
            i64::from(p.from_port().unwrap_or(0))
        };
        let to = if all {
            0
        } else {
            i64::from(p.to_port().unwrap_or(0))
        };
        let grant = |source, d: Option<&str>| Grant {
            protocol: proto.clone(),
            from,
            to,
            description: d.filter(|d| !d.is_empty()).map(str::to_string),
            source,
        };
        for r in p.ip_ranges() {
            out.extend(
                r.cidr_ip()
                    .map(|c| grant(Source::Cidr(c.into()), r.description())),
            );
        }
        for r in p.ipv6_ranges() {
            out.extend(
                r.cidr_ipv6()
                    .map(|c| grant(Source::Ipv6(c.into()), r.description())),
            );
        }
        for r in p.prefix_list_ids() {
            out.extend(
                r.prefix_list_id()
                    .map(|c| grant(Source::PrefixList(c.into()), r.description())),
            );
        }
        for r in p.user_id_group_pairs() {
            let source = match r.group_id() {
                Some(g) if g == own_id => Source::Itself,
                Some(g) => Source::Group(g.into()),
                None => continue,
            };
            out.insert(grant(source, r.description()));
        }
    }
    out
}

/// One AWS permission per grant (AWS accepts many in one call).
pub(crate) fn permissions<'a>(
    grants: impl IntoIterator<Item = &'a Grant>,
    own_id: &str,
) -> Vec<IpPermission> {
    grants
        .into_iter()
        .map(|g| {
            let d = g.description.clone();
            let p = IpPermission::builder().ip_protocol(&g.protocol);
            let p = if g.protocol == "-1" {
                p
            } else {
                p.from_port(g.from as i32).to_port(g.to as i32)
            };
            match &g.source {
                Source::Cidr(c) => {
                    p.ip_ranges(IpRange::builder().cidr_ip(c).set_description(d).build())
                }
                Source::Ipv6(c) => {
                    p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(c).set_description(d).build())
                }
                Source::PrefixList(c) => p.prefix_list_ids(
                    PrefixListId::builder()
                        .prefix_list_id(c)
                        .set_description(d)
                        .build(),
                ),
                Source::Group(c) => p.user_id_group_pairs(
                    UserIdGroupPair::builder()
                        .group_id(c)
                        .set_description(d)
                        .build(),
                ),
                Source::Itself => p.user_id_group_pairs(
                    UserIdGroupPair::builder()
                        .group_id(own_id)
                        .set_description(d)
                        .build(),
                ),
            }
            .build()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configurations_that_grant_the_same_have_one_canonical_form() {
        let split = [
            json!({"protocol": "6", "from_port": 80, "to_port": 80, "cidr_blocks": ["10.0.0.0/8"], "description": ""}),
            json!({"protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": ["0.0.0.0/0"], "self": true}),
        ];
        let merged = [
            json!({"protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": ["0.0.0.0/0", "10.0.0.0/8"], "self": true, "ipv6_cidr_blocks": []}),
        ];
        assert_eq!(canonical(&split), canonical(&merged));
        let c = canonical(&merged);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0]["ipv6_cidr_blocks"], J::Null);
        assert_eq!(c[0]["self"], J::Bool(true));
        assert_eq!(c[0]["description"], J::Null);
    }

    #[test]
    fn all_protocols_have_no_ports() {
        let c = canonical(&[
            json!({"protocol": "all", "from_port": 0, "to_port": 65535, "cidr_blocks": ["0.0.0.0/0"]}),
        ]);
        assert_eq!(c[0]["protocol"], "-1");
        assert_eq!(c[0]["to_port"], 0);
    }

    #[test]
    fn permissions_round_trip_with_self() {
        let grants = grants_of_rules(&[
            json!({"protocol": "udp", "from_port": 53, "to_port": 53, "self": true, "security_groups": ["sg-2"], "description": "dns"}),
        ]);
        let perms = permissions(&grants, "sg-1");
        assert_eq!(perms.len(), 2);
        assert_eq!(grants_of_permissions(&perms, "sg-1"), grants);
    }
}
