//! The provider block, default tags, and how errors are reported.

use serde_json::json;

use crate::moto::moto;
use crate::support::{at, env, env_with, messages, provider_config, s, value_for};

#[tokio::test]
async fn default_tags_are_merged_into_tags_all() {
    let e = env_with(json!({"default_tags": [{"tags": {"Team": "core", "Env": "prod"}}]})).await;
    let cfg = e.cfg(
        "aws_vpc",
        json!({"cidr_block": "10.30.0.0/16", "tags": {"Name": "main", "Env": "dev"}}),
    );
    let vpc = e.create("aws_vpc", &cfg).await;
    assert_eq!(at(&vpc, "tags"), json!({"Name": "main", "Env": "dev"}));
    assert_eq!(
        at(&vpc, "tags_all"),
        json!({"Name": "main", "Env": "dev", "Team": "core"})
    );
    let tags = e.ec2_tags(&s(&vpc, "id")).await;
    assert_eq!(tags.get("Team").map(String::as_str), Some("core"));
    e.assert_unchanged("aws_vpc", &vpc).await;
    e.assert_no_op("aws_vpc", &vpc, &cfg).await;
    // A resource without tags still gets the defaults.
    let bare = e.cfg("aws_vpc", json!({"cidr_block": "10.31.0.0/16"}));
    let vpc2 = e.create("aws_vpc", &bare).await;
    assert_eq!(at(&vpc2, "tags"), serde_json::Value::Null);
    assert_eq!(
        at(&vpc2, "tags_all"),
        json!({"Team": "core", "Env": "prod"})
    );
    e.assert_no_op("aws_vpc", &vpc2, &bare).await;
    e.delete("aws_vpc", &vpc).await;
    e.delete("aws_vpc", &vpc2).await;
}

#[tokio::test]
async fn credentials_are_validated_with_sts_unless_skipped() {
    let p = infra_aws::provider();
    let checked = provider_config(
        "us-east-1",
        json!({"skip_credentials_validation": false, "skip_requesting_account_id": false}),
    );
    p.configure(&value_for(&p.schema().provider, &checked))
        .await
        .unwrap_or_else(|d| panic!("{}", messages(&d)));

    let p = infra_aws::provider();
    let ep = &moto().endpoint;
    let unreachable = provider_config(
        "us-east-1",
        json!({"skip_credentials_validation": false, "max_retries": 0,
               "endpoints": [{"ec2": ep, "s3": ep, "sts": "http://127.0.0.1:1"}]}),
    );
    let d = p
        .configure(&value_for(&p.schema().provider, &unreachable))
        .await
        .unwrap_err();
    let m = messages(&d);
    assert_eq!(d.0[0].summary, "AWS request failed", "{m}");
    assert!(
        m.contains("validating the provider's credentials") && m.contains("GetCallerIdentity"),
        "{m}"
    );
    assert!(m.contains("skip_credentials_validation"), "{m}");

    let p = infra_aws::provider();
    let half = provider_config("us-east-1", json!({"secret_key": null}));
    let d = p
        .configure(&value_for(&p.schema().provider, &half))
        .await
        .unwrap_err();
    assert_eq!(d.0[0].summary, "Invalid provider configuration");
}

#[tokio::test]
async fn aws_errors_name_the_operation_code_and_message() {
    let e = env().await;
    let vpc = e.vpc("10.40.0.0/16").await;
    let cfg = e.cfg(
        "aws_subnet",
        json!({"vpc_id": s(&vpc, "id"), "cidr_block": "10.99.0.0/24"}),
    );
    let plan = e.plan("aws_subnet", None, &cfg).await;
    let d = e
        .try_apply("aws_subnet", None, Some(&plan.planned_state), &cfg, None)
        .await
        .unwrap_err();
    let m = messages(&d);
    assert_eq!(d.0[0].summary, "AWS API error", "{m}");
    assert!(
        m.contains("Error creating aws_subnet: CreateSubnet returned InvalidSubnet.Range"),
        "{m}"
    );
    assert!(m.contains("10.99.0.0/24"), "{m}");
}

#[tokio::test]
async fn a_create_that_fails_half_way_is_rolled_back() {
    let e = env().await;
    let vpc = e.vpc("10.41.0.0/16").await;
    let cfg = e.cfg(
        "aws_security_group",
        json!({"name": "half", "vpc_id": s(&vpc, "id"),
               "ingress": [{"from_port": 1, "to_port": 1, "protocol": "tcp", "cidr_blocks": ["not-a-cidr"]}]}),
    );
    let plan = e.plan("aws_security_group", None, &cfg).await;
    let d = e
        .try_apply(
            "aws_security_group",
            None,
            Some(&plan.planned_state),
            &cfg,
            Some("half-way"),
        )
        .await
        .unwrap_err();
    let m = messages(&d);
    assert!(
        m.contains("AuthorizeSecurityGroupIngress returned InvalidParameterValue"),
        "{m}"
    );
    assert!(m.contains("was deleted again"), "{m}");
    assert!(
        e.find_by_intent("aws_security_group", "half-way")
            .await
            .is_none(),
        "the group was left behind"
    );
}

/// Runs only as the child of `aws_endpoint_url_from_the_environment`, which sets the variable.
#[tokio::test]
#[ignore = "run by aws_endpoint_url_from_the_environment in a child process"]
async fn endpoint_url_child() {
    if std::env::var_os("INFRA_AWS_ENDPOINT_CHILD").is_none() {
        return;
    }
    let p = infra_aws::provider();
    let mut cfg = provider_config("us-east-1", json!({}));
    cfg.as_object_mut().unwrap().remove("endpoints");
    p.configure(&value_for(&p.schema().provider, &cfg))
        .await
        .unwrap_or_else(|d| panic!("{}", messages(&d)));
    let endpoint = std::env::var("AWS_ENDPOINT_URL").unwrap();
    let e = crate::support::Env::for_provider(p, "us-east-1", &endpoint);
    let vpc = e.vpc("10.50.0.0/16").await;
    e.assert_unchanged("aws_vpc", &vpc).await;
    e.delete("aws_vpc", &vpc).await;
}

#[test]
fn aws_endpoint_url_from_the_environment() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "provider::endpoint_url_child",
            "--ignored",
            "--nocapture",
        ])
        .env("AWS_ENDPOINT_URL", &moto().endpoint)
        .env("INFRA_AWS_ENDPOINT_CHILD", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("1 passed"),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
