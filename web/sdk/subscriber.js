// subscriber.js: the receiving side of a room. The subscriber PeerConnection (ROOMS.md "The
// subscriber connection") is offered by the server whenever tracks come and go, and the client
// only answers; the offer's `tracks` list says which m-line carries which remote track. Also
// keeps what was asked of each track (`subscription`), partly by adaptive stream.
import { AdaptiveStream } from './adaptive.js';
import { waitForGathering, GATHER_TIMEOUT_MS } from './whip.js';

const SUBSCRIPTION_KEYS = ['subscribed', 'paused', 'layer', 'maxWidth', 'maxHeight'];

export class Subscriber {
  pc = null;
  mixedAudioTrack = null;  // our mixed audio, when we asked for it
  #config;
  #send;      // (msg) => boolean: sends a message if the socket is open
  #emit;      // the Room's emit
  #roster;
  #onPeerConnection;
  #data;      // RoomData, when the room carries our data channels
  #adaptive = null;
  #mids = new Map();  // mid → the offer's `tracks` entry (+ mediaStreamTrack) it carries now
  #byMid = new Map(); // mid → the RemoteTrack subscribed through it
  #chain = Promise.resolve();
  #closed = false;

  constructor({ iceServers = [], send, emit, roster, adaptiveStream, onPeerConnection, data = null }) {
    this.#config = { iceServers, bundlePolicy: 'max-bundle' };
    this.#data = data;
    this.#send = send;
    this.#emit = emit;
    this.#roster = roster;
    this.#onPeerConnection = onPeerConnection;
    if (adaptiveStream && typeof IntersectionObserver !== 'undefined' && typeof ResizeObserver !== 'undefined') {
      this.#adaptive = new AdaptiveStream((track, settings) => this.setSubscription(track, settings));
    }
  }

  // Answers the server `offer` message `msg`; offers are applied one at a time, in order.
  handleOffer(msg) {
    const run = this.#chain.then(() => this.#apply(msg));
    this.#chain = run.catch(() => {});
    return run;
  }

  // Merges `settings` into what is asked of `track` and tells the server. If the socket is down
  // the message is lost, and resendSubscriptions() repeats it after the reconnect.
  setSubscription(track, settings) {
    const msg = { type: 'subscription', track: track.id };
    for (const key of SUBSCRIPTION_KEYS) {
      if (settings[key] !== undefined) msg[key] = track.subscription[key] = settings[key];
    }
    this.#send(msg);
  }

  resendSubscriptions() {
    for (const p of this.#roster.remote.values()) {
      for (const t of p.tracks.values()) {
        if (Object.keys(t.subscription).length) this.#send({ type: 'subscription', track: t.id, ...t.subscription });
      }
    }
  }

