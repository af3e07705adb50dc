// local.js: what this participant sends. Its LocalTracks, the two publisher connections that carry
// them (`main`: camera and microphone, `screen`: the screen share), mute, and what the server must
// be told again after a reconnect (mute states, closed connections).
import { RoomError } from './signaling.js';
import { LocalTrack } from './tracks.js';
import { PublisherConnection, NegotiationQueue, connectionOf } from './publisher.js';

const DEFAULT_CAMERA = { width: { ideal: 1280 }, height: { ideal: 720 } };

// How each source is captured when no track is given.
const CAPTURE = {
  camera: async (c) => (await navigator.mediaDevices.getUserMedia({ video: c ?? DEFAULT_CAMERA })).getVideoTracks()[0],
  microphone: async (c) => (await navigator.mediaDevices.getUserMedia({ audio: c ?? true })).getAudioTracks()[0],
  screen: async (c) => (await navigator.mediaDevices.getDisplayMedia({ video: c ?? true, audio: false })).getVideoTracks()[0],
};
const KIND = { camera: 'video', microphone: 'audio', screen: 'video' };

export class LocalMedia {
  #room;          // { participant(), emit, trySend, request, gone() }
  #publishers;    // { main, screen }
  // The MediaStreams our tracks are announced in (msid): one per published stream.
  #streams = { main: new MediaStream(), screen: new MediaStream() };
  #unsentMutes = new Set();     // sources whose mute state the server may not know
  #unsentUnpublish = new Set(); // connections closed here while the socket was down

  constructor({ iceServers, room, waitReady, watch }) {
    this.#room = room;
    const queue = new NegotiationQueue();
    const make = (name) => new PublisherConnection(name, {
      iceServers,
      queue,
      waitReady,
      exchange: (connection, sdp, tracks) => this.#exchange(connection, sdp, tracks),
      release: (connection) => {
        if (!room.trySend({ type: 'unpublish', connection })) this.#unsentUnpublish.add(connection);
      },
      onPeerConnection: (pc, connection) => watch(pc, `${connection} publisher`),
    });
    this.#publishers = { main: make('main'), screen: make('screen') };
  }

  connection(name) {
    return this.#publishers[name].pc;
  }

