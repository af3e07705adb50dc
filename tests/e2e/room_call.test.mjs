// A video call in /room.html: four pages see and hear each other, a fifth joins late, one leaves,
// one is closed without leaving (gone after the grace period), and a room stream plays over WHEP.
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import { waitUntil, openDemo, startPlayer, waitConnected, readStats } from './lib/pages.mjs';
import { joinRoom, waitEveryoneReceives, received, framesSent, framesSentOnLayer, remoteNames, watchFreezes, readFreezes, recordLeaves, leaveDelay } from './lib/rooms.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const GRACE_S = 4;

e2eTest('room: four pages call, a fifth joins late, leave and close', async ({ gw, browser }) => {
  const names = ['p1', 'p2', 'p3', 'p4'];
  const pages = [];
  // Five browsers encode and decode on this machine's two cores, so each camera is small
  // (320x180): the figures are then the gateway's, not the machine's CPU running out.
  const join = (n) => joinRoom(browser, gw, 'call', n, { query: '&size=320x180' });
  for (const n of names) pages.push(await join(n));
  await waitEveryoneReceives(pages, names);
  for (const p of pages) assert.deepEqual(await remoteNames(p), names.filter((n) => n !== p.roomName));

  // A 10 s window: frames each page decodes from each other vs frames that one encoded.
  for (const p of pages) await watchFreezes(p);
  const before = await Promise.all(pages.map(received));
  const sentBefore = await Promise.all(pages.map(framesSent));
  await sleep(10000);
  const after = await Promise.all(pages.map(received));
  const sentAfter = await Promise.all(pages.map(framesSent));
  const ratios = [];
  for (let i = 0; i < pages.length; ++i) {
    for (let j = 0; j < pages.length; ++j) {
      if (i === j) continue;
      const cam = after[i][names[j]].camera;
      const got = cam.framesDecoded - before[i][names[j]].camera.framesDecoded;
      ratios.push(got / Math.max(1, framesSentOnLayer(sentBefore[j], sentAfter[j], cam.frameWidth)));
    }
  }
  figure('decoded / sent per pair, 10 s (on the layer received)', ratios.map((r) => +r.toFixed(2)), 'each >= 0.9');
  assert.ok(ratios.every((r) => r >= 0.9), 'a page decoded under 90 % of the frames sent');
  // A freeze over 500 ms would show in both: the decoder's freeze total (WebRTC stats: a
  // single freeze is at most the total), and the page's longest gap between presented frames
  // (which also counts the page's own scheduling, slow on a loaded machine).
  const frozen = [];
  const gaps = [];
  for (let i = 0; i < pages.length; ++i) {
    const shown = await readFreezes(pages[i]);
    for (let j = 0; j < pages.length; ++j) {
      if (i === j) continue;
      const total = after[i][names[j]].camera.totalFreezesDuration - before[i][names[j]].camera.totalFreezesDuration;
      const gap = shown[names[j]]?.maxGapMs ?? Infinity;
      gaps.push(gap);
      assert.ok((shown[names[j]]?.frames ?? 0) > 0, `${names[i]} showed no frame of ${names[j]}`);
      frozen.push(+total.toFixed(3));
      assert.ok(total < 0.5 || gap < 500, `${names[i]} saw ${names[j]} freeze: ${total} s of freezes, longest gap ${gap} ms`);
    }
  }
  figure('decoder freeze total per remote video, 10 s (s)', frozen, 'each < 0.5, or the longest gap < 500 ms');
  figure('longest presented-frame gap per remote video (ms)', gaps);

  // A late joiner sees and hears the four; they see it.
  const late = await join('p5');
  pages.push(late);
  await waitEveryoneReceives(pages, [...names, 'p5']);
  const lateSees = await remoteNames(late);
  figure('p5 sees', lateSees);
  assert.deepEqual(lateSees, [...names].sort());

  // p2 leaves: within 2 s nobody shows it (timed in the pages, by the machine's clock).
  const rest = pages.filter((_, i) => i !== 1);
  for (const p of rest) await recordLeaves(p);
  const t0 = await pages[1].evaluate(() => { const t = Date.now(); window.room.disconnect(); return t; });
  const leftMs = await leaveDelay(rest, 'p2', t0, 10000);
  figure('p2 gone after leaving (ms)', leftMs, '< 2000');
  assert.ok(leftMs < 2000);
  for (const p of rest) assert.ok(!(await remoteNames(p)).includes('p2'), `${p.roomName} still shows p2`);

  // p3's page closes without leaving: gone within the grace period + 2 s.
  const remaining = rest.filter((p) => p !== pages[2]);
  const t1 = Date.now();
  await pages[2].close();
  const closedMs = await leaveDelay(remaining, 'p3', t1, (GRACE_S + 10) * 1000);
  figure('p3 gone after closing (ms)', closedMs, `< ${(GRACE_S + 2) * 1000}`);
  assert.ok(closedMs < (GRACE_S + 2) * 1000);

  // A room participant's stream plays with a plain WHEP client.
  const player = await openDemo(browser, gw, 'whep');
  await startPlayer(player, 'call/p1');
  await waitConnected(player, 'play');
  const frames = await waitUntil('WHEP player of call/p1 to decode', async () => {
    const n = (await readStats(player, 'play')).videoIn?.framesDecoded ?? 0;
    return n >= 30 ? n : false;
  }, { timeoutMs: 15000 });
  figure('WHEP frames from call/p1', frames, '>= 30');
}, { timeoutMs: 240000, gateway: { extraArgs: ['--room-grace-seconds', String(GRACE_S)] } });
