// Three rtcgate nodes and a private Redis as one gateway (docs/CLUSTER.md). Chromium publishes
// over WHIP to node 1; Chromium players on nodes 2 and 3 play it through relays: one relay per
// node whatever its number of players (five on node 2), and they decode at least 90 % of the
// frames sent. Every node lists the whole cluster and where the stream is. With 3 % of the
// relay hop's packets lost both ways, the far player sees no freeze over 500 ms.
import assert from 'node:assert/strict';
import { figure } from './lib/harness.mjs';
import { clusterTest } from './lib/cluster.mjs';
import { getJson, metrics, metricSum } from './lib/api.mjs';
import { UdpLoss } from './lib/loss.mjs';
import {
  openDemo, startPublisher, startPlayer, waitConnected, readStats, topEncoding, waitUntil, stopSession,
  startFrameGapMonitor, readFrameGaps,
} from './lib/pages.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Relay sessions on `gw` of `stream`, by kind: {out: [peer nodes], in: [peer nodes]}.
async function relays(gw, stream) {
  const sessions = (await getJson(gw, '/api/sessions')).filter((s) => s.stream === stream && s.state !== 'closed');
  return {
    out: sessions.filter((s) => s.kind === 'relay-out').map((s) => s.peerNode).sort(),
    in: sessions.filter((s) => s.kind === 'relay-in').map((s) => s.peerNode).sort(),
    players: sessions.filter((s) => s.kind === 'whep').length,
  };
}

clusterTest('a stream published on node 1 plays on nodes 2 and 3 through one relay per node', async ({ nodes, browser }) => {
  const [n1, n2, n3] = nodes;
  const pub = await openDemo(browser, n1, 'publisher');
  await startPublisher(pub, 'cam', { width: 320, height: 180 });
  await waitConnected(pub, 'pub');

  const far = await openDemo(browser, n3, 'player-n3');
  await startPlayer(far, 'cam', { name: 'play' });
  const near = await openDemo(browser, n2, 'players-n2');
  for (let i = 0; i < 5; ++i) await startPlayer(near, 'cam', { name: `p${i}` });
  await waitConnected(far, 'play');
  for (let i = 0; i < 5; ++i) await waitConnected(near, `p${i}`);

  const listed = await getJson(n3, '/api/cluster/nodes');
  figure('nodes listed by node 3', listed.items.map((n) => `${n.id}@${n.region}`));
  assert.deepEqual(listed.items.map((n) => n.id), ['n1', 'n2', 'n3']);
  const streams = (await getJson(n2, '/api/cluster/streams')).items.filter((s) => s.source !== 'relay-in');
  figure('streams by source node, asked of node 2', streams.map((s) => `${s.name}@${s.node}:${s.source}`));
  assert.deepEqual(streams.map((s) => `${s.name}@${s.node}`), ['cam@n1']);

  // Frames: what the publisher sent against what each player decoded over the same 8 s.
  await waitUntil('players on nodes 2 and 3 to decode frames', async () => {
    const a = (await readStats(far, 'play')).videoIn?.framesDecoded ?? 0;
    const b = (await readStats(near, 'p4')).videoIn?.framesDecoded ?? 0;
    return a > 30 && b > 30 ? [a, b] : { ok: false, a, b };
  }, { timeoutMs: 20000 });
  const sent0 = topEncoding(await readStats(pub, 'pub')).framesSent;
  const far0 = (await readStats(far, 'play')).videoIn.framesDecoded;
  const near0 = await Promise.all([0, 1, 2, 3, 4].map(async (i) => (await readStats(near, `p${i}`)).videoIn.framesDecoded));
  await sleep(8000);
  const sent = topEncoding(await readStats(pub, 'pub')).framesSent - sent0;
  const farShare = ((await readStats(far, 'play')).videoIn.framesDecoded - far0) / sent;
  const nearShares = await Promise.all(
    [0, 1, 2, 3, 4].map(async (i) => ((await readStats(near, `p${i}`)).videoIn.framesDecoded - near0[i]) / sent),
  );
  figure('frames sent by the publisher in 8 s', sent);
  figure('share decoded on node 3', farShare, '>= 0.9');
  figure('shares decoded by the 5 players on node 2', nearShares.map((s) => +s.toFixed(3)), '>= 0.9 each');
  assert.ok(sent > 60, 'the publisher sends');
  assert.ok(farShare >= 0.9, 'node 3 decodes 90 % of the frames');
  for (const s of nearShares) assert.ok(s >= 0.9, 'each node 2 player decodes 90 % of the frames');

  const fromN1 = await relays(n1, 'cam');
  const intoN2 = await relays(n2, 'cam');
  figure('relays of cam leaving node 1, by node', fromN1.out, '["n2","n3"]: one each');
  figure('relays of cam into node 2 / its players', [intoN2.in, intoN2.players]);
  assert.deepEqual(fromN1.out, ['n2', 'n3'], 'exactly one relay to each node');
  assert.deepEqual(intoN2.in, ['n1']);
  assert.equal(intoN2.players, 5);

  // The last player of a node leaving lets its relay go.
  await stopSession(far, 'play');
  const gone = await waitUntil('the relay to node 3 to end after its last player', async () => {
    const r = await relays(n1, 'cam');
    return r.out.includes('n3') ? { ok: false, out: r.out } : r.out;
  }, { timeoutMs: 20000 });
  figure('relays leaving node 1 after node 3 lost its player', gone, '["n2"]');
});

