// turn_raw.mjs: a minimal hand-written TURN client (RFC 8656 over UDP, or TLS) for probing
// the built-in TURN server from node: Allocate with the long-term credential mechanism, and
// CreatePermission; enough to check refusals (401, 403) without a browser.
import { connect as tlsConnect } from 'node:tls';
import { createSocket } from 'node:dgram';
import { createHash, createHmac, randomBytes } from 'node:crypto';

const COOKIE = 0x2112a442;
export const METHOD = { allocate: 0x003, refresh: 0x004, createPermission: 0x008 };
const ATTR = { username: 0x0006, integrity: 0x0008, errorCode: 0x0009, xorPeer: 0x0012, realm: 0x0014,
  nonce: 0x0015, xorRelayed: 0x0016, transport: 0x0019, lifetime: 0x000d };

// A REST API credential (username "expiry:user", password base64(HMAC-SHA1(secret, username))).
export function restCredential(secret, user, expiresUnixS) {
  const username = `${expiresUnixS}:${user}`;
  return { username, password: createHmac('sha1', secret).update(username).digest('base64') };
}

function attr(type, value) {
  const pad = (4 - (value.length % 4)) % 4;
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value, Buffer.alloc(pad)]);
}

function xorAddress(ip, port) {
  const v = Buffer.alloc(8);
  v[1] = 0x01;
  v.writeUInt16BE(port ^ (COOKIE >>> 16), 2);
  const n = ip.split('.').reduce((a, b) => (a << 8) | Number(b), 0) >>> 0;
  v.writeUInt32BE((n ^ COOKIE) >>> 0, 4);
  return v;
}

// A request of `method` with `attrs` ([type, Buffer]); signed when `auth` = {username, password, realm, nonce}.
function request(method, attrs, auth) {
  const tid = randomBytes(12);
  let body = Buffer.concat(attrs.map(([t, v]) => attr(t, v)));
  if (auth) {
    body = Buffer.concat([body, attr(ATTR.username, Buffer.from(auth.username)), attr(ATTR.realm, Buffer.from(auth.realm)),
      attr(ATTR.nonce, Buffer.from(auth.nonce))]);
  }
  const header = Buffer.alloc(20);
  header.writeUInt16BE(method, 0);
  header.writeUInt32BE(COOKIE, 4);
  tid.copy(header, 8);
  if (!auth) {
    header.writeUInt16BE(body.length, 2);
    return Buffer.concat([header, body]);
  }
  header.writeUInt16BE(body.length + 24, 2);  // MESSAGE-INTEGRITY counts (RFC 8489 §14.5)
  const key = createHash('md5').update(`${auth.username}:${auth.realm}:${auth.password}`).digest();
  const mac = createHmac('sha1', key).update(Buffer.concat([header, body])).digest();
  return Buffer.concat([header, body, attr(ATTR.integrity, mac)]);
}

function parse(msg) {
  const out = { type: msg.readUInt16BE(0), attrs: new Map() };
  for (let p = 20; p + 4 <= msg.length;) {
    const t = msg.readUInt16BE(p);
    const len = msg.readUInt16BE(p + 2);
    out.attrs.set(t, msg.subarray(p + 4, p + 4 + len));
    p += 4 + len + ((4 - (len % 4)) % 4);
  }
  const err = out.attrs.get(ATTR.errorCode);
  out.error = err ? (err[2] & 7) * 100 + err[3] : 0;
  out.reason = err ? err.subarray(4).toString() : '';
  out.nonce = out.attrs.get(ATTR.nonce)?.toString();
  out.realm = out.attrs.get(ATTR.realm)?.toString();
  const relayed = out.attrs.get(ATTR.xorRelayed);
  if (relayed) {
    const port = relayed.readUInt16BE(2) ^ (COOKIE >>> 16);
    const n = (relayed.readUInt32BE(4) ^ COOKIE) >>> 0;
    out.relayed = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}:${port}`;
  }
  return out;
}

// One UDP 5-tuple to the TURN server at 127.0.0.1:`port`, with a credential.
export class RawTurnClient {
  constructor(port, credential) {
    this.port = port;
    this.credential = credential;
    this.socket = createSocket('udp4');
    this.realm = null;
    this.nonce = null;
  }

  async exchange(bytes, timeoutMs = 2000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.socket.off('message', onMessage);
        reject(new Error(`no TURN answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (msg) => {
        clearTimeout(timer);
        this.socket.off('message', onMessage);
        resolve(parse(msg));
      };
      this.socket.on('message', onMessage);
      this.socket.send(bytes, this.port, '127.0.0.1');
    });
  }

  // Sends `method` unsigned first when no nonce is known (learning realm and nonce from the
  // 401), then signed; returns the parsed answer of the signed request.
  async call(method, attrs = []) {
    if (!this.nonce) {
      const challenge = await this.exchange(request(method, attrs, null));
      if (challenge.error !== 401 || !challenge.nonce) throw new Error(`expected a 401 challenge, got ${challenge.error}`);
      this.realm = challenge.realm;
      this.nonce = challenge.nonce;
    }
    const answer = await this.exchange(request(method, attrs, { ...this.credential, realm: this.realm, nonce: this.nonce }));
    if (answer.nonce) this.nonce = answer.nonce;
    return answer;
  }

  allocate() {
    return this.call(METHOD.allocate, [[ATTR.transport, Buffer.from([17, 0, 0, 0])]]);
  }

  createPermission(ip, port) {
    return this.call(METHOD.createPermission, [[ATTR.xorPeer, xorAddress(ip, port)]]);
  }

  close() {
    this.socket.close();
  }
}

// The same client over TLS (TURN over TLS, RFC 8656 §3.1): `options` are node:tls connect
// options (host, port, servername, ALPNProtocols...); messages are framed by their length.
export class RawTurnTlsClient extends RawTurnClient {
  constructor(options, credential) {
    super(options.port, credential);
    this.socket.close();  // the UDP socket of the base class is not used
    this.options = { host: '127.0.0.1', rejectUnauthorized: false, ...options };
    this.tls = null;
  }

  async connect() {
    this.tls = await new Promise((resolve, reject) => {
      const s = tlsConnect(this.options, () => resolve(s));
      s.once('error', reject);
    });
    this.buffered = Buffer.alloc(0);
    this.tls.on('data', (d) => { this.buffered = Buffer.concat([this.buffered, d]); this.emitFrames(); });
    return this.tls;
  }

  emitFrames() {
    while (this.buffered.length >= 20) {
      const length = 20 + this.buffered.readUInt16BE(2);
      if (this.buffered.length < length) return;
      const frame = this.buffered.subarray(0, length);
      this.buffered = this.buffered.subarray(length);
      this.waiter?.(frame);
    }
  }

  async exchange(bytes, timeoutMs = 2000) {
    if (!this.tls) await this.connect();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no TURN answer over TLS within ${timeoutMs} ms`)), timeoutMs);
      this.waiter = (frame) => { clearTimeout(timer); this.waiter = null; resolve(parse(frame)); };
      this.tls.write(bytes);
    });
  }

  close() {
    this.tls?.destroy();
  }
}
