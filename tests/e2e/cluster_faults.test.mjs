// A cluster of three nodes (docs/CLUSTER.md) through node drains, a node's death and Redis
// going away: a draining node sends a new publisher to another node with a 307 and Chromium
// publishes there; a killed node leaves every node's list within 10 s while a stream relayed
// between the two others plays on; with Redis stopped for 10 s the streams keep playing, new
// streams are refused with a clear 503, and after Redis is back new sessions work again. A
// network split between two nodes' workers fails their relay; once it heals a new relay feeds
// the far player in the same session.
import assert from 'node:assert/strict';
import { figure } from './lib/harness.mjs';
import { clusterTest, clusterNodeIds, waitForMembers } from './lib/cluster.mjs';
import { getJson, request } from './lib/api.mjs';
import { openDemo, startPublisher, startPlayer, waitConnected, readStats, waitUntil } from './lib/pages.mjs';
import { UdpLoss } from './lib/loss.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const decoded = async (page, name) => (await readStats(page, name)).videoIn?.framesDecoded ?? 0;

clusterTest('a draining node redirects a new publisher, and the browser publishes where it was sent', async ({ nodes, browser }) => {
  const [n1] = nodes;
  const drained = await request(n1, 'POST', '/api/cluster/drain', { body: '{}', contentType: 'application/json' });
  assert.equal(drained.status, 200);
  await waitUntil('node 1 to be listed as draining', async () => {
    const me = (await getJson(nodes[1], '/api/cluster/nodes')).items.find((n) => n.id === 'n1');
    return me?.draining === true;
  }, { timeoutMs: 5000 });

  // The raw answer to a WHIP POST at the draining node: 307 to another node's WHIP URL.
  const raw = await fetch(`${n1.url}/whip/probe`, {
    method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: 'v=0\r\n', redirect: 'manual',
  });
  figure('answer of the draining node to a WHIP POST', [raw.status, raw.headers.get('location')]);
  assert.equal(raw.status, 307);
  assert.match(raw.headers.get('location'), /\/whip\/probe\?node=n[23]$/);

  // A page of node 1 publishes: fetch follows the redirect, the session lives on the other node.
  const pub = await openDemo(browser, n1, 'publisher');
  const { location } = await startPublisher(pub, 'moved', { width: 320, height: 180 });
  await waitConnected(pub, 'pub');
  figure('session URL the browser was given', location);
  // Node records are written every second: the stream shows up within one.
  const where = await waitUntil('the redirected stream in the cluster list', async () =>
    (await getJson(nodes[1], '/api/cluster/streams')).items.find((s) => s.name === 'moved' && s.source === 'whip'),
  { timeoutMs: 5000 });
  figure('node holding the redirected stream', where?.node);
  assert.ok(where && where.node !== 'n1', 'published on another node');
  assert.ok(!location.startsWith(n1.url), 'the session URL names the node it was sent to');
  const holder = nodes.find((n) => n.nodeId === where.node);
  assert.equal((await getJson(holder, '/api/sessions')).filter((s) => s.kind === 'whip' && s.stream === 'moved').length, 1);
  assert.equal((await getJson(n1, '/api/sessions')).filter((s) => s.kind === 'whip').length, 0);
});

