// One publisher, five players at once (each its own browser context): every player decodes.
// Then the same across three workers with two players per worker before a stream fans out.
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import * as api from './lib/api.mjs';
import { openDemo, startPublisher, startPlayer, waitConnected, readStats, waitUntil, stopSession, topEncoding } from './lib/pages.mjs';

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

// Three workers, two players per worker before a stream fans out (docs/ARCHITECTURE.md): the
// five players land two on the stream's worker, two on a replica and one on another, each
// replica fed by one relay from the stream's worker; every player decodes >= 90 % of the
// frames sent, and a replica whose players left is let go.
e2eTest('fan-out across workers: past 2 players per worker a stream is relayed to the others', async ({ gw, browser }) => {
  const pub = await openDemo(browser, gw, 'publisher');
  await startPublisher(pub, 'wide', { width: 320, height: 180 });
  await waitConnected(pub, 'pub');
  const players = [];
  for (let i = 0; i < PLAYERS; ++i) {  // one after another: each placement sees the last
    const p = await openDemo(browser, gw, `player${i}`);
    await startPlayer(p, 'wide');
    await waitConnected(p, 'play', 20000);
    players.push(p);
  }
  const sessions = await api.getJson(gw, '/api/sessions');
  const of = (kind) => sessions.filter((s) => s.kind === kind && s.stream === 'wide');
  const byWorker = {};
  for (const s of of('whep')) byWorker[s.worker] = (byWorker[s.worker] ?? 0) + 1;
  const source = of('whip')[0].worker;
  figure('players by worker (the stream on worker ' + source + ')', byWorker, 'two, two and one');
  assert.deepEqual(Object.values(byWorker).sort(), [1, 2, 2]);
  assert.equal(byWorker[source], 2);
  const relaysIn = of('relay-in').map((s) => s.worker).sort();
  const relaysOut = of('relay-out').map((s) => s.worker);
  figure('relays: into workers, out of workers', [relaysIn, relaysOut]);
  assert.deepEqual(relaysIn, Object.keys(byWorker).map(Number).filter((w) => w !== source).sort());
  assert.deepEqual(relaysOut, [source, source]);

  await waitUntil('every player to decode', async () => {
    const n = await Promise.all(players.map(async (p) => (await readStats(p, 'play')).videoIn?.framesDecoded ?? 0));
    return n.every((v) => v > 30) ? n : { ok: false, n };
  }, { timeoutMs: 20000 });
  const sent0 = topEncoding(await readStats(pub, 'pub')).framesSent;
  const got0 = await Promise.all(players.map(async (p) => (await readStats(p, 'play')).videoIn.framesDecoded));
  await new Promise((r) => setTimeout(r, 8000));
  const sent = topEncoding(await readStats(pub, 'pub')).framesSent - sent0;
  const shares = await Promise.all(players.map(async (p, i) =>
    +(((await readStats(p, 'play')).videoIn.framesDecoded - got0[i]) / sent).toFixed(3)));
  figure('share of the frames sent decoded per player, 8 s', shares, 'each >= 0.9');
  assert.ok(shares.every((s) => s >= 0.9));

  // The lone player on the third worker leaves: its replica goes after the linger (10 s).
  const lone = of('whep').find((s) => byWorker[s.worker] === 1);
  await stopSession(players.find((_, i) => i === PLAYERS - 1), 'play');
  const t0 = Date.now();
  await waitUntil('the idle replica to be let go', async () => {
    const now = await api.getJson(gw, '/api/sessions');
    return !now.some((s) => s.kind === 'relay-in' && s.worker === lone.worker);
  }, { timeoutMs: 20000 });
  figure('seconds until the idle replica was let go', (Date.now() - t0) / 1000, '10 s linger');
}, { gateway: { workers: 3, extraArgs: ['--fanout-players', '2'] } });
