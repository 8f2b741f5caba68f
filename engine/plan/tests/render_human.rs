//! The human plan renderer against Terraform 1.0.3.
//!
//! `snapshots/terraform-1.0.3/*.txt` are real `terraform plan -no-color` outputs (null
//! provider 2.1.2; "Refreshing state" lines and everything from the closing rule on removed).
//! Each test builds the same plan by hand and expects Terraform's text with "Terraform"
//! replaced by "infra" (which re-wraps a few sentences). The other cases, which Terraform 1.0
//! cannot show with the null provider or does not have (delete reasons, moves, drift), are
//! snapshots of infra's own output under `snapshots/human_*.snap`.

mod render_support;

use infra_core::{Type, Value};
use infra_plan::render::{render_plan, HumanOptions};
use infra_plan::{Action, Plan, PlanMode, Reason};
use render_support::*;

fn plain(plan: &Plan) -> String {
    render_plan(plan, &HumanOptions { color: false })
}

/// Terraform's text with the product name replaced, re-wrapped where Terraform wraps.
fn as_infra(terraform: &str) -> String {
    let out = terraform
        .replace(
            "Terraform used the selected providers to generate the following execution\nplan. Resource actions are indicated with the following symbols:",
            "infra used the selected providers to generate the following execution plan.\nResource actions are indicated with the following symbols:",
        )
        .replace("Terraform will perform", "infra will perform")
        .replace(
            "You can apply this plan to save these new output values to the Terraform\nstate, without changing any real infrastructure.",
            "You can apply this plan to save these new output values to the infra state,\nwithout changing any real infrastructure.",
        )
        .replace(
            "Terraform has compared your real infrastructure against your configuration\nand found no differences, so no changes are needed.",
            "infra has compared your real infrastructure against your configuration and\nfound no differences, so no changes are needed.",
        )
        .replace(
            "Terraform has checked that the real remote objects still match the result of\nyour most recent changes, and found no differences.",
            "infra has checked that the real remote objects still match the result of your\nmost recent changes, and found no differences.",
        );
    assert!(
        !out.contains("Terraform"),
        "unhandled Terraform wording in:\n{out}"
    );
    out
}

#[track_caller]
fn matches_terraform(fixture: &str, plan: &Plan) {
    let path = snapshot_path(&format!("terraform-1.0.3/{fixture}.txt"));
    let terraform =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_text_eq(&as_infra(&terraform), &plain(plan), fixture);
}

fn sens(v: &str) -> Value {
    s(v).mark_sensitive()
}

#[test]
fn renders_create_replace_delete_read_and_outputs_like_terraform() {
    let data_after = obj(&[
        ("has_computed_default", unknown()),
        ("id", unknown()),
        ("inputs", map(&[("a", unknown())])),
        ("outputs", Value::Unknown(Type::map(Type::String))),
        ("random", unknown()),
    ]);
    let a = forcing(
        change(
            "null_resource.a",
            Action::CreateThenDelete,
            Some(obj(&[
                ("id", s("717946443968416074")),
                ("triggers", map(&[("x", s("1")), ("y", s("keep"))])),
            ])),
            Some(obj(&[
                ("id", unknown()),
                (
                    "triggers",
                    map(&[
                        ("x", s("2")),
                        ("y", s("keep")),
                        ("z", s("multi\nline\nstring")),
                    ]),
                ),
            ])),
        ),
        &["triggers"],
    );
    let b1 = obj(&[
        ("id", s("4702145325976293707")),
        ("triggers", map(&[("k", s("v"))])),
    ]);
    let c = |key: &str| {
        change(
            &format!(
                "null_resource.c{}",
                infra_core::addr::InstanceKey::Str(key.into())
            ),
            Action::Create,
            None,
            Some(obj(&[
                ("id", unknown()),
                ("triggers", map(&[("key", s(key))])),
            ])),
        )
    };
    let p = plan(
        vec![
            a,
            change("null_resource.b[1]", Action::Delete, Some(b1), None),
            c("k\"q"),
            c("plain"),
            change(
                "data.null_data_source.d",
                Action::Read,
                None,
                Some(data_after),
            ),
            change(
                "null_resource.b[0]",
                Action::NoOp,
                Some(obj(&[("id", s("1"))])),
                Some(obj(&[("id", s("1"))])),
            ),
        ],
        vec![
            ("n", output(Action::Create, None, Some(s("new")), false)),
            (
                "o",
                output(
                    Action::Update,
                    Some(s("717946443968416074")),
                    Some(unknown()),
                    false,
                ),
            ),
            (
                "p",
                output(
                    Action::Update,
                    Some(obj(&[("a", n("1")), ("b", tuple(&[n("1"), n("2")]))])),
                    Some(obj(&[("a", n("2")), ("b", tuple(&[n("1"), n("3")]))])),
                    false,
                ),
            ),
            ("s", output(Action::Create, None, Some(s("secret")), true)),
        ],
    );
    matches_terraform("create_replace_delete", &p);
}

