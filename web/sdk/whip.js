// whip.js: a small WHIP (RFC 9725) publisher and WHEP player on top of RTCPeerConnection.
// No dependencies; used by the demo page, by room.js (the simulcast layers and ICE gathering wait)
// and, through the one-line re-export web/whip-client.js, by the end-to-end tests.
//
//   const pub = await publish('/whip/cam1', mediaStream, { simulcast: true });
//   const player = await play('/whep/cam1', { layer: 'h' });
//   video.srcObject = player.stream;
//   await player.setLayer('l');   // PATCH on the session resource, switches live
//   await pub.stop();             // DELETE on the session resource

// Simulcast layers, lowest first, as rtcgate names them (rid = l/m/h).
export const SIMULCAST_ENCODINGS = Object.freeze([
  { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: 200_000 },
  { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: 700_000 },
  { rid: 'h', scaleResolutionDownBy: 1, maxBitrate: 2_500_000 },
]);

// How long to wait for local ICE candidates before sending the offer anyway. rtcgate is ICE-lite
// and puts its own host candidate in the answer, so an offer without candidates still connects;
// on loopback gathering completes in a few milliseconds.
export const GATHER_TIMEOUT_MS = 1000;

// An error carrying the HTTP status and the server's text reason.
export class WhipError extends Error {
  constructor(status, reason) {
    super(`HTTP ${status}${reason ? `: ${reason}` : ''}`);
    this.name = 'WhipError';
    this.status = status;
    this.reason = reason;
  }
}

// One WHIP or WHEP session: the peer connection and the session resource on the server.
export class Session {
  constructor(pc, resourceUrl, etag, headers) {
    this.pc = pc;
    this.resourceUrl = resourceUrl; // absolute URL from the Location header
    this.etag = etag;
    this.headers = headers;         // auth headers reused for PATCH and DELETE
    this.stream = new MediaStream(); // remote tracks (players only)
    this.layer = null;
    this.closed = false;
    // Data channels by label (ours, and those the server opens), and the callback of their
    // messages: ondata(label, data) with a string or an ArrayBuffer.
    this.channels = new Map();
    this.ondata = null;
    // Timed metadata: onmetadata(data, { rtpTimestamp, mediaTime }) when the frame it
    // belongs to is shown (see showMetadataWith), not when it arrives.
    this.onmetadata = null;
    this.metadataQueue = [];
    pc.addEventListener('track', (ev) => this.stream.addTrack(ev.track));
    pc.addEventListener('datachannel', (ev) => this.addChannel(ev.channel));
  }

  addChannel(channel) {
    channel.binaryType = 'arraybuffer';
    this.channels.set(channel.label, channel);
    channel.addEventListener('message', (ev) => {
      if (channel.label === 'metadata' && typeof ev.data === 'string') this.queueMetadata(ev.data);
      this.ondata?.(channel.label, ev.data);
    });
  }

