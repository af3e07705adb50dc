// A room across two rtcgate nodes and a private Redis (docs/CLUSTER.md "Rooms across nodes"):
// two Chromium participants join on node 1 and two on node 2; everyone sees and hears
// everyone, each participant's stream crossing once per node that needs it (one relay-in per
// remote participant on each node, however many watch it there). A participant on node 1
// leaves and the pages on node 2 stop showing it; one who joins late on node 2 sees all.
import assert from 'node:assert/strict';
import { figure } from './lib/harness.mjs';
import { clusterTest } from './lib/cluster.mjs';
import { getJson } from './lib/api.mjs';
import { waitUntil } from './lib/pages.mjs';
import {
  joinRoom, waitEveryoneReceives, received, framesSent, framesSentOnLayer, remoteNames, recordLeaves, leaveDelay,
} from './lib/rooms.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Relay sessions into `gw` by stream: {stream: [from node, ...]}.
async function relaysIn(gw) {
  const out = {};
  for (const s of await getJson(gw, '/api/sessions'))
    if (s.kind === 'relay-in' && s.state !== 'closed') (out[s.stream] ??= []).push(s.peerNode);
  return out;
}

clusterTest('a room across two nodes: two participants on each see and hear all the others', async ({ nodes, browser }) => {
  const [n1, n2] = nodes;
  // Four pages encode and decode on two cores: small cameras keep the figures the gateway's.
  const join = (gw, name) => joinRoom(browser, gw, 'meet', name, { query: '&size=320x180', timeoutMs: 30000 });
  const pages = [await join(n1, 'a1'), await join(n1, 'a2'), await join(n2, 'b1'), await join(n2, 'b2')];
  const names = pages.map((p) => p.roomName);
  const t0 = Date.now();
  await waitEveryoneReceives(pages, names, 40000);
  figure('seconds until all four see and hear each other', (Date.now() - t0) / 1000);
  for (const p of pages) assert.deepEqual(await remoteNames(p), names.filter((n) => n !== p.roomName).sort());

  // Frames decoded per pair over 8 s against those the sender encoded on the layer received.
  const before = await Promise.all(pages.map(received));
  const sentBefore = await Promise.all(pages.map(framesSent));
  await sleep(8000);
  const after = await Promise.all(pages.map(received));
  const sentAfter = await Promise.all(pages.map(framesSent));
  const ratios = {};
  for (let i = 0; i < pages.length; ++i)
    for (let j = 0; j < pages.length; ++j) {
      if (i === j) continue;
      const cam = after[i][names[j]].camera;
      const got = cam.framesDecoded - before[i][names[j]].camera.framesDecoded;
      const audio = after[i][names[j]].microphone.totalAudioEnergy - before[i][names[j]].microphone.totalAudioEnergy;
      ratios[`${names[i]}<-${names[j]}`] = [+(got / Math.max(1, framesSentOnLayer(sentBefore[j], sentAfter[j], cam.frameWidth))).toFixed(2),
        audio > 0];
    }
  figure('decoded / sent, audio heard, per pair over 8 s', ratios, 'each >= 0.9, true');
  for (const [pair, [ratio, heard]] of Object.entries(ratios)) {
    assert.ok(ratio >= 0.9, `${pair} decoded ${ratio} of the frames`);
    assert.ok(heard, `${pair} heard nothing`);
  }

  // One relay per remote participant's stream into each node, from the node it is on.
  const relays = { n1: await relaysIn(n1), n2: await relaysIn(n2) };
  figure('relays into each node, by stream: from', relays);
  assert.deepEqual(relays.n1, { 'meet/b1': ['n2'], 'meet/b2': ['n2'] });
  assert.deepEqual(relays.n2, { 'meet/a1': ['n1'], 'meet/a2': ['n1'] });
  const described = await getJson(n2, '/api/rooms/meet');
  figure('node 2 describes the room: participant@node', described.participants.map((p) => `${p.name}@${p.node ?? 'n2'}`));

  // a1 leaves on node 1: the pages on node 2 no longer show it.
  const others = pages.slice(1);
  for (const p of others) await recordLeaves(p);
  const left = await pages[0].evaluate(() => { const t = Date.now(); window.room.disconnect(); return t; });
  const leftMs = await leaveDelay(others, 'a1', left, 10000);
  figure('a1 gone from every page after leaving (ms)', leftMs, '< 3000');
  assert.ok(leftMs < 3000);

  // A late joiner on node 2 sees and hears the three who stayed; they see it.
  const late = await join(n2, 'b3');
  const stayed = [...others, late];
  await waitEveryoneReceives(stayed, ['a2', 'b1', 'b2', 'b3'], 30000);
  figure('b3 sees', await remoteNames(late));
  assert.deepEqual(await remoteNames(late), ['a2', 'b1', 'b2']);
  await waitUntil('the relay of a1 to node 2 to end', async () => !(await relaysIn(n2))['meet/a1'], { timeoutMs: 15000 });
}, { count: 2, timeoutMs: 180000 });
