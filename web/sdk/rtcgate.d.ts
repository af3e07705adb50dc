/// <reference lib="es2020" />
/// <reference lib="dom" />
// rtcgate.d.ts: types of the rtcgate browser SDK (web/sdk/*.js). The protocol is docs/ROOMS.md;
// usage is docs/CLIENT.md.

// ---- events ---------------------------------------------------------------------------------

/** Maps each event name to its listener signature. */
export type EventMap = { [event: string]: (...args: any[]) => void };

/** A tiny typed event emitter: the base of Room and SignalingChannel. */
export class EventEmitter<Events extends EventMap = EventMap> {
  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events & string>(type: K, listener: Events[K]): () => void;
  /** Like on(), but the listener runs at most once; remove it early with the returned function. */
  once<K extends keyof Events & string>(type: K, listener: Events[K]): () => void;
  off<K extends keyof Events & string>(type: K, listener: Events[K]): void;
  removeAllListeners(type?: keyof Events & string): void;
  /** Calls the listeners in order (one that throws is reported, the rest still run). */
  emit<K extends keyof Events & string>(type: K, ...args: Parameters<Events[K]>): boolean;
}

// ---- protocol values ------------------------------------------------------------------------

export type TrackSource = 'camera' | 'microphone' | 'screen';
export type TrackKind = 'audio' | 'video';
/** Simulcast layers, high to low. */
export type Layer = 'h' | 'm' | 'l';
export type ConnectionQuality = 'excellent' | 'good' | 'poor' | 'lost' | 'unknown';
export type RoomState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';
export type JsonObject = { [key: string]: unknown };

/** A server `track` object. */
export interface TrackInfo {
  id: string;
  kind: TrackKind;
  source: TrackSource;
  muted: boolean;
  stream: string;
}

/** A server `participant` object. */
export interface ParticipantInfo {
  name: string;
  displayName: string;
  metadata: JsonObject;
  tracks: TrackInfo[];
}

/** How to receive one remote track (the `subscription` message); omitted fields stay as they were. */
export interface SubscriptionSettings {
  /** false removes the track from the subscriber connection (trackUnsubscribed follows). */
  subscribed?: boolean;
  /** true keeps the subscription (and its m-line) but the server forwards nothing. */
  paused?: boolean;
  layer?: Layer;
  /** The server picks the highest simulcast layer no larger than maxWidth x maxHeight. */
  maxWidth?: number;
  maxHeight?: number;
}

/**
 * A protocol error: `code` is the server's error.code (bad_json, bad_message, unknown_type,
 * not_joined, already_joined, unauthorized, room_full, too_many_rooms, no_offer, sdp_rejected,
 * rate_limited, unavailable) or a local one (closed, timeout, too_big, not_connected,
 * not_published, invalid, disconnected).
 */
export class RoomError extends Error {
  constructor(code: string, message?: string, rid?: string);
  readonly code: string;
  /** The rid of the refused message, when the server echoed it. */
  readonly rid?: string;
}

// ---- tracks and participants ----------------------------------------------------------------

/** What local and remote tracks share: identity, mute state and the elements they play in. */
export class Track {
  /** `{name}/{source}` */
  readonly id: string;
  readonly kind: TrackKind;
  readonly source: TrackSource;
  muted: boolean;
  /** The media; for a remote track, set between trackSubscribed and trackUnsubscribed. */
  readonly mediaStreamTrack: MediaStreamTrack | null;
  readonly attachedElements: HTMLMediaElement[];
  /**
   * Plays the track in `element` (a new <video>/<audio> when omitted) and returns it; calls play().
   * May be called before the media exists: the element starts once it does.
   */
  attach<E extends HTMLMediaElement = HTMLMediaElement>(element?: E): E;
  /** Stops playing in `element`, or in every element; returns the elements detached. */
  detach(element?: HTMLMediaElement): HTMLMediaElement[];
}

/** A track this participant publishes; mediaStreamTrack keeps running while muted. */
export class LocalTrack extends Track {
  readonly mediaStreamTrack: MediaStreamTrack;
  /** Whether unpublish (and disconnect) stop the track: true when the SDK captured it. */
  readonly stopOnUnpublish: boolean;
  readonly simulcast: boolean;
}

