// Timed metadata in step with the picture: a Chromium publisher draws a frame counter into
// a canvas it publishes over WHIP (captureStream) and, each time the counter is a multiple
// of 30, sends {counter} on its 'metadata' data channel. The gateway stamps each message
// with the RTP timestamp of the video arriving at that moment and gives it to a Chromium
// WHEP player in the player's own RTP clock; the SDK raises it when the frame with that
// timestamp is presented (requestVideoFrameCallback). There the test reads the counter off
// the presented frame: for >= 95 % of the events it is within K ± 2.
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import { openDemo, startPlayer, waitConnected, waitUntil, readStats } from './lib/pages.mjs';

const SECONDS = 25;

e2eTest('timed metadata: the event for counter K fires while the player shows frame K ± 2', async ({ gw, browser }) => {
  const pub = await openDemo(browser, gw, 'publisher');
  await pub.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 180;
    document.body.append(canvas);
    const ctx = canvas.getContext('2d');
    // The counter as 16 bars, white for a set bit: big enough to survive the encoder.
    const draw = (k) => {
      for (let b = 0; b < 16; b++) {
        ctx.fillStyle = (k >> b) & 1 ? '#fff' : '#000';
        ctx.fillRect(b * 20, 0, 20, 180);
      }
    };
    // The counter runs from the start (a canvas only yields frames when it changes); the
    // messages start when the test says so.
    let counter = 0;
    window.__e2e.sent = 0;
    window.__e2e.sending = false;
    draw(0);
    setInterval(() => {
      counter += 1;
      draw(counter);
      if (window.__e2e.sending && counter % 30 === 0) {
        window.__e2e.sessions.pub.send('metadata', JSON.stringify({ counter }));
        window.__e2e.sent += 1;
      }
    }, 1000 / 30);
    const stream = canvas.captureStream(30);
    const s = await window.__e2e.client.publish('/whip/meta', stream, { dataChannels: ['metadata'] });
    window.__e2e.sessions.pub = s;
  });
  await waitConnected(pub, 'pub');
  await waitUntil('the publisher\'s metadata channel to open', () =>
    pub.evaluate(() => window.__e2e.sessions.pub.channels.get('metadata')?.readyState === 'open'));

  const player = await openDemo(browser, gw, 'player');
  await startPlayer(player, 'meta', { dataChannels: ['metadata'] });
  await waitConnected(player, 'play');
  await player.evaluate(() => {
    const s = window.__e2e.sessions.play;
    const video = window.__e2e.elements.play.video;
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 180;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    window.__e2e.events = [];
    s.showMetadataWith(video);
    s.onmetadata = (data, info) => {
      // The frame being presented now: read its counter.
      ctx.drawImage(video, 0, 0, 320, 180);
      let shown = 0;
      for (let b = 0; b < 16; b++) {
        const [r, g, bl] = ctx.getImageData(b * 20 + 10, 90, 1, 1).data;
        if (r + g + bl > 3 * 128) shown |= 1 << b;
      }
      window.__e2e.events.push({ k: data?.counter, shown, ts: info.rtpTimestamp });
    };
  });
  await waitUntil('the player to decode frames', async () => {
    const width = await player.evaluate(() => window.__e2e.elements.play.video.videoWidth);
    if (width > 0) return true;
    const [p, v] = [await readStats(pub, 'pub'), await readStats(player, 'play')];
    return { ok: false, width, sent: p.videoOut ?? p.outbound ?? Object.keys(p), got: v.videoIn };
  });

  await pub.evaluate(() => { window.__e2e.sending = true; });
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const sent = await pub.evaluate(() => { window.__e2e.sending = false; return window.__e2e.sent; });
  await new Promise((r) => setTimeout(r, 1000));

  const events = await player.evaluate(() => window.__e2e.events);
  const offsets = events.map((e) => e.shown - e.k);
  const histogram = {};
  for (const o of offsets) histogram[o] = (histogram[o] ?? 0) + 1;
  const within = offsets.filter((o) => Math.abs(o) <= 2).length;
  figure('metadata events raised / messages sent', [events.length, sent], `>= ${SECONDS - 2} raised`);
  figure('shown counter minus K: count per offset', histogram);
  figure('share of events within K ± 2', +(within / Math.max(1, events.length)).toFixed(3), '>= 0.95');
  assert.ok(events.length >= SECONDS - 2, `only ${events.length} metadata events`);
  assert.ok(within / events.length >= 0.95, `only ${within} of ${events.length} events within K ± 2`);
});
