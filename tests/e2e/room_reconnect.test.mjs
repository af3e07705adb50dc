// A participant whose UDP is cut for 5 s (nftables, at the input hook: lost the way a network
// loses it) comes back without the others seeing it leave, and its video resumes everywhere.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { e2eTest, figure } from './lib/harness.mjs';
import { waitUntil } from './lib/pages.mjs';
import { joinRoom, received, recordLeaves } from './lib/rooms.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nft = (...args) => execFileSync('nft', args, { encoding: 'utf8' });

// The local UDP ports of a room page's selected candidate pairs (publisher and subscriber).
async function mediaPorts(page) {
  return page.evaluate(async () => {
    const ports = [];
    for (const pc of [window.room.publisherConnection, window.room.subscriberConnection]) {
      if (!pc) continue;
      const report = await pc.getStats();
      report.forEach((s) => {
        if (s.type === 'transport' && s.selectedCandidatePairId) {
          const pair = report.get(s.selectedCandidatePairId);
          const port = pair && report.get(pair.localCandidateId)?.port;
          if (port) ports.push(port);
        }
      });
    }
    return ports;
  });
}

e2eTest('room: a participant cut off for 5 s comes back without leaving', async ({ gw, browser }) => {
  const names = ['r1', 'r2', 'r3'];
  const pages = [];
  for (const n of names) pages.push(await joinRoom(browser, gw, 'net', n));
  const [cut, ...others] = pages;
  await waitUntil('everyone to receive everyone', async () => {
    for (const p of pages) {
      const r = await received(p);
      for (const n of names) if (n !== p.roomName && !(r[n]?.camera?.framesDecoded > 10)) return false;
    }
    return true;
  }, { timeoutMs: 30000 });
  for (const p of others) await recordLeaves(p);
  const ports = await mediaPorts(cut);
  figure('r1 media ports', ports);
  assert.equal(ports.length, 2);

  const table = 'roomcut';
  nft('add', 'table', 'inet', table);
  nft('add', 'chain', 'inet', table, 'in', '{ type filter hook input priority 0; policy accept; }');
  for (const port of ports) {
    nft('add', 'rule', 'inet', table, 'in', 'udp', 'dport', String(port), 'drop');
    nft('add', 'rule', 'inet', table, 'in', 'udp', 'sport', String(port), 'drop');
  }
  const before = await Promise.all(others.map(async (p) => (await received(p)).r1?.camera?.framesDecoded ?? 0));
  await sleep(5000);
  nft('delete', 'table', 'inet', table);
  const t0 = Date.now();

  // r1's video resumes on every other page, and r1 receives again.
  await waitUntil('r1 video to resume everywhere', async () => {
    for (let i = 0; i < others.length; ++i) {
      if (((await received(others[i])).r1?.camera?.framesDecoded ?? 0) < before[i] + 60) return false;
    }
    const r = await received(cut);
    return r.r2?.camera?.framesDecoded > 0;
  }, { timeoutMs: 30000, intervalMs: 500 });
  figure('video back after the cut (ms)', Date.now() - t0);
  const leaves = await Promise.all(others.map((p) => p.evaluate(() => window.__leftAt?.r1 ?? null)));
  figure('others saw r1 leave', leaves, 'never');
  assert.deepEqual(leaves, [null, null]);
  const shown = await Promise.all(others.map((p) => p.evaluate(() => window.room.participants.has('r1'))));
  assert.deepEqual(shown, [true, true]);
  // Then it keeps flowing: after its first 30 frames (the receiver's keyframe and layer
  // settle after a loss), 2 s of steady decoding.
  const since = (await received(cut)).r2?.camera?.framesDecoded ?? 0;
  await waitUntil('r1 to decode 30 frames of r2 after the cut', async () =>
    ((await received(cut)).r2?.camera?.framesDecoded ?? 0) >= since + 30, { timeoutMs: 10000, intervalMs: 250 });
  const r0 = await received(cut);
  await sleep(2000);
  const r1 = await received(cut);
  figure('frames r1 decoded from r2 over 2 s after', (r1.r2?.camera?.framesDecoded ?? 0) - (r0.r2?.camera?.framesDecoded ?? 0), '> 20');
  assert.ok((r1.r2?.camera?.framesDecoded ?? 0) > (r0.r2?.camera?.framesDecoded ?? 0) + 20);
}, { timeoutMs: 150000 });
