// Timed metadata out over RTMP: a Chromium WHIP publisher sends a line on its 'metadata'
// channel every second; an RTMP reader of the gateway (ffprobe) finds them as onTextData
// (a subtitle track to ffmpeg), one second apart at the FLV time of the frames they were
// sent with — through the VP8 → H.264 transcode. With sei_metadata on, the same lines are
// also in the H.264 as SEI user data (read back with ffmpeg's trace_headers).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { e2eTest, figure } from './lib/harness.mjs';
import { ManagedProcess } from './lib/process.mjs';
import { startNginx } from './lib/nginx.mjs';
import * as api from './lib/api.mjs';
import { openDemo, startPublisher, waitConnected, waitUntil } from './lib/pages.mjs';

// A Chromium WHIP publisher of `stream` that sends "line N" on its 'metadata' channel every
// second (stopped with clearInterval(window.__e2e.lines)).
async function publishLines(browser, gw, stream) {
  const pub = await openDemo(browser, gw, 'publisher');
  await startPublisher(pub, stream, { width: 320, height: 180, dataChannels: ['metadata'] });
  await waitConnected(pub, 'pub');
  await waitUntil('the metadata channel to open', () =>
    pub.evaluate(() => window.__e2e.sessions.pub.channels.get('metadata')?.readyState === 'open'));
  await pub.evaluate(() => {
    let n = 0;
    window.__e2e.lines = setInterval(() => window.__e2e.sessions.pub.send('metadata', `line ${++n}`), 1000);
  });
  return pub;
}

async function subtitlePackets(url, seconds) {
  const out = [];
  const p = new ManagedProcess('ffprobe metadata reader', 'ffprobe', ['-v', 'error', '-rw_timeout', '10000000',
    '-read_intervals', `%+${seconds}`, '-show_entries', 'stream=index,codec_type:packet=stream_index,pts_time,size',
    '-of', 'json', url], { onStdoutLine: (line) => out.push(line) });
  const code = await p.waitExit((seconds + 20) * 1000);
  if (code === undefined) await p.stop();
  let json = {};
  try {
    json = JSON.parse(out.join('\n') || '{}');
  } catch {}
  const sub = (json.streams ?? []).find((s) => s.codec_type === 'subtitle');
  const packets = sub ? (json.packets ?? []).filter((k) => k.stream_index === sub.index) : [];
  return { found: Boolean(sub), times: packets.map((k) => Number(k.pts_time)), sizes: packets.map((k) => Number(k.size)), stderr: p.stderrTail(10) };
}

e2eTest('timed metadata from a WebRTC publisher reaches RTMP readers as onTextData at its frames\' times', async ({ gw, browser }) => {
  const pub = await publishLines(browser, gw, 'meta2rtmp');
  const got = await subtitlePackets(gw.rtmpUrl('meta2rtmp'), 8);
  // And through an RTMP push (the egress a CDN push uses), here into the gateway's own
  // RTMP ingest, read back as another stream. (nginx-rtmp forwards no data messages but
  // onMetaData to its players, so it cannot show them.)
  const created = await api.request(gw, 'POST', '/api/streams/meta2rtmp/egress', {
    body: JSON.stringify({ url: gw.rtmpUrl('pushedback') }), contentType: 'application/json',
  });
  assert.equal(created.status, 201, created.text);
  await waitUntil('the pushed stream to be published', async () =>
    (await api.streams(gw)).some((x) => x.name === 'pushedback'));
  const pushed = await subtitlePackets(gw.rtmpUrl('pushedback'), 6);
  await pub.evaluate(() => clearInterval(window.__e2e.lines));
  const pushedSteps = pushed.times.slice(1).map((t, i) => Math.round((t - pushed.times[i]) * 1000));
  figure('lines through an RTMP push and back in: count, ms between', [pushed.times.length, pushedSteps], 'each 1000 ± 100');
  const steps = got.times.slice(1).map((t, i) => Math.round((t - got.times[i]) * 1000));
  figure('subtitle (onTextData) packets read from the gateway: count, times (s)', [got.times.length, got.times]);
  figure('time between lines (ms)', steps, 'each 1000 ± 100');
  assert.ok(got.found, `no subtitle track in the gateway's RTMP output\n${got.stderr}`);
  assert.ok(got.times.length >= 4, `only ${got.times.length} lines`);
  for (const s of steps) assert.ok(Math.abs(s - 1000) <= 100, `lines ${s} ms apart`);
  assert.ok(pushed.times.length >= 3, `only ${pushed.times.length} lines came through the push\n${pushed.stderr}`);
  for (const s of pushedSteps) assert.ok(Math.abs(s - 1000) <= 100, `pushed lines ${s} ms apart`);
}, { gateway: { rtmp: true } });

