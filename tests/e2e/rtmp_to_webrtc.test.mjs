// ffmpeg publishes H.264 + AAC over RTMP to the gateway; Chromium plays the stream over WHEP. The
// browser decodes at least 90 % of the frames ffmpeg sent over a measured window, gets Opus with
// sound, and sees no stall: first a browser-safe stream (baseline, 1 s GOP, 48 kHz), then
// ffmpeg's defaults (High profile with B-frames, x264's 250-frame GOP, 44.1 kHz stereo AAC).
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import { publishRtmp } from './lib/ffmpeg.mjs';
import { stopAll } from './lib/process.mjs';
import {
  openDemo, startPlayer, waitConnected, readStats, waitUntil, startFrameGapMonitor, readFrameGaps,
} from './lib/pages.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const WINDOW_MS = 10000;

// Plays `key` in a fresh page until it decodes, then measures a WINDOW_MS window against what
// `pub` sent in the same window. Returns the figures.
async function playAndMeasure(gw, browser, pub, key) {
  const player = await openDemo(browser, gw, 'player');
  await startPlayer(player, key);
  await waitConnected(player, 'play');
  await waitUntil('the player to decode 30 frames', async () =>
    ((await readStats(player, 'play')).videoIn?.framesDecoded ?? 0) >= 30, { timeoutMs: 20000 });
  await startFrameGapMonitor(player, 'play');
  await sleep(1000); // let the frame gap monitor see a first frame

  await readFrameGaps(player, 'play', { reset: true });
  const s0 = await readStats(player, 'play');
  const t0 = Date.now();
  await sleep(WINDOW_MS);
  const s1 = await readStats(player, 'play');
  const t1 = Date.now();
  const gaps = await readFrameGaps(player, 'play');
  assert.ok(pub.running, `the RTMP publisher exited (${pub.exitCode}):\n${pub.stderrTail()}`);
  return {
    sent: pub.framesSentAt(t1) - pub.framesSentAt(t0),
    decoded: s1.videoIn.framesDecoded - s0.videoIn.framesDecoded,
    seconds: (t1 - t0) / 1000,
    freezes: s1.videoIn.freezeCount - s0.videoIn.freezeCount,
    freezeSeconds: s1.videoIn.totalFreezesDuration - s0.videoIn.totalFreezesDuration,
    gaps,
    after: s1,
  };
}

function report(m) {
  figure(`frames ffmpeg sent in the ${m.seconds.toFixed(1)} s window`, Math.round(m.sent));
  figure('frames Chromium decoded in the window', m.decoded, `>= 90 % of sent = ${Math.ceil(0.9 * m.sent)}`);
  figure('decoded / sent', m.decoded / Math.max(1, m.sent), '>= 0.9');
  figure('codecs player', { video: m.after.videoIn.codec, audio: m.after.audioIn?.codec });
  figure('decoded resolution', `${m.after.videoIn.frameWidth}x${m.after.videoIn.frameHeight}`);
  figure('freezes in the window (count / seconds)', `${m.freezes} / ${m.freezeSeconds.toFixed(3)}`);
  figure('max inter-frame gap (ms, requestVideoFrameCallback)', m.gaps.maxGapMs);
  figure('gaps > 250 ms', m.gaps.gaps);
  figure('totalAudioEnergy', m.after.audioIn?.totalAudioEnergy ?? 0, '> 0');
}

e2eTest('RTMP (H.264 baseline + AAC 48 kHz) plays in Chromium over WHEP', async ({ gw, browser }) => {
  let pub = null;
  try {
    pub = publishRtmp(gw.rtmpUrl('rtmpcam'), {
      size: '640x360', rate: 30, profile: 'baseline', tune: 'zerolatency', gop: 30, audioRate: 48000,
    });
    await pub.waitFrames(30);
    const m = await playAndMeasure(gw, browser, pub, 'rtmpcam');
    report(m);
    assert.equal(m.after.videoIn.codec, 'video/H264', 'the browser receives H.264');
    assert.equal(m.after.audioIn?.codec, 'audio/opus', 'the browser receives Opus');
    assert.equal(`${m.after.videoIn.frameWidth}x${m.after.videoIn.frameHeight}`, '640x360');
    assert.ok(m.sent >= 0.8 * 30 * m.seconds, `ffmpeg itself fell behind real time: ${m.sent} frames`);
    assert.ok(m.decoded >= 0.9 * m.sent, `decoded ${m.decoded} of ${m.sent} frames`);
    assert.ok(m.after.audioIn.totalAudioEnergy > 0, 'audio decodes to sound');
  } finally {
    if (pub && !pub.running) console.log(`--- ffmpeg publisher stderr ---\n${pub.stderrTail()}`);
    await stopAll(pub);
  }
}, { gateway: { rtmp: true } });

e2eTest('RTMP with ffmpeg defaults (High, B-frames, AAC 44.1 kHz stereo) plays without a stall', async ({ gw, browser }) => {
  let pub = null;
  try {
    pub = publishRtmp(gw.rtmpUrl('obsdefaults'), { size: '640x360', rate: 30, audioRate: 44100, channels: 2 });
    await pub.waitFrames(30);
    const m = await playAndMeasure(gw, browser, pub, 'obsdefaults');
    report(m);
    assert.ok(m.sent >= 0.8 * 30 * m.seconds, `ffmpeg itself fell behind real time: ${m.sent} frames`);
    assert.ok(m.decoded >= 0.9 * m.sent, `decoded ${m.decoded} of ${m.sent} frames`);
    assert.ok(m.gaps.maxGapMs < 500, `a ${m.gaps.maxGapMs.toFixed(0)} ms gap between frames (a freeze > 500 ms)`);
    assert.ok(m.freezes === 0 || m.freezeSeconds / m.freezes < 0.5, 'getStats counts no freeze of 500 ms or more');
    assert.equal(m.after.audioIn?.codec, 'audio/opus', 'AAC reaches the browser as Opus');
    assert.ok(m.after.audioIn.totalAudioEnergy > 0, 'audio decodes to sound');
  } finally {
    if (pub && !pub.running) console.log(`--- ffmpeg publisher stderr ---\n${pub.stderrTail()}`);
    await stopAll(pub);
  }
}, { gateway: { rtmp: true } });
