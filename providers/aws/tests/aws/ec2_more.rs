//! `aws_route`, `aws_vpc_security_group_ingress_rule`, `aws_vpc_security_group_egress_rule` and
//! `aws_eip`.
//!
//! What the emulator (moto 5.1.22) cannot show, and so is not asserted here:
//! - DescribeSecurityGroupRules drops the description of rules whose source is a referenced
//!   group or a prefix list (it keeps it for CIDR rules), so those rules are tested without one.
//! - ModifySecurityGroupRules only changes the protocol, ports, description and IPv4 CIDR of a
//!   rule; a new IPv6 CIDR, prefix list or referenced group is ignored, so in-place changes are
//!   tested on those four.
//! - An address associated with a network interface reports no `InstanceId` (AWS reports the
//!   interface's instance), and ReleaseAddress releases an associated address (AWS refuses with
//!   `InvalidIPAddress.InUse`): the delete disassociates first either way.
//! - Routes have no `instance_id` from moto unless created with `InstanceId`, which `aws_route`
//!   does not send (it is computed only, as in Terraform v5).

use infra_core::Value;
use serde_json::{json, Value as J};

use crate::support::{at, env, messages, s, Env};

mod security_group_rules;

/// Plans an in-place update, applies it, and checks the state matches every attribute the
/// plan knew (attributes the plan left unknown may be anything).
async fn update_known(e: &Env, t: &str, prior: &Value, config: &Value) -> (Value, Value) {
    let plan = e.plan(t, Some(prior), config).await;
    assert!(
        plan.requires_replace.is_empty(),
        "unexpected replace: {:?}",
        plan.requires_replace
    );
    let state = e
        .try_apply(t, Some(prior), Some(&plan.planned_state), config, None)
        .await
        .unwrap_or_else(|d| panic!("update {t}: {}", messages(&d)))
        .expect("an updated object");
    assert!(state.is_wholly_known(), "{}", state.to_json());
    let planned = plan.planned_state.entries().expect("object");
    for (k, v) in planned {
        if v.is_wholly_known() && k != "timeouts" {
            assert_eq!(
                at(&state, k),
                v.to_json(),
                "{k} differs from the plan in {}",
                state.to_json()
            );
        }
    }
    (plan.planned_state, state)
}

fn unknown(v: &Value, name: &str) -> bool {
    !v.entries().expect("object")[name].is_known()
}

/// The target of the route to `dest` in `table`, as AWS has it.
async fn aws_route_target(e: &Env, table: &str, dest: &str) -> Option<String> {
    let out = e
        .ec2
        .describe_route_tables()
        .route_table_ids(table)
        .send()
        .await
        .expect("DescribeRouteTables");
    out.route_tables()[0]
        .routes()
        .iter()
        .find(|r| r.destination_cidr_block() == Some(dest))
        .and_then(|r| r.gateway_id().or(r.network_interface_id()))
        .map(str::to_string)
}

