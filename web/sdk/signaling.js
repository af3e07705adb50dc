// signaling.js: the room WebSocket (docs/ROOMS.md "Messages"): one JSON object per text frame,
// request ids (`rid`) to match a refusal to the message that caused it, a ping every 10 s so a dead
// path is noticed well inside the server's reconnect grace, and a backoff helper for reconnecting.
import { EventEmitter } from './events.js';

// A frame larger than this makes the server close the socket (1009), so it is refused here instead.
export const MAX_FRAME_BYTES = 64 * 1024;
export const PING_INTERVAL_MS = 10_000;
// No frame at all this long after a ping means the path is dead, even if TCP has not noticed yet.
const PONG_TIMEOUT_MS = 5_000;
const OPEN_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 10_000;

// An error with a protocol code: the server's `error.code` (ROOMS.md "Errors") or a local one:
// closed, timeout, too_big, not_connected, not_published, invalid, disconnected.
export class RoomError extends Error {
  constructor(code, message, rid) {
    super(message || code);
    this.name = 'RoomError';
    this.code = code;
    if (rid !== undefined) this.rid = rid;
  }
}

// The rooms endpoint for `url`: nothing → this page's host; http(s):// → the matching ws(s)://;
// a URL without a path gets /rooms/ws.
export function roomsUrl(url) {
  const base = typeof location === 'undefined' ? 'http://localhost/' : location.href;
  const target = new URL(url ?? '/rooms/ws', base);
  if (target.protocol === 'http:') target.protocol = 'ws:';
  else if (target.protocol === 'https:') target.protocol = 'wss:';
  if (target.pathname === '/' || target.pathname === '') target.pathname = '/rooms/ws';
  return target.href;
}

// Delay before reconnect attempt `attempt` (0-based): exponential from `baseMs` to `maxMs`, with
// jitter so that a room full of clients cut off at once does not come back in lockstep.
export function backoffDelay(attempt, { baseMs = 500, maxMs = 5_000 } = {}) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

// A try needs a moment to reach the server, so none starts closer than this to the deadline.
const LAST_TRY_MARGIN_MS = 250;

// Calls `attempt()` until it resolves, waiting backoffDelay() between tries, as long as the error is
// `retryable(err)`, `shouldStop()` is false and there is time left before `deadline` (ms since the
// epoch). Otherwise rejects with the last error (RoomError 'timeout' if time ran out).
export async function retryWithBackoff(attempt, { deadline, retryable = () => true, shouldStop = () => false } = {}) {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!retryable(err) || shouldStop()) throw err;
      let wait = backoffDelay(n);
      if (deadline !== undefined) {
        // The last try is made just before the deadline rather than skipped for a long backoff.
        const left = deadline - LAST_TRY_MARGIN_MS - Date.now();
        if (left <= 0) throw new RoomError('timeout', `gave up reconnecting: ${err.message}`);
        wait = Math.min(wait, left);
      }
      await new Promise((r) => setTimeout(r, wait));
      if (shouldStop()) throw err;
    }
  }
}

// The WebSocket of one participant. Events: 'message' (every server message not consumed as the
// reply to a request()), 'close' ({code, reason, expected}) once per socket.
export class SignalingChannel extends EventEmitter {
  #url;
  #ws = null;
  #nextRid = 1;
  #pending = new Map(); // rid → { expect, match, resolve, reject, timer }
  #pingTimer = null;
  #pongTimer = null;
  #failOpen = null; // rejects the open() in progress, if any

  constructor(url) {
    super();
    this.#url = roomsUrl(url);
  }

  get url() {
    return this.#url;
  }

  get connected() {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  // Opens a new socket (dropping the old one, if any, without a 'close' event).
  open() {
    this.#drop(null);
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.#url);
      this.#ws = ws;
      const timer = setTimeout(() => fail(new RoomError('timeout', `no WebSocket to ${this.#url}`)), OPEN_TIMEOUT_MS);
      const fail = (err) => {
        clearTimeout(timer);
        this.#failOpen = null;
        if (this.#ws === ws) this.#drop(null);
        reject(err);
      };
      this.#failOpen = fail;
      ws.onopen = () => {
        clearTimeout(timer);
        this.#failOpen = null;
        ws.onmessage = (ev) => this.#onFrame(ev.data);
        ws.onclose = (ev) => this.#drop({ code: ev.code, reason: ev.reason, expected: false });
        this.#startPing();
        resolve();
      };
      // Before 'open', both 'error' and 'close' mean the connection attempt failed.
      ws.onerror = () => fail(new RoomError('closed', `cannot connect to ${this.#url}`));
      ws.onclose = (ev) => fail(new RoomError('closed', `WebSocket closed (${ev.code}) while connecting`));
    });
  }

