// Audio mixes as streams: two ffmpeg RTMP publishers with different tones are mixed by
// POST /api/mixes into the stream "m1"; ffmpeg plays m1 over RTMP and the decoded audio
// carries both tones well above the noise floor; a source that stops is left out and taken
// back when it publishes again. The API refuses bad mixes with reasons, and a deleted mix
// is gone as a stream.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { e2eTest, figure } from './lib/harness.mjs';
import { openDemo, startPlayer, waitConnected, readStats, waitUntil } from './lib/pages.mjs';
import * as api from './lib/api.mjs';
import { startGateway } from './lib/gateway.mjs';
import { publishRtmp } from './lib/ffmpeg.mjs';
import { postMix, readMix, toneLevel, waitForStreams } from './lib/mixes.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const readAudio = (url, seconds) => readMix(url, seconds);

async function waitMix(gw, ok, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await api.getJson(gw, '/api/mixes/m1');
    if (ok(m)) return m;
    if (Date.now() > deadline) throw new Error(`mix never reached the state: ${JSON.stringify(m)}`);
    await sleep(200);
  }
}

const post = postMix;

test('an audio mix of two RTMP streams plays with both tones; bad mixes are refused', { timeout: 90000 }, async () => {
  const gw = await startGateway({ rtmp: true });
  const publishers = [];
  try {
    publishers.push(publishRtmp(gw.rtmpUrl('a'), { toneHz: 440, size: '320x180', profile: 'baseline' }));
    publishers.push(publishRtmp(gw.rtmpUrl('b'), { toneHz: 1500, size: '320x180', profile: 'baseline' }));
    await Promise.all(publishers.map((p) => p.waitFrames(30)));
    await waitForStreams(gw, ['a', 'b']);

    const refusals = [];
    for (const [body, want] of [
      [{ name: 'm1' }, 400],
      [{ name: 'm1', sources: ['a', 'nobody'] }, 404],
      [{ name: 'm1', room: 'R' }, 404],
      [{ name: 'm1', sources: ['a'], video: true, width: 641 }, 400],
      [{ name: 'm1', sources: ['a'], video: true, layout: [{ source: 'b', x: 0, y: 0, w: 1, h: 1 }] }, 400],
      [{ name: 'm1', sources: ['a'], layout: 'grid' }, 400],
      [{ name: 'a', sources: ['b'] }, 409],
      [{ name: 'm1', sources: ['a', 'a'] }, 400],
      [{ name: 'm1', sources: ['a'], loudest: -1 }, 400],
    ]) {
      const res = await post(gw, body);
      refusals.push(`${res.status} ${res.text.trim()}`);
      assert.equal(res.status, want, JSON.stringify(body));
    }
    figure('refused mixes', refusals);

    const created = await post(gw, { name: 'm1', sources: ['a', 'b'] });
    const body = JSON.parse(created.text);
    figure('POST /api/mixes', `${created.status} ${JSON.stringify(body)}`);
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), '/api/mixes/m1');
    assert.equal((await post(gw, { name: 'm1', sources: ['a'] })).status, 409, 'a second mix of the same name');
    await waitForStreams(gw, ['m1']);

    const { code, samples, stderr } = await readAudio(gw.rtmpUrl('m1'), 4);
    figure('mix audio read over RTMP (s)', (samples.length / 48000).toFixed(2), '>= 3');
    assert.ok(samples.length >= 3 * 48000, `ffmpeg (${code}) read ${samples.length} samples:\n${stderr}`);
    const levels = { 440: toneLevel(samples, 440), 1500: toneLevel(samples, 1500), noise: toneLevel(samples, 3100) };
    figure('tone levels in the mix (440 Hz, 1500 Hz, 3100 Hz floor)', Object.values(levels).map((v) => v.toFixed(4)));
    assert.ok(levels[440] > 10 * levels.noise && levels[440] > 0.02, 'the 440 Hz source is in the mix');
    assert.ok(levels[1500] > 10 * levels.noise && levels[1500] > 0.02, 'the 1500 Hz source is in the mix');

    // The 1500 Hz publisher goes away and comes back: the mix leaves it out, then takes it again.
    await publishers[1].stop();
    const ended = await waitMix(gw, (m) => m.ended_sources.includes('b'));
    figure('ended sources after b stopped', ended.ended_sources);
    publishers[1] = publishRtmp(gw.rtmpUrl('b'), { toneHz: 1500, size: '320x180', profile: 'baseline' });
    await publishers[1].waitFrames(30);
    const back = await waitMix(gw, (m) => m.ended_sources.length === 0);
    figure('ended sources after b came back', back.ended_sources);
    const again = await readAudio(gw.rtmpUrl('m1'), 3);
    const levelsAgain = [toneLevel(again.samples, 440), toneLevel(again.samples, 1500)];
    figure('tone levels after b came back (440 Hz, 1500 Hz)', levelsAgain.map((v) => v.toFixed(4)));
    assert.ok(levelsAgain.every((v) => v > 0.02), 'both sources are mixed again');

    // PATCH: b alone now; the output goes on without a gap, and only 1500 Hz is heard.
    const patched = await api.request(gw, 'PATCH', '/api/mixes/m1',
      { body: JSON.stringify({ sources: ['b'] }), contentType: 'application/json' });
    figure('PATCH sources to [b]', `${patched.status} ${JSON.parse(patched.text).sources}`);
    assert.equal(patched.status, 200);
    const framesBefore = (await api.getJson(gw, '/api/mixes/m1')).frames_out;
    const t0 = Date.now();
    await sleep(1000);
    const onlyB = await readAudio(gw.rtmpUrl('m1'), 3);
    const framesAfter = (await api.getJson(gw, '/api/mixes/m1')).frames_out;
    const rate = ((framesAfter - framesBefore) * 1000) / (Date.now() - t0);
    const levelsB = [toneLevel(onlyB.samples, 440), toneLevel(onlyB.samples, 1500)];
    figure('tone levels with b alone (440 Hz, 1500 Hz)', levelsB.map((v) => v.toFixed(4)));
    assert.ok(levelsB[0] < 0.005 && levelsB[1] > 0.02, 'a left the mix, b stayed');
    figure('mix frames per second after the PATCH', rate.toFixed(1), '50 (one per 20 ms), >= 45');
    assert.ok(rate >= 45, 'the output kept its pace');
    assert.equal((await api.request(gw, 'PATCH', '/api/mixes/m1',
      { body: JSON.stringify({ sources: ['nobody'] }), contentType: 'application/json' })).status, 404);

    const listed = await api.getJson(gw, '/api/mixes/m1');
    figure('frames the mix made', listed.frames_out, '> 150');
    assert.ok(listed.frames_out > 150);
    const del = await api.request(gw, 'DELETE', '/api/mixes/m1');
    assert.equal(del.status, 200);
    assert.equal((await api.request(gw, 'GET', '/api/mixes/m1')).status, 404);
    await sleep(500);
    const live = (await api.streams(gw)).map((s) => s.name ?? s.stream);
    figure('streams after the delete', live);
    assert.ok(!live.includes('m1'));
  } finally {
    for (const p of publishers) await p.stop();
    assert.equal(await gw.stop(), 0);
  }
});

