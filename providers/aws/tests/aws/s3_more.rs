//! `aws_s3_bucket_lifecycle_configuration` and `aws_s3_object`.
//!
//! What moto (5.1.22) cannot show, so these tests do not use it: lifecycle filters on object size
//! (`object_size_greater_than`/`_less_than`, at the top of `filter` and inside `and`) and
//! `newer_noncurrent_versions` of `noncurrent_version_expiration` are accepted but dropped, and
//! `transition_default_minimum_object_size` is not stored (GetBucketLifecycleConfiguration always
//! answers `all_storage_classes_128K`); objects encrypted with KMS, whose ETag is not the MD5 of
//! the body, cannot be told apart from others.

use aws_sdk_s3::types::{
    BucketLifecycleConfiguration, ExpirationStatus, LifecycleExpiration, LifecycleRule,
    LifecycleRuleFilter, Tag, Tagging,
};
use infra_core::Value;
use serde_json::{json, Value as J};

use crate::support::{at, env, messages, s, unique, Env};

const LC: &str = "aws_s3_bucket_lifecycle_configuration";
const OBJ: &str = "aws_s3_object";

async fn bucket(e: &Env, prefix: &str) -> (String, Value) {
    let name = unique(prefix);
    let cfg = e.cfg(
        "aws_s3_bucket",
        json!({"bucket": name, "force_destroy": true}),
    );
    let b = e.create("aws_s3_bucket", &cfg).await;
    (name, b)
}

async fn body(e: &Env, bucket: &str, key: &str) -> Vec<u8> {
    let out = e.s3.get_object().bucket(bucket).key(key).send().await;
    let out = out.unwrap_or_else(|err| panic!("GetObject {bucket}/{key}: {err:?}"));
    out.body.collect().await.unwrap().into_bytes().to_vec()
}