#[test]
fn renders_output_only_changes_like_terraform() {
    let before_obj = obj(&[
        ("gone", s("g")),
        ("keep", s("k")),
        ("l", tuple(&[n("1")])),
        ("name", s("n")),
        ("nested", obj(&[("a", n("1")), ("b", s("x"))])),
    ]);
    let after_obj = obj(&[
        ("added", Value::Bool(true)),
        ("keep", s("k")),
        ("l", tuple(&[n("1"), n("2")])),
        ("name", s("n2")),
        ("nested", obj(&[("a", n("2")), ("b", s("x"))])),
    ]);
    let upd = |b: Value, a: Value| output(Action::Update, Some(b), Some(a), false);
    let p = plan(
        vec![],
        vec![
            ("emptyl", upd(tuple(&[]), tuple(&[s("x")]))),
            ("gone", output(Action::Delete, Some(s("bye")), None, false)),
            (
                "json",
                upd(s(r#"{"a":1,"b":[1,2]}"#), s(r#"{"a":2,"b":[1,2],"c":"x"}"#)),
            ),
            (
                "listy",
                upd(
                    tuple(&strings(&["a", "b", "c", "d", "e", "f", "g"])),
                    tuple(&strings(&["a", "b", "c", "X", "e", "f", "g", "h"])),
                ),
            ),
            (
                "mapout",
                upd(
                    map(&[("a", s("1")), ("b", s("2"))]),
                    map(&[("a", s("1")), ("b", s("3")), ("c d", s("4"))]),
                ),
            ),
            (
                "multi",
                upd(
                    s("line1\nline2\nline3\n"),
                    s("line1\nline2 changed\nline3\nline4\n"),
                ),
            ),
            (
                "newobj",
                output(
                    Action::Create,
                    None,
                    Some(obj(&[
                        ("w", tuple(&[])),
                        ("x y", n("1")),
                        ("z", Value::null()),
                    ])),
                    false,
                ),
            ),
            (
                "nullable",
                output(Action::Create, None, Some(s("now set")), false),
            ),
            ("num", upd(n("1.5"), n("100000000000000000000"))),
            ("obj", upd(before_obj, after_obj)),
            (
                "same",
                output(
                    Action::NoOp,
                    Some(s("unchanged")),
                    Some(s("unchanged")),
                    false,
                ),
            ),
            (
                "sens",
                output(Action::Update, Some(s("s1")), Some(s("s2")), true),
            ),
            (
                "setout",
                upd(
                    Value::set(Type::String, strings(&["x", "y"])),
                    Value::set(Type::String, strings(&["y", "z"])),
                ),
            ),
            ("typechange", upd(s("str"), tuple(&[s("list")]))),
        ],
    );
    matches_terraform("outputs_only", &p);
}

#[test]
fn renders_nested_output_updates_and_deletions_like_terraform() {
    let upd = |b: Value, a: Value| output(Action::Update, Some(b), Some(a), false);
    let lo = |b: &str| {
        tuple(&[
            obj(&[("a", n("1")), ("b", n(b))]),
            obj(&[("a", n("3")), ("b", n("4"))]),
        ])
    };
    let p = plan(
        vec![],
        vec![
            ("bool", upd(Value::Bool(true), Value::Bool(false))),
            ("e", upd(obj(&[]), obj(&[("x", n("1"))]))),
            ("es", upd(s(""), s("z"))),
            ("l", upd(tuple(&strings(&["x", "y"])), tuple(&[]))),
            ("lo", upd(lo("2"), lo("5"))),
            (
                "m",
                upd(
                    map(&[("a", s("1")), ("b", s("2")), ("c", s("3"))]),
                    map(&[("a", s("1")), ("c", s("4"))]),
                ),
            ),
            ("ml", upd(s("a\nb\n"), s("one line"))),
        ],
    );
    matches_terraform("outputs_update", &p);

    let del = |b: Value| output(Action::Delete, Some(b), None, false);
    let mut p = plan(
        vec![],
        vec![
            ("bool", del(Value::Bool(false))),
            ("e", del(obj(&[("x", n("1"))]))),
            ("es", del(s("z"))),
            ("l", del(tuple(&[]))),
            ("lo", del(lo("5"))),
            ("m", del(map(&[("a", s("1")), ("c", s("4"))]))),
            ("ml", del(s("one line"))),
        ],
    );
    p.mode = PlanMode::Destroy;
    matches_terraform("outputs_destroy", &p);
}

#[test]
fn renders_requested_replacement_unknown_and_sensitive_outputs_like_terraform() {
    let r = with_reason(
        change(
            "null_resource.r",
            Action::DeleteThenCreate,
            Some(obj(&[
                ("id", s("2985700686250612510")),
                ("triggers", Value::Null(Type::map(Type::String))),
            ])),
            Some(obj(&[
                ("id", unknown()),
                ("triggers", Value::Null(Type::map(Type::String))),
            ])),
        ),
        Reason::ReplaceByRequest,
    );
    let o1 = |other: &str| {
        obj(&[
            ("id", s("i")),
            ("name", s("n")),
            ("other", s(other)),
            ("tags", s("t")),
        ])
    };
    let p = plan(
        vec![r],
        vec![
            ("gones", output(Action::Delete, Some(s("x")), None, true)),
            ("news", output(Action::Create, None, Some(s("x")), true)),
            (
                "o1",
                output(Action::Update, Some(o1("x")), Some(o1("y")), false),
            ),
            (
                "o2",
                output(
                    Action::Update,
                    Some(s("a")),
                    Some(tuple(&[s("a"), unknown(), obj(&[("k", unknown())])])),
                    false,
                ),
            ),
            (
                "unk",
                output(Action::Create, None, Some(obj(&[("a", unknown())])), false),
            ),
            (
                "ws",
                output(
                    Action::Update,
                    Some(s(r#"{"a": 1}"#)),
                    Some(s(r#"{"a":1}"#)),
                    false,
                ),
            ),
        ],
    );
    matches_terraform("replace_requested_outputs", &p);
}

#[test]
fn renders_tainted_and_sensitive_map_elements_like_terraform() {
    let cnt = |id: Value| obj(&[("id", id), ("triggers", map(&[("k", s("v"))]))]);
    let tainted = with_reason(
        change(
            "null_resource.cnt[1]",
            Action::DeleteThenCreate,
            Some(cnt(s("2396161139219427430"))),
            Some(cnt(unknown())),
        ),
        Reason::Tainted,
    );
    let new = forcing(
        change(
            "null_resource.new",
            Action::DeleteThenCreate,
            Some(obj(&[
                ("id", s("6028140329333253224")),
                ("triggers", map(&[("s", sens("shh")), ("t", s("plain"))])),
            ])),
            Some(obj(&[
                ("id", unknown()),
                (
                    "triggers",
                    map(&[
                        ("s", sens("shh2")),
                        ("t", s("plain2")),
                        ("u", s("multi\nline\n")),
                    ]),
                ),
            ])),
        ),
        &["triggers"],
    );
    matches_terraform("sensitive_taint", &plan(vec![new, tainted], vec![]));
}

#[test]
fn renders_destroy_plan_like_terraform() {
    let cnt = |id: &str| obj(&[("id", s(id)), ("triggers", map(&[("k", s("v"))]))]);
    let new = obj(&[
        ("id", s("2775028189881065337")),
        (
            "triggers",
            map(&[
                ("s", sens("shh2")),
                ("t", s("plain2")),
                ("u", s("multi\nline\n")),
            ]),
        ),
    ]);
    let destroy = |a: &str, v: Value| {
        with_reason(
            change(a, Action::Delete, Some(v), None),
            Reason::DestroyMode,
        )
    };
    let mut p = plan(
        vec![
            destroy("null_resource.new", new),
            destroy("null_resource.cnt[1]", cnt("8781877675628493613")),
            destroy("null_resource.cnt[0]", cnt("7074656242937502405")),
        ],
        vec![],
    );
    p.mode = PlanMode::Destroy;
    matches_terraform("destroy", &p);
}

#[test]
fn renders_no_changes_like_terraform() {
    let mut p = plan(
        vec![change(
            "null_resource.a",
            Action::NoOp,
            Some(obj(&[])),
            Some(obj(&[])),
        )],
        vec![],
    );
    matches_terraform("no_changes", &p);
    p.mode = PlanMode::RefreshOnly;
    matches_terraform("refresh_only_no_changes", &p);
    p.mode = PlanMode::Destroy;
    assert_snapshot("human_destroy_nothing.snap", &plain(&p));
}

#[test]
fn renders_delete_reasons_moves_and_replacement_orders() {
    let id = |v: &str| obj(&[("id", s(v))]);
    let p = plan(
        vec![
            with_reason(
                change("null_resource.gone", Action::Delete, Some(id("1")), None),
                Reason::NoResourceConfig,
            ),
            with_reason(
                change(
                    "null_resource.counted[3]",
                    Action::Delete,
                    Some(id("2")),
                    None,
                ),
                Reason::NoInstanceKey,
            ),
            with_reason(
                change(
                    "null_resource.each[\"x\"]",
                    Action::Delete,
                    Some(id("3")),
                    None,
                ),
                Reason::NoInstanceKey,
            ),
            with_reason(
                change(
                    "module.net[\"eu\"].null_resource.moved",
                    Action::NoOp,
                    Some(id("4")),
                    Some(id("4")),
                ),
                Reason::MovedFrom("module.net[\"eu\"].null_resource.old".into()),
            ),
            with_reason(
                change(
                    "null_resource.renamed",
                    Action::Update,
                    Some(obj(&[("id", s("5")), ("size", n("1"))])),
                    Some(obj(&[("id", s("5")), ("size", n("2"))])),
                ),
                Reason::MovedFrom("null_resource.before".into()),
            ),
            with_reason(
                change(
                    "null_resource.trig",
                    Action::CreateThenDelete,
                    Some(id("6")),
                    Some(obj(&[("id", unknown())])),
                ),
                Reason::ReplaceByTriggers,
            ),
        ],
        vec![],
    );
    assert_snapshot("human_reasons_and_moves.snap", &plain(&p));
}

#[test]
fn renders_nested_values_in_resources() {
    let rule = |port: &str, cidrs: &[&str]| {
        obj(&[
            ("cidrs", Value::List(Type::String, strings(cidrs))),
            ("port", n(port)),
            ("protocol", s("tcp")),
        ])
    };
    let policy_before =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\"}]}";
    let policy_after = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:GetObject\"}]}";
    let before = obj(&[
        ("id", s("sg-1")),
        ("name", s("web")),
        ("description", s("")),
        (
            "ingress",
            tuple(&[rule("80", &["0.0.0.0/0"]), rule("443", &["0.0.0.0/0"])]),
        ),
        ("labels", Value::set(Type::String, strings(&["a", "b"]))),
        ("policy", s(policy_before)),
        ("user_data", s("#!/bin/sh\necho one\necho two\n")),
        ("password", sens("old")),
        ("token", s("visible")),
        ("tags", map(&[("Env", s("dev")), ("Team", s("core"))])),
        ("count", n("3")),
        ("unchanged", s("same")),
    ]);
    let after = obj(&[
        ("id", s("sg-1")),
        ("name", s("web")),
        ("description", s("")),
        (
            "ingress",
            tuple(&[
                rule("80", &["0.0.0.0/0", "10.0.0.0/8"]),
                rule("443", &["0.0.0.0/0"]),
            ]),
        ),
        (
            "labels",
            Value::set(
                Type::String,
                vec![s("b"), s("c"), Value::Unknown(Type::String)],
            ),
        ),
        ("policy", s(policy_after)),
        ("user_data", s("#!/bin/sh\necho one\necho 2\n")),
        ("password", sens("new")),
        ("token", sens("visible")),
        ("tags", map(&[("Env", s("prod")), ("Team", s("core"))])),
        ("count", Value::Null(Type::Number)),
        ("unchanged", s("same")),
    ]);
    let update = change(
        "aws_security_group.web",
        Action::Update,
        Some(before.clone()),
        Some(after.clone()),
    );
    let mut replace = forcing(
        change(
            "aws_security_group.web2",
            Action::DeleteThenCreate,
            Some(before),
            Some(after),
        ),
        &["policy", "user_data"],
    );
    replace.requires_replace.push(infra_provider::AttrPath(vec![
        infra_provider::PathStep::Attr("tags".into()),
        infra_provider::PathStep::Key("Env".into()),
    ]));
    assert_snapshot(
        "human_nested_values.snap",
        &plain(&plan(vec![update, replace], vec![])),
    );
}

#[test]
fn renders_drift_before_the_plan() {
    let mut p = plan(
        vec![change(
            "null_resource.a",
            Action::Update,
            Some(obj(&[("id", s("1")), ("size", n("2"))])),
            Some(obj(&[("id", s("1")), ("size", n("1"))])),
        )],
        vec![],
    );
    p.drift = vec![
        change(
            "null_resource.a",
            Action::Update,
            Some(obj(&[("id", s("1")), ("size", n("1"))])),
            Some(obj(&[("id", s("1")), ("size", n("2"))])),
        ),
        change(
            "null_resource.b",
            Action::Delete,
            Some(obj(&[("id", s("2"))])),
            None,
        ),
    ];
    assert_snapshot("human_drift.snap", &plain(&p));

    p.changes.clear();
    assert_snapshot("human_drift_no_changes.snap", &plain(&p));
    p.mode = PlanMode::RefreshOnly;
    assert_snapshot("human_drift_refresh_only.snap", &plain(&p));
}

#[test]
fn renders_colour_only_on_request() {
    let p = plan(
        vec![
            change(
                "null_resource.a",
                Action::Create,
                None,
                Some(obj(&[("id", unknown())])),
            ),
            change(
                "data.null_data_source.d",
                Action::Read,
                None,
                Some(obj(&[("id", unknown())])),
            ),
            change(
                "null_resource.b",
                Action::Update,
                Some(obj(&[("id", s("1")), ("v", s("[red]x"))])),
                Some(obj(&[("id", s("1")), ("v", s("y"))])),
            ),
            change(
                "null_resource.c",
                Action::Delete,
                Some(obj(&[("id", s("3"))])),
                None,
            ),
        ],
        vec![("o", output(Action::Create, None, Some(s("v")), false))],
    );
    let plain_text = plain(&p);
    assert!(!plain_text.contains('\x1b'));
    assert!(
        plain_text.contains("\"[red]x\""),
        "user values are never colour templates"
    );
    let coloured = render_plan(&p, &HumanOptions { color: true });
    for code in [
        "\x1b[32m+",
        "\x1b[33m~",
        "\x1b[31m-",
        "\x1b[36m<=",
        "\x1b[1m",
    ] {
        assert!(coloured.contains(code), "missing {code:?} in {coloured}");
    }
    assert_text_eq(
        &plain_text,
        &strip_ansi(&coloured),
        "coloured output without its colours",
    );
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
