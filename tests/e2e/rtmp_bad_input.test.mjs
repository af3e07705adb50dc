// Misbehaving RTMP peers are cut off, each with a log line naming why, while a healthy WHIP → WHEP
// pair on the same gateway keeps decoding without a freeze: garbage after a valid handshake, an
// unknown app, a second publisher for a key in use, a truncated FLV tag, a player that stops
// reading, and an egress whose target refuses connections (it retries, reporting its error).
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import * as api from './lib/api.mjs';
import { freeTcpPort } from './lib/gateway.mjs';
import { publishRtmp } from './lib/ffmpeg.mjs';
import { stopAll } from './lib/process.mjs';
import { RawRtmpClient } from './lib/rtmp_raw.mjs';
import {
  openDemo, startPublisher, startPlayer, waitConnected, readStats, waitUntil, startFrameGapMonitor, readFrameGaps,
} from './lib/pages.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A WHIP publisher and a WHEP player of `key`, decoding, with a frame gap monitor running.
async function startHealthyPair(gw, browser, key) {
  const pub = await openDemo(browser, gw, 'publisher');
  const player = await openDemo(browser, gw, 'player');
  await startPublisher(pub, key, { width: 640, height: 360 });
  await waitConnected(pub, 'pub');
  await startPlayer(player, key);
  await waitConnected(player, 'play');
  await waitUntil('the healthy player to decode 30 frames', async () =>
    ((await readStats(player, 'play')).videoIn?.framesDecoded ?? 0) >= 30);
  await startFrameGapMonitor(player, 'play');
  await sleep(500);
  await readFrameGaps(player, 'play', { reset: true });
  const start = { stats: (await readStats(player, 'play')).videoIn, at: Date.now() };
  return { player, start };
}

// The healthy player over the whole abuse: >= 15 fps, no gap between frames of 1 s or more.
async function checkHealthyPair({ player, start }) {
  const v = (await readStats(player, 'play')).videoIn;
  const gaps = await readFrameGaps(player, 'play');
  const seconds = (Date.now() - start.at) / 1000;
  const fps = (v.framesDecoded - start.stats.framesDecoded) / seconds;
  figure(`healthy player frame rate over ${seconds.toFixed(1)} s`, fps, '>= 15');
  figure('healthy player max inter-frame gap (ms)', gaps.maxGapMs, '< 1000');
  figure('healthy player freezes (getStats)', v.freezeCount - start.stats.freezeCount);
  assert.ok(fps >= 15, 'the healthy stream keeps playing');
  assert.ok(gaps.maxGapMs < 1000, 'the healthy stream never froze for 1 s');
}

// Waits for a gateway log line written after `offset` that matches `reason` and names the RTMP
// connection (says "rtmp" or carries the client's port). Prints it; throws if none comes.
async function expectLogLine(gw, offset, what, reason, clientPort = null, timeoutMs = 10000) {
  const line = await waitUntil(`a gateway log line saying why ${what} was closed`, async () => {
    const lines = gw.log().slice(offset).split('\n');
    const hit = lines.find((l) => reason.test(l) && (/rtmp/i.test(l) || (clientPort && l.includes(`:${clientPort}`))));
    return hit ?? { ok: false, newLines: lines.filter(Boolean).slice(-5) };
  }, { timeoutMs });
  figure(`log line for ${what}`, line.trim());
  return line;
}

async function handshakenClient(gw, options) {
  const c = await RawRtmpClient.connect(gw.rtmpPort);
  await c.handshake(options);
  return c;
}

async function garbageAfterHandshake(gw) {
  const offset = gw.log().length;
  const c = await handshakenClient(gw, { setChunkSize: false });
  c.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(20)));
  c.write(Buffer.alloc(4096, 0xff));
  const closed = await c.waitClosed(5000);
  figure('garbage after handshake: closed by the gateway', closed, 'true within 5 s');
  c.destroy();
  assert.ok(closed, 'the gateway closes a connection that sends garbage');
  await expectLogLine(gw, offset, 'the garbage connection', /garbage|invalid|malformed|bad|protocol|chunk|unsupported|unknown/i, c.localPort);
}

