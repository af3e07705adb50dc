// A relay tree across regions (docs/CLUSTER.md): node 1 in "eu" holds a stream, nodes 2 and 3 in
// "us" play it. Node 2 pulls it from node 1; node 3 then takes it from node 2 (one copy crosses
// the ocean), and when node 2 is killed node 3's relay is rebuilt straight from node 1 within
// seconds while its player keeps its session.
import assert from 'node:assert/strict';
import { figure } from './lib/harness.mjs';
import { clusterTest } from './lib/cluster.mjs';
import { getJson } from './lib/api.mjs';
import { openDemo, startPublisher, startPlayer, waitConnected, readStats, waitUntil } from './lib/pages.mjs';

const decoded = async (page, name) => (await readStats(page, name)).videoIn?.framesDecoded ?? 0;

// `kind` relay sessions of `stream` on `gw`, as their peer node ids.
async function relayPeers(gw, stream, kind) {
  return (await getJson(gw, '/api/sessions'))
    .filter((s) => s.stream === stream && s.kind === kind && s.state !== 'closed')
    .map((s) => s.peerNode).sort();
}

clusterTest('a region takes one copy from afar (A → B → C), and C is fed again from A when B dies', async ({ nodes, browser }) => {
  const [n1, n2, n3] = nodes;
  const pub = await openDemo(browser, n1, 'publisher');
  await startPublisher(pub, 'tree', { width: 320, height: 180 });
  await waitConnected(pub, 'pub');

  const p2 = await openDemo(browser, n2, 'player-n2');
  await startPlayer(p2, 'tree');
  await waitConnected(p2, 'play');
  // Node 2's record says it has the stream from node 1 (written every second).
  await waitUntil('node 2 listed as holding the stream from node 1', async () =>
    (await getJson(n3, '/api/cluster/streams')).items.some((s) => s.name === 'tree' && s.node === 'n2'),
  { timeoutMs: 5000 });

  const p3 = await openDemo(browser, n3, 'player-n3');
  await startPlayer(p3, 'tree');
  await waitConnected(p3, 'play');
  await waitUntil('node 3 to decode', async () => (await decoded(p3, 'play')) > 30, { timeoutMs: 20000 });
  const tree = {
    n1: await relayPeers(n1, 'tree', 'relay-out'),
    n2: await relayPeers(n2, 'tree', 'relay-out'),
    n3: await relayPeers(n3, 'tree', 'relay-in'),
  };
  figure('relays: node 1 sends to, node 2 sends to, node 3 gets from', tree);
  assert.deepEqual(tree, { n1: ['n2'], n2: ['n3'], n3: ['n2'] });

  process.kill(n2.pid, 'SIGKILL');
  n2.killed = true;
  const killedAt = Date.now();
  const before = await decoded(p3, 'play');
  const back = await waitUntil('node 3 to be fed from node 1 and decode again', async () => {
    const from = await relayPeers(n3, 'tree', 'relay-in');
    const frames = await decoded(p3, 'play');
    return from.includes('n1') && frames > before + 30 ? { from, seconds: (Date.now() - killedAt) / 1000 } : { ok: false, from, frames };
  }, { timeoutMs: 30000, intervalMs: 250 });
  figure('seconds from node 2 killed to node 3 decoding again, fed from', [back.seconds, back.from], '< 15');
  assert.ok(back.seconds < 15);
  const playing = (await getJson(n3, '/api/sessions')).filter((s) => s.kind === 'whep' && s.stream === 'tree');
  assert.equal(playing.length, 1, 'the player kept its session');
}, { regions: ['eu', 'us', 'us'] });
