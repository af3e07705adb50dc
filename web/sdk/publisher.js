// publisher.js: the publisher connections (ROOMS.md "Connections"): `main` carries camera and
// microphone, `screen` the screen share. Each is a WHIP session whose SDP goes over the socket:
// the server answers every `publish` with a new session that replaces the connection's previous
// one, unless the offer keeps the DTLS identity and changes the ICE credentials (an ICE restart).
// So a change of tracks is offered on a new RTCPeerConnection (new certificate, new handshake),
// and only an ICE restart re-offers the current one.
import { SIMULCAST_ENCODINGS, waitForGathering, GATHER_TIMEOUT_MS } from './whip.js';

// Failures that mean "the socket went away": the same step is tried again once the room has
// reconnected, instead of failing the publish call that waits for it.
const RETRYABLE = new Set(['closed', 'timeout']);
const MAX_ATTEMPTS = 3;

// Which connection carries a source.
export function connectionOf(source) {
  return source === 'screen' ? 'screen' : 'main';
}

// A serial queue: publisher negotiations run one at a time, across both connections, so that a
// `publishAnswer` is never applied to another offer and the server sees one change at a time.
export class NegotiationQueue {
  #chain = Promise.resolve();

  run(job) {
    const run = this.#chain.then(job);
    this.#chain = run.catch(() => {});
    return run;
  }
}

// What one source sends: its track (null while muted) and how it is encoded.
class SourceEntry {
  constructor(kind, track, simulcast, stream) {
    this.kind = kind;
    this.track = track;
    this.simulcast = simulcast;
    this.stream = stream;
  }
}

export class PublisherConnection {
  pc = null;            // the answered connection (null before the first answer and after close)
  #name;                // 'main' | 'screen'
  #config;
  #queue;
  #exchange;            // (connection, offerSdp, tracks) => Promise<answerSdp>
  #release;             // (connection) => void: tell the server the connection is closed
  #waitReady;           // () => Promise that resolves when the room can signal again
  #onPeerConnection;    // (pc, connection) => void
  #sources = new Map(); // source → SourceEntry: what should be sent
  #senders = new Map(); // source → RTCRtpSender of `pc`
  #offered = '';        // signature() of what `pc` was offered with
  #forceReplace = false;
  #iceRestart = false;
  #queued = null;       // the negotiation waiting its turn; later requests join it
  #generation = 0;      // bumped by close(): work started before it must not install a connection
  #disposed = false;

  constructor(name, { iceServers = [], queue, exchange, release, waitReady, onPeerConnection }) {
    this.#name = name;
    this.#config = { iceServers, bundlePolicy: 'max-bundle' };
    this.#queue = queue;
    this.#exchange = exchange;
    this.#release = release;
    this.#waitReady = waitReady;
    this.#onPeerConnection = onPeerConnection;
  }

  get name() {
    return this.#name;
  }

  get sources() {
    return [...this.#sources.keys()];
  }

  // Sends `track` as `source` (null: muted, nothing sent) from the next negotiate() on.
  setTrack(source, track, { kind, simulcast = false, stream }) {
    this.#sources.set(source, new SourceEntry(kind, track, simulcast, stream));
  }

  removeTrack(source) {
    this.#sources.delete(source);
  }

  // Swaps what `source` sends now, without negotiating (null sends nothing: mute).
  async replaceTrack(source, track) {
    const entry = this.#sources.get(source);
    if (!entry) return;
    entry.track = track;
    await this.#senders.get(source)?.replaceTrack(track);
  }

  // Queues a negotiation: a new connection if the sources changed (or `replace`), an ICE restart
  // of the current one if asked; closing it (`unpublish`) if nothing is left to send. Resolves
  // with what was done: 'replaced', 'restarted', 'closed' or 'none'. Requests made while one
  // waits share it.
  negotiate({ iceRestart = false, replace = false } = {}) {
    if (replace) this.#forceReplace = true;
    if (iceRestart && this.pc) this.#iceRestart = true;
    if (this.#queued) return this.#queued;
    this.#queued = this.#queue.run(() => {
      this.#queued = null;
      return this.#run();
    });
    return this.#queued;
  }