#[tokio::test]
async fn route_lifecycle() {
    let e = env().await;
    let t = "aws_route";
    let vpc = e.vpc("10.30.0.0/16").await;
    let vpc_id = s(&vpc, "id");
    let gw = e
        .create(
            "aws_internet_gateway",
            &e.cfg("aws_internet_gateway", json!({"vpc_id": vpc_id})),
        )
        .await;
    let gw_id = s(&gw, "id");
    let table = e
        .create(
            "aws_route_table",
            &e.cfg("aws_route_table", json!({"vpc_id": vpc_id})),
        )
        .await;
    let rtb = s(&table, "id");
    let subnet = e
        .create(
            "aws_subnet",
            &e.cfg(
                "aws_subnet",
                json!({"vpc_id": vpc_id, "cidr_block": "10.30.1.0/24"}),
            ),
        )
        .await;
    let eni = e
        .ec2
        .create_network_interface()
        .subnet_id(s(&subnet, "id"))
        .send()
        .await
        .unwrap()
        .network_interface()
        .and_then(|n| n.network_interface_id())
        .unwrap()
        .to_string();

    let via_gw = e.cfg(
        t,
        json!({"route_table_id": rtb, "destination_cidr_block": "10.42.0.0/16", "gateway_id": gw_id}),
    );
    let route = e.create(t, &via_gw).await;
    // Terraform's id: "r-" + table + the CRC-32 of the destination (373735163 for this one).
    assert_eq!(s(&route, "id"), format!("r-{rtb}373735163"));
    assert_eq!(at(&route, "gateway_id"), gw_id.as_str());
    assert_eq!(at(&route, "network_interface_id"), J::Null);
    assert_eq!(at(&route, "origin"), "CreateRoute");
    assert_eq!(at(&route, "state"), "active");
    assert_eq!(
        aws_route_target(&e, &rtb, "10.42.0.0/16").await.as_deref(),
        Some(gw_id.as_str())
    );
    e.assert_unchanged(t, &route).await;
    e.assert_no_op(t, &route, &via_gw).await;

    // Routes carry no tags: there is no intent to find, but a repeated create (after a crash)
    // adopts the route it made.
    assert!(e.find_by_intent(t, "anything").await.is_none());
    let again = e.create(t, &via_gw).await;
    assert_eq!(again.to_json(), route.to_json());

    let via_eni = e.cfg(
        t,
        json!({"route_table_id": rtb, "destination_cidr_block": "10.42.0.0/16", "network_interface_id": eni}),
    );
    // A new target replaces the route in place (ReplaceRoute); what follows the target is
    // known after the apply.
    let (plan, moved) = update_known(&e, t, &route, &via_eni).await;
    assert!(unknown(&plan, "state") && unknown(&plan, "instance_id"));
    assert_eq!(s(&moved, "id"), s(&route, "id"));
    assert_eq!(at(&moved, "network_interface_id"), eni.as_str());
    assert_eq!(at(&moved, "gateway_id"), J::Null);
    assert_eq!(
        aws_route_target(&e, &rtb, "10.42.0.0/16").await.as_deref(),
        Some(eni.as_str())
    );
    e.assert_no_op(t, &moved, &via_eni).await;

    // A route to the same destination with another target is not adopted. (Asked with a
    // gateway: moto answers CreateRoute with a network interface target by overwriting any
    // route to the same destination, where AWS says RouteAlreadyExists.)
    let plan = e.plan(t, None, &via_gw).await;
    let d = e
        .try_apply(t, None, Some(&plan.planned_state), &via_gw, None)
        .await
        .unwrap_err();
    assert_eq!(d.0[0].summary, "Route already exists", "{}", messages(&d));
    assert!(
        d.0[0].detail.contains(&format!("{rtb}_10.42.0.0/16")),
        "{}",
        messages(&d)
    );

    // Drift: the target changed out of band shows, and the plan puts it back in place.
    e.ec2
        .replace_route()
        .route_table_id(&rtb)
        .destination_cidr_block("10.42.0.0/16")
        .gateway_id(&gw_id)
        .send()
        .await
        .unwrap();
    let drifted = e.read(t, &moved).await.unwrap();
    assert_eq!(at(&drifted, "gateway_id"), gw_id.as_str());
    assert_eq!(at(&drifted, "network_interface_id"), J::Null);
    let (_, repaired) = update_known(&e, t, &drifted, &via_eni).await;
    assert_eq!(at(&repaired, "network_interface_id"), eni.as_str());

    // The table and the destination force replacement.
    for (k, v) in [
        ("destination_cidr_block", json!("10.43.0.0/16")),
        ("route_table_id", json!("rtb-other")),
    ] {
        let mut j = via_eni.to_json();
        j[k] = v;
        assert_eq!(e.replaced_by(t, &repaired, &e.cfg(t, j)).await, [k]);
    }

    // Import by ROUTETABLEID_DESTINATION.
    let imported = e.import(t, &format!("{rtb}_10.42.0.0/16")).await;
    assert_eq!(imported.to_json(), repaired.to_json());
    e.assert_no_op(t, &imported, &via_eni).await;
    let d = e.p.import(t, "r-rtb-1234").await.unwrap_err();
    assert_eq!(d.0[0].summary, "Invalid import id");
    let d =
        e.p.import(t, &format!("{rtb}_10.99.0.0/16"))
            .await
            .unwrap_err();
    assert_eq!(d.0[0].summary, "Cannot import non-existent remote object");

    // An IPv6 destination.
    let v6 = e.cfg(
        t,
        json!({"route_table_id": rtb, "destination_ipv6_cidr_block": "::/0", "gateway_id": gw_id}),
    );
    let r6 = e.create(t, &v6).await;
    assert_eq!(s(&r6, "id"), format!("r-{rtb}2750132062"));
    assert_eq!(at(&r6, "destination_cidr_block"), J::Null);
    e.assert_no_op(t, &r6, &v6).await;
    assert_eq!(
        e.import(t, &format!("{rtb}_::/0")).await.to_json(),
        r6.to_json()
    );

    // Exactly one destination and one target.
    for bad in [
        json!({"route_table_id": rtb, "destination_cidr_block": "10.44.0.0/16", "gateway_id": gw_id, "network_interface_id": eni}),
        json!({"route_table_id": rtb, "gateway_id": gw_id}),
        json!({"route_table_id": rtb, "destination_cidr_block": "10.44.0.0/16", "destination_ipv6_cidr_block": "::/0", "gateway_id": gw_id}),
    ] {
        let d = e.try_plan(t, None, &e.cfg(t, bad)).await.unwrap_err();
        assert_eq!(d.0[0].summary, "Invalid combination of arguments");
    }

    // Deleted out of band: read says gone, and deleting again is fine.
    e.ec2
        .delete_route()
        .route_table_id(&rtb)
        .destination_ipv6_cidr_block("::/0")
        .send()
        .await
        .unwrap();
    assert!(e.read(t, &r6).await.is_none());
    e.delete(t, &r6).await;

    e.delete(t, &repaired).await;
    assert_eq!(aws_route_target(&e, &rtb, "10.42.0.0/16").await, None);
    // The table itself is untouched.
    assert!(e.read("aws_route_table", &table).await.is_some());
    e.ec2
        .delete_network_interface()
        .network_interface_id(&eni)
        .send()
        .await
        .unwrap();
    for (ty, v) in [
        ("aws_route_table", &table),
        ("aws_subnet", &subnet),
        ("aws_internet_gateway", &gw),
        ("aws_vpc", &vpc),
    ] {
        e.delete(ty, v).await;
    }
}