// The SEI user data unregistered messages in an RTMP stream's H.264 (ffmpeg's trace_headers
// prints every syntax element): [{uuid, text}] in stream order.
async function seiMessages(url, seconds) {
  const lines = [];
  const p = new ManagedProcess('ffmpeg SEI reader', 'ffmpeg', ['-hide_banner', '-rw_timeout', '10000000', '-i', url,
    '-t', String(seconds), '-map', '0:v', '-c', 'copy', '-bsf:v', 'trace_headers', '-f', 'null', '-'],
  { onStderrLine: (line) => lines.push(line) });
  const code = await p.waitExit((seconds + 20) * 1000);
  if (code === undefined) await p.stop();
  const out = [];
  let current = null;
  for (const line of lines) {
    const m = /(uuid_iso_iec_11578|user_data_payload_byte)\[(\d+)\]\s+\S+\s+=\s+(\d+)/.exec(line);
    if (!m) continue;
    if (m[1] === 'uuid_iso_iec_11578' && m[2] === '0') out.push(current = { uuid: [], bytes: [] });
    if (!current) continue;
    (m[1] === 'uuid_iso_iec_11578' ? current.uuid : current.bytes).push(Number(m[3]));
  }
  return out.map((s) => ({
    uuid: Buffer.from(s.uuid).toString('hex'),
    text: Buffer.from(s.bytes).toString('utf8'),
  }));
}

const seiConfig = (() => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rtcgate-sei-'));
  const file = path.join(dir, 'sei.toml');
  writeFileSync(file, 'sei_metadata = true\n');
  return file;
})();

e2eTest('with sei_metadata, a WebRTC publisher\'s timed metadata is also SEI user data in the H.264 rtcgate encodes', async ({ gw, browser }) => {
  const pub = await publishLines(browser, gw, 'meta2sei');
  const found = await seiMessages(gw.rtmpUrl('meta2sei'), 6);
  const ours = found.filter((s) => s.uuid === '7c1e5b42930d4e61a82f6b3c91d405e7');
  figure('SEI user data in the gateway\'s H.264 (uuid: text)', found.map((s) => `${s.uuid.slice(0, 8)}: ${s.text.slice(0, 40)}`));
  assert.ok(ours.length >= 3, `only ${ours.length} SEI lines in the H.264`);
  const numbers = ours.map((s) => Number(/^line (\d+)$/.exec(s.text)?.[1]));
  for (let i = 1; i < numbers.length; i++) assert.equal(numbers[i], numbers[i - 1] + 1, `SEI lines ${numbers}`);

  // Pushed to nginx-rtmp (the CDN stand-in): the lines travel inside the video, which nginx
  // passes on to its players (it drops data messages other than onMetaData), so a reader of
  // nginx finds them.
  const nginx = await startNginx();
  try {
    const created = await api.request(gw, 'POST', '/api/streams/meta2sei/egress', {
      body: JSON.stringify({ url: nginx.rtmpUrl('lyrics') }), contentType: 'application/json',
    });
    assert.equal(created.status, 201, created.text);
    await new Promise((r) => setTimeout(r, 1500));
    const atNginx = (await seiMessages(nginx.rtmpUrl('lyrics'), 5)).filter((s) => s.uuid === '7c1e5b42930d4e61a82f6b3c91d405e7');
    figure('SEI lines read from nginx-rtmp', atNginx.map((s) => s.text));
    assert.ok(atNginx.length >= 2, `only ${atNginx.length} SEI lines came through nginx-rtmp`);
    for (const s of atNginx) assert.match(s.text, /^line \d+$/);
  } finally {
    await pub.evaluate(() => clearInterval(window.__e2e.lines));
    await nginx.stop();
  }
}, { gateway: { rtmp: true, extraArgs: ['--config', seiConfig] } });
