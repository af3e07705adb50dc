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


# The SFU under load, one worker: one publisher (~1.5 Mbps VP8 + Opus) and N WHEP
# subscribers; then rooms of participants x publishers (3-layer simulcast, everyone
# receiving the low layer of all but the active speaker).
if [ -x "$build/bench/rtcgate-load" ]; then
  echo "== rtcgate-load (1 worker; subscribers ${LOAD_SUBSCRIBERS:-10,100,500}; rooms ${LOAD_ROOMS:-25x25,100x10})"
  python3 "$(dirname "$0")/load-bench.py" "$build" "${LOAD_SUBSCRIBERS:-10,100,500}" "${LOAD_SECONDS:-20}" \
    "${LOAD_ROOMS:-25x25,100x10}"
fi

# One relay hop between two nodes of a cluster (docs/CLUSTER.md): added latency against the same
# run on one node, and the relay's CPU per packet.
if [ -x "$build/bench/rtcgate-load" ] && command -v redis-server >/dev/null; then
  echo "== relay hop (two one-worker nodes and Redis; publish on one, ${RELAY_SUBSCRIBERS:-10} subscribers on the other)"
  python3 "$(dirname "$0")/relay-bench.py" "$build" "${RELAY_SUBSCRIBERS:-10}" "${LOAD_SECONDS:-20}" | tee "$out/relay.log"
fi

# Glass-to-glass latency with a time code in the pixels (bench/latency/README.md): the nginx-rtmp
# and WebRTC-loopback baselines, then both directions of rtcgate's RTMP ⇄ WebRTC bridge and
# WHIP → WHEP through it.
latency="$(dirname "$0")/../bench/latency/run"
latency_seconds="${LATENCY_SECONDS:-20}"
echo "== latency (baselines: RTMP through nginx-rtmp, WebRTC between two local peer connections)"
"$latency" --via nginx --seconds "$latency_seconds" | tee "$out/latency-nginx.log"
"$latency" --via loopback --seconds "$latency_seconds" | tee "$out/latency-loopback.log"
if [ -x "$build/src/rtcgate" ]; then
  echo "== latency (rtcgate: RTMP -> WebRTC pass-through, WebRTC -> RTMP through VP8 -> H.264, WHIP -> WHEP)"
  "$latency" --via gateway --direction all --rtcgate "$build/src/rtcgate" --seconds "$latency_seconds" |
    tee "$out/latency-gateway.log"
  echo "== latency (rtcgate: RTMP High profile 720p -> WebRTC, re-encoded to Constrained Baseline)"
  "$latency" --via gateway --direction rtmp-to-webrtc --profile high --size 1280x720 --rtcgate "$build/src/rtcgate" \
    --seconds "$latency_seconds" | tee "$out/latency-gateway-reencode.log"
fi
grep -h '^{' "$out"/latency-*.log > "$out/latency.jsonl" || true

echo "results: $out/*.json $out/latency.jsonl"
