// ffmpeg.mjs: ffmpeg as an RTMP publisher (testsrc2 + sine, x264 + AAC into FLV) that reports how
// many frames it sent, ffmpeg as an RTMP player that decodes for a while and reports frames and
// decode errors, and ffprobe as a stream checker. Every process is stopped by its pid.
import { ManagedProcess, requireProgram } from './process.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Stderr lines that mean something did not decode cleanly (demuxer or decoder complaints).
export const DECODE_ERROR_RE = /error|invalid|corrupt|concealing|missing|non-existing|damaged|truncat|illegal|overread|out of range/i;

// The ffmpeg input + encoder arguments of a publisher (see publishRtmp for the options).
export function publisherArgs({
  size = '640x360', rate = 30, profile = null, tune = null, gop = null, videoBitrate = null,
  noise = false, audio = true, audioRate = 48000, channels = 1, re = true, seconds = null,
  toneHz = 1000, extraArgs = [], lavfiVideo = null, lavfiAudio = null, extraInputs = [],
} = {}) {
  const reArg = re ? ['-re'] : [];
  const video = lavfiVideo ?? `testsrc2=size=${size}:rate=${rate}${noise ? ',noise=alls=20:allf=t+u' : ''}`;
  const args = [...reArg, '-f', 'lavfi', '-i', video];
  if (audio) args.push(...reArg, '-f', 'lavfi', '-i', lavfiAudio ?? `sine=frequency=${toneHz}:sample_rate=${audioRate}`);
  args.push(...extraInputs);  // more inputs (e.g. a subtitle file), mapped by extraArgs
  if (seconds !== null) args.push('-t', String(seconds));
  args.push('-c:v', 'libx264', '-pix_fmt', 'yuv420p');
  if (profile) args.push('-profile:v', profile);
  if (tune) args.push('-tune', tune);
  if (gop !== null) args.push('-g', String(gop));
  if (videoBitrate) args.push('-b:v', String(videoBitrate), '-maxrate', String(videoBitrate), '-bufsize', String(videoBitrate));
  if (audio) args.push('-c:a', 'aac', '-ar', String(audioRate), '-ac', String(channels), '-b:a', '128k');
  args.push(...extraArgs);
  return args;
}

// A running ffmpeg publisher. `framesSent` is the encoder's frame count from -progress, sampled
// every 250 ms together with the wall-clock time it was read.
export class RtmpPublisher {
  constructor(url, options) {
    requireProgram('ffmpeg');
    this.url = url;
    this.samples = [];  // [{atMs, frame}]
    this.progressEnded = false;
    let frame = 0;
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'warning', ...publisherArgs(options),
      '-f', 'flv', '-progress', 'pipe:1', '-stats_period', '0.25', '-nostats', url];
    this.process = new ManagedProcess(`ffmpeg publisher ${url}`, 'ffmpeg', args, {
      onStdoutLine: (line) => {
        const [k, v] = line.split('=');
        if (k === 'frame') frame = Number(v);
        if (k === 'progress') {
          this.samples.push({ atMs: Date.now(), frame });
          if (this.samples.length > 20000) this.samples.splice(0, 10000);
          if (v === 'end') this.progressEnded = true;
        }
      },
    });
    this.pid = this.process.pid;
  }

  get framesSent() {
    return this.samples.at(-1)?.frame ?? 0;
  }

  get running() {
    return this.process.running;
  }

  get exitCode() {
    return this.process.exitCode;
  }

  // The frame count at wall-clock time `ms`, interpolated between the two nearest samples.
  framesSentAt(ms) {
    const s = this.samples;
    if (!s.length || ms <= s[0].atMs) return s[0]?.frame ?? 0;
    for (let i = 1; i < s.length; ++i) {
      if (s[i].atMs >= ms) {
        const a = s[i - 1];
        const b = s[i];
        return a.frame + ((b.frame - a.frame) * (ms - a.atMs)) / Math.max(1, b.atMs - a.atMs);
      }
    }
    return s.at(-1).frame;
  }

  // Resolves once `n` frames were sent; throws (with ffmpeg's stderr) if it exits or times out.
  async waitFrames(n, timeoutMs = 15000) {
    const deadline = Date.now() + timeoutMs;
    while (this.framesSent < n) {
      if (!this.running) throw new Error(`${this.process.label} exited with ${this.exitCode} after ${this.framesSent} frames:\n${this.stderrTail()}`);
      if (Date.now() > deadline) throw new Error(`${this.process.label} sent ${this.framesSent} < ${n} frames within ${timeoutMs} ms:\n${this.stderrTail()}`);
      await sleep(100);
    }
    return this.framesSent;
  }

  stderrTail(lines = 20) {
    return this.process.stderrTail(lines);
  }

  waitExit(ms) {
    return this.process.waitExit(ms);
  }

  stop() {
    return this.process.stop();
  }
}