async fn object_tags(e: &Env, bucket: &str, key: &str) -> Vec<(String, String)> {
    let out = e.s3.get_object_tagging().bucket(bucket).key(key);
    let out = out.send().await.unwrap();
    out.tag_set()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// The versions and delete markers of `key`.
async fn versions(e: &Env, bucket: &str, key: &str) -> (usize, usize) {
    let out = e.s3.list_object_versions().bucket(bucket).prefix(key);
    let out = out.send().await.unwrap();
    let v = out.versions().iter().filter(|v| v.key() == Some(key));
    let m = out.delete_markers().iter().filter(|m| m.key() == Some(key));
    (v.count(), m.count())
}

/// `Env::update` for plans with unknowns (an object's new ETag and version): plans an in-place
/// update, applies it, and checks every attribute the plan knew came out as planned.
async fn update_object(e: &Env, prior: &Value, config: &Value) -> Value {
    let plan = e.plan(OBJ, Some(prior), config).await;
    assert!(
        plan.requires_replace.is_empty(),
        "{:?}",
        plan.requires_replace
    );
    assert_ne!(&plan.planned_state, prior, "the plan changes nothing");
    let state = e
        .try_apply(OBJ, Some(prior), Some(&plan.planned_state), config, None)
        .await
        .unwrap_or_else(|d| panic!("update: {}", messages(&d)))
        .expect("an updated object");
    assert!(state.is_wholly_known(), "{}", state.to_json());
    let planned = plan.planned_state.entries().unwrap();
    for (k, v) in state.entries().unwrap() {
        if planned[k].is_known() {
            assert_eq!(&planned[k], v, "{k} differs from the plan");
        }
    }
    state
}

fn rules_config(bucket: &str, logs_days: u32) -> J {
    json!({"bucket": bucket, "rule": [
        {"id": "logs", "status": "Enabled", "filter": [{"prefix": "logs/"}],
         "transition": [{"days": 30, "storage_class": "STANDARD_IA"},
                        {"days": 0, "storage_class": "GLACIER"}],
         "expiration": [{"days": logs_days, "expired_object_delete_marker": false}]},
        {"id": "everything", "status": "Enabled",
         "abort_incomplete_multipart_upload": [{"days_after_initiation": 7}],
         "noncurrent_version_expiration": [{"noncurrent_days": 30}]},
        {"id": "tmp", "status": "Disabled",
         "filter": [{"and": [{"prefix": "tmp/", "tags": {"a": "1", "b": "2"}}]}],
         "expiration": [{"date": "2030-01-01"}]},
        {"id": "markers", "status": "Enabled", "filter": [{}],
         "expiration": [{"expired_object_delete_marker": true}],
         "noncurrent_version_transition": [{"noncurrent_days": 30, "storage_class": "STANDARD_IA"}]},
    ]})
}

#[tokio::test]
async fn lifecycle_configuration_lifecycle() {
    let e = env().await;
    let (name, b) = bucket(&e, "lc").await;
    let cfg = e.cfg(LC, rules_config(&name, 365));
    let lc = e.create(LC, &cfg).await;
    assert_eq!(s(&lc, "id"), name);
    let rules = at(&lc, "rule");
    assert_eq!(rules.as_array().map(Vec::len), Some(4), "{rules}");
    assert_eq!(rules[0]["filter"][0]["prefix"], "logs/");
    assert_eq!(rules[2]["expiration"][0]["date"], "2030-01-01");
    e.assert_unchanged(LC, &lc).await;
    e.assert_no_op(LC, &lc, &cfg).await;

    // What AWS has.
    let out = e.s3.get_bucket_lifecycle_configuration().bucket(&name);
    let out = out.send().await.unwrap();
    let ids: Vec<_> = out.rules().iter().filter_map(|r| r.id()).collect();
    assert_eq!(ids, ["logs", "everything", "tmp", "markers"]);
    let logs = &out.rules()[0];
    assert_eq!(logs.filter().and_then(|f| f.prefix()), Some("logs/"));
    assert_eq!(logs.expiration().and_then(|x| x.days()), Some(365));
    let tmp = out.rules()[2].filter().and_then(|f| f.and()).unwrap();
    assert_eq!((tmp.prefix(), tmp.tags().len()), (Some("tmp/"), 2));
    assert_eq!(out.rules()[2].status(), &ExpirationStatus::Disabled);

    // In place: a changed expiration, a rule fewer, another enabled.
    let mut j = rules_config(&name, 400);
    j["rule"].as_array_mut().unwrap().pop();
    j["rule"][2]["status"] = json!("Enabled");
    let cfg2 = e.cfg(LC, j);
    let lc2 = e.update(LC, &lc, &cfg2).await;
    e.assert_no_op(LC, &lc2, &cfg2).await;
    let out = e.s3.get_bucket_lifecycle_configuration().bucket(&name);
    let out = out.send().await.unwrap();
    assert_eq!(out.rules().len(), 3);
    assert_eq!(
        out.rules()[0].expiration().and_then(|x| x.days()),
        Some(400)
    );
    assert_eq!(out.rules()[2].status(), &ExpirationStatus::Enabled);
    let mut other = cfg2.to_json();
    other["bucket"] = json!("other-bucket");
    assert_eq!(e.replaced_by(LC, &lc2, &e.cfg(LC, other)).await, ["bucket"]);

    // Rules changed out of band show as drift, and the next update puts them back.
    let rule = LifecycleRule::builder()
        .id("oob")
        .status(ExpirationStatus::Enabled)
        .filter(LifecycleRuleFilter::builder().prefix("x/").build())
        .expiration(LifecycleExpiration::builder().days(3).build())
        .build()
        .unwrap();
    let conf = BucketLifecycleConfiguration::builder().rules(rule).build();
    e.s3.put_bucket_lifecycle_configuration()
        .bucket(&name)
        .lifecycle_configuration(conf.unwrap())
        .send()
        .await
        .unwrap();
    let drifted = e.read(LC, &lc2).await.expect("still configured");
    let rules = at(&drifted, "rule");
    assert_eq!(rules.as_array().map(Vec::len), Some(1), "{rules}");
    assert_eq!(rules[0]["id"], "oob");
    assert_eq!(rules[0]["expiration"][0]["days"], 3);
    let lc3 = e.update(LC, &drifted, &cfg2).await;
    assert_eq!(lc3.to_json(), lc2.to_json());

    // Import, then a clean plan; there is no intent to find.
    let imported = e.import(LC, &name).await;
    e.assert_no_op(LC, &imported, &cfg2).await;
    assert!(e.find_by_intent(LC, "any-marker").await.is_none());

    // Deleted out of band: gone. Re-created, then deleted.
    e.s3.delete_bucket_lifecycle()
        .bucket(&name)
        .send()
        .await
        .unwrap();
    assert!(e.read(LC, &lc3).await.is_none());
    let lc4 = e.create(LC, &cfg2).await;
    e.delete(LC, &lc4).await;
    let err = e.s3.get_bucket_lifecycle_configuration().bucket(&name);
    let err = err.send().await.unwrap_err();
    assert_eq!(
        aws_sdk_s3::error::ProvideErrorMetadata::code(&err),
        Some("NoSuchLifecycleConfiguration")
    );

    // With the bucket gone, the configuration reads as gone.
    let lc5 = e.create(LC, &cfg2).await;
    e.delete("aws_s3_bucket", &b).await;
    assert!(e.read(LC, &lc5).await.is_none());
}

#[tokio::test]
async fn lifecycle_configuration_forms_and_validation() {
    let e = env().await;
    let (name, _b) = bucket(&e, "lcforms").await;
    // Every object, written three ways, plus the deprecated rule-level prefix; each reads back
    // as written.
    let every = |filter: J| {
        let mut r = json!({"id": "r", "status": "Enabled", "expiration": [{"days": 1}]});
        if !filter.is_null() {
            r["filter"] = filter;
        }
        e.cfg(LC, json!({"bucket": name, "rule": [r]}))
    };
    for form in [
        J::Null,
        json!([{}]),
        json!([{"prefix": ""}]),
        json!([{"tag": [{"key": "k", "value": "v"}]}]),
    ] {
        let cfg = every(form.clone());
        let lc = e.create(LC, &cfg).await;
        assert_eq!(
            at(&lc, "rule")[0]["filter"],
            e.cfg(LC, cfg.to_json()).to_json()["rule"][0]["filter"],
            "{form}"
        );
        e.assert_unchanged(LC, &lc).await;
        e.assert_no_op(LC, &lc, &cfg).await;
    }
    let legacy = e.cfg(
        LC,
        json!({"bucket": name, "rule": [{"id": "old", "status": "Enabled", "prefix": "old/", "expiration": [{"days": 2}]}]}),
    );
    let lc = e.create(LC, &legacy).await;
    assert_eq!(at(&lc, "rule")[0]["prefix"], "old/");
    e.assert_no_op(LC, &lc, &legacy).await;
    // Imported, an every-object rule reads as `filter {}`.
    let cfg = every(json!([{}]));
    let lc = e.update(LC, &lc, &cfg).await;
    let imported = e.import(LC, &name).await;
    e.assert_no_op(LC, &imported, &cfg).await;
    e.delete(LC, &lc).await;

    let bad = e.cfg(
        LC,
        json!({"bucket": name, "rule": [{"id": "r", "status": "On", "expiration": [{"date": "soon"}]}]}),
    );
    let d = e.try_plan(LC, None, &bad).await.unwrap_err();
    let m = messages(&d);
    assert!(
        m.contains("\"Enabled\" or \"Disabled\"") && m.contains("\"soon\" is not a date"),
        "{m}"
    );
    // A bucket that does not exist: the error names the operation and the AWS code.
    let missing = e.cfg(LC, rules_config(&unique("nobucket"), 1));
    let plan = e.plan(LC, None, &missing).await;
    let d = e
        .try_apply(LC, None, Some(&plan.planned_state), &missing, None)
        .await
        .unwrap_err();
    let m = messages(&d);
    assert!(
        m.contains("PutBucketLifecycleConfiguration returned NoSuchBucket"),
        "{m}"
    );
}

#[tokio::test]
async fn s3_object_lifecycle() {
    let e = env().await;
    let (name, _b) = bucket(&e, "obj").await;
    let cfg = |content: &str, tags: J| {
        e.cfg(
            OBJ,
            json!({"bucket": name, "key": "docs/a.txt", "content": content,
                   "content_type": "text/plain", "cache_control": "max-age=60",
                   "metadata": {"owner": "web"}, "tags": tags}),
        )
    };
    let c1 = cfg("hello", json!({"Name": "a"}));
    let o = e.create_with_intent(OBJ, &c1, "object-intent").await;
    assert_eq!(s(&o, "id"), "docs/a.txt");
    assert_eq!(s(&o, "etag"), "5d41402abc4b2a76b9719d911017c592");
    assert_eq!(s(&o, "arn"), format!("arn:aws:s3:::{name}/docs/a.txt"));
    assert_eq!(s(&o, "storage_class"), "STANDARD");
    assert_eq!(body(&e, &name, "docs/a.txt").await, b"hello");
    let head = e.s3.head_object().bucket(&name).key("docs/a.txt");
    let head = head.send().await.unwrap();
    assert_eq!(head.content_type(), Some("text/plain"));
    assert_eq!(head.cache_control(), Some("max-age=60"));
    assert_eq!(
        head.metadata()
            .and_then(|m| m.get("owner"))
            .map(String::as_str),
        Some("web")
    );
    let tags = object_tags(&e, &name, "docs/a.txt").await;
    assert!(
        tags.contains(&(infra_aws::INTENT_TAG.into(), "object-intent".into())),
        "{tags:?}"
    );
    e.assert_unchanged(OBJ, &o).await;
    e.assert_no_op(OBJ, &o, &c1).await;

    // New content: put again in place, the intent tag kept.
    let c2 = cfg("hello world", json!({"Name": "a"}));
    let plan = e.plan(OBJ, Some(&o), &c2).await;
    assert!(
        !plan.planned_state.to_json()["etag"].is_string(),
        "etag should be unknown"
    );
    let o2 = update_object(&e, &o, &c2).await;
    assert_eq!(s(&o2, "etag"), "5eb63bbbe01eeed093cb22bb8f5acdc3");
    assert_eq!(body(&e, &name, "docs/a.txt").await, b"hello world");
    let tags = object_tags(&e, &name, "docs/a.txt").await;
    assert!(
        tags.contains(&(infra_aws::INTENT_TAG.into(), "object-intent".into())),
        "{tags:?}"
    );
    // Tags alone: PutObjectTagging, the body and ETag untouched.
    let c3 = cfg("hello world", json!({"Name": "b", "Env": "t"}));
    let o3 = e.update(OBJ, &o2, &c3).await;
    assert_eq!(at(&o3, "etag"), at(&o2, "etag"));
    let tags = object_tags(&e, &name, "docs/a.txt").await;
    assert!(
        tags.contains(&("Env".into(), "t".into())) && tags.len() == 3,
        "{tags:?}"
    );
    e.assert_no_op(OBJ, &o3, &c3).await;
    let mut moved = c3.to_json();
    moved["key"] = json!("docs/b.txt");
    assert_eq!(e.replaced_by(OBJ, &o3, &e.cfg(OBJ, moved)).await, ["key"]);

    // The body replaced out of band: the ETag differs, the plan puts it back.
    e.s3.put_object()
        .bucket(&name)
        .key("docs/a.txt")
        .body(b"tampered".to_vec().into())
        .content_type("text/plain")
        .cache_control("max-age=60")
        .metadata("owner", "web")
        .send()
        .await
        .unwrap();
    let drifted = e.read(OBJ, &o3).await.expect("still there");
    assert_ne!(at(&drifted, "etag"), at(&o3, "etag"));
    assert_eq!(at(&drifted, "content"), J::Null);
    // PutObject without tagging dropped the tags too.
    assert_eq!(at(&drifted, "tags"), json!({}));
    let o4 = update_object(&e, &drifted, &c3).await;
    assert_eq!(body(&e, &name, "docs/a.txt").await, b"hello world");
    assert_eq!(at(&o4, "etag"), at(&o3, "etag"));
    e.assert_no_op(OBJ, &o4, &c3).await;

    // Tags changed out of band show as drift.
    let tagging = Tagging::builder()
        .tag_set(Tag::builder().key("Name").value("edited").build().unwrap())
        .build()
        .unwrap();
    e.s3.put_object_tagging()
        .bucket(&name)
        .key("docs/a.txt")
        .tagging(tagging)
        .send()
        .await
        .unwrap();
    let drifted = e.read(OBJ, &o4).await.unwrap();
    assert_eq!(at(&drifted, "tags"), json!({"Name": "edited"}));
    assert_eq!(at(&drifted, "etag"), at(&o4, "etag"));
    let o4 = e.update(OBJ, &drifted, &c3).await;

    // Headers and metadata changed out of band show too.
    e.s3.copy_object()
        .bucket(&name)
        .key("docs/a.txt")
        .copy_source(format!("{name}/docs/a.txt"))
        .metadata_directive(aws_sdk_s3::types::MetadataDirective::Replace)
        .content_type("application/json")
        .metadata("owner", "someone-else")
        .send()
        .await
        .unwrap();
    let drifted = e.read(OBJ, &o4).await.unwrap();
    assert_eq!(at(&drifted, "content_type"), "application/json");
    assert_eq!(at(&drifted, "metadata"), json!({"owner": "someone-else"}));
    assert_eq!(at(&drifted, "cache_control"), J::Null);
    let o5 = update_object(&e, &drifted, &c3).await;
    let head = e.s3.head_object().bucket(&name).key("docs/a.txt");
    let head = head.send().await.unwrap();
    assert_eq!(head.content_type(), Some("text/plain"));
    assert_eq!(
        head.metadata()
            .and_then(|m| m.get("owner"))
            .map(String::as_str),
        Some("web")
    );

    // Import by BUCKET/KEY and s3://BUCKET/KEY: what AWS has, without the body.
    for id in [
        format!("{name}/docs/a.txt"),
        format!("s3://{name}/docs/a.txt"),
    ] {
        let imported = e.import(OBJ, &id).await;
        let (mut a, mut b) = (imported.to_json(), o5.to_json());
        assert_eq!(a["content"], J::Null);
        a["content"] = J::Null;
        b["content"] = J::Null;
        assert_eq!(a, b, "{id}");
    }
    let d = e.p.import(OBJ, "no-slash").await.unwrap_err();
    assert!(messages(&d).contains("BUCKET/KEY"), "{}", messages(&d));

    // Deleted out of band: gone. Then created again and deleted.
    e.s3.delete_object()
        .bucket(&name)
        .key("docs/a.txt")
        .send()
        .await
        .unwrap();
    assert!(e.read(OBJ, &o5).await.is_none());
    let o6 = e.create(OBJ, &c3).await;
    e.delete(OBJ, &o6).await;
    assert_eq!(versions(&e, &name, "docs/a.txt").await, (0, 0));
}

#[tokio::test]
async fn s3_object_sources_versions_and_intent() {
    let e = env().await;
    let (name, _b) = bucket(&e, "objv").await;
    let versioning = e.cfg(
        "aws_s3_bucket_versioning",
        json!({"bucket": name, "versioning_configuration": [{"status": "Enabled"}]}),
    );
    e.create("aws_s3_bucket_versioning", &versioning).await;

    // An object from a local file.
    let path = std::env::temp_dir().join(unique("infra-s3-source"));
    std::fs::write(&path, "<h1>v1</h1>").unwrap();
    let file = path.to_str().unwrap().to_string();
    let cfg = |hash: &str| {
        e.cfg(
            OBJ,
            json!({"bucket": name, "key": "index.html", "source": file, "source_hash": hash,
                   "content_type": "text/html"}),
        )
    };
    let c1 = cfg("v1");
    let o = e.create_with_intent(OBJ, &c1, "source-intent").await;
    assert_eq!(s(&o, "etag"), "aca1f51053964c581998676e8daa0dae");
    let v1 = s(&o, "version_id");
    e.assert_no_op(OBJ, &o, &c1).await;

    // The same create again (the engine died before recording it) adopts the object: no new put,
    // so no new version.
    let again = e.create_with_intent(OBJ, &c1, "source-intent").await;
    assert_eq!(again.to_json(), o.to_json());
    assert_eq!(versions(&e, &name, "index.html").await, (1, 0));
    // The marker alone names no bucket or key, and S3 cannot search by tag: nothing is found.
    assert!(e.find_by_intent(OBJ, "source-intent").await.is_none());
    // Crash recovery knows the planned bucket and key: the object with this intent is found
    // there, and one with another intent is not.
    let now = std::time::SystemTime::now();
    let found = e
        .find_created(OBJ, "source-intent", &c1, now)
        .await
        .expect("found at the planned bucket and key");
    assert_eq!(s(&found, "etag"), s(&o, "etag"));
    assert!(e
        .find_created(OBJ, "other-intent", &c1, now)
        .await
        .is_none());

    // A new file content, announced by source_hash: a new version.
    std::fs::write(&path, "<h1>v2</h1>").unwrap();
    let c2 = cfg("v2");
    let o2 = update_object(&e, &o, &c2).await;
    assert_eq!(s(&o2, "etag"), "97f7d70d7c74e46e1702eb38e286dfba");
    assert_ne!(s(&o2, "version_id"), v1);
    assert_eq!(body(&e, &name, "index.html").await, b"<h1>v2</h1>");
    assert_eq!(versions(&e, &name, "index.html").await, (2, 0));

    // An object in a versioned bucket is deleted with every version (as Terraform's provider
    // does), so the bucket can be destroyed after it.
    e.delete(OBJ, &o2).await;
    assert_eq!(versions(&e, &name, "index.html").await, (0, 0));

    // Binary content; force_destroy (a state-only change) deletes every version.
    let bin = |force: bool| {
        e.cfg(
            OBJ,
            json!({"bucket": name, "key": "bin", "content_base64": "AAFiaW5hcnk=", "force_destroy": force}),
        )
    };
    let b = e.create(OBJ, &bin(false)).await;
    assert_eq!(s(&b, "etag"), "0a3618d886b265f5986c91890c53f18d");
    // The AWS SDK for Rust sends this default (Terraform's Go SDK sends none, and S3 then records
    // binary/octet-stream).
    assert_eq!(s(&b, "content_type"), "application/octet-stream");
    assert_eq!(body(&e, &name, "bin").await, b"\x00\x01binary");
    e.assert_no_op(OBJ, &b, &bin(false)).await;
    let b2 = e.update(OBJ, &b, &bin(true)).await;
    assert_eq!(at(&b2, "version_id"), at(&b, "version_id"));
    e.s3.put_object()
        .bucket(&name)
        .key("bin")
        .body(b"second".to_vec().into())
        .send()
        .await
        .unwrap();
    assert_eq!(versions(&e, &name, "bin").await, (2, 0));
    let b3 = e.read(OBJ, &b2).await.unwrap();
    e.delete(OBJ, &b3).await;
    assert_eq!(versions(&e, &name, "bin").await, (0, 0));
    let _ = std::fs::remove_file(&path);

    // Validation.
    let two = e.cfg(
        OBJ,
        json!({"bucket": name, "key": "k", "content": "a", "source": file}),
    );
    let m = messages(&e.try_plan(OBJ, None, &two).await.unwrap_err());
    assert!(m.contains("content and source"), "{m}");
    let upper = e.cfg(
        OBJ,
        json!({"bucket": name, "key": "k", "content": "a", "metadata": {"Owner": "x"}}),
    );
    let m = messages(&e.try_plan(OBJ, None, &upper).await.unwrap_err());
    assert!(m.contains("lowercase"), "{m}");
    let missing = e.cfg(
        OBJ,
        json!({"bucket": name, "key": "k", "source": "/nonexistent/infra-file"}),
    );
    let plan = e.plan(OBJ, None, &missing).await;
    let m = messages(
        &e.try_apply(OBJ, None, Some(&plan.planned_state), &missing, None)
            .await
            .unwrap_err(),
    );
    assert!(m.contains("/nonexistent/infra-file"), "{m}");
}