  queueMetadata(text) {
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof m?.rtpTimestamp !== 'number') return;
    // Held back for the frame of its timestamp (bounded: a page that shows no video does
    // not hoard them).
    this.metadataQueue.push(m);
    if (this.metadataQueue.length > 1000) this.metadataQueue.shift();
    if (!this.metadataVideo) this.flushMetadata(m.rtpTimestamp, {});
  }

  // Raises each held metadata message whose RTP timestamp the shown frame has reached
  // (32-bit wrap-around compare).
  flushMetadata(rtpTimestamp, frame) {
    while (this.metadataQueue.length && ((rtpTimestamp - this.metadataQueue[0].rtpTimestamp) | 0) >= 0) {
      const m = this.metadataQueue.shift();
      this.onmetadata?.(m.data, { rtpTimestamp: m.rtpTimestamp, mediaTime: frame.mediaTime, frame });
    }
  }

  // Times the 'metadata' channel's messages to `video` (showing this session's stream):
  // each is raised when the frame with its RTP timestamp is presented
  // (requestVideoFrameCallback's rtpTimestamp), so lyrics or captions change with the
  // picture and the voice. Without a video element they are raised as they arrive.
  showMetadataWith(video) {
    this.metadataVideo = video;
    if (!video.requestVideoFrameCallback) return;
    const onFrame = (now, frame) => {
      if (this.closed || this.metadataVideo !== video) return;
      if (typeof frame.rtpTimestamp === 'number') this.flushMetadata(frame.rtpTimestamp, frame);
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }

  // Sends `data` (a string, ArrayBuffer or typed array) on the channel labelled `label`.
  send(label, data) {
    const channel = this.channels.get(label);
    if (!channel || channel.readyState !== 'open') throw new Error(`data channel '${label}' is not open`);
    channel.send(data);
  }

  // Asks the server to forward another simulcast layer ('h', 'm' or 'l'); WHEP sessions only.
  async setLayer(layer) {
    const res = await fetch(this.resourceUrl, {
      method: 'PATCH',
      headers: { ...this.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ layer }),
    });
    if (!res.ok) throw new WhipError(res.status, await res.text());
    this.layer = layer;
  }

  // Ends the session on the server (DELETE) and closes the peer connection. Idempotent.
  async stop() {
    if (this.closed) return;
    this.closed = true;
    try {
      await fetch(this.resourceUrl, { method: 'DELETE', headers: this.headers });
    } finally {
      for (const t of this.pc.getSenders()) t.track?.stop();
      this.pc.close();
    }
  }
}

function authHeaders(token) {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

// The `rel="ice-server"` entries of a Link header value (RFC 9725 §4.6, RFC 8288) as
// RTCIceServer objects; several Link headers arrive joined by ", ".
export function parseIceServerLinks(value) {
  const servers = [];
  let i = 0;
  const text = value ?? '';
  while (i < text.length) {
    const open = text.indexOf('<', i);
    if (open < 0) break;
    const close = text.indexOf('>', open);
    if (close < 0) break;
    const entry = { url: text.slice(open + 1, close), params: {} };
    i = close + 1;
    // ; name=value or ; name="quoted, value" up to the ',' that ends the entry
    while (i < text.length && text[i] !== ',') {
      const m = /^\s*;\s*([A-Za-z0-9!#$&+.^_`|~-]+)\s*(?:=\s*)?/.exec(text.slice(i));
      if (!m) { i += 1; continue; }
      i += m[0].length;
      let v = '';
      if (text[i] === '"') {
        for (i += 1; i < text.length && text[i] !== '"'; i += 1) v += text[i] === '\\' ? text[++i] : text[i];
        i += 1;
      } else {
        while (i < text.length && !/[;,\s]/.test(text[i])) v += text[i++];
      }
      entry.params[m[1].toLowerCase()] = v;
      while (i < text.length && /\s/.test(text[i])) i += 1;
    }
    i += 1;
    if (entry.params.rel !== 'ice-server') continue;
    const server = { urls: entry.url };
    if (entry.params.username !== undefined) server.username = entry.params.username;
    if (entry.params.credential !== undefined) server.credential = entry.params.credential;
    servers.push(server);
  }
  return servers;
}

// Asks the WHIP/WHEP endpoint `url` (OPTIONS) for the ICE servers it offers: its STUN/TURN
// URLs and the built-in TURN server with fresh credentials.
export async function fetchIceServers(url, { token } = {}) {
  const res = await fetch(new URL(url, location.href), { method: 'OPTIONS', headers: authHeaders(token) });
  if (!res.ok) throw new WhipError(res.status, await res.text());
  return parseIceServerLinks(res.headers.get('Link'));
}

// The RTCPeerConnection configuration of publish() and play().
async function peerConfig(url, { token, iceServers = [], askIceServers = false, iceTransportPolicy = 'all' }) {
  const servers = askIceServers ? [...iceServers, ...(await fetchIceServers(url, { token }))] : iceServers;
  return { iceServers: servers, iceTransportPolicy, bundlePolicy: 'max-bundle' };
}

// Resolves when `pc` has gathered its ICE candidates or after `timeoutMs`, whichever comes first.
export function waitForGathering(pc, timeoutMs = GATHER_TIMEOUT_MS) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onChange);
      resolve();
    }
    function onChange() {
      if (pc.iceGatheringState === 'complete') done();
    }
    pc.addEventListener('icegatheringstatechange', onChange);
  });
}