e2eTest('a mix plays in Chromium over WHEP', async ({ gw, browser }) => {
  const publishers = [];
  try {
    publishers.push(publishRtmp(gw.rtmpUrl('c'), { toneHz: 500, size: '320x180', profile: 'baseline' }));
    publishers.push(publishRtmp(gw.rtmpUrl('d'), { toneHz: 2000, size: '320x180', profile: 'baseline' }));
    await Promise.all(publishers.map((p) => p.waitFrames(30)));
    await waitForStreams(gw, ['c', 'd']);
    assert.equal((await post(gw, { name: 'm2', sources: ['c', 'd'] })).status, 201);
    const player = await openDemo(browser, gw, 'player');
    await startPlayer(player, 'm2');
    await waitConnected(player, 'play', 20000);
    // Chromium counts audio energy once the audio plays out: wait for packets and energy.
    const stats = await waitUntil('player to receive 150 audio packets of sound', async () => {
      const st = await readStats(player, 'play');
      const ok = (st.audioIn?.packetsReceived ?? 0) >= 150 && (st.audioIn?.totalAudioEnergy ?? 0) > 0;
      return ok ? st : { ok: false, n: st.audioIn?.packetsReceived, energy: st.audioIn?.totalAudioEnergy };
    }, { timeoutMs: 20000, intervalMs: 500 });
    figure('WHEP player of the mix: codec, packets, audio energy',
      [stats.audioIn.codec, stats.audioIn.packetsReceived, Number((stats.audioIn.totalAudioEnergy ?? 0).toFixed(3))]);
    assert.match(stats.audioIn.codec, /opus/i);
    assert.ok((stats.audioIn.totalAudioEnergy ?? 0) > 0, 'the mix is not silence');
  } finally {
    for (const p of publishers) await p.stop();
  }
}, { timeoutMs: 60000, gateway: { rtmp: true } });
