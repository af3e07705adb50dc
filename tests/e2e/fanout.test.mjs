// One publisher, five players at once (each its own browser context): every player decodes.
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import * as api from './lib/api.mjs';
import { openDemo, startPublisher, startPlayer, waitConnected, readStats, waitUntil } from './lib/pages.mjs';

const PLAYERS = 5;

e2eTest(`fan-out: 1 publisher, ${PLAYERS} players`, async ({ gw, browser }) => {
  const pub = await openDemo(browser, gw, 'publisher');
  await startPublisher(pub, 'fan', { width: 640, height: 360 });
  await waitConnected(pub, 'pub');

  const players = [];
  for (let i = 0; i < PLAYERS; ++i) players.push(await openDemo(browser, gw, `player${i}`));
  // All players join at the same moment.
  await Promise.all(players.map((p) => startPlayer(p, 'fan')));
  await Promise.all(players.map((p) => waitConnected(p, 'play', 20000)));

  const streams = await api.streams(gw);
  figure('subscribers in /api/streams', streams.map((s) => `${s.name}:${s.subscribers}`));
  assert.equal(streams.find((s) => s.name === 'fan')?.subscribers, PLAYERS);

  const frames = await waitUntil(`all ${PLAYERS} players to decode >= 100 frames`, async () => {
    const counts = [];
    for (const p of players) counts.push((await readStats(p, 'play')).videoIn?.framesDecoded ?? 0);
    return counts.every((n) => n >= 100) ? counts : { ok: false, counts };
  }, { timeoutMs: 30000, intervalMs: 1000 });
  figure('frames decoded per player', frames, 'each >= 100');

  const audio = [];
  for (const p of players) audio.push((await readStats(p, 'play')).audioIn?.packetsReceived ?? 0);
  figure('audio packets per player', audio, 'each >= 50');
  assert.ok(audio.every((n) => n >= 50));
});