  // Publishes `source`: `track`, or one captured now (then stopped on unpublish unless
  // `stopOnUnpublish: false`). Resolves once the server's answer is applied.
  async publish(source, { track, constraints, stopOnUnpublish, simulcast = false }) {
    const me = this.#room.participant();
    const kind = KIND[source];
    if (me.tracks.has(source)) throw new RoomError('invalid', `${source} is already published; unpublish it first`);
    const mst = track ?? (await CAPTURE[source](constraints));
    if (!mst || mst.kind !== kind) throw new RoomError('invalid', `${source} needs a ${kind} track`);
    const owned = stopOnUnpublish ?? !track;
    if (this.#room.gone() || me.tracks.has(source)) {
      if (owned) mst.stop();
      throw new RoomError(this.#room.gone() ? 'disconnected' : 'invalid', `cannot publish ${source} now`);
    }
    // Screen content should stay sharp rather than smooth when bandwidth runs short.
    if (source === 'screen' && !mst.contentHint) mst.contentHint = 'detail';
    const lt = new LocalTrack({
      id: `${me.name}/${source}`, kind, source, track: mst, stopOnUnpublish: owned, simulcast: source === 'camera' && simulcast,
    });
    lt._onEnded = () => this.unpublish(source, 'ended').catch((err) => this.#room.emit('error', err));
    mst.addEventListener('ended', lt._onEnded);
    me.tracks.set(source, lt);
    const pub = this.#publishers[connectionOf(source)];
    try {
      pub.setTrack(source, mst, this.#senderOptions(lt));
      await this.#negotiate(pub);
      if (this.#room.gone()) throw new RoomError('disconnected', `left the room while publishing ${source}`);
    } catch (err) {
      if (me.tracks.get(source) === lt) {
        me.tracks.delete(source);
        pub.removeTrack(source);
      }
      release(lt);
      throw err;
    }
    this.#room.emit('localTrackPublished', lt, me);
    return lt;
  }

  // Stops publishing `source`: its connection is offered anew without it, or closed when empty.
  async unpublish(source, reason) {
    const me = this.#room.participant();
    const lt = me?.tracks.get(source);
    if (!lt) return;
    me.tracks.delete(source);
    this.#unsentMutes.delete(source);
    release(lt);
    const pub = this.#publishers[connectionOf(source)];
    pub.removeTrack(source);
    this.#room.emit('localTrackUnpublished', lt, me, reason);
    if (!this.#room.gone()) await this.#negotiate(pub);
  }

  // Mute without renegotiating: the sender sends nothing (replaceTrack(null)) while the captured
  // track keeps running for the local preview, and a `mute` message tells the others.
  async setMuted(source, muted) {
    const me = this.#room.participant();
    const lt = me?.tracks.get(source);
    if (!lt) throw new RoomError('not_published', `${source} is not published`);
    if (lt.muted === muted) return;
    lt.muted = muted;
    await this.#publishers[connectionOf(source)].replaceTrack(source, muted ? null : lt.mediaStreamTrack);
    if (!this.#room.trySend({ type: 'mute', source, muted })) this.#unsentMutes.add(source);
    this.#room.emit('trackMuted', lt, me, muted);
  }

  // Whether the server's view of us (`mine`: the tracks in `joined.participant`) has lost every
  // track we had published and had answered: it started a new session for us.
  lostBy(mine) {
    const answered = [...(this.#room.participant()?.tracks.keys() ?? [])].filter((s) => this.#publishers[connectionOf(s)].pc);
    return Array.isArray(mine) && answered.length > 0 && !answered.some((s) => mine.some((t) => t?.source === s));
  }

  // After a reconnect: each connection again, with an ICE restart of the same RTCPeerConnection
  // (the server keeps its session), or offered anew when the server lost our session (`fresh`).
  async restart(fresh) {
    await Promise.all(Object.values(this.#publishers).map(async (pub) => {
      try {
        if (fresh) pub.close();
        await this.#negotiate(pub, fresh ? { replace: true } : { iceRestart: true });
      } catch (err) {
        if (!this.#room.gone()) this.#room.emit('error', err);
      }
    }));
  }

  // Sends again what may have been lost while the socket was down.
  resync() {
    for (const connection of [...this.#unsentUnpublish]) {
      if (this.#room.trySend({ type: 'unpublish', connection })) this.#unsentUnpublish.delete(connection);
    }
    for (const source of [...this.#unsentMutes]) {
      const lt = this.#room.participant()?.tracks.get(source);
      if (!lt || this.#room.trySend({ type: 'mute', source, muted: lt.muted })) this.#unsentMutes.delete(source);
    }
  }

  // The room was left: tracks released (stopped if the SDK captured them), connections closed.
  dispose() {
    const me = this.#room.participant();
    for (const lt of me?.tracks.values() ?? []) release(lt);
    me?.tracks.clear();
    this.#publishers.main.dispose();
    this.#publishers.screen.dispose();
    this.#unsentMutes.clear();
    this.#unsentUnpublish.clear();
  }

  async #negotiate(pub, options) {
    const how = await pub.negotiate(options);
    // A new session starts unmuted on the server: tell it again what is muted.
    if (how === 'replaced') {
      for (const source of pub.sources) {
        const lt = this.#room.participant()?.tracks.get(source);
        if (lt?.muted && !this.#room.trySend({ type: 'mute', source, muted: true })) this.#unsentMutes.add(source);
      }
    }
    return how;
  }

  async #exchange(connection, sdp, tracks) {
    this.#unsentUnpublish.delete(connection);
    const reply = await this.#room.request({ type: 'publish', connection, sdp, tracks }, ['publishAnswer'], {
      match: (m) => (m.connection ?? 'main') === connection,
    });
    return reply.sdp;
  }

  #senderOptions(lt) {
    return { kind: lt.kind, simulcast: lt.simulcast, stream: this.#streams[connectionOf(lt.source)] };
  }
}

function release(lt) {
  lt.mediaStreamTrack.removeEventListener('ended', lt._onEnded);
  if (lt.stopOnUnpublish) lt.mediaStreamTrack.stop();
  lt.detach();
}