/** A track another participant publishes. */
export class RemoteTrack extends Track {
  /** The server's stream name: `{room}/{name}` or `{room}/{name}.screen`. */
  readonly stream: string | null;
  readonly participant: RemoteParticipant;
  /** Whether it is received now (its m-line in the subscriber connection carries it). */
  readonly subscribed: boolean;
  readonly mid: string | null;
  /** What this client asked of the server for this track (resent after a reconnect). */
  readonly subscription: SubscriptionSettings;
}

export class Participant {
  /** The protocol name: the participant's id in the room. */
  readonly name: string;
  readonly displayName: string;
  readonly metadata: JsonObject;
  /** Tracks by source (a source is unique per participant). */
  readonly tracks: Map<TrackSource, Track>;
  /** From `quality` messages; 'unknown' until the first. */
  readonly quality: ConnectionQuality;
  /** In the last `speakers` message with a level > 0. */
  readonly speaking: boolean;
  /** 0-1, from the last `speakers` message. */
  readonly audioLevel: number;
  readonly isLocal: boolean;
  getTrack(source: TrackSource): Track | null;
}

export class LocalParticipant extends Participant {
  readonly tracks: Map<TrackSource, LocalTrack>;
  readonly isLocal: true;
  getTrack(source: TrackSource): LocalTrack | null;
}

export class RemoteParticipant extends Participant {
  readonly tracks: Map<TrackSource, RemoteTrack>;
  readonly isLocal: false;
  getTrack(source: TrackSource): RemoteTrack | null;
}

export interface SpeakerLevel {
  participant: Participant;
  level: number;
}

// ---- Room -----------------------------------------------------------------------------------

export interface RoomOptions {
  /** Rooms endpoint; default ws(s)://<this page's host>/rooms/ws. http(s) URLs are mapped to ws(s). */
  url?: string;
  /** Sent in `join` (a token for the prefix `room/R`). */
  token?: string;
  /** Pause / size remote video from the elements it is attached to (default true). */
  adaptiveStream?: boolean;
  iceServers?: RTCIceServer[];
}

export interface ConnectOptions {
  /** Up to 64 UTF-8 bytes; the server defaults it to the name. */
  displayName?: string;
  /**
   * Hear the room as one mixed audio track (everyone but yourself, the loudest few) instead of
   * one track per speaker: for large audio rooms and weak devices. See Room.mixedAudioTrack.
   */
  mixedAudio?: boolean;
  /** A JSON object, at most 4 KiB serialized. */
  metadata?: JsonObject;
  /** Data channels for send() and the 'data' event (default true). */
  data?: boolean;
}

export interface SendOptions {
  /** Only these participants (by name); default: everyone else. */
  to?: string[];
  /** false: unordered, never retransmitted (for state the next message replaces). Default true. */
  reliable?: boolean;
}

export interface PublishOptions {
  /** Publish this track instead of capturing one. */
  track?: MediaStreamTrack;
  /** getUserMedia / getDisplayMedia constraints for the captured track. */
  constraints?: MediaTrackConstraints | boolean;
  /** Stop the track on unpublish/disconnect; default: only if the SDK captured it. */
  stopOnUnpublish?: boolean;
}

export interface CameraPublishOptions extends PublishOptions {
  /** Three encodings rid l/m/h (SIMULCAST_ENCODINGS); default true. */
  simulcast?: boolean;
}

/**
 * Why the room was left: 'client' (disconnect()), the server's `left` reason ('kicked',
 * 'replaced', …), 'timeout' (no reconnect within graceSeconds), 'resume_failed' (the server refused
 * the resume; the RoomError is the second argument).
 */
export type DisconnectReason = 'client' | 'timeout' | 'resume_failed' | 'kicked' | 'replaced' | (string & {});

