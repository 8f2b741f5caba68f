#!/usr/bin/env bash
# Regenerates the golden outputs of the formatter corpus with the real
# `terraform fmt` (the oracle). Each input <name>.tf / <name>.tfvars is copied
# to a scratch directory, formatted in place by terraform (so the golden is
# exactly what `terraform fmt` writes to a file, without the extra trailing
# newline its stdout mode adds), and the result stored as <name>.<ext>.golden.
#
# Usage: record.sh [name...]      (default: every input in this directory)
# Env:   TERRAFORM  path to the terraform binary (1.0.3 is the reference)
set -euo pipefail

TERRAFORM="${TERRAFORM:-$HOME/.cache/infra/tfvenv/bin/terraform}"
here="$(cd "$(dirname "$0")" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

"$TERRAFORM" version | sed -n 1p >&2

inputs=()
if [ "$#" -gt 0 ]; then
  for name in "$@"; do inputs+=("$here/$name"); done
else
  for f in "$here"/*.tf "$here"/*.tfvars; do [ -e "$f" ] && inputs+=("$f"); done
fi

status=0
for input in "${inputs[@]}"; do
  base="$(basename "$input")"
  cp "$input" "$scratch/$base"
  if "$TERRAFORM" fmt -no-color -list=false "$scratch/$base" >/dev/null 2>"$scratch/err"; then
    cp "$scratch/$base" "$here/$base.golden"
    echo "recorded $base.golden" >&2
  else
    echo "terraform fmt rejected $base:" >&2
    cat "$scratch/err" >&2
    status=1
  fi
  rm -f "$scratch/$base"
done
exit "$status"
