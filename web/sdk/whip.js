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
    pc.addEventListener('track', (ev) => this.stream.addTrack(ev.track));
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

// Sends the offer of `pc` to `url` and applies the answer; returns the Session.
async function negotiate(pc, url, token, layer) {
  await pc.setLocalDescription(await pc.createOffer());
  await waitForGathering(pc, GATHER_TIMEOUT_MS);
  const headers = authHeaders(token);
  const target = new URL(url, location.href);
  if (layer) target.searchParams.set('layer', layer);
  const res = await fetch(target, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/sdp' },
    body: pc.localDescription.sdp,
  });
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
  const session = new Session(pc, new URL(where, target).href, res.headers.get('ETag'), headers);
  session.layer = layer ?? null;
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  return session;
}

// Publishes `mediaStream` (its first video and audio track) to the WHIP endpoint `url`.
// Options: simulcast (three layers l/m/h), token (Bearer), iceServers.
export async function publish(url, mediaStream, { simulcast = false, token, iceServers = [] } = {}) {
  const pc = new RTCPeerConnection({ iceServers, bundlePolicy: 'max-bundle' });
  const video = mediaStream.getVideoTracks()[0];
  const audio = mediaStream.getAudioTracks()[0];
  if (video) {
    const init = { direction: 'sendonly', streams: [mediaStream] };
    if (simulcast) init.sendEncodings = SIMULCAST_ENCODINGS.map((e) => ({ ...e }));
    pc.addTransceiver(video, init);
  }
  if (audio) pc.addTransceiver(audio, { direction: 'sendonly', streams: [mediaStream] });
  return negotiate(pc, url, token, null);
}

// Plays the stream at the WHEP endpoint `url`; the returned Session's `stream` gets the tracks.
// Options: layer ('h', 'm' or 'l' for simulcast streams), token (Bearer), iceServers.
export async function play(url, { layer, token, iceServers = [] } = {}) {
  const pc = new RTCPeerConnection({ iceServers, bundlePolicy: 'max-bundle' });
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  return negotiate(pc, url, token, layer);
}