clusterTest('a killed node drops out, and playback survives it and a Redis outage', async ({ redis, nodes, browser }) => {
  const [n1, n2, n3] = nodes;
  const pub = await openDemo(browser, n1, 'publisher');
  await startPublisher(pub, 'cam', { width: 320, height: 180 });
  await waitConnected(pub, 'pub');
  const player = await openDemo(browser, n3, 'player-n3');
  await startPlayer(player, 'cam');
  await waitConnected(player, 'play');
  await waitUntil('the player on node 3 to decode', async () => (await decoded(player, 'play')) > 30, { timeoutMs: 20000 });

  process.kill(n2.pid, 'SIGKILL');
  n2.killed = true;
  const killedAt = Date.now();
  await waitForMembers([n1, n3], ['n1', 'n3'], 15000);
  const gone = (Date.now() - killedAt) / 1000;
  figure('seconds until nodes 1 and 3 no longer list node 2', gone, '< 10');
  assert.ok(gone < 10);
  const before = await decoded(player, 'play');
  await sleep(3000);
  const after = await decoded(player, 'play');
  figure('frames decoded on node 3 in the 3 s after node 2 left', after - before, '>= 60');
  assert.ok(after - before >= 60);

  // Redis away for 10 s: what plays keeps playing; new streams are refused with a reason.
  await redis.stop();
  const outageStart = await decoded(player, 'play');
  await sleep(3000);
  const refused = await fetch(`${n3.url}/whip/new-during-outage`, {
    method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: 'v=0\r\n', redirect: 'manual',
  });
  const reason = await refused.text();
  figure('a new WHIP stream while Redis is down', [refused.status, reason.trim()]);
  assert.equal(refused.status, 503);
  assert.match(reason, /Redis/);
  await sleep(7000);
  const outageEnd = await decoded(player, 'play');
  figure('frames decoded on node 3 during the 10 s outage', outageEnd - outageStart, '>= 200');
  assert.ok(outageEnd - outageStart >= 200);
  await redis.start();
  await waitForMembers([n1, n3], ['n1', 'n3'], 15000);

  // New sessions work again: a second player on node 3 and a new stream on node 3.
  await startPlayer(player, 'cam', { name: 'again' });
  await waitConnected(player, 'again');
  await waitUntil('the new player to decode', async () => (await decoded(player, 'again')) > 30, { timeoutMs: 20000 });
  const pub2 = await openDemo(browser, n3, 'publisher-2');
  await startPublisher(pub2, 'after-outage', { width: 320, height: 180 });
  await waitConnected(pub2, 'pub');
  figure('nodes listed after Redis came back', await clusterNodeIds(n1));
});

clusterTest('a network split between two nodes heals: the far player plays again in the same session', async ({ nodes, browser }) => {
  const [n1, n2] = nodes;
  const pub = await openDemo(browser, n1, 'publisher');
  await startPublisher(pub, 'split', { width: 320, height: 180 });
  await waitConnected(pub, 'pub');
  const player = await openDemo(browser, n2, 'player-n2');
  await startPlayer(player, 'split');
  await waitConnected(player, 'play');
  await waitUntil('the player on node 2 to decode', async () => (await decoded(player, 'play')) > 30, { timeoutMs: 20000 });
  const relayOf = async () => (await getJson(n2, '/api/sessions')).find((s) => s.kind === 'relay-in' && s.stream === 'split');
  const before = await relayOf();

  // Nothing passes between the two nodes' workers, both ways, for 12 s (the link's consent
  // fails after 6 s); HTTP between them still works, as when one path of a network breaks.
  const [p1] = n1.udpPorts();
  const [p2] = n2.udpPorts();
  const cut = [new UdpLoss('split1', p2, 100, 'input', { sourcePort: p1 }),
    new UdpLoss('split2', p1, 100, 'input', { sourcePort: p2 })];
  let healedAt;
  try {
    await waitUntil('the relay to fail', async () => (await relayOf())?.id !== before.id, { timeoutMs: 15000 });
    await sleep(12000 - 6000);
  } finally {
    for (const c of cut) c.remove();
    healedAt = Date.now();
  }
  const frames = await decoded(player, 'play');
  await waitUntil('the player on node 2 to decode again', async () => (await decoded(player, 'play')) > frames + 30,
    { timeoutMs: 20000 });
  const after = await relayOf();
  figure('seconds from the heal to 30 new frames on node 2; relay before, after', [(Date.now() - healedAt) / 1000,
    before.id.slice(0, 8), after?.id.slice(0, 8)], '< 20 s; a new relay');
  assert.ok(after && after.id !== before.id && after.state === 'connected', 'a new relay carries the stream');
  const sessions = (await getJson(n2, '/api/sessions')).filter((s) => s.kind === 'whep').map((s) => s.state);
  figure('the player\'s session on node 2 afterwards', sessions, '["connected"]');
  assert.deepEqual(sessions, ['connected']);
}, { count: 2 });
