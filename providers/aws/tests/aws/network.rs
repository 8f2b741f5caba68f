//! `aws_vpc`, `aws_subnet` and `aws_internet_gateway`.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::{at, env, messages, s};

#[tokio::test]
async fn vpc_lifecycle() {
    let e = env().await;
    let cfg = e.cfg(
        "aws_vpc",
        json!({"cidr_block": "10.1.0.0/16", "tags": {"Name": "main"}}),
    );
    let vpc = e.create_with_intent("aws_vpc", &cfg, "vpc-intent-1").await;
    let id = s(&vpc, "id");
    assert!(id.starts_with("vpc-"), "{id}");
    assert_eq!(at(&vpc, "cidr_block"), "10.1.0.0/16");
    assert_eq!(at(&vpc, "enable_dns_support"), true);
    assert_eq!(at(&vpc, "enable_dns_hostnames"), false);
    assert_eq!(at(&vpc, "instance_tenancy"), "default");
    assert_eq!(at(&vpc, "tags_all"), json!({"Name": "main"}));
    for a in [
        "default_security_group_id",
        "main_route_table_id",
        "default_network_acl_id",
        "dhcp_options_id",
        "owner_id",
    ] {
        assert!(at(&vpc, a).is_string(), "{a} is not set: {}", vpc.to_json());
    }
    assert!(s(&vpc, "arn").ends_with(&format!(":vpc/{id}")));
    // The intent tag is on the object but in neither tags nor tags_all.
    assert_eq!(
        e.ec2_tags(&id)
            .await
            .get(infra_aws::INTENT_TAG)
            .map(String::as_str),
        Some("vpc-intent-1")
    );

    e.assert_unchanged("aws_vpc", &vpc).await;
    e.assert_no_op("aws_vpc", &vpc, &cfg).await;

    // Tags and DNS flags change in place; the intent tag stays.
    let cfg2 = e.cfg("aws_vpc", json!({"cidr_block": "10.1.0.0/16", "enable_dns_hostnames": true, "tags": {"Name": "main2", "Env": "test"}}));
    let vpc2 = e.update("aws_vpc", &vpc, &cfg2).await;
    assert_eq!(s(&vpc2, "id"), id);
    assert_eq!(at(&vpc2, "enable_dns_hostnames"), true);
    let tags = e.ec2_tags(&id).await;
    assert_eq!(tags.get("Name").map(String::as_str), Some("main2"));
    assert_eq!(
        tags.get(infra_aws::INTENT_TAG).map(String::as_str),
        Some("vpc-intent-1")
    );
    e.assert_no_op("aws_vpc", &vpc2, &cfg2).await;
    let vpc3 = e.update("aws_vpc", &vpc2, &cfg).await;
    assert_eq!(at(&vpc3, "tags"), json!({"Name": "main"}));
    assert!(!e.ec2_tags(&id).await.contains_key("Env"));

    // Replacement.
    let moved = e.cfg(
        "aws_vpc",
        json!({"cidr_block": "10.2.0.0/16", "tags": {"Name": "main"}}),
    );
    assert_eq!(
        e.replaced_by("aws_vpc", &vpc3, &moved).await,
        ["cidr_block"]
    );
    let dedicated = e.cfg("aws_vpc", json!({"cidr_block": "10.1.0.0/16", "instance_tenancy": "dedicated", "tags": {"Name": "main"}}));
    assert_eq!(
        e.replaced_by("aws_vpc", &vpc3, &dedicated).await,
        ["instance_tenancy"]
    );

    // Drift: a tag changed out of band shows in the refresh and the plan repairs it.
    e.set_ec2_tag(&id, "Name", "changed").await;
    let drifted = e.read("aws_vpc", &vpc3).await.unwrap();
    assert_eq!(at(&drifted, "tags"), json!({"Name": "changed"}));
    let repaired = e.update("aws_vpc", &drifted, &cfg).await;
    assert_eq!(at(&repaired, "tags"), json!({"Name": "main"}));

    e.delete("aws_vpc", &repaired).await;
    // Deleting what is already gone succeeds.
    e.delete("aws_vpc", &repaired).await;
}

