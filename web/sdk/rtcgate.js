// rtcgate.js: the entry point of the rtcgate browser SDK (docs/CLIENT.md). Plain ES modules, no
// build step: `import { Room } from '/sdk/rtcgate.js'`. Nothing is put on `window`.
// Types: rtcgate.d.ts next to this file.
export { Room } from './room.js';
export { RoomError, SignalingChannel, roomsUrl, backoffDelay, retryWithBackoff, MAX_FRAME_BYTES, PING_INTERVAL_MS } from './signaling.js';
export { Track, LocalTrack, RemoteTrack } from './tracks.js';
export { Participant, LocalParticipant, RemoteParticipant } from './participants.js';
export { AdaptiveStream, ADAPTIVE_DEBOUNCE_MS } from './adaptive.js';
export { EventEmitter } from './events.js';
export {
  SIMULCAST_ENCODINGS, GATHER_TIMEOUT_MS, WhipError, Session, publish, play, waitForGathering, fetchIceServers,
  parseIceServerLinks,
} from './whip.js';
