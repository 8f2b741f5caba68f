//! `aws_route_table` and `aws_route_table_association`.

use serde_json::json;

use crate::support::{at, env, messages, s};

#[tokio::test]
async fn route_table_lifecycle() {
    let e = env().await;
    let vpc = e.vpc("10.10.0.0/16").await;
    let vpc_id = s(&vpc, "id");
    let gw = e
        .create(
            "aws_internet_gateway",
            &e.cfg("aws_internet_gateway", json!({"vpc_id": vpc_id})),
        )
        .await;
    let gw_id = s(&gw, "id");
    let cfg = e.cfg(
        "aws_route_table",
        json!({"vpc_id": vpc_id, "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": gw_id}], "tags": {"Name": "public"}}),
    );
    let rt = e
        .create_with_intent("aws_route_table", &cfg, "rtb-intent")
        .await;
    let id = s(&rt, "id");
    assert!(id.starts_with("rtb-"));
    // Only the configured route: the local route is not shown.
    let routes = at(&rt, "route");
    assert_eq!(routes.as_array().map(Vec::len), Some(1), "{routes}");
    assert_eq!(routes[0]["gateway_id"], gw_id.as_str());
    e.assert_unchanged("aws_route_table", &rt).await;
    e.assert_no_op("aws_route_table", &rt, &cfg).await;

    // Routes and tags change in place.
    let more = e.cfg(
        "aws_route_table",
        json!({"vpc_id": vpc_id, "route": [
            {"cidr_block": "0.0.0.0/0", "gateway_id": gw_id},
            {"cidr_block": "192.168.0.0/16", "gateway_id": gw_id},
        ], "tags": {"Name": "public2"}}),
    );
    let rt2 = e.update("aws_route_table", &rt, &more).await;
    assert_eq!(at(&rt2, "route").as_array().map(Vec::len), Some(2));
    e.assert_no_op("aws_route_table", &rt2, &more).await;

    // Without route blocks the routes are left alone: no change planned.
    let unmanaged = e.cfg(
        "aws_route_table",
        json!({"vpc_id": vpc_id, "tags": {"Name": "public2"}}),
    );
    e.assert_no_op("aws_route_table", &rt2, &unmanaged).await;

    // Drift: a route deleted out of band shows, and the plan puts it back.
    e.ec2
        .delete_route()
        .route_table_id(&id)
        .destination_cidr_block("192.168.0.0/16")
        .send()
        .await
        .unwrap();
    let drifted = e.read("aws_route_table", &rt2).await.unwrap();
    assert_eq!(at(&drifted, "route").as_array().map(Vec::len), Some(1));
    let repaired = e.update("aws_route_table", &drifted, &more).await;
    assert_eq!(at(&repaired, "route").as_array().map(Vec::len), Some(2));
    // Removing a route block removes the route.
    let fewer = e.update("aws_route_table", &repaired, &cfg).await;
    assert_eq!(at(&fewer, "route").as_array().map(Vec::len), Some(1));

    let mut elsewhere = cfg.to_json();
    elsewhere["vpc_id"] = json!("vpc-other");
    assert_eq!(
        e.replaced_by(
            "aws_route_table",
            &fewer,
            &e.cfg("aws_route_table", elsewhere)
        )
        .await,
        ["vpc_id"]
    );

    assert_eq!(
        s(
            &e.find_by_intent("aws_route_table", "rtb-intent")
                .await
                .unwrap(),
            "id"
        ),
        id
    );
    let imported = e.import("aws_route_table", &id).await;
    e.assert_no_op("aws_route_table", &imported, &cfg).await;

    e.delete("aws_route_table", &fewer).await;
    let gone = e
        .create(
            "aws_route_table",
            &e.cfg("aws_route_table", json!({"vpc_id": vpc_id})),
        )
        .await;
    e.ec2
        .delete_route_table()
        .route_table_id(s(&gone, "id"))
        .send()
        .await
        .unwrap();
    assert!(e.read("aws_route_table", &gone).await.is_none());
    e.delete("aws_internet_gateway", &gw).await;
    e.delete("aws_vpc", &vpc).await;
}

