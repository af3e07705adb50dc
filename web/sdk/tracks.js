// tracks.js: the SDK's view of one media track (a participant's camera, microphone or screen) and
// the <video>/<audio> elements it plays in.

// What Track, LocalTrack and RemoteTrack share: identity, mute state and attach/detach.
export class Track {
  #elements = new Set();

  constructor({ id, kind, source, muted = false }) {
    this.id = id;           // `{name}/{source}`, as the server names it
    this.kind = kind;       // 'audio' | 'video'
    this.source = source;   // 'camera' | 'microphone' | 'screen'
    this.muted = muted;
    this.mediaStreamTrack = null;
    // Told when a video element is attached or detached (the adaptive stream of remote tracks).
    this.onElementChange = null;
    // Told when the browser refuses to start playback (autoplay policy) of an element.
    this.onPlaybackBlocked = null;
  }

  get attachedElements() {
    return [...this.#elements];
  }

  // Plays this track in `element` (a new <video> or <audio> if none is given) and returns it. The
  // element may be attached before the media exists; it starts playing once it does. play() is
  // called explicitly because Chromium decodes (and reports audio energy for) remote audio only in
  // an element that was started, and `autoplay` alone is subject to the autoplay policy.
  attach(element) {
    const el = element ?? document.createElement(this.kind === 'video' ? 'video' : 'audio');
    el.autoplay = true;
    if (el instanceof HTMLVideoElement) el.playsInline = true;
    this.#elements.add(el);
    this.#bind(el);
    if (el instanceof HTMLVideoElement) this.onElementChange?.(el, true);
    return el;
  }

  // Stops playing in `element`, or in every element if none is given; returns the elements detached.
  detach(element) {
    const targets = element ? [element].filter((el) => this.#elements.has(el)) : [...this.#elements];
    for (const el of targets) {
      this.#elements.delete(el);
      if (el.srcObject instanceof MediaStream && el.srcObject.getTracks().includes(this.mediaStreamTrack)) {
        el.srcObject = null;
      }
      if (el instanceof HTMLVideoElement) this.onElementChange?.(el, false);
    }
    return targets;
  }

  // Called by the SDK when the media track becomes available or changes; rebinds every element.
  _setMediaStreamTrack(track) {
    this.mediaStreamTrack = track;
    for (const el of this.#elements) this.#bind(el);
  }

  #bind(el) {
    const track = this.mediaStreamTrack;
    if (!track) return;
    const current = el.srcObject;
    if (current instanceof MediaStream && current.getTracks().length === 1 && current.getTracks()[0] === track) return;
    // One MediaStream per element: a receiver's track object is reused when the server gives its
    // m-line to another remote track, so elements must never share a stream across tracks.
    el.srcObject = new MediaStream([track]);
    const played = el.play();
    if (played) {
      played.catch((err) => {
        if (err?.name === 'NotAllowedError') this.onPlaybackBlocked?.(el);
      });
    }
  }
}

// A track this participant publishes. `mediaStreamTrack` is the captured track, kept (and shown
// in a local preview) while muted; the sender sends nothing then.
export class LocalTrack extends Track {
  constructor({ id, kind, source, track, stopOnUnpublish, simulcast = false }) {
    super({ id, kind, source });
    this.mediaStreamTrack = track;
    this.stopOnUnpublish = stopOnUnpublish; // the SDK captured it, so it also stops it
    this.simulcast = simulcast;
  }
}

// A track another participant publishes. `mediaStreamTrack` is set while it is subscribed (between
// the trackSubscribed and trackUnsubscribed events).
export class RemoteTrack extends Track {
  constructor(info, participant) {
    super(info);
    this.stream = info.stream ?? null;  // the server's stream name ({room}/{name} or …/{name}.screen)
    this.participant = participant;
    this.subscribed = false;
    this.mid = null;
    // What this client asked of the server for this track (ROOMS.md `subscription`); resent after a
    // reconnect because messages sent while the socket was down are lost.
    this.subscription = {};
  }

  // Applies the fields of a server `track` object.
  _update(info) {
    if (typeof info.muted === 'boolean') this.muted = info.muted;
    if (info.stream) this.stream = info.stream;
    if (info.kind) this.kind = info.kind;
  }
}