  // Ends the subscription of `track` on our side: its elements are detached and, unless `silent`,
  // trackUnsubscribed is emitted with the MediaStreamTrack it had.
  unsubscribe(track, silent = false) {
    if (!track.subscribed) return;
    const mst = track.mediaStreamTrack;
    track.subscribed = false;
    if (this.#byMid.get(track.mid) === track) this.#byMid.delete(track.mid);
    track.mid = null;
    this.#adaptive?.forget(track);
    track.detach();
    track._setMediaStreamTrack(null);
    if (!silent) this.#emit('trackUnsubscribed', track, track.participant, mst);
  }

  // For good (the room was left): no events, nothing more is answered.
  close() {
    this.#closed = true;
    for (const track of this.#byMid.values()) this.unsubscribe(track, true);
    this.#adaptive?.dispose();
    this.pc?.close();
    this.pc = null;
    this.#data?.detach();
    this.#mids.clear();
  }

  async #apply(msg) {
    if (this.#closed) return;
    // A new DTLS identity means the server started a new connection (it lost our session): the
    // old PeerConnection would take the offer but never handshake again, so start over.
    const before = this.pc?.remoteDescription?.sdp;
    if (before && fingerprints(before) !== fingerprints(msg.sdp)) this.#restart();
    let sdp;
    try {
      sdp = await this.#answer(msg.sdp);
    } catch (err) {
      // An offer this connection cannot take: start over on a fresh one, once.
      console.warn(`subscriber offer ${msg.negotiation} refused: ${err.message}`);
      if (!this.pc || this.#closed) throw err;
      this.#restart();
      sdp = await this.#answer(msg.sdp);
    }
    if (this.#closed) return;
    this.#send({ type: 'answer', negotiation: msg.negotiation, sdp });
    this.#diff(Array.isArray(msg.tracks) ? msg.tracks : []);
  }

  // The answer carries our candidates (gathering waits at most GATHER_TIMEOUT_MS, and only once:
  // later answers find it complete). rtcgate is ICE-lite and would learn our address from our
  // checks anyway, but a full-ICE server could not reach us without them: the protocol has no trickle.
  async #answer(offerSdp) {
    if (!this.pc) {
      this.pc = new RTCPeerConnection(this.#config);
      this.#onPeerConnection?.(this.pc);
    }
    const pc = this.pc;
    await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    // The data channel section (first in every offer when we asked for data at join).
    if (this.#data && /^m=application /m.test(offerSdp)) this.#data.attach(pc);
    await pc.setLocalDescription(await pc.createAnswer());
    await waitForGathering(pc, GATHER_TIMEOUT_MS);
    return pc.localDescription.sdp;
  }

  #restart() {
    this.pc.close();
    this.pc = null;
    this.#data?.detach();
    for (const track of [...this.#byMid.values()]) this.unsubscribe(track);
    this.#mids.clear();
  }

  // Compares the m-lines that carry a track now with before. The offer's `tracks` list, not the
  // `track` event, is the truth here: the event fires only when an m-line's direction changes, not
  // when the server hands a live m-line to another track, and its receiver's MediaStreamTrack
  // object is the same for every remote track that m-line ever carries.
  #diff(tracks) {
    const next = new Map();
    const transceivers = this.pc ? this.pc.getTransceivers() : [];
    for (const t of tracks) {
      const tr = transceivers.find((x) => x.mid === t.mid);
      if (!tr || !receives(tr)) continue;
      next.set(t.mid, { ...t, mediaStreamTrack: tr.receiver.track });
    }
    const removed = [...this.#mids].filter(([mid, old]) => next.get(mid)?.track !== old.track);
    // Also an m-line whose track was unpublished and published again meanwhile (same id, a new
    // RemoteTrack object): the server kept the m-line, the new object must take it over.
    const current = (t) => this.#roster.remote.get(t.participant)?.tracks.get(t.source);
    const added = [...next].filter(([mid, cur]) =>
      this.#mids.get(mid)?.track !== cur.track || (current(cur) && current(cur) !== this.#byMid.get(mid)));
    this.#mids = next;
    // Old tracks first, so a reused m-line is unsubscribed from its former track before it is
    // subscribed to the new one.
    for (const [mid, old] of removed) {
      const track = this.#byMid.get(mid);
      if (track && track.id === old.track) this.unsubscribe(track);
    }
    for (const [mid, entry] of added) this.#subscribed(mid, entry);
  }

  #subscribed(mid, entry) {
    if (entry.track === 'mix' && !entry.participant) {
      // Our mixed audio (everyone but us): one track, no participant of its own.
      this.mixedAudioTrack = entry.mediaStreamTrack;
      this.#emit('mixedAudio', entry.mediaStreamTrack);
      return;
    }
    if (!entry.participant || entry.participant === this.#roster.local?.name) return;
    const track = this.#roster.addTrack(entry.participant, { id: entry.track, kind: entry.kind, source: entry.source });
    this.wire(track);
    const previous = this.#byMid.get(mid);
    if (previous && previous !== track) this.unsubscribe(previous);
    if (track.subscribed && track.mid !== mid) this.#byMid.delete(track.mid);
    track.mid = mid;
    track.subscribed = true;
    this.#byMid.set(mid, track);
    track._setMediaStreamTrack(entry.mediaStreamTrack);
    // Elements attached before the media existed start being watched now.
    if (this.#adaptive && track.kind === 'video') {
      for (const el of track.attachedElements) if (el instanceof HTMLVideoElement) this.#adaptive.observe(track, el);
    }
    this.#emit('trackSubscribed', track, track.participant);
  }

  // Connects a remote track to adaptive stream and to playback-blocked reporting (once).
  wire(track) {
    if (track.onPlaybackBlocked) return;
    track.onPlaybackBlocked = (el) => this.#emit('playbackBlocked', el, track);
    const adaptive = this.#adaptive;
    if (adaptive && track.kind === 'video') {
      track.onElementChange = (el, attached) => {
        if (!track.subscribed) return;
        if (attached) adaptive.observe(track, el);
        else adaptive.unobserve(track, el);
      };
    }
  }
}

// The distinct DTLS certificate fingerprints of an SDP (every m-line repeats them), as one string.
function fingerprints(sdp) {
  return [...new Set((sdp.match(/^a=fingerprint:.*$/gm) ?? []).map((l) => l.trim().toLowerCase()))].sort().join('|');
}

function receives(transceiver) {
  const dir = transceiver.currentDirection;
  return !transceiver.stopped && (dir === 'recvonly' || dir === 'sendrecv');
}
