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


# The SFU under load: one publisher (~1.5 Mbps VP8 + Opus), N WHEP subscribers, one worker.
if [ -x "$build/bench/rtcgate-load" ]; then
  echo "== rtcgate-load (1 worker; subscribers ${LOAD_SUBSCRIBERS:-10,100,500})"
  python3 "$(dirname "$0")/load-bench.py" "$build" "${LOAD_SUBSCRIBERS:-10,100,500}" "${LOAD_SECONDS:-20}"
fi
echo "results: $out/*.json"
