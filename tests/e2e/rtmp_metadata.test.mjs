// Timed metadata from RTMP: ffmpeg publishes H.264 + AAC with a subtitle track, which its FLV
// muxer sends as onTextData data messages; a Chromium WHEP player gets each line on its
// 'metadata' channel as {"rtpTimestamp", "data": {"type": "onTextData", "data": {"text"}}}
// and the SDK raises it with the frame of its time. The lines are one second apart in the
// publisher's clock, and so are their RTP timestamps in the player's.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { e2eTest, figure } from './lib/harness.mjs';
import { publishRtmp } from './lib/ffmpeg.mjs';
import { openDemo, startPlayer, waitConnected, waitUntil } from './lib/pages.mjs';

function srt(lines) {
  const t = (s) => `00:00:${String(Math.floor(s)).padStart(2, '0')},${String(Math.round((s % 1) * 1000)).padStart(3, '0')}`;
  return lines.map((l, i) => `${i + 1}\n${t(l.at)} --> ${t(l.at + 0.5)}\n${l.text}\n`).join('\n');
}

e2eTest('RTMP timed data: ffmpeg\'s subtitle lines (onTextData) reach a Chromium player as metadata at their times', async ({ gw, browser }) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rtcgate-srt-'));
  const file = path.join(dir, 'lines.srt');
  const lines = Array.from({ length: 40 }, (_, i) => ({ at: 2 + i, text: `line ${i + 1}` }));
  writeFileSync(file, srt(lines));
  const pub = publishRtmp(gw.rtmpUrl('subs'), {
    profile: 'baseline', size: '320x240',
    extraInputs: ['-i', file],
    extraArgs: ['-map', '0:v', '-map', '1:a', '-map', '2:s', '-c:s', 'text'],
  });
  try {
    await pub.waitFrames(30);
    const page = await openDemo(browser, gw, 'player');
    await startPlayer(page, 'subs', { dataChannels: ['metadata'] });
    await waitConnected(page, 'play');
    await page.evaluate(() => {
      const s = window.__e2e.sessions.play;
      window.__e2e.events = [];
      s.showMetadataWith(window.__e2e.elements.play.video);
      s.onmetadata = (data, info) => window.__e2e.events.push({
        type: data?.type, text: data?.data?.text, ts: info.rtpTimestamp, shownTs: info.frame?.rtpTimestamp,
      });
    });
    const events = await waitUntil('six subtitle lines at the player', async () => {
      const e = await page.evaluate(() => window.__e2e.events);
      return e.length >= 6 && e;
    }, { timeoutMs: 30000 });
    figure('lines raised (type, text)', events.map((e) => `${e.type}:${e.text}`));
    const numbers = events.map((e) => Number(/line (\d+)/.exec(e.text ?? '')?.[1]));
    const steps = [];
    for (let i = 1; i < events.length; i++) {
      const ticks = (events[i].ts - events[i - 1].ts) | 0;
      steps.push(Math.round(ticks / 90) / (numbers[i] - numbers[i - 1]));
    }
    figure('RTP time between consecutive lines, per line (ms)', steps, 'each 1000 ± 40');
    const lag = events.map((e) => Math.round((((e.shownTs - e.ts) | 0) / 90)));
    figure('presented frame minus line time at each event (ms)', lag, 'each in [0, 100]');
    for (const e of events) assert.equal(e.type, 'onTextData');
    for (let i = 1; i < numbers.length; i++) assert.ok(numbers[i] > numbers[i - 1], 'lines out of order');
    for (const s of steps) assert.ok(Math.abs(s - 1000) <= 40, `lines ${s} ms apart in RTP time`);
    for (const l of lag) assert.ok(l >= 0 && l <= 100, `raised ${l} ms off its frame`);
  } finally {
    await pub.stop();
  }
}, { gateway: { rtmp: true } });

// H.264 SEI user data unregistered from an RTMP source: ffmpeg's h264_metadata filter puts a
// text under a UUID into every keyframe (one a second); the player gets each as
// {"type": "sei", "uuid", "data"} at its frame's time, and x264's own version SEI is left out.
e2eTest('RTMP SEI user data: each keyframe\'s text reaches a Chromium player as metadata at its time', async ({ gw, browser }) => {
  const uuid = '086f3693-b7b3-4f2c-9653-21492feee5b8';
  const pub = publishRtmp(gw.rtmpUrl('sei'), {
    profile: 'baseline', size: '320x240', gop: 30,
    extraArgs: ['-bsf:v', `h264_metadata=sei_user_data=${uuid}+chorus line`],
  });
  try {
    await pub.waitFrames(30);
    const page = await openDemo(browser, gw, 'player');
    await startPlayer(page, 'sei', { dataChannels: ['metadata'] });
    await waitConnected(page, 'play');
    await page.evaluate(() => {
      const s = window.__e2e.sessions.play;
      window.__e2e.events = [];
      s.showMetadataWith(window.__e2e.elements.play.video);
      s.onmetadata = (data, info) => window.__e2e.events.push({ data, ts: info.rtpTimestamp, shownTs: info.frame?.rtpTimestamp });
    });
    const events = await waitUntil('five SEI messages at the player', async () => {
      const e = await page.evaluate(() => window.__e2e.events);
      return e.length >= 5 && e;
    }, { timeoutMs: 30000 });
    figure('first event', events[0].data);
    const steps = events.slice(1).map((e, i) => Math.round(((e.ts - events[i].ts) | 0) / 90));
    figure('RTP time between consecutive SEI messages (ms)', steps, 'each 1000 ± 40: one per keyframe');
    const lag = events.map((e) => Math.round((((e.shownTs - e.ts) | 0) / 90)));
    figure('presented frame minus message time at each event (ms)', lag, 'each in [0, 100]');
    for (const e of events) assert.deepEqual(e.data, { type: 'sei', uuid, data: 'chorus line' });
    for (const s of steps) assert.ok(Math.abs(s - 1000) <= 40, `SEI messages ${s} ms apart in RTP time`);
    for (const l of lag) assert.ok(l >= 0 && l <= 100, `raised ${l} ms off its frame`);
  } finally {
    await pub.stop();
  }
}, { gateway: { rtmp: true } });