  // Closes the connection locally (the server lost it); the sources stay for the next negotiate().
  close() {
    this.#generation += 1;
    this.pc?.close();
    this.pc = null;
    this.#senders.clear();
    this.#offered = '';
    this.#iceRestart = false;
  }

  // For good (the room was left): nothing queued runs any more.
  dispose() {
    this.#disposed = true;
    this.close();
    this.#sources.clear();
  }

  // What an offer carries, to tell whether the current connection still fits.
  #signature() {
    return [...this.#sources].map(([source, e]) => `${source}:${e.kind}:${e.simulcast}`).join(',');
  }

  async #run() {
    for (let attempt = 1; ; attempt++) {
      if (this.#disposed) return 'none';
      try {
        if (this.#sources.size === 0) return this.#closeOnServer();
        if (this.#forceReplace || this.#signature() !== this.#offered) return await this.#replace();
        if (this.#iceRestart && this.pc) return await this.#restart();
        return 'none';
      } catch (err) {
        if (!RETRYABLE.has(err?.code) || attempt >= MAX_ATTEMPTS) throw err;
        await this.#waitReady();
      }
    }
  }

  #closeOnServer() {
    if (!this.pc) return 'none';
    this.pc.close();
    this.pc = null;
    this.#senders.clear();
    this.#offered = '';
    this.#iceRestart = false;
    this.#release(this.#name);
    return 'closed';
  }

  // Offers the current sources on a new RTCPeerConnection; the old one closes once the server
  // answered (it ended that session when it made the new one).
  async #replace() {
    this.#forceReplace = false;
    const generation = this.#generation;
    const signature = this.#signature();
    const pc = new RTCPeerConnection(this.#config);
    const senders = new Map();
    const mids = new Map(); // source → transceiver
    try {
      for (const [source, e] of this.#sources) {
        const init = { direction: 'sendonly', streams: [e.stream] };
        if (e.simulcast) init.sendEncodings = SIMULCAST_ENCODINGS.map((x) => ({ ...x }));
        const tr = pc.addTransceiver(e.track ?? e.kind, init);
        senders.set(source, tr.sender);
        mids.set(source, tr);
      }
      this.#onPeerConnection?.(pc, this.#name);
      await pc.setLocalDescription(await pc.createOffer());
      // Candidates go in the offer: the protocol has no trickle.
      await waitForGathering(pc, GATHER_TIMEOUT_MS);
      const tracks = [...mids].map(([source, tr]) => ({ mid: tr.mid, source }));
      const answer = await this.#exchange(this.#name, pc.localDescription.sdp, tracks);
      if (generation !== this.#generation) throw new Error('closed meanwhile');
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } catch (err) {
      pc.close();
      if (generation !== this.#generation) return 'none';
      if (signature === this.#signature()) this.#forceReplace = true; // still to be done
      throw err;
    }
    if (generation !== this.#generation) {
      pc.close();
      return 'none';
    }
    this.pc?.close();
    this.pc = pc;
    this.#senders = senders;
    this.#offered = signature;
    this.#iceRestart = false; // a new connection has new credentials anyway
    // A mute or unmute made while this was negotiated applies to the new senders too. (A source
    // added meanwhile is not among them: the negotiation queued by its publish offers it.)
    for (const [source, sender] of senders) {
      const e = this.#sources.get(source);
      if (e && sender.track !== e.track) await sender.replaceTrack(e.track);
    }
    return 'replaced';
  }

  async #restart() {
    this.#iceRestart = false;
    const pc = this.pc;
    const generation = this.#generation;
    try {
      await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }));
      await waitForGathering(pc, GATHER_TIMEOUT_MS);
      const tracks = [...this.#senders].map(([source, sender]) => ({
        mid: pc.getTransceivers().find((t) => t.sender === sender)?.mid, source,
      }));
      const answer = await this.#exchange(this.#name, pc.localDescription.sdp, tracks);
      if (generation !== this.#generation) return 'none';
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } catch (err) {
      if (generation !== this.#generation) return 'none';
      if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' }).catch(() => {});
      if (pc === this.pc) this.#iceRestart = true;
      throw err;
    }
    return 'restarted';
  }
}
