// Abuse limits: one address floods WHIP with 2,000 POSTs and gets 429 (with Retry-After) past
// its allowance, while a browser at another address publishes and plays as if nothing
// happened; and the admin API refuses to push a stream to internal addresses (403).
//
// The browser reaches the gateway from a second address of the test's namespace (a veth pair
// whose ends both stay here), so the flood from 127.0.0.1 and the page are two clients.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eTest, figure } from './lib/harness.mjs';
import * as api from './lib/api.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { openDemo, startPublisher, startPlayer, waitConnected, readStats, waitUntil } from './lib/pages.mjs';

const PAGE_IP = '10.99.2.1';
const FLOOD = 2000;
const CONCURRENCY = 8;

const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
ip('link', 'add', 'lmv0', 'type', 'veth', 'peer', 'name', 'lmv1');
process.on('exit', () => {
  try {
    ip('link', 'del', 'lmv0');
  } catch {}
});
ip('addr', 'add', `${PAGE_IP}/24`, 'dev', 'lmv0');
ip('link', 'set', 'lmv0', 'up');
ip('link', 'set', 'lmv1', 'up');

const offer = readFileSync(join(process.env.RTCGATE_SOURCE_DIR, 'tests/fixtures/sdp/chromium-sendonly-offer.sdp'), 'utf8');

// POSTs `count` WHIP offers from 127.0.0.1, `CONCURRENCY` at a time; tallies the answers.
async function flood(gw, count) {
  const tally = { statuses: {}, retryAfter: new Set(), errors: 0, reasons: new Set() };
  let next = 0;
  const one = async () => {
    while (next < count) {
      const i = next++;
      try {
        const res = await fetch(`${gw.url}/whip/flood-${i}`, {
          method: 'POST', body: offer, headers: { 'Content-Type': 'application/sdp' },
        });
        const text = await res.text();
        tally.statuses[res.status] = (tally.statuses[res.status] ?? 0) + 1;
        if (res.status === 429) {
          tally.retryAfter.add(res.headers.get('retry-after'));
          tally.reasons.add(text.trim().slice(0, 80));
        }
      } catch {
        tally.errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, one));
  return tally;
}

e2eTest('a flood from one address gets 429s while another client publishes and plays; internal pushes get 403', async ({ gw }) => {
  const pageGw = { url: `http://${PAGE_IP}:${gw.httpPort}` };
  // A camera needs a secure context: this browser counts the page's address as one.
  const browser = await launchBrowser({ extraArgs: [`--unsafely-treat-insecure-origin-as-secure=${pageGw.url}`] });
  try {
    await body(gw, browser, pageGw);
  } finally {
    await browser.close();
  }
}, { timeoutMs: 120000, gateway: { httpListenIp: '0.0.0.0' } });

async function body(gw, browser, pageGw) {
  const pub = await openDemo(browser, pageGw, 'publisher');
  const player = await openDemo(browser, pageGw, 'player');

  const started = Date.now();
  const flooding = flood(gw, FLOOD);
  // While the flood runs: the page at the other address publishes and plays.
  await startPublisher(pub, 'calm', { width: 640, height: 360 });
  await waitConnected(pub, 'pub');
  await startPlayer(player, 'calm');
  await waitConnected(player, 'play');
  const tally = await flooding;
  const floodMs = Date.now() - started;
  figure(`answers to ${FLOOD} WHIP POSTs from one address in ${floodMs} ms`, tally.statuses);
  figure('Retry-After values', [...tally.retryAfter]);
  figure('429 reasons', [...tally.reasons]);
  figure('requests without an answer', tally.errors, '0');
  assert.equal(tally.errors, 0);
  assert.ok((tally.statuses[429] ?? 0) >= FLOOD - 100, `429s: ${tally.statuses[429]}`);
  assert.ok((tally.statuses[201] ?? 0) <= 40, `sessions admitted to the flood: ${tally.statuses[201]}`);
  assert.ok([...tally.retryAfter].every((v) => Number(v) >= 1), 'every 429 says when to retry');

  await waitUntil('the player at the other address to decode', async () =>
    ((await readStats(player, 'play')).videoIn?.framesDecoded ?? 0) >= 60, { timeoutMs: 20000 });
  const a = (await readStats(player, 'play')).videoIn.framesDecoded;
  await new Promise((r) => setTimeout(r, 3000));
  const b = (await readStats(player, 'play')).videoIn.framesDecoded;
  figure('frames the other client decoded in 3 s after the flood', b - a, '>= 45');
  assert.ok(b - a >= 45);
  const samples = await api.metrics(gw);
  figure('rtcgate_client_sessions_refused_total', api.metricSum(samples, 'rtcgate_client_sessions_refused_total'));

  // Pushes: internal addresses are refused before any connection is tried.
  for (const url of ['rtmp://10.1.2.3/live/k', 'rtmp://169.254.169.254/live/k', 'rtmp://[fd00::1]/live/k',
                     'rtmp://192.168.0.1:1935/live/k']) {
    const res = await api.request(gw, 'POST', '/api/streams/calm/egress', {
      body: JSON.stringify({ url }), contentType: 'application/json',
    });
    figure(`push to ${url}`, `${res.status} ${res.text.slice(0, 90)}`, '403');
    assert.equal(res.status, 403);
  }
}
