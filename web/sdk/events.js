// events.js: a tiny event emitter, the base of Room and SignalingChannel. Typed in rtcgate.d.ts
// (EventEmitter<Events> maps each event name to its listener signature).

export class EventEmitter {
  // event name → Set of listeners; a Set keeps insertion order and ignores double registration.
  #listeners = new Map();

  // Adds `listener` for `type`; returns a function that removes it again.
  on(type, listener) {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => this.off(type, listener);
  }

  // Like on(), but the listener runs at most once. Remove it early with the returned function.
  once(type, listener) {
    const off = this.on(type, (...args) => {
      off();
      listener(...args);
    });
    return off;
  }

  off(type, listener) {
    this.#listeners.get(type)?.delete(listener);
  }

  removeAllListeners(type) {
    if (type === undefined) this.#listeners.clear();
    else this.#listeners.delete(type);
  }

  // Calls every listener of `type` in order; returns whether there was any. A listener that throws
  // is reported (window 'error' event / console) and the others still run: an application bug must
  // not wedge the SDK's own state machine halfway through a message.
  emit(type, ...args) {
    const set = this.#listeners.get(type);
    if (!set || set.size === 0) return false;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (err) {
        report(err);
      }
    }
    return true;
  }
}

function report(err) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(err);
  else setTimeout(() => { throw err; });
}
