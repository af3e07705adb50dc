// HTTPS and WSS with a self-signed certificate made on first run: the demo page publishes and
// plays over https://, and two room pages see each other over wss://. Then the HTTP listener's
// limits against real clients: a client trickling its headers (slowloris, plain and TLS) is
// closed at the header timeout while others are served; a 10 MB POST from Node's fetch reads its
// 413; a client opening connections past its rate is cut off and counted.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import * as tls from 'node:tls';
import * as https from 'node:https';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eTest, figure } from './lib/harness.mjs';
import { freeTcpPort } from './lib/gateway.mjs';
import * as api from './lib/api.mjs';
import { openDemo, startPublisher, startPlayer, waitConnected, readStats, waitUntil } from './lib/pages.mjs';
import { joinRoom, received } from './lib/rooms.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A config file for a gateway with HTTPS on a free port (plus `extra` lines).
async function httpsConfig(extra = '') {
  const port = await freeTcpPort();
  const dir = mkdtempSync(join(process.env.E2E_ARTIFACTS_DIR ?? tmpdir(), 'rtcgate-https-'));
  const path = join(dir, 'rtcgate.toml');
  writeFileSync(path, `https_listen = "127.0.0.1:${port}"\ntls_self_signed = true\n` +
    `tls_self_signed_dir = "${join(dir, 'tls')}"\n${extra}`);
  return { port, dir, path, url: `https://127.0.0.1:${port}` };
}

// The SHA-256 fingerprint of the certificate served on `port`, as Node formats it ("AB:CD:...").
function servedFingerprint(port) {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost' }, () => {
      const fp = s.getPeerCertificate().fingerprint256;
      const proto = s.getProtocol();
      s.end();
      resolve({ fp, proto });
    });
    s.once('error', reject);
  });
}

// GET over HTTPS without checking the certificate; resolves {status, headers, body}.
function httpsRequest(url, { method = 'GET', body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, rejectUnauthorized: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

const first = await httpsConfig('hsts_max_age_seconds = 60\n');

e2eTest('https: the demo page publishes and plays over HTTPS, a room works over WSS', async ({ gw, browser }) => {
  const log = gw.log();
  const logged = /self-signed certificate .* \(SHA-256 ([0-9A-F:]+)\)/.exec(log)?.[1];
  const served = await servedFingerprint(first.port);
  figure('certificate SHA-256 logged', logged);
  figure('certificate SHA-256 served', served.fp);
  figure('TLS version', served.proto, 'TLSv1.2 or TLSv1.3');
  assert.equal(served.fp, logged);
  assert.match(served.proto, /^TLSv1\.[23]$/);
  const health = await httpsRequest(`${first.url}/healthz`);
  figure('HSTS header over HTTPS', health.headers['strict-transport-security']);
  assert.equal(health.status, 200);
  assert.equal(health.headers['strict-transport-security'], 'max-age=60');
  const plain = await fetch(`${gw.url}/healthz`);
  assert.equal(plain.headers.get('strict-transport-security'), null, 'HSTS is never sent over plain HTTP');

  const site = { url: first.url };
  const pub = await openDemo(browser, site, 'publisher');
  const player = await openDemo(browser, site, 'player');
  figure('demo page origin', await pub.evaluate(() => location.origin));
  assert.equal(await pub.evaluate(() => location.protocol), 'https:');
  await startPublisher(pub, 'tls1', { width: 640, height: 360 });
  await waitConnected(pub, 'pub');
  await startPlayer(player, 'tls1');
  await waitConnected(player, 'play');
  const decoded = await waitUntil('the player to decode 60 frames', async () => {
    const s = await readStats(player, 'play');
    return s.videoIn?.framesDecoded >= 60 ? s.videoIn.framesDecoded : { ok: false, frames: s.videoIn?.framesDecoded };
  }, { timeoutMs: 20000 });
  figure('frames decoded by the HTTPS player', decoded, '>= 60');

  const a = await joinRoom(browser, site, 'tlsroom', 'alice', { query: '&size=320x180' });
  const b = await joinRoom(browser, site, 'tlsroom', 'bob', { query: '&size=320x180' });
  const seen = await waitUntil('alice and bob to decode each other', async () => {
    const ra = await received(a);
    const rb = await received(b);
    const ab = ra.bob?.camera?.framesDecoded ?? 0;
    const ba = rb.alice?.camera?.framesDecoded ?? 0;
    return ab >= 30 && ba >= 30 ? { ab, ba } : { ok: false, ab, ba };
  }, { timeoutMs: 30000, intervalMs: 500 });
  figure('room frames decoded alice<-bob, bob<-alice', [seen.ab, seen.ba], 'each >= 30');
  const sockets = browser.webSocketUrls.filter((u) => u.includes('/rooms/ws'));
  figure('room signaling URLs', sockets);
  assert.ok(sockets.length >= 2 && sockets.every((u) => u.startsWith(`wss://127.0.0.1:${first.port}/`)));
}, { timeoutMs: 120000, gateway: { extraArgs: ['--config', first.path] }, browser: { contextOptions: { ignoreHTTPSErrors: true } } });

// A raw client that sends a request line and then one header line every `everyMs`; resolves the
// seconds until the server closed it and whether it answered anything.
function trickle(open, everyMs = 300) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let answered = '';
    const s = open();
    let timer;
    s.on('data', (d) => { answered += d.toString(); });
    const done = () => { clearInterval(timer); resolve({ seconds: (Date.now() - t0) / 1000, answered }); };
    s.once('close', done);
    s.once('error', () => {});
    const start = () => {
      s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
      timer = setInterval(() => { if (!s.destroyed) s.write('X-Slow: 1\r\n'); }, everyMs);
    };
    s.once(s instanceof tls.TLSSocket ? 'secureConnect' : 'connect', start);
  });
}

