//! `aws_vpc_security_group_ingress_rule` and `aws_vpc_security_group_egress_rule` (see the
//! parent module for what the emulator cannot show).

use infra_core::Value;
use serde_json::{json, Value as J};

use crate::support::{at, env, s, Env};

/// A group with no inline rules, for rule resources.
async fn group(e: &Env, vpc_id: &str, name: &str) -> Value {
    e.create(
        "aws_security_group",
        &e.cfg(
            "aws_security_group",
            json!({"name": name, "vpc_id": vpc_id}),
        ),
    )
    .await
}

/// The rule `id` as AWS has it.
async fn aws_rule(e: &Env, id: &str) -> aws_sdk_ec2::types::SecurityGroupRule {
    e.ec2
        .describe_security_group_rules()
        .security_group_rule_ids(id)
        .send()
        .await
        .expect("DescribeSecurityGroupRules")
        .security_group_rules()[0]
        .clone()
}

#[tokio::test]
async fn security_group_ingress_rule_lifecycle() {
    let e = env().await;
    let t = "aws_vpc_security_group_ingress_rule";
    let vpc = e.vpc("10.31.0.0/16").await;
    let vpc_id = s(&vpc, "id");
    let sg = group(&e, &vpc_id, "web").await;
    let sg_id = s(&sg, "id");
    let peer = group(&e, &vpc_id, "peer").await;

    let https = json!({"security_group_id": sg_id, "cidr_ipv4": "10.0.0.0/8", "from_port": 443,
        "to_port": 443, "ip_protocol": "tcp", "description": "https", "tags": {"Name": "https"}});
    let cfg = e.cfg(t, https.clone());
    let rule = e.create_with_intent(t, &cfg, "sgr-intent-in").await;
    let id = s(&rule, "id");
    assert!(id.starts_with("sgr-"), "{id}");
    assert_eq!(s(&rule, "security_group_rule_id"), id);
    assert!(s(&rule, "arn").ends_with(&format!(":security-group-rule/{id}")));
    assert_eq!(at(&rule, "from_port"), 443);
    assert_eq!(at(&rule, "description"), "https");
    assert_eq!(at(&rule, "tags_all"), json!({"Name": "https"}));
    let aws = aws_rule(&e, &id).await;
    assert_eq!(aws.is_egress(), Some(false));
    assert_eq!(aws.group_id(), Some(sg_id.as_str()));
    assert_eq!(aws.cidr_ipv4(), Some("10.0.0.0/8"));
    // The intent tag is on the rule from its creation, and in neither tags nor tags_all.
    assert_eq!(
        e.ec2_tags(&id)
            .await
            .get(infra_aws::INTENT_TAG)
            .map(String::as_str),
        Some("sgr-intent-in")
    );
    e.assert_unchanged(t, &rule).await;
    e.assert_no_op(t, &rule, &cfg).await;
    // The same protocol by number is no change.
    let mut by_number = https.clone();
    by_number["ip_protocol"] = json!("6");
    e.assert_no_op(t, &rule, &e.cfg(t, by_number)).await;

    // Ports, CIDR, description and tags change in place (ModifySecurityGroupRules): same id.
    let changed = e.cfg(
        t,
        json!({"security_group_id": sg_id, "cidr_ipv4": "10.1.0.0/16", "from_port": 8443,
            "to_port": 8444, "ip_protocol": "tcp", "description": "alt", "tags": {"Name": "alt", "Env": "test"}}),
    );
    let r2 = e.update(t, &rule, &changed).await;
    assert_eq!(s(&r2, "id"), id);
    let aws = aws_rule(&e, &id).await;
    assert_eq!(
        (
            aws.from_port(),
            aws.to_port(),
            aws.cidr_ipv4(),
            aws.description()
        ),
        (Some(8443), Some(8444), Some("10.1.0.0/16"), Some("alt"))
    );
    let tags = e.ec2_tags(&id).await;
    assert_eq!(tags.get("Env").map(String::as_str), Some("test"));
    assert_eq!(
        tags.get(infra_aws::INTENT_TAG).map(String::as_str),
        Some("sgr-intent-in")
    );
    e.assert_no_op(t, &r2, &changed).await;

    // Every protocol: no ports, and the description removed.
    let all = e.cfg(
        t,
        json!({"security_group_id": sg_id, "cidr_ipv4": "10.1.0.0/16", "ip_protocol": "-1", "tags": {"Name": "alt"}}),
    );
    let r3 = e.update(t, &r2, &all).await;
    assert_eq!(at(&r3, "from_port"), J::Null);
    assert_eq!(at(&r3, "to_port"), J::Null);
    assert_eq!(at(&r3, "description"), J::Null);
    assert_eq!(aws_rule(&e, &id).await.ip_protocol(), Some("-1"));
    e.assert_no_op(t, &r3, &all).await;

    // Drift: a tag changed out of band shows, and the plan repairs it.
    e.set_ec2_tag(&id, "Name", "changed").await;
    let drifted = e.read(t, &r3).await.unwrap();
    assert_eq!(at(&drifted, "tags"), json!({"Name": "changed"}));
    let r4 = e.update(t, &drifted, &all).await;
    assert_eq!(at(&r4, "tags"), json!({"Name": "alt"}));

    let mut other_group = all.to_json();
    other_group["security_group_id"] = json!(s(&peer, "id"));
    assert_eq!(
        e.replaced_by(t, &r4, &e.cfg(t, other_group)).await,
        ["security_group_id"]
    );

    // Exactly one source; no ports for every protocol.
    for bad in [
        json!({"security_group_id": sg_id, "ip_protocol": "tcp", "from_port": 1, "to_port": 1}),
        json!({"security_group_id": sg_id, "ip_protocol": "tcp", "from_port": 1, "to_port": 1,
            "cidr_ipv4": "10.0.0.0/8", "cidr_ipv6": "::/0"}),
        json!({"security_group_id": sg_id, "ip_protocol": "-1", "from_port": 0, "to_port": 0, "cidr_ipv4": "10.0.0.0/8"}),
    ] {
        let d = e.try_plan(t, None, &e.cfg(t, bad)).await.unwrap_err();
        assert_eq!(d.0[0].summary, "Invalid combination of arguments");
    }

    assert_eq!(
        s(&e.find_by_intent(t, "sgr-intent-in").await.unwrap(), "id"),
        id
    );
    // An ingress rule is not an egress rule.
    assert!(e
        .find_by_intent("aws_vpc_security_group_egress_rule", "sgr-intent-in")
        .await
        .is_none());
    assert!(e
        .read("aws_vpc_security_group_egress_rule", &r4)
        .await
        .is_none());
    let imported = e.import(t, &id).await;
    assert_eq!(imported.to_json(), r4.to_json());
    e.assert_no_op(t, &imported, &all).await;

    // A rule from another group.
    let from_peer = e.cfg(
        t,
        json!({"security_group_id": sg_id, "referenced_security_group_id": s(&peer, "id"),
            "ip_protocol": "tcp", "from_port": 22, "to_port": 22}),
    );
    let ssh = e.create(t, &from_peer).await;
    assert_eq!(
        at(&ssh, "referenced_security_group_id"),
        s(&peer, "id").as_str()
    );
    assert_eq!(at(&ssh, "cidr_ipv4"), J::Null);
    e.assert_no_op(t, &ssh, &from_peer).await;
    let group_rules = e
        .ec2
        .describe_security_groups()
        .group_ids(&sg_id)
        .send()
        .await
        .unwrap()
        .security_groups()[0]
        .ip_permissions()
        .len();
    assert_eq!(group_rules, 2);
    e.delete(t, &ssh).await;

    // Revoked out of band: read says gone, and deleting again is fine.
    e.ec2
        .revoke_security_group_ingress()
        .group_id(&sg_id)
        .security_group_rule_ids(&id)
        .send()
        .await
        .unwrap();
    assert!(e.read(t, &r4).await.is_none());
    e.delete(t, &r4).await;

    for v in [&sg, &peer] {
        e.delete("aws_security_group", v).await;
    }
    e.delete("aws_vpc", &vpc).await;
}

