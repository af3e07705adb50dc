// Data channels and timed metadata across nodes (docs/CLUSTER.md "Relays"): a Chromium
// publisher on node 1 sends 300 chat messages of 1 KiB and, every 30 frames, the frame counter
// it draws on its 'metadata' channel; a Chromium WHEP player on node 2 gets the stream through
// a relay and with it every chat message in order, and each metadata event while it presents
// the frame it belongs to (the stamp taken on node 1 crosses with the message).
import assert from 'node:assert/strict';
import { figure } from './lib/harness.mjs';
import { clusterTest } from './lib/cluster.mjs';
import { openDemo, startPlayer, waitConnected, waitUntil } from './lib/pages.mjs';
import { publishCounter, sendMetadata, watchMetadata, metadataEvents } from './lib/metadata.mjs';
import { getJson } from './lib/api.mjs';

const CHAT = 300;
const SECONDS = 12;

const channelOpen = (page, session, label) =>
  page.evaluate(({ session, label }) => window.__e2e.sessions[session].channels.get(label)?.readyState === 'open',
    { session, label });

clusterTest('data and timed metadata cross a relay: chat in order, metadata in step with the far player\'s frames', async ({ nodes, browser }) => {
  const [n1, n2] = nodes;
  const pub = await openDemo(browser, n1, 'publisher');
  await publishCounter(pub, 'live', ['metadata', 'chat']);
  await waitConnected(pub, 'pub');
  for (const label of ['metadata', 'chat']) await waitUntil(`the publisher's ${label} channel to open`, () => channelOpen(pub, 'pub', label));

  const player = await openDemo(browser, n2, 'player');
  await startPlayer(player, 'live', { dataChannels: ['metadata', 'chat'] });
  await waitConnected(player, 'play');
  for (const label of ['metadata', 'chat']) await waitUntil(`the player's ${label} channel to open`, () => channelOpen(player, 'play', label));
  await watchMetadata(player);
  await player.evaluate(() => {
    const s = window.__e2e.sessions.play;
    const got = { count: 0, order: true, last: -1 };
    window.__e2e.chat = got;
    const raise = s.ondata;
    s.ondata = (label, data) => {
      if (label !== 'chat') return raise?.(label, data);
      const i = Number(data.slice(0, data.indexOf(':')));
      if (i !== got.last + 1 || data.length !== 1024) got.order = false;
      got.last = i;
      got.count += 1;
    };
  });
  await waitUntil('the player to show frames', () => player.evaluate(() => window.__e2e.elements.play.video.videoWidth > 0));
  const relays = (await getJson(n2, '/api/sessions')).filter((s) => s.kind === 'relay-in').map((s) => `${s.stream}<-${s.peerNode}`);
  figure('relays into node 2', relays);
  assert.deepEqual(relays, ['live<-n1']);

  await pub.evaluate((count) => {
    for (let i = 0; i < count; i++) {
      const head = `${i}:`;
      window.__e2e.sessions.pub.send('chat', head + 'x'.repeat(1024 - head.length));
    }
  }, CHAT);
  await sendMetadata(pub, true);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const sent = await sendMetadata(pub, false);
  await new Promise((r) => setTimeout(r, 1000));

  const chat = await player.evaluate(() => window.__e2e.chat);
  figure('chat messages of 1 KiB received on node 2, in order', [chat.count, chat.order], `[${CHAT}, true]`);
  assert.deepEqual([chat.count, chat.order], [CHAT, true]);
  const { events, histogram, within } = await metadataEvents(player);
  figure('metadata events raised on node 2 / messages sent on node 1', [events.length, sent], `>= ${SECONDS - 2}`);
  figure('shown counter minus K: count per offset', histogram);
  figure('share of events within K ± 2', within, '>= 0.9');
  assert.ok(events.length >= SECONDS - 2, `only ${events.length} metadata events`);
  assert.ok(within >= 0.9, `only ${within} of the events within K ± 2`);
}, { count: 2, timeoutMs: 120000 });
