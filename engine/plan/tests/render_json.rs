//! The plan JSON against `terraform show -json PLANFILE` from Terraform 1.0.3.
//!
//! `snapshots/terraform-1.0.3/*_show_json.json` are Terraform's documents (without the
//! `configuration` section, which infra does not produce). The tests build the same plans by
//! hand and expect Terraform's document, key order included, after the documented
//! differences: infra's version in `terraform_version`, and sensitive values removed (Terraform
//! prints them in clear text). Everything else is a snapshot of infra's own output.

mod render_support;

use infra_core::{Type, Value};
use infra_plan::render::plan_json;
use infra_plan::{Action, PlanMode, Reason};
use infra_state::{InstanceKey, OutputValue, ResourceInstance, StateSnapshot};
use render_support::*;
use serde_json::{json, Value as J};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn terraform_doc(name: &str) -> J {
    let path = snapshot_path(&format!("terraform-1.0.3/{name}"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[track_caller]
fn set(doc: &mut J, pointer: &str, value: J) {
    *doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the Terraform document")) = value;
}

#[track_caller]
fn same_json(expected: &J, actual: &J, what: &str) {
    let pretty = |j: &J| serde_json::to_string_pretty(j).unwrap_or_default();
    assert_text_eq(&pretty(expected), &pretty(actual), what);
}

fn state_instance(
    module: &str,
    name: &str,
    index: Option<InstanceKey>,
    attributes: J,
) -> ResourceInstance {
    ResourceInstance {
        module: module.into(),
        type_name: "null_resource".into(),
        name: name.into(),
        index,
        provider: NULL_PROVIDER.into(),
        attributes,
        ..ResourceInstance::default()
    }
}

#[test]
fn json_render_of_resource_changes_matches_terraform() {
    let x = |id: &str| obj(&[("id", s(id)), ("triggers", map(&[("s", s("v"))]))]);
    let keep = |id: &str| {
        obj(&[
            ("id", s(id)),
            ("triggers", Value::Null(Type::map(Type::String))),
        ])
    };
    let data_after = obj(&[
        ("has_computed_default", unknown()),
        ("id", unknown()),
        ("inputs", map(&[("a", unknown())])),
        ("outputs", Value::Unknown(Type::map(Type::String))),
        ("random", unknown()),
    ]);
    let new_after = obj(&[
        ("id", unknown()),
        (
            "triggers",
            map(&[("s", s("shh").mark_sensitive()), ("t", s("plain"))]),
        ),
    ]);
    let mut p = plan(
        vec![
            change(
                "data.null_data_source.d",
                Action::Read,
                None,
                Some(data_after),
            ),
            change(
                "module.mm.null_resource.x[0]",
                Action::NoOp,
                Some(x("2708358998078035443")),
                Some(x("2708358998078035443")),
            ),
            change(
                "module.mm.null_resource.x[1]",
                Action::Delete,
                Some(x("8429574387354409429")),
                None,
            ),
            change(
                "null_resource.keep[\"a\"]",
                Action::NoOp,
                Some(keep("3400533049271952467")),
                Some(keep("3400533049271952467")),
            ),
            change(
                "null_resource.keep[\"b\"]",
                Action::Delete,
                Some(keep("7061036299744083317")),
                None,
            ),
            change("null_resource.new", Action::Create, None, Some(new_after)),
        ],
        vec![],
    );
    p.variables
        .insert("secret".into(), s("shh").mark_sensitive());
    let state_x = |i: i64, id: &str| {
        state_instance(
            "module.mm",
            "x",
            Some(InstanceKey::Int(i)),
            json!({"id": id, "triggers": {"s": "v"}}),
        )
    };
    let state_keep = |k: &str, id: &str| {
        state_instance(
            "",
            "keep",
            Some(InstanceKey::Str(k.into())),
            json!({"id": id, "triggers": null}),
        )
    };
    for inst in [
        state_keep("a", "3400533049271952467"),
        state_keep("b", "7061036299744083317"),
        state_x(0, "2708358998078035443"),
        state_x(1, "8429574387354409429"),
    ] {
        p.prior_state.insert(inst);
    }

    let mut want = terraform_doc("plan_show_json.json");
    set(&mut want, "/terraform_version", json!(VERSION));
    set(&mut want, "/prior_state/terraform_version", json!(VERSION));
    set(&mut want, "/variables/secret/value", J::Null);
    set(
        &mut want,
        "/planned_values/root_module/resources/2/values/triggers/s",
        J::Null,
    );
    set(
        &mut want,
        "/resource_changes/5/change/after/triggers/s",
        J::Null,
    );
    same_json(&want, &plan_json(&p), "plan JSON");
}

#[test]
fn json_render_of_output_changes_matches_terraform() {
    let o1 = |other: &str| {
        obj(&[
            ("id", s("i")),
            ("name", s("n")),
            ("other", s(other)),
            ("tags", s("t")),
        ])
    };
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
    // Terraform 1.0 records a partly unknown output as wholly unknown in the plan.
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
                output(Action::Update, Some(s("a")), Some(Value::unknown()), false),
            ),
            (
                "unk",
                output(Action::Create, None, Some(Value::unknown()), false),
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
    let mut want = terraform_doc("outputs_show_json.json");
    set(&mut want, "/output_changes/gones/before", J::Null);
    set(&mut want, "/output_changes/news/after", J::Null);
    if let Some(news) = want
        .pointer_mut("/planned_values/outputs/news")
        .and_then(J::as_object_mut)
    {
        news.remove("value");
    }
    let got = plan_json(&p);
    for part in ["/planned_values", "/resource_changes", "/output_changes"] {
        same_json(
            &want[&part[1..]],
            got.pointer(part).unwrap_or(&J::Null),
            part,
        );
    }
    // Terraform's `prior_state` here holds the planned outputs (a Terraform quirk); infra's is the
    // state the plan was made against.
    same_json(
        &json!({"format_version": "0.2", "terraform_version": VERSION, "values": {"root_module": {}}}),
        &got["prior_state"],
        "prior state",
    );
}

#[test]
fn json_render_of_reasons_unknowns_sensitivity_modules_and_drift() {
    let id = |v: &str| obj(&[("id", s(v))]);
    let mut tainted = with_reason(
        change(
            "null_resource.t",
            Action::CreateThenDelete,
            Some(id("1")),
            Some(obj(&[("id", unknown())])),
        ),
        Reason::Tainted,
    );
    tainted.dependencies = vec!["null_resource.base".into()];
    let forced = forcing(
        change(
            "module.a[\"k\"].module.b.null_resource.f[0]",
            Action::DeleteThenCreate,
            Some(obj(&[("id", s("2")), ("triggers", map(&[("x", s("1"))]))])),
            Some(obj(&[
                ("id", unknown()),
                (
                    "list",
                    Value::List(
                        Type::String,
                        vec![s("a"), unknown(), s("secret").mark_sensitive()],
                    ),
                ),
                ("triggers", map(&[("x", s("2"))])),
            ])),
        ),
        &["triggers"],
    );
    let moved = with_reason(
        change(
            "null_resource.new_name",
            Action::NoOp,
            Some(id("3")),
            Some(id("3")),
        ),
        Reason::MovedFrom("null_resource.old_name".into()),
    );
    let mut p = plan(
        vec![
            tainted,
            forced,
            moved,
            with_reason(
                change("null_resource.c[2]", Action::Delete, Some(id("4")), None),
                Reason::NoInstanceKey,
            ),
            with_reason(
                change(
                    "null_resource.e[\"k\"]",
                    Action::Delete,
                    Some(id("5")),
                    None,
                ),
                Reason::NoInstanceKey,
            ),
            with_reason(
                change("null_resource.gone", Action::Delete, Some(id("6")), None),
                Reason::NoResourceConfig,
            ),
        ],
        vec![
            (
                "number",
                output(
                    Action::Create,
                    None,
                    Some(n("123456789012345678901234567890.5")),
                    false,
                ),
            ),
            (
                "partly",
                output(
                    Action::Create,
                    None,
                    Some(tuple(&[s("x"), unknown()])),
                    false,
                ),
            ),
            (
                "same",
                output(Action::NoOp, Some(s("v")), Some(s("v")), false),
            ),
        ],
    );
    p.drift = vec![change(
        "null_resource.t",
        Action::Update,
        Some(obj(&[("id", s("1")), ("v", s("a"))])),
        Some(obj(&[("id", s("1")), ("v", s("b"))])),
    )];
    p.variables.insert(
        "plain".into(),
        obj(&[("a", n("1")), ("b", s("pw").mark_sensitive())]),
    );
    p.mode = PlanMode::Normal;
    let mut secret = state_instance(
        "module.a[\"k\"].module.b",
        "f",
        Some(InstanceKey::Int(0)),
        json!({"id": "2", "triggers": {"x": "1", "pw": "hunter2"}, "list": ["a", "b"]}),
    );
    secret.sensitive_attributes = vec![
        json!([{"type": "get_attr", "value": "triggers"}, {"type": "index", "value": {"value": "pw", "type": "string"}}]),
        json!([{"type": "get_attr", "value": "list"}, {"type": "index", "value": {"value": 1, "type": "number"}}]),
        json!([{"type": "get_attr", "value": "missing"}]),
    ];
    secret.tainted = true;
    secret.dependencies = vec!["null_resource.base".into()];
    p.prior_state = StateSnapshot {
        lineage: "l".into(),
        serial: 3,
        ..StateSnapshot::default()
    };
    p.prior_state.insert(secret);
    p.prior_state.outputs.insert(
        "pw".into(),
        OutputValue {
            value: json!("hunter2"),
            ty: json!("string"),
            sensitive: true,
        },
    );
    p.prior_state.outputs.insert(
        "shown".into(),
        OutputValue {
            value: json!([1, 2]),
            ty: json!(["tuple", ["number", "number"]]),
            sensitive: false,
        },
    );

    let doc = plan_json(&p);
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    for secret in ["hunter2", "\"secret\"", ": \"pw\""] {
        assert!(!text.contains(secret), "{secret} leaked into the plan JSON");
    }
    assert_snapshot("json_rich.json", &format!("{text}\n"));
}
