// Data channels through WHIP and WHEP: a Chromium publisher's messages on its 'chat' channel
// reach three Chromium players in order (1,000 messages of 1 KiB, reliable and ordered) and
// 64 KiB messages arrive intact; a fourth player whose packets are all dropped (it cannot
// acknowledge, like a stalled reader) holds nobody up: its channel is closed by the gateway
// once its send buffer (1 MiB) overflows, and it learns so when it can hear again.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { e2eTest, figure } from './lib/harness.mjs';
import { UdpLoss } from './lib/loss.mjs';
import * as api from './lib/api.mjs';
import { openDemo, startPublisher, startPlayer, waitConnected, localMediaPort, waitUntil } from './lib/pages.mjs';

const COUNT = 1000;
const BIG = 65536;
const BIG_COUNT = 8;

// The i-th 64 KiB message: bytes from a simple generator, so both sides can hash it.
function bigMessage(i) {
  const b = new Uint8Array(BIG);
  let x = (i + 1) * 2654435761 >>> 0;
  for (let k = 0; k < BIG; k++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[k] = x >>> 24;
  }
  return b;
}

async function recordData(page, name) {
  await page.evaluate((name) => {
    const s = window.__e2e.sessions[name];
    const got = { texts: [], hashes: [], order: true, last: -1 };
    window.__e2e.data = window.__e2e.data ?? {};
    window.__e2e.data[name] = got;
    const pending = [];
    s.ondata = (label, data) => {
      if (typeof data === 'string') {
        const i = Number(data.slice(0, data.indexOf(':')));
        if (i !== got.last + 1 || data.length !== 1024) got.order = false;
        got.last = i;
        got.texts.push(i);
      } else {
        pending.push(crypto.subtle.digest('SHA-256', data).then((h) => {
          got.hashes.push([...new Uint8Array(h)].map((v) => v.toString(16).padStart(2, '0')).join(''));
        }));
      }
    };
  }, name);
}

const progress = (page, name) =>
  page.evaluate((name) => {
    const g = window.__e2e.data[name];
    const c = window.__e2e.sessions[name].channels.get('chat');
    return { texts: g.texts.length, order: g.order, hashes: g.hashes, state: c?.readyState ?? 'none' };
  }, name);

const channelOpen = (page, name) =>
  page.evaluate((name) => window.__e2e.sessions[name].channels.get('chat')?.readyState === 'open', name);