// Creates the data channels asked for before the offer: labels, or { label, ordered,
// maxRetransmits, maxPacketLifeTime }. A publisher's messages reach every player of its
// stream that has data channels, on the channel of the same label (opened by the server
// when the player has none: it arrives as a 'datachannel').
function createChannels(pc, channels = []) {
  return channels.map((c) => {
    const { label, ...init } = typeof c === 'string' ? { label: c } : c;
    return pc.createDataChannel(label, init);
  });
}

// Sends the offer of `pc` to `url` and applies the answer; returns the Session.
async function negotiate(pc, url, token, layer, channels = []) {
  await pc.setLocalDescription(await pc.createOffer());
  await waitForGathering(pc, GATHER_TIMEOUT_MS);
  const headers = authHeaders(token);
  const target = new URL(url, location.href);
  if (layer) target.searchParams.set('layer', layer);
  const post = (to) => fetch(to, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/sdp' },
    body: pc.localDescription.sdp,
  });
  let res = await post(target);
  // A cluster node may send the session to another node (307, RFC 9725 §4.5). Browsers drop
  // the Authorization header on a redirect to another origin: ask the node it came to again.
  if (res.redirected && token && (res.status === 401 || res.status === 403)) res = await post(res.url);
  if (res.status !== 201) {
    pc.close();
    throw new WhipError(res.status, await res.text());
  }
  const answer = await res.text();
  const where = res.headers.get('Location');
  if (!where) {
    pc.close();
    throw new WhipError(res.status, 'answer without a Location header');
  }
  // Relative to the node that answered, which is not the one asked after a redirect.
  const session = new Session(pc, new URL(where, res.url || target).href, res.headers.get('ETag'), headers);
  session.layer = layer ?? null;
  for (const c of channels) session.addChannel(c);
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  return session;
}

// Publishes `mediaStream` (its first video and audio track) to the WHIP endpoint `url`.
// Options: simulcast (three layers l/m/h), token (Bearer), iceServers, askIceServers (add the
// server's own from an OPTIONS request: its TURN server), iceTransportPolicy ('relay': TURN only),
// dataChannels (see createChannels).
export async function publish(url, mediaStream, { simulcast = false, token, dataChannels, ...ice } = {}) {
  const pc = new RTCPeerConnection(await peerConfig(url, { token, ...ice }));
  const video = mediaStream.getVideoTracks()[0];
  const audio = mediaStream.getAudioTracks()[0];
  if (video) {
    const init = { direction: 'sendonly', streams: [mediaStream] };
    if (simulcast) init.sendEncodings = SIMULCAST_ENCODINGS.map((e) => ({ ...e }));
    pc.addTransceiver(video, init);
  }
  if (audio) pc.addTransceiver(audio, { direction: 'sendonly', streams: [mediaStream] });
  const channels = createChannels(pc, dataChannels);
  return negotiate(pc, url, token, null, channels);
}

// Plays the stream at the WHEP endpoint `url`; the returned Session's `stream` gets the tracks.
// Options: layer ('h', 'm' or 'l' for simulcast streams), token (Bearer), and the ICE options
// of publish(), and dataChannels (see createChannels).
export async function play(url, { layer, token, dataChannels, ...ice } = {}) {
  const pc = new RTCPeerConnection(await peerConfig(url, { token, ...ice }));
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  const channels = createChannels(pc, dataChannels);
  return negotiate(pc, url, token, layer, channels);
}
