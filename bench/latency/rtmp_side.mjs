// rtmp_side.mjs: the RTMP ends of a latency run. TimecodeSource renders gray frames carrying the
// wall-clock time into ffmpeg's stdin, which encodes x264 baseline with -tune zerolatency and
// publishes over RTMP. TimecodeReader plays an RTMP URL with ffmpeg's low-delay options, takes
// raw gray frames on its stdout and compares each frame's time code with Date.now().
import { ManagedProcess, requireProgram } from '../../tests/e2e/lib/process.mjs';
import { drawGrayFrame, decodeTimecode } from './timecode.mjs';

// Publishes `fps` frames a second of width x height to `url` until stopped.
export class TimecodeSource {
  constructor(url, { width = 640, height = 360, fps = 30, audio = false, profile = 'baseline' } = {}) {
    requireProgram('ffmpeg');
    this.width = width;
    this.height = height;
    this.fps = fps;
    this.framesWritten = 0;
    this.framesSkipped = 0;  // ffmpeg's stdin was full: the encoder fell behind
    // No -nostdin: stdin carries the frames.
    const args = ['-hide_banner', '-loglevel', 'warning',
      '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${width}x${height}`, '-framerate', String(fps),
      '-use_wallclock_as_timestamps', '1', '-i', 'pipe:0'];
    if (audio) args.push('-re', '-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=48000');
    args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', profile,
      '-g', String(fps), '-pix_fmt', 'yuv420p', '-b:v', '1500k');
    if (audio) args.push('-c:a', 'aac', '-b:a', '96k');
    args.push('-flvflags', 'no_duration_filesize', '-f', 'flv', url);
    this.process = new ManagedProcess(`ffmpeg time code source ${url}`, 'ffmpeg', args, { stdin: 'pipe' });
    this.process.proc.stdin.on('error', () => {});
    this.frame = Buffer.alloc(width * height);
    this.start = Date.now();
    this.timer = setInterval(() => this.tick(), 2);
  }

  // Writes every frame that is due (the schedule follows the wall clock, not the timer).
  tick() {
    const due = Math.floor(((Date.now() - this.start) * this.fps) / 1000);
    while (this.framesWritten + this.framesSkipped <= due) {
      const stdin = this.process.proc.stdin;
      if (!this.process.running || stdin.destroyed) return;
      if (stdin.writableLength > 4 * this.frame.length) {
        ++this.framesSkipped;
        continue;
      }
      drawGrayFrame(this.frame, this.width, this.height, Date.now(), this.framesWritten);
      stdin.write(Buffer.from(this.frame));
      ++this.framesWritten;
    }
  }

  get running() {
    return this.process.running;
  }

  stderrTail() {
    return this.process.stderrTail();
  }

  async stop() {
    clearInterval(this.timer);
    this.process.proc.stdin.end();
    return this.process.stop();
  }
}

// Reads `url` as raw gray frames scaled to width x height and records one latency per frame
// whose time code decodes (after `warmupMs`).
export class TimecodeReader {
  constructor(url, { width = 640, height = 360, warmupMs = 3000 } = {}) {
    requireProgram('ffmpeg');
    this.width = width;
    this.height = height;
    this.frameSize = width * height;
    this.latencies = [];
    this.rejected = 0;
    this.frames = 0;
    this.warmUntil = Date.now() + warmupMs;
    this.pending = [];
    this.pendingBytes = 0;
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'warning',
      '-fflags', 'nobuffer', '-flags', 'low_delay', '-probesize', '32', '-analyzeduration', '0',
      '-rw_timeout', '15000000', '-i', url, '-an', '-vf', `scale=${width}:${height}`,
      '-f', 'rawvideo', '-pix_fmt', 'gray', '-flush_packets', '1', '-'];
    this.process = new ManagedProcess(`ffmpeg time code reader ${url}`, 'ffmpeg', args, { rawStdout: true });
    this.process.proc.stdout.on('data', (chunk) => this.onData(chunk));
  }

  onData(chunk) {
    const now = Date.now();
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    while (this.pendingBytes >= this.frameSize) {
      const all = Buffer.concat(this.pending);
      this.onFrame(all.subarray(0, this.frameSize), now);
      const rest = all.subarray(this.frameSize);
      this.pending = rest.length ? [rest] : [];
      this.pendingBytes = rest.length;
    }
  }

  onFrame(frame, now) {
    ++this.frames;
    const w = this.width;
    const r = decodeTimecode((x, y) => frame[y * w + x], w, this.height);
    if (now < this.warmUntil) return;
    if (r.error || Math.abs(now - r.ms) > 60000) {
      ++this.rejected;
      return;
    }
    this.latencies.push(now - r.ms);
  }

  get running() {
    return this.process.running;
  }

  stderrTail() {
    return this.process.stderrTail();
  }

  stop() {
    return this.process.stop();
  }
}
