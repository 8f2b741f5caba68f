//! `aws_instance`, and the data sources `aws_ami`, `aws_availability_zones` and `aws_vpc`.

use infra_core::{Diagnostics, Value};
use serde_json::{json, Value as J};

use crate::support::{at, env, messages, s, value_for, Env};

/// Reads a data source the way the engine does.
async fn try_data(e: &Env, type_name: &str, config: J) -> Result<Value, Diagnostics> {
    let schema = &e.p.schema().data_sources[type_name].block;
    e.p.read_data(type_name, &value_for(schema, &config)).await
}

async fn data(e: &Env, type_name: &str, config: J) -> Value {
    try_data(e, type_name, config)
        .await
        .unwrap_or_else(|d| panic!("data {type_name}: {}", messages(&d)))
}

/// The newest Amazon Linux 2 AMI among the ones moto ships, found through `aws_ami`.
async fn amazon_linux(e: &Env) -> String {
    let ami = data(
        e,
        "aws_ami",
        json!({"owners": ["amazon"], "most_recent": true,
               "filter": [{"name": "name", "values": ["amzn2-ami-hvm-*-x86_64-gp2"]}]}),
    )
    .await;
    s(&ami, "id")
}

/// The instance as EC2 describes it.
async fn describe(e: &Env, id: &str) -> aws_sdk_ec2::types::Instance {
    let out = e
        .ec2
        .describe_instances()
        .instance_ids(id)
        .send()
        .await
        .expect("DescribeInstances");
    out.reservations()[0].instances()[0].clone()
}

async fn security_group(e: &Env, vpc_id: &str, name: &str) -> String {
    e.ec2
        .create_security_group()
        .group_name(name)
        .description(name)
        .vpc_id(vpc_id)
        .send()
        .await
        .expect("CreateSecurityGroup")
        .group_id()
        .expect("group id")
        .to_string()
}

/// Plans an instance type change, checks it is in place and leaves the public address to apply,
/// applies it, and checks every attribute the plan knew.
async fn resize(e: &Env, prior: &Value, cfg: &Value) -> Value {
    let plan = e.plan("aws_instance", Some(prior), cfg).await;
    assert!(
        plan.requires_replace.is_empty(),
        "{:?}",
        plan.requires_replace
    );
    let planned = plan.planned_state.entries().expect("object").clone();
    assert!(
        !planned["public_ip"].is_known(),
        "a stop and start may change the public IP"
    );
    let state = e
        .try_apply(
            "aws_instance",
            Some(prior),
            Some(&plan.planned_state),
            cfg,
            None,
        )
        .await
        .unwrap_or_else(|d| panic!("resize: {}", messages(&d)))
        .expect("an instance");
    let got = state.entries().expect("object");
    for (k, v) in planned.iter().filter(|(_, v)| v.is_wholly_known()) {
        assert_eq!(&got[k], v, "{k} differs from the plan");
    }
    state
}

