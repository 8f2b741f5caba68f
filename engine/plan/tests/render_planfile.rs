//! Plan files: exact round trips of rich plans, clear errors for files that are not (or no
//! longer) plan files, atomic writes, the configuration hash and the staleness checks.

mod render_support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use infra_core::addr::InstanceKey;
use infra_core::{Number, Type, Value};
use infra_plan::planfile::{
    check_fresh, config_hash, read_plan_file, write_plan_file, PlanFileContext, PlanFileError,
    SavedPlan, StalePlan, FORMAT_VERSION,
};
use infra_plan::{Action, Plan, PlanMode, Reason, ResourceChange};
use infra_provider::{AttrPath, PathStep};
use infra_state::{OutputValue, ResourceInstance};
use render_support::*;
use serde_json::json;

fn num(n: Number) -> Value {
    Value::Number(n)
}

/// Numbers at every precision infra makes, including ones whose decimal text is not exact.
fn awkward_numbers() -> Vec<Value> {
    let f = |x: f64| Number::from_f64(x).expect("finite");
    let third = Number::from_i64(1)
        .div(&Number::from_i64(3))
        .expect("divides");
    let huge53 = f(1e300).div(&f(1e-300)).expect("divides");
    let wide = f(1e300).mul(&f(1.000_000_000_000_1e300));
    let big = Number::from_bigint(&((num_bigint::BigInt::from(1u8) << 600u32) + 1u8));
    vec![
        num(Number::parse("123456789012345678901234567890.123456789").expect("literal")),
        num(Number::parse("-0").expect("literal")),
        num(Number::parse("1e1000000000").expect("literal")),
        num(f(0.1)),
        num(f(-2.5e-310)),
        num(Number::pos_inf()),
        num(Number::neg_inf()),
        num(Number::from_i64(0).neg()),
        num(Number::from_i64(i64::MIN)),
        num(Number::from_u64(u64::MAX)),
        num(third),
        num(huge53),
        num(wide),
        num(big),
    ]
}

fn key_addr(resource: &str, key: &str) -> String {
    format!("{resource}{}", InstanceKey::Str(key.into()))
}

