// pages.mjs: drives WHIP publishers and WHEP players inside browser pages through the demo's own
// web/whip-client.js and web/stats.js, and samples their getStats() figures over time.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `probe` until it returns a truthy value; returns that value, or throws naming `what` and
// the last value seen.
export async function waitUntil(what, probe, { timeoutMs = 20000, intervalMs = 250 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last && (typeof last !== 'object' || last.ok !== false)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await sleep(intervalMs);
  }
}

// Opens the demo page served by the gateway and loads the client modules into window.__e2e.
export async function openDemo(browser, gw, label) {
  const page = await browser.newPage(label);
  const res = await page.goto(`${gw.url}/`);
  if (!res || res.status() !== 200) throw new Error(`GET ${gw.url}/ answered ${res?.status()}: the demo page is not served`);
  await page.evaluate(async () => {
    const client = await import('/whip-client.js');
    const stats = await import('/stats.js');
    window.__e2e = { client, stats, sessions: {} };
  });
  return page;
}

// Publishes the fake camera (width x height) and microphone under `stream` as session `name`.
// `ice` takes the ICE options of web/sdk/whip.js publish()/play(): { askIceServers, iceTransportPolicy }.
export async function startPublisher(page, stream, { name = 'pub', simulcast = false, width = 1280, height = 720, token, ice = {}, dataChannels } = {}) {
  return page.evaluate(
    async ({ stream, name, simulcast, width, height, token, ice, dataChannels }) => {
      const media = await navigator.mediaDevices.getUserMedia({
        video: { width: { exact: width }, height: { exact: height } },
        audio: true,
      });
      const s = await window.__e2e.client.publish(`/whip/${stream}`, media, { simulcast, token, dataChannels, ...ice });
      window.__e2e.sessions[name] = s;
      return { location: s.resourceUrl };
    },
    { stream, name, simulcast, width, height, token, ice, dataChannels },
  );
}

// Plays `stream` as session `name`, with the remote tracks attached to <video> and <audio>
// elements that were started: Chromium only decodes (and reports totalAudioEnergy for) audio
// that is played out.
export async function startPlayer(page, stream, { name = 'play', layer, token, ice = {}, dataChannels } = {}) {
  return page.evaluate(
    async ({ stream, name, layer, token, ice, dataChannels }) => {
      const s = await window.__e2e.client.play(`/whep/${stream}`, { layer, token, dataChannels, ...ice });
      window.__e2e.sessions[name] = s;
      const video = document.createElement('video');
      const audio = document.createElement('audio');
      video.muted = true;
      video.playsInline = true;
      window.__e2e.elements = { ...window.__e2e.elements, [name]: { video, audio } };
      for (const el of [video, audio]) {
        el.id = `${name}-${el.tagName.toLowerCase()}`;
        el.autoplay = true;
        el.srcObject = s.stream;
        document.body.append(el);
      }
      s.pc.addEventListener('track', () => {
        video.play().catch(() => {});
        audio.play().catch(() => {});
      });
      // play() of an element whose stream has no track of its kind (a stream without
      // audio) stays pending: do not wait for it.
      await Promise.race([Promise.allSettled([video.play(), audio.play()]), new Promise((r) => setTimeout(r, 2000))]);
      return { location: s.resourceUrl };
    },
    { stream, name, layer, token, ice, dataChannels },
  );
}

export async function connectionState(page, name) {
  return page.evaluate((name) => window.__e2e.sessions[name]?.pc.connectionState ?? 'none', name);
}

export async function waitConnected(page, name, timeoutMs = 15000) {
  return waitUntil(`${page.label}/${name} to connect`, async () => {
    const state = await connectionState(page, name);
    if (state === 'failed' || state === 'closed') throw new Error(`${page.label}/${name} peer connection ${state}`);
    return state === 'connected' ? state : { ok: false, state };
  }, { timeoutMs });
}

// One cumulative getStats() reading of session `name` (see web/stats.js readStats).
export async function readStats(page, name) {
  return page.evaluate((name) => window.__e2e.stats.readStats(window.__e2e.sessions[name].pc), name);
}

// Average bitrate sent by session `name` over `ms` milliseconds, in bits per second.
export async function outboundBitrate(page, name, ms = 2000) {
  const a = await readStats(page, name);
  await sleep(ms);
  const b = await readStats(page, name);
  return ((b.bytesSent - a.bytesSent) * 8 * 1000) / (b.timestamp - a.timestamp);
}

