// mixes.mjs: what the mix tests share — the mix API, known sources for Chromium's fake capture
// (a solid colour and a tone), and ffmpeg readers that measure a mix's tones and tile colours.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from './api.mjs';
import { ManagedProcess } from './process.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const postMix = (gw, body) =>
  api.request(gw, 'POST', '/api/mixes', { body: JSON.stringify(body), contentType: 'application/json' });
export const patchMix = (gw, name, body) =>
  api.request(gw, 'PATCH', `/api/mixes/${name}`, { body: JSON.stringify(body), contentType: 'application/json' });

export async function waitForStreams(gw, names, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = (await api.streams(gw)).map((s) => s.name ?? s.stream);
    if (names.every((n) => live.includes(n))) return live;
    if (Date.now() > deadline) throw new Error(`streams ${names} not all live: ${live}`);
    await sleep(200);
  }
}

// Chromium launch arguments that make the fake camera a solid `colour` (an ffmpeg colour name)
// and the fake microphone a sine at `hz`; the files are made once per machine.
export function solidSourceArgs(colour, hz, { width = 320, height = 240, fps = 15 } = {}) {
  const clip = join(tmpdir(), `rtcgate-e2e-solid-${colour}-${width}x${height}-${fps}.y4m`);
  if (!existsSync(clip)) {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=${colour}:s=${width}x${height}:r=${fps}`,
      '-t', '2', '-pix_fmt', 'yuv420p', clip + '.tmp.y4m']);
    execFileSync('mv', [clip + '.tmp.y4m', clip]);
  }
  const wav = join(tmpdir(), `rtcgate-e2e-tone-${hz}.wav`);
  if (!existsSync(wav)) {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${hz}:sample_rate=48000`,
      '-t', '10', '-ac', '1', '-c:a', 'pcm_s16le', wav + '.tmp.wav']);
    execFileSync('mv', [wav + '.tmp.wav', wav]);
  }
  return [`--use-file-for-fake-video-capture=${clip}`, `--use-file-for-fake-audio-capture=${wav}`];
}

// `seconds` of `url` read by ffmpeg: the audio as mono 48 kHz samples (floats) and, with
// `video`, the last picture scaled to `width` x `height` RGB bytes.
export async function readMix(url, seconds, { video = false, width = 64, height = 36 } = {}) {
  const chunks = [];
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'warning', '-rw_timeout', '10000000', '-i', url,
    '-t', String(seconds), '-map', '0:a', '-ac', '1', '-ar', '48000', '-f', 's16le', 'pipe:1'];
  const picture = join(tmpdir(), `rtcgate-e2e-mix-${process.pid}-${Date.now()}.rgb`);
  if (video) args.push('-map', '0:v', '-vf', `scale=${width}:${height}`, '-update', '1', '-pix_fmt', 'rgb24',
    '-f', 'image2', '-c:v', 'rawvideo', '-y', picture);
  const p = new ManagedProcess(`ffmpeg mix reader ${url}`, 'ffmpeg', args, { rawStdout: true });
  p.proc.stdout.on('data', (d) => chunks.push(d));
  const code = await p.waitExit((seconds + 20) * 1000);
  if (code === undefined) await p.stop();
  const pcm = Buffer.concat(chunks);
  const samples = new Float32Array(Math.floor(pcm.length / 2));
  for (let i = 0; i < samples.length; ++i) samples[i] = pcm.readInt16LE(i * 2) / 32768;
  let rgb = null;
  if (video && existsSync(picture)) {
    const { readFileSync, rmSync } = await import('node:fs');
    rgb = readFileSync(picture);
    rmSync(picture, { force: true });
  }
  return { code, samples, stderr: p.stderrTail(10), rgb, width, height };
}

// The [r, g, b] at fractions (fx, fy) of a picture readMix returned, averaged over 3x3 pixels.
export function colourAt({ rgb, width, height }, fx, fy) {
  const cx = Math.round(fx * (width - 1));
  const cy = Math.round(fy * (height - 1));
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = cy - 1; y <= cy + 1; ++y)
    for (let x = cx - 1; x <= cx + 1; ++x) {
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; ++c) sum[c] += rgb[i + c];
      ++n;
    }
  return sum.map((v) => Math.round(v / n));
}

// The amplitude of `hz` in `samples` (one DFT bin over the last second).
export function toneLevel(samples, hz) {
  const n = Math.min(samples.length, 48000);
  let re = 0;
  let im = 0;
  for (let i = samples.length - n; i < samples.length; ++i) {
    const w = (2 * Math.PI * hz * i) / 48000;
    re += samples[i] * Math.cos(w);
    im += samples[i] * Math.sin(w);
  }
  return (2 * Math.hypot(re, im)) / n;
}

// The video packets of `url` over `seconds` as ffprobe reads them live: [{pts (s), atMs (when
// read)}], for gaps in a stream's output.
export function watchVideoPackets(url, seconds) {
  const packets = [];
  const p = new ManagedProcess(`ffprobe packet watcher ${url}`, 'ffprobe', ['-v', 'error', '-rw_timeout', '10000000',
    '-select_streams', 'v', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', '-read_intervals', `%+${seconds}`, url], {
    onStdoutLine: (line) => {
      const pts = Number(line.trim());
      if (Number.isFinite(pts)) packets.push({ pts, atMs: Date.now() });
    },
  });
  return { packets, done: p.waitExit((seconds + 20) * 1000).then(async (code) => (code === undefined ? p.stop() : code)) };
}

// The longest step between consecutive values.
export function longestStep(values) {
  let most = 0;
  for (let i = 1; i < values.length; ++i) most = Math.max(most, values[i] - values[i - 1]);
  return most;
}
