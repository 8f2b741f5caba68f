//! Input variable values: precedence across every source, how `-var` text is read, conversion to
//! the declared type, `nullable`, validation rules, sensitive marking, and variables-file errors.

use std::collections::BTreeMap;
use std::path::PathBuf;

use infra_config::{collect_variable_values, load_module, Module, VarSource};
use infra_core::{Diagnostics, Number, Type, Value};

/// A module directory with the given files, loaded.
fn module(files: &[(&str, &str)]) -> (tempfile::TempDir, Module) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write file");
    }
    let (m, diags) = load_module(dir.path());
    assert!(!diags.has_errors(), "module does not load: {diags:?}");
    (dir, m)
}

fn var(s: &str) -> VarSource {
    VarSource::Var(s.to_string())
}

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn num(s: &str) -> Value {
    Value::Number(Number::parse(s).expect("number"))
}

fn s(v: &str) -> Value {
    Value::string(v)
}

/// Diagnostics as `severity: summary: detail` lines, for compact assertions.
fn lines(d: &Diagnostics) -> Vec<String> {
    d.iter()
        .map(|d| {
            format!(
                "{}: {}: {}",
                if d.is_error() { "error" } else { "warning" },
                d.summary,
                d.detail
            )
        })
        .collect()
}

#[track_caller]
fn assert_no_diags(d: &Diagnostics) {
    assert!(d.is_empty(), "unexpected diagnostics: {:#?}", lines(d));
}

#[track_caller]
fn assert_diag(d: &Diagnostics, want: &str) {
    assert!(
        lines(d).iter().any(|l| l.contains(want)),
        "no diagnostic containing {want:?} in {:#?}",
        lines(d)
    );
}

#[test]
fn precedence_of_all_six_sources() {
    let decls: String = ["a", "b", "c", "d", "e", "f", "g"]
        .iter()
        .map(|n| format!("variable \"{n}\" {{\n  default = \"default\"\n}}\n"))
        .collect();
    let (dir, m) = module(&[
        ("main.tf", &decls),
        (
            "terraform.tfvars",
            "c = \"tfvars\"\nd = \"tfvars\"\ne = \"tfvars\"\nf = \"tfvars\"\ng = \"tfvars\"\n",
        ),
        (
            "terraform.tfvars.json",
            r#"{"d": "tfvars.json", "e": "tfvars.json", "f": "tfvars.json", "g": "tfvars.json"}"#,
        ),
        (
            "a.auto.tfvars",
            "e = \"a.auto\"\nf = \"a.auto\"\ng = \"a.auto\"\n",
        ),
        (
            "b.auto.tfvars.json",
            r#"{"e": "b.auto.json", "f": "b.auto.json", "g": "b.auto.json"}"#,
        ),
        ("cli.tfvars", "f = \"var-file\"\ng = \"var-file\"\n"),
        ("cli2.tfvars", "g = \"var-file\"\n"),
    ]);
    let environment = env(&[
        ("TF_VAR_b", "env"),
        ("TF_VAR_c", "env"),
        ("TF_VAR_d", "env"),
        ("TF_VAR_e", "env"),
        ("TF_VAR_f", "env"),
        ("TF_VAR_g", "env"),
    ]);
    let cli = vec![
        VarSource::File(dir.path().join("cli.tfvars")),
        var("f=-var after -var-file"),
        var("g=-var before -var-file"),
        VarSource::File(dir.path().join("cli2.tfvars")),
    ];
    let (values, diags) = collect_variable_values(&m, &cli, &environment);
    assert_no_diags(&diags);
    assert_eq!(values["a"], s("default"));
    assert_eq!(values["b"], s("env"));
    assert_eq!(values["c"], s("tfvars"));
    assert_eq!(values["d"], s("tfvars.json"));
    assert_eq!(
        values["e"],
        s("b.auto.json"),
        "auto files apply in lexical order"
    );
    assert_eq!(
        values["f"],
        s("-var after -var-file"),
        "command-line sources apply in order"
    );
    assert_eq!(values["g"], s("var-file"));
}

