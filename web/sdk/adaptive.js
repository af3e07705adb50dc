// adaptive.js: adaptive stream. Asks the server for no more of a remote video track than the page
// shows: `paused` while none of the <video> elements it is attached to is visible (off screen,
// display:none, zero size, or the tab hidden), and otherwise `maxWidth`/`maxHeight` of the largest
// rendered element in device pixels, so the server forwards the simulcast layer that fits.
// Changes are debounced: a window resize or a scroll must not become a burst of messages (the
// server closes sockets that send too fast).

export const ADAPTIVE_DEBOUNCE_MS = 300;
// The largest size the server accepts in a `subscription`.
const MAX_DIMENSION = 16384;

// How one element is seen: intersecting the viewport, and its rendered content-box size in CSS px.
class ElementView {
  constructor(track) {
    this.track = track;
    this.visible = false;
    this.width = 0;
    this.height = 0;
  }
}

// One track's elements and what was last asked for it.
class TrackView {
  constructor() {
    this.elements = new Set();
    this.timer = null;
    this.last = null; // { paused, maxWidth, maxHeight } as last sent
  }
}

export class AdaptiveStream {
  #send;  // (track, { paused, maxWidth?, maxHeight? }) => void
  #debounceMs;
  #elements = new Map(); // element → ElementView
  #tracks = new Map();   // RemoteTrack → TrackView
  #io;
  #ro;
  #onVisibility = () => this.#scheduleAll();

  constructor(send, { debounceMs = ADAPTIVE_DEBOUNCE_MS } = {}) {
    this.#send = send;
    this.#debounceMs = debounceMs;
    this.#io = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const view = this.#elements.get(e.target);
        if (!view) continue;
        view.visible = e.isIntersecting;
        this.#schedule(view.track);
      }
    });
    this.#ro = new ResizeObserver((entries) => {
      for (const e of entries) {
        const view = this.#elements.get(e.target);
        if (!view) continue;
        view.width = e.contentRect.width;
        view.height = e.contentRect.height;
        this.#schedule(view.track);
      }
    });
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  // Starts watching `element` (a <video> that `track` is attached to).
  observe(track, element) {
    if (this.#elements.has(element)) this.unobserve(this.#elements.get(element).track, element);
    let tv = this.#tracks.get(track);
    if (!tv) this.#tracks.set(track, (tv = new TrackView()));
    tv.elements.add(element);
    this.#elements.set(element, new ElementView(track));
    this.#io.observe(element);
    this.#ro.observe(element);
  }

  // Stops watching `element`; with no element left the track is paused (nothing shows it).
  unobserve(track, element) {
    const view = this.#elements.get(element);
    if (!view || view.track !== track) return;
    this.#elements.delete(element);
    this.#io.unobserve(element);
    this.#ro.unobserve(element);
    const tv = this.#tracks.get(track);
    tv?.elements.delete(element);
    if (tv) this.#schedule(track);
  }

  // Forgets `track` without asking anything more for it (it was unsubscribed).
  forget(track) {
    const tv = this.#tracks.get(track);
    if (!tv) return;
    clearTimeout(tv.timer);
    for (const el of tv.elements) {
      this.#elements.delete(el);
      this.#io.unobserve(el);
      this.#ro.unobserve(el);
    }
    this.#tracks.delete(track);
  }

  dispose() {
    for (const tv of this.#tracks.values()) clearTimeout(tv.timer);
    this.#tracks.clear();
    this.#elements.clear();
    this.#io.disconnect();
    this.#ro.disconnect();
    document.removeEventListener('visibilitychange', this.#onVisibility);
  }

  #scheduleAll() {
    for (const track of this.#tracks.keys()) this.#schedule(track);
  }

  #schedule(track) {
    const tv = this.#tracks.get(track);
    if (!tv) return;
    clearTimeout(tv.timer);
    tv.timer = setTimeout(() => this.#flush(track), this.#debounceMs);
  }

  #flush(track) {
    const tv = this.#tracks.get(track);
    if (!tv) return;
    tv.timer = null;
    const want = this.#wanted(tv);
    const last = tv.last;
    if (last && last.paused === want.paused && last.maxWidth === want.maxWidth && last.maxHeight === want.maxHeight) return;
    tv.last = want;
    // While paused the size is left as it was: it did not change, only visibility did.
    this.#send(track, want.paused ? { paused: true } : want);
  }

  #wanted(tv) {
    let maxWidth = 0;
    let maxHeight = 0;
    if (document.visibilityState !== 'hidden') {
      const dpr = globalThis.devicePixelRatio || 1;
      for (const el of tv.elements) {
        const v = this.#elements.get(el);
        if (!v?.visible || v.width <= 0 || v.height <= 0) continue;
        maxWidth = Math.max(maxWidth, Math.ceil(v.width * dpr));
        maxHeight = Math.max(maxHeight, Math.ceil(v.height * dpr));
      }
    }
    if (maxWidth === 0) return { paused: true };
    return { paused: false, maxWidth: Math.min(maxWidth, MAX_DIMENSION), maxHeight: Math.min(maxHeight, MAX_DIMENSION) };
  }
}
