// Malformed HTTP requests get the documented error statuses and garbage datagrams on the media port
// are dropped and counted, while a publish/play pair on the same gateway keeps decoding.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { e2eTest, figure } from './lib/harness.mjs';
import * as api from './lib/api.mjs';
import { openDemo, startPublisher, startPlayer, waitConnected, readStats, waitUntil } from './lib/pages.mjs';

const GARBAGE_DATAGRAMS = 2000;

// Datagrams that look like each protocol sharing the port (RFC 7983 first-byte ranges) but are not
// valid: random bytes, short/truncated STUN, a DTLS record from nobody, RTP/RTCP from an unknown peer.
function garbage(i) {
  const kind = i % 5;
  const b = randomBytes(1 + (i * 37) % 1200);
  if (kind === 1) b[0] = 0x00;             // STUN range
  if (kind === 2) b[0] = 0x16;             // DTLS handshake record
  if (kind === 3) b[0] = 0x80;             // RTP v2
  if (kind === 4 && b.length > 1) { b[0] = 0x80; b[1] = 200; } // RTCP SR
  return b;
}

async function sendGarbage(port, count) {
  const sock = createSocket('udp4');
  try {
    for (let i = 0; i < count; ++i) {
      await new Promise((resolve, reject) => sock.send(garbage(i), port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 10)); // ~10k/s, no socket buffer overflow
    }
  } finally {
    sock.close();
  }
}

async function expectStatus(gw, what, expected, method, path, options) {
  let res;
  try {
    res = await api.request(gw, method, path, options);
  } catch (err) {
    const why = `${what}: ${method} ${path} failed without a response: ${err.cause?.message ?? err.message}`;
    console.log(`# ${why}`);
    throw new Error(why);
  }
  figure(`${what}: ${method} ${path}`, `${res.status} ${res.text.slice(0, 80).trim()}`, `expect ${expected}`);
  assert.equal(res.status, expected, what);
}

e2eTest('bad requests and garbage datagrams are refused while a pair keeps playing', async ({ gw, browser }) => {
  const pub = await openDemo(browser, gw, 'publisher');
  const player = await openDemo(browser, gw, 'player');
  await startPublisher(pub, 'steady', { width: 640, height: 360 });
  await waitConnected(pub, 'pub');
  await startPlayer(player, 'steady');
  await waitConnected(player, 'play');
  await waitUntil('the player to decode its first frames', async () =>
    ((await readStats(player, 'play')).videoIn?.framesDecoded ?? 0) >= 30);

  const v0 = (await readStats(player, 'play')).videoIn;
  const t0 = Date.now();
  const m0 = await api.metrics(gw);

  // A well-formed offer, so that only the aspect under test is wrong.
  const offer = await player.evaluate(async () => {
    const pc = new RTCPeerConnection();
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    const o = await pc.createOffer();
    pc.close();
    return o.sdp;
  });
  const sdp = 'application/sdp';
  await expectStatus(gw, 'broken SDP', 400, 'POST', '/whip/broken', { body: 'v=0\r\nthis is not SDP\r\nm=video\r\n', contentType: sdp });
  await expectStatus(gw, 'empty SDP', 400, 'POST', '/whip/empty', { body: '', contentType: sdp });
  await expectStatus(gw, 'wrong content type', 415, 'POST', '/whip/wrongtype', { body: offer, contentType: 'text/plain' });
  await expectStatus(gw, 'JSON instead of SDP', 415, 'POST', '/whep/steady', { body: '{}', contentType: 'application/json' });
  await expectStatus(gw, 'unknown session', 404, 'DELETE', '/whip/steady/00000000000000000000000000000000');
  await expectStatus(gw, 'unknown admin session', 404, 'DELETE', '/api/sessions/nosuchsession');
  await expectStatus(gw, 'play an unpublished stream', 404, 'POST', '/whep/nobody', { body: offer, contentType: sdp });
  await expectStatus(gw, 'oversized body', 413, 'POST', '/whip/huge', { body: 'a='.padEnd(256 * 1024, 'x'), contentType: sdp });

  const port = gw.udpPorts()[0];
  await sendGarbage(port, GARBAGE_DATAGRAMS);
  await new Promise((r) => setTimeout(r, 1000));
  const m1 = await api.metrics(gw);
  const drops = {};
  for (const s of m1.filter((x) => x.name === 'rtcgate_drops_total')) {
    const delta = s.value - api.metricSum(m0, 'rtcgate_drops_total', s.labels);
    if (delta) drops[s.labels.reason ?? '?'] = delta;
  }
  const dropped = Object.values(drops).reduce((a, b) => a + b, 0);
  figure('garbage datagrams sent', GARBAGE_DATAGRAMS);
  figure('rtcgate_drops_total increase by reason', drops, `sum >= ${GARBAGE_DATAGRAMS}`);
  assert.ok(dropped >= GARBAGE_DATAGRAMS, `only ${dropped} of ${GARBAGE_DATAGRAMS} garbage datagrams counted as dropped`);

  await new Promise((r) => setTimeout(r, 2000));
  const v1 = (await readStats(player, 'play')).videoIn;
  const seconds = (Date.now() - t0) / 1000;
  const fps = (v1.framesDecoded - v0.framesDecoded) / seconds;
  figure(`player frame rate during the abuse (${seconds.toFixed(1)} s)`, fps, '>= 15');
  figure('player freezes during the abuse', v1.freezeCount - v0.freezeCount, '0');
  assert.ok(fps >= 15);
  assert.equal(v1.freezeCount - v0.freezeCount, 0);
  assert.equal(await (await fetch(`${gw.url}/healthz`)).status, 200);
  const sessions = await api.sessions(gw);
  figure('sessions afterwards', sessions.map((s) => `${s.kind}:${s.state}`));
  assert.equal(sessions.filter((s) => s.state === 'connected').length, 2);
});