/// Launches an instance in `subnet`: its id, primary interface and private address.
async fn instance(e: &Env, subnet: &str) -> (String, String, String) {
    let ami = e
        .ec2
        .describe_images()
        .send()
        .await
        .unwrap()
        .images()
        .first()
        .and_then(|i| i.image_id())
        .expect("the emulator has images")
        .to_string();
    let out = e
        .ec2
        .run_instances()
        .image_id(ami)
        .min_count(1)
        .max_count(1)
        .subnet_id(subnet)
        .send()
        .await
        .unwrap();
    let i = &out.instances()[0];
    (
        i.instance_id().unwrap().to_string(),
        i.network_interfaces()[0]
            .network_interface_id()
            .unwrap()
            .to_string(),
        i.private_ip_address().unwrap().to_string(),
    )
}

#[tokio::test]
async fn eip_lifecycle() {
    let e = env().await;
    let t = "aws_eip";
    let vpc = e.vpc("10.33.0.0/16").await;
    let vpc_id = s(&vpc, "id");
    let gw = e
        .create(
            "aws_internet_gateway",
            &e.cfg("aws_internet_gateway", json!({"vpc_id": vpc_id})),
        )
        .await;
    let subnet = e
        .create(
            "aws_subnet",
            &e.cfg(
                "aws_subnet",
                json!({"vpc_id": vpc_id, "cidr_block": "10.33.1.0/24"}),
            ),
        )
        .await;
    let (a, b) = (
        instance(&e, &s(&subnet, "id")).await,
        instance(&e, &s(&subnet, "id")).await,
    );

    let on_a = e.cfg(t, json!({"instance": a.0, "tags": {"Name": "web"}}));
    let eip = e.create_with_intent(t, &on_a, "eip-intent").await;
    let id = s(&eip, "id");
    assert!(id.starts_with("eipalloc-"), "{id}");
    assert_eq!(s(&eip, "allocation_id"), id);
    assert_eq!(at(&eip, "domain"), "vpc");
    assert_eq!(at(&eip, "instance"), a.0.as_str());
    assert_eq!(at(&eip, "network_interface"), a.1.as_str());
    assert_eq!(at(&eip, "private_ip"), a.2.as_str());
    assert!(s(&eip, "association_id").starts_with("eipassoc-"));
    assert!(s(&eip, "arn").ends_with(&format!(":elastic-ip/{id}")));
    let ip = s(&eip, "public_ip");
    let host = if e.region == "us-east-1" {
        "compute-1".to_string()
    } else {
        format!("{}.compute", e.region)
    };
    assert_eq!(
        s(&eip, "public_dns"),
        format!("ec2-{}.{host}.amazonaws.com", ip.replace('.', "-"))
    );
    assert!(s(&eip, "private_dns").starts_with(&format!("ip-{}.", a.2.replace('.', "-"))));
    let aws = |e: &Env| {
        let id = id.clone();
        let ec2 = e.ec2.clone();
        async move {
            ec2.describe_addresses()
                .allocation_ids(id)
                .send()
                .await
                .unwrap()
                .addresses()[0]
                .clone()
        }
    };
    assert_eq!(aws(&e).await.instance_id(), Some(a.0.as_str()));
    assert_eq!(
        e.ec2_tags(&id)
            .await
            .get(infra_aws::INTENT_TAG)
            .map(String::as_str),
        Some("eip-intent")
    );
    e.assert_unchanged(t, &eip).await;
    e.assert_no_op(t, &eip, &on_a).await;

    // Another instance: the association moves in place and gets a new id.
    let on_b = e.cfg(t, json!({"instance": b.0, "tags": {"Name": "web"}}));
    let (plan, moved) = update_known(&e, t, &eip, &on_b).await;
    assert!(unknown(&plan, "association_id") && unknown(&plan, "network_interface"));
    assert_eq!(s(&moved, "id"), id);
    assert_eq!(at(&moved, "instance"), b.0.as_str());
    assert_eq!(at(&moved, "network_interface"), b.1.as_str());
    assert_eq!(at(&moved, "public_ip"), ip.as_str());
    assert_ne!(at(&moved, "association_id"), at(&eip, "association_id"));
    assert_eq!(aws(&e).await.instance_id(), Some(b.0.as_str()));
    e.assert_no_op(t, &moved, &on_b).await;

    // Tags alone change in place, the association untouched.
    let tagged = e.cfg(t, json!({"instance": b.0, "tags": {"Name": "web2"}}));
    let retagged = e.update(t, &moved, &tagged).await;
    assert_eq!(
        at(&retagged, "association_id"),
        at(&moved, "association_id")
    );
    assert_eq!(
        e.ec2_tags(&id).await.get("Name").map(String::as_str),
        Some("web2")
    );

    // Drift: disassociated out of band shows, and the plan associates again.
    e.ec2
        .disassociate_address()
        .association_id(s(&retagged, "association_id"))
        .send()
        .await
        .unwrap();
    let drifted = e.read(t, &retagged).await.unwrap();
    assert_eq!(at(&drifted, "instance"), J::Null);
    assert_eq!(at(&drifted, "association_id"), J::Null);
    let (_, back) = update_known(&e, t, &drifted, &tagged).await;
    assert_eq!(at(&back, "instance"), b.0.as_str());

    // A network interface instead of an instance.
    let on_eni = e.cfg(
        t,
        json!({"network_interface": a.1, "tags": {"Name": "web2"}}),
    );
    let (plan, on_iface) = update_known(&e, t, &back, &on_eni).await;
    assert!(unknown(&plan, "instance"));
    assert_eq!(at(&on_iface, "network_interface"), a.1.as_str());
    assert_eq!(at(&on_iface, "private_ip"), a.2.as_str());
    assert_eq!(aws(&e).await.network_interface_id(), Some(a.1.as_str()));
    e.assert_no_op(t, &on_iface, &on_eni).await;

    for (k, v) in [
        ("domain", json!("standard")),
        ("address", json!("203.0.113.7")),
        ("public_ipv4_pool", json!("ipv4pool-ec2-0123")),
    ] {
        let mut j = on_eni.to_json();
        j[k] = v;
        assert_eq!(e.replaced_by(t, &on_iface, &e.cfg(t, j)).await, [k]);
    }
    let d = e
        .try_plan(t, None, &e.cfg(t, json!({"domain": "classic"})))
        .await
        .unwrap_err();
    assert_eq!(d.0[0].summary, "Invalid value for domain");

    assert_eq!(
        s(&e.find_by_intent(t, "eip-intent").await.unwrap(), "id"),
        id
    );
    assert!(e.find_by_intent(t, "no-such-intent").await.is_none());
    let imported = e.import(t, &id).await;
    assert_eq!(imported.to_json(), on_iface.to_json());
    e.assert_no_op(t, &imported, &on_eni).await;

    // Delete disassociates, then releases.
    e.delete(t, &on_iface).await;
    let left = e.ec2.describe_addresses().send().await.unwrap();
    assert!(left.addresses().is_empty(), "{left:?}");

    // An address with no association; released out of band.
    let plain_cfg = e.cfg(t, json!({}));
    let plain = e.create(t, &plain_cfg).await;
    assert_eq!(at(&plain, "domain"), "vpc");
    assert_eq!(at(&plain, "instance"), J::Null);
    assert_eq!(at(&plain, "association_id"), J::Null);
    assert_eq!(at(&plain, "private_dns"), J::Null);
    e.assert_no_op(t, &plain, &plain_cfg).await;
    e.ec2
        .release_address()
        .allocation_id(s(&plain, "id"))
        .send()
        .await
        .unwrap();
    assert!(e.read(t, &plain).await.is_none());
    e.delete(t, &plain).await;

    e.ec2
        .terminate_instances()
        .instance_ids(&a.0)
        .instance_ids(&b.0)
        .send()
        .await
        .unwrap();
    e.delete("aws_internet_gateway", &gw).await;
}
