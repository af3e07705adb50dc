#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for SECONDS each, starting from (and adding to)
# a scratch copy of its committed corpus. Crashes are left as crash-* files and fail the run.
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for bin in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin"); name=${name#fuzz_}
  work="$build/fuzz-work/$name"; mkdir -p "$work"
  cp -n "$root/tests/fuzz/corpus/$name"/* "$work/" 2>/dev/null || true
  echo "== fuzz $name for ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$build/fuzz-work/$name-" "$work" \
      2>"$build/fuzz-work/$name.log"; then
    echo "!! fuzz $name found a crash: see $build/fuzz-work/$name.log"; status=1
  fi
  grep -E 'stat::number_of_executed_units|cov:' "$build/fuzz-work/$name.log" | tail -2
done
exit $status
