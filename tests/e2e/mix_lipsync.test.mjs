// Lip sync through a video mix: an RTMP publisher (ffmpeg) whose picture flashes white for
// 100 ms at the start of every second, exactly when its audio beeps. In the mix read back
// over RTMP, each flash (blackdetect's black_end) and each beep (silencedetect's silence_end)
// are within ±40 ms of each other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { figure } from './lib/harness.mjs';
import { startGateway } from './lib/gateway.mjs';
import { publishRtmp } from './lib/ffmpeg.mjs';
import { ManagedProcess } from './lib/process.mjs';
import { postMix, waitForStreams } from './lib/mixes.mjs';

// Flash and beep onsets (stream seconds) in `seconds` of `url`.
async function onsets(url, seconds) {
  const p = new ManagedProcess(`ffmpeg onset reader ${url}`, 'ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'info',
    '-rw_timeout', '10000000', '-i', url, '-t', String(seconds),
    '-vf', 'blackdetect=d=0.02:pix_th=0.3:pic_th=0.9', '-af', 'silencedetect=n=-35dB:d=0.2', '-f', 'null', '-']);
  const code = await p.waitExit((seconds + 20) * 1000);
  if (code === undefined) await p.stop();
  const flashes = [];
  const beeps = [];
  for (const line of p.stderrLines) {
    const b = /black_end:(\d+(\.\d+)?)/.exec(line);
    if (b) flashes.push(Number(b[1]));
    const s = /silence_end: (\d+(\.\d+)?)/.exec(line);
    if (s) beeps.push(Number(s[1]));
  }
  // The stream's end closes the last black or silent stretch too: that is no onset.
  const beforeEnd = (t) => t < Math.max(...flashes, ...beeps) - 0.3;
  return { flashes: flashes.filter(beforeEnd), beeps: beeps.filter(beforeEnd), stderr: p.stderrTail(20) };
}

test('lip sync: a flash and its beep leave a video mix within ±40 ms', { timeout: 90000 }, async () => {
  const gw = await startGateway({ rtmp: true });
  let pub = null;
  try {
    pub = publishRtmp(gw.rtmpUrl('flash'), {
      profile: 'baseline',
      // A keyframe every second: the mix shows the source from its next keyframe, and
      // x264's default (250 frames) could leave half of the 8 s read without a picture.
      gop: 30,
      lavfiVideo: "color=c=black:s=320x180:r=30,drawbox=c=white:t=fill:enable='lt(mod(t,1),0.1)'",
      // 1 ms audio frames, so the beep starts within a millisecond of the flash.
      lavfiAudio: "sine=frequency=1000:sample_rate=48000:samples_per_frame=48,volume=volume=0:enable='gte(mod(t,1),0.1)'",
    });
    await pub.waitFrames(30);
    await waitForStreams(gw, ['flash']);
    const created = await postMix(gw, { name: 'sync', sources: ['flash'], video: true, width: 320, height: 180, fps: 50 });
    assert.equal(created.status, 201, created.text);
    await waitForStreams(gw, ['sync']);
    // 10 s: the mix shows the source from a keyframe that may come a few seconds into the
    // read (docs/MIXING.md), and at least five flashes must follow it.
    const { flashes, beeps, stderr } = await onsets(gw.rtmpUrl('sync'), 10);
    figure('flash onsets in the mix (s)', flashes.map((t) => +t.toFixed(3)));
    figure('beep onsets in the mix (s)', beeps.map((t) => +t.toFixed(3)));
    const offsets = [];
    for (const f of flashes) {
      const nearest = beeps.reduce((best, b) => (Math.abs(b - f) < Math.abs(best - f) ? b : best), Infinity);
      if (Math.abs(nearest - f) < 0.5) offsets.push(Math.round((nearest - f) * 1000));
    }
    figure('beep minus flash per second (ms)', offsets, 'each within ±40');
    assert.ok(offsets.length >= 5, `flashes and beeps paired: ${offsets.length}\n${stderr}`);
    for (const o of offsets) assert.ok(Math.abs(o) <= 40, `a beep ${o} ms from its flash`);
  } finally {
    if (pub) await pub.stop();
    assert.equal(await gw.stop(), 0);
  }
});
