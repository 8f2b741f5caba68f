//! `aws_security_group` with inline rules.

use serde_json::{json, Value as J};

use crate::support::{at, env, s};

fn rule(port: i64, cidrs: &[&str]) -> J {
    json!({"from_port": port, "to_port": port, "protocol": "tcp", "cidr_blocks": cidrs})
}

#[tokio::test]
async fn security_group_lifecycle() {
    let e = env().await;
    let vpc = e.vpc("10.20.0.0/16").await;
    let vpc_id = s(&vpc, "id");
    let all_out =
        json!({"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]});
    let cfg = e.cfg(
        "aws_security_group",
        json!({"name": "web", "description": "Web servers", "vpc_id": vpc_id,
               "ingress": [rule(443, &["0.0.0.0/0"]), rule(80, &["10.0.0.0/8"])],
               "egress": [all_out], "tags": {"Name": "web"}}),
    );
    let sg = e
        .create_with_intent("aws_security_group", &cfg, "sg-intent")
        .await;
    let id = s(&sg, "id");
    assert!(id.starts_with("sg-"));
    assert_eq!(
        at(&sg, "ingress").as_array().map(Vec::len),
        Some(2),
        "{}",
        sg.to_json()
    );
    assert_eq!(at(&sg, "egress")[0]["protocol"], "-1");
    e.assert_unchanged("aws_security_group", &sg).await;
    e.assert_no_op("aws_security_group", &sg, &cfg).await;

    // Written differently, the same grants plan no change (protocol number, split blocks, `all`).
    let same = e.cfg(
        "aws_security_group",
        json!({"name": "web", "description": "Web servers", "vpc_id": vpc_id,
               "ingress": [{"from_port": 443, "to_port": 443, "protocol": "6", "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": []},
                           rule(80, &["10.0.0.0/8"])],
               "egress": [{"from_port": 0, "to_port": 65535, "protocol": "all", "cidr_blocks": ["0.0.0.0/0"]}],
               "tags": {"Name": "web"}}),
    );
    e.assert_no_op("aws_security_group", &sg, &same).await;

    // Rules and tags change in place: one rule gone, one changed, one with self and a description.
    let changed = e.cfg(
        "aws_security_group",
        json!({"name": "web", "description": "Web servers", "vpc_id": vpc_id,
               "ingress": [rule(443, &["0.0.0.0/0", "10.1.0.0/16"]),
                           {"from_port": 22, "to_port": 22, "protocol": "tcp", "self": true, "description": "ssh"}],
               "egress": [all_out], "tags": {"Name": "web2"}}),
    );
    let sg2 = e.update("aws_security_group", &sg, &changed).await;
    assert_eq!(s(&sg2, "id"), id);
    e.assert_no_op("aws_security_group", &sg2, &changed).await;

    // Drift: a rule added out of band shows, and the plan removes it.
    let perm = aws_sdk_ec2::types::IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(8080)
        .to_port(8080)
        .ip_ranges(
            aws_sdk_ec2::types::IpRange::builder()
                .cidr_ip("1.2.3.4/32")
                .build(),
        )
        .build();
    e.ec2
        .authorize_security_group_ingress()
        .group_id(&id)
        .ip_permissions(perm)
        .send()
        .await
        .unwrap();
    let drifted = e.read("aws_security_group", &sg2).await.unwrap();
    assert_eq!(at(&drifted, "ingress").as_array().map(Vec::len), Some(3));
    let repaired = e.update("aws_security_group", &drifted, &changed).await;
    assert_eq!(at(&repaired, "ingress").as_array().map(Vec::len), Some(2));

    // Without ingress/egress blocks the rules are left alone.
    let unmanaged = e.cfg("aws_security_group", json!({"name": "web", "description": "Web servers", "vpc_id": vpc_id, "tags": {"Name": "web2"}}));
    e.assert_no_op("aws_security_group", &repaired, &unmanaged)
        .await;

    for (k, v) in [
        ("name", json!("web-2")),
        ("description", json!("other")),
        ("vpc_id", json!("vpc-other")),
    ] {
        let mut j = changed.to_json();
        j[k] = v;
        assert_eq!(
            e.replaced_by(
                "aws_security_group",
                &repaired,
                &e.cfg("aws_security_group", j)
            )
            .await,
            [k]
        );
    }

    assert_eq!(
        s(
            &e.find_by_intent("aws_security_group", "sg-intent")
                .await
                .unwrap(),
            "id"
        ),
        id
    );
    let imported = e.import("aws_security_group", &id).await;
    e.assert_no_op("aws_security_group", &imported, &changed)
        .await;

    e.delete("aws_security_group", &repaired).await;
    e.delete("aws_vpc", &vpc).await;
}

#[tokio::test]
async fn security_group_defaults_and_out_of_band_delete() {
    let e = env().await;
    let vpc = e.vpc("10.21.0.0/16").await;
    let cfg = e.cfg("aws_security_group", json!({"vpc_id": s(&vpc, "id")}));
    let sg = e.create("aws_security_group", &cfg).await;
    assert!(s(&sg, "name").starts_with("terraform-"), "{}", sg.to_json());
    assert_eq!(at(&sg, "description"), "Managed by Terraform");
    // AWS's default allow-all egress rule is removed, as Terraform does.
    assert_eq!(at(&sg, "egress"), json!([]));
    e.assert_no_op("aws_security_group", &sg, &cfg).await;

    let prefixed = e
        .create(
            "aws_security_group",
            &e.cfg(
                "aws_security_group",
                json!({"vpc_id": s(&vpc, "id"), "name_prefix": "app-"}),
            ),
        )
        .await;
    assert!(s(&prefixed, "name").starts_with("app-"));

    e.ec2
        .delete_security_group()
        .group_id(s(&sg, "id"))
        .send()
        .await
        .unwrap();
    assert!(e.read("aws_security_group", &sg).await.is_none());
    e.delete("aws_security_group", &prefixed).await;
    e.delete("aws_vpc", &vpc).await;
}

/// A create killed after CreateSecurityGroup leaves AWS's default allow-all egress rule and none
/// of the inline rules; recovery adopts the group by its intent tag and finishes the create.
#[tokio::test]
async fn an_interrupted_security_group_create_is_finished_when_adopted() {
    use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};

    let e = env().await;
    let vpc = e.vpc("10.30.0.0/16").await;
    let vpc_id = s(&vpc, "id");
    let made = e
        .ec2
        .create_security_group()
        .group_name("half-made")
        .description("Half made")
        .vpc_id(&vpc_id)
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::SecurityGroup)
                .tags(
                    Tag::builder()
                        .key(infra_aws::INTENT_TAG)
                        .value("sg-half")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let id = made.group_id().unwrap().to_string();
    let planned = e.cfg(
        "aws_security_group",
        json!({"name": "half-made", "description": "Half made", "vpc_id": vpc_id,
               "ingress": [rule(443, &["0.0.0.0/0"])]}),
    );
    let found = e
        .find_created(
            "aws_security_group",
            "sg-half",
            &planned,
            std::time::SystemTime::now(),
        )
        .await
        .expect("adopted by its intent tag");
    assert_eq!(s(&found, "id"), id);
    let group = e
        .ec2
        .describe_security_groups()
        .group_ids(&id)
        .send()
        .await
        .unwrap();
    let g = &group.security_groups()[0];
    assert!(
        g.ip_permissions_egress().is_empty(),
        "the default egress rule is gone: {:?}",
        g.ip_permissions_egress()
    );
    let ports: Vec<i32> = g
        .ip_permissions()
        .iter()
        .filter_map(|p| p.from_port())
        .collect();
    assert_eq!(ports, vec![443]);
    e.assert_no_op("aws_security_group", &found, &planned).await;
}
