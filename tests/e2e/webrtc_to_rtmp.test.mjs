// A stream published from Chromium over WHIP (VP8 + Opus) leaves the gateway over RTMP as H.264 +
// AAC: pushed by an egress to a private nginx-rtmp (the CDN stand-in), where ffprobe sees the
// published resolution and ffmpeg decodes it cleanly, and played directly from the gateway's RTMP
// port. A stream published over RTMP plays back over RTMP too.
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import * as api from './lib/api.mjs';
import { startNginx } from './lib/nginx.mjs';
import { publishRtmp, playRtmp, probe } from './lib/ffmpeg.mjs';
import { stopAll } from './lib/process.mjs';
import { noisyCameraClip, fakeCameraArgs } from './lib/media.mjs';
import { openDemo, startPublisher, waitConnected, readStats, topEncoding, waitUntil } from './lib/pages.mjs';

const camera = fakeCameraArgs(noisyCameraClip({ width: 640, height: 480 }));

// Publishes the fake camera as `key` and waits until the encoder sends the camera's full 640x480
// (a browser starts lower and steps up as its bandwidth estimate grows). Returns the page.
async function publishCamera(gw, browser, key) {
  const pub = await openDemo(browser, gw, 'publisher');
  await startPublisher(pub, key, { width: 640, height: 480 });
  await waitConnected(pub, 'pub');
  const size = await waitUntil('the publisher to send 640x480', async () => {
    const out = topEncoding(await readStats(pub, 'pub'));
    return out?.frameWidth === 640 ? `${out.frameWidth}x${out.frameHeight}` : { ok: false, sent: `${out?.frameWidth}x${out?.frameHeight}` };
  }, { timeoutMs: 40000, intervalMs: 500 });
  figure('published resolution (outbound-rtp)', size);
  return pub;
}

async function publishedVideo(pub) {
  const s = await readStats(pub, 'pub');
  const out = topEncoding(s);
  return { size: `${out.frameWidth}x${out.frameHeight}`, fps: out.framesPerSecond, codec: out.codec, audio: s.audioOut?.codec };
}

async function egressList(gw, key) {
  const list = await api.getJson(gw, `/api/streams/${key}/egress`);
  assert.ok(Array.isArray(list), `GET egress answers a JSON array: ${JSON.stringify(list)}`);
  return list;
}

e2eTest('WHIP stream pushed over RTMP to nginx by an egress: H.264 + AAC at the published size', async ({ gw, browser }) => {
  let nginx = null;
  try {
    nginx = await startNginx();
    const pub = await publishCamera(gw, browser, 'webcam');
    const target = nginx.rtmpUrl('out');

    const created = await api.request(gw, 'POST', '/api/streams/webcam/egress', {
      body: JSON.stringify({ url: target }), contentType: 'application/json',
    });
    figure('POST egress', `${created.status} ${created.text.slice(0, 300)}`, 'expect 201');
    assert.equal(created.status, 201);
    const egress = JSON.parse(created.text);
    assert.ok(egress.id, 'the egress has an id');
    // The stream key is a secret: the API shows the URL with it masked.
    assert.equal(egress.url, target.replace(/\/out$/, '/***'));

    const publishing = await waitUntil('the egress to reach "publishing" and send frames', async () => {
      const e = (await egressList(gw, 'webcam')).find((x) => x.id === egress.id);
      return e?.state === 'publishing' && e.frames_sent > 0 ? e : { ok: false, egress: e };
    }, { timeoutMs: 20000, intervalMs: 500 });
    figure('egress publishing', publishing);

    const sent = await publishedVideo(pub);
    const info = await probe(target);
    figure('published', sent);
    figure('ffprobe of nginx', { video: info.video, audio: info.audio });
    // The browser sent VP8 + Opus, so what nginx got went through both transcodes.
    assert.equal(sent.codec, 'video/VP8');
    assert.equal(sent.audio, 'audio/opus');
    assert.equal(info.video?.codec_name, 'h264');
    assert.equal(info.audio?.codec_name, 'aac');
    assert.equal(`${info.video.width}x${info.video.height}`, sent.size, 'the egress keeps the published resolution');

    const played = await playRtmp(target, { seconds: 10 });
    figure('ffmpeg player on nginx: exit code', played.code, '0');
    figure('frames decoded from 10 s of nginx stream', played.frames, '>= 150 (15 fps)');
    figure('decode error lines', played.errors.slice(0, 10), 'none');
    if (played.code !== 0 || played.errors.length) console.log(`--- player stderr ---\n${played.stderr}`);
    assert.equal(played.code, 0);
    assert.deepEqual(played.errors, []);
    assert.ok(played.frames >= 150);

    const later = (await egressList(gw, 'webcam')).find((x) => x.id === egress.id);
    figure('egress afterwards', later);
    assert.equal(later.state, 'publishing');
    assert.ok(later.bytes_sent > publishing.bytes_sent && later.frames_sent > publishing.frames_sent, 'the egress keeps sending');

    const del = await api.request(gw, 'DELETE', `/api/streams/webcam/egress/${egress.id}`);
    figure('DELETE egress', del.status, '204');
    assert.equal(del.status, 204);
    const left = (await egressList(gw, 'webcam')).filter((x) => x.id === egress.id && x.state !== 'stopped');
    assert.deepEqual(left, [], 'the deleted egress is gone or stopped');
  } finally {
    await stopAll(nginx);
  }
}, { gateway: { rtmp: true }, browser: { extraArgs: camera } });

