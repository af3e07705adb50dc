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

// The RTMP ends of bench/latency: its time code survives x264 + RTMP + decoding and reads back
// on every frame, so a latency figure never rests on misread frames.
test('environment: the latency tool reads its time code back through nginx-rtmp', { timeout: 60000 }, async () => {
  const { TimecodeSource, TimecodeReader } = await import('../../bench/latency/rtmp_side.mjs');
  const { percentile } = await import('../../bench/latency/timecode.mjs');
  let nginx = null;
  let src = null;
  let reader = null;
  try {
    nginx = await startNginx();
    src = new TimecodeSource(nginx.rtmpUrl('timecode'));
    await new Promise((r) => setTimeout(r, 1500));
    reader = new TimecodeReader(nginx.rtmpUrl('timecode'), { warmupMs: 1000 });
    await new Promise((r) => setTimeout(r, 6000));
    figure('time code frames read after warm-up', reader.latencies.length, '>= 60 (of ~150 sent)');
    figure('unreadable frames', reader.rejected, '0');
    figure('latency p50 / p95 (ms)', `${percentile(reader.latencies, 50)} / ${percentile(reader.latencies, 95)}`, '0 < p50 < 1000');
    assert.ok(src.running, `source running: ${src.stderrTail()}`);
    assert.ok(reader.latencies.length >= 60, `reader: ${reader.stderrTail()}`);
    assert.equal(reader.rejected, 0);
    const p50 = percentile(reader.latencies, 50);
    assert.ok(p50 > 0 && p50 < 1000);
  } finally {
    await stopAll(reader, src, nginx);
  }
});