#[test]
fn var_text_is_literal_for_primitive_types_and_parsed_otherwise() {
    let (_dir, m) = module(&[(
        "main.tf",
        r#"
variable "untyped" {}
variable "str" { type = string }
variable "n" { type = number }
variable "flag" { type = bool }
variable "l" { type = list(string) }
variable "anything" { type = any }
"#,
    )]);
    let cli = vec![
        var("untyped=[1, 2]"),
        var("str=[1]"),
        var("n=5"),
        var("flag=true"),
        var(r#"l=["a", 1]"#),
        var("anything={ x = 1 }"),
    ];
    let (values, diags) = collect_variable_values(&m, &cli, &BTreeMap::new());
    assert_no_diags(&diags);
    assert_eq!(values["untyped"], s("[1, 2]"));
    assert_eq!(values["str"], s("[1]"));
    assert_eq!(values["n"], num("5"));
    assert_eq!(values["flag"], Value::Bool(true));
    assert_eq!(values["l"], Value::List(Type::String, vec![s("a"), s("1")]));
    assert_eq!(
        values["anything"],
        Value::Object(infra_core::ValueMap::from([("x".to_string(), num("1"))]))
    );
}

#[test]
fn env_values_are_read_like_var_options() {
    let (_dir, m) = module(&[(
        "main.tf",
        "variable \"ports\" { type = list(number) }\nvariable \"name\" {}\n",
    )]);
    let e = env(&[
        ("TF_VAR_ports", "[80, 443]"),
        ("TF_VAR_name", "x = 1"),
        ("TF_VAR_other", "ignored"),
    ]);
    let (values, diags) = collect_variable_values(&m, &[], &e);
    assert_no_diags(&diags);
    assert_eq!(
        values["ports"],
        Value::List(Type::Number, vec![num("80"), num("443")])
    );
    assert_eq!(values["name"], s("x = 1"));
}

#[test]
fn conversion_to_the_declared_type() {
    let (_dir, m) = module(&[(
        "main.tf",
        r#"variable "n" { type = number }
variable "svc" {
  type = object({
    name     = string
    replicas = optional(number, 1)
  })
}
variable "tags" { type = map(string) }
"#,
    )]);
    let (values, diags) = collect_variable_values(
        &m,
        &[
            var("n=42"),
            var("svc={ name = \"api\" }"),
            var("tags={ a = 1 }"),
        ],
        &BTreeMap::new(),
    );
    assert_no_diags(&diags);
    assert_eq!(values["n"], num("42"));
    assert_eq!(
        values["svc"],
        Value::Object(infra_core::ValueMap::from([
            ("name".to_string(), s("api")),
            ("replicas".to_string(), num("1"))
        ])),
        "optional attribute defaults are applied"
    );
    assert_eq!(
        values["tags"],
        Value::Map(
            Type::String,
            infra_core::ValueMap::from([("a".to_string(), s("1"))])
        )
    );
}

#[test]
fn conversion_errors_name_the_source() {
    let (dir, m) = module(&[
        ("main.tf", "variable \"n\" { type = number }\nvariable \"l\" { type = list(string) }\nvariable \"e\" { type = number }\n"),
        ("terraform.tfvars", "n = \"many\"\n"),
    ]);
    let (values, diags) = collect_variable_values(&m, &[var("l=1")], &env(&[("TF_VAR_e", "x")]));
    assert_eq!(diags.len(), 3, "{:#?}", lines(&diags));
    let file_diag = diags
        .iter()
        .find(|d| d.detail.contains("var.n"))
        .expect("diagnostic for var.n");
    assert_eq!(file_diag.summary, "Invalid value for input variable");
    assert_eq!(
        file_diag.detail,
        format!("The given value is not suitable for var.n declared at {}/main.tf:1,1-13: a number is required.", dir.path().display())
    );
    let subject = file_diag.subject.as_ref().expect("subject");
    assert!(
        subject.filename.ends_with("terraform.tfvars"),
        "points at the value in the file: {subject:?}"
    );
    assert_eq!((subject.start.line, subject.start.column), (1, 5));
    assert_diag(
        &diags,
        "Unsuitable value for var.l set using -var=\"l=...\": list of string required.",
    );
    assert_diag(&diags, "Unsuitable value for var.e set using the TF_VAR_e environment variable: a number is required.");
    assert_eq!(
        values["n"],
        Value::Unknown(Type::Number),
        "a failed variable is unknown, not missing"
    );
}

#[test]
fn required_variables_and_nullable() {
    let (_dir, m) = module(&[(
        "main.tf",
        r#"variable "required" {}
variable "nullable_default" {
  default = "d"
}
variable "not_null_default" {
  type     = string
  nullable = false
  default  = "d"
}
variable "not_null_required" {
  type     = string
  nullable = false
}
"#,
    )]);
    let (values, diags) = collect_variable_values(&m, &[], &BTreeMap::new());
    assert_diag(&diags, "error: No value for required variable: The root module input variable \"required\" is not set, and has no default value.");
    assert_diag(
        &diags,
        "The root module input variable \"not_null_required\" is not set",
    );
    assert_eq!(values["nullable_default"], s("d"));

    let nulls = [
        var("nullable_default=null"),
        var("not_null_default=null"),
        var("not_null_required=null"),
        var("required=x"),
    ];
    // `null` from -var is the literal string "null" for string variables, as in Terraform; a
    // file can set a real null.
    let (_dir2, m2) = module(&[
        ("main.tf", &std::fs::read_to_string(m.dir.join("main.tf")).unwrap()),
        ("terraform.tfvars", "nullable_default = null\nnot_null_default = null\nnot_null_required = null\nrequired = \"x\"\n"),
    ]);
    let (values, diags) = collect_variable_values(&m2, &[], &BTreeMap::new());
    assert_eq!(
        values["nullable_default"],
        Value::Null(Type::Dynamic),
        "a nullable variable set to null is null"
    );
    assert_eq!(
        values["not_null_default"],
        s("d"),
        "a non-nullable variable set to null takes its default"
    );
    assert_diag(&diags, "error: Required variable not set: The given value is not suitable for var.not_null_required defined at");
    assert_eq!(diags.len(), 1, "{:#?}", lines(&diags));

    let (values, _) = collect_variable_values(&m, &nulls, &BTreeMap::new());
    assert_eq!(values["nullable_default"], s("null"));
}

#[test]
fn validation_rules() {
    let (_dir, m) = module(&[(
        "main.tf",
        r#"variable "environment" {
  type = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "The environment must be dev or prod, not ${var.environment}."
  }
}
"#,
    )]);
    let (_, diags) = collect_variable_values(&m, &[var("environment=dev")], &BTreeMap::new());
    assert_no_diags(&diags);

    let (_, diags) = collect_variable_values(&m, &[var("environment=qa")], &BTreeMap::new());
    assert_eq!(diags.len(), 1, "{:#?}", lines(&diags));
    let d = &diags.0[0];
    assert_eq!(d.summary, "Invalid value for variable");
    assert!(d.detail.starts_with("The environment must be dev or prod, not qa.\n\nThis was checked by the validation rule at "), "{}", d.detail);
    assert!(d.detail.ends_with("main.tf:4,3-13."), "{}", d.detail);
    assert_eq!(
        d.subject.as_ref().map(|r| r.start.line),
        Some(1),
        "a -var value has no range: points at the declaration"
    );
}