fn rich_plan() -> Plan {
    let nested = obj(&[
        ("id", unknown()),
        (
            "rules",
            Value::List(
                Type::object([("port".to_string(), Type::Number)].into()),
                vec![
                    obj(&[("port", Value::Unknown(Type::Number))]),
                    obj(&[("port", n("443"))]),
                ],
            ),
        ),
        (
            "tags",
            map(&[
                ("Name", s("web")),
                ("Secret", s("pw").mark_sensitive()),
                ("Later", unknown()),
            ]),
        ),
        (
            "labels",
            Value::Set(Type::String, vec![unknown(), unknown()]),
        ),
        ("numbers", Value::Tuple(awkward_numbers())),
        ("password", obj(&[("value", s("hunter2"))]).mark_sensitive()),
        (
            "optional",
            Value::Null(Type::Object(
                Box::new(BTreeMap::from([
                    ("a".to_string(), Type::String),
                    ("b".to_string(), Type::list(Type::Dynamic)),
                ])),
                Box::new(BTreeSet::from(["b".to_string()])),
            )),
        ),
        ("nothing", Value::null()),
        ("text", s("multi\nline \"quoted\" \u{1F600} and \u{0}")),
    ]);
    let id = |v: &str| obj(&[("id", s(v))]);
    let mut forced = change(
        &format!(
            "module.net{}.module.sub[-1].null_resource.r[3]",
            InstanceKey::Str("eu \"west\"\n".into())
        ),
        Action::DeleteThenCreate,
        Some(id("1")),
        Some(nested.clone()),
    );
    forced.requires_replace = vec![
        AttrPath::attr("triggers"),
        AttrPath(vec![
            PathStep::Attr("tags".into()),
            PathStep::Key("Na\"me".into()),
            PathStep::Index(7),
        ]),
    ];
    forced.dependencies = vec!["null_resource.base".into(), "module.m.data.x.y".into()];
    forced.schema_version = 3;
    let mut changes = vec![
        change(
            &key_addr("null_resource.each", "k\"q"),
            Action::Create,
            None,
            Some(nested),
        ),
        change(
            &key_addr("null_resource.each", ""),
            Action::Update,
            Some(id("a")),
            Some(id("b")),
        ),
        change(
            &key_addr("null_resource.each", "日本]\\"),
            Action::NoOp,
            Some(id("c")),
            Some(id("c")),
        ),
        change(
            "data.null_data_source.d",
            Action::Read,
            None,
            Some(obj(&[("out", Value::Unknown(Type::map(Type::String)))])),
        ),
        with_reason(
            change(
                "null_resource.cbd",
                Action::CreateThenDelete,
                Some(id("2")),
                Some(id("3")),
            ),
            Reason::Tainted,
        ),
        with_reason(
            change(
                "null_resource.req",
                Action::DeleteThenCreate,
                Some(id("2")),
                Some(id("3")),
            ),
            Reason::ReplaceByRequest,
        ),
        with_reason(
            change(
                "null_resource.trig",
                Action::DeleteThenCreate,
                Some(id("2")),
                Some(id("3")),
            ),
            Reason::ReplaceByTriggers,
        ),
        with_reason(
            change("null_resource.gone", Action::Delete, Some(id("4")), None),
            Reason::NoResourceConfig,
        ),
        with_reason(
            change("null_resource.cnt[9]", Action::Delete, Some(id("5")), None),
            Reason::NoInstanceKey,
        ),
        with_reason(
            change("null_resource.des", Action::Delete, Some(id("6")), None),
            Reason::DestroyMode,
        ),
        with_reason(
            change(
                "null_resource.mv",
                Action::NoOp,
                Some(id("7")),
                Some(id("7")),
            ),
            Reason::MovedFrom("null_resource.was[\"x\"]".into()),
        ),
        forced,
    ];
    changes[0].provider =
        "module.m.provider[\"registry.terraform.io/hashicorp/null\"].alias".into();
    let mut p = plan(
        changes,
        vec![
            (
                "created",
                output(
                    Action::Create,
                    None,
                    Some(tuple(&[s("x"), unknown()])),
                    false,
                ),
            ),
            (
                "deleted",
                output(
                    Action::Delete,
                    Some(num(Number::from_f64(0.1).expect("finite"))),
                    None,
                    false,
                ),
            ),
            (
                "secret",
                output(
                    Action::Update,
                    Some(s("a").mark_sensitive()),
                    Some(s("b").mark_sensitive()),
                    true,
                ),
            ),
        ],
    );
    p.drift = vec![change(
        "null_resource.each[\"\"]",
        Action::Update,
        Some(id("z")),
        Some(id("a")),
    )];
    p.variables = BTreeMap::from([
        ("region".to_string(), s("eu-west-1")),
        ("count".to_string(), n("3")),
        ("secret".to_string(), s("pw").mark_sensitive()),
    ]);
    p.config_hash = "abc".into();
    p.targeted = true;
    p.environment = "prod".into();
    p.mode = PlanMode::Normal;
    p.prior_state.serial = 12;
    p.prior_state.insert(ResourceInstance {
        module: "module.a[\"k\"]".into(),
        type_name: "null_resource".into(),
        name: "x".into(),
        index: Some(InstanceKey::Int(0)),
        provider: NULL_PROVIDER.into(),
        attributes: json!({"id": "1", "big": 123456789012345678901234567890u128, "f": 0.1}),
        sensitive_attributes: vec![json!([{"type": "get_attr", "value": "id"}])],
        tainted: true,
        ..ResourceInstance::default()
    });
    p.prior_state.outputs.insert(
        "o".into(),
        OutputValue {
            value: json!({"a": [1]}),
            ty: json!(["object", {"a": ["list", "number"]}]),
            sensitive: true,
        },
    );
    p
}

fn ctx(p: &Plan) -> PlanFileContext {
    PlanFileContext {
        lineage: p.prior_state.lineage.clone(),
        serial: p.prior_state.serial,
        config_hash: "cafe".into(),
        environment: p.environment.clone(),
        variables: p.variables.clone(),
    }
}

#[track_caller]
fn same_change(a: &ResourceChange, b: &ResourceChange) {
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert_eq!(a.before, b.before, "{}", a.addr);
    assert_eq!(a.after, b.after, "{}", a.addr);
}