async function unknownApp(gw) {
  const offset = gw.log().length;
  const ff = publishRtmp(`rtmp://127.0.0.1:${gw.rtmpPort}/nope/x`, { seconds: 5, profile: 'baseline' });
  const code = await ff.waitExit(15000);
  await ff.stop();
  figure('ffmpeg publishing to app "nope": exit code', code ?? 'still running', 'non-zero');
  figure('frames it got out', ff.framesSent);
  assert.ok(code !== undefined && code !== 0, `publishing to an unknown app must fail: ${ff.stderrTail(5)}`);
  await expectLogLine(gw, offset, 'the unknown app', /nope|unknown app|app/i);
}

async function duplicateKey(gw, first) {
  const offset = gw.log().length;
  const before = first.framesSent;
  const second = publishRtmp(gw.rtmpUrl('dupkey'), { profile: 'baseline', gop: 30 });
  const code = await second.waitExit(15000);
  await second.stop();
  await sleep(2000);
  figure('second publisher of "dupkey": exit code', code ?? 'still running', 'non-zero');
  figure('first publisher frames sent meanwhile', first.framesSent - before, '> 0, still running');
  assert.ok(code !== undefined && code !== 0, 'a second publisher of a key in use must fail');
  assert.ok(first.running && first.framesSent > before, `the first publisher keeps going: ${first.stderrTail(5)}`);
  await expectLogLine(gw, offset, 'the duplicate publisher', /already|in use|rejected|busy|taken|dup/i);
}

// Handshake + connect + publish by hand, then a video tag that claims 60000 bytes but ends after
// 1000, and the TCP connection closes. The key must be free again afterwards.
async function truncatedTag(gw) {
  const offset = gw.log().length;
  const c = await handshakenClient(gw);
  await c.connectApp('live', gw.rtmpPort);
  c.publish('cutkey');
  await sleep(300);
  // FLV VideoTagHeader: keyframe + AVC (0x17), AVC NALU (1), composition time 0, then junk NALU.
  const body = Buffer.concat([Buffer.from([0x17, 0x01, 0, 0, 0, 0, 0, 0x03, 0xe8]), Buffer.alloc(991, 0x41)]);
  c.video(body, { declaredLength: 60000 });
  await sleep(300);
  c.end();
  const closed = await c.waitClosed(5000);
  c.destroy();
  figure('truncated FLV tag: connection closed', closed);
  await expectLogLine(gw, offset, 'the truncated publisher', /truncated/i, c.localPort);

  // A complete message whose FLV tag is cut short: keyframe + AVC, then only part of its header.
  const offset2 = gw.log().length;
  const c2 = await handshakenClient(gw);
  await c2.connectApp('live', gw.rtmpPort);
  c2.publish('cutkey2');
  await sleep(300);
  c2.video(Buffer.from([0x17, 0x01, 0x00]));
  const closed2 = await c2.waitClosed(5000);
  c2.destroy();
  figure('FLV tag shorter than its header: connection closed', closed2);
  assert.ok(closed2, 'a publisher sending a short FLV tag is cut off');
  await expectLogLine(gw, offset2, 'the short-tag publisher', /bad FLV video tag/i, c2.localPort);

  const again = publishRtmp(gw.rtmpUrl('cutkey'), { profile: 'baseline', gop: 30 });
  try {
    await again.waitFrames(60);
    await sleep(1000);
    figure('republishing "cutkey" afterwards: running, frames', `${again.running}, ${again.framesSent}`);
    assert.ok(again.running, `the key of a cut publisher is free again: ${again.stderrTail(5)}`);
  } finally {
    await again.stop();
  }
}

