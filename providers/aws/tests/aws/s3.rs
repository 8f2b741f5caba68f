//! `aws_s3_bucket` and its configuration resources.

use serde_json::json;

use crate::support::{at, env, messages, s, unique, Env};

async fn s3_tags(e: &Env, bucket: &str) -> Vec<(String, String)> {
    match e.s3.get_bucket_tagging().bucket(bucket).send().await {
        Ok(out) => out
            .tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[tokio::test]
async fn s3_bucket_lifecycle() {
    let e = env().await;
    let name = unique("docs");
    let cfg = e.cfg(
        "aws_s3_bucket",
        json!({"bucket": name, "tags": {"Name": "docs"}}),
    );
    let b = e
        .create_with_intent("aws_s3_bucket", &cfg, "bucket-intent")
        .await;
    assert_eq!(s(&b, "id"), name);
    assert_eq!(s(&b, "arn"), format!("arn:aws:s3:::{name}"));
    assert_eq!(s(&b, "region"), e.region);
    assert_eq!(
        s(&b, "bucket_regional_domain_name"),
        format!("{name}.s3.{}.amazonaws.com", e.region)
    );
    assert_eq!(at(&b, "force_destroy"), false);
    assert!(s3_tags(&e, &name)
        .await
        .contains(&(infra_aws::INTENT_TAG.into(), "bucket-intent".into())));
    e.assert_unchanged("aws_s3_bucket", &b).await;
    e.assert_no_op("aws_s3_bucket", &b, &cfg).await;

    // Tags change in place and the intent tag survives; force_destroy only changes the state.
    let cfg2 = e.cfg(
        "aws_s3_bucket",
        json!({"bucket": name, "force_destroy": true, "tags": {"Name": "docs2", "Env": "t"}}),
    );
    let b2 = e.update("aws_s3_bucket", &b, &cfg2).await;
    let tags = s3_tags(&e, &name).await;
    assert!(
        tags.contains(&("Name".into(), "docs2".into()))
            && tags.contains(&(infra_aws::INTENT_TAG.into(), "bucket-intent".into())),
        "{tags:?}"
    );
    e.assert_no_op("aws_s3_bucket", &b2, &cfg2).await;

    let renamed = e.cfg("aws_s3_bucket", json!({"bucket": unique("other"), "force_destroy": true, "tags": {"Name": "docs2", "Env": "t"}}));
    assert_eq!(
        e.replaced_by("aws_s3_bucket", &b2, &renamed).await,
        ["bucket"]
    );

    // Drift in tags shows.
    let tagging = aws_sdk_s3::types::Tagging::builder()
        .tag_set(
            aws_sdk_s3::types::Tag::builder()
                .key("Name")
                .value("edited")
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    e.s3.put_bucket_tagging()
        .bucket(&name)
        .tagging(tagging)
        .send()
        .await
        .unwrap();
    let drifted = e.read("aws_s3_bucket", &b2).await.unwrap();
    assert_eq!(at(&drifted, "tags"), json!({"Name": "edited"}));
    let b3 = e.update("aws_s3_bucket", &drifted, &cfg2).await;

    // find_by_intent only sees this create's marker; this bucket lost it out of band above.
    assert!(e
        .find_by_intent("aws_s3_bucket", "bucket-intent")
        .await
        .is_none());
    let imported = e.import("aws_s3_bucket", &name).await;
    assert_eq!(s(&imported, "id"), name);

    // A create of a name that exists without this intent fails and points at import.
    let d = e
        .try_apply(
            "aws_s3_bucket",
            None,
            Some(&e.plan("aws_s3_bucket", None, &cfg).await.planned_state),
            &cfg,
            Some("another"),
        )
        .await
        .unwrap_err();
    assert_eq!(d.0[0].summary, "Bucket already exists", "{}", messages(&d));

    // force_destroy deletes the objects with the bucket.
    e.s3.put_object()
        .bucket(&name)
        .key("a.txt")
        .body(b"hello".to_vec().into())
        .send()
        .await
        .unwrap();
    e.delete("aws_s3_bucket", &b3).await;
}

#[tokio::test]
async fn s3_bucket_intent_import_and_errors() {
    let e = env().await;
    let name = unique("intent");
    let cfg = e.cfg("aws_s3_bucket", json!({"bucket": name}));
    let b = e
        .create_with_intent("aws_s3_bucket", &cfg, "bucket-marker")
        .await;
    assert_eq!(at(&b, "tags"), serde_json::Value::Null);
    assert_eq!(at(&b, "tags_all"), json!({}));
    assert_eq!(
        s(
            &e.find_by_intent("aws_s3_bucket", "bucket-marker")
                .await
                .unwrap(),
            "id"
        ),
        name
    );
    // The same create repeated (the engine died before saving it) adopts the bucket.
    let again = e
        .create_with_intent("aws_s3_bucket", &cfg, "bucket-marker")
        .await;
    assert_eq!(again.to_json(), b.to_json());

    // Out-of-band bucket, imported, then planned clean.
    let oob = unique("oob");
    // us-east-1 takes no location constraint.
    let location = (e.region != "us-east-1").then(|| {
        aws_sdk_s3::types::CreateBucketConfiguration::builder()
            .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(
                e.region.as_str(),
            ))
            .build()
    });
    e.s3.create_bucket()
        .bucket(&oob)
        .set_create_bucket_configuration(location)
        .send()
        .await
        .unwrap();
    let imported = e.import("aws_s3_bucket", &oob).await;
    e.assert_no_op(
        "aws_s3_bucket",
        &imported,
        &e.cfg("aws_s3_bucket", json!({"bucket": oob})),
    )
    .await;

    // Without force_destroy a bucket with objects is not deleted, and the error says why.
    e.s3.put_object()
        .bucket(&oob)
        .key("k")
        .body(b"x".to_vec().into())
        .send()
        .await
        .unwrap();
    let d = e
        .try_apply("aws_s3_bucket", Some(&imported), None, &cfg, None)
        .await
        .unwrap_err();
    let m = messages(&d);
    assert!(
        m.contains("DeleteBucket returned BucketNotEmpty") && m.contains("force_destroy"),
        "{m}"
    );

    // Deleted out of band: gone.
    e.s3.delete_bucket().bucket(&name).send().await.unwrap();
    assert!(e.read("aws_s3_bucket", &b).await.is_none());
    let prefixed = e
        .create(
            "aws_s3_bucket",
            &e.cfg("aws_s3_bucket", json!({"bucket_prefix": "pre-"})),
        )
        .await;
    assert!(s(&prefixed, "bucket").starts_with("pre-"));
    assert_eq!(at(&prefixed, "bucket_prefix"), "pre-");
    e.assert_no_op(
        "aws_s3_bucket",
        &prefixed,
        &e.cfg("aws_s3_bucket", json!({"bucket_prefix": "pre-"})),
    )
    .await;
    e.delete("aws_s3_bucket", &prefixed).await;
}

#[tokio::test]
async fn s3_bucket_configuration_resources() {
    let e = env().await;
    let name = unique("conf");
    let bucket = e
        .create(
            "aws_s3_bucket",
            &e.cfg(
                "aws_s3_bucket",
                json!({"bucket": name, "force_destroy": true}),
            ),
        )
        .await;

    // Versioning.
    let t = "aws_s3_bucket_versioning";
    let on = e.cfg(
        t,
        json!({"bucket": name, "versioning_configuration": [{"status": "Enabled"}]}),
    );
    let v = e.create(t, &on).await;
    assert_eq!(s(&v, "id"), name);
    e.assert_unchanged(t, &v).await;
    e.assert_no_op(t, &v, &on).await;
    let suspended = e.cfg(
        t,
        json!({"bucket": name, "versioning_configuration": [{"status": "Suspended"}]}),
    );
    let v2 = e.update(t, &v, &suspended).await;
    let v3 = e.update(t, &v2, &on).await;
    assert_eq!(
        e.replaced_by(
            t,
            &v3,
            &e.cfg(
                t,
                json!({"bucket": "other", "versioning_configuration": [{"status": "Enabled"}]})
            )
        )
        .await,
        ["bucket"]
    );
    let imported = e.import(t, &name).await;
    e.assert_no_op(t, &imported, &on).await;

    // Encryption.
    let t = "aws_s3_bucket_server_side_encryption_configuration";
    let aes = e.cfg(t, json!({"bucket": name, "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}]}));
    let sse = e.create(t, &aes).await;
    e.assert_unchanged(t, &sse).await;
    e.assert_no_op(t, &sse, &aes).await;
    let kms = e.cfg(
        t,
        json!({"bucket": name, "rule": [{"bucket_key_enabled": true,
               "apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms", "kms_master_key_id": "alias/docs"}]}]}),
    );
    let sse2 = e.update(t, &sse, &kms).await;
    e.assert_no_op(t, &sse2, &kms).await;
    let mut elsewhere = kms.to_json();
    elsewhere["bucket"] = json!("other");
    assert_eq!(
        e.replaced_by(t, &sse2, &e.cfg(t, elsewhere)).await,
        ["bucket"]
    );
    let imported = e.import(t, &name).await;
    e.assert_no_op(t, &imported, &kms).await;

    // Public access block.
    let t = "aws_s3_bucket_public_access_block";
    let all = e.cfg(t, json!({"bucket": name, "block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}));
    let pab = e.create(t, &all).await;
    e.assert_unchanged(t, &pab).await;
    e.assert_no_op(t, &pab, &all).await;
    let some = e.cfg(t, json!({"bucket": name, "block_public_acls": true}));
    let pab2 = e.update(t, &pab, &some).await;
    assert_eq!(at(&pab2, "block_public_policy"), false);
    assert_eq!(
        e.replaced_by(
            t,
            &pab2,
            &e.cfg(t, json!({"bucket": "other", "block_public_acls": true}))
        )
        .await,
        ["bucket"]
    );
    let imported = e.import(t, &name).await;
    e.assert_no_op(t, &imported, &some).await;

    // Deletes: the block and the encryption go; versioning is suspended, as Terraform does.
    e.delete("aws_s3_bucket_public_access_block", &pab2).await;
    e.p.apply(infra_provider::ApplyRequest {
        type_name: "aws_s3_bucket_server_side_encryption_configuration".into(),
        prior_state: Some(sse2.clone()),
        planned_state: None,
        config: infra_core::Value::null(),
        intent: None,
    })
    .await
    .unwrap_or_else(|d| panic!("{}", messages(&d)));
    e.try_apply("aws_s3_bucket_versioning", Some(&v3), None, &on, None)
        .await
        .unwrap_or_else(|d| panic!("{}", messages(&d)));
    let after = e.read("aws_s3_bucket_versioning", &v3).await.unwrap();
    assert_eq!(
        at(&after, "versioning_configuration")[0]["status"],
        "Suspended"
    );

    // With the bucket gone, every configuration reads as gone.
    e.delete("aws_s3_bucket", &bucket).await;
    assert!(e.read("aws_s3_bucket_versioning", &v3).await.is_none());
    assert!(e
        .read("aws_s3_bucket_server_side_encryption_configuration", &sse2)
        .await
        .is_none());
    assert!(e
        .read("aws_s3_bucket_public_access_block", &pab)
        .await
        .is_none());
}

/// An apply killed between CreateBucket and PutBucketTagging leaves a bucket without the intent
/// tag (moto, like some S3 implementations, ignores the tags CreateBucket carries). Recovery
/// adopts the planned bucket when it is untagged and newer than the intent; never an older
/// bucket, nor one carrying another create's intent.
#[tokio::test]
async fn s3_bucket_interrupted_create_is_adopted_by_planned_name() {
    use std::time::{Duration, SystemTime};

    let e = env().await;
    let name = unique("half-made");
    let before = SystemTime::now() - Duration::from_secs(1);
    let mut req = e.s3.create_bucket().bucket(&name);
    if e.region != "us-east-1" {
        req = req.create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(
                    e.region.as_str(),
                ))
                .build(),
        );
    }
    req.send().await.expect("create bucket out of band");
    let planned = e.cfg("aws_s3_bucket", json!({"bucket": name}));

    let found = e
        .find_created("aws_s3_bucket", "m-1", &planned, before)
        .await
        .expect("the untagged bucket made after the intent is adopted");
    assert_eq!(s(&found, "id"), name);
    // The intent was recorded long after the bucket existed: someone else's bucket.
    let later = SystemTime::now() + Duration::from_secs(3600);
    assert!(e
        .find_created("aws_s3_bucket", "m-1", &planned, later)
        .await
        .is_none());
    // A bucket carrying another create's intent is not this one.
    e.s3.put_bucket_tagging()
        .bucket(&name)
        .tagging(
            aws_sdk_s3::types::Tagging::builder()
                .tag_set(
                    aws_sdk_s3::types::Tag::builder()
                        .key(infra_aws::INTENT_TAG)
                        .value("m-other")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert!(e
        .find_created("aws_s3_bucket", "m-1", &planned, before)
        .await
        .is_none());
    let tagged = e
        .find_created("aws_s3_bucket", "m-other", &planned, later)
        .await
        .expect("the bucket with this intent is found whatever its age");
    assert_eq!(s(&tagged, "id"), name);
    // No bucket of the planned name: nothing.
    let other = e.cfg("aws_s3_bucket", json!({"bucket": unique("never-made")}));
    assert!(e
        .find_created("aws_s3_bucket", "m-1", &other, before)
        .await
        .is_none());
    e.delete("aws_s3_bucket", &found).await;
}