e2eTest('data channels: 1,000 messages to 3 WHEP players in order, 64 KiB intact, a stalled player closed alone', async ({ gw, browser }) => {
  const pub = await openDemo(browser, gw, 'publisher');
  await startPublisher(pub, 'dc', { width: 320, height: 180, dataChannels: ['chat'] });
  await waitConnected(pub, 'pub');
  await waitUntil('the publisher\'s channel to open', () => channelOpen(pub, 'pub'));

  const players = [];
  for (let i = 0; i < 4; i++) {
    const page = await openDemo(browser, gw, `player${i}`);
    await startPlayer(page, 'dc', { dataChannels: ['chat'] });
    await waitConnected(page, 'play');
    await waitUntil(`player ${i}'s channel to open`, () => channelOpen(page, 'play'));
    await recordData(page, 'play');
    players.push(page);
  }
  const fast = players.slice(0, 3);
  const slow = players[3];
  const slowPort = await localMediaPort(slow, 'play');
  assert.ok(slowPort, 'no selected candidate pair on the stalled player');
  const before = await api.metrics(gw);
  const block = new UdpLoss('rtcgate_e2e_dc_stall', slowPort, 100, 'input');
  try {
    const t0 = Date.now();
    await pub.evaluate(async ({ COUNT }) => {
      const ch = window.__e2e.sessions.pub.channels.get('chat');
      ch.bufferedAmountLowThreshold = 256 * 1024;
      for (let i = 0; i < COUNT; i++) {
        if (ch.bufferedAmount > 512 * 1024) await new Promise((r) => ch.addEventListener('bufferedamountlow', r, { once: true }));
        const head = `${i}:`;
        ch.send(head + '.'.repeat(1024 - head.length));
      }
    }, { COUNT });
    const all = await waitUntil('every fast player to have all 1,000 messages', async () => {
      const p = await Promise.all(fast.map((f) => progress(f, 'play')));
      return p.every((x) => x.texts >= COUNT) && p;
    }, { timeoutMs: 30000 });
    const seconds = (Date.now() - t0) / 1000;
    figure('messages of 1 KiB received by the 3 players, in order', all.map((x) => [x.texts, x.order]), `each [${COUNT}, true]`);
    figure('seconds from the first send to the last player\'s 1,000th message', +seconds.toFixed(2), '< 30');
    for (const x of all) {
      assert.equal(x.texts, COUNT);
      assert.ok(x.order, 'messages out of order or cut');
    }

    await pub.evaluate(async ({ BIG_COUNT, BIG, src }) => {
      const bigMessage = new Function(`return (${src})`)();
      const ch = window.__e2e.sessions.pub.channels.get('chat');
      for (let i = 0; i < BIG_COUNT; i++) {
        if (ch.bufferedAmount > 512 * 1024) await new Promise((r) => ch.addEventListener('bufferedamountlow', r, { once: true }));
        ch.send(bigMessage(i));
      }
    }, { BIG_COUNT, BIG, src: bigMessage.toString().replace('BIG', String(BIG)).replace('BIG', String(BIG)) });
    const expected = Array.from({ length: BIG_COUNT }, (_, i) => createHash('sha256').update(bigMessage(i)).digest('hex'));
    const bigs = await waitUntil('every fast player to have the 64 KiB messages', async () => {
      const p = await Promise.all(fast.map((f) => progress(f, 'play')));
      return p.every((x) => x.hashes.length >= BIG_COUNT) && p;
    }, { timeoutMs: 30000 });
    const intact = bigs.map((x) => x.hashes.filter((h, i) => h === expected[i]).length);
    figure('64 KiB messages intact (SHA-256 equal) per player', intact, `each ${BIG_COUNT}`);
    for (const n of intact) assert.equal(n, BIG_COUNT);

    const stalled = await progress(slow, 'play');
    figure('messages the stalled player received meanwhile', stalled.texts, '0 (all its packets dropped)');
    const after = await api.metrics(gw);
    const overflowed = api.metricSum(after, 'rtcgate_data_channels_overflowed_total') -
      api.metricSum(before, 'rtcgate_data_channels_overflowed_total');
    figure('channels closed for overflowing', overflowed, '1 (the stalled player\'s)');
    assert.equal(overflowed, 1);
    figure('stream data messages received / sent / dropped', [
      api.metricSum(after, 'rtcgate_data_messages_received_total') - api.metricSum(before, 'rtcgate_data_messages_received_total'),
      api.metricSum(after, 'rtcgate_data_messages_sent_total') - api.metricSum(before, 'rtcgate_data_messages_sent_total'),
      api.metricSum(after, 'rtcgate_data_messages_dropped_total') - api.metricSum(before, 'rtcgate_data_messages_dropped_total'),
    ]);
  } finally {
    block.remove();
  }
  const closed = await waitUntil('the stalled player to see its channel closed once it hears again', async () => {
    const p = await progress(slow, 'play');
    return (p.state === 'closed' || p.state === 'closing') && p;
  }, { timeoutMs: 20000 });
  figure('the stalled player\'s channel after the block: state, messages it got', [closed.state, closed.texts]);
  const sessions = await api.sessions(gw);
  figure('sessions afterwards', sessions.map((s) => `${s.kind}:${s.state}`).sort());
  assert.equal(sessions.filter((s) => s.state === 'connected').length, 5, 'every peer stays connected');
});