#[test]
fn planfile_round_trips_exactly() {
    for mode in [PlanMode::Normal, PlanMode::Destroy, PlanMode::RefreshOnly] {
        let mut p = rich_plan();
        p.mode = mode;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("plan.out");
        write_plan_file(&path, &p, &ctx(&p)).expect("write");
        let saved = read_plan_file(&path).expect("read");
        // The state JSON is normalised (object keys sorted) on write, so it is compared by value.
        assert_eq!(saved.plan.prior_state, p.prior_state);
        let without_state = |plan: &Plan| Plan {
            prior_state: Default::default(),
            ..plan.clone()
        };
        assert_eq!(
            format!("{:?}", without_state(&saved.plan)),
            format!("{:?}", without_state(&p))
        );
        for (a, b) in p
            .changes
            .iter()
            .zip(&saved.plan.changes)
            .chain(p.drift.iter().zip(&saved.plan.drift))
        {
            same_change(a, b);
        }
        for (name, o) in &p.outputs {
            let back = &saved.plan.outputs[name];
            assert_eq!(
                (&o.before, &o.after),
                (&back.before, &back.after),
                "output {name}"
            );
        }
        assert_eq!(saved.plan.variables, p.variables);
        assert_eq!(
            (saved.format_version, saved.infra_version.as_str()),
            (FORMAT_VERSION, env!("CARGO_PKG_VERSION"))
        );
        assert_eq!(
            (
                saved.lineage.as_str(),
                saved.serial,
                saved.config_hash.as_str()
            ),
            (p.prior_state.lineage.as_str(), 12, "cafe")
        );
        assert_eq!(
            (saved.environment.as_str(), &saved.variables),
            ("prod", &p.variables)
        );

        // Writing what was read gives the same bytes: nothing was lost or normalised.
        let again = dir.path().join("again.out");
        write_plan_file(&again, &saved.plan, &ctx(&saved.plan)).expect("write again");
        let (first, second) = (
            std::fs::read(&path).expect("read"),
            std::fs::read(&again).expect("read"),
        );
        assert!(first == second, "re-encoding changed the file");
    }
}

