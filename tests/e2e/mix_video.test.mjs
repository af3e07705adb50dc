// Video mixes: three Chromium publishers, each a solid colour with its own tone (Chromium's
// fake capture playing files made with ffmpeg), composed into a grid mix that an egress
// pushes to nginx-rtmp. ffmpeg reads the mix back from nginx: each tile's centre has its
// publisher's colour and the audio carries all three tones. Chromium plays the same mix over
// WHEP at the mix frame rate; one source leaves and another joins while it plays, and the
// player sees no gap and the new layout.
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import { launchBrowser } from './lib/browser.mjs';
import {
  openDemo, startPublisher, startPlayer, waitConnected, readStats, waitUntil, stopSession,
  startFrameGapMonitor, readFrameGaps,
} from './lib/pages.mjs';
import * as api from './lib/api.mjs';
import { startNginx } from './lib/nginx.mjs';
import {
  colourAt, longestStep, patchMix, postMix, readMix, solidSourceArgs, toneLevel, waitForStreams, watchVideoPackets,
} from './lib/mixes.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const SOURCES = [
  { stream: 'red', colour: 'red', rgb: [255, 0, 0], hz: 440 },
  { stream: 'green', colour: 'lime', rgb: [0, 255, 0], hz: 1100 },
  { stream: 'blue', colour: 'blue', rgb: [0, 0, 255], hz: 2700 },
];
const JOINER = { stream: 'yellow', colour: 'yellow', rgb: [255, 255, 0], hz: 1700 };
const FPS = 25;
// Tile centres of a 3-source grid (2 x 2, the last row centred), as fractions of the canvas.
const CENTRES = [[0.25, 0.25], [0.75, 0.25], [0.5, 0.75]];

// A browser whose camera and microphone are `source`'s colour and tone, publishing it.
async function publishSolid(gw, source) {
  const browser = await launchBrowser({ extraArgs: solidSourceArgs(source.colour, source.hz) });
  const page = await openDemo(browser, gw, source.stream);
  await startPublisher(page, source.stream, { width: 320, height: 240 });
  await waitConnected(page, 'pub', 20000);
  return { browser, page };
}

const distance = (a, b) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

// The mix as nginx has it (`when`: for the figures): each tile's centre has its source's
// colour and each source's tone is well above the floor. Returns the samples read.
async function checkMix(nginx, sources, when) {
  const read = await readMix(nginx.rtmpUrl('grid'), 5, { video: true });
  assert.ok(read.rgb, `ffmpeg (${read.code}) gave no picture:\n${read.stderr}`);
  const colours = CENTRES.map(([x, y]) => colourAt(read, x, y));
  const tones = sources.map((s) => toneLevel(read.samples, s.hz));
  const floor = toneLevel(read.samples, 3500);
  figure(`tile centre colours ${when} (${sources.map((s) => s.colour).join(', ')} tiles)`, colours);
  figure(`tone levels ${when} (${sources.map((s) => s.hz).join(', ')} Hz; floor at 3500 Hz)`,
    [...tones, floor].map((v) => +v.toFixed(4)));
  sources.forEach((s, i) => {
    assert.ok(distance(colours[i], s.rgb) <= 70, `tile ${i} shows ${s.colour}: ${colours[i]}`);
    assert.ok(tones[i] > 0.004 && tones[i] > 10 * floor, `the ${s.hz} Hz tone (${s.stream}) is in the mix`);
  });
  return read.samples;
}