#[tokio::test]
async fn instance_lifecycle() {
    let e = env().await;
    let ami = amazon_linux(&e).await;
    let vpc = e.vpc("10.30.0.0/16").await;
    let vpc_id = s(&vpc, "id");
    let az = format!("{}a", e.region);
    let subnet = e
        .create(
            "aws_subnet",
            &e.cfg(
                "aws_subnet",
                json!({"vpc_id": vpc_id, "cidr_block": "10.30.1.0/24", "availability_zone": az}),
            ),
        )
        .await;
    let subnet_id = s(&subnet, "id");
    let (web, ssh) = (
        security_group(&e, &vpc_id, "web").await,
        security_group(&e, &vpc_id, "ssh").await,
    );
    let base = json!({
        "ami": ami, "instance_type": "t3.micro", "subnet_id": subnet_id,
        "vpc_security_group_ids": [web], "associate_public_ip_address": true,
        "private_ip": "10.30.1.10", "user_data": "#!/bin/sh\necho hello\n",
        "tags": {"Name": "web"}, "volume_tags": {"Backup": "daily"},
    });
    let cfg = e.cfg("aws_instance", base.clone());
    let inst = e
        .create_with_intent("aws_instance", &cfg, "instance-intent-1")
        .await;
    let id = s(&inst, "id");
    assert!(id.starts_with("i-"), "{id}");
    assert_eq!(at(&inst, "instance_state"), "running");
    assert_eq!(at(&inst, "ami"), ami.as_str());
    assert_eq!(at(&inst, "subnet_id"), subnet_id.as_str());
    assert_eq!(at(&inst, "availability_zone"), az.as_str());
    assert_eq!(at(&inst, "private_ip"), "10.30.1.10");
    assert_eq!(at(&inst, "associate_public_ip_address"), true);
    assert!(at(&inst, "public_ip").is_string(), "{}", inst.to_json());
    assert!(s(&inst, "primary_network_interface_id").starts_with("eni-"));
    assert!(s(&inst, "arn").ends_with(&format!(":instance/{id}")));
    assert_eq!(at(&inst, "vpc_security_group_ids"), json!([web]));
    assert_eq!(at(&inst, "user_data"), "#!/bin/sh\necho hello\n");
    assert_eq!(at(&inst, "volume_tags"), json!({"Backup": "daily"}));
    assert_eq!(at(&inst, "tags_all"), json!({"Name": "web"}));

    // RunInstances carried the intent as its client token, and the intent tag.
    let described = describe(&e, &id).await;
    assert_eq!(described.client_token(), Some("instance-intent-1"));
    assert_eq!(
        e.ec2_tags(&id)
            .await
            .get(infra_aws::INTENT_TAG)
            .map(String::as_str),
        Some("instance-intent-1")
    );
    let root = described.block_device_mappings()[0]
        .ebs()
        .and_then(|b| b.volume_id())
        .expect("a root volume")
        .to_string();
    assert_eq!(
        e.ec2_tags(&root).await.get("Backup").map(String::as_str),
        Some("daily")
    );

    e.assert_unchanged("aws_instance", &inst).await;
    e.assert_no_op("aws_instance", &inst, &cfg).await;

    // Security groups, tags and volume tags change in place.
    let mut j = base.clone();
    j["vpc_security_group_ids"] = json!([web, ssh]);
    j["tags"] = json!({"Name": "web2"});
    j["volume_tags"] = json!({"Backup": "weekly", "Team": "core"});
    let cfg2 = e.cfg("aws_instance", j.clone());
    let inst2 = e.update("aws_instance", &inst, &cfg2).await;
    assert_eq!(s(&inst2, "id"), id);
    let mut groups = vec![web.clone(), ssh.clone()];
    groups.sort();
    assert_eq!(at(&inst2, "vpc_security_group_ids"), json!(groups));
    let vol_tags = e.ec2_tags(&root).await;
    assert_eq!(vol_tags.get("Backup").map(String::as_str), Some("weekly"));
    assert_eq!(vol_tags.get("Team").map(String::as_str), Some("core"));
    assert_eq!(
        e.ec2_tags(&id)
            .await
            .get(infra_aws::INTENT_TAG)
            .map(String::as_str),
        Some("instance-intent-1")
    );
    e.assert_no_op("aws_instance", &inst2, &cfg2).await;

    // The instance type changes in place: stop, modify, start.
    j["instance_type"] = json!("t3.small");
    let cfg3 = e.cfg("aws_instance", j.clone());
    let inst3 = resize(&e, &inst2, &cfg3).await;
    assert_eq!(s(&inst3, "id"), id);
    assert_eq!(at(&inst3, "instance_type"), "t3.small");
    assert_eq!(at(&inst3, "instance_state"), "running");
    let described = describe(&e, &id).await;
    assert_eq!(
        described.instance_type().map(|t| t.as_str()),
        Some("t3.small")
    );
    e.assert_no_op("aws_instance", &inst3, &cfg3).await;

    // Replacement.
    for (k, v) in [
        ("ami", json!("ami-0123456789abcdef0")),
        ("user_data", json!("#!/bin/sh\necho bye\n")),
        ("subnet_id", json!("subnet-other")),
        ("private_ip", json!("10.30.1.11")),
    ] {
        let mut changed = j.clone();
        changed[k] = v;
        assert_eq!(
            e.replaced_by("aws_instance", &inst3, &e.cfg("aws_instance", changed))
                .await,
            [k]
        );
    }

    // Adoption after a killed apply, and import.
    let found = e
        .find_by_intent("aws_instance", "instance-intent-1")
        .await
        .expect("found by intent");
    assert_eq!(s(&found, "id"), id);
    assert!(e
        .find_by_intent("aws_instance", "no-instance-has-this")
        .await
        .is_none());
    let imported = e.import("aws_instance", &id).await;
    assert_eq!(imported.to_json(), inst3.to_json());
    e.assert_no_op("aws_instance", &imported, &cfg3).await;

    e.delete("aws_instance", &inst3).await;
    let described = describe(&e, &id).await;
    assert_eq!(
        described.state().and_then(|s| s.name()).map(|n| n.as_str()),
        Some("terminated")
    );
    // Deleting what is already terminated succeeds; a terminated instance is not adopted.
    e.delete("aws_instance", &inst3).await;
    assert!(e
        .find_by_intent("aws_instance", "instance-intent-1")
        .await
        .is_none());
}

