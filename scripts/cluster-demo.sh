#!/usr/bin/env bash
# Starts a private redis-server and three rtcgate nodes on this machine as one cluster
# (docs/CLUSTER.md), in the foreground; Ctrl-C stops them all.
#
#   scripts/cluster-demo.sh [BUILD_DIR]
#
# Node n1: http://127.0.0.1:8081/  (media UDP/TCP 41000+, RTMP 1936)
# Node n2: http://127.0.0.1:8082/  (42000+, RTMP 1937)
# Node n3: http://127.0.0.1:8083/  (43000+, RTMP 1938)
# Publish on one node's demo page, play on another's; GET /api/cluster/nodes on any node.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$here/build}"
bin="$build/src/rtcgate"
[ -x "$bin" ] || { echo "cluster-demo: $bin not found: run 'make build' first" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "cluster-demo: redis-server not found: run scripts/install-deps.sh" >&2; exit 1; }

redis_port="${REDIS_PORT:-6390}"
work="$(mktemp -d -t rtcgate-cluster.XXXXXX)"
pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "cluster-demo: stopped; logs in $work"
}
trap stop EXIT INT TERM

redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning \
  > "$work/redis.log" 2>&1 &
pids+=($!)
sleep 0.5

cd "$here"  # the nodes serve web/ from here
for i in 1 2 3; do
  "$bin" --config /dev/null \
    --http-listen "127.0.0.1:808$i" --udp-port "4${i}000" --rtmp-listen "127.0.0.1:193$((5 + i))" \
    --turn-listen "127.0.0.1:$((3477 + i * 10))" --recordings-dir "$work/recordings-n$i" \
    --node-id "n$i" --region local --cluster-redis "redis://127.0.0.1:$redis_port" \
    > "$work/n$i.log" 2>&1 &
  pids+=($!)
done

echo "cluster-demo: redis on $redis_port, nodes n1..n3 at http://127.0.0.1:8081/ 8082/ 8083/ (logs in $work)"
echo "cluster-demo: publish on http://127.0.0.1:8081/ and play the same stream on http://127.0.0.1:8082/"
wait
