// A WebRTC stack other than Chromium's publishes: GStreamer's webrtcbin (libnice ICE, as in
// Debian 12) sends no consent-freshness checks after nomination, only media. The gateway must
// count its authenticated SRTP as liveness and keep it for the whole 90 s (it used to end it
// with "consent expired" at 30 s), and a Chromium player that joins at 60 s decodes it smoothly.
//
// libnice never uses loopback as a host candidate, so the test gives its namespace one more
// address: a veth pair whose ends both stay here (TESTING.md), and the gateway's media socket
// binds to it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { e2eTest, figure } from './lib/harness.mjs';
import * as api from './lib/api.mjs';
import { ManagedProcess, stopAll } from './lib/process.mjs';
import { openDemo, startPlayer, waitConnected, readStats, waitUntil, startFrameGapMonitor, readFrameGaps } from './lib/pages.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const PYTHON = '/usr/bin/python3';
const MEDIA_IP = '10.99.0.1';
const PUBLISH_SECONDS = 95;

if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found (run scripts/install-deps.sh)`);
const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
ip('link', 'add', 'wbv0', 'type', 'veth', 'peer', 'name', 'wbv1');
process.on('exit', () => {
  try {
    ip('link', 'del', 'wbv0');
  } catch {}
});
ip('addr', 'add', `${MEDIA_IP}/24`, 'dev', 'wbv0');
ip('link', 'set', 'wbv0', 'up');
ip('link', 'set', 'wbv1', 'up');

e2eTest('a GStreamer webrtcbin WHIP publisher stays connected and plays in Chromium', async ({ gw, browser }) => {
  const lines = [];
  const state = { connected: null };
  const script = join(process.env.RTCGATE_SOURCE_DIR, 'tests/e2e/tools/webrtcbin_whip.py');
  const started = Date.now();
  const pub = new ManagedProcess('webrtcbin', PYTHON, [script, `${gw.url}/whip/gst`, String(PUBLISH_SECONDS)], {
    onStdoutLine: (line) => {
      lines.push(line);
      if (/^state: (ice|pc) connected/.test(line) && state.connected === null) state.connected = Date.now() - started;
    },
  });
  try {
    // Connected as the gateway sees it (ICE + DTLS done); webrtcbin's own state is printed.
    await waitUntil('the webrtcbin session to connect', async () => {
      if (pub.exitCode !== null) return true;
      const list = await api.sessions(gw);
      return list.some((s) => s.kind === 'whip' && s.state === 'connected');
    }, { timeoutMs: 30000 });
    assert.equal(pub.exitCode, null, `webrtcbin publisher exited: ${lines.join(' | ')} ${pub.stderrTail()}`);
    state.connected ??= Date.now() - started;
    figure('webrtcbin session connected after (ms)', state.connected);
    figure('webrtcbin says', lines.filter((l) => l.startsWith('state:')));

    // Past the old 30 s consent deadline, with no consent checks from libnice.
    await sleep(Math.max(0, 60000 - (Date.now() - started)));
    const mid = await api.sessions(gw);
    figure('sessions at 60 s', mid.map((s) => `${s.kind}:${s.state}`));
    assert.deepEqual(mid.map((s) => s.kind), ['whip']);

    const page = await openDemo(browser, gw, 'player');
    await startPlayer(page, 'gst');
    await waitConnected(page, 'play');
    await waitUntil('first frames', async () => (await readStats(page, 'play')).videoIn?.framesDecoded > 0, { timeoutMs: 10000 });
    await startFrameGapMonitor(page, 'play');
    const before = (await readStats(page, 'play')).videoIn;
    const windowMs = Math.max(10000, 88000 - (Date.now() - started));
    await sleep(windowMs);
    const after = await readStats(page, 'play');
    const gaps = await readFrameGaps(page, 'play');
    const fps = ((after.videoIn.framesDecoded - before.framesDecoded) * 1000) / windowMs;
    figure('player codec', after.videoIn.codec);
    const d = (k) => after.videoIn[k] - before[k];
    figure('player over the window: lost, NACKs, PLIs, freezes, dropped, keyframes',
      [d('packetsLost'), d('nackCount'), d('pliCount'), d('freezeCount'), d('framesDropped'), d('keyFramesDecoded')]);
    figure(`frames decoded per second over ${(windowMs / 1000).toFixed(1)} s`, fps, '>= 24 of the 30 sent');
    figure('longest gap between presented frames (ms)', Math.round(gaps.maxGapMs), '< 500');
    figure('audio packets received', after.audioIn?.packetsReceived, '> 0');
    assert.ok(fps >= 24, `player decoded ${fps.toFixed(1)} fps`);
    assert.ok(gaps.maxGapMs < 500, `frame gaps: ${JSON.stringify(gaps.gaps)}`);
    assert.equal(d('packetsLost'), 0, 'video packets lost on the way to the player');
    assert.ok(after.audioIn?.packetsReceived > 0);

    const late = await api.sessions(gw);
    const publishedFor = (Date.now() - started) / 1000;
    figure(`sessions after ${publishedFor.toFixed(0)} s of publishing`, late.map((s) => `${s.kind}:${s.state}`));
    assert.ok(publishedFor >= 88, `only ${publishedFor} s`);
    assert.ok(late.some((s) => s.kind === 'whip' && s.state === 'connected'), 'the webrtcbin publisher is still connected');
    assert.equal(pub.exitCode, null, `webrtcbin publisher exited early: ${lines.join(' | ')}`);
    assert.ok(!/consent expired/.test(gw.log()), 'the gateway logged "consent expired"');
    const code = await pub.exited;
    assert.equal(code, 0, `webrtcbin publisher: ${lines.join(' | ')} ${pub.stderrTail()}`);
  } finally {
    await stopAll(pub);
  }
}, { timeoutMs: 150000, gateway: { udpListenIp: MEDIA_IP } });
