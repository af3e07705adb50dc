// TURN over TLS on the HTTPS port: the port serves the demo page and, for clients that name
// the TURN host in their SNI (or offer ALPN "stun.turn"), the built-in TURN server — so a
// network that lets only TLS to one port out still gets media through. Relay-only pages with
// nothing but the `turns:` URL from the Link headers publish and play; a raw client shows the
// ALPN route and a dedicated TURN-over-TLS port.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as https from 'node:https';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eTest, figure } from './lib/harness.mjs';
import { freeTcpPort, startGateway } from './lib/gateway.mjs';
import * as api from './lib/api.mjs';
import { RawTurnTlsClient, restCredential } from './lib/turn_raw.mjs';
import {
  openDemo, startPublisher, startPlayer, waitConnected, readStats, waitUntil, selectedLocalCandidate,
} from './lib/pages.mjs';
import { parseIceServerLinks } from '../../web/sdk/whip.js';

const SECRET = 'e2e-turn-tls-secret';

// A gateway config with HTTPS (self-signed) on a free port, TURN over TLS under the name
// "localhost" on it, and `extra` lines.
async function config(extra = '') {
  const port = await freeTcpPort();
  const dir = mkdtempSync(join(process.env.E2E_ARTIFACTS_DIR ?? tmpdir(), 'rtcgate-turns-'));
  const path = join(dir, 'rtcgate.toml');
  writeFileSync(path, `https_listen = "127.0.0.1:${port}"\ntls_self_signed = true\n` +
    `tls_self_signed_dir = "${join(dir, 'tls')}"\ntls_self_signed_names = ["localhost"]\n` +
    `turn_tls_server_name = "localhost"\nturn_secret = "${SECRET}"\n${extra}`);
  return { port, path, url: `https://127.0.0.1:${port}` };
}

function optionsLinks(url) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'OPTIONS', rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, link: res.headers.link ?? '' }));
    });
    req.once('error', reject);
    req.end();
  });
}

const shared = await config();

e2eTest('TURN over TLS on the HTTPS port: relay-only pages publish and play', async ({ gw, browser }) => {
  const { status, link } = await optionsLinks(`${shared.url}/whip/turns1`);
  assert.equal(status, 204);
  const servers = parseIceServerLinks(link);
  figure('Link ice-server URLs', servers.map((s) => s.urls));
  const turns = servers.filter((s) => s.urls.startsWith('turns:'));
  assert.deepEqual(turns.map((s) => s.urls), [`turns:localhost:${shared.port}?transport=tcp`]);

  const ice = { iceServers: turns, iceTransportPolicy: 'relay' };
  const site = { url: shared.url };
  const pub = await openDemo(browser, site, 'publisher');
  const player = await openDemo(browser, site, 'player');
  await startPublisher(pub, 'turns1', { width: 640, height: 360, ice });
  await waitConnected(pub, 'pub', 20000);
  await startPlayer(player, 'turns1', { ice });
  await waitConnected(player, 'play', 20000);
  for (const [page, name] of [[pub, 'pub'], [player, 'play']]) {
    const local = await waitUntil(`${name}'s selected pair`, () => selectedLocalCandidate(page, name));
    figure(`${name} selected local candidate`, { type: local.candidateType, relayProtocol: local.relayProtocol, url: local.url });
    assert.equal(local.candidateType, 'relay');
    assert.equal(local.relayProtocol, 'tls');
  }
  const frames = await waitUntil('player to decode >= 60 frames', async () => {
    const n = (await readStats(player, 'play')).videoIn?.framesDecoded ?? 0;
    return n >= 60 ? n : { ok: false, n };
  }, { timeoutMs: 30000, intervalMs: 500 });
  figure('frames decoded through TURN over TLS', frames, '>= 60');
  const m = await api.metrics(gw);
  const allocations = api.metricSum(m, 'rtcgate_turn_allocations');
  figure('TURN allocations open', allocations, '>= 2');
  assert.ok(allocations >= 2);
  assert.match(gw.log(), /TURN over TLS on the HTTPS port/);
}, {
  timeoutMs: 90000,
  gateway: { extraArgs: ['-c', shared.path] },
  browser: { extraArgs: ['--ignore-certificate-errors'] },
});

test('TURN over TLS: ALPN "stun.turn" on the HTTPS port and a dedicated port allocate; HTTPS still answers', { timeout: 30000 }, async () => {
  const own = await freeTcpPort();
  const c = await config(`turn_tls_listen = "127.0.0.1:${own}"\n`);
  const gw = await startGateway({ extraArgs: ['-c', c.path] });
  const clients = [];
  try {
    const now = Math.floor(Date.now() / 1000);
    const credential = restCredential(SECRET, 'e2e', now + 600);
    const viaAlpn = new RawTurnTlsClient({ port: c.port, ALPNProtocols: ['stun.turn'] }, credential);
    const viaPort = new RawTurnTlsClient({ port: own }, credential);
    clients.push(viaAlpn, viaPort);
    const a = await viaAlpn.allocate();
    const b = await viaPort.allocate();
    figure('Allocate over TLS: HTTPS port with ALPN stun.turn / dedicated port',
      [a.error === 0 ? 'relayed' : a.error, b.error === 0 ? 'relayed' : b.error], 'both relayed');
    assert.equal(a.error, 0);
    assert.equal(b.error, 0);
    figure('ALPN the server chose', viaAlpn.tls.alpnProtocol, 'stun.turn');
    assert.equal(viaAlpn.tls.alpnProtocol, 'stun.turn');
    const { link } = await optionsLinks(`${c.url}/whep/x`);
    const turns = parseIceServerLinks(link).filter((s) => s.urls.startsWith('turns:')).map((s) => s.urls);
    figure('turns URL with a dedicated port', turns);
    assert.deepEqual(turns, [`turns:127.0.0.1:${own}?transport=tcp`]);
    const health = await new Promise((resolve, reject) => {
      https.get(`${c.url}/healthz`, { rejectUnauthorized: false }, (res) => { res.resume(); resolve(res.statusCode); })
        .once('error', reject);
    });
    assert.equal(health, 200, 'the HTTPS port still serves HTTP');
  } finally {
    for (const client of clients) client.close();
    assert.equal(await gw.stop(), 0);
  }
});
