//! The golden expression corpus: every case under `tests/golden/cases` was evaluated by
//! Terraform 1.0.3 and its answer recorded in `tests/golden/expected` (see the README there).
//! infra must give the same type and value, or reject the same cases.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl_edit::structure::Structure;
use infra_core::{LineIndex, Type, Value};
use infra_lang::{eval_source, EvalContext, FuncContext, Functions, MapScope};

fn golden_dir() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("tests/golden")
}

/// The scope every case sees: the prelude's locals, `path.*` as Terraform sets them when run in
/// the corpus directory, and the default workspace.
fn prelude_scope(functions: &Functions, fctx: &FuncContext) -> MapScope {
    let src = std::fs::read_to_string(golden_dir().join("prelude.tf")).expect("prelude.tf");
    let file = LineIndex::new("prelude.tf", src.as_str());
    let body = infra_lang::parse::parse_body(&src, &file).expect("prelude parses");
    let empty = MapScope::default();
    let mut locals = BTreeMap::new();
    for s in body.iter() {
        if let Structure::Block(b) = s {
            if b.ident.value().as_str() == "locals" {
                for a in b.body.attributes() {
                    let mut ctx = EvalContext::new(&empty, functions, fctx, &file);
                    let v = ctx.eval(&a.value).expect("prelude locals are literals");
                    locals.insert(a.key.value().as_str().to_string(), v);
                }
            }
        }
    }
    let mut scope = MapScope::default();
    scope
        .roots
        .insert("local".into(), Value::Object(locals.into()));
    let path = |s: &str| Value::string(s);
    scope.roots.insert(
        "path".into(),
        Value::Object(infra_core::ValueMap::from([
            ("module".to_string(), path(".")),
            ("root".to_string(), path(".")),
            ("cwd".to_string(), path(&golden_dir().to_string_lossy())),
        ])),
    );
    scope.roots.insert(
        "terraform".into(),
        Value::Object(infra_core::ValueMap::from([(
            "workspace".to_string(),
            path("default"),
        )])),
    );
    scope
}

#[test]
fn golden_expressions_match_terraform() {
    let functions = Functions::standard();
    let fctx = FuncContext {
        cwd: golden_dir(),
        ..FuncContext::default()
    };
    let scope = prelude_scope(&functions, &fctx);
    let mut files: Vec<PathBuf> = std::fs::read_dir(golden_dir().join("expected"))
        .expect("expected dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let (mut total, mut failures) = (0usize, Vec::new());
    for f in &files {
        let group = f.file_stem().unwrap().to_string_lossy().to_string();
        let cases: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(f).expect("read")).expect("json");
        for case in cases {
            total += 1;
            let expr = case["expr"].as_str().expect("expr");
            let got = eval_wrapped(expr, &scope, &functions, &fctx);
            let problem = check_case(&case, got);
            if let Some(p) = problem {
                failures.push(format!("[{group}] {expr}\n    {p}"));
            }
        }
    }
    let passed = total - failures.len();
    println!(
        "golden expressions: {passed} passed, {} failed (of {total})",
        failures.len()
    );
    assert!(
        total >= 300,
        "the corpus must hold at least 300 cases, has {total}"
    );
    assert!(
        failures.is_empty(),
        "{} of {total} golden cases differ from Terraform:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Evaluates a case the way the recorder ran it through Terraform: as the only element of a
/// tuple, `[` and a newline before it and a newline and `]` after, so that syntax errors arise in
/// the same context; the element is the result.
fn eval_wrapped(
    expr: &str,
    scope: &MapScope,
    functions: &Functions,
    fctx: &FuncContext,
) -> Result<Value, Box<infra_core::Diagnostic>> {
    let src = format!("[\n{expr}\n]");
    match eval_source(&src, "case.tf", scope, functions, fctx)? {
        Value::Tuple(mut items) if items.len() == 1 => Ok(items.remove(0)),
        Value::Sensitive(inner) => match *inner {
            Value::Tuple(mut items) if items.len() == 1 => Ok(items.remove(0).mark_sensitive()),
            other => Ok(other),
        },
        other => Ok(other),
    }
}

fn check_case(
    case: &serde_json::Value,
    got: Result<Value, Box<infra_core::Diagnostic>>,
) -> Option<String> {
    if let Some(summary) = case.get("error").and_then(|e| e.as_str()) {
        return match got {
            Err(d) if d.summary == summary => None,
            Err(d) => Some(format!(
                "expected error {summary:?}, got error {:?}: {}",
                d.summary, d.detail
            )),
            Ok(v) => Some(format!(
                "expected error {summary:?}, got value {}",
                v.to_json()
            )),
        };
    }
    if let Some(console) = case.get("console").and_then(|c| c.as_str()) {
        return match got {
            Ok(v) => {
                let shown = infra_lang::display::console_format(&v);
                (shown.trim() != console.trim())
                    .then(|| format!("expected console {console:?}, got {shown:?}"))
            }
            Err(d) => Some(format!(
                "expected console {console:?}, got error {:?}: {}",
                d.summary, d.detail
            )),
        };
    }
    let want_ty = Type::from_json(&case["type"]);
    let v = match got {
        Ok(v) => v,
        Err(d) => {
            return Some(format!(
                "expected {}, got error {:?}: {}",
                case["value"], d.summary, d.detail
            ))
        }
    };
    let (v, marked) = v.unmark_deep();
    if case.get("sensitive").and_then(|s| s.as_bool()) == Some(true) && !marked {
        return Some(format!(
            "expected a sensitive value, got a non-sensitive {}",
            v.to_json()
        ));
    }
    let v = msgpack_round_trip(v);
    if want_ty.as_ref() != Some(&v.ty()) {
        return Some(format!(
            "expected type {}, got {} (value {})",
            case["type"],
            v.ty().to_json(),
            v.to_json()
        ));
    }
    let got_json = v.to_json();
    (got_json != case["value"]).then(|| format!("expected {}, got {}", case["value"], got_json))
}

/// Terraform stores output values through msgpack, which writes a number that is exactly an
/// `int64` as an integer and one that is exactly a `float64` as a float (so it reads back with
/// 53 bits of precision and prints as Go's shortest `float64` text): `18446744073709551616`
/// comes back as `18446744073709550000`. That is a property of Terraform's output storage, not
/// of evaluation, so the comparison applies the same round trip to infra's value.
fn msgpack_round_trip(v: Value) -> Value {
    v.map_deep(&mut |x| match x {
        Value::Number(n) if !n.is_infinite() && n.to_i64().is_none() => {
            match infra_core::Number::from_f64(n.to_f64()) {
                Some(f) if f == n => Value::Number(f),
                _ => Value::Number(n),
            }
        }
        Value::Number(n) if n.is_zero() => Value::Number(infra_core::Number::zero()),
        x => x,
    })
}
