//! Micro-benchmarks of building the dependency graph (and, for scale, of loading the
//! configuration it is built from) for the shapes of the side-by-side benchmark
//! (tests/bench/bench.py): `layered` (N blocks in 10 layers, one or two references each),
//! `lcount` (10 counted blocks) and `flat` (one counted block).
//!
//! `cargo bench -p infra-graph --bench build` (`-- --save-baseline main` / `-- --baseline main`
//! to compare against a reference commit).
//!
//! Harness: criterion rather than divan, because criterion keeps baselines and tells, per
//! benchmark, whether a change is a statistically significant regression; that per-component
//! regression signal is what these benchmarks are for.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use infra_config::load_config;
use infra_graph::build_graph;

const HEADER: &str = "variable \"prefix\" {\n  type    = string\n  default = \"bench\"\n}\n\nlocals {\n  tag = \"${var.prefix}-1\"\n}\n\n";

fn layered(n: usize) -> String {
    let mut s = String::from(HEADER);
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
    s.push_str(&format!(
        "output \"last\" {{\n  value = null_resource.l9_{}.id\n}}\n",
        width - 1
    ));
    s
}

fn lcount(n: usize) -> String {
    let mut s = String::from(HEADER);
    let width = n / 10;
    for k in 0..10 {
        s.push_str(&format!("resource \"null_resource\" \"l{k}\" {{\n  count = {width}\n\n  triggers = {{\n    name = \"${{local.tag}}-{k}-${{count.index}}\"\n"));
        if k > 0 {
            s.push_str(&format!(
                "    up   = null_resource.l{}[count.index].id\n",
                k - 1
            ));
        }
        s.push_str("  }\n}\n\n");
    }
    s
}

fn flat(n: usize) -> String {
    format!("{HEADER}resource \"null_resource\" \"flat\" {{\n  count = {n}\n\n  triggers = {{\n    name = \"${{local.tag}}-${{count.index}}\"\n  }}\n}}\n")
}

fn write(dir: &Path, text: &str) {
    std::fs::write(dir.join("main.tf"), text).expect("write main.tf");
}

fn bench_build(c: &mut Criterion) {
    let mut g = c.benchmark_group("graph");
    g.sample_size(20);
    type Generator = fn(usize) -> String;
    let shapes: [(&str, Generator); 3] = [("layered", layered), ("lcount", lcount), ("flat", flat)];
    for (shape, gen) in shapes {
        for n in [1000usize, 3000, 10000] {
            if shape != "layered" && n != 10000 {
                continue; // lcount and flat have 10 and 1 blocks whatever N is
            }
            let dir = tempfile::tempdir().expect("temp dir");
            write(dir.path(), &gen(n));
            let (config, diags) = load_config(dir.path());
            assert!(!diags.has_errors(), "{shape} {n}: {diags:?}");
            let (graph, diags) = build_graph(&config);
            assert!(!diags.has_errors(), "{shape} {n}: {diags:?}");
            g.throughput(Throughput::Elements(graph.graph.node_count() as u64));
            g.bench_with_input(
                BenchmarkId::new(format!("build/{shape}"), n),
                &config,
                |b, config| b.iter(|| build_graph(black_box(config))),
            );
            if shape == "layered" {
                g.bench_with_input(
                    BenchmarkId::new("load_config/layered", n),
                    dir.path(),
                    |b, dir| b.iter(|| load_config(black_box(dir))),
                );
            }
        }
    }
    g.finish();
}

criterion_group!(benches, bench_build);
criterion_main!(benches);
