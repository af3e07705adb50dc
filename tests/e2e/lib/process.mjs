// process.mjs: a child process the tests start (ffmpeg, nginx), with its stderr kept for reports
// and a stop() that ends it by its pid: SIGTERM, then SIGKILL after a grace period. Processes
// still running when the test process exits are killed so none outlives its test.
import { spawn, spawnSync } from 'node:child_process';

const running = new Set();
process.on('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});

// Throws a clear error when `program` is not on PATH: a missing tool fails a test, never skips it.
export function requireProgram(program) {
  const r = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${program} not found on PATH (run scripts/install-deps.sh)`);
  return r.stdout.trim();
}

// One started program: its pid, exit code once known, and the tail of its stderr.
export class ManagedProcess {
  // Spawns `program args`; `onStdoutLine(line)` sees stdout line by line unless stdout is raw
  // (`rawStdout: true` leaves proc.stdout to the caller).
  constructor(label, program, args, { onStdoutLine, onStderrLine, rawStdout = false, stdin = 'ignore', cwd } = {}) {
    this.label = label;
    this.program = program;
    this.args = args;
    this.stderrLines = [];
    this.exitCode = null;
    this.proc = spawn(program, args, { cwd, stdio: [stdin, 'pipe', 'pipe'] });
    this.pid = this.proc.pid;
    if (this.pid !== undefined) running.add(this.pid);
    this.exited = new Promise((resolve) => {
      const done = (code) => {
        if (this.pid !== undefined) running.delete(this.pid);
        if (this.exitCode === null) this.exitCode = code;
        resolve(this.exitCode);
      };
      this.proc.once('error', (err) => {
        this.stderrLines.push(`spawn failed: ${err.message}`);
        done(`spawn error ${err.code ?? err.message}`);
      });
      this.proc.once('exit', (code, signal) => done(code ?? signal));
    });
    splitLines(this.proc.stderr, (line) => {
      onStderrLine?.(line);
      this.stderrLines.push(line);
      if (this.stderrLines.length > 5000) this.stderrLines.splice(0, 1000);
    });
    if (!rawStdout) splitLines(this.proc.stdout, onStdoutLine ?? (() => {}));
  }

  get running() {
    return this.exitCode === null;
  }

  stderrTail(lines = 20) {
    return this.stderrLines.slice(-lines).join('\n');
  }

  // Resolves with the exit code, or with undefined if still running after `ms`.
  async waitExit(ms) {
    let timer;
    const timeout = new Promise((r) => (timer = setTimeout(r, ms)));
    try {
      return await Promise.race([this.exited, timeout.then(() => undefined)]);
    } finally {
      clearTimeout(timer);
    }
  }

  // SIGTERM (or `signal`), then SIGKILL if it has not exited within `graceMs`. Safe to call twice.
  async stop({ graceMs = 3000, signal = 'SIGTERM' } = {}) {
    if (this.exitCode !== null || this.pid === undefined) return this.exitCode;
    try {
      process.kill(this.pid, signal);
    } catch {
      return this.exited;
    }
    if ((await this.waitExit(graceMs)) === undefined) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {}
    }
    return this.exited;
  }
}

// Calls `onLine` for every complete line of a readable stream.
export function splitLines(stream, onLine) {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    rest += chunk;
    const parts = rest.split(/\r?\n|\r/);
    rest = parts.pop();
    for (const p of parts) onLine(p);
  });
  stream.on('end', () => rest && onLine(rest));
}

// Stops every process given (nulls skipped), in parallel; for `finally` blocks.
export async function stopAll(...procs) {
  await Promise.all(procs.flat().filter(Boolean).map((p) => p.stop()));
}
