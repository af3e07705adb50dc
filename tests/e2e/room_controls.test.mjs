// Room controls in /room.html: mute and unmute without new SDP, a screen share as a second
// tile, the active speaker, and bad signaling that harms nobody.
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import { waitUntil } from './lib/pages.mjs';
import { joinRoom, received } from './lib/rooms.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function framesFrom(page, who, source = 'camera') {
  return (await received(page))[who]?.[source]?.framesDecoded ?? 0;
}

// The SDP of both of a page's connections (any renegotiation changes one of them).
async function sdps(page) {
  return page.evaluate(() => [window.room.publisherConnection?.localDescription?.sdp,
    window.room.subscriberConnection?.remoteDescription?.sdp].join('\n'));
}

e2eTest('room: mute, screen share, active speaker, bad signaling', async ({ gw, browser }) => {
  const names = ['a', 'b', 'c'];
  const pages = [];
  for (const n of names) pages.push(await joinRoom(browser, gw, 'ctl', n));
  const [a, b, c] = pages;
  await waitUntil('b and c to decode a', async () => (await framesFrom(b, 'a')) > 30 && (await framesFrom(c, 'a')) > 30,
    { timeoutMs: 30000 });

  // Mute a's camera: its frames stop for everyone, with no new SDP anywhere.
  const before = await Promise.all(pages.map(sdps));
  await a.evaluate(() => window.room.setMuted('camera', true));
  // Frames already on their way when the camera was muted may still be decoded: start the
  // window once nothing new has arrived for a second (at most 6 s after the mute).
  let m0 = [await framesFrom(b, 'a'), await framesFrom(c, 'a')];
  for (let i = 0; i < 6; ++i) {
    await sleep(1000);
    const m = [await framesFrom(b, 'a'), await framesFrom(c, 'a')];
    if (m[0] === m0[0] && m[1] === m0[1]) break;
    m0 = m;
  }
  await sleep(2000);
  const m1 = [await framesFrom(b, 'a'), await framesFrom(c, 'a')];
  figure('frames from muted a over 2 s (b, c)', [m1[0] - m0[0], m1[1] - m0[1]], '0');
  assert.deepEqual(m1, m0, 'frames still arrive from a muted camera');
  const muteShown = await b.evaluate(() => window.room.participants.get('a')?.getTrack('camera')?.muted);
  assert.equal(muteShown, true, 'b does not show a as muted');
  await a.evaluate(() => window.room.setMuted('camera', false));
  await waitUntil('frames from a again', async () => (await framesFrom(b, 'a')) > m1[0] + 20 && (await framesFrom(c, 'a')) > m1[1] + 20,
    { timeoutMs: 10000 });
  const after = await Promise.all(pages.map(sdps));
  assert.deepEqual(after, before, 'mute or unmute renegotiated');
  figure('SDP unchanged across mute and unmute', true);

  // Screen share: a publishes a canvas as its screen; b and c get a second tile for a.
  await a.evaluate(async () => {
    const canvas = Object.assign(document.createElement('canvas'), { width: 640, height: 360 });
    const ctx = canvas.getContext('2d');
    let n = 0;
    window.__screenTimer = setInterval(() => { ctx.fillStyle = `hsl(${(n += 7) % 360} 80% 50%)`; ctx.fillRect(0, 0, 640, 360); }, 50);
    await window.room.publishScreen({ track: canvas.captureStream(20).getVideoTracks()[0] });
  });
  for (const p of [b, c]) {
    await waitUntil(`${p.roomName} to show a's screen`, async () =>
      (await p.evaluate(() => !!document.querySelector('video[data-participant="a"][data-source="screen"]'))) &&
      (await framesFrom(p, 'a', 'screen')) > 10, { timeoutMs: 20000 });
  }
  figure('screen frames at b', await framesFrom(b, 'a', 'screen'), '> 10');
  await a.evaluate(() => window.room.unpublish('screen'));
  for (const p of [b, c]) {
    await waitUntil(`${p.roomName} to drop a's screen tile`, () =>
      p.evaluate(() => !document.querySelector('video[data-participant="a"][data-source="screen"]')), { timeoutMs: 5000 });
  }

  // Active speaker: b and c mute their microphones; a sends a steady tone.
  await b.evaluate(() => window.room.setMuted('microphone', true));
  await c.evaluate(() => window.room.setMuted('microphone', true));
  await a.evaluate(async () => {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    osc.frequency.value = 440;
    const dest = ctx.createMediaStreamDestination();
    osc.connect(dest);
    osc.start();
    window.__tone = { ctx, osc };
    await window.room.unpublish('microphone');
    await window.room.publishMicrophone({ track: dest.stream.getAudioTracks()[0] });
  });
  const firsts = await waitUntil('a first in the speaker list on every page', async () => {
    const lists = await Promise.all(pages.map((p) => p.evaluate(() => window.roomState.speakers)));
    return lists.every((l) => l[0] === 'a') ? lists : { ok: false, lists };
  }, { timeoutMs: 20000, intervalMs: 300 });
  figure('speaker lists (a, b, c)', firsts);

  // Bad signaling from a fifth socket: each gets an error or a close with a reason.
  const bad = await a.evaluate(async () => {
    const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/rooms/ws`);
    const got = [];
    let closed = null;
    ws.onmessage = (e) => got.push(JSON.parse(e.data));
    ws.onclose = (e) => { closed = { code: e.code, reason: e.reason }; };
    await new Promise((r) => { ws.onopen = r; });
    const errors = () => got.filter((m) => m.type === 'error');
    const until = (ok) => new Promise((r) => {
      const started = Date.now();
      const t = setInterval(() => { if (ok() || closed || Date.now() - started > 5000) { clearInterval(t); r(); } }, 20);
    });
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'dance' }));
    ws.send(JSON.stringify({ type: 'join', room: 'ctl', name: 'mallory' }));
    await until(() => got.some((m) => m.type === 'joined'));
    ws.send(JSON.stringify({ type: 'join', room: 'ctl', name: 'mallory2' }));
    ws.send(JSON.stringify({ type: 'answer', negotiation: 99, sdp: 'v=0' }));
    await until(() => errors().length >= 4);
    const codes = errors().map((m) => m.code);
    ws.send('x'.repeat(1024 * 1024));
    await new Promise((r) => { const t = setInterval(() => { if (closed) { clearInterval(t); r(); } }, 20); });
    return { codes, closed };
  });
  figure('errors for bad messages', bad.codes);
  figure('close after 1 MB', bad.closed);
  assert.deepEqual(bad.codes, ['bad_json', 'unknown_type', 'already_joined', 'no_offer']);
  assert.equal(bad.closed.code, 1009);
  // Nobody else was hurt: b still decodes a.
  const f0 = await framesFrom(b, 'a');
  await sleep(1500);
  assert.ok((await framesFrom(b, 'a')) > f0 + 20, 'b stopped receiving a after the bad client');
  const metrics = await (await fetch(`${gw.url}/metrics`)).text();
  const counted = metrics.split('\n').filter((l) => l.startsWith('rtcgate_room_signaling_errors_total') && !l.endsWith(' 0'));
  figure('signaling errors counted', counted);
  assert.ok(counted.some((l) => l.includes('bad_json')));
}, { timeoutMs: 180000 });