export interface RoomEvents extends EventMap {
  /** Someone joined; also for everyone already there, before connect() resolves. */
  participantJoined: (participant: RemoteParticipant) => void;
  participantLeft: (participant: RemoteParticipant, reason: string) => void;
  /** Display name or metadata changed (also the local participant's). */
  participantUpdated: (participant: Participant) => void;
  trackPublished: (track: RemoteTrack, participant: RemoteParticipant) => void;
  trackUnpublished: (track: RemoteTrack, participant: RemoteParticipant) => void;
  /** The remote media is ready: track.mediaStreamTrack is set; attach it. */
  trackSubscribed: (track: RemoteTrack, participant: RemoteParticipant) => void;
  /** Elements were already detached; mediaStreamTrack is the one it had. */
  trackUnsubscribed: (track: RemoteTrack, participant: RemoteParticipant, mediaStreamTrack: MediaStreamTrack | null) => void;
  /** A remote or local track was muted or unmuted. */
  trackMuted: (track: Track, participant: Participant, muted: boolean) => void;
  /** The server's speakers list, loudest first (entries of unknown names left out). */
  activeSpeakers: (speakers: SpeakerLevel[]) => void;
  connectionQuality: (participant: Participant, quality: ConnectionQuality) => void;
  localTrackPublished: (track: LocalTrack, participant: LocalParticipant) => void;
  /** reason: 'unpublished' (unpublish()) or 'ended' (the track ended, e.g. the browser's "stop sharing"). */
  localTrackUnpublished: (track: LocalTrack, participant: LocalParticipant, reason: 'unpublished' | 'ended') => void;
  /** With ConnectOptions.mixedAudio: the room's audio without your own, one track; play it. */
  mixedAudio: (track: MediaStreamTrack) => void;
  /** A message another participant sent with send(); `private` when it named recipients. */
  data: (data: unknown, from: string, info: { private: boolean; reliable: boolean }) => void;
  /** The browser refused to start playback of an element (autoplay policy); play() it from a click. */
  playbackBlocked: (element: HTMLMediaElement, track: RemoteTrack) => void;
  reconnecting: (reason: string) => void;
  reconnected: () => void;
  disconnected: (reason: DisconnectReason, error?: RoomError) => void;
  /** A server `error` not answering a request, or a failure in the background (an offer, a re-offer). */
  error: (error: Error) => void;
}

/** One participant's side of a conference room. */
export class Room extends EventEmitter<RoomEvents> {
  constructor(options?: RoomOptions);
  readonly state: RoomState;
  readonly roomName: string | null;
  /** From `joined`: how long the server keeps us while reconnecting. */
  readonly graceSeconds: number;
  /** Everyone else, by name. */
  readonly participants: Map<string, RemoteParticipant>;
  /** Set once connected. */
  readonly localParticipant: LocalParticipant | null;
  /** With ConnectOptions.mixedAudio: the room without yourself as one audio track (null until it comes). */
  readonly mixedAudioTrack: MediaStreamTrack | null;
  /** The `main` publisher connection (camera, microphone); a new one after each change of its tracks. */
  readonly publisherConnection: RTCPeerConnection | null;
  /** The `screen` publisher connection while sharing. */
  readonly screenConnection: RTCPeerConnection | null;
  readonly subscriberConnection: RTCPeerConnection | null;
  /** Our data channels are up: from then on we get what the others send() (earlier messages are not kept for us). */
  readonly dataReady: boolean;

  /** Opens the socket, sends `join`, resolves on `joined`. */
  connect(roomName: string, name: string, options?: ConnectOptions): Promise<void>;
  publishCamera(options?: CameraPublishOptions): Promise<LocalTrack>;
  publishMicrophone(options?: PublishOptions): Promise<LocalTrack>;
  /** On its own publisher connection (`screen`). */
  publishScreen(options?: PublishOptions): Promise<LocalTrack>;
  /** Camera/microphone: `main` is offered anew without it (closed when empty); screen: `unpublish`. */
  unpublish(source: TrackSource): Promise<void>;
  /** Mute without renegotiation (replaceTrack(null)) plus a `mute` message. */
  setMuted(source: TrackSource, muted: boolean): Promise<void>;
  setSubscription(trackId: string, settings: SubscriptionSettings): void;
  /** A remote track by id (`{name}/{source}`). */
  getTrack(trackId: string): RemoteTrack | null;
  updateMetadata(update: { displayName?: string; metadata?: JsonObject }): Promise<void>;
  /**
   * Sends `data` (anything JSON can carry) to the others, or to `options.to`; the gateway adds
   * our name. A refusal (an unknown recipient, no publishData grant) comes as an `error` event
   * with code 'data_refused'. Reliable messages sent before the channel opens wait (up to 256).
   */
  send(data: unknown, options?: SendOptions): void;
  /** Sends `leave`, closes every PeerConnection and the socket; emits disconnected('client'). */
  disconnect(): Promise<void>;
}

// ---- signaling ------------------------------------------------------------------------------

export const MAX_FRAME_BYTES: number;
export const PING_INTERVAL_MS: number;