// A player that completes handshake + play and then never reads: once its backlog fills, the
// gateway must drop it (and say so) rather than buffer without bound or stall other streams.
async function stuckPlayer(gw) {
  const offset = gw.log().length;
  const c = await handshakenClient(gw);
  await c.connectApp('live', gw.rtmpPort);
  c.play('dupkey');
  const flowing = await c.waitReceived(100000, 15000);
  figure('stuck player: bytes read before it stopped reading', c.received, '>= 100000');
  assert.ok(flowing, 'the player received media before it stopped reading');
  c.pauseReading();
  const t0 = Date.now();
  await expectLogLine(gw, offset, 'the player that stopped reading',
    /slow|backlog|queue|buffer|stall|behind|not reading|overflow|timeout|timed out|full|congest|drop/i, c.localPort, 60000)
    .catch((err) => {
      err.message = `stuck player not dropped within ${((Date.now() - t0) / 1000).toFixed(1)} s: ${err.message}`;
      throw err;
    });
  figure('seconds until the gateway dropped the stuck player', (Date.now() - t0) / 1000);
  // Draining what the kernel still holds must reach the gateway's FIN.
  c.resumeReading();
  const closed = await c.waitClosed(15000);
  figure('stuck player connection closed after draining', closed, 'true');
  c.destroy();
  assert.ok(closed, 'the gateway closed the stuck player');
}

e2eTest('bad RTMP peers are cut off with a logged reason while other streams play on', async ({ gw, browser }) => {
  let first = null;
  try {
    const healthy = await startHealthyPair(gw, browser, 'steady');
    // A noisy 4 Mbps stream fills a stuck player's socket buffers in seconds.
    first = publishRtmp(gw.rtmpUrl('dupkey'), {
      profile: 'baseline', gop: 30, noise: true, videoBitrate: '4M', extraArgs: ['-preset', 'veryfast'],
    });
    await first.waitFrames(30);

    await garbageAfterHandshake(gw);
    await unknownApp(gw);
    await duplicateKey(gw, first);
    await truncatedTag(gw);
    await stuckPlayer(gw);

    assert.ok(first.running, `the RTMP publisher survived the abuse: ${first.stderrTail(5)}`);
    assert.equal((await fetch(`${gw.url}/healthz`)).status, 200);
    await checkHealthyPair(healthy);
  } finally {
    await stopAll(first);
  }
}, { gateway: { rtmp: true }, timeoutMs: 240000 });

e2eTest('an egress to a closed port retries with its error while the source plays on', async ({ gw, browser }) => {
  const healthy = await startHealthyPair(gw, browser, 'steady');
  const closedPort = await freeTcpPort(); // nothing listens there
  const url = `rtmp://127.0.0.1:${closedPort}/live/out`;
  const created = await api.request(gw, 'POST', '/api/streams/steady/egress', {
    body: JSON.stringify({ url }), contentType: 'application/json',
  });
  figure('POST egress to a closed port', `${created.status} ${created.text.slice(0, 300)}`, 'expect 201');
  assert.equal(created.status, 201);
  const { id } = JSON.parse(created.text);
  const find = async () => (await api.getJson(gw, '/api/streams/steady/egress')).find((e) => e.id === id);

  const retrying = await waitUntil('the egress to report "retrying" with an error', async () => {
    const e = await find();
    return e?.state === 'retrying' && e.last_error ? e : { ok: false, egress: e };
  }, { timeoutMs: 15000, intervalMs: 250 });
  figure('egress retrying', retrying);
  const grown = await waitUntil('the egress to try again', async () => {
    const e = await find();
    return e && e.connects > retrying.connects ? e : { ok: false, egress: e };
  }, { timeoutMs: 45000, intervalMs: 500 });
  figure('egress after another attempt', grown);
  figure('connection attempts', `${retrying.connects} -> ${grown.connects}`, 'growing');
  assert.ok(['retrying', 'connecting'].includes(grown.state));
  assert.ok(grown.last_error.length > 0);
  assert.equal(grown.bytes_sent, 0, 'nothing was sent to a closed port');

  const del = await api.request(gw, 'DELETE', `/api/streams/steady/egress/${id}`);
  figure('DELETE egress', del.status, '204');
  assert.equal(del.status, 204);
  await checkHealthyPair(healthy);
}, { gateway: { rtmp: true } });