// Starts ffmpeg publishing testsrc2 (+ sine) to `url` as FLV over RTMP. Options: size ('WxH'),
// rate, profile ('baseline' for browsers; null keeps x264's High with B-frames), tune
// ('zerolatency'), gop (-g; null keeps the default), videoBitrate, noise (a noisy picture, for
// a high bitrate), audio, audioRate, channels, toneHz (the sine's frequency), re (-re: real
// time), seconds (-t), extraArgs.
export function publishRtmp(url, options = {}) {
  return new RtmpPublisher(url, options);
}

// Decodes `url` for `seconds` of media with ffmpeg into the null muxer. Resolves with
// {code, frames, errors (decode-error stderr lines), stderr (tail), wallSeconds}; a player
// that has not finished after seconds + `graceSeconds` is killed (code then says so).
export async function playRtmp(url, { seconds = 3, graceSeconds = 20, video = true, extraInputArgs = [] } = {}) {
  requireProgram('ffmpeg');
  let frame = 0;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'warning', '-rw_timeout', '10000000',
    ...extraInputArgs, '-i', url, '-t', String(seconds), ...(video ? [] : ['-vn']),
    // Decoded pictures keep the stream's own (millisecond) times: with the default time base of
    // 1/frame-rate, two frames of a variable-rate stream (a browser's capture) may round into one
    // tick and ffmpeg's null muxer reports that as "non monotonically increasing dts".
    '-enc_time_base:v', '-1',
    '-f', 'null', '-progress', 'pipe:1', '-nostats', '-'];
  const started = Date.now();
  const p = new ManagedProcess(`ffmpeg player ${url}`, 'ffmpeg', args, {
    onStdoutLine: (line) => {
      const [k, v] = line.split('=');
      if (k === 'frame') frame = Number(v);
    },
  });
  let code = await p.waitExit((seconds + graceSeconds) * 1000);
  if (code === undefined) {
    await p.stop();
    code = `killed after ${seconds + graceSeconds} s`;
  }
  const errors = p.stderrLines.filter((l) => DECODE_ERROR_RE.test(l));
  return { code, frames: frame, errors, stderr: p.stderrTail(30), wallSeconds: (Date.now() - started) / 1000 };
}

// ffprobe's view of `url`: {video: {codec_name, profile, width, height}, audio: {codec_name,
// sample_rate, channels}, streams}. Throws with ffprobe's stderr when it fails.
export async function probe(url, { timeoutSeconds = 20 } = {}) {
  requireProgram('ffprobe');
  const args = ['-v', 'error', '-rw_timeout', '10000000', '-show_entries',
    'stream=codec_type,codec_name,profile,width,height,sample_rate,channels', '-of', 'json', url];
  let out = '';
  const p = new ManagedProcess(`ffprobe ${url}`, 'ffprobe', args, { onStdoutLine: (l) => (out += l + '\n') });
  let code = await p.waitExit(timeoutSeconds * 1000);
  if (code === undefined) {
    await p.stop();
    code = `killed after ${timeoutSeconds} s`;
  }
  if (code !== 0) throw new Error(`ffprobe ${url} failed (${code}):\n${p.stderrTail()}`);
  const streams = JSON.parse(out).streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video') ?? null;
  const audio = streams.find((s) => s.codec_type === 'audio') ?? null;
  if (audio?.sample_rate) audio.sample_rate = Number(audio.sample_rate);
  return { video, audio, streams };
}