e2eTest('an RTMP player reads a WHIP-published stream from the gateway', async ({ gw, browser }) => {
  const pub = await publishCamera(gw, browser, 'webcam2');
  const url = gw.rtmpUrl('webcam2');
  const info = await probe(url);
  figure('published', await publishedVideo(pub));
  figure('ffprobe of the gateway', { video: info.video, audio: info.audio });
  assert.equal(info.video?.codec_name, 'h264');
  assert.equal(info.audio?.codec_name, 'aac');

  const played = await playRtmp(url, { seconds: 5 });
  figure('ffmpeg player: exit code', played.code, '0');
  figure('frames decoded from 5 s of stream', played.frames, '>= 75 (15 fps)');
  figure('decode error lines', played.errors.slice(0, 10), 'none');
  if (played.code !== 0 || played.errors.length) console.log(`--- player stderr ---\n${played.stderr}`);
  assert.equal(played.code, 0);
  assert.deepEqual(played.errors, []);
  assert.ok(played.frames >= 75);
}, { gateway: { rtmp: true }, browser: { extraArgs: camera } });

e2eTest('an RTMP player reads an RTMP-published stream from the gateway', async ({ gw }) => {
  let pub = null;
  try {
    pub = publishRtmp(gw.rtmpUrl('relay'), { size: '640x360', rate: 30, gop: 30, audioRate: 44100, channels: 2 });
    await pub.waitFrames(30);
    const info = await probe(gw.rtmpUrl('relay'));
    figure('ffprobe of the gateway', { video: info.video, audio: info.audio });
    assert.equal(info.video?.codec_name, 'h264');
    assert.equal(info.audio?.codec_name, 'aac');
    assert.equal(`${info.video.width}x${info.video.height}`, '640x360');

    const sentBefore = pub.framesSent;
    const played = await playRtmp(gw.rtmpUrl('relay'), { seconds: 5 });
    figure('ffmpeg player: exit code', played.code, '0');
    figure('frames decoded from 5 s of stream', played.frames, '>= 135 (90 % of 30 fps)');
    figure('frames ffmpeg sent meanwhile', pub.framesSent - sentBefore);
    figure('decode error lines', played.errors.slice(0, 10), 'none');
    if (played.code !== 0 || played.errors.length) console.log(`--- player stderr ---\n${played.stderr}`);
    assert.equal(played.code, 0);
    assert.deepEqual(played.errors, []);
    assert.ok(played.frames >= 135);
    assert.ok(pub.running, `the publisher keeps going (exit ${pub.exitCode})`);
  } finally {
    await stopAll(pub);
  }
}, { gateway: { rtmp: true } });
