#!/usr/bin/env bash
# The churn soak (`make soak`, `make soak-asan`): rtcgate in a private network namespace,
# rtcgate-load opening and closing WHIP/WHEP sessions with media at a steady rate, the
# gateway's RSS, open files and live sessions sampled. Fails when a session failed, one was
# left behind, a file descriptor leaked, RSS grew more than 5 % after warm-up, or (for a
# sanitizer build) the gateway reported an error or a leak at exit.
#
#   scripts/soak.sh RTCGATE_BINARY LOAD_BINARY OUT_DIR
#
# SOAK_SESSIONS (10000), SOAK_RATE (3.2 per second), SOAK_HOLD (8 s), SOAK_VIEWERS (3 per
# publisher), SOAK_WARMUP (300 s), SOAK_WORKERS (2), SOAK_MAX_RSS_GROWTH (5 %) change the
# run. (Under ASan the allocator's quarantine fills for a long while, so `make soak-asan`
# judges leaks by LeakSanitizer and lets RSS be.)
set -euo pipefail
die() { echo "soak: $*" >&2; exit 1; }
[ $# -eq 3 ] || die "usage: $0 RTCGATE_BINARY LOAD_BINARY OUT_DIR"
gateway=$(realpath "$1"); load=$(realpath "$2"); out=$(realpath -m "$3")
[ -x "$gateway" ] || die "no gateway binary at $1"
[ -x "$load" ] || die "no rtcgate-load at $2 (it needs FFmpeg's libraries: scripts/install-deps.sh)"
source_dir=$(cd "$(dirname "$0")/.." && pwd)

if [ -z "${RTCGATE_SOAK_IN_NETNS:-}" ]; then
  export RTCGATE_SOAK_IN_NETNS=1
  if [ "$(id -u)" -eq 0 ]; then exec unshare --net -- "$0" "$@"; fi
  exec unshare -rn -- "$0" "$@"
fi
ip link set lo up

mkdir -p "$out"
log="$out/rtcgate.log"
http=127.0.0.1:18080
# Leaks are reported when the gateway exits; a sanitizer's report ends up in the log.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:${UBSAN_OPTIONS:-}"
(cd "$source_dir" && exec "$gateway" --http-listen "$http" --udp-listen-ip 127.0.0.1 --udp-port 40000 \
  --workers "${SOAK_WORKERS:-2}" --log-level warn --rtmp-listen 127.0.0.1:11935 --turn-listen 127.0.0.1:13478) \
  >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -fs "http://$http/healthz" >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || die "the gateway exited at start; see $log"
  sleep 0.1
done
curl -fs "http://$http/healthz" >/dev/null || die "the gateway did not answer /healthz; see $log"

status=0
"$load" --churn "${SOAK_SESSIONS:-10000}" --ramp-per-sec "${SOAK_RATE:-3.2}" --churn-hold "${SOAK_HOLD:-8}" \
  --churn-viewers "${SOAK_VIEWERS:-3}" --warmup "${SOAK_WARMUP:-300}" --server-pid $pid \
  --max-rss-growth "${SOAK_MAX_RSS_GROWTH:-5}" \
  --metrics-url "http://$http/metrics" --whip-url "http://$http/whip/{stream}" \
  --whep-url "http://$http/whep/{stream}" --json "$out/soak.json" | tee "$out/soak.log" || status=$?

kill -TERM $pid
for _ in $(seq 1 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then
  echo "soak: FAIL: the gateway did not exit within 30 s of SIGTERM"; kill -KILL $pid; status=1
fi
wait $pid || echo "soak: gateway exit status $?"
if grep -qE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$log"; then
  echo "soak: FAIL: the sanitizers reported:"; grep -E -A12 "ERROR: |runtime error:" "$log" | head -60; status=1
fi
echo "soak: results in $out (soak.json, soak.json.samples, soak.log, rtcgate.log)"
exit $status
