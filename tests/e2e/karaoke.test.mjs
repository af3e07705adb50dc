// The karaoke page (/karaoke.html) as people use it: a singer page publishes the fake
// camera and microphone with lyrics cued one second apart; a listener page shows each line
// highlighted as it is presented, one second apart in the listener's RTP clock, in order.
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import { waitUntil } from './lib/pages.mjs';

e2eTest('karaoke page: lyric lines reach the listener in order, one second apart in its media clock', async ({ gw, browser }) => {
  const singer = await browser.newPage('singer');
  const res = await singer.goto(`${gw.url}/karaoke.html`);
  assert.equal(res?.status(), 200, 'karaoke.html is served');
  await singer.fill('#lyrics', ['[00:06.00] one', '[00:07.00] two', '[00:08.00] three', '[00:09.00] four', '[00:10.00] five'].join('\n'));
  await singer.click('#sing-button');
  await waitUntil('the singer to connect', () => singer.evaluate(() => window.rtcgateKaraoke.singer?.pc.connectionState === 'connected'));

  const listener = await browser.newPage('listener');
  await listener.goto(`${gw.url}/karaoke.html`);
  await listener.click('#listen-button');
  const shown = await waitUntil('the listener to show the last line', async () => {
    const s = await listener.evaluate(() => window.rtcgateKaraoke.shown);
    return s.some((l) => l.text === 'five') && s;
  }, { timeoutMs: 20000 });
  figure('lines the listener showed', shown.map((l) => l.text));
  const steps = [];
  for (let i = 1; i < shown.length; i++) steps.push(Math.round(((shown[i].rtpTimestamp - shown[i - 1].rtpTimestamp) | 0) / 90));
  figure('RTP time between lines (ms)', steps, 'each 1000 ± 100');
  const highlighted = await listener.evaluate(() => document.querySelector('#listen-lines li.now')?.textContent);
  figure('line highlighted at the end', highlighted, 'five');
  const texts = shown.map((l) => l.text);
  assert.deepEqual(texts, ['one', 'two', 'three', 'four', 'five'].slice(5 - texts.length));
  assert.ok(texts.length >= 4, 'the listener missed lines it was there for');
  for (const s of steps) assert.ok(Math.abs(s - 1000) <= 100, `lines ${s} ms apart`);
  assert.equal(highlighted, 'five');
});