#[tokio::test]
async fn route_table_association_lifecycle() {
    let e = env().await;
    let vpc = e.vpc("10.11.0.0/16").await;
    let vpc_id = s(&vpc, "id");
    let subnet = |cidr: &str| e.cfg("aws_subnet", json!({"vpc_id": vpc_id, "cidr_block": cidr}));
    let (sa, sb) = (
        e.create("aws_subnet", &subnet("10.11.1.0/24")).await,
        e.create("aws_subnet", &subnet("10.11.2.0/24")).await,
    );
    let table = || e.cfg("aws_route_table", json!({"vpc_id": vpc_id}));
    let (ta, tb) = (
        e.create("aws_route_table", &table()).await,
        e.create("aws_route_table", &table()).await,
    );

    let cfg = e.cfg(
        "aws_route_table_association",
        json!({"subnet_id": s(&sa, "id"), "route_table_id": s(&ta, "id")}),
    );
    let assoc = e.create("aws_route_table_association", &cfg).await;
    let id = s(&assoc, "id");
    assert!(id.starts_with("rtbassoc-"), "{id}");
    e.assert_unchanged("aws_route_table_association", &assoc)
        .await;
    e.assert_no_op("aws_route_table_association", &assoc, &cfg)
        .await;

    // A repeated create (as after a crash before the state was saved) adopts the association.
    let again = e.create("aws_route_table_association", &cfg).await;
    assert_eq!(s(&again, "id"), id);

    // Another subnet replaces; another route table moves the association in place.
    let other_subnet = e.cfg(
        "aws_route_table_association",
        json!({"subnet_id": s(&sb, "id"), "route_table_id": s(&ta, "id")}),
    );
    assert_eq!(
        e.replaced_by("aws_route_table_association", &assoc, &other_subnet)
            .await,
        ["subnet_id"]
    );
    let moved_cfg = e.cfg(
        "aws_route_table_association",
        json!({"subnet_id": s(&sa, "id"), "route_table_id": s(&tb, "id")}),
    );
    let plan = e
        .plan("aws_route_table_association", Some(&assoc), &moved_cfg)
        .await;
    assert!(plan.requires_replace.is_empty());
    assert!(
        !plan.planned_state.entries().unwrap()["id"].is_known(),
        "moving gives the association a new id"
    );
    let moved = e
        .try_apply(
            "aws_route_table_association",
            Some(&assoc),
            Some(&plan.planned_state),
            &moved_cfg,
            None,
        )
        .await
        .unwrap_or_else(|d| panic!("{}", messages(&d)))
        .unwrap();
    assert_eq!(at(&moved, "route_table_id"), s(&tb, "id").as_str());
    e.assert_no_op("aws_route_table_association", &moved, &moved_cfg)
        .await;

    // Import by SUBNET/ROUTE_TABLE, as Terraform's.
    let imported = e
        .import(
            "aws_route_table_association",
            &format!("{}/{}", s(&sa, "id"), s(&tb, "id")),
        )
        .await;
    assert_eq!(imported.to_json(), moved.to_json());
    let d =
        e.p.import("aws_route_table_association", "rtbassoc-only")
            .await
            .unwrap_err();
    assert_eq!(d.0[0].summary, "Invalid import id");

    // Exactly one of subnet_id and gateway_id.
    let both = e.cfg(
        "aws_route_table_association",
        json!({"subnet_id": "subnet-1", "gateway_id": "igw-1", "route_table_id": "rtb-1"}),
    );
    let d = e
        .try_plan("aws_route_table_association", None, &both)
        .await
        .unwrap_err();
    assert_eq!(d.0[0].summary, "Invalid combination of arguments");

    e.delete("aws_route_table_association", &moved).await;
    let b = e.create("aws_route_table_association", &other_subnet).await;
    e.ec2
        .disassociate_route_table()
        .association_id(s(&b, "id"))
        .send()
        .await
        .unwrap();
    assert!(e.read("aws_route_table_association", &b).await.is_none());
    for (t, v) in [
        ("aws_route_table", &ta),
        ("aws_route_table", &tb),
        ("aws_subnet", &sa),
        ("aws_subnet", &sb),
        ("aws_vpc", &vpc),
    ] {
        e.delete(t, v).await;
    }
}
