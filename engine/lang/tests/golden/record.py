#!/usr/bin/env python3
"""Record the golden expression corpus from a real Terraform binary (1.0.3).

Usage:
    python3 engine/lang/tests/golden/record.py [GROUP ...]

Environment:
    TERRAFORM   path of the terraform binary
                (default ~/.cache/infra/tfvenv/bin/terraform)

Reads cases/<group>.txt and writes expected/<group>.json (see README.md for
both formats).  Stdlib only.  Exits non-zero, naming the offending cases, when
a value case is rejected by Terraform, when an `# error` case is accepted, or
when a recorded value would depend on the temporary directory used.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_DIR = os.path.join(HERE, "cases")
EXPECTED_DIR = os.path.join(HERE, "expected")
FILES_DIR = os.path.join(HERE, "files")
PRELUDE = os.path.join(HERE, "prelude.tf")
TERRAFORM = os.environ.get("TERRAFORM") or os.path.expanduser(
    "~/.cache/infra/tfvenv/bin/terraform")

SEPARATOR = "---"


class Failure(Exception):
    pass


# ---------------------------------------------------------------------------
# Case files
# ---------------------------------------------------------------------------

class Case:
    def __init__(self, group, index, line, expr, error, comments):
        self.group = group
        self.index = index      # 0-based position in the group
        self.line = line        # 1-based line of the first expression line
        self.expr = expr
        self.error = error
        self.comments = comments

    def where(self):
        return "cases/%s.txt:%d (case #%d)" % (self.group, self.line, self.index + 1)


def parse_cases(group, path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    chunks = []
    cur, start = [], 1
    for i, line in enumerate(lines, 1):
        if line == SEPARATOR:
            chunks.append((start, cur))
            cur, start = [], i + 1
        else:
            cur.append(line)
    chunks.append((start, cur))

    cases = []
    for start, chunk in chunks:
        # drop leading blank lines
        while chunk and chunk[0].strip() == "":
            chunk = chunk[1:]
            start += 1
        comments = []
        error = False
        first = True
        while chunk and (chunk[0].startswith("#") or chunk[0].strip() == ""):
            c = chunk[0]
            if c.startswith("#"):
                if first and c.strip() == "# error":
                    error = True
                else:
                    comments.append(c)
                first = False
            chunk = chunk[1:]
            start += 1
        while chunk and chunk[-1].strip() == "":
            chunk = chunk[:-1]
        if not chunk:
            if error or comments:
                raise Failure("cases/%s.txt:%d: case has comments but no expression"
                              % (group, start))
            continue
        expr = "\n".join(chunk)
        cases.append(Case(group, len(cases), start, expr, error, comments))
    return cases


# ---------------------------------------------------------------------------
# JSON with exact numbers
# ---------------------------------------------------------------------------

class RawNum:
    """A JSON number kept as its exact source text."""
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __eq__(self, other):
        return isinstance(other, RawNum) and other.text == self.text

    def __repr__(self):
        return self.text


def loads(text):
    return json.loads(text, parse_int=RawNum, parse_float=RawNum,
                      parse_constant=RawNum)


def _safe_char(ch):
    """Non-ASCII characters written raw; all others are \\u-escaped so that
    combining marks, invisible characters and non-NFC code points are
    unambiguous in the expected files."""
    cat = unicodedata.category(ch)
    if cat[0] not in "LNPS" or cat == "Sk":
        return False
    return unicodedata.normalize("NFC", ch) == ch and unicodedata.combining(ch) == 0


def dump_str(s):
    out = []
    for ch in s:
        o = ord(ch)
        if o < 0x80:
            out.append(json.dumps(ch)[1:-1])
        elif _safe_char(ch):
            out.append(ch)
        elif o > 0xFFFF:
            o -= 0x10000
            out.append("\\u%04x\\u%04x" % (0xD800 + (o >> 10), 0xDC00 + (o & 0x3FF)))
        else:
            out.append("\\u%04x" % o)
    return '"' + "".join(out) + '"'


def dump_compact(v):
    if isinstance(v, RawNum):
        return v.text
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return dump_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(dump_compact(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(dump_str(k) + ": " + dump_compact(x)
                               for k, x in v.items()) + "}"
    raise TypeError("cannot dump %r" % (v,))


def dump_records(records):
    out = ["["]
    for i, rec in enumerate(records):
        fields = ["    %s: %s" % (json.dumps(k), dump_compact(v)) for k, v in rec.items()]
        out.append("  {\n" + ",\n".join(fields) + "\n  }" + ("," if i + 1 < len(records) else ""))
    out.append("]")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Running Terraform
# ---------------------------------------------------------------------------

def tf_env(workdir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    rc = os.path.join(workdir, "empty.tfrc")
    with open(rc, "w"):
        pass
    env.update({
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "TF_CLI_CONFIG_FILE": rc,
        "CHECKPOINT_DISABLE": "1",
        "NO_COLOR": "1",
    })
    return env


def new_workdir():
    """A fresh temp dir holding the prelude and a copy of files/."""
    d = tempfile.mkdtemp(prefix="tfgolden-")
    shutil.copy(PRELUDE, os.path.join(d, "prelude.tf"))
    if os.path.isdir(FILES_DIR):
        shutil.copytree(FILES_DIR, os.path.join(d, "files"))
    return d


def run(args, cwd, stdin=None):
    p = subprocess.run([TERRAFORM] + args, cwd=cwd, env=tf_env(cwd),
                       input=stdin, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def write_main(d, cases, sensitive=()):
    """Write main.tf with one output per case; return {line: case} for every
    line that belongs to a case's output block."""
    lines = []
    owner = {}
    for c in cases:
        name = "c%04d" % (c.index + 1)
        block = ['output "%s" {' % name]
        if c.index in sensitive:
            block.append("  sensitive = true")
        block.append("  value = [")
        block.extend(c.expr.split("\n"))
        block.append("  ]")
        block.append("}")
        for b in block:
            lines.append(b)
            owner[len(lines)] = c
        lines.append("")
    with open(os.path.join(d, "main.tf"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return owner


def diagnostics(stdout):
    diags = []
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("type") == "diagnostic" and "diagnostic" in msg:
            diags.append(msg["diagnostic"])
    return diags


def diag_case(diag, owner):
    rng = diag.get("range")
    if rng and rng.get("filename") == "main.tf":
        return owner.get(rng["start"]["line"])
    return None


def fmt_diag(d):
    s = "Error: %s" % d.get("summary", "")
    if d.get("detail"):
        detail = d["detail"].split("\ngoroutine ")[0]
        s += "\n    " + detail.replace("\n", "\n    ")
    return s


POS_RE = re.compile(r"main\.tf:(\d+),(\d+)-(?:(\d+),)?(\d+)")
EXPR_FIRST_LINE = 3   # line of main.tf holding the first line of the expression


def relocate(text):
    """Rewrite source positions in main.tf (main.tf:LINE,COL-[LINE,]COL) to
    positions relative to the case expression, named <expr>."""
    def sub(m):
        l1 = int(m.group(1)) - EXPR_FIRST_LINE + 1
        out = "<expr>:%d,%s-" % (l1, m.group(2))
        if m.group(3):
            out += "%d," % (int(m.group(3)) - EXPR_FIRST_LINE + 1)
        return out + m.group(4)
    return POS_RE.sub(sub, text)


INF_RE = re.compile(r'serializing output value "c(\d{4})"')


def apply(d, cases, sensitive):
    owner = write_main(d, cases, sensitive)
    for f in ("terraform.tfstate", "terraform.tfstate.backup", "errored.tfstate"):
        p = os.path.join(d, f)
        if os.path.exists(p):
            os.remove(p)
    rc, out, err = run(["apply", "-json", "-auto-approve", "-input=false", "-no-color"], d)
    return rc, out, err, owner


def record_values(cases):
    """Returns ({index: record}, [problems])."""
    if not cases:
        return {}, []
    d = new_workdir()
    try:
        by_index = {c.index: c for c in cases}
        active = list(cases)
        sensitive = set()
        console = []
        problems = []
        for _attempt in range(len(cases) + 5):
            rc, out, err, owner = apply(d, active, sensitive)
            if rc == 0:
                break
            diags = [x for x in diagnostics(out) if x.get("severity") == "error"]
            progress = False
            unknown = []
            bad = {}
            for dg in diags:
                c = diag_case(dg, owner)
                if dg.get("summary") == "Output refers to sensitive values" and c is not None:
                    if c.index not in sensitive:
                        sensitive.add(c.index)
                        progress = True
                    continue
                m = INF_RE.search(dg.get("detail", ""))
                if m:
                    idx = int(m.group(1)) - 1
                    if idx in by_index and by_index[idx] in active:
                        console.append(by_index[idx])
                        active.remove(by_index[idx])
                        progress = True
                    continue
                if c is not None:
                    bad.setdefault(c.index, []).append(dg)
                else:
                    unknown.append(dg)
            misattributed = False
            if bad:
                # Confirm each blamed case on its own: a syntax error in one
                # case (say an unterminated string) can surface in another.
                for idx in bad:
                    rc1, _, _, _ = apply(d, [by_index[idx]], sensitive)
                    if rc1 == 0:
                        misattributed = True
                        unknown.extend(bad[idx])
                if not misattributed:
                    for idx, dgs in sorted(bad.items()):
                        c = by_index[idx]
                        problems.append("%s: Terraform rejected a value case:\n  %s\n  %s" % (
                            c.where(), c.expr.replace("\n", "\n  "),
                            "\n  ".join(fmt_diag(x) for x in dgs)))
                    return {}, problems
            if misattributed or not progress:
                # Unattributable failure: run the cases one by one.
                problems.append("batch for group failed without a (reliable) case location:\n  "
                                + "\n  ".join(fmt_diag(x) for x in unknown)
                                + ("\n  stderr: " + err.strip() if err.strip() else ""))
                for c in active:
                    rc1, out1, err1, _ = apply(d, [c], sensitive)
                    all1 = [x for x in diagnostics(out1) if x.get("severity") == "error"]
                    if any(INF_RE.search(x.get("detail", "")) for x in all1):
                        continue    # only a value that cannot be stored
                    ds = [x for x in all1
                          if x.get("summary") != "Output refers to sensitive values"]
                    if rc1 != 0 and (ds or not all1):
                        problems.append("%s: fails on its own:\n  %s\n  %s %s" % (
                            c.where(), c.expr.replace("\n", "\n  "),
                            "\n  ".join(fmt_diag(x) for x in ds), err1.strip()))
                return {}, problems
        else:
            return {}, ["giving up after too many retries"]

        records = {}
        if active:
            rc, out, err = run(["output", "-json"], d)
            if rc != 0:
                return {}, ["terraform output -json failed: " + err]
            outputs = loads(out)
            for c in active:
                name = "c%04d" % (c.index + 1)
                o = outputs.get(name)
                if o is None:
                    problems.append("%s: output %s missing" % (c.where(), name))
                    continue
                t, v = o["type"], o["value"]
                if not (isinstance(t, list) and t[0] == "tuple" and len(t[1]) == 1
                        and isinstance(v, list) and len(v) == 1):
                    problems.append("%s: expression is not a single expression "
                                    "(wrapped type %s)" % (c.where(), dump_compact(t)))
                    continue
                rec = {"expr": c.expr, "type": t[1][0], "value": v[0]}
                if c.index in sensitive:
                    rec["sensitive"] = True
                records[c.index] = rec
        for c in console:
            if "\n" in c.expr:
                problems.append("%s: value cannot be stored in state (infinity?) and the "
                                "expression is multi-line, so terraform console cannot "
                                "record it" % c.where())
                continue
            rc, out, err = run(["console", "-no-color"], d, stdin=c.expr + "\n")
            if rc != 0:
                problems.append("%s: terraform console failed: %s" % (c.where(), err.strip()))
                continue
            records[c.index] = {"expr": c.expr, "console": out.rstrip("\n")}
        for idx, rec in records.items():
            text = dump_compact(rec)
            if d in text or os.path.realpath(d) in text or "tfgolden-" in text:
                problems.append("%s: recorded value depends on the temporary directory: %s"
                                % (by_index[idx].where(), text))
        return records, problems
    finally:
        shutil.rmtree(d, ignore_errors=True)


def record_error(c):
    d = new_workdir()
    try:
        rc, out, err, owner = apply(d, [c], ())
        if rc == 0:
            rc2, out2, _ = run(["output", "-json"], d)
            val = ""
            if rc2 == 0:
                o = loads(out2).get("c%04d" % (c.index + 1))
                if o is not None:
                    val = dump_compact(o["value"][0]) + " : " + dump_compact(o["type"][1][0])
            return None, "%s: marked `# error` but Terraform accepted it:\n  %s\n  => %s" % (
                c.where(), c.expr.replace("\n", "\n  "), val)
        diags = [x for x in diagnostics(out) if x.get("severity") == "error"]
        if not diags:
            return None, "%s: terraform failed without a diagnostic: %s" % (c.where(), err.strip())
        dg = diags[0]
        if diag_case(dg, owner) is None:
            return None, "%s: the error is not located in the expression:\n  %s" % (
                c.where(), fmt_diag(dg))
        rec = {"expr": c.expr, "error": dg.get("summary", ""), "detail": dg.get("detail", "")}
        text = dump_compact(rec)
        if "\ngoroutine " in rec["detail"]:
            # A Go panic inside a function: keep only the first line, the
            # stack trace that follows is not stable.
            rec["detail"] = rec["detail"].split("\ngoroutine ")[0]
            text = dump_compact(rec)
        rec["detail"] = relocate(rec["detail"])
        text = dump_compact(rec)
        if "main.tf" in text:
            return None, "%s: error text names a location in the generated main.tf " \
                "(rewrite the case so the first error does not): %s" % (c.where(), text)
        if d in text or os.path.realpath(d) in text or "tfgolden-" in text:
            return None, "%s: error text depends on the temporary directory: %s" % (
                c.where(), text)
        return rec, None
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main(argv):
    if not os.path.exists(TERRAFORM):
        print("terraform binary not found at %s (set TERRAFORM)" % TERRAFORM, file=sys.stderr)
        return 2
    rc, out, _ = run(["version"], tempfile.gettempdir())
    version = out.splitlines()[0] if out else "?"
    if "v1.0.3" not in version:
        print("warning: corpus is meant to be recorded with Terraform v1.0.3, got %s" % version,
              file=sys.stderr)

    groups = sorted(f[:-4] for f in os.listdir(CASES_DIR) if f.endswith(".txt"))
    if argv:
        groups = [g for g in groups if g in argv]
    os.makedirs(EXPECTED_DIR, exist_ok=True)
    if not argv:
        for f in os.listdir(EXPECTED_DIR):
            if f.endswith(".json") and f[:-5] not in groups:
                os.remove(os.path.join(EXPECTED_DIR, f))   # stale: its case file is gone
    failed = []
    totals = {"value": 0, "error": 0, "console": 0, "sensitive": 0}
    for g in groups:
        try:
            cases = parse_cases(g, os.path.join(CASES_DIR, g + ".txt"))
        except Failure as e:
            failed.append(str(e))
            continue
        values, problems = record_values([c for c in cases if not c.error])
        errors = {}
        for c in cases:
            if c.error:
                rec, prob = record_error(c)
                if prob:
                    problems.append(prob)
                else:
                    errors[c.index] = rec
        if problems:
            failed.extend(problems)
            print("%-16s FAILED (%d problem(s))" % (g, len(problems)))
            continue
        records = []
        for c in cases:
            records.append(errors[c.index] if c.error else values[c.index])
        with open(os.path.join(EXPECTED_DIR, g + ".json"), "w", encoding="utf-8") as f:
            f.write(dump_records(records))
        nv = sum(1 for c in cases if not c.error)
        ne = len(cases) - nv
        nc = sum(1 for r in records if "console" in r)
        ns = sum(1 for r in records if r.get("sensitive"))
        totals["value"] += nv
        totals["error"] += ne
        totals["console"] += nc
        totals["sensitive"] += ns
        print("%-16s %4d value cases (%d via console, %d sensitive), %3d error cases"
              % (g, nv, nc, ns, ne))
    print("total: %d value cases (%d via console, %d sensitive), %d error cases, %d groups"
          % (totals["value"], totals["console"], totals["sensitive"], totals["error"],
             len(groups)))
    if failed:
        print("\n%d problem(s):" % len(failed), file=sys.stderr)
        for p in failed:
            print("\n" + p, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Failure as e:
        print(str(e), file=sys.stderr)
        sys.exit(1)
