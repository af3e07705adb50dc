// RTMP across a cluster of three nodes (docs/CLUSTER.md): ffmpeg publishes H.264 + AAC (with
// B-frames) over RTMP to node 3; a Chromium WHEP player on node 1 and an ffmpeg RTMP player on
// node 2 both decode it through relays. The browser's transcode (AAC → Opus, H.264 without
// B-frames) runs once, on node 3: node 1 forwards what the relay brings.
import assert from 'node:assert/strict';
import { figure } from './lib/harness.mjs';
import { clusterTest } from './lib/cluster.mjs';
import { getJson } from './lib/api.mjs';
import { publishRtmp, playRtmp } from './lib/ffmpeg.mjs';
import { openDemo, startPlayer, waitConnected, readStats, waitUntil } from './lib/pages.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Running renditions ("AAC→opus"...) of `stream` on `gw`.
async function renditions(gw, stream) {
  const s = (await getJson(gw, '/api/streams')).find((x) => x.name === stream);
  return s?.renditions ?? [];
}

clusterTest('RTMP published on node 3 plays over WHEP on node 1 and over RTMP on node 2', async ({ nodes, browser }) => {
  const [n1, n2, n3] = nodes;
  const pub = publishRtmp(n3.rtmpUrl('show'), { size: '640x360', gop: 30 });
  try {
    await waitUntil('node 3 to hold the stream', async () =>
      (await getJson(n3, '/api/streams')).some((s) => s.name === 'show' && s.publisher), { timeoutMs: 15000 });

    const page = await openDemo(browser, n1, 'player-n1');
    await startPlayer(page, 'show');
    await waitConnected(page, 'play');
    await waitUntil('the browser on node 1 to decode', async () =>
      ((await readStats(page, 'play')).videoIn?.framesDecoded ?? 0) > 30, { timeoutMs: 20000 });
    const s0 = await readStats(page, 'play');
    const f0 = pub.framesSentAt(Date.now());
    const t0 = Date.now();
    const rtmp = await playRtmp(n2.rtmpUrl('show'), { seconds: 5 });
    await sleep(Math.max(0, 8000 - (Date.now() - t0)));
    const s1 = await readStats(page, 'play');
    const sent = pub.framesSentAt(Date.now()) - f0;
    const share = (s1.videoIn.framesDecoded - s0.videoIn.framesDecoded) / sent;
    figure('browser on node 1: codecs, share of the frames decoded', [s1.videoIn.codec, s1.audioIn?.codec, +share.toFixed(3)], '>= 0.9');
    figure('RTMP player on node 2: exit, frames in 5 s, decode errors', [rtmp.code, rtmp.frames, rtmp.errors.length], '0, >= 140, 0');
    assert.ok(share >= 0.9, 'the browser decodes 90 % of the frames');
    assert.ok((s1.audioIn?.totalAudioEnergy ?? 0) > 0, 'the browser hears the tone');
    assert.equal(rtmp.code, 0, rtmp.stderr);
    assert.ok(rtmp.frames >= 140, 'the RTMP player decodes 5 s of video');
    assert.equal(rtmp.errors.length, 0, rtmp.errors.join('\n'));

    const where = { n1: await renditions(n1, 'show'), n2: await renditions(n2, 'show'), n3: await renditions(n3, 'show') };
    figure('transcodes running per node', where);
    assert.ok(where.n3.length > 0, 'node 3 makes the browser rendition');
    assert.deepEqual(where.n1, [], 'node 1 transcodes nothing: the relay brings what the browser plays');
  } finally {
    await pub.stop();
  }
}, { node: { rtmp: true } });