#[test]
fn planfile_numbers_keep_their_value_precision_and_sign() {
    let p = plan(
        vec![change(
            "null_resource.n",
            Action::Create,
            None,
            Some(tuple(&awkward_numbers())),
        )],
        vec![],
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p");
    write_plan_file(&path, &p, &PlanFileContext::default()).expect("write");
    let back = read_plan_file(&path).expect("read");
    let (Some(Value::Tuple(want)), Some(Value::Tuple(got))) =
        (&p.changes[0].after, &back.plan.changes[0].after)
    else {
        panic!("tuple expected")
    };
    for (w, g) in want.iter().zip(got) {
        let (Value::Number(w), Value::Number(g)) = (w, g) else {
            panic!("numbers expected")
        };
        assert!(
            w == g
                && w.precision() == g.precision()
                && w.is_sign_negative() == g.is_sign_negative(),
            "{w:?} came back as {g:?}"
        );
        assert_eq!(w.to_string(), g.to_string());
    }
    // Literal numbers are stored as their text; only the odd ones carry an exact binary form.
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.contains(r#"{"number":"123456789012345678901234567890.123456789"}"#),
        "{text}"
    );
    assert!(text.contains(r#""exact":"#), "{text}");
}

#[track_caller]
fn read_error(content: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.tfplan");
    std::fs::write(&path, content).expect("write");
    match read_plan_file(&path) {
        Ok(_) => panic!("{:?} was accepted", String::from_utf8_lossy(content)),
        Err(e) => e.to_string().replace(&path.display().to_string(), "PATH"),
    }
}

fn valid_file() -> serde_json::Value {
    let p = rich_plan();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p");
    write_plan_file(&path, &p, &ctx(&p)).expect("write");
    serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json")
}

#[test]
fn planfile_errors_explain_broken_files() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"".to_vec(), "`PATH` is not an infra plan file: the file is empty"),
        (b"PK\x03\x04rest of a zip".to_vec(), "`PATH` is not an infra plan file: it is a zip archive, like Terraform's plan files; infra applies only plans saved by `infra plan -out`"),
        (b"plan: yes".to_vec(), "`PATH` is not an infra plan file: it is not JSON (expected value at line 1 column 1)"),
        (b"{\"version\": 4, \"lineage\": \"x\", \"resources\": []}".to_vec(), "`PATH` is not an infra plan file: it looks like a state file"),
        (b"{\"format_version\": \"0.2\"}".to_vec(), "`PATH` is not an infra plan file: it has no `infra_plan_format` field"),
        (b"{\"infra_plan_format\": 2}".to_vec(), "the plan file `PATH` has format version `2`, but infra 0.1.0 reads only format version `1`; create the plan again with `infra plan -out` using this version of infra"),
        (b"{\"infra_plan_format\": \"1\"}".to_vec(), "the plan file `PATH` has format version `\"1\"`, but infra 0.1.0 reads only format version `1`; create the plan again with `infra plan -out` using this version of infra"),
        (b"{\"infra_plan_format\": 1, }".to_vec(), "the plan file `PATH` is damaged: it is not valid JSON (trailing comma at line 1 column 26); create it again with `infra plan -out`"),
        (b"{\"infra_plan_format\": 1}".to_vec(), "the plan file `PATH` is damaged: `$.plan` is missing; create it again with `infra plan -out`"),
    ];
    for (content, want) in cases {
        assert_eq!(
            read_error(&content),
            want.replace("0.1.0", env!("CARGO_PKG_VERSION"))
        );
    }

    let full = serde_json::to_vec(&valid_file()).expect("json");
    for cut in [1, full.len() / 3, full.len() / 2, full.len() - 2] {
        assert_eq!(
            read_error(&full[..cut]),
            "the plan file `PATH` is truncated (it ends in the middle of the plan); create it again with `infra plan -out`",
            "cut at {cut}"
        );
    }

    let damaged = |pointer: &str, value: serde_json::Value| {
        let mut doc = valid_file();
        *doc.pointer_mut(pointer)
            .unwrap_or_else(|| panic!("{pointer}")) = value;
        read_error(&serde_json::to_vec(&doc).expect("json"))
    };
    let hint = "; create it again with `infra plan -out`";
    assert_eq!(
        damaged("/plan/changes/1/action", json!("explode")),
        format!("the plan file `PATH` is damaged: `plan.changes[1].action` is `explode`, not a known action{hint}")
    );
    assert_eq!(
        damaged("/plan/mode", json!(3)),
        format!("the plan file `PATH` is damaged: `plan.mode` must be a string{hint}")
    );
    assert_eq!(
        damaged("/plan/changes/0/after/object/id", json!({"number": "1.5", "precision": 53, "exact": "3p-1x"})),
        format!(
            "the plan file `PATH` is damaged: `plan.changes[0].after.id` is not a valid number at precision 53{hint}"
        )
    );
    assert_eq!(
        damaged("/plan/changes/0/after/object/id", json!({"number": "1", "precision": 64, "exact": "1p99999999999"})),
        format!(
            "the plan file `PATH` is damaged: `plan.changes[0].after.id` is not a valid number at precision 64{hint}"
        )
    );
    assert_eq!(
        damaged("/plan/changes/0/after/object/id", json!(12)),
        format!("the plan file `PATH` is damaged: `plan.changes[0].after.id` is not an encoded value{hint}")
    );
    assert_eq!(
        damaged("/plan/changes/0/after/object/labels/type", json!(["list"])),
        format!("the plan file `PATH` is damaged: `plan.changes[0].after.labels.type` is not a type{hint}")
    );
    assert_eq!(
        damaged("/plan/changes/0/address/key", json!(1.5)),
        format!("the plan file `PATH` is damaged: `plan.changes[0].address.key` must be a whole number{hint}")
    );
    assert!(damaged("/plan/prior_state", json!({"version": 3}))
        .starts_with("the plan file `PATH` is damaged: `plan.prior_state`: "));
}