#[test]
fn sensitive_values_are_marked_and_not_shown_in_validation_messages() {
    let (_dir, m) = module(&[(
        "main.tf",
        r#"variable "password" {
  type      = string
  sensitive = true

  validation {
    condition     = length(var.password) >= 8
    error_message = "The password ${var.password} is too short."
  }
}
variable "plain" {
  default = "x"
}
"#,
    )]);
    let (values, diags) =
        collect_variable_values(&m, &[var("password=correct horse")], &BTreeMap::new());
    assert_no_diags(&diags);
    assert_eq!(values["password"], s("correct horse").mark_sensitive());
    assert!(!values["plain"].is_sensitive());

    let (_, diags) = collect_variable_values(&m, &[var("password=short")], &BTreeMap::new());
    assert_diag(&diags, "Error message refers to sensitive values");
    assert_diag(&diags, "Invalid value for variable: The error message included a sensitive value, so it will not be displayed.");
    assert!(
        lines(&diags).iter().all(|l| !l.contains("short")),
        "the value leaks: {:#?}",
        lines(&diags)
    );
}

#[test]
fn undeclared_variables() {
    let (_dir, m) = module(&[
        ("main.tf", "variable \"known\" { default = 1 }\n"),
        ("terraform.tfvars", "unknown_in_file = 1\n"),
    ]);
    let (_, diags) = collect_variable_values(
        &m,
        &[var("unknown_on_cli=1")],
        &env(&[("TF_VAR_unknown_in_env", "1")]),
    );
    let l = lines(&diags);
    assert_eq!(l.len(), 2, "{l:#?}");
    assert!(l[0].starts_with("warning: Value for undeclared variable: The root module does not declare a variable named \"unknown_in_file\" but a value was found in file"), "{l:#?}");
    assert!(l[1].starts_with("error: Value for undeclared variable: A variable named \"unknown_on_cli\" was assigned on the command line"), "{l:#?}");
}

