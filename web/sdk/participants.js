// participants.js: the SDK's view of the people in a room (ROOMS.md `participant` objects).
import { RemoteTrack } from './tracks.js';
import { RoomError } from './signaling.js';

// ROOMS.md "Client to server": what the server accepts, checked here so that a mistake fails at
// the call that made it rather than as an `error` event later.
const ROOM_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const NAME_RE = /^[A-Za-z0-9_-]{1,48}$/;
const MAX_DISPLAY_NAME_BYTES = 64;
const MAX_METADATA_BYTES = 4096;
const MAX_METADATA_DEPTH = 8;
const utf8Length = (s) => new TextEncoder().encode(s).length;

export function checkJoin(room, name) {
  if (!ROOM_RE.test(room ?? '') || room === '.' || room === '..') throw new RoomError('invalid', 'room: 1-64 of [A-Za-z0-9_.-], not . or ..');
  if (!NAME_RE.test(name ?? '')) throw new RoomError('invalid', 'name: 1-48 of [A-Za-z0-9_-]');
}

export function checkProfile(displayName, metadata) {
  if (displayName !== undefined && (typeof displayName !== 'string' || utf8Length(displayName) > MAX_DISPLAY_NAME_BYTES)) {
    throw new RoomError('invalid', `displayName: a string of at most ${MAX_DISPLAY_NAME_BYTES} UTF-8 bytes`);
  }
  if (metadata !== undefined) {
    if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) throw new RoomError('invalid', 'metadata: a JSON object');
    if (utf8Length(JSON.stringify(metadata)) > MAX_METADATA_BYTES) {
      throw new RoomError('invalid', `metadata: at most ${MAX_METADATA_BYTES} bytes serialized`);
    }
    if (depth(metadata) > MAX_METADATA_DEPTH) throw new RoomError('invalid', `metadata: nested at most ${MAX_METADATA_DEPTH} deep`);
  }
}

// What local and remote participants share. `tracks` maps a source ('camera', 'microphone',
// 'screen') to its track: the server's track id is `{name}/{source}`, so a source is unique per
// participant.
export class Participant {
  constructor(name) {
    this.name = name;               // the protocol name: the participant's id in the room
    this.displayName = name;
    this.metadata = {};
    this.tracks = new Map();
    this.quality = 'unknown';       // from `quality` messages: excellent, good, poor, lost
    this.speaking = false;          // in the last `speakers` message with a level > 0
    this.audioLevel = 0;            // 0-1, from the same message
  }

  getTrack(source) {
    return this.tracks.get(source) ?? null;
  }

  // Applies displayName and metadata of a server participant object; returns whether either changed.
  _updateInfo(info) {
    let changed = false;
    if (typeof info.displayName === 'string' && info.displayName !== this.displayName) {
      this.displayName = info.displayName;
      changed = true;
    }
    if (info.metadata && typeof info.metadata === 'object' &&
        JSON.stringify(info.metadata) !== JSON.stringify(this.metadata)) {
      this.metadata = info.metadata;
      changed = true;
    }
    return changed;
  }
}

// How deeply objects and arrays nest inside `value` (the object itself counts as 0).
function depth(value) {
  if (!value || typeof value !== 'object') return 0;
  let deepest = 0;
  for (const v of Object.values(value)) if (v && typeof v === 'object') deepest = Math.max(deepest, 1 + depth(v));
  return deepest;
}

// This client's own participant; its tracks are LocalTracks.
export class LocalParticipant extends Participant {
  isLocal = true;
}

// Another participant; its tracks are RemoteTracks, published whether or not this client
// receives them (see RemoteTrack.subscribed).
export class RemoteParticipant extends Participant {
  isLocal = false;

  // Adds or updates the track described by the server `track` object `info`; returns
  // { track, added }.
  _upsertTrack(info) {
    const existing = this.tracks.get(info.source);
    if (existing && existing.id === info.id) {
      existing._update(info);
      return { track: existing, added: false };
    }
    const track = new RemoteTrack(info, this);
    this.tracks.set(info.source, track);
    return { track, added: true };
  }
}

// A name from a field that the protocol gives either as a name or as a participant object.
export function nameOf(value) {
  return typeof value === 'string' ? value : value?.name;
}

// Everyone in the room as the server described them, kept up to date from its messages. Emits the
// participant and track events through `emit`; `onTrackGone(track)` is called before a remote
// track is forgotten (so a subscribed one is unsubscribed first).
export class Roster {
  local = null;
  remote = new Map(); // name → RemoteParticipant (Room.participants)
  #emit;
  #onTrackGone;

  constructor(emit, { onTrackGone }) {
    this.#emit = emit;
    this.#onTrackGone = onTrackGone;
  }

  byName(name) {
    if (this.local && name === this.local.name) return this.local;
    return this.remote.get(name) ?? null;
  }

  findTrack(id) {
    for (const p of this.remote.values()) {
      for (const t of p.tracks.values()) if (t.id === id) return t;
    }
    return null;
  }

