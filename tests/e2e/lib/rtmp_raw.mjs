// rtmp_raw.mjs: a deliberately minimal RTMP client over node:net for abuse tests: the simple
// handshake (C0/C1/C2, Adobe RTMP spec 1.0 §5.2), AMF0 commands (connect, createStream, play,
// publish) in type-0 chunks, raw FLV tags, garbage, and a socket that stops reading. It never
// parses what the server says beyond counting bytes: tests judge the server by what it does.
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const HANDSHAKE_SIZE = 1536;
const CHUNK_SIZE = 4096;  // announced with Set Chunk Size right after the handshake

// AMF0 encoding (AMF0 spec §2) of numbers, booleans, strings, null and plain objects.
export function amf0(value) {
  if (value === null || value === undefined) return Buffer.from([0x05]);
  if (typeof value === 'number') {
    const b = Buffer.alloc(9);
    b[0] = 0x00;
    b.writeDoubleBE(value, 1);
    return b;
  }
  if (typeof value === 'boolean') return Buffer.from([0x01, value ? 1 : 0]);
  if (typeof value === 'string') return Buffer.concat([Buffer.from([0x02]), shortString(value)]);
  const parts = [Buffer.from([0x03])];
  for (const [k, v] of Object.entries(value)) parts.push(shortString(k), amf0(v));
  parts.push(Buffer.from([0x00, 0x00, 0x09]));
  return Buffer.concat(parts);
}

function shortString(s) {
  const bytes = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

// One message as chunks (§5.3.1): a type-0 header on chunk stream `csid` (2..63), then type-3
// continuations every CHUNK_SIZE bytes. `declaredLength` lets a test lie about the length.
export function chunked({ csid, type, streamId = 0, timestamp = 0, payload, declaredLength = payload.length }) {
  const header = Buffer.alloc(12);
  header[0] = csid & 0x3f;
  header.writeUIntBE(Math.min(timestamp, 0xffffff), 1, 3);
  header.writeUIntBE(declaredLength, 4, 3);
  header[7] = type;
  header.writeUInt32LE(streamId, 8);
  const parts = [header];
  for (let off = 0; off < payload.length; off += CHUNK_SIZE) {
    if (off > 0) parts.push(Buffer.from([0xc0 | (csid & 0x3f)]));
    parts.push(payload.subarray(off, off + CHUNK_SIZE));
  }
  return Buffer.concat(parts);
}

// A raw RTMP connection to 127.0.0.1:`port`.
export class RawRtmpClient {
  constructor(socket) {
    this.socket = socket;
    this.received = 0;
    this.inbox = [];
    this.closed = false;
    this.localPort = socket.localPort;
    this.closedPromise = new Promise((resolve) => socket.once('close', () => {
      this.closed = true;
      resolve();
    }));
    socket.on('error', (err) => (this.error = err.message));
    socket.on('data', (d) => {
      this.received += d.length;
      if (this.inbox.length < 64) this.inbox.push(d);
    });
  }

  static connect(port) {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => resolve(new RawRtmpClient(s)));
      s.once('error', reject);
    });
  }

  write(bytes) {
    if (!this.closed) this.socket.write(bytes);
  }

  // Resolves once `n` bytes in total were received; false on close or timeout.
  async waitReceived(n, timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    while (this.received < n) {
      if (this.closed || Date.now() > deadline) return false;
      await sleep(20);
    }
    return true;
  }

  // C0+C1, wait for S0+S1+S2, then C2 (a copy of S1, as simple clients send), then our Set
  // Chunk Size unless `setChunkSize` is false (so that whatever comes next is the first message).
  async handshake({ setChunkSize = true } = {}) {
    const c1 = Buffer.concat([Buffer.alloc(8), randomBytes(HANDSHAKE_SIZE - 8)]);
    this.write(Buffer.concat([Buffer.from([3]), c1]));
    if (!(await this.waitReceived(1 + 2 * HANDSHAKE_SIZE))) throw new Error(`no S0+S1+S2 from the server (got ${this.received} bytes${this.closed ? ', closed' : ''})`);
    const s = Buffer.concat(this.inbox);
    this.write(s.subarray(1, 1 + HANDSHAKE_SIZE));
    this.inbox = [];
    if (!setChunkSize) return;
    const size = Buffer.alloc(4);
    size.writeUInt32BE(CHUNK_SIZE);
    this.write(chunked({ csid: 2, type: 1, payload: size }));
  }

  command(values, streamId = 0, csid = 3) {
    this.write(chunked({ csid, type: 20, streamId, payload: Buffer.concat(values.map(amf0)) }));
  }

  // connect (txn 1) to `app`, then createStream (txn 2), each given `gapMs` for the answer.
  async connectApp(app, port, gapMs = 300) {
    this.command(['connect', 1, { app, type: 'nonprivate', flashVer: 'FMLE/3.0', tcUrl: `rtmp://127.0.0.1:${port}/${app}` }]);
    await sleep(gapMs);
    this.command(['createStream', 2, null]);
    await sleep(gapMs);
  }

  // play / publish on message stream 1 (the id the gateway's createStream hands out).
  play(key) {
    this.command(['play', 3, null, key], 1, 8);
  }

  publish(key) {
    this.command(['publish', 3, null, key, 'live'], 1, 8);
  }

  // One FLV video tag body (message type 9) on stream 1.
  video(payload, { timestamp = 0, declaredLength } = {}) {
    this.write(chunked({ csid: 6, type: 9, streamId: 1, timestamp, payload, declaredLength }));
  }

  pauseReading() {
    this.socket.pause();
  }

  resumeReading() {
    this.socket.resume();
  }

  end() {
    this.socket.end();
  }

  destroy() {
    this.socket.destroy();
  }

  // Resolves true once the connection is closed (by either side), false after `timeoutMs`.
  async waitClosed(timeoutMs) {
    let timer;
    const t = new Promise((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    const r = await Promise.race([this.closedPromise.then(() => true), t]);
    clearTimeout(timer);
    return r;
  }
}