#[test]
fn planfile_writes_are_atomic_and_private() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("plan.out");
    std::fs::write(&path, "old contents").expect("write");
    let p = rich_plan();
    write_plan_file(&path, &p, &ctx(&p)).expect("write");
    assert!(read_plan_file(&path).is_ok());
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["plan.out"], "no temporary file is left behind");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The file existed before: rename replaced it with the new, private file.
        let mode = std::fs::metadata(&path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }

    let missing = dir.path().join("no/such/dir/plan.out");
    let err = write_plan_file(&missing, &p, &ctx(&p)).expect_err("no directory");
    assert!(matches!(err, PlanFileError::Write { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(&format!(
            "could not write the plan file `{}`: ",
            missing.display()
        )),
        "{err}"
    );

    let mut deep = s("leaf");
    for _ in 0..80 {
        deep = tuple(&[deep]);
    }
    let deep_plan = plan(
        vec![change(
            "null_resource.deep",
            Action::Create,
            None,
            Some(deep),
        )],
        vec![],
    );
    let err = write_plan_file(
        dir.path().join("deep"),
        &deep_plan,
        &PlanFileContext::default(),
    )
    .expect_err("too deep");
    assert!(
        err.to_string().contains("nested more than 60 levels deep"),
        "{err}"
    );
    assert!(!Path::new(&dir.path().join("deep")).exists());
}

#[test]
fn planfile_config_hash_covers_paths_contents_and_variables() {
    let files = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
            .collect::<Vec<_>>()
    };
    let vars = |v: Value| BTreeMap::from([("x".to_string(), v)]);
    let base = config_hash(
        &files(&[("main.tf", "a"), ("mod/vars.tf", "b")]),
        &vars(n("1")),
    );
    assert_eq!(base.len(), 64);
    assert!(base
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(
        base,
        config_hash(
            &files(&[("mod/vars.tf", "b"), ("main.tf", "a")]),
            &vars(n("1"))
        ),
        "file order does not matter"
    );
    for other in [
        config_hash(
            &files(&[("main.tf", "a "), ("mod/vars.tf", "b")]),
            &vars(n("1")),
        ),
        config_hash(
            &files(&[("main2.tf", "a"), ("mod/vars.tf", "b")]),
            &vars(n("1")),
        ),
        config_hash(
            &files(&[("main.tf", "amod/vars.tf"), ("", "b")]),
            &vars(n("1")),
        ),
        config_hash(
            &files(&[("main.tf", "a"), ("mod/vars.tf", "b")]),
            &vars(n("2")),
        ),
        config_hash(
            &files(&[("main.tf", "a"), ("mod/vars.tf", "b")]),
            &vars(s("1")),
        ),
        config_hash(
            &files(&[("main.tf", "a"), ("mod/vars.tf", "b")]),
            &vars(n("1").mark_sensitive()),
        ),
        config_hash(
            &files(&[("main.tf", "a"), ("mod/vars.tf", "b")]),
            &BTreeMap::new(),
        ),
    ] {
        assert_ne!(base, other);
    }
}

fn saved(lineage: &str, serial: u64, hash: &str) -> SavedPlan {
    SavedPlan {
        format_version: FORMAT_VERSION,
        infra_version: "0".into(),
        lineage: lineage.into(),
        serial,
        config_hash: hash.into(),
        environment: "default".into(),
        variables: BTreeMap::new(),
        plan: plan(vec![], vec![]),
    }
}

#[test]
fn planfile_stale_plans_are_refused_with_a_way_forward() {
    let s = saved("lin-1", 4, "h1");
    assert_eq!(check_fresh(&s, "lin-1", 4, "h1"), Ok(()));

    let err = check_fresh(&s, "lin-1", 5, "h1").expect_err("serial moved");
    assert_eq!(
        err,
        StalePlan::SerialChanged {
            planned: 4,
            current: 5
        }
    );
    assert_eq!(err.summary(), "Saved plan is stale");
    assert_eq!(
        err.to_string(),
        "Saved plan is stale: The given plan file can no longer be applied because the state was changed by another operation after the plan was created: the state was at serial `4` when the plan was made and is now at serial `5`. Run `infra plan` again to create a new plan against the current state."
    );

    let err = check_fresh(&s, "lin-2", 4, "h1").expect_err("lineage changed");
    assert!(matches!(err, StalePlan::LineageChanged { .. }));
    assert!(
        err.to_string()
            .contains("lineage `lin-1`, but the state now has lineage `lin-2`"),
        "{err}"
    );

    let err = check_fresh(&s, "lin-1", 4, "h2").expect_err("configuration changed");
    assert_eq!(
        err.summary(),
        "Saved plan does not match the given configuration"
    );
    assert!(err
        .detail()
        .ends_with("Run `infra plan` again to create a new plan from the current configuration."));

    // As Terraform: without a lineage on both sides (a state that did not exist yet) only the
    // configuration is compared.
    assert_eq!(check_fresh(&saved("", 0, "h1"), "lin-9", 1, "h1"), Ok(()));
    assert!(check_fresh(&saved("", 0, "h1"), "lin-9", 1, "h2").is_err());
}
