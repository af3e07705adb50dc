#!/usr/bin/env python3
"""Runs rtcgate-load against a one-worker rtcgate on 127.0.0.1 for several subscriber
counts and prints, per count: gateway CPU, egress packets/s per core, loss, added latency
and gateway RSS per subscriber. Figures for docs/PERFORMANCE.md, never pass/fail."""
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def metric(base, name):
    text = urllib.request.urlopen(base + "/metrics", timeout=5).read().decode()
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + "{"))


def proc_cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Sampler(threading.Thread):
    """Samples gateway CPU time, egress packets and RSS once a second."""

    def __init__(self, pid, base):
        super().__init__(daemon=True)
        self.pid, self.base, self.samples, self.stop = pid, base, [], False

    def run(self):
        while not self.stop:
            try:
                self.samples.append((time.monotonic(), proc_cpu_seconds(self.pid),
                                     metric(self.base, "rtcgate_packets_out_total"), proc_rss_kb(self.pid)))
            except OSError:
                pass
            time.sleep(1)


def run(build, counts, duration, codec):
    http = free_port()
    base = f"http://127.0.0.1:{http}"
    log = open(os.path.join(build, "bench-results", "load-gateway.log"), "w")
    gw = subprocess.Popen([os.path.join(build, "src", "rtcgate"), "--http-listen", f"127.0.0.1:{http}",
                           "--udp-port", "0", "--workers", "1", "--log-level", "warn", "--config", "/dev/null"],
                          stdout=log, stderr=log)
    rows = []
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        idle_rss = proc_rss_kb(gw.pid)
        for n in counts:
            out = os.path.join(build, "bench-results", f"load-{codec}-{n}.json")
            sampler = Sampler(gw.pid, base)
            sampler.start()
            ramp = max(1, n // 50)
            subprocess.run([os.path.join(build, "bench", "rtcgate-load"), "--whip-url", base + "/whip/{stream}",
                            "--whep-url", base + "/whep/{stream}", "--stream", f"load{n}", "--subscribers", str(n),
                            "--duration", str(duration + ramp), "--codec", codec, "--threads", "1", "--json", out],
                           check=False, stdout=subprocess.DEVNULL)
            sampler.stop = True
            sampler.join()
            # Steady state: after the ramp, before the end.
            s = [x for x in sampler.samples if x[0] >= sampler.samples[0][0] + ramp + 2]
            s = s[:-1] if len(s) > 2 else s
            dt = s[-1][0] - s[0][0] if len(s) > 1 else 1
            cpu = (s[-1][1] - s[0][1]) / dt if len(s) > 1 else 0
            pps = (s[-1][2] - s[0][2]) / dt if len(s) > 1 else 0
            rss = max(x[3] for x in sampler.samples)
            report = json.load(open(out)) if os.path.exists(out) else {}
            rows.append({
                "subscribers": n, "connected": report.get("subscribers", {}).get("connected", 0),
                "gatewayCpuCores": round(cpu, 3), "egressPps": round(pps),
                "egressPpsPerCore": round(pps / cpu) if cpu > 0 else 0,
                "lossPctMean": report.get("lossPct", {}).get("videoMean"),
                "lossPctWorst": report.get("lossPct", {}).get("videoWorst"),
                "latencyMsP50": report.get("latencyMs", {}).get("p50"),
                "latencyMsP99": report.get("latencyMs", {}).get("p99"),
                "rssKbPerSubscriber": round((rss - idle_rss) / n, 1),
                "toolCpuCores": report.get("toolCpuCores"),
            })
            time.sleep(2)
    finally:
        gw.terminate()
        gw.wait(timeout=10)
    return rows


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    counts = [int(x) for x in (sys.argv[2] if len(sys.argv) > 2 else "10,100,500").split(",")]
    duration = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    os.makedirs(os.path.join(build, "bench-results"), exist_ok=True)
    rows = run(build, counts, duration, "vp8")
    json.dump(rows, open(os.path.join(build, "bench-results", "load.json"), "w"), indent=2)
    print("| subscribers | connected | gateway CPU (cores) | egress pkt/s | pkt/s per core | loss mean / worst % |"
          " latency p50 / p99 ms | RSS KiB per sub | tool CPU |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['subscribers']} | {r['connected']} | {r['gatewayCpuCores']} | {r['egressPps']} | "
              f"{r['egressPpsPerCore']} | {r['lossPctMean']} / {r['lossPctWorst']} | "
              f"{r['latencyMsP50']} / {r['latencyMsP99']} | {r['rssKbPerSubscriber']} | {r['toolCpuCores']} |")


if __name__ == "__main__":
    main()
