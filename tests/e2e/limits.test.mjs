// Abuse limits: one address floods WHIP with 2,000 POSTs and gets 429 (with Retry-After) past
// its allowance, while a browser at another address publishes and plays as if nothing
// happened; and the admin API refuses to push a stream to internal addresses (403).
//
// The flood comes from a second address of the test's namespace (a veth pair whose ends both
// stay here); the browser is on loopback.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eTest, figure } from './lib/harness.mjs';
import * as api from './lib/api.mjs';
import { Agent, request as httpRequest } from 'node:http';
import { openDemo, startPublisher, startPlayer, waitConnected, readStats, waitUntil } from './lib/pages.mjs';

const FLOOD_IP = '10.99.2.1';
const FLOOD = 2000;
const CONCURRENCY = 8;

const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
ip('link', 'add', 'lmv0', 'type', 'veth', 'peer', 'name', 'lmv1');
process.on('exit', () => {
  try {
    ip('link', 'del', 'lmv0');
  } catch {}
});
ip('addr', 'add', `${FLOOD_IP}/24`, 'dev', 'lmv0');
ip('link', 'set', 'lmv0', 'up');
ip('link', 'set', 'lmv1', 'up');

const offer = readFileSync(join(process.env.RTCGATE_SOURCE_DIR, 'tests/fixtures/sdp/chromium-sendonly-offer.sdp'), 'utf8');

// One POST from FLOOD_IP through `agent`; resolves {status, retryAfter, text}.
function post(agent, port, path, body) {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: FLOOD_IP, port, path, method: 'POST', agent, localAddress: FLOOD_IP,
      headers: { 'Content-Type': 'application/sdp', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'], text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// POSTs `count` WHIP offers from FLOOD_IP, `CONCURRENCY` at a time (kept-alive connections);
// tallies the answers.
async function flood(gw, count) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const tally = { statuses: {}, retryAfter: new Set(), errors: 0, reasons: new Set() };
  let next = 0;
  const one = async () => {
    while (next < count) {
      const i = next++;
      try {
        const res = await post(agent, gw.httpPort, `/whip/flood-${i}`, offer);
        tally.statuses[res.status] = (tally.statuses[res.status] ?? 0) + 1;
        if (res.status === 429) {
          tally.retryAfter.add(res.retryAfter);
          tally.reasons.add(res.text.trim().slice(0, 80));
        }
      } catch {
        tally.errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, one));
  agent.destroy();
  return tally;
}

e2eTest('a flood from one address gets 429s while another client publishes and plays; internal pushes get 403', async ({ gw, browser }) => {
  const pub = await openDemo(browser, gw, 'publisher');
  const player = await openDemo(browser, gw, 'player');

  const started = Date.now();
  const flooding = flood(gw, FLOOD);
  // While the flood runs: the page at the other address publishes and plays.
  await startPublisher(pub, 'calm', { width: 640, height: 360 });
  await waitConnected(pub, 'pub');
  await startPlayer(player, 'calm');
  await waitConnected(player, 'play');
  const tally = await flooding;
  const floodMs = Date.now() - started;
  figure(`answers to ${FLOOD} WHIP POSTs from ${FLOOD_IP} in ${floodMs} ms`, tally.statuses);
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
}, { timeoutMs: 120000, gateway: { httpListenIp: '0.0.0.0' } });
