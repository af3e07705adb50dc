// rtcgate-load's room mode against the gateway (no browser): synthetic participants join over
// the room protocol, publishers send 3-layer simulcast, everyone receives everyone, each takes
// the low layer of all but the active speaker. Keeps the tool behind `make bench`'s room
// figures working, and checks the room signaling and SFU with a client that is not Chromium.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { figure } from './lib/harness.mjs';
import { BINARY, startGateway } from './lib/gateway.mjs';

const TOOL = join(dirname(dirname(BINARY ?? '')), 'bench', 'rtcgate-load');

test('room load: 6 synthetic participants, 3 publishing simulcast, receive everyone', { timeout: 150000 }, async () => {
  assert.ok(existsSync(TOOL), `rtcgate-load not built: ${TOOL}`);
  const gw = await startGateway();
  try {
    const out = join(mkdtempSync(join(tmpdir(), 'room-load-')), 'report.json');
    const args = ['--room', 'loadtest', '--room-url', `ws://127.0.0.1:${gw.httpPort}/rooms/ws`, '--participants', '6',
      '--publishers', '3', '--layers', '3', '--duration', '5', '--width', '640', '--height', '360', '--bitrate', '600000',
      '--loop-seconds', '3', '--ramp-per-sec', '20', '--threads', '1', '--settle-timeout', '30', '--json', out];
    const run = await promisify(execFile)(TOOL, args, { timeout: 120000 }).catch((err) => err);
    assert.ok(existsSync(out), `rtcgate-load wrote no report (exit ${run.code}):\n${run.stdout ?? ''}${run.stderr ?? ''}`);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    figure('room', report.room);
    figure('video loss % (mean, worst)', [report.lossPct.videoMean, report.lossPct.videoWorst], '< 0.5');
    figure('received video kbit/s per subscriber', report.room.videoKbpsPerSubscriber, '< 1000');
    figure('errors', report.errors);
    assert.equal(run.code ?? 0, 0, `rtcgate-load failed:\n${run.stdout ?? ''}${run.stderr ?? ''}`);
    assert.equal(report.room.joined, 6);
    assert.equal(report.room.publishersConnected, 3);
    assert.equal(report.room.subscribersShort, 0, 'everyone receives every publisher');
    assert.equal(report.room.signalingErrors, 0);
    assert.ok(report.lossPct.videoWorst < 0.5);
    assert.ok(report.latencyMs.samples > 100, 'latency measured on the forwarded payloads');
    // Speaker high, the others low: a listener gets one 600 kbit/s layer and two 60 kbit/s ones
    // (the mean over all six is about 600), where three top layers would be 1800.
    assert.ok(report.room.videoKbpsPerSubscriber > 200 && report.room.videoKbpsPerSubscriber < 1000,
      'the low layer is forwarded for all but the speaker');
  } finally {
    const code = await gw.stop();
    if (code !== 0) console.log(`--- rtcgate log tail ---\n${gw.logTail()}`);
    assert.equal(code, 0, 'rtcgate exits cleanly');
  }
});