#[tokio::test]
async fn security_group_egress_rule_lifecycle() {
    let e = env().await;
    let t = "aws_vpc_security_group_egress_rule";
    let vpc = e.vpc("10.32.0.0/16").await;
    let vpc_id = s(&vpc, "id");
    let sg = group(&e, &vpc_id, "app").await;
    let sg_id = s(&sg, "id");

    let cfg = e.cfg(
        t,
        json!({"security_group_id": sg_id, "cidr_ipv4": "0.0.0.0/0", "ip_protocol": "-1", "description": "all out"}),
    );
    let rule = e.create_with_intent(t, &cfg, "sgr-intent-out").await;
    let id = s(&rule, "id");
    assert_eq!(at(&rule, "ip_protocol"), "-1");
    assert_eq!(at(&rule, "from_port"), J::Null);
    assert_eq!(at(&rule, "tags"), J::Null);
    let aws = aws_rule(&e, &id).await;
    assert_eq!(aws.is_egress(), Some(true));
    assert_eq!(aws.description(), Some("all out"));
    e.assert_unchanged(t, &rule).await;
    e.assert_no_op(t, &rule, &cfg).await;
    let all = e.cfg(
        t,
        json!({"security_group_id": sg_id, "cidr_ipv4": "0.0.0.0/0", "ip_protocol": "all", "description": "all out"}),
    );
    e.assert_no_op(t, &rule, &all).await;

    // From every protocol to DNS, in place.
    let dns = e.cfg(
        t,
        json!({"security_group_id": sg_id, "cidr_ipv4": "0.0.0.0/0", "ip_protocol": "udp",
            "from_port": 53, "to_port": 53, "description": "dns", "tags": {"Name": "dns"}}),
    );
    let r2 = e.update(t, &rule, &dns).await;
    assert_eq!(s(&r2, "id"), id);
    assert_eq!(at(&r2, "to_port"), 53);
    let aws = aws_rule(&e, &id).await;
    assert_eq!(
        (aws.ip_protocol(), aws.from_port(), aws.description()),
        (Some("udp"), Some(53), Some("dns"))
    );
    e.assert_no_op(t, &r2, &dns).await;

    assert_eq!(
        s(&e.find_by_intent(t, "sgr-intent-out").await.unwrap(), "id"),
        id
    );
    assert!(e
        .find_by_intent("aws_vpc_security_group_ingress_rule", "sgr-intent-out")
        .await
        .is_none());
    assert_eq!(e.import(t, &id).await.to_json(), r2.to_json());
    let d = e.p.import(t, "sgr-0123456789abcdef0").await.unwrap_err();
    assert_eq!(d.0[0].summary, "Cannot import non-existent remote object");

    // To a prefix list (moto drops prefix-list rule descriptions, so none here).
    let pl = e
        .ec2
        .create_managed_prefix_list()
        .prefix_list_name("partners")
        .max_entries(2)
        .address_family("IPv4")
        .entries(
            aws_sdk_ec2::types::AddPrefixListEntry::builder()
                .cidr("10.9.0.0/16")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .prefix_list()
        .and_then(|p| p.prefix_list_id())
        .unwrap()
        .to_string();
    let to_pl = e.cfg(
        t,
        json!({"security_group_id": sg_id, "prefix_list_id": pl, "ip_protocol": "tcp", "from_port": 443, "to_port": 443}),
    );
    let https = e.create(t, &to_pl).await;
    assert_eq!(at(&https, "prefix_list_id"), pl.as_str());
    e.assert_no_op(t, &https, &to_pl).await;
    let mut port_80 = to_pl.to_json();
    port_80["from_port"] = json!(80);
    port_80["to_port"] = json!(80);
    let http = e.update(t, &https, &e.cfg(t, port_80)).await;
    assert_eq!(aws_rule(&e, &s(&http, "id")).await.from_port(), Some(80));

    // The whole group deleted out of band: its rules are gone, and deleting them is fine.
    e.ec2
        .delete_security_group()
        .group_id(&sg_id)
        .send()
        .await
        .unwrap();
    assert!(e.read(t, &r2).await.is_none());
    e.delete(t, &r2).await;
    e.delete(t, &http).await;
    e.delete("aws_vpc", &vpc).await;
}