#[tokio::test]
async fn vpc_deleted_out_of_band_reads_as_gone() {
    let e = env().await;
    let vpc = e.vpc("10.3.0.0/16").await;
    e.ec2
        .delete_vpc()
        .vpc_id(s(&vpc, "id"))
        .send()
        .await
        .unwrap();
    assert!(e.read("aws_vpc", &vpc).await.is_none());
}

#[tokio::test]
async fn vpc_import_and_find_by_intent() {
    let e = env().await;
    let cfg = e.cfg(
        "aws_vpc",
        json!({"cidr_block": "10.4.0.0/16", "tags": {"Name": "imp"}}),
    );
    let vpc = e.create_with_intent("aws_vpc", &cfg, "find-me").await;
    let found = e
        .find_by_intent("aws_vpc", "find-me")
        .await
        .expect("found by intent");
    assert_eq!(s(&found, "id"), s(&vpc, "id"));
    assert!(e
        .find_by_intent("aws_vpc", "nothing-has-this")
        .await
        .is_none());

    let imported = e.import("aws_vpc", &s(&vpc, "id")).await;
    assert_eq!(imported.to_json(), vpc.to_json());
    e.assert_no_op("aws_vpc", &imported, &cfg).await;

    let d =
        e.p.import("aws_vpc", "vpc-00000000000000000")
            .await
            .unwrap_err();
    assert_eq!(
        d.0[0].summary,
        "Cannot import non-existent remote object",
        "{}",
        messages(&d)
    );
}

#[tokio::test]
async fn vpc_delete_retries_dependency_violation_then_gives_a_clear_error() {
    let e = env().await;
    let cfg = e.cfg(
        "aws_vpc",
        json!({"cidr_block": "10.5.0.0/16", "timeouts": {"delete": "2s"}}),
    );
    let vpc = e.create("aws_vpc", &cfg).await;
    let subnet_cfg = e.cfg(
        "aws_subnet",
        json!({"vpc_id": s(&vpc, "id"), "cidr_block": "10.5.1.0/24"}),
    );
    let subnet = e.create("aws_subnet", &subnet_cfg).await;

    let start = Instant::now();
    let d = e
        .try_apply("aws_vpc", Some(&vpc), None, &cfg, None)
        .await
        .unwrap_err();
    let took = start.elapsed();
    let m = messages(&d);
    assert!(
        took >= Duration::from_secs(2),
        "gave up after {took:?} without retrying: {m}"
    );
    assert!(took < Duration::from_secs(10), "retried for {took:?}");
    assert_eq!(d.0[0].summary, "Timed out waiting for AWS", "{m}");
    assert!(
        m.contains("Error deleting aws_vpc")
            && m.contains("DeleteVpc returned DependencyViolation"),
        "{m}"
    );
    assert!(e.read("aws_vpc", &vpc).await.is_some());

    // With the subnet going away while the delete retries, the delete succeeds.
    let patient = e.cfg(
        "aws_vpc",
        json!({"cidr_block": "10.5.0.0/16", "timeouts": {"delete": "30s"}}),
    );
    let vpc = e.read("aws_vpc", &vpc).await.unwrap();
    let vpc = e.update("aws_vpc", &vpc, &patient).await;
    let remove_subnet = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        e.delete("aws_subnet", &subnet).await;
    };
    let (r, ()) = tokio::join!(
        e.try_apply("aws_vpc", Some(&vpc), None, &patient, None),
        remove_subnet
    );
    r.unwrap_or_else(|d| panic!("delete after the subnet went: {}", messages(&d)));
    assert!(e.read("aws_vpc", &vpc).await.is_none());
}

