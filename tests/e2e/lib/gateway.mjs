// gateway.mjs: starts an rtcgate process on free ports, waits until it answers /healthz, and stops
// it by its pid. Its output goes to a log file whose tail is printed when a test fails.
import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { mkdtempSync, openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BINARY = process.env.RTCGATE_BIN;
export const SOURCE_DIR = process.env.RTCGATE_SOURCE_DIR;

// A TCP port that was free a moment ago on 127.0.0.1 (the namespace is private, so nothing races us
// but our own processes).
export function freeTcpPort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Resolves true once something accepts TCP connections on 127.0.0.1:`port`.
export function tcpAccepts(port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Gateways still running; killed if the test process exits without stopping them.
const running = new Set();
process.on('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});

// A running rtcgate: its URLs, the media UDP ports it logged, and its log.
export class Gateway {
  constructor(proc, logPath, httpPort, rtmpPort = null) {
    this.proc = proc;
    this.rtmpPort = rtmpPort;
    this.pid = proc.pid;
    this.logPath = logPath;
    this.httpPort = httpPort;
    this.url = `http://127.0.0.1:${httpPort}`;
    this.exitCode = null;
    running.add(proc.pid);
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        running.delete(proc.pid);
        this.exitCode = code ?? signal;
        resolve(this.exitCode);
      }),
    );
  }

  // rtmp://127.0.0.1:PORT/live/KEY (for gateways started with `rtmp: true`).
  rtmpUrl(key, app = 'live') {
    if (!this.rtmpPort) throw new Error('this gateway was started without an RTMP port (startGateway({rtmp: true}))');
    return `rtmp://127.0.0.1:${this.rtmpPort}/${app}/${key}`;
  }

  log() {
    return existsSync(this.logPath) ? readFileSync(this.logPath, 'utf8') : '';
  }

  logTail(lines = 60) {
    return this.log().split('\n').slice(-lines - 1).join('\n');
  }

  // Media UDP ports per worker, from the "worker i: media UDP port IP:PORT" start lines.
  udpPorts() {
    const ports = [];
    for (const m of this.log().matchAll(/worker (\d+): media UDP port [^\s]*:(\d+)/g)) ports[Number(m[1])] = Number(m[2]);
    return ports;
  }

  // ICE-TCP ports per worker, from the "worker i: ICE-TCP port IP:PORT/tcp" start lines.
  tcpPorts() {
    const ports = [];
    for (const m of this.log().matchAll(/worker (\d+): ICE-TCP port [^\s]*:(\d+)\/tcp/g)) ports[Number(m[1])] = Number(m[2]);
    return ports;
  }

  // The built-in TURN server's port (UDP and TCP), from its start line; null when it is off.
  turnPort() {
    const m = /TURN listening on udp and tcp [^\s]*:(\d+)/.exec(this.log());
    return m ? Number(m[1]) : null;
  }

  // SIGTERM, then SIGKILL if it has not exited within `graceMs`. Safe to call twice.
  async stop(graceMs = 5000) {
    if (this.exitCode !== null) return this.exitCode;
    try {
      process.kill(this.pid, 'SIGTERM');
    } catch {
      return this.exitCode;
    }
    const code = await Promise.race([this.exited, sleep(graceMs).then(() => undefined)]);
    if (code === undefined) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {}
      return this.exited;
    }
    return code;
  }
}

// Starts rtcgate with `extraArgs`; resolves once /healthz answers 200 and every worker logged its
// UDP port (bound to `udpListenIp`; HTTP binds to `httpListenIp` and is reached at 127.0.0.1).
// With `rtmp: true` it also listens for RTMP on a free port (--rtmp-listen) and is only ready
// once that port accepts. Rejects (after stopping it) if it exits or does not come up within
// `timeoutMs`.
export async function startGateway({
  workers = 1, extraArgs = [], timeoutMs = 15000, logLevel = 'info', rtmp = false, udpListenIp = '127.0.0.1',
  httpListenIp = '127.0.0.1',
} = {}) {
  if (!BINARY || !existsSync(BINARY)) throw new Error(`rtcgate binary not found: RTCGATE_BIN=${BINARY}`);
  const httpPort = await freeTcpPort();
  let rtmpPort = rtmp ? await freeTcpPort() : null;
  while (rtmpPort === httpPort) rtmpPort = await freeTcpPort();
  const dir = mkdtempSync(join(process.env.E2E_ARTIFACTS_DIR ?? tmpdir(), 'rtcgate-'));
  const logPath = join(dir, 'rtcgate.log');
  const fd = openSync(logPath, 'a');
  const args = [
    '--http-listen', `${httpListenIp}:${httpPort}`,
    '--udp-listen-ip', udpListenIp,
    '--udp-port', '0',
    '--workers', String(workers),
    '--log-level', logLevel,
    // RTMP on a free port, or off: never the default 1935, which two gateways would share.
    '--rtmp-listen', rtmpPort ? `127.0.0.1:${rtmpPort}` : '',
    '--turn-listen', '127.0.0.1:0',  // the built-in TURN server on a free port (UDP and TCP)
    '--recordings-dir', join(dir, 'recordings'),  // never in the source tree
    ...extraArgs,
  ];
  // The source dir is the working directory so rtcgate finds web/ for the demo page.
  const proc = spawn(BINARY, args, { cwd: SOURCE_DIR, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const gw = new Gateway(proc, logPath, httpPort, rtmpPort);
  gw.recordingsDir = join(dir, 'recordings');
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (gw.exitCode !== null) throw new Error(`rtcgate exited with ${gw.exitCode} during start`);
      if (Date.now() > deadline) throw new Error(`rtcgate did not answer /healthz within ${timeoutMs} ms`);
      try {
        const res = await fetch(`${gw.url}/healthz`);
        if (res.status === 200 && gw.udpPorts().filter(Boolean).length >= workers &&
            (!rtmpPort || (await tcpAccepts(rtmpPort)))) break;
      } catch {}
      await sleep(50);
    }
  } catch (err) {
    await gw.stop();
    err.message += `\n--- rtcgate log (${logPath}) ---\n${gw.logTail()}`;
    throw err;
  }
  console.log(`# rtcgate pid ${gw.pid} at ${gw.url}, UDP ports ${gw.udpPorts().join(',')}${rtmpPort ? `, RTMP port ${rtmpPort}` : ''}, log ${logPath}`);
  return gw;
}