// The publisher's highest outbound encoding (the full layer with simulcast).
export function topEncoding(stats) {
  return stats.videoOut.reduce((best, e) => (e.frameWidth > (best?.frameWidth ?? -1) ? e : best), null);
}

// Takes readings of session `name` every `intervalMs` for `durationMs`.
export async function sampleStats(page, name, durationMs, intervalMs = 1000) {
  const samples = [];
  const end = Date.now() + durationMs;
  while (Date.now() < end) {
    samples.push(await readStats(page, name));
    await sleep(intervalMs);
  }
  samples.push(await readStats(page, name));
  return samples;
}

// The local UDP port of the selected ICE candidate pair of session `name` (where media arrives).
export async function localMediaPort(page, name) {
  return page.evaluate(async (name) => {
    const report = await window.__e2e.sessions[name].pc.getStats();
    let pair = null;
    report.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId);
    });
    if (!pair) report.forEach((s) => {
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s;
    });
    return pair ? report.get(pair.localCandidateId)?.port ?? null : null;
  }, name);
}

// The selected ICE candidate pair of session `name` with both of its candidates
// ({state, nominated, local: {protocol, port, candidateType, tcpType, relayProtocol, url, address},
// remote: {...}}), or null.
export async function selectedPair(page, name) {
  return page.evaluate(async (name) => {
    const report = await window.__e2e.sessions[name].pc.getStats();
    let pair = null;
    report.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId);
    });
    if (!pair) report.forEach((s) => {
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s;
    });
    if (!pair) return null;
    const side = (id) => {
      const c = report.get(id);
      return c ? { protocol: c.protocol, address: c.address, port: c.port, candidateType: c.candidateType,
                   tcpType: c.tcpType ?? null, relayProtocol: c.relayProtocol ?? null, url: c.url ?? null } : null;
    };
    return { state: pair.state, nominated: pair.nominated, local: side(pair.localCandidateId), remote: side(pair.remoteCandidateId) };
  }, name);
}

// The local candidate of session `name`'s selected pair: { candidateType, protocol,
// relayProtocol, url, address, port } (null before a pair is selected).
export async function selectedLocalCandidate(page, name) {
  return (await selectedPair(page, name))?.local ?? null;
}

export async function setLayer(page, name, layer) {
  return page.evaluate(({ name, layer }) => window.__e2e.sessions[name].setLayer(layer), { name, layer });
}

export async function stopSession(page, name) {
  return page.evaluate((name) => window.__e2e.sessions[name]?.stop(), name);
}

// Starts recording, in the page, the wall-clock gaps between frames presented by session `name`'s
// <video> element (requestVideoFrameCallback): a stall shows up as one long gap even when
// getStats' freeze heuristics do not count it.
export async function startFrameGapMonitor(page, name = 'play') {
  return page.evaluate((name) => {
    // By stream, not id: the demo page has its own #play-video.
    const stream = window.__e2e.sessions[name]?.stream;
    const video = [...document.querySelectorAll('video')].find((v) => stream && v.srcObject === stream);
    if (!video) throw new Error(`no <video> plays session ${name}`);
    const m = { frames: 0, maxGapMs: 0, last: null, gaps: [] };
    const onFrame = (now) => {
      if (m.last !== null) {
        const gap = now - m.last;
        if (gap > m.maxGapMs) m.maxGapMs = gap;
        if (gap > 250) m.gaps.push(Math.round(gap));
      }
      m.last = now;
      m.frames += 1;
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    window.__e2e.gaps = window.__e2e.gaps ?? {};
    window.__e2e.gaps[name] = m;
  }, name);
}

// {frames, maxGapMs, gaps (those > 250 ms)} since the monitor started or was last reset; the gap
// still open (time since the last frame) counts too.
export async function readFrameGaps(page, name = 'play', { reset = false } = {}) {
  return page.evaluate(({ name, reset }) => {
    const m = window.__e2e.gaps?.[name];
    if (!m) throw new Error(`no frame gap monitor for session ${name}`);
    const open = m.last === null ? 0 : performance.now() - m.last;
    const out = { frames: m.frames, maxGapMs: Math.max(m.maxGapMs, open), gaps: [...m.gaps] };
    if (reset) Object.assign(m, { frames: 0, maxGapMs: 0, gaps: [] });
    return out;
  }, { name, reset });
}