#[tokio::test]
async fn subnet_lifecycle() {
    let e = env().await;
    let vpc = e.vpc("10.6.0.0/16").await;
    let vpc_id = s(&vpc, "id");
    let az = format!("{}a", e.region);
    let cfg = e.cfg("aws_subnet", json!({"vpc_id": vpc_id, "cidr_block": "10.6.1.0/24", "availability_zone": az, "tags": {"Name": "a"}}));
    let sub = e
        .create_with_intent("aws_subnet", &cfg, "subnet-intent")
        .await;
    let id = s(&sub, "id");
    assert!(id.starts_with("subnet-"));
    assert_eq!(at(&sub, "availability_zone"), az.as_str());
    assert!(at(&sub, "availability_zone_id").is_string());
    assert_eq!(at(&sub, "map_public_ip_on_launch"), false);
    e.assert_unchanged("aws_subnet", &sub).await;
    e.assert_no_op("aws_subnet", &sub, &cfg).await;

    let public = e.cfg(
        "aws_subnet",
        json!({"vpc_id": vpc_id, "cidr_block": "10.6.1.0/24", "availability_zone": az, "map_public_ip_on_launch": true, "tags": {"Name": "b"}}),
    );
    let sub2 = e.update("aws_subnet", &sub, &public).await;
    assert_eq!(at(&sub2, "map_public_ip_on_launch"), true);
    e.assert_no_op("aws_subnet", &sub2, &public).await;

    for (k, v) in [
        ("cidr_block", json!("10.6.2.0/24")),
        ("availability_zone", json!(format!("{}b", e.region))),
        ("vpc_id", json!("vpc-other")),
    ] {
        let mut j = public.to_json();
        j[k] = v;
        assert_eq!(
            e.replaced_by("aws_subnet", &sub2, &e.cfg("aws_subnet", j))
                .await,
            [k]
        );
    }
    // An availability zone left to AWS is not a change.
    let any_az = e.cfg("aws_subnet", json!({"vpc_id": vpc_id, "cidr_block": "10.6.1.0/24", "map_public_ip_on_launch": true, "tags": {"Name": "b"}}));
    e.assert_no_op("aws_subnet", &sub2, &any_az).await;

    assert_eq!(
        s(
            &e.find_by_intent("aws_subnet", "subnet-intent")
                .await
                .unwrap(),
            "id"
        ),
        id
    );
    let imported = e.import("aws_subnet", &id).await;
    e.assert_no_op("aws_subnet", &imported, &public).await;

    e.ec2.delete_subnet().subnet_id(&id).send().await.unwrap();
    assert!(e.read("aws_subnet", &sub2).await.is_none());
    e.delete("aws_subnet", &sub2).await;
    e.delete("aws_vpc", &vpc).await;
}

#[tokio::test]
async fn internet_gateway_lifecycle() {
    let e = env().await;
    let (a, b) = (e.vpc("10.7.0.0/16").await, e.vpc("10.8.0.0/16").await);
    let cfg = e.cfg(
        "aws_internet_gateway",
        json!({"vpc_id": s(&a, "id"), "tags": {"Name": "gw"}}),
    );
    let gw = e
        .create_with_intent("aws_internet_gateway", &cfg, "igw-intent")
        .await;
    let id = s(&gw, "id");
    assert!(id.starts_with("igw-"));
    assert_eq!(at(&gw, "vpc_id"), s(&a, "id").as_str());
    e.assert_unchanged("aws_internet_gateway", &gw).await;
    e.assert_no_op("aws_internet_gateway", &gw, &cfg).await;

    // Moving to another VPC is an update in place (detach, attach), as are tags.
    let moved = e.cfg(
        "aws_internet_gateway",
        json!({"vpc_id": s(&b, "id"), "tags": {"Name": "gw2"}}),
    );
    let gw2 = e.update("aws_internet_gateway", &gw, &moved).await;
    assert_eq!(s(&gw2, "id"), id);
    assert_eq!(at(&gw2, "vpc_id"), s(&b, "id").as_str());

    assert_eq!(
        s(
            &e.find_by_intent("aws_internet_gateway", "igw-intent")
                .await
                .unwrap(),
            "id"
        ),
        id
    );
    let imported = e.import("aws_internet_gateway", &id).await;
    e.assert_no_op("aws_internet_gateway", &imported, &moved)
        .await;

    // Delete detaches first; the VPC can go afterwards.
    e.delete("aws_internet_gateway", &gw2).await;
    e.delete("aws_vpc", &b).await;

    let other = e
        .create(
            "aws_internet_gateway",
            &e.cfg("aws_internet_gateway", json!({})),
        )
        .await;
    assert_eq!(at(&other, "vpc_id"), serde_json::Value::Null);
    e.ec2
        .delete_internet_gateway()
        .internet_gateway_id(s(&other, "id"))
        .send()
        .await
        .unwrap();
    assert!(e.read("aws_internet_gateway", &other).await.is_none());
    e.delete("aws_vpc", &a).await;
}
