#!/usr/bin/env python3
"""Runs rtcgate-load against a one-worker rtcgate on 127.0.0.1: one WHIP publisher with
several WHEP subscriber counts, then rooms (participants x publishers, 3-layer simulcast).
Prints gateway CPU, packets/s per core, loss, added latency and gateway RSS per client.
Figures for docs/PERFORMANCE.md, never pass/fail.

usage: load-bench.py BUILD [COUNTS [SECONDS [ROOMS]]], e.g. build 10,100,500 20 25x25,100x10"""
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
                                     metric(self.base, "rtcgate_packets_out_total"), proc_rss_kb(self.pid),
                                     metric(self.base, "rtcgate_packets_in_total")))
            except OSError:
                pass
            time.sleep(1)


def start_gateway(build):
    http = free_port()
    base = f"http://127.0.0.1:{http}"
    log = open(os.path.join(build, "bench-results", "load-gateway.log"), "w")
    gw = subprocess.Popen([os.path.join(build, "src", "rtcgate"), "--http-listen", f"127.0.0.1:{http}",
                           "--udp-port", "0", "--workers", "1", "--log-level", "warn", "--config", "/dev/null",
                           "--max-room-participants", "100"],
                          stdout=log, stderr=log)
    for _ in range(50):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    return gw, base, http


def run_case(build, gw, base, args, out, clients):
    """Runs rtcgate-load once; the steady state is the tool's own measurement window (its
    progress lines "  t-..." come once a second while it measures)."""
    sampler = Sampler(gw.pid, base)
    rss_before = proc_rss_kb(gw.pid)
    sampler.start()
    window = []
    tool = subprocess.Popen([os.path.join(build, "bench", "rtcgate-load"), "--threads", "1", "--json", out] + args,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in tool.stdout:
        if line.startswith("  t-"):
            window.append(time.monotonic())
    tool.wait()
    sampler.stop = True
    sampler.join()
    # Whole seconds inside the window, away from its edges.
    s = [x for x in sampler.samples if window and window[0] <= x[0] <= window[-1]]
    dt = s[-1][0] - s[0][0] if len(s) > 1 else 1
    cpu = (s[-1][1] - s[0][1]) / dt if len(s) > 1 else 0
    pps = (s[-1][2] - s[0][2]) / dt if len(s) > 1 else 0
    pps_in = (s[-1][4] - s[0][4]) / dt if len(s) > 1 else 0
    rss = max((x[3] for x in sampler.samples), default=rss_before)
    report = json.load(open(out)) if os.path.exists(out) else {}
    time.sleep(2)
    return {
        "connected": report.get("subscribers", {}).get("connected", 0),
        "gatewayCpuCores": round(cpu, 3), "egressPps": round(pps), "ingressPps": round(pps_in),
        "egressPpsPerCore": round(pps / cpu) if cpu > 0 else 0,
        "lossPctMean": report.get("lossPct", {}).get("videoMean"),
        "lossPctWorst": report.get("lossPct", {}).get("videoWorst"),
        "latencyMsP50": report.get("latencyMs", {}).get("p50"),
        "latencyMsP99": report.get("latencyMs", {}).get("p99"),
        "rssKbPerClient": round((rss - rss_before) / max(1, clients), 1),
        "toolCpuCores": report.get("toolCpuCores"),
        "room": report.get("room"),
    }


def run_whep(build, gw, base, counts, duration, codec):
    rows = []
    for n in counts:
        out = os.path.join(build, "bench-results", f"load-{codec}-{n}.json")
        row = run_case(build, gw, base, ["--whip-url", base + "/whip/{stream}", "--whep-url", base + "/whep/{stream}",
                                         "--stream", f"load{n}", "--subscribers", str(n), "--duration", str(duration),
                                         "--codec", codec], out, n)
        row["subscribers"] = n
        rows.append(row)
    return rows


def run_rooms(build, gw, http, rooms, duration):
    """rooms: (participants, publishers) pairs; every publisher sends 3 simulcast layers and
    every receiver takes the low layer of all but the active speaker."""
    rows = []
    for participants, publishers in rooms:
        out = os.path.join(build, "bench-results", f"load-room-{participants}x{publishers}.json")
        row = run_case(build, gw, f"http://127.0.0.1:{http}",
                       ["--room", f"bench{participants}x{publishers}", "--room-url", f"ws://127.0.0.1:{http}/rooms/ws",
                        "--participants", str(participants), "--publishers", str(publishers), "--layers", "3",
                        "--ramp-per-sec", "20", "--duration", str(duration)], out, participants)
        row["participants"], row["publishers"] = participants, publishers
        rows.append(row)
    return rows


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    counts = [int(x) for x in (sys.argv[2] if len(sys.argv) > 2 else "10,100,500").split(",") if x]
    duration = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    rooms = [tuple(int(v) for v in x.split("x")) for x in (sys.argv[4] if len(sys.argv) > 4 else "25x25,100x10").split(",") if x]
    os.makedirs(os.path.join(build, "bench-results"), exist_ok=True)
    gw, base, http = start_gateway(build)
    try:
        rows = run_whep(build, gw, base, counts, duration, "vp8")
        room_rows = run_rooms(build, gw, http, rooms, duration)
    finally:
        gw.terminate()
        gw.wait(timeout=10)
    json.dump({"whep": rows, "rooms": room_rows}, open(os.path.join(build, "bench-results", "load.json"), "w"), indent=2)
    if rows:
        print("| subscribers | connected | gateway CPU (cores) | egress pkt/s | pkt/s per core | loss mean / worst % |"
              " latency p50 / p99 ms | RSS KiB per sub | tool CPU |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['subscribers']} | {r['connected']} | {r['gatewayCpuCores']} | {r['egressPps']} | "
                  f"{r['egressPpsPerCore']} | {r['lossPctMean']} / {r['lossPctWorst']} | "
                  f"{r['latencyMsP50']} / {r['latencyMsP99']} | {r['rssKbPerClient']} | {r['toolCpuCores']} |")
    if room_rows:
        print()
        print("| participants x publishers | receiving all tracks | gateway CPU (cores) | ingress / egress pkt/s |"
              " pkt/s per core (in + out) | video loss mean / worst % | latency p50 / p99 ms | RSS KiB per participant |"
              " tool CPU |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in room_rows:
            room = r["room"] or {}
            total = r["ingressPps"] + r["egressPps"]
            per_core = round(total / r["gatewayCpuCores"]) if r["gatewayCpuCores"] else 0
            receiving = f"{r['connected']} (fewest tracks {room.get('minVideoTracks')})"
            print(f"| {r['participants']} x {r['publishers']} | {receiving} | {r['gatewayCpuCores']} | "
                  f"{r['ingressPps']} / {r['egressPps']} | {per_core} | {r['lossPctMean']} / {r['lossPctWorst']} | "
                  f"{r['latencyMsP50']} / {r['latencyMsP99']} | {r['rssKbPerClient']} | {r['toolCpuCores']} |")


if __name__ == "__main__":
    main()
