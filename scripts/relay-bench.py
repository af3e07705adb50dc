#!/usr/bin/env python3
"""The cost of one relay hop (docs/CLUSTER.md): a private redis-server and two one-worker rtcgate
nodes on 127.0.0.1. rtcgate-load publishes one stream and plays it with N WHEP subscribers,
first all on node 1 (the local figure), then publishing on node 1 and playing on node 2 (one
relay between them). Prints the added latency p50/p99 of both runs, and the CPU the relay costs
per packet it carries: node 1's CPU per relayed packet (sending side, publisher's intake left
out by its own run without subscribers) and node 2's CPU per packet it forwards.

Figures for docs/PERFORMANCE.md, never pass/fail.

usage: relay-bench.py BUILD [SUBSCRIBERS [SECONDS]]"""
import json
import os
import subprocess
import sys
import time
import urllib.request


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def metric(base, name):
    text = urllib.request.urlopen(base + "/metrics", timeout=5).read().decode()
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + "{"))


def wait_up(base):
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"relay-bench: {base} did not come up")


def start_node(build, out, redis_port, node):
    http = free_port()
    log = open(os.path.join(out, f"relay-{node}.log"), "w")
    p = subprocess.Popen([os.path.join(build, "src", "rtcgate"), "--config", "/dev/null", "--http-listen",
                          f"127.0.0.1:{http}", "--udp-port", "0", "--workers", "1", "--log-level", "warn",
                          "--rtmp-listen", "", "--turn-listen", "", "--node-id", node,
                          "--cluster-redis", f"redis://127.0.0.1:{redis_port}"], stdout=log, stderr=log)
    base = f"http://127.0.0.1:{http}"
    wait_up(base)
    return p, base


def run(build, out, whip, whep, stream, subscribers, seconds, nodes):
    """One rtcgate-load run; returns its report and each node's CPU seconds and packets out
    over the tool's measuring window."""
    path = os.path.join(out, f"relay-{stream}.json")
    tool = subprocess.Popen([os.path.join(build, "bench", "rtcgate-load"), "--threads", "1", "--json", path,
                             "--whip-url", whip + "/whip/{stream}", "--whep-url", whep + "/whep/{stream}",
                             "--stream", stream, "--subscribers", str(subscribers), "--duration", str(seconds)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    start = None
    for line in tool.stdout:
        if line.startswith("  t-") and start is None:
            start = {n: (cpu_seconds(p.pid), metric(b, "rtcgate_packets_out_total"), time.monotonic())
                     for n, (p, b) in nodes.items()}
    end = {n: (cpu_seconds(p.pid), metric(b, "rtcgate_packets_out_total"), time.monotonic())
           for n, (p, b) in nodes.items()}
    tool.wait()
    report = json.load(open(path)) if os.path.exists(path) else {}
    usage = {n: {"cpu": end[n][0] - start[n][0], "packetsOut": end[n][1] - start[n][1],
                 "seconds": end[n][2] - start[n][2]} for n in nodes} if start else {}
    return report, usage


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    subscribers = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    out = os.path.join(build, "bench-results")
    os.makedirs(out, exist_ok=True)
    redis_port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs = []
    try:
        time.sleep(0.3)
        n1 = start_node(build, out, redis_port, "n1")
        n2 = start_node(build, out, redis_port, "n2")
        procs = [n1[0], n2[0]]
        time.sleep(2)
        nodes = {"n1": n1, "n2": n2}
        local, lu = run(build, out, n1[1], n1[1], "local", subscribers, seconds, nodes)
        relayed, ru = run(build, out, n1[1], n2[1], "relayed", subscribers, seconds, nodes)
        alone, au = run(build, out, n1[1], n1[1], "alone", 0, seconds, nodes)
        lat = lambda r: (r.get("latencyMs", {}).get("p50"), r.get("latencyMs", {}).get("p99"))
        # Node 1 while relaying sends one copy of each packet (the relay); its CPU beyond its
        # CPU with the publisher alone is the relay's sending cost.
        relay_packets = ru["n1"]["packetsOut"]
        send_cost = (ru["n1"]["cpu"] / ru["n1"]["seconds"] - au["n1"]["cpu"] / au["n1"]["seconds"]) * ru["n1"]["seconds"]
        recv_cost = ru["n2"]["cpu"]
        result = {
            "bench": "relay", "subscribers": subscribers, "seconds": seconds,
            "local_latency_ms_p50_p99": lat(local), "relayed_latency_ms_p50_p99": lat(relayed),
            "relayed_loss_pct_mean": relayed.get("lossPct", {}).get("videoMean"),
            "relay_packets": round(relay_packets),
            "send_cost_us_per_packet": round(send_cost / relay_packets * 1e6, 2) if relay_packets else None,
            "n2_cpu_us_per_packet_out": round(recv_cost / ru["n2"]["packetsOut"] * 1e6, 2) if ru["n2"]["packetsOut"] else None,
            "local_cpu_us_per_packet_out": round(lu["n1"]["cpu"] / lu["n1"]["packetsOut"] * 1e6, 2) if lu["n1"]["packetsOut"] else None,
        }
        print(json.dumps(result))
        print(f"relay hop: latency p50/p99 local {lat(local)} ms, through one relay {lat(relayed)} ms; "
              f"sending {result['send_cost_us_per_packet']} us CPU per relayed packet; the far node "
              f"{result['n2_cpu_us_per_packet_out']} us per packet it sends (local: {result['local_cpu_us_per_packet_out']})")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait()
        redis.terminate()


if __name__ == "__main__":
    main()
