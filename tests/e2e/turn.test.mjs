// The built-in TURN server (RFC 8656) with real browsers: pages restricted to relay candidates
// (iceTransportPolicy 'relay') publish and play through it, once over TURN/UDP and once over
// TURN/TCP, with the servers and credentials the WHIP/WHEP endpoints hand out in their
// `Link: rel="ice-server"` headers. A raw TURN client shows that an expired credential gets
// 401 while a fresh one allocates, and that a peer that is not one of our media ports gets 403.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eTest, figure } from './lib/harness.mjs';
import * as api from './lib/api.mjs';
import { startGateway } from './lib/gateway.mjs';
import { RawTurnClient, restCredential } from './lib/turn_raw.mjs';
import {
  openDemo, startPublisher, startPlayer, waitConnected, readStats, waitUntil, selectedLocalCandidate,
} from './lib/pages.mjs';
import { parseIceServerLinks } from '../../web/sdk/whip.js';

const SECRET = 'e2e-turn-secret';

// A config file naming the TURN secret, so this test can mint credentials of its own.
function configWithSecret() {
  const dir = mkdtempSync(join(process.env.E2E_ARTIFACTS_DIR ?? tmpdir(), 'turn-conf-'));
  const path = join(dir, 'rtcgate.toml');
  writeFileSync(path, `turn_secret = "${SECRET}"\n`);
  return path;
}

// The ICE servers of OPTIONS /whip/{stream}, as the raw Link header values and as RTCIceServers.
async function linkIceServers(gw, stream) {
  const res = await fetch(`${gw.url}/whip/${stream}`, { method: 'OPTIONS' });
  assert.equal(res.status, 204);
  const raw = res.headers.get('link') ?? '';
  return { raw, servers: parseIceServerLinks(raw) };
}

async function relayScenario({ gw, browser }, transport) {
  const stream = `turn-${transport}`;
  const { raw, servers } = await linkIceServers(gw, stream);
  figure('Link ice-server URLs', servers.map((s) => s.urls));
  assert.match(raw, /credential-type="password"/);
  assert.deepEqual(servers.map((s) => s.urls.replace(/:\d+\?/, ':PORT?')),
    ['turn:127.0.0.1:PORT?transport=udp', 'turn:127.0.0.1:PORT?transport=tcp']);
  const expiry = Number(servers[0].username.split(':')[0]) - Date.now() / 1000;
  figure('credential valid for (s)', Math.round(expiry), '> 3600');
  assert.ok(expiry > 3600);

  // UDP: the pages ask the endpoints themselves (OPTIONS). TCP: only the transport=tcp URL.
  const ice = transport === 'udp'
    ? { askIceServers: true, iceTransportPolicy: 'relay' }
    : { iceServers: servers.filter((s) => s.urls.endsWith('transport=tcp')), iceTransportPolicy: 'relay' };
  const pub = await openDemo(browser, gw, 'publisher');
  const player = await openDemo(browser, gw, 'player');
  await startPublisher(pub, stream, { width: 640, height: 360, ice });
  await waitConnected(pub, 'pub', 20000);
  await startPlayer(player, stream, { ice });
  await waitConnected(player, 'play', 20000);

  for (const [page, name] of [[pub, 'pub'], [player, 'play']]) {
    const local = await waitUntil(`${name}'s selected pair`, () => selectedLocalCandidate(page, name));
    figure(`${name} selected local candidate`, local);
    assert.equal(local.candidateType, 'relay');
    assert.equal(local.relayProtocol, transport);
    assert.match(local.url ?? '', new RegExp(`transport=${transport}$`));
  }
  const frames = await waitUntil('player to decode >= 100 frames', async () => {
    const n = (await readStats(player, 'play')).videoIn?.framesDecoded ?? 0;
    return n >= 100 ? n : { ok: false, n };
  }, { timeoutMs: 30000, intervalMs: 500 });
  figure('frames decoded through TURN', frames, '>= 100');

  const m = await api.metrics(gw);
  const allocations = api.metricSum(m, 'rtcgate_turn_allocations');
  const toPeer = api.metricSum(m, 'rtcgate_turn_relayed_bytes_total', { direction: 'to_peer' });
  const toClient = api.metricSum(m, 'rtcgate_turn_relayed_bytes_total', { direction: 'to_client' });
  figure('TURN allocations open', allocations, '>= 2');
  figure('TURN bytes relayed to peers / to clients', [toPeer, toClient], 'each > 100000');
  assert.ok(allocations >= 2);
  assert.ok(toPeer > 100000 && toClient > 100000);
}

const gateway = () => ({ extraArgs: ['-c', configWithSecret()] });

e2eTest('TURN over UDP: relay-only pages publish and play', (ctx) => relayScenario(ctx, 'udp'),
  { timeoutMs: 60000, gateway: gateway() });

e2eTest('TURN over TCP: relay-only pages publish and play', (ctx) => relayScenario(ctx, 'tcp'),
  { timeoutMs: 60000, gateway: gateway() });

test('TURN refuses expired credentials and peers that are not media ports', { timeout: 30000 }, async () => {
  const gw = await startGateway(gateway());
  const clients = [];
  try {
    const port = gw.turnPort();
    assert.ok(port, 'the gateway logged its TURN port');
    const now = Math.floor(Date.now() / 1000);
    const expired = new RawTurnClient(port, restCredential(SECRET, 'e2e', now - 60));
    const wrongSecret = new RawTurnClient(port, restCredential('not-the-secret', 'e2e', now + 600));
    const fresh = new RawTurnClient(port, restCredential(SECRET, 'e2e', now + 600));
    clients.push(expired, wrongSecret, fresh);

    const refused = await expired.allocate();
    figure('Allocate with a credential expired 60 s ago', `${refused.error} ${refused.reason}`, '401');
    assert.equal(refused.error, 401);
    const wrong = await wrongSecret.allocate();
    figure('Allocate with a password of another secret', wrong.error, '401');
    assert.equal(wrong.error, 401);

    const ok = await fresh.allocate();
    figure('Allocate with a fresh credential', ok.error === 0 ? `relayed ${ok.relayed}` : ok.error, 'success');
    assert.equal(ok.error, 0);
    const forbidden = await fresh.createPermission('8.8.8.8', 53);
    const worker = gw.udpPorts()[0];
    const media = await fresh.createPermission('127.0.0.1', worker);
    const sideDoor = await fresh.createPermission('127.0.0.1', gw.httpPort);
    figure('CreatePermission 8.8.8.8:53 / media port / HTTP port', [forbidden.error, media.error, sideDoor.error], '403, 0, 403');
    assert.deepEqual([forbidden.error, media.error, sideDoor.error], [403, 0, 403]);

    const m = await api.metrics(gw);
    const auth = api.metricSum(m, 'rtcgate_turn_refused_total', { reason: 'auth' });
    const peer = api.metricSum(m, 'rtcgate_turn_refused_total', { reason: 'forbidden_peer' });
    figure('refused in /metrics (auth, forbidden_peer)', [auth, peer], '>= 2, 2');
    assert.ok(auth >= 2);
    assert.equal(peer, 2);
  } finally {
    for (const c of clients) c.close();
    const code = await gw.stop();
    assert.equal(code, 0, 'rtcgate exits cleanly on SIGTERM');
  }
});
