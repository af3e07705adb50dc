#!/usr/bin/env bash
# Runs every micro-benchmark of a build and prints its table; figures go to docs/PERFORMANCE.md.
set -euo pipefail
build=${1:-build}
out="$build/bench-results"; mkdir -p "$out"
for bin in "$build"/bench/bench_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  echo "== $name"
  "$bin" --benchmark_min_time=0.2 --benchmark_out="$out/$name.json" --benchmark_out_format=json
done
echo "results: $out/*.json"
