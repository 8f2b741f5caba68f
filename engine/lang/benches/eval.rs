//! Micro-benchmarks of the language's hot paths: parsing configuration text and evaluating the
//! expressions a plan evaluates once per resource instance.
//!
//! `cargo bench -p infra-lang --bench eval` (add `-- --save-baseline main` on a reference commit
//! and `-- --baseline main` later to have criterion report which benchmarks regressed).
//!
//! Harness: criterion rather than divan, because criterion keeps baselines and tells, per
//! benchmark, whether a change is a statistically significant regression; that per-component
//! regression signal is what these benchmarks are for. Its plotting and rayon features are off
//! (`default-features = false`), which keeps the extra build small.

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use infra_core::{LineIndex, Value};
use infra_lang::parse::{parse_body, parse_expression};
use infra_lang::{EvalContext, FuncContext, Functions, Scope, ScopeError, Step};

/// The layered configuration of the side-by-side benchmark (tests/bench/bench.py): `n` null
/// resources in 10 layers, each referencing one or two resources of the layer above.
fn layered(n: usize) -> String {
    let mut s = String::from(
        "variable \"prefix\" {\n  type    = string\n  default = \"bench\"\n}\n\nlocals {\n  tag = \"${var.prefix}-1\"\n}\n\n",
    );
    let width = n / 10;
    for k in 0..10 {
        for j in 0..width {
            s.push_str(&format!("resource \"null_resource\" \"l{k}_{j}\" {{\n  triggers = {{\n    name = \"${{local.tag}}-{k}-{j}\"\n"));
            if k > 0 {
                s.push_str(&format!("    a    = null_resource.l{}_{}.id\n", k - 1, j));
                if j % 2 == 1 {
                    s.push_str(&format!(
                        "    b    = null_resource.l{}_{}.id\n",
                        k - 1,
                        (j + 1) % width
                    ));
                }
            }
            s.push_str("  }\n}\n\n");
        }
    }
    s
}

/// A scope like the planner's: `var.x` and `local.x` by name, `count.index`, and one resource
/// instance's attributes looked up by `TYPE.NAME` (consuming those steps, as the planner does).
struct BenchScope {
    vars: BTreeMap<String, Value>,
    locals: BTreeMap<String, Value>,
    resources: BTreeMap<(String, String), Value>,
    count_index: i64,
}

impl Scope for BenchScope {
    fn resolve(&self, root: &str, steps: &[Step]) -> Result<(Value, usize), ScopeError> {
        let attr = |i: usize| match steps.get(i) {
            Some(Step::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        let missing = || ScopeError::new("Invalid reference", "not in the benchmark scope");
        match root {
            "var" => Ok((
                self.vars
                    .get(attr(0).ok_or_else(missing)?)
                    .cloned()
                    .ok_or_else(missing)?,
                1,
            )),
            "local" => Ok((
                self.locals
                    .get(attr(0).ok_or_else(missing)?)
                    .cloned()
                    .ok_or_else(missing)?,
                1,
            )),
            "count" => Ok((Value::int(self.count_index), 1)),
            ty => {
                let name = attr(0).ok_or_else(missing)?;
                let v = self
                    .resources
                    .get(&(ty.to_string(), name.to_string()))
                    .cloned()
                    .unwrap_or_else(Value::unknown);
                Ok((v, 1))
            }
        }
    }
}

fn scope() -> BenchScope {
    let obj = |id: &str| {
        Value::Object(infra_core::ValueMap::from([
            ("id".to_string(), Value::string(id)),
            (
                "triggers".to_string(),
                Value::Object(infra_core::ValueMap::from([(
                    "name".to_string(),
                    Value::string("bench-1-0-0"),
                )])),
            ),
        ]))
    };
    let names: BTreeMap<String, Value> = (0..100)
        .map(|i| (format!("k{i:03}"), Value::string(format!("value-{i}"))))
        .collect();
    BenchScope {
        vars: BTreeMap::from([
            ("prefix".to_string(), Value::string("bench")),
            ("names".to_string(), Value::Object(names.into())),
        ]),
        locals: BTreeMap::from([("tag".to_string(), Value::string("bench-1"))]),
        resources: BTreeMap::from([
            (
                ("null_resource".to_string(), "l0_0".to_string()),
                obj("1234567890"),
            ),
            (
                ("null_resource".to_string(), "l0_1".to_string()),
                obj("2345678901"),
            ),
        ]),
        count_index: 7,
    }
}

fn bench_parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    for n in [1000usize, 3000] {
        let src = layered(n);
        let file = LineIndex::new("main.tf", src.as_str());
        g.throughput(Throughput::Bytes(src.len() as u64));
        g.bench_with_input(BenchmarkId::new("body/layered", n), &src, |b, src| {
            b.iter(|| parse_body(black_box(src), &file).expect("parses"))
        });
    }
    let expr = "{\n  name = \"${local.tag}-1-${count.index}\"\n  a    = null_resource.l0_0.id\n  b    = null_resource.l0_1.id\n}";
    let file = LineIndex::new("main.tf", expr);
    g.throughput(Throughput::Elements(1));
    g.bench_function("expression/triggers", |b| {
        b.iter(|| parse_expression(black_box(expr), &file).expect("parses"))
    });
    g.finish();
}

fn bench_eval(c: &mut Criterion) {
    let functions = Functions::standard();
    let fctx = FuncContext::default();
    let scope = scope();
    let mut g = c.benchmark_group("eval");
    let cases = [
        // What the planner evaluates per instance of the side-by-side benchmark.
        ("triggers", "{\n  name = \"${local.tag}-1-${count.index}\"\n  a    = null_resource.l0_0.id\n  b    = null_resource.l0_1.id\n}"),
        ("template", "\"${var.prefix}-${local.tag}-${count.index}\""),
        ("reference", "null_resource.l0_0.id"),
        ("call/upper", "upper(var.prefix)"),
        ("for/object-100", "{ for k, v in var.names : k => upper(v) if k != \"k000\" }"),
        ("for/range-1000", "[for i in range(1000) : i * 2]"),
        ("call/merge-100", "merge(var.names, { extra = \"x\" })"),
        ("call/cidrsubnets", "cidrsubnets(\"10.40.0.0/16\", 4, 4, 3, 8)"),
    ];
    for (name, src) in cases {
        let file = LineIndex::new("main.tf", src);
        let expr = parse_expression(src, &file).expect("parses");
        // Check once that it evaluates, so a broken case fails loudly instead of timing an error.
        EvalContext::new(&scope, &functions, &fctx, &file)
            .eval(&expr)
            .unwrap_or_else(|d| panic!("{name}: {d:?}"));
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut ctx = EvalContext::new(&scope, &functions, &fctx, &file);
                ctx.eval(black_box(&expr)).expect("evaluates")
            })
        });
    }
    g.bench_function("functions/standard", |b| b.iter(Functions::standard));
    g.finish();
}

criterion_group!(benches, bench_parse, bench_eval);
criterion_main!(benches);
