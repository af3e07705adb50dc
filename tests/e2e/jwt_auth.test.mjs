// JWT access control against the real gateway started with an [auth] config: tokens minted by
// `rtcgate token`. WHIP without a token → 401, with a subscribe-only token → 403, with an
// expired one → 401, with a publish token → 201 and Chromium publishes; Chromium plays over
// WHEP with a subscribe token; a static [tokens] prefix still opens its streams; the admin API
// and /metrics answer 401 without a token, 403 without the admin grant, 200 with it; ffmpeg
// publishes over RTMP with ?token= and is refused without it; a room join without a valid
// token is refused and a valid one joins.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eTest, figure } from './lib/harness.mjs';
import { BINARY } from './lib/gateway.mjs';
import { publishRtmp } from './lib/ffmpeg.mjs';
import { stopAll } from './lib/process.mjs';
import { openDemo, startPublisher, startPlayer, waitConnected, readStats, waitUntil } from './lib/pages.mjs';
import { joinRoom } from './lib/rooms.mjs';

const SECRET = 'e2e-jwt-secret-that-is-long-enough-0123456789';
const STATIC = 'legacy-static-token';
const dir = mkdtempSync(join(process.env.E2E_ARTIFACTS_DIR ?? tmpdir(), 'jwt-'));
const CONFIG = join(dir, 'rtcgate.toml');
writeFileSync(CONFIG, `[auth]\njwt_secret = "${SECRET}"\nclock_skew_seconds = 30\n\n[tokens]\n"legacy-" = "${STATIC}"\n`);

// A token from the gateway's own `rtcgate token` subcommand.
function mint(...args) {
  return execFileSync(BINARY, ['token', '--config', CONFIG, ...args], { encoding: 'utf8' }).trim();
}

async function post(gw, path, { token, body = '', type = 'application/sdp' } = {}) {
  const headers = { 'Content-Type': type };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${gw.url}${path}`, { method: 'POST', headers, body });
  return { status: res.status, text: (await res.text()).trim(), auth: res.headers.get('www-authenticate'),
           location: res.headers.get('location') };
}

async function get(gw, path, token) {
  const res = await fetch(`${gw.url}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return { status: res.status, text: (await res.text()).trim() };
}

// A real sendonly offer from Chromium, so a refusal can only come from the token.
async function chromiumOffer(page) {
  return page.evaluate(async () => {
    const pc = new RTCPeerConnection();
    pc.addTransceiver('video', { direction: 'sendonly' });
    pc.addTransceiver('audio', { direction: 'sendonly' });
    const offer = await pc.createOffer();
    pc.close();
    return offer.sdp;
  });
}

async function roomJoinError(browser, gw, room, name, token) {
  try {
    const page = await joinRoom(browser, gw, room, name, { query: `&size=320x180&video=0${token ? `&token=${token}` : ''}`, timeoutMs: 15000 });
    await page.close();
    return null;
  } catch (err) {
    return err.message;
  }
}

