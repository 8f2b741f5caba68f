//! Parse and evaluate arbitrary input: the result is a value or a diagnostic, never a panic, a
//! stack overflow or a hang. Covers random text, random expression-shaped text, deep nesting,
//! long operator chains, huge numbers and truncated input.

use std::collections::BTreeMap;

use infra_core::Value;
use infra_lang::{eval_source, FuncContext, Functions, MapScope};
use proptest::prelude::*;

fn scope() -> MapScope {
    let mut s = MapScope::default();
    let mut locals = BTreeMap::new();
    locals.insert(
        "list".to_string(),
        Value::Tuple(vec![Value::string("a"), Value::int(1)]),
    );
    locals.insert("n".to_string(), Value::int(3));
    locals.insert("u".to_string(), Value::unknown());
    locals.insert("s".to_string(), Value::string("x").mark_sensitive());
    s.roots.insert("local".into(), Value::Object(locals.into()));
    s
}

fn eval(src: &str) {
    let functions = Functions::standard();
    let fctx = FuncContext {
        cwd: std::env::temp_dir(),
        ..FuncContext::default()
    };
    let _ = eval_source(src, "fuzz.tf", &scope(), &functions, &fctx);
}

fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("local.list".to_string()),
        Just("local.u".to_string()),
        Just("local.s".to_string()),
        Just("local.n".to_string()),
        Just("local.missing".to_string()),
        "-?[0-9]{1,40}(\\.[0-9]{1,20})?(e-?[0-9]{1,6})?",
        "\"[a-z%${}~\\\\ ]{0,12}\"",
    ];
    leaf.prop_recursive(5, 64, 4, |inner| {
        let fns = prop_oneof![
            Just("upper"),
            Just("length"),
            Just("jsonencode"),
            Just("tolist"),
            Just("merge"),
            Just("concat"),
            Just("coalesce"),
            Just("format"),
            Just("try"),
            Just("can"),
            Just("max"),
            Just("keys"),
            Just("flatten"),
            Just("tostring"),
            Just("sum"),
        ];
        let op = prop_oneof![
            Just("+"),
            Just("-"),
            Just("*"),
            Just("/"),
            Just("%"),
            Just("=="),
            Just("!="),
            Just("<"),
            Just(">="),
            Just("&&"),
            Just("||"),
        ];
        prop_oneof![
            (inner.clone(), op, inner.clone()).prop_map(|(a, o, b)| format!("({a} {o} {b})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("({c} ? {a} : {b})")),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| format!(
                "{{{}}}",
                v.iter()
                    .enumerate()
                    .map(|(i, x)| format!("k{i} = {x}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            (fns, prop::collection::vec(inner.clone(), 0..3))
                .prop_map(|(f, a)| format!("{f}({})", a.join(", "))),
            inner.clone().prop_map(|x| format!("[for v in {x} : v]")),
            inner
                .clone()
                .prop_map(|x| format!("{{for k, v in {x} : k => v...}}")),
            inner.clone().prop_map(|x| format!("{x}[*].a")),
            inner.clone().prop_map(|x| format!("{x}[0]")),
            inner
                .clone()
                .prop_map(|x| format!("\"a${{{x}}}%{{if {x}}}y%{{endif}}\"")),
            inner.prop_map(|x| format!("!{x}")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(s in "\\PC{0,60}") {
        eval(&s);
    }

    #[test]
    fn random_expressions_never_panic(s in expression()) {
        eval(&s);
    }

    #[test]
    fn truncated_expressions_never_panic(s in expression(), cut in 0usize..200) {
        let end = s.char_indices().map(|(i, _)| i).nth(cut).unwrap_or(s.len());
        eval(&s[..end]);
    }

    #[test]
    fn lossy_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..80)) {
        eval(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn deep_nesting_is_a_diagnostic() {
    for open in ["(", "[", "{a=", "\"${"] {
        let src = open.repeat(20_000);
        eval(&src);
    }
    let src = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    eval(&src);
}

#[test]
fn long_operator_chains_do_not_overflow() {
    // Left-nested trees as deep as the chain is long.
    eval(&vec!["1"; 20_000].join(" + "));
    eval(&format!("{}true", "!".repeat(20_000)));
    eval(&format!("{}1", "-".repeat(20_000)));
    eval(&vec!["true ? 1"; 5_000].join(" : "));
}

#[test]
fn huge_and_tiny_numbers_evaluate_quickly() {
    let start = std::time::Instant::now();
    for src in [
        "1e999999999",
        "1e-999999999",
        "99999999999999999999999999999999999999999999 * 1e300",
        "1/3 * 1e100000",
    ] {
        eval(src);
    }
    assert!(
        start.elapsed() < std::time::Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
}
