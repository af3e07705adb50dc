// A browser publishes its fake camera and microphone over WHIP; a second browser context plays the
// stream over WHEP. Video decodes at the published resolution, audio decodes with energy, nothing
// freezes, the publisher's bandwidth estimate grows past 1 Mbps, and stopping the publisher ends
// both sessions on the server.
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import * as api from './lib/api.mjs';
import { noisyCameraClip, fakeCameraArgs } from './lib/media.mjs';
import {
  openDemo, startPublisher, startPlayer, waitConnected, readStats, outboundBitrate, topEncoding,
  stopSession, waitUntil,
} from './lib/pages.mjs';

// Light noise: enough bits to push the bandwidth estimate past 1 Mbps, few enough that VP8 at
// Chromium's 2 Mbps cap for 960x540 keeps a low QP and steps up to 1280x720 on a slow machine.
const camera = fakeCameraArgs(noisyCameraClip({ width: 1280, height: 720, noise: 6 }));

e2eTest('publish over WHIP, play over WHEP', async ({ gw, browser }) => {
  const pub = await openDemo(browser, gw, 'publisher');
  const player = await openDemo(browser, gw, 'player');

  const published = await startPublisher(pub, 'cam1', { width: 1280, height: 720 });
  const publishedAt = Date.now();
  figure('publisher resource', published.location);
  await waitConnected(pub, 'pub');
  await startPlayer(player, 'cam1');
  await waitConnected(player, 'play');

  const list = await api.sessions(gw);
  figure('sessions while playing', list.map((s) => `${s.kind}:${s.state}`));
  assert.deepEqual(list.map((s) => s.kind).sort(), ['whep', 'whip']);

  // The publisher's send rate only grows with working congestion-control feedback from the server.
  const bitrate = await waitUntil('publisher bitrate > 1 Mbps', async () => {
    const bps = await outboundBitrate(pub, 'pub', 1000);
    return bps > 1e6 ? bps : { ok: false, bps };
  }, { timeoutMs: Math.max(1000, 20000 - (Date.now() - publishedAt)), intervalMs: 0 });
  figure('publisher bitrate (bps) after ' + ((Date.now() - publishedAt) / 1000).toFixed(1) + ' s', bitrate, '> 1e6 within 20 s');

  // The encoder steps up to the camera's resolution as its estimate grows; the player must follow.
  // Chromium starts low and steps up as its encoder's QP allows, which on a 2-core machine
  // takes 30-50 s: the wait is generous.
  const size = await waitUntil('publisher to send and player to decode the same resolution', async () => {
    const out = topEncoding(await readStats(pub, 'pub'));
    const inb = (await readStats(player, 'play')).videoIn;
    const sent = `${out?.frameWidth}x${out?.frameHeight}`;
    const got = `${inb?.frameWidth}x${inb?.frameHeight}`;
    return sent === got && out.frameWidth === 1280 ? sent : { ok: false, sent, got, limitedBy: out?.qualityLimitationReason };
  }, { timeoutMs: 90000, intervalMs: 500 });
  figure('resolution sent = decoded', size, '1280x720');

  const before = await readStats(player, 'play');
  await new Promise((r) => setTimeout(r, 8000));
  const after = await readStats(player, 'play');
  const pubStats = await readStats(pub, 'pub');

  figure('codecs publisher', { video: topEncoding(pubStats).codec, audio: pubStats.audioOut?.codec });
  figure('codecs player', { video: after.videoIn.codec, audio: after.audioIn?.codec });
  figure('video frames decoded', after.videoIn.framesDecoded, '>= 150');
  figure('video frames decoded in the last 8 s', after.videoIn.framesDecoded - before.videoIn.framesDecoded, '>= 120');
  figure('decoded resolution', `${after.videoIn.frameWidth}x${after.videoIn.frameHeight}`);
  figure('freezes (total / during the last 8 s)', `${after.videoIn.freezeCount} / ${after.videoIn.freezeCount - before.videoIn.freezeCount}`, '0 in the last 8 s');
  figure('audio packets received', after.audioIn?.packetsReceived ?? 0, '>= 150');
  figure('totalAudioEnergy', after.audioIn?.totalAudioEnergy ?? 0, '> 0');

  assert.equal(after.videoIn.codec, topEncoding(pubStats).codec, 'both ends agree on the video codec');
  assert.ok(after.videoIn.framesDecoded >= 150);
  assert.ok(after.videoIn.framesDecoded - before.videoIn.framesDecoded >= 120, 'video keeps flowing at >= 15 fps');
  assert.equal(`${after.videoIn.frameWidth}x${after.videoIn.frameHeight}`, '1280x720');
  assert.equal(after.videoIn.freezeCount - before.videoIn.freezeCount, 0, 'no freeze');
  assert.ok((after.audioIn?.packetsReceived ?? 0) >= 150, 'audio packets arrive');
  assert.ok(after.audioIn.totalAudioEnergy > 0, 'audio decodes to sound');

  // Ending the publication ends its subscribers too.
  await stopSession(pub, 'pub');
  const left = await waitUntil('both sessions to disappear from /api/sessions', async () => {
    // Gone, or still listed as closed for a moment.
    const s = (await api.sessions(gw)).filter((x) => x.state !== 'closed');
    return s.length === 0 ? 'none' : { ok: false, sessions: s.map((x) => `${x.kind}:${x.state}`) };
  }, { timeoutMs: 10000 });
  figure('sessions after the publisher stopped', left);
  const streams = (await api.streams(gw)).filter((s) => s.name === 'cam1' && s.publisher);
  assert.deepEqual(streams, [], 'the stream is no longer published');
}, { browser: { extraArgs: camera } });