const second = await httpsConfig('http_header_timeout_seconds = 2\n');

e2eTest('https: slowloris is closed at the header timeout, a 10 MB POST reads its 413', async ({ gw }) => {
  const port = Number(new URL(gw.url).port);
  const slowPlain = trickle(() => connect({ host: '127.0.0.1', port }));
  const slowTls = trickle(() => tls.connect({ host: '127.0.0.1', port: second.port, rejectUnauthorized: false }));
  // Meanwhile a normal client is served at once, over both listeners.
  const latencies = [];
  for (let i = 0; i < 8; ++i) {
    const t0 = Date.now();
    const r = i % 2 ? await httpsRequest(`${second.url}/healthz`) : await fetch(`${gw.url}/healthz`);
    assert.equal(r.status, 200);
    latencies.push(Date.now() - t0);
    await sleep(150);
  }
  const [plain, secure] = await Promise.all([slowPlain, slowTls]);
  figure('normal requests during the trickle, ms', latencies, 'each < 1000');
  figure('trickling client closed after, s (plain, TLS)', [plain.seconds, secure.seconds], '2 s timeout: each in [1.8, 4]');
  assert.ok(latencies.every((ms) => ms < 1000));
  for (const c of [plain, secure]) {
    assert.ok(c.seconds >= 1.8 && c.seconds <= 4, `closed after ${c.seconds} s`);
    assert.equal(c.answered, '');
  }

  // 10 MB to a 64 KiB limit: Node's fetch sends the whole body before it reads, so it used to
  // see a reset; it must read the 413 and its reason.
  const big = Buffer.alloc(10 * 1024 * 1024, 0x61);
  const t0 = Date.now();
  const res = await fetch(`${gw.url}/whip/big`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: big });
  const text = await res.text();
  figure('10 MB POST over HTTP (Node fetch)', `${res.status} ${text.trim()} in ${Date.now() - t0} ms`, '413');
  assert.equal(res.status, 413);
  assert.match(text, /larger than/);
  const tlsRes = await httpsRequest(`${second.url}/whip/big`, { method: 'POST', body: big, headers: { 'Content-Type': 'application/sdp' } });
  figure('10 MB POST over HTTPS (node:https)', `${tlsRes.status} ${tlsRes.body.trim()}`, '413');
  assert.equal(tlsRes.status, 413);

  const m = await api.metrics(gw);
  const closed = (reason) => api.metricSum(m, 'rtcgate_http_connections_closed_total', { reason });
  figure('closed: header_timeout, body_too_large', [closed('header_timeout'), closed('body_too_large')], '>= 2 each');
  assert.ok(closed('header_timeout') >= 2);
  assert.ok(closed('body_too_large') >= 2);
}, { timeoutMs: 60000, gateway: { extraArgs: ['--config', second.path] } });

const third = await httpsConfig('http_limit_loopback = true\nhttp_client_connection_burst = 10\n' +
  'http_client_connections_per_second = 2\n');

e2eTest('https: a client opening connections past its rate is closed at once and counted', async ({ gw }) => {
  await sleep(5000);  // the bucket refills after the start-up polling
  const port = Number(new URL(gw.url).port);
  const outcomes = await Promise.all(Array.from({ length: 40 }, () => new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    let data = '';
    s.on('data', (d) => { data += d; });
    s.once('error', () => {});
    s.once('close', () => resolve(data.startsWith('HTTP/1.1 200') ? 'served' : 'closed'));
  })));
  const served = outcomes.filter((o) => o === 'served').length;
  figure('40 connections at once: served, closed', [served, 40 - served], 'burst 10: served in [10, 12]');
  assert.ok(served >= 10 && served <= 12);
  await sleep(2000);
  const m = await api.metrics(gw);
  const refused = api.metricSum(m, 'rtcgate_http_connections_refused_total', { reason: 'client_rate' });
  figure('refused for client_rate', refused, '= closed');
  assert.equal(refused, 40 - served);
}, { timeoutMs: 40000, gateway: { extraArgs: ['--config', third.path] } });