  // Sends `msg` (an object with `type`); returns its rid if it was given one. Throws RoomError
  // 'closed' when the socket is not open and 'too_big' past MAX_FRAME_BYTES.
  send(msg) {
    if (!this.connected) throw new RoomError('closed', `cannot send ${msg.type}: not connected`);
    const text = JSON.stringify(msg);
    // Worst case three UTF-8 bytes per UTF-16 unit; count exactly only when that could be too big.
    if (text.length * 3 > MAX_FRAME_BYTES && new TextEncoder().encode(text).length > MAX_FRAME_BYTES) {
      throw new RoomError('too_big', `${msg.type} message exceeds ${MAX_FRAME_BYTES} bytes`);
    }
    this.#ws.send(text);
    return msg.rid;
  }

  // Sends `msg` with a fresh rid and resolves with the next server message whose type is in
  // `expect` (and that `match` accepts, if given), or rejects with the RoomError of an `error`
  // carrying that rid, of a timeout or of the socket closing. The protocol's replies (`joined`,
  // `publishAnswer`) carry no rid, so equal replies are matched first come, first served: callers
  // keep one such request open at a time (per publisher connection for `publishAnswer`).
  request(msg, expect, { timeoutMs = REQUEST_TIMEOUT_MS, match = () => true } = {}) {
    const rid = this.newRid();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(rid);
        reject(new RoomError('timeout', `no ${expect.join('/')} in ${timeoutMs} ms`, rid));
      }, timeoutMs);
      this.#pending.set(rid, { expect, match, resolve, reject, timer });
      try {
        this.send({ ...msg, rid });
      } catch (err) {
        clearTimeout(timer);
        this.#pending.delete(rid);
        reject(err);
      }
    });
  }

  newRid() {
    return String(this.#nextRid++);
  }

  // Closes the socket on purpose: emits 'close' with expected: true and fails pending requests.
  close(code = 1000, reason = '') {
    this.#drop({ code, reason, expected: true });
  }

  #onFrame(data) {
    this.#alive();
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return; // not ours to fix; the server never sends non-JSON
    }
    if (!msg || typeof msg.type !== 'string') return;
    if (msg.type === 'pong') return;
    if (this.#settle(msg)) return;
    this.emit('message', msg);
  }

  // Hands `msg` to the request it answers, if any; returns whether it did.
  #settle(msg) {
    if (msg.type === 'error') {
      const entry = msg.rid !== undefined && this.#pending.get(msg.rid);
      if (!entry) return false;
      this.#finish(msg.rid);
      entry.reject(new RoomError(msg.code, msg.message, msg.rid));
      return true;
    }
    for (const [rid, entry] of this.#pending) {
      if (entry.expect.includes(msg.type) && entry.match(msg)) {
        this.#finish(rid);
        entry.resolve(msg);
        return true;
      }
    }
    return false;
  }

  #finish(rid) {
    clearTimeout(this.#pending.get(rid)?.timer);
    this.#pending.delete(rid);
  }

  #startPing() {
    this.#pingTimer = setInterval(() => {
      try {
        this.send({ type: 'ping' });
      } catch {
        return;
      }
      if (this.#pongTimer === null) {
        this.#pongTimer = setTimeout(() => this.#drop({ code: 4000, reason: 'ping timeout', expected: false }), PONG_TIMEOUT_MS);
      }
    }, PING_INTERVAL_MS);
  }

  // Any frame proves the path works, not only `pong`.
  #alive() {
    clearTimeout(this.#pongTimer);
    this.#pongTimer = null;
  }

  // Forgets the current socket: stops the ping, fails every pending request with 'closed', closes
  // the socket and, when `closeInfo` is given, emits 'close'. The event is emitted here rather than
  // from the socket's own close event because a dead TCP path can take minutes to report it.
  #drop(closeInfo) {
    const ws = this.#ws;
    if (!ws) return;
    this.#ws = null;
    // close() while connecting: the open() waiting for this socket fails instead of hanging.
    this.#failOpen?.(new RoomError('closed', 'closed while connecting'));
    clearInterval(this.#pingTimer);
    this.#alive();
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) {
      try {
        ws.close(closeInfo?.expected ? closeInfo.code : 1000, closeInfo?.expected ? closeInfo.reason : '');
      } catch {
        ws.close();
      }
    }
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const entry of pending) {
      clearTimeout(entry.timer);
      entry.reject(new RoomError('closed', 'the WebSocket closed'));
    }
    if (closeInfo) this.emit('close', closeInfo);
  }
}