clusterTest('3 % loss on the relay hop: the far players see no freeze', async ({ nodes, browser }) => {
  const [n1, n2] = nodes;
  const pub = await openDemo(browser, n1, 'publisher');
  await startPublisher(pub, 'lossy', { width: 640, height: 360 });
  await waitConnected(pub, 'pub');
  const player = await openDemo(browser, n2, 'player-n2');
  await startPlayer(player, 'lossy');
  await waitConnected(player, 'play');
  await waitUntil('the player on node 2 to decode', async () => ((await readStats(player, 'play')).videoIn?.framesDecoded ?? 0) > 30,
    { timeoutMs: 20000 });

  // Both directions of the hop between the two nodes' workers lose 3 %: media and
  // retransmissions one way, NACKs and keyframe requests the other.
  const [p1] = n1.udpPorts();
  const [p2] = n2.udpPorts();
  const losses = [new UdpLoss('relayloss1', p2, 3, 'input', { sourcePort: p1 }),
    new UdpLoss('relayloss2', p1, 3, 'input', { sourcePort: p2 })];
  try {
    await startFrameGapMonitor(player, 'play');
    const before = await readStats(player, 'play');
    const sentBefore = (await metricsOf(n1)).retransmissions;
    await sleep(15000);
    const gaps = await readFrameGaps(player, 'play');
    const after = await readStats(player, 'play');
    const dropped = losses.map((l) => l.dropped());
    const sentAfter = (await metricsOf(n1)).retransmissions;
    figure('relay packets dropped (node 1 → 2, node 2 → 1: RTCP only, a few)', dropped, '> 0 from node 1');
    figure('retransmissions node 1 sent over the 15 s', sentAfter - sentBefore, '> 0');
    figure('frames presented on node 2 in 15 s, longest gap (ms)', [gaps.frames, Math.round(gaps.maxGapMs)], '< 500 ms');
    figure('freezes counted by Chromium in the 15 s', after.videoIn.freezeCount - before.videoIn.freezeCount, '0');
    assert.ok(dropped[0] > 0, 'the hop lost packets');
    assert.ok(sentAfter > sentBefore, 'losses were repaired by retransmission over the hop');
    assert.ok(gaps.maxGapMs < 500, 'no freeze over 500 ms');
    assert.ok(gaps.frames >= 15 * 20, 'the video kept coming');
  } finally {
    for (const l of losses) l.remove();
  }
});

// The retransmissions a node sent (every worker), from /metrics.
async function metricsOf(gw) {
  const samples = await metrics(gw);
  return { retransmissions: metricSum(samples, 'rtcgate_rtx_sent_total') };
}
