//! The Markdown summary for pull-request comments: snapshots of a plan with every kind of
//! change, of an output-only plan and of the no-changes plans, plus determinism.

mod render_support;

use infra_core::{Type, Value};
use infra_plan::render::plan_markdown;
use infra_plan::{Action, PlanMode, Reason};
use render_support::*;

fn busy_plan() -> infra_plan::Plan {
    let id = |v: &str| obj(&[("id", s(v))]);
    let mut p = plan(
        vec![
            change(
                "null_resource.new",
                Action::Create,
                None,
                Some(obj(&[("id", unknown()), ("note", s("a ``` fence"))])),
            ),
            change(
                "null_resource.upd",
                Action::Update,
                Some(obj(&[("id", s("1")), ("v", s("a"))])),
                Some(obj(&[("id", s("1")), ("v", s("b"))])),
            ),
            forcing(
                change(
                    "null_resource.rep[\"a|`b`\"]",
                    Action::DeleteThenCreate,
                    Some(obj(&[("id", s("2")), ("t", s("x"))])),
                    Some(obj(&[("id", unknown()), ("t", s("y"))])),
                ),
                &["t"],
            ),
            with_reason(
                change(
                    "null_resource.cbd",
                    Action::CreateThenDelete,
                    Some(id("3")),
                    Some(obj(&[("id", unknown())])),
                ),
                Reason::Tainted,
            ),
            with_reason(
                change("null_resource.old[1]", Action::Delete, Some(id("4")), None),
                Reason::NoInstanceKey,
            ),
            change(
                "data.null_data_source.d",
                Action::Read,
                None,
                Some(obj(&[("id", unknown())])),
            ),
            with_reason(
                change(
                    "null_resource.moved",
                    Action::NoOp,
                    Some(id("5")),
                    Some(id("5")),
                ),
                Reason::MovedFrom("null_resource.was".into()),
            ),
            change(
                "null_resource.same",
                Action::NoOp,
                Some(id("6")),
                Some(id("6")),
            ),
        ],
        vec![
            ("added", output(Action::Create, None, Some(s("x")), false)),
            (
                "secret",
                output(Action::Update, Some(s("a")), Some(s("b")), true),
            ),
            (
                "unchanged",
                output(Action::NoOp, Some(s("x")), Some(s("x")), false),
            ),
        ],
    );
    p.environment = "prod".into();
    p.targeted = true;
    p
}

#[test]
fn markdown_render_of_every_kind_of_change() {
    let p = busy_plan();
    let md = plan_markdown(&p);
    assert_eq!(md, plan_markdown(&p), "the summary is deterministic");
    assert_snapshot("markdown_changes.md", &md);
}

#[test]
fn markdown_render_of_output_only_and_empty_plans() {
    let p = plan(
        vec![],
        vec![(
            "o",
            output(
                Action::Update,
                Some(s("a")),
                Some(Value::Unknown(Type::String)),
                false,
            ),
        )],
    );
    assert_snapshot("markdown_outputs_only.md", &plan_markdown(&p));

    let mut p = plan(
        vec![change(
            "null_resource.same",
            Action::NoOp,
            Some(obj(&[])),
            Some(obj(&[])),
        )],
        vec![],
    );
    p.environment = String::new();
    assert_eq!(
        plan_markdown(&p),
        "### No changes.\n\nYour infrastructure matches the configuration.\n"
    );
    p.mode = PlanMode::Destroy;
    assert_eq!(
        plan_markdown(&p),
        "### No changes.\n\nNo objects need to be destroyed.\n"
    );
}
