// rooms.mjs: drives the conference page (/room.html) in browser pages — joins, reads what each
// page receives from the others (per participant, from the subscriber connection's getStats), and
// watches remote <video> elements for freezes.
import { waitUntil } from './pages.mjs';

// Opens /room.html?room=R&name=N (joins with camera and microphone at once) and waits until joined.
export async function joinRoom(browser, gw, room, name, { timeoutMs = 20000, query = '&size=480x270' } = {}) {
  const page = await browser.newPage(name);
  const res = await page.goto(`${gw.url}/room.html?room=${encodeURIComponent(room)}&name=${encodeURIComponent(name)}${query}`);
  if (!res || res.status() !== 200) throw new Error(`GET /room.html answered ${res?.status()}`);
  await waitUntil(`${name} to join ${room}`, () => page.evaluate(() => window.roomState?.joined || window.roomState?.error), { timeoutMs });
  const error = await page.evaluate(() => window.roomState.error);
  if (error) throw new Error(`${name} could not join: ${error}`);
  page.roomName = name;
  return page;
}

// {participant: {camera: {framesDecoded, ...}, microphone: {totalAudioEnergy, ...}}} as this page receives.
export async function received(page) {
  return page.evaluate(async () => {
    const room = window.room;
    const out = {};
    const pc = room?.subscriberConnection;
    if (!pc) return out;
    const byMid = {};
    (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp') byMid[s.mid] = s; });
    for (const [name, p] of room.participants) {
      const o = {};
      for (const [source, t] of p.tracks) {
        const s = t.mid != null ? byMid[t.mid] : null;
        if (!s) continue;
        o[source] = { framesDecoded: s.framesDecoded ?? 0, totalAudioEnergy: s.totalAudioEnergy ?? 0,
                      packetsReceived: s.packetsReceived ?? 0, frameWidth: s.frameWidth ?? 0,
                      freezeCount: s.freezeCount ?? 0, totalFreezesDuration: s.totalFreezesDuration ?? 0 };
      }
      out[name] = o;
    }
    return out;
  });
}

// Frames the page's camera encoder made, per simulcast layer: {rid: {frames, width}}.
export async function framesSent(page) {
  return page.evaluate(async () => {
    const pc = window.room?.publisherConnection;
    const out = {};
    if (!pc) return out;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video') out[s.rid ?? '-'] = { frames: s.framesEncoded ?? 0, width: s.frameWidth ?? 0 };
    });
    return out;
  });
}

// Frames sent between two framesSent() samples on the layer `width` wide (the one a receiver
// decodes), or on the busiest layer when none is that wide.
export function framesSentOnLayer(before, after, width) {
  let best = 0;
  for (const [rid, a] of Object.entries(after)) {
    const n = a.frames - (before[rid]?.frames ?? 0);
    if (a.width === width) return n;
    best = Math.max(best, n);
  }
  return best;
}

// Records, in the page, when each participant left (Date.now(), the machine's clock).
export async function recordLeaves(page) {
  await page.evaluate(() => {
    window.__leftAt = {};
    window.room.on('participantLeft', (p) => { window.__leftAt[p.name] = Date.now(); });
  });
}

// Milliseconds from `sinceMs` until every page saw `name` leave (waits up to `timeoutMs`).
export async function leaveDelay(pages, name, sinceMs, timeoutMs) {
  const times = await waitUntil(`every page to see ${name} leave`, async () => {
    const t = await Promise.all(pages.map((p) => p.evaluate((n) => window.__leftAt?.[n] ?? null, name)));
    return t.every((x) => x !== null) ? t : false;
  }, { timeoutMs, intervalMs: 200 });
  return Math.max(...times) - sinceMs;
}

// Display names on the page's remote camera tiles.
export async function remoteNames(page) {
  return page.evaluate(() => [...document.querySelectorAll('video[data-participant][data-source="camera"]')]
    .map((v) => v.dataset.participant).sort());
}

// Starts recording the largest gap between presented frames of every remote camera video.
export async function watchFreezes(page) {
  await page.evaluate(() => {
    window.__freezes = {};
    for (const v of document.querySelectorAll('video[data-participant][data-source="camera"]')) {
      const m = { maxGapMs: 0, last: null, frames: 0, since: performance.now() };
      window.__freezes[v.dataset.participant] = m;
      const onFrame = (now) => {
        if (m.last !== null) m.maxGapMs = Math.max(m.maxGapMs, now - m.last);
        m.last = now;
        m.frames += 1;
        v.requestVideoFrameCallback(onFrame);
      };
      v.requestVideoFrameCallback(onFrame);
    }
  });
}

// {name: {maxGapMs, frames}} since watchFreezes, the gap still open included (a video that
// showed nothing has been frozen since watching began).
export async function readFreezes(page) {
  return page.evaluate(() => Object.fromEntries(Object.entries(window.__freezes ?? {}).map(([n, m]) =>
    [n, { frames: m.frames, maxGapMs: Math.round(Math.max(m.maxGapMs, performance.now() - (m.last ?? m.since))) }])));
}

// Until every page decodes video and hears audio from every other name in `names`.
export async function waitEveryoneReceives(pages, names, timeoutMs = 30000) {
  return waitUntil(`every page to receive video and audio from ${names.join(', ')}`, async () => {
    const missing = [];
    for (const p of pages) {
      const r = await received(p);
      for (const other of names) {
        if (other === p.roomName) continue;
        if (!(r[other]?.camera?.framesDecoded > 0)) missing.push(`${p.roomName}<-${other} video`);
        if (!(r[other]?.microphone?.totalAudioEnergy > 0)) missing.push(`${p.roomName}<-${other} audio`);
      }
    }
    return missing.length ? { ok: false, missing } : true;
  }, { timeoutMs, intervalMs: 500 });
}
