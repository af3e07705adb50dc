// room.js: class Room, one participant's side of a conference room (docs/ROOMS.md): the signaling
// socket, the publisher connections `main` and `screen` (we offer), the subscriber connection (the
// server offers), and reconnecting them all without leaving the room.
import { EventEmitter } from './events.js';
import { SignalingChannel, RoomError, retryWithBackoff } from './signaling.js';
import { LocalMedia } from './local.js';
import { Subscriber } from './subscriber.js';
import { RoomData } from './room_data.js';
import { Roster, nameOf, checkJoin, checkProfile } from './participants.js';

// A PeerConnection 'disconnected' often heals by itself within a second or two; only after this
// long is it treated as a dropped media path.
const MEDIA_GRACE_MS = 2000;
// Refusals of a resuming join that are worth another try before the grace period ends.
const RETRY_JOIN = new Set(['closed', 'timeout', 'rate_limited', 'unavailable']);

// A promise with its resolve/reject outside; `promise` never reports an unhandled rejection.
function deferred() {
  const d = {};
  d.promise = new Promise((resolve, reject) => Object.assign(d, { resolve, reject }));
  d.promise.catch(() => {});
  return d;
}

export class Room extends EventEmitter {
  state = 'disconnected'; // connecting → connected ⇄ reconnecting → disconnected
  roomName = null;
  graceSeconds = 20;
  #opts;
  // ICE servers of every PeerConnection: the caller's, then those of the join answer (the
  // built-in TURN server with fresh credentials). One array, shared by the connections, so
  // the ones created after the join use what it brought.
  #iceServers;
  #roster;
  #channel = null;
  #local = null;          // LocalMedia: our tracks and publisher connections
  #subscriber = null;
  #data = null;           // RoomData: messages to and from the others
  #join = null;           // the fields of our `join`, sent again (with resume) on reconnect
  #resume = null;
  #ready = null;          // settled when signaling works again after a drop
  #mediaTimers = new Map(); // RTCPeerConnection → timer of a failed/disconnected state
  #unsentUpdate = false;
  #handlers;