  // Applies a `joined` message. `participants` is read as everyone else (this participant is left
  // out if listed). After a resume, whoever is gone left while we were away.
  applyJoined(msg, { resumed, fallbackName }) {
    const me = msg.participant ?? {};
    if (!this.local) this.local = new LocalParticipant(me.name ?? fallbackName);
    this.local._updateInfo(me);
    const present = new Set();
    for (const info of Array.isArray(msg.participants) ? msg.participants : []) {
      if (!info?.name || info.name === this.local.name) continue;
      present.add(info.name);
      this.upsert(info);
    }
    if (resumed) {
      for (const name of [...this.remote.keys()]) if (!present.has(name)) this.remove(name, 'unknown');
    }
  }

  // Adds or updates a participant from a server participant object. A new one is announced
  // (participantJoined) with its tracks already in place, then each track (trackPublished).
  upsert(info) {
    let p = this.remote.get(info.name);
    if (!p) {
      p = new RemoteParticipant(info.name);
      p._updateInfo(info);
      this.remote.set(info.name, p);
      const added = Array.isArray(info.tracks) ? this.#syncTracks(p, info.tracks, false) : [];
      this.#emit('participantJoined', p);
      for (const t of added) this.#emit('trackPublished', t, p);
      return p;
    }
    if (p._updateInfo(info)) this.#emit('participantUpdated', p);
    if (Array.isArray(info.tracks)) this.#syncTracks(p, info.tracks, true);
    return p;
  }

  // The local participant's own display name or metadata as the server reports it.
  updateLocal(info) {
    if (this.local?._updateInfo(info)) this.#emit('participantUpdated', this.local);
  }

  remove(name, reason) {
    const p = this.remote.get(name);
    if (!p) return;
    for (const t of [...p.tracks.values()]) this.#dropTrack(p, t, false);
    this.remote.delete(name);
    this.#emit('participantLeft', p, reason ?? 'unknown');
  }

  // A track of `name` from a `trackPublished` or an offer; returns the RemoteTrack. An unknown
  // participant is added first: the server's messages may overtake each other in our handling.
  addTrack(name, info) {
    const p = this.remote.get(name) ?? this.upsert({ name });
    const before = p.tracks.get(info.source);
    if (before && before.id !== info.id) this.#dropTrack(p, before, true);
    const { track, added } = p._upsertTrack(info);
    if (added) this.#emit('trackPublished', track, p);
    return track;
  }

  removeTrack(name, id) {
    const p = this.remote.get(name);
    const t = p && [...p.tracks.values()].find((x) => x.id === id);
    if (t) this.#dropTrack(p, t, true);
  }

  // Applies a mute state to a remote or local track; emits trackMuted when it changed.
  setMuted(name, id, muted) {
    const p = this.byName(name);
    const t = p && [...p.tracks.values()].find((x) => x.id === id || `${name}/${x.source}` === id);
    if (!t || t.muted === !!muted) return;
    t.muted = !!muted;
    this.#emit('trackMuted', t, p, t.muted);
  }

  // Applies a `speakers` list (loudest first); emits activeSpeakers with the known ones.
  setSpeakers(list) {
    const speakers = [];
    for (const s of list) {
      const p = this.byName(nameOf(s?.participant));
      if (p) speakers.push({ participant: p, level: Number(s.level) || 0 });
    }
    for (const p of this.#everyone()) {
      const entry = speakers.find((s) => s.participant === p);
      p.audioLevel = entry?.level ?? 0;
      p.speaking = p.audioLevel > 0;
    }
    this.#emit('activeSpeakers', speakers);
  }

  // Applies a `quality` list; emits connectionQuality for each participant whose quality changed.
  setQuality(list) {
    for (const q of list) {
      const p = this.byName(nameOf(q?.participant));
      if (!p || typeof q.quality !== 'string' || p.quality === q.quality) continue;
      p.quality = q.quality;
      this.#emit('connectionQuality', p, q.quality);
    }
  }

  // Forgets everyone (the room was left); no events.
  clear() {
    for (const p of this.remote.values()) {
      for (const t of p.tracks.values()) this.#onTrackGone(t, { silent: true });
    }
    this.remote.clear();
  }

  *#everyone() {
    if (this.local) yield this.local;
    yield* this.remote.values();
  }

  // Makes `p`'s tracks match the server's list; returns the tracks added.
  #syncTracks(p, infos, announce) {
    const added = [];
    const ids = new Set();
    for (const info of infos) {
      if (!info?.id || !info.source) continue;
      ids.add(info.id);
      const before = p.tracks.get(info.source);
      if (before && before.id !== info.id) this.#dropTrack(p, before, announce);
      const wasMuted = before?.muted;
      const { track, added: isNew } = p._upsertTrack(info);
      if (isNew) added.push(track);
      else if (announce && wasMuted !== track.muted) this.#emit('trackMuted', track, p, track.muted);
    }
    for (const t of [...p.tracks.values()]) if (!ids.has(t.id)) this.#dropTrack(p, t, announce);
    if (announce) for (const t of added) this.#emit('trackPublished', t, p);
    return added;
  }

  #dropTrack(p, t, announce) {
    this.#onTrackGone(t, { silent: false });
    if (p.tracks.get(t.source) === t) p.tracks.delete(t.source);
    if (announce) this.#emit('trackUnpublished', t, p);
  }
}
