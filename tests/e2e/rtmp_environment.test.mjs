// The RTMP tools the gateway's RTMP tests rely on work on this machine, without rtcgate: ffmpeg
// publishes H.264 + AAC to a private nginx-rtmp, ffprobe sees the stream's codecs and size, and an
// ffmpeg player decodes 3 s of it without a decode error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { figure } from './lib/harness.mjs';
import { startNginx } from './lib/nginx.mjs';
import { publishRtmp, probe, playRtmp } from './lib/ffmpeg.mjs';
import { stopAll } from './lib/process.mjs';

test('environment: ffmpeg publishes to nginx-rtmp, ffprobe and an ffmpeg player read it', { timeout: 90000 }, async () => {
  let nginx = null;
  let pub = null;
  try {
    nginx = await startNginx();
    const url = nginx.rtmpUrl('envcheck');
    pub = publishRtmp(url, { size: '640x360', rate: 30, profile: 'baseline', tune: 'zerolatency', gop: 30, audioRate: 48000 });
    await pub.waitFrames(30);
    figure('publisher pid', pub.pid);

    const info = await probe(url);
    figure('ffprobe', { video: info.video, audio: info.audio });
    assert.equal(info.video?.codec_name, 'h264');
    assert.equal(info.audio?.codec_name, 'aac');
    assert.equal(`${info.video.width}x${info.video.height}`, '640x360');
    assert.equal(info.audio.sample_rate, 48000);

    const sentBefore = pub.framesSent;
    const played = await playRtmp(url, { seconds: 3 });
    const sent = pub.framesSent - sentBefore;
    figure('player exit code', played.code, '0');
    figure('frames decoded in 3 s of media', played.frames, '>= 81 (90 % of 30 fps)');
    figure('frames the publisher sent meanwhile', sent);
    figure('decode error lines', played.errors, 'none');
    if (played.code !== 0 || played.errors.length) console.log(`--- player stderr ---\n${played.stderr}`);
    assert.equal(played.code, 0);
    assert.ok(played.frames >= 81);
    assert.deepEqual(played.errors, []);
    assert.ok(pub.running, `publisher still running (exit ${pub.exitCode}): ${pub.stderrTail()}`);
  } catch (err) {
    if (pub) console.log(`--- publisher stderr ---\n${pub.stderrTail()}`);
    if (nginx) console.log(`--- nginx error.log ---\n${nginx.errorLog().slice(-3000)}`);
    throw err;
  } finally {
    await stopAll(pub, nginx);
  }
});