/** The rooms endpoint for `url` (default: this page's host, /rooms/ws). */
export function roomsUrl(url?: string): string;
/** Reconnect delay for attempt n (0-based): exponential, jittered, capped. */
export function backoffDelay(attempt: number, options?: { baseMs?: number; maxMs?: number }): number;
export function retryWithBackoff<T>(
  attempt: (n: number) => Promise<T>,
  options?: { deadline?: number; retryable?: (err: any) => boolean; shouldStop?: () => boolean },
): Promise<T>;

export interface SignalingMessage {
  type: string;
  rid?: string;
  [field: string]: unknown;
}

export interface SignalingEvents extends EventMap {
  message: (msg: SignalingMessage) => void;
  close: (info: { code: number; reason: string; expected: boolean }) => void;
}

/** The room WebSocket: JSON messages, rids, a ping every 10 s. */
export class SignalingChannel extends EventEmitter<SignalingEvents> {
  constructor(url?: string);
  readonly url: string;
  readonly connected: boolean;
  open(): Promise<void>;
  send(msg: SignalingMessage): string | undefined;
  /** Sends msg with a new rid; resolves with the next reply of a type in `expect` that `match` accepts. */
  request(
    msg: SignalingMessage,
    expect: string[],
    options?: { timeoutMs?: number; match?: (reply: SignalingMessage) => boolean },
  ): Promise<SignalingMessage>;
  newRid(): string;
  close(code?: number, reason?: string): void;
}

// ---- adaptive stream ------------------------------------------------------------------------

export const ADAPTIVE_DEBOUNCE_MS: number;

/** Watches the <video> elements of remote tracks; used by Room when adaptiveStream is on. */
export class AdaptiveStream {
  constructor(
    send: (track: RemoteTrack, settings: { paused: boolean; maxWidth?: number; maxHeight?: number }) => void,
    options?: { debounceMs?: number },
  );
  observe(track: RemoteTrack, element: HTMLVideoElement): void;
  unobserve(track: RemoteTrack, element: HTMLVideoElement): void;
  forget(track: RemoteTrack): void;
  dispose(): void;
}

// ---- WHIP / WHEP ----------------------------------------------------------------------------

export interface SimulcastEncoding {
  readonly rid: Layer;
  readonly scaleResolutionDownBy: number;
  readonly maxBitrate: number;
}
/** Simulcast layers, lowest first (rid l/m/h). */
export const SIMULCAST_ENCODINGS: readonly SimulcastEncoding[];
export const GATHER_TIMEOUT_MS: number;
export function waitForGathering(pc: RTCPeerConnection, timeoutMs?: number): Promise<void>;

export class WhipError extends Error {
  constructor(status: number, reason?: string);
  readonly status: number;
  readonly reason: string | undefined;
}

/** One WHIP or WHEP session. */
export class Session {
  readonly pc: RTCPeerConnection;
  /** Absolute URL of the session resource (Location). */
  readonly resourceUrl: string;
  readonly etag: string | null;
  /** Remote tracks (players only). */
  readonly stream: MediaStream;
  readonly layer: Layer | null;
  readonly closed: boolean;
  /** PATCH the session to forward another simulcast layer (WHEP only). */
  setLayer(layer: Layer): Promise<void>;
  /** DELETE the session and close the connection; idempotent. */
  stop(): Promise<void>;
}

/** ICE options of publish() and play(). */
export interface IceOptions {
  iceServers?: RTCIceServer[];
  /** Also use the servers the endpoint offers in its OPTIONS Link headers (its TURN server). */
  askIceServers?: boolean;
  /** 'relay' connects through TURN only. */
  iceTransportPolicy?: RTCIceTransportPolicy;
}

/** WHIP: publishes the first video and audio track of `mediaStream` to `url`. */
export function publish(
  url: string,
  mediaStream: MediaStream,
  options?: { simulcast?: boolean; token?: string } & IceOptions,
): Promise<Session>;

/** WHEP: plays the stream at `url`; the Session's `stream` gets the tracks. */
export function play(
  url: string,
  options?: { layer?: Layer; token?: string } & IceOptions,
): Promise<Session>;

/** The ICE servers a WHIP/WHEP endpoint offers (OPTIONS, `Link: rel="ice-server"`): its STUN/TURN
 * URLs and the built-in TURN server over UDP and TCP with fresh credentials. */
export function fetchIceServers(url: string, options?: { token?: string }): Promise<RTCIceServer[]>;

/** The `rel="ice-server"` entries of a Link header value (RFC 9725 §4.6). */
export function parseIceServerLinks(value: string | null): RTCIceServer[];