e2eTest('JWT: tokens decide WHIP, WHEP, RTMP, rooms and the admin API', async ({ gw, browser }) => {
  const t0 = Date.now();
  const publisher = mint('--sub', 'cam-owner', '--stream', 'jwtcam', '--grants', 'publish');
  const viewer = mint('--sub', 'viewer', '--stream', 'jwt*', '--grants', 'subscribe');
  const expired = mint('--stream', 'jwtcam', '--grants', 'publish', '--ttl', '-120');
  const admin = mint('--sub', 'ops', '--grants', 'admin');
  const rtmpToken = mint('--stream', 'rtmpjwt', '--grants', 'publish');
  const roomToken = mint('--sub', 'alice', '--room', 'jwtroom', '--grants', 'publish,subscribe');
  figure('token length (bytes)', publisher.length);

  const page = await openDemo(browser, gw, 'publisher');
  const offer = await chromiumOffer(page);

  // WHIP refusals.
  const none = await post(gw, '/whip/jwtcam', { body: offer });
  figure('WHIP without a token', `${none.status} ${none.text} [${none.auth}]`, '401, WWW-Authenticate: Bearer');
  assert.equal(none.status, 401);
  assert.match(none.auth ?? '', /^Bearer/);
  const subOnly = await post(gw, '/whip/jwtcam', { body: offer, token: viewer });
  figure('WHIP with a subscribe-only token', `${subOnly.status} ${subOnly.text}`, '403');
  assert.equal(subOnly.status, 403);
  const old = await post(gw, '/whip/jwtcam', { body: offer, token: expired });
  figure('WHIP with an expired token', `${old.status} ${old.text}`, '401');
  assert.equal(old.status, 401);
  assert.match(old.text, /expired/);
  const forged = await post(gw, '/whip/jwtcam', { body: offer, token: publisher.slice(0, -4) + 'AAAA' });
  figure('WHIP with a bad signature', `${forged.status} ${forged.text}`, '401');
  assert.equal(forged.status, 401);

  // A real publish and a real play with the right tokens.
  const pub = await startPublisher(page, 'jwtcam', { token: publisher, width: 640, height: 360 });
  figure('WHIP with a publish token', `201 ${pub.location}`, '201');
  await waitConnected(page, 'pub');
  const player = await openDemo(browser, gw, 'player');
  const badPlay = await post(gw, '/whep/jwtcam', { body: offer, token: publisher });
  figure('WHEP with a publish-only token', `${badPlay.status} ${badPlay.text}`, '403');
  assert.equal(badPlay.status, 403);
  await startPlayer(player, 'jwtcam', { token: viewer });
  await waitConnected(player, 'play');
  const decoded = await waitUntil('the WHEP player to decode 30 frames', async () => {
    const n = (await readStats(player, 'play')).videoIn?.framesDecoded ?? 0;
    return n >= 30 ? n : { ok: false, n };
  });
  figure('frames decoded by the WHEP player (subscribe token)', decoded, '>= 30');

  // A static token still opens its prefix.
  const legacy = await post(gw, '/whip/legacy-1', { body: offer, token: STATIC });
  figure('WHIP with the static token of its prefix', legacy.status, '201');
  assert.equal(legacy.status, 201);
  const del = await fetch(`${gw.url}${legacy.location}`, { method: 'DELETE', headers: { Authorization: `Bearer ${STATIC}` } });
  assert.equal(del.status, 200);

  // Admin API and metrics.
  const apiNone = await get(gw, '/api/streams');
  const apiPub = await get(gw, '/api/streams', publisher);
  const apiAdmin = await get(gw, '/api/streams', admin);
  const metricsNone = await get(gw, '/metrics');
  const metricsAdmin = await get(gw, '/metrics', admin);
  figure('admin API: no token / publish token / admin token', `${apiNone.status} / ${apiPub.status} / ${apiAdmin.status}`, '401 / 403 / 200');
  figure('/metrics: no token / admin token', `${metricsNone.status} / ${metricsAdmin.status}`, '401 / 200');
  assert.equal(apiNone.status, 401);
  assert.equal(apiPub.status, 403);
  assert.equal(apiAdmin.status, 200);
  assert.ok(JSON.parse(apiAdmin.text).some((s) => s.name === 'jwtcam'), apiAdmin.text);
  assert.equal(metricsNone.status, 401);
  assert.equal(metricsAdmin.status, 200);

  // RTMP: the token in the stream key.
  let good = null;
  let bad = null;
  try {
    bad = publishRtmp(gw.rtmpUrl('rtmpnotoken'), { size: '320x180', rate: 15, profile: 'baseline', gop: 15 });
    good = publishRtmp(gw.rtmpUrl(`rtmpjwt?token=${rtmpToken}`), { size: '320x180', rate: 15, profile: 'baseline', gop: 15 });
    await good.waitFrames(45, 20000);
    const listed = await waitUntil('rtmpjwt in /api/streams', async () => {
      const s = JSON.parse((await get(gw, '/api/streams', admin)).text);
      return s.some((x) => x.name === 'rtmpjwt') ? s.map((x) => x.name) : { ok: false, names: s.map((x) => x.name) };
    }, { timeoutMs: 10000 });
    figure('streams listed after the RTMP publish with ?token=', listed);
    await waitUntil('the RTMP publish without a token to be refused', async () => !bad.running || gw.log().includes("publish of 'rtmpnotoken' refused"), { timeoutMs: 10000 });
    assert.ok(!JSON.parse((await get(gw, '/api/streams', admin)).text).some((x) => x.name === 'rtmpnotoken'));
    figure('RTMP without a token', gw.log().match(/publish of 'rtmpnotoken' refused: [^\n]*/)?.[0]);
    assert.ok(!gw.log().includes(rtmpToken), 'the RTMP token must not be logged');
  } finally {
    await stopAll(good, bad);
  }

  // Rooms: the token travels in the join message.
  const noToken = await roomJoinError(browser, gw, 'jwtroom', 'alice', null);
  const wrongName = await roomJoinError(browser, gw, 'jwtroom', 'mallory', roomToken);
  const otherRoom = await roomJoinError(browser, gw, 'otherroom', 'alice', roomToken);
  const joined = await roomJoinError(browser, gw, 'jwtroom', 'alice', roomToken);
  figure('room join without a token', noToken);
  figure('room join as another participant than the token\'s sub', wrongName);
  figure('room join of another room', otherRoom);
  figure('room join with a valid token', joined ?? 'joined');
  assert.match(noToken ?? '', /token is required/);
  assert.match(wrongName ?? '', /participant 'alice'/);
  assert.match(otherRoom ?? '', /not for room/);
  assert.equal(joined, null);
  figure('test seconds', (Date.now() - t0) / 1000, '< 90');
}, { gateway: { rtmp: true, extraArgs: ['--config', CONFIG] }, timeoutMs: 120000 });