#[tokio::test]
async fn instance_in_the_default_vpc_and_terminated_out_of_band() {
    let e = env().await;
    let ami = amazon_linux(&e).await;
    let cfg = e.cfg(
        "aws_instance",
        json!({"ami": ami, "instance_type": "t3.nano"}),
    );
    // An intent marker EC2 would refuse as a client token (too long, a space, a quote).
    let marker = format!(
        "infra:{}:module.app.aws_instance.web[\"a b\"]",
        "0123456789".repeat(5)
    );
    let inst = e.create_with_intent("aws_instance", &cfg, &marker).await;
    let id = s(&inst, "id");
    let default_vpc = data(&e, "aws_vpc", json!({"default": true})).await;
    let described = describe(&e, &id).await;
    assert_eq!(described.vpc_id(), Some(s(&default_vpc, "id").as_str()));
    for a in [
        "subnet_id",
        "availability_zone",
        "private_ip",
        "private_dns",
    ] {
        assert!(at(&inst, a).is_string(), "{a}: {}", inst.to_json());
    }
    assert_eq!(
        at(&inst, "vpc_security_group_ids").as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(at(&inst, "user_data"), J::Null);
    assert_eq!(at(&inst, "volume_tags"), J::Null);
    let token = described.client_token().expect("a client token");
    assert!(
        token.len() <= 64 && token.bytes().all(|b| b.is_ascii_graphic()),
        "{token}"
    );
    e.assert_no_op("aws_instance", &inst, &cfg).await;
    assert_eq!(
        s(
            &e.find_by_intent("aws_instance", &marker)
                .await
                .expect("found"),
            "id"
        ),
        id
    );

    e.ec2
        .terminate_instances()
        .instance_ids(&id)
        .send()
        .await
        .expect("TerminateInstances");
    assert!(e.read("aws_instance", &inst).await.is_none());
    assert!(e.find_by_intent("aws_instance", &marker).await.is_none());
    e.delete("aws_instance", &inst).await;

    let d =
        e.p.import("aws_instance", "i-00000000000000000")
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
async fn ami_data_source() {
    let e = env().await;
    let ami = data(
        &e,
        "aws_ami",
        json!({"owners": ["amazon"], "most_recent": true, "name_regex": "x86_64-gp2$",
               "filter": [{"name": "name", "values": ["amzn2-ami-hvm-*"]},
                          {"name": "architecture", "values": ["x86_64"]}]}),
    )
    .await;
    let id = s(&ami, "id");
    assert!(id.starts_with("ami-"), "{id}");
    assert_eq!(at(&ami, "image_id"), id.as_str());
    let name = s(&ami, "name");
    assert!(
        name.starts_with("amzn2-ami-hvm-") && name.ends_with("x86_64-gp2"),
        "{name}"
    );
    assert_eq!(at(&ami, "architecture"), "x86_64");
    assert_eq!(at(&ami, "image_owner_alias"), "amazon");
    assert_eq!(at(&ami, "most_recent"), true);
    for a in ["root_device_name", "creation_date", "owner_id", "state"] {
        assert!(at(&ami, a).is_string(), "{a}: {}", ami.to_json());
    }
    assert!(s(&ami, "arn").ends_with(&format!("::image/{id}")));
    // The configuration comes back as given.
    assert_eq!(at(&ami, "owners"), json!(["amazon"]));
    assert_eq!(at(&ami, "filter").as_array().map(Vec::len), Some(2));
    // It is one of the images EC2 lists for that query.
    let listed = e
        .ec2
        .describe_images()
        .owners("amazon")
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("name")
                .values("amzn2-ami-hvm-*")
                .build(),
        )
        .send()
        .await
        .expect("DescribeImages");
    assert!(listed
        .images()
        .iter()
        .any(|i| i.image_id() == Some(id.as_str())));

    let d = try_data(
        &e,
        "aws_ami",
        json!({"owners": ["amazon"], "filter": [{"name": "name", "values": ["no-such-image-*"]}]}),
    )
    .await
    .unwrap_err();
    let m = messages(&d);
    assert!(
        m.contains("Error reading data source aws_ami")
            && m.contains("Your query returned no results"),
        "{m}"
    );

    let d = try_data(
        &e,
        "aws_ami",
        json!({"owners": ["amazon"], "filter": [{"name": "name", "values": ["Windows_Server-*"]}]}),
    )
    .await
    .unwrap_err();
    assert!(
        messages(&d).contains("more than one result"),
        "{}",
        messages(&d)
    );

    let d = try_data(
        &e,
        "aws_ami",
        json!({"owners": ["amazon"], "name_regex": "("}),
    )
    .await
    .unwrap_err();
    assert!(messages(&d).contains("name_regex"), "{}", messages(&d));

    let d =
        e.p.read_data("aws_nothing", &Value::Object(Default::default()))
            .await
            .unwrap_err();
    assert!(messages(&d).contains("aws_nothing"), "{}", messages(&d));
}

#[tokio::test]
async fn availability_zones_and_vpc_data_sources() {
    let e = env().await;
    let zones = data(&e, "aws_availability_zones", json!({"state": "available"})).await;
    assert_eq!(at(&zones, "id"), e.region.as_str());
    let out = e
        .ec2
        .describe_availability_zones()
        .send()
        .await
        .expect("DescribeAvailabilityZones");
    let mut want: Vec<(String, String)> = out
        .availability_zones()
        .iter()
        .map(|z| {
            (
                z.zone_name().unwrap_or_default().to_string(),
                z.zone_id().unwrap_or_default().to_string(),
            )
        })
        .collect();
    want.sort();
    assert!(!want.is_empty());
    let names: Vec<&String> = want.iter().map(|(n, _)| n).collect();
    let ids: Vec<&String> = want.iter().map(|(_, i)| i).collect();
    assert_eq!(at(&zones, "names"), json!(names));
    assert_eq!(at(&zones, "zone_ids"), json!(ids));
    assert!(names.iter().all(|n| n.starts_with(&e.region)));

    let fewer = data(
        &e,
        "aws_availability_zones",
        json!({"exclude_names": [names[0]]}),
    )
    .await;
    assert_eq!(at(&fewer, "names"), json!(names[1..]));
    let none = data(
        &e,
        "aws_availability_zones",
        json!({"filter": [{"name": "zone-name", "values": ["nowhere-1z"]}]}),
    )
    .await;
    assert_eq!(at(&none, "names"), json!([]));
    let d = try_data(&e, "aws_availability_zones", json!({"state": "sleepy"}))
        .await
        .unwrap_err();
    assert!(
        messages(&d).contains("state must be one of"),
        "{}",
        messages(&d)
    );

    // The region's default VPC, which moto creates.
    let default = data(&e, "aws_vpc", json!({"default": true})).await;
    let default_id = s(&default, "id");
    assert!(default_id.starts_with("vpc-"));
    assert_eq!(at(&default, "default"), true);
    assert_eq!(at(&default, "cidr_block"), "172.31.0.0/16");

    // A VPC of ours, by id and by tag.
    let mine = e
        .create(
            "aws_vpc",
            &e.cfg(
                "aws_vpc",
                json!({"cidr_block": "10.40.0.0/16", "enable_dns_hostnames": true, "tags": {"Name": "mine"}}),
            ),
        )
        .await;
    let by_id = data(&e, "aws_vpc", json!({"id": s(&mine, "id")})).await;
    assert_eq!(at(&by_id, "default"), false);
    assert_eq!(at(&by_id, "tags"), json!({"Name": "mine"}));
    for a in [
        "cidr_block",
        "arn",
        "owner_id",
        "main_route_table_id",
        "enable_dns_hostnames",
    ] {
        assert_eq!(at(&by_id, a), at(&mine, a), "{a}");
    }
    assert_eq!(
        at(&by_id, "cidr_block_associations")[0]["cidr_block"],
        "10.40.0.0/16"
    );
    let by_tag = data(&e, "aws_vpc", json!({"tags": {"Name": "mine"}})).await;
    assert_eq!(s(&by_tag, "id"), s(&mine, "id"));
    let by_filter = data(
        &e,
        "aws_vpc",
        json!({"filter": [{"name": "cidr-block-association.cidr-block", "values": ["10.40.0.0/16"]}]}),
    )
    .await;
    assert_eq!(s(&by_filter, "id"), s(&mine, "id"));

    let d = try_data(&e, "aws_vpc", json!({})).await.unwrap_err();
    assert!(
        messages(&d).contains("multiple EC2 VPCs matched"),
        "{}",
        messages(&d)
    );
    let d = try_data(&e, "aws_vpc", json!({"tags": {"Name": "nobody"}}))
        .await
        .unwrap_err();
    let m = messages(&d);
    assert!(
        m.contains("Error reading data source aws_vpc") && m.contains("no matching EC2 VPC found"),
        "{m}"
    );
    let d = try_data(&e, "aws_vpc", json!({"id": "vpc-00000000000000000"}))
        .await
        .unwrap_err();
    let m = messages(&d);
    assert!(
        m.contains("Error reading data source aws_vpc")
            && m.contains("DescribeVpcs returned InvalidVpcID.NotFound"),
        "{m}"
    );
    e.delete("aws_vpc", &mine).await;
}