#[test]
fn variables_file_errors() {
    let (dir, m) = module(&[
        (
            "main.tf",
            "variable \"a\" { default = 1 }\nvariable \"b\" { default = 1 }\n",
        ),
        ("bad.tfvars", "a = var.b\nb = upper(\"x\")\nthing {}\n"),
        ("notobject.tfvars.json", "[1, 2]"),
        ("broken.tfvars.json", "{\"a\": }"),
        ("syntax.tfvars", "a = = 1\n"),
    ]);
    let file = |n: &str| VarSource::File(dir.path().join(n));
    let cli = vec![
        file("bad.tfvars"),
        file("notobject.tfvars.json"),
        file("broken.tfvars.json"),
        file("syntax.tfvars"),
        VarSource::File(PathBuf::from("does-not-exist.tfvars")),
        var("no-equals-sign"),
    ];
    let (values, diags) = collect_variable_values(&m, &cli, &BTreeMap::new());
    assert_diag(
        &diags,
        "error: Variables not allowed: Variables may not be used here.",
    );
    assert_diag(
        &diags,
        "error: Function calls not allowed: Functions may not be called here.",
    );
    assert_diag(
        &diags,
        "error: Unexpected \"thing\" block: Blocks are not allowed here.",
    );
    assert_diag(&diags, "error: Root value must be object");
    assert_diag(&diags, "error: Invalid JSON");
    assert!(
        diags.iter().any(|d| d.is_error()
            && d.subject
                .as_ref()
                .is_some_and(|r| r.filename.ends_with("syntax.tfvars"))),
        "a syntax error in syntax.tfvars: {:#?}",
        lines(&diags)
    );
    assert_diag(&diags, "error: Failed to read variables file: Given variables file does-not-exist.tfvars does not exist.");
    assert_diag(&diags, "error: Invalid -var option: The given -var option \"no-equals-sign\" is not correctly specified.");
    let bad = diags
        .iter()
        .find(|d| d.summary == "Variables not allowed")
        .unwrap();
    let r = bad.subject.as_ref().unwrap();
    assert_eq!(
        (r.start.line, r.start.column, r.end.column),
        (1, 5, 10),
        "points at var.b"
    );
    assert_eq!(
        values["a"],
        num("1"),
        "bad values leave the default in place"
    );
}
