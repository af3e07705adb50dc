// run.mjs: glass-to-glass latency of the RTMP ⇄ WebRTC bridge, measured with a time code in the
// pixels (timecode.mjs). Run it through ./run (a private network namespace, like the e2e suite).
//
//   --via gateway   (default) both directions through rtcgate:
//                   rtmp-to-webrtc: node frames → ffmpeg x264 → RTMP → rtcgate → WHEP → Chromium
//                   webrtc-to-rtmp: Chromium canvas → WHIP → rtcgate → RTMP → ffmpeg → node
//   --via nginx     rtmp-to-rtmp through nginx-rtmp: the same RTMP source and reader, no gateway
//                   (checks the RTMP ends of the tool and gives the RTMP baseline)
//   --via loopback  webrtc-to-webrtc between two peer connections in one page, no server
//                   (checks the browser ends of the tool and gives the WebRTC floor)
//                   webrtc-to-webrtc (with --direction all or webrtc-to-webrtc; needs no RTMP):
//                   Chromium canvas → WHIP → rtcgate → WHEP → Chromium
//   --direction both|all|rtmp-to-webrtc|webrtc-to-rtmp|webrtc-to-webrtc   (gateway only;
//                   both = the two RTMP directions, the default)
//   --seconds N (measured, default 20)  --warmup N (not counted, default 3)
//   --rtcgate PATH  --size WxH (default 640x360)  --fps N (default 30)  --audio (RTMP source)
//   --profile baseline|main|high  H.264 profile of the RTMP source (default baseline, passed
//                   through to browsers; any other is re-encoded by rtcgate)
//
// Prints one JSON line and one human line per direction; exits 1 if a direction measured nothing.
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from './timecode.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const sourceDir = resolve(here, '../..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function parseArgs(argv) {
  const o = { via: 'gateway', direction: 'both', seconds: 20, warmup: 3, size: '640x360', fps: 30, audio: false, profile: 'baseline', rtcgate: null };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--via') o.via = next();
    else if (a === '--direction') o.direction = next();
    else if (a === '--seconds') o.seconds = Number(next());
    else if (a === '--warmup') o.warmup = Number(next());
    else if (a === '--size') o.size = next();
    else if (a === '--fps') o.fps = Number(next());
    else if (a === '--rtcgate') o.rtcgate = next();
    else if (a === '--audio') o.audio = true;
    else if (a === '--profile') o.profile = next();
    else throw new Error(`unknown argument ${a} (see the top of bench/latency/run.mjs)`);
  }
  if (!['gateway', 'nginx', 'loopback'].includes(o.via)) throw new Error(`--via must be gateway, nginx or loopback`);
  if (!['both', 'all', 'rtmp-to-webrtc', 'webrtc-to-rtmp', 'webrtc-to-webrtc'].includes(o.direction)) throw new Error(`bad --direction ${o.direction}`);
  const [w, h] = o.size.split('x').map(Number);
  if (!(w > 0 && h > 0 && o.seconds > 0 && o.fps > 0)) throw new Error('bad --size, --seconds or --fps');
  Object.assign(o, { width: w, height: h });
  return o;
}

// One direction's figures, printed as a JSON line and a human line.
function report(direction, via, { latencies, rejected, frames }, seconds) {
  const r = (v) => (v === null ? null : Math.round(v * 10) / 10);
  const out = {
    bench: 'latency', direction, via, seconds, count: latencies.length, rejected, frames,
    p50_ms: r(percentile(latencies, 50)), p95_ms: r(percentile(latencies, 95)),
    min_ms: r(latencies.length ? Math.min(...latencies) : null), max_ms: r(latencies.length ? Math.max(...latencies) : null),
  };
  console.log(JSON.stringify(out));
  console.log(`latency ${direction} via ${via}: p50 ${out.p50_ms} ms, p95 ${out.p95_ms} ms ` +
    `(${out.count} frames measured over ${seconds} s, ${rejected} unreadable)`);
  return out;
}

async function viaNginx(o, lib) {
  const nginx = await lib.nginx.startNginx();
  let src = null;
  let reader = null;
  try {
    src = new lib.rtmp.TimecodeSource(nginx.rtmpUrl('latency'), o);
    await sleep(1500);
    reader = new lib.rtmp.TimecodeReader(nginx.rtmpUrl('latency'), { ...o, warmupMs: o.warmup * 1000 });
    await measureFor(o, () => [src, reader]);
    return [report('rtmp-to-rtmp', 'nginx', reader, o.seconds)];
  } finally {
    await lib.proc.stopAll(reader, src, nginx);
  }
}

// Waits warm-up + measuring time, failing early if a process it depends on dies.
async function measureFor(o, procs) {
  const end = Date.now() + (o.warmup + o.seconds) * 1000;
  while (Date.now() < end) {
    for (const p of procs()) {
      if (p && !p.running) throw new Error(`${p.process.label} exited (${p.process.exitCode}):\n${p.stderrTail()}`);
    }
    await sleep(250);
  }
}

async function viaLoopback(o, lib) {
  // Any http://127.0.0.1 page is a secure context with a stable origin for the permissions.
  const server = createServer((req, res) => res.end('<!doctype html><title>latency</title><body></body>'));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await lib.browser.launchBrowser();
  try {
    const page = await browser.newPage('loopback');
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await lib.page.installTimecode(page);
    await lib.page.startCanvasSource(page, o);
    await lib.page.startLoopback(page);
    await lib.page.startMeter(page, { warmupMs: o.warmup * 1000 });
    await sleep((o.warmup + o.seconds) * 1000);
    return [report('webrtc-to-webrtc', 'loopback', await lib.page.readMeter(page), o.seconds)];
  } catch (err) {
    console.error(`--- browser console ---\n${browser.consoleTail()}`);
    throw err;
  } finally {
    await browser.close();
    server.close();
  }
}

