// room_data.js: messages between the participants of a room (DATA.md "Rooms"), on data channels
// of the subscriber connection: `room` (reliable, ordered) and `room-lossy` (unordered, never
// retransmitted: for state that the next message replaces). We send {"to": [...]?, "data": x};
// the others get {"from": name, "data": x} on their channel of the same label.
import { RoomError } from './signaling.js';

export const RELIABLE_LABEL = 'room';
export const LOSSY_LABEL = 'room-lossy';
// Messages kept while the channels open (after a join or a reconnect); older ones are refused.
const MAX_QUEUED = 256;

export class RoomData {
  #emit;
  #pc = null;
  #channels = new Map(); // label → our RTCDataChannel
  #queue = [];           // [label, text] sent before the channel opened

  constructor(emit) {
    this.#emit = emit;
  }

  // Opens our two channels on `pc` (once per PeerConnection), and takes the ones the gateway
  // opens (it does when it has a message for us before ours reached it).
  attach(pc) {
    if (this.#pc === pc) return;
    this.#pc = pc;
    this.#channels.clear();
    pc.addEventListener('datachannel', (e) => this.#wire(e.channel, false));
    this.#wire(pc.createDataChannel(RELIABLE_LABEL), true);
    this.#wire(pc.createDataChannel(LOSSY_LABEL, { ordered: false, maxRetransmits: 0 }), true);
  }

  // Whether our reliable channel is open: messages from the others reach us from then on.
  get ready() {
    return this.#channels.get(RELIABLE_LABEL)?.readyState === 'open';
  }

  detach() {
    this.#pc = null;
    this.#channels.clear();
  }

  // Sends `data` (anything JSON can carry) to everyone else, or to the participants named in
  // `to`. Lossy messages may be dropped on the way, and are dropped while the channel opens.
  send(data, { to, reliable = true } = {}) {
    if (to !== undefined && (!Array.isArray(to) || to.length === 0 || !to.every((n) => typeof n === 'string'))) {
      throw new RoomError('invalid', 'to: a non-empty array of participant names');
    }
    const text = JSON.stringify(to ? { to, data } : { data });
    if (text === undefined) throw new RoomError('invalid', 'data must be JSON');
    const label = reliable ? RELIABLE_LABEL : LOSSY_LABEL;
    const channel = this.#channels.get(label);
    if (channel?.readyState === 'open') {
      channel.send(text);
      return;
    }
    if (!reliable) return;
    if (this.#queue.length >= MAX_QUEUED) throw new RoomError('not_ready', 'the room data channel is not open yet');
    this.#queue.push([label, text]);
  }

  #wire(channel, ours) {
    if (channel.label !== RELIABLE_LABEL && channel.label !== LOSSY_LABEL) return;
    const reliable = channel.label === RELIABLE_LABEL;
    if (ours) {
      this.#channels.set(channel.label, channel);
      channel.addEventListener('open', () => this.#flush());
    }
    channel.addEventListener('message', (e) => {
      if (typeof e.data !== 'string') return;
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch {
        return;
      }
      if (msg?.error) this.#emit('error', new RoomError('data_refused', msg.error));
      else if (typeof msg?.from === 'string') this.#emit('data', msg.data, msg.from, { private: !!msg.private, reliable });
    });
  }

  #flush() {
    const waiting = this.#queue;
    this.#queue = [];
    for (const [label, text] of waiting) {
      const channel = this.#channels.get(label);
      if (channel?.readyState === 'open') channel.send(text);
      else this.#queue.push([label, text]);
    }
  }
}
