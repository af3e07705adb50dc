// A simulcast publisher (rids l/m/h at 1/4, 1/2 and full size); one player on layer h, one on
// layer l decode different resolutions; a live switch of the h player to l through PATCH changes
// its resolution without a freeze.
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import * as api from './lib/api.mjs';
import { openDemo, startPublisher, startPlayer, waitConnected, readStats, setLayer, waitUntil } from './lib/pages.mjs';

const size = (v) => `${v?.frameWidth ?? 0}x${v?.frameHeight ?? 0}`;

e2eTest('simulcast: layers h and l, live switch', async ({ gw, browser }) => {
  const pub = await openDemo(browser, gw, 'publisher');
  await startPublisher(pub, 'sim', { simulcast: true, width: 1280, height: 720 });
  await waitConnected(pub, 'pub');

  // Chromium turns the upper layers on only as its bandwidth estimate grows.
  const layers = await waitUntil('the publisher to send all three layers', async () => {
    const out = (await readStats(pub, 'pub')).videoOut.map((e) => `${e.rid}:${size(e)}`).sort();
    return out.join(' ') === 'h:1280x720 l:320x180 m:640x360' ? out : { ok: false, out };
  }, { timeoutMs: 45000, intervalMs: 1000 });
  figure('publisher layers', layers);

  const streams = await api.streams(gw);
  const video = streams.find((s) => s.name === 'sim')?.tracks?.find((t) => t.kind === 'video');
  figure('layers in /api/streams', video?.layers);
  assert.deepEqual([...(video?.layers ?? [])].sort(), ['h', 'l', 'm']);

  const high = await openDemo(browser, gw, 'player-h');
  const low = await openDemo(browser, gw, 'player-l');
  await startPlayer(high, 'sim', { layer: 'h' });
  await startPlayer(low, 'sim', { layer: 'l' });
  await Promise.all([waitConnected(high, 'play'), waitConnected(low, 'play')]);

  const sizes = await waitUntil('players to decode 1280x720 (h) and 320x180 (l)', async () => {
    const h = (await readStats(high, 'play')).videoIn;
    const l = (await readStats(low, 'play')).videoIn;
    const got = { h: size(h), l: size(l), framesH: h?.framesDecoded ?? 0, framesL: l?.framesDecoded ?? 0 };
    return got.h === '1280x720' && got.l === '320x180' && got.framesH >= 60 && got.framesL >= 60 ? got : { ok: false, ...got };
  }, { timeoutMs: 20000, intervalMs: 500 });
  figure('decoded on h / l', sizes, 'h 1280x720, l 320x180, >= 60 frames each');

  // Live switch of the h player to l.
  const before = (await readStats(high, 'play')).videoIn;
  const switchedAt = Date.now();
  await setLayer(high, 'play', 'l');
  await waitUntil('the switched player to decode 320x180', async () => {
    const v = (await readStats(high, 'play')).videoIn;
    return size(v) === '320x180' ? true : { ok: false, size: size(v) };
  }, { timeoutMs: 10000, intervalMs: 100 });
  figure('switch h -> l took (ms)', Date.now() - switchedAt, '< 10000');
  await new Promise((r) => setTimeout(r, 3000));
  const after = (await readStats(high, 'play')).videoIn;
  figure('frames decoded in the 3 s after the switch + switch time', after.framesDecoded - before.framesDecoded, '>= 45');
  figure('freezes across the switch', after.freezeCount - before.freezeCount, '0');
  figure('freeze time across the switch (s)', after.totalFreezesDuration - before.totalFreezesDuration);
  assert.equal(size(after), '320x180');
  assert.ok(after.framesDecoded - before.framesDecoded >= 45);
  assert.equal(after.freezeCount - before.freezeCount, 0, 'no freeze while switching');

  const sessions = await api.sessions(gw);
  figure('sessions', sessions.map((s) => `${s.kind}:${s.state}`));
});