e2eTest('a grid mix of 3 Chromium publishers: colours and tones at nginx-rtmp, WHEP playback, a source leaves and one joins', async ({ gw, browser }) => {
  const publishers = [];
  let nginx = null;
  try {
    publishers.push(...await Promise.all(SOURCES.map((s) => publishSolid(gw, s))));
    await waitForStreams(gw, SOURCES.map((s) => s.stream));
    nginx = await startNginx();

    const created = await postMix(gw, {
      name: 'grid', sources: SOURCES.map((s) => s.stream), video: true, width: 640, height: 360, fps: FPS,
    });
    figure('POST /api/mixes', `${created.status} ${created.text.trim()}`);
    assert.equal(created.status, 201);
    const egress = await api.request(gw, 'POST', '/api/streams/grid/egress', {
      body: JSON.stringify({ url: nginx.rtmpUrl('grid') }), contentType: 'application/json',
    });
    assert.equal(egress.status, 201, egress.text);
    await waitUntil('the egress to publish the mix', async () => {
      const list = await api.getJson(gw, '/api/streams/grid/egress');
      return list[0]?.state === 'publishing' && list[0].frames_sent > 0 ? list[0] : { ok: false, list };
    }, { timeoutMs: 20000, intervalMs: 500 });

    await checkMix(nginx, SOURCES, 'at nginx');

    // Chromium plays the mix over WHEP at its frame rate.
    const player = await openDemo(browser, gw, 'player');
    await startPlayer(player, 'grid');
    await waitConnected(player, 'play', 20000);
    await waitUntil('the player to decode the mix', async () =>
      ((await readStats(player, 'play')).videoIn?.framesDecoded ?? 0) > 10, { timeoutMs: 15000 });
    await startFrameGapMonitor(player, 'play');
    const a = await readStats(player, 'play');
    await sleep(5000);
    const b = await readStats(player, 'play');
    const decodedRate = ((b.videoIn.framesDecoded - a.videoIn.framesDecoded) * 1000) / (b.timestamp - a.timestamp);
    figure('WHEP player: codec, size, frames decoded per second', [b.videoIn.codec,
      `${b.videoIn.frameWidth}x${b.videoIn.frameHeight}`, +decodedRate.toFixed(2)], `>= ${0.9 * FPS}`);
    assert.match(b.videoIn.codec, /H264/i);
    assert.ok(decodedRate >= 0.9 * FPS, `the player decodes ${decodedRate} fps of a ${FPS} fps mix`);

    // Blue leaves, yellow joins in its place: the mix's output keeps its frame rate (its
    // packets as an RTMP reader gets them) and the player sees no stall.
    publishers.push(await publishSolid(gw, JOINER));
    await waitForStreams(gw, [JOINER.stream]);
    const watch = watchVideoPackets(gw.rtmpUrl('grid'), 6);
    await waitUntil('the packet watcher to read the mix', () => watch.packets.length > 10, { timeoutMs: 15000 });
    await readFrameGaps(player, 'play', { reset: true });
    await stopSession(publishers[2].page, 'pub');
    const sources = [SOURCES[0], SOURCES[1], JOINER];
    const patched = await patchMix(gw, 'grid', { sources: sources.map((s) => s.stream) });
    assert.equal(patched.status, 200, patched.text);
    await sleep(3000);
    const gaps = await readFrameGaps(player, 'play');
    await watch.done;
    const ptsGapMs = Math.round(longestStep(watch.packets.map((p) => p.pts)) * 1000);
    const readGapMs = longestStep(watch.packets.slice(10).map((p) => p.atMs));
    figure('mix output across the leave and join: packets, longest pts step, longest wait between packets (ms)',
      [watch.packets.length, ptsGapMs, readGapMs], `pts step 40 at ${FPS} fps, < 200; waits < 250`);
    figure('WHEP player across it: frames, longest gap between presented frames (ms)',
      [gaps.frames, Math.round(gaps.maxGapMs)], '< 250');
    // A mixer late on a starved CPU (five browsers on two cores here) drops a frame or two to
    // keep time; a leave or join that waited for a keyframe would skip seconds.
    assert.ok(ptsGapMs < 200, `the mix skipped ${ptsGapMs} ms of output`);
    assert.ok(readGapMs < 250, `the mix's output stalled for ${readGapMs} ms`);
    assert.ok(gaps.maxGapMs < 250, `the player froze for ${gaps.maxGapMs} ms`);
    const after = await checkMix(nginx, sources, 'after the change');  // the joiner is seen and heard
    const left = toneLevel(after, SOURCES[2].hz);
    figure('level of the tone that left (2700 Hz)', +left.toFixed(4), '< 0.002');
    assert.ok(left < 0.002, 'blue is no longer heard');
    const mix = await api.getJson(gw, '/api/mixes/grid');
    figure('mix after the change', { sources: mix.sources, video_frames_out: mix.video_frames_out });
  } finally {
    for (const p of publishers) await p.browser.close();
    if (nginx) await nginx.stop();
  }
}, { timeoutMs: 150000, gateway: { rtmp: true } });