async function rtmpToWebrtc(o, lib, gw, browser) {
  const src = new lib.rtmp.TimecodeSource(gw.rtmpUrl('latency-in'), o);
  try {
    await sleep(1500);
    if (!src.running) throw new Error(`RTMP source exited:\n${src.stderrTail()}`);
    const page = await lib.pages.openDemo(browser, gw, 'player');
    await lib.page.installTimecode(page);
    await lib.pages.startPlayer(page, 'latency-in');
    await lib.pages.waitConnected(page, 'play');
    await lib.page.startMeter(page, { session: 'play', warmupMs: o.warmup * 1000 });
    await measureFor(o, () => [src]);
    const m = await lib.page.readMeter(page);
    console.log(`# decoded sizes: ${JSON.stringify(m.sizes)}`);
    return report('rtmp-to-webrtc', 'gateway', m, o.seconds);
  } finally {
    await src.stop();
  }
}

async function webrtcToRtmp(o, lib, gw, browser) {
  const page = await lib.pages.openDemo(browser, gw, 'publisher');
  await lib.page.installTimecode(page);
  await lib.page.startCanvasSource(page, o);
  await lib.page.publishCanvas(page, 'latency-out');
  await lib.pages.waitConnected(page, 'pub');
  await sleep(1000);
  const reader = new lib.rtmp.TimecodeReader(gw.rtmpUrl('latency-out'), { ...o, warmupMs: o.warmup * 1000 });
  try {
    await measureFor(o, () => [reader]);
    return report('webrtc-to-rtmp', 'gateway', reader, o.seconds);
  } finally {
    await reader.stop();
  }
}

async function webrtcToWebrtc(o, lib, gw, browser) {
  const pub = await lib.pages.openDemo(browser, gw, 'publisher');
  await lib.page.installTimecode(pub);
  await lib.page.startCanvasSource(pub, o);
  await lib.page.publishCanvas(pub, 'latency-rtc');
  await lib.pages.waitConnected(pub, 'pub');
  const page = await lib.pages.openDemo(browser, gw, 'player');
  await lib.page.installTimecode(page);
  await lib.pages.startPlayer(page, 'latency-rtc');
  await lib.pages.waitConnected(page, 'play');
  await lib.page.startMeter(page, { session: 'play', warmupMs: o.warmup * 1000 });
  await sleep((o.warmup + o.seconds) * 1000);
  return report('webrtc-to-webrtc', 'gateway', await lib.page.readMeter(page), o.seconds);
}

async function viaGateway(o, lib) {
  const runs = {
    'rtmp-to-webrtc': ['both', 'all'], 'webrtc-to-rtmp': ['both', 'all'], 'webrtc-to-webrtc': ['all'],
  };
  const wanted = Object.keys(runs).filter((d) => o.direction === d || runs[d].includes(o.direction));
  const gw = await lib.gateway.startGateway({ rtmp: wanted.some((d) => d.includes('rtmp')) });
  let browser = null;
  try {
    browser = await lib.browser.launchBrowser();
    const out = [];
    if (wanted.includes('rtmp-to-webrtc')) out.push(await rtmpToWebrtc(o, lib, gw, browser));
    if (wanted.includes('webrtc-to-rtmp')) out.push(await webrtcToRtmp(o, lib, gw, browser));
    if (wanted.includes('webrtc-to-webrtc')) out.push(await webrtcToWebrtc(o, lib, gw, browser));
    return out;
  } catch (err) {
    console.error(`--- rtcgate log tail (${gw.logPath}) ---\n${gw.logTail(40)}`);
    if (browser) console.error(`--- browser console ---\n${browser.consoleTail(40)}`);
    throw err;
  } finally {
    if (browser) await browser.close();
    await gw.stop();
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  // The e2e helpers read these when imported.
  if (o.rtcgate) process.env.RTCGATE_BIN = resolve(o.rtcgate);
  process.env.RTCGATE_BIN ??= join(sourceDir, 'build/src/rtcgate');
  process.env.RTCGATE_SOURCE_DIR ??= sourceDir;
  process.env.E2E_ARTIFACTS_DIR ??= mkdtempSync(join(tmpdir(), 'rtcgate-latency.'));
  const lib = {
    gateway: await import('../../tests/e2e/lib/gateway.mjs'),
    browser: await import('../../tests/e2e/lib/browser.mjs'),
    pages: await import('../../tests/e2e/lib/pages.mjs'),
    nginx: await import('../../tests/e2e/lib/nginx.mjs'),
    proc: await import('../../tests/e2e/lib/process.mjs'),
    rtmp: await import('./rtmp_side.mjs'),
    page: await import('./browser_side.mjs'),
  };
  const run = { gateway: viaGateway, nginx: viaNginx, loopback: viaLoopback }[o.via];
  const results = await run(o, lib);
  const empty = results.filter((r) => r.count === 0);
  if (empty.length) {
    console.error(`latency: nothing measured for ${empty.map((r) => r.direction).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(`latency: ${err.stack ?? err}`);
  process.exitCode = 1;
});