  constructor({ url, token, adaptiveStream = true, iceServers = [] } = {}) {
    super();
    this.#opts = { url, token, adaptiveStream, iceServers };
    this.#iceServers = [...iceServers];
    this.#roster = new Roster((type, ...args) => this.emit(type, ...args), {
      onTrackGone: (track, { silent }) => this.#subscriber?.unsubscribe(track, silent),
    });
    // Server messages by type (ROOMS.md "Server to client"); replies to requests never get here.
    this.#handlers = new Map([
      ['participantJoined', (m) => m.participant?.name && this.#roster.upsert(m.participant)],
      ['participantUpdated', (m) => this.#onParticipantUpdated(m.participant)],
      ['participantLeft', (m) => this.#roster.remove(nameOf(m.participant), m.reason)],
      ['trackPublished', (m) => this.#onTrackPublished(m)],
      ['trackUnpublished', (m) => this.#roster.removeTrack(nameOf(m.participant), m.track?.id ?? m.track)],
      ['trackMuted', (m) => this.#roster.setMuted(nameOf(m.participant), m.track?.id ?? m.track, m.muted)],
      ['offer', (m) => this.#onOffer(m)],
      ['speakers', (m) => this.#roster.setSpeakers(Array.isArray(m.speakers) ? m.speakers : [])],
      ['quality', (m) => this.#roster.setQuality(Array.isArray(m.participants) ? m.participants : [])],
      ['error', (m) => this.emit('error', new RoomError(m.code, m.message, m.rid))],
      ['left', (m) => this.#teardown(m.reason ?? 'removed')],
    ]);
  }

  // Everyone else in the room, by name.
  get participants() {
    return this.#roster.remote;
  }

  get localParticipant() {
    return this.#roster.local;
  }

  // With connect(..., {mixedAudio: true}): the room's audio without our own, as one track
  // (null until the server sends it); also given by the 'mixedAudio' event.
  get mixedAudioTrack() {
    return this.#subscriber?.mixedAudioTrack ?? null;
  }

  // The RTCPeerConnections (null when there is none), for stats: `main` publisher (camera and
  // microphone), `screen` publisher, subscriber.
  get publisherConnection() {
    return this.#local?.connection('main') ?? null;
  }

  get screenConnection() {
    return this.#local?.connection('screen') ?? null;
  }

  get subscriberConnection() {
    return this.#subscriber?.pc ?? null;
  }

  // A remote track by its id (`{name}/{source}`).
  getTrack(trackId) {
    return this.#roster.findTrack(trackId);
  }

  // Joins `roomName` as `name`; resolves once the server said `joined`. Participants already in
  // the room are announced (participantJoined) before it resolves. With `data` (the default),
  // send() and the 'data' event carry messages between participants.
  async connect(roomName, name, { displayName, metadata, mixedAudio = false, data = true } = {}) {
    if (this.state !== 'disconnected') throw new RoomError('already_joined', 'this Room is already connected');
    checkJoin(roomName, name);
    checkProfile(displayName, metadata);
    this.state = 'connecting';
    this.roomName = roomName;
    this.#join = { room: roomName, name, displayName, metadata, token: this.#opts.token, mixedAudio: !!mixedAudio,
      data: !!data };
    this.#resume = null;
    this.#roster.local = null;
    this.#ready = deferred();
    this.#createConnections();
    try {
      await this.#channel.open();
      const joined = await this.#channel.request({ type: 'join', ...this.#join }, ['joined']);
      if (this.state !== 'connecting') throw new RoomError('disconnected', 'disconnect() was called while joining');
      this.state = 'connected';
      this.#ready.resolve();
      this.#roster.applyJoined(joined, { resumed: false, fallbackName: name });
      this.#keepResume(joined);
    } catch (err) {
      if (this.state !== 'disconnected') this.#teardown(null);
      throw err;
    }
  }

  // Publishes the camera (or `track`) on the `main` connection, with three simulcast layers
  // unless `simulcast: false`.
  async publishCamera({ track, constraints, simulcast = true, stopOnUnpublish } = {}) {
    this.#requireJoined();
    return this.#local.publish('camera', { track, constraints, simulcast, stopOnUnpublish });
  }

  async publishMicrophone({ track, constraints, stopOnUnpublish } = {}) {
    this.#requireJoined();
    return this.#local.publish('microphone', { track, constraints, stopOnUnpublish });
  }

  // Publishes a screen share on its own `screen` connection (the browser asks which screen). Its
  // track ending (the browser's own "stop sharing") unpublishes it: localTrackUnpublished 'ended'.
  async publishScreen({ track, constraints, stopOnUnpublish } = {}) {
    this.#requireJoined();
    return this.#local.publish('screen', { track, constraints, stopOnUnpublish });
  }

  // Stops publishing `source` (its track is stopped if the SDK captured it).
  async unpublish(source) {
    return this.#local?.unpublish(source, 'unpublished');
  }

  // Mutes or unmutes a published source without renegotiating (see LocalMedia.setMuted).
  async setMuted(source, muted) {
    if (!this.#local) throw new RoomError('not_published', `${source} is not published`);
    return this.#local.setMuted(source, !!muted);
  }

  // Changes how one remote track is received (ROOMS.md `subscription`); fields not given stay as
  // they were. With adaptive stream on, paused/maxWidth/maxHeight of attached video tracks are
  // also set from what the page shows.
  setSubscription(trackId, settings = {}) {
    const track = this.getTrack(trackId);
    if (!track) throw new RoomError('invalid', `no track ${trackId}`);
    if (settings.layer !== undefined && !['h', 'm', 'l'].includes(settings.layer)) {
      throw new RoomError('invalid', "layer is 'h', 'm' or 'l'");
    }
    for (const key of ['maxWidth', 'maxHeight']) {
      const v = settings[key];
      if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 16384)) throw new RoomError('invalid', `${key}: a whole number 0-16384`);
    }
    this.#subscriber.setSubscription(track, settings);
  }

  // Sends `data` (anything JSON can carry) to every other participant, or to those named in `to`
  // (an array of names); they get it as the 'data' event (data, from, {private, reliable}).
  // `reliable: false` sends it unordered and without retransmission. Needs connect() with data.
  send(data, { to, reliable = true } = {}) {
    this.#requireJoined();
    if (!this.#join?.data) throw new RoomError('invalid', 'joined without data: connect(..., {data: true})');
    this.#data.send(data, { to, reliable });
  }

  // True once our data channels are up: from then on we receive what the others send (a message
  // sent to everyone before that is not kept for us).
  get dataReady() {
    return !!this.#data?.ready;
  }

  // Changes what others see of this participant.
  async updateMetadata({ displayName, metadata } = {}) {
    if (!this.localParticipant) throw new RoomError('not_connected', 'not in a room');
    checkProfile(displayName, metadata);
    const msg = { type: 'update' };
    if (displayName !== undefined) msg.displayName = this.#join.displayName = displayName;
    if (metadata !== undefined) msg.metadata = this.#join.metadata = metadata;
    if (!this.#trySend(msg)) this.#unsentUpdate = true;
    this.#roster.updateLocal(msg);
  }

  // Leaves the room: `leave`, then every PeerConnection and the socket are closed. Emits
  // disconnected('client').
  async disconnect() {
    if (this.state === 'disconnected') return;
    this.#trySend({ type: 'leave' });
    this.#teardown('client');
  }

  // --- connections -----------------------------------------------------------------------------

  #createConnections() {
    const iceServers = this.#iceServers;
    this.#channel = new SignalingChannel(this.#opts.url);
    this.#channel.on('message', (m) => this.#handlers.get(m.type)?.(m));
    this.#channel.on('close', (info) => {
      if (!info.expected && this.state === 'connected') this.#reconnect(`signaling closed (${info.code})`);
    });
    this.#local = new LocalMedia({
      iceServers,
      waitReady: () => this.#ready.promise,
      watch: (pc, which) => this.#watchMedia(pc, which),
      room: {
        participant: () => this.localParticipant,
        emit: (type, ...args) => this.emit(type, ...args),
        trySend: (msg) => this.#trySend(msg),
        request: (msg, expect, options) => this.#channel.request(msg, expect, options),
        gone: () => this.state === 'disconnected',
      },
    });
    this.#data = new RoomData((type, ...args) => this.emit(type, ...args));
    this.#subscriber = new Subscriber({
      iceServers,
      data: this.#data,
      send: (msg) => this.#trySend(msg),
      emit: (type, ...args) => this.emit(type, ...args),
      roster: this.#roster,
      adaptiveStream: this.#opts.adaptiveStream,
      onPeerConnection: (pc) => this.#watchMedia(pc, 'subscriber'),
    });
  }

  // A PeerConnection 'failed' or 'disconnected' for MEDIA_GRACE_MS means the media path dropped.
  #watchMedia(pc, which) {
    pc.addEventListener('connectionstatechange', () => {
      clearTimeout(this.#mediaTimers.get(pc));
      this.#mediaTimers.delete(pc);
      if (pc.connectionState !== 'failed' && pc.connectionState !== 'disconnected') return;
      this.#mediaTimers.set(pc, setTimeout(() => {
        this.#mediaTimers.delete(pc);
        const s = pc.connectionState;
        if (s === 'failed' || s === 'disconnected') this.#reconnect(`${which} connection ${s}`);
      }, MEDIA_GRACE_MS));
    });
  }

  #clearMediaTimers() {
    for (const timer of this.#mediaTimers.values()) clearTimeout(timer);
    this.#mediaTimers.clear();
  }

  // ROOMS.md "Reconnecting": a new socket with `join` + `resume` (unless the socket is fine and
  // only media dropped: a second join on a joined socket would be refused), then an ICE restart of
  // every connection. Gives up with disconnected('timeout') when the grace period has passed, or
  // disconnected('resume_failed') when the server refuses the resume.
  async #reconnect(reason) {
    if (this.state !== 'connected') return;
    this.state = 'reconnecting';
    this.#ready = deferred();
    // Both connections restart below, so a timer still pending for the other one is moot.
    this.#clearMediaTimers();
    this.emit('reconnecting', reason);
    const deadline = Date.now() + this.graceSeconds * 1000;
    try {
      let fresh = false;
      for (;;) {
        if (!this.#channel.connected) fresh = await this.#rejoin(deadline);
        if (this.state !== 'reconnecting') return;
        if (!this.#subscriber.pc || this.#trySend({ type: 'restartIce' })) break;
      }
      this.state = 'connected';
      this.#ready.resolve();
      await this.#local.restart(fresh);
      this.#resync();
      if (this.state === 'connected') this.emit('reconnected');
    } catch (err) {
      if (this.state === 'disconnected') return;
      this.#teardown(err?.code === 'timeout' ? 'timeout' : 'resume_failed', err);
    }
  }

  // Opens a socket and sends the resuming join, with backoff, until the deadline. Returns whether
  // the server started a new session instead (our published tracks are not in `joined`).
  async #rejoin(deadline) {
    const joined = await retryWithBackoff(async () => {
      await this.#channel.open();
      return this.#channel.request({ type: 'join', ...this.#join, resume: this.#resume }, ['joined']);
    }, {
      deadline,
      retryable: (err) => RETRY_JOIN.has(err?.code),
      shouldStop: () => this.state !== 'reconnecting',
    });
    if (this.state !== 'reconnecting') return false;
    this.#roster.applyJoined(joined, { resumed: true, fallbackName: this.#join.name });
    this.#keepResume(joined);
    return this.#local.lostBy(joined.participant?.tracks);
  }

  // Sends again what may have been lost while the socket was down.
  #resync() {
    this.#local.resync();
    this.#subscriber.resendSubscriptions();
    if (this.#unsentUpdate) {
      const { displayName, metadata } = this.#join;
      if (this.#trySend({ type: 'update', displayName, metadata })) this.#unsentUpdate = false;
    }
  }

  #keepResume(joined) {
    if (Array.isArray(joined.iceServers)) {
      this.#iceServers.splice(0, this.#iceServers.length, ...this.#opts.iceServers, ...joined.iceServers);
    }
    if (joined.resume) this.#resume = joined.resume;
    if (Number.isFinite(joined.graceSeconds)) this.graceSeconds = joined.graceSeconds;
  }

  // Sends `msg` if the socket is open; returns whether it went out. Messages that cannot wait for a
  // reply are fire-and-forget: a refusal comes back as an `error` event carrying their rid.
  #trySend(msg) {
    if (!this.#channel?.connected) return false;
    try {
      this.#channel.send({ ...msg, rid: this.#channel.newRid() });
      return true;
    } catch (err) {
      if (err?.code === 'closed') return false;
      throw err;
    }
  }

  // Closes everything. `reason` null: connect() failed, no event; otherwise emits disconnected.
  #teardown(reason, error) {
    if (this.state === 'disconnected') return;
    this.state = 'disconnected';
    this.#ready?.reject(new RoomError('disconnected', `left the room (${reason ?? 'connect failed'})`));
    this.#clearMediaTimers();
    this.#local?.dispose();
    this.#roster.clear();
    this.#subscriber?.close();
    this.#channel?.close();
    this.#unsentUpdate = false;
    if (reason !== null) this.emit('disconnected', reason, error);
  }

  #requireJoined() {
    if (this.state !== 'connected' && this.state !== 'reconnecting') {
      throw new RoomError('not_connected', 'join a room first (await room.connect(...))');
    }
  }

  // --- receiving -------------------------------------------------------------------------------

  #onParticipantUpdated(info) {
    if (nameOf(info) === this.localParticipant?.name) this.#roster.updateLocal(info);
    else if (info?.name) this.#roster.upsert(info);
  }

  #onTrackPublished(m) {
    const name = nameOf(m.participant);
    if (!name || name === this.localParticipant?.name || !m.track?.id) return;
    this.#subscriber.wire(this.#roster.addTrack(name, m.track));
  }

  #onOffer(m) {
    this.#subscriber.handleOffer(m).catch((err) => {
      if (this.state !== 'disconnected') this.emit('error', err);
    });
  }
}
