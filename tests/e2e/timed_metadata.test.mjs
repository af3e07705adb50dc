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
import { publishCounter, sendMetadata, watchMetadata, metadataEvents } from './lib/metadata.mjs';

const SECONDS = 25;

e2eTest('timed metadata: the event for counter K fires while the player shows frame K ± 2', async ({ gw, browser }) => {
  const pub = await openDemo(browser, gw, 'publisher');
  await publishCounter(pub, 'meta');
  await waitConnected(pub, 'pub');
  await waitUntil('the publisher\'s metadata channel to open', () =>
    pub.evaluate(() => window.__e2e.sessions.pub.channels.get('metadata')?.readyState === 'open'));

  const player = await openDemo(browser, gw, 'player');
  await startPlayer(player, 'meta', { dataChannels: ['metadata'] });
  await waitConnected(player, 'play');
  await watchMetadata(player);
  await waitUntil('the player to decode frames', async () => {
    const width = await player.evaluate(() => window.__e2e.elements.play.video.videoWidth);
    if (width > 0) return true;
    const [p, v] = [await readStats(pub, 'pub'), await readStats(player, 'play')];
    return { ok: false, width, sent: p.videoOut ?? p.outbound ?? Object.keys(p), got: v.videoIn };
  });

  await sendMetadata(pub, true);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const sent = await sendMetadata(pub, false);
  await new Promise((r) => setTimeout(r, 1000));

  const { events, histogram, within } = await metadataEvents(player);
  figure('metadata events raised / messages sent', [events.length, sent], `>= ${SECONDS - 2} raised`);
  figure('shown counter minus K: count per offset', histogram);
  figure('share of events within K ± 2', within, '>= 0.95');
  assert.ok(events.length >= SECONDS - 2, `only ${events.length} metadata events`);
  assert.ok(within >= 0.95, `only ${within} of the ${events.length} events within K ± 2`);
});
