// Recordings: a Chromium WHIP stream (VP8 + Opus → WebM) and a video mix of two RTMP streams
// (H.264 + Opus → fragmented MP4) are recorded for 10 s through the admin API; ffprobe sees
// the right codecs and about 10 s, ffmpeg decodes both files without an error. Then rtcgate
// is killed (SIGKILL) in the middle of two recordings, and both files still read.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { e2eTest, figure } from './lib/harness.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { startGateway } from './lib/gateway.mjs';
import { openDemo, startPublisher, waitConnected, waitUntil } from './lib/pages.mjs';
import { publishRtmp } from './lib/ffmpeg.mjs';
import * as api from './lib/api.mjs';
import { postMix, waitForStreams } from './lib/mixes.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const startRecording = (gw, stream) => api.request(gw, 'POST', `/api/streams/${stream}/recordings`);

// ffprobe's codecs and duration of a file, and ffmpeg's decode errors over all of it.
function inspect(file) {
  const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries',
    'format=duration,format_name:stream=codec_type,codec_name', '-of', 'json', file]).toString());
  // The last packet's time: a file cut by a kill has no duration in its header.
  const times = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file])
    .toString().split('\n').map(Number).filter((t) => Number.isFinite(t) && t > 0);
  // Every decode error ffmpeg reports (pictures keep their own times, as in playRtmp).
  let decodeErrors = '';
  try {
    execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-enc_time_base:v', '-1', '-f', 'null', '-'],
      { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    decodeErrors = `exit ${err.status}: ${err.stderr}`;
  }
  return {
    format: probe.format?.format_name,
    codecs: (probe.streams ?? []).map((s) => s.codec_name),
    duration: Number(probe.format?.duration ?? NaN),
    lastPacket: Math.max(0, ...times),
    decodeErrors,
  };
}

async function publishCamera(browser, gw, stream) {
  const page = await openDemo(browser, gw, stream);
  await startPublisher(page, stream, { width: 640, height: 360 });
  await waitConnected(page, 'pub', 20000);
  return page;
}

e2eTest('a WHIP stream and a video mix are recorded for 10 s: right codecs, 10 ± 1 s, decodes cleanly', async ({ gw, browser }) => {
  const rtmp = [];
  try {
    await publishCamera(browser, gw, 'cam');
    rtmp.push(publishRtmp(gw.rtmpUrl('a'), { toneHz: 440, size: '320x180', profile: 'baseline' }));
    rtmp.push(publishRtmp(gw.rtmpUrl('b'), { toneHz: 1500, size: '320x180', profile: 'baseline' }));
    await Promise.all(rtmp.map((p) => p.waitFrames(30)));
    await waitForStreams(gw, ['cam', 'a', 'b']);
    assert.equal((await postMix(gw, { name: 'mx', sources: ['a', 'b'], video: true, width: 640, height: 360, fps: 25 })).status, 201);
    await waitForStreams(gw, ['mx']);

    const refused = await startRecording(gw, 'nobody');
    figure('recording a stream nobody publishes', `${refused.status} ${refused.text.trim()}`);
    assert.equal(refused.status, 404);
    const started = [];
    for (const stream of ['cam', 'mx']) {
      const res = await startRecording(gw, stream);
      assert.equal(res.status, 201, res.text);
      started.push(JSON.parse(res.text));
    }
    figure('recordings started', started.map((r) => [r.stream, r.state]));
    await sleep(10000);
    const finished = [];
    for (const r of started) {
      const res = await api.request(gw, 'DELETE', `/api/streams/${r.stream}/recordings/${r.id}`);
      assert.equal(res.status, 200, res.text);
      finished.push(JSON.parse(res.text));
    }
    figure('recordings stopped: stream, state, format, seconds, bytes',
      finished.map((r) => [r.stream, r.state, r.format, +r.duration_seconds.toFixed(2), r.bytes]));
    const [cam, mx] = finished.map((r) => ({ ...r, file: inspect(r.file) }));
    figure('ffprobe of the WHIP recording', cam.file);
    figure('ffprobe of the mix recording', mx.file);
    assert.equal(cam.state, 'stopped');
    assert.equal(cam.format, 'webm');
    assert.deepEqual(cam.file.codecs.sort(), ['opus', 'vp8']);
    assert.equal(mx.format, 'mp4');
    assert.deepEqual(mx.file.codecs.sort(), ['h264', 'opus']);
    for (const r of [cam, mx]) {
      const seconds = Number.isFinite(r.file.duration) ? r.file.duration : r.file.lastPacket;
      assert.ok(Math.abs(seconds - 10) <= 1, `${r.stream}: ${seconds} s recorded`);
      assert.equal(r.file.decodeErrors, '', `${r.stream}: ffmpeg decodes without an error`);
    }
    const listed = await api.getJson(gw, '/api/recordings');
    assert.equal(listed.length, 2);
  } finally {
    for (const p of rtmp) await p.stop();
  }
}, { timeoutMs: 90000, gateway: { rtmp: true } });

test('recordings cut by killing rtcgate still read', { timeout: 90000 }, async () => {
  const gw = await startGateway({ rtmp: true });
  const browser = await launchBrowser();
  const rtmp = [];
  try {
    await publishCamera(browser, gw, 'cam');
    rtmp.push(publishRtmp(gw.rtmpUrl('a'), { toneHz: 440, size: '320x180', profile: 'baseline' }));
    await rtmp[0].waitFrames(30);
    await waitForStreams(gw, ['cam', 'a']);
    assert.equal((await postMix(gw, { name: 'mx', sources: ['a'], video: true, width: 320, height: 180 })).status, 201);
    await waitForStreams(gw, ['mx']);
    const started = [];
    for (const stream of ['cam', 'mx']) started.push(JSON.parse((await startRecording(gw, stream)).text));
    // Kill once each file has taken 5 s of media (a loaded machine starts recordings late).
    let recorded = [];
    await waitUntil('both recordings to hold 5 s', async () => {
      recorded = await api.getJson(gw, '/api/recordings');
      return recorded.length === 2 && recorded.every((r) => r.duration_seconds >= 5);
    }, { timeoutMs: 30000 });
    const files = recorded.map((r) => r.file);
    process.kill(gw.pid, 'SIGKILL');
    await gw.exited;
    const read = files.map((f) => ({ f, exists: existsSync(f), bytes: existsSync(f) ? statSync(f).size : 0, ...inspect(f) }));
    figure('files after SIGKILL: codecs, last packet (s), decode errors',
      read.map((r) => [r.f.split('/').pop(), r.codecs, r.lastPacket, r.decodeErrors.slice(0, 200)]));
    for (const r of read) {
      assert.ok(r.exists && r.bytes > 0, `${r.f} exists`);
      assert.ok(r.codecs.length === 2, `${r.f} has its tracks`);
      assert.ok(r.lastPacket >= 3, `${r.f} holds at least 3 of the 5 s recorded: ${r.lastPacket}`);
    }
  } finally {
    for (const p of rtmp) await p.stop();
    await browser.close();
    await gw.stop();
  }
});
