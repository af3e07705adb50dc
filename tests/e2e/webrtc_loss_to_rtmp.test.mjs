// 3 % of the packets a WHIP publisher sends are lost on the way to the gateway. An RTMP player of
// the stream (VP8 → H.264 on the gateway) still gets nearly every frame: the frame tap waits for
// the NACKed retransmission instead of breaking the frame and waiting for a keyframe.
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import * as api from './lib/api.mjs';
import { playRtmp } from './lib/ffmpeg.mjs';
import { UdpLoss } from './lib/loss.mjs';
import { noisyCameraClip, fakeCameraArgs } from './lib/media.mjs';
import { openDemo, startPublisher, waitConnected, readStats, topEncoding, waitUntil } from './lib/pages.mjs';

const LOSS_PERCENT = 3;
const SECONDS = 10;
const camera = fakeCameraArgs(noisyCameraClip({ width: 640, height: 360 }));

e2eTest(`${LOSS_PERCENT} % loss from the publisher: an RTMP player still gets its frames`, async ({ gw, browser }) => {
  const pub = await openDemo(browser, gw, 'publisher');
  await startPublisher(pub, 'lossyin', { width: 640, height: 360 });
  await waitConnected(pub, 'pub');
  await waitUntil('the publisher to send 640x360', async () => topEncoding(await readStats(pub, 'pub'))?.frameWidth === 640,
    { timeoutMs: 40000, intervalMs: 500 });

  const port = gw.udpPorts()[0];
  const before = await api.metrics(gw);
  // At the input hook: Chromium must not see its packets dropped, or it just sends them again.
  const loss = new UdpLoss('rtcgate_e2e_loss_in', port, LOSS_PERCENT, 'input');
  try {
    const e0 = topEncoding(await readStats(pub, 'pub'));
    const t0 = Date.now();
    const played = await playRtmp(gw.rtmpUrl('lossyin'), { seconds: SECONDS });
    const e1 = topEncoding(await readStats(pub, 'pub'));
    const fps = (e1.framesEncoded - e0.framesEncoded) / ((Date.now() - t0) / 1000);
    const after = await api.metrics(gw);
    const nacks = api.metricSum(after, 'rtcgate_nacks_sent_total') - api.metricSum(before, 'rtcgate_nacks_sent_total');
    const expected = Math.floor(0.9 * fps * SECONDS);
    figure(`packets to the gateway dropped by nftables`, loss.dropped(), '> 0');
    figure('gateway NACKs sent to the publisher', nacks, '> 0');
    figure('publisher frame rate', fps.toFixed(1));
    figure('NACKs / PLIs the publisher received', `${e1.nackCount - e0.nackCount} / ${e1.pliCount - e0.pliCount}`);
    figure('video / audio bytes sent by the publisher', `${e1.bytesSent - e0.bytesSent}`);
    figure(`frames the RTMP player decoded from ${SECONDS} s of stream`, played.frames, `>= ${expected} (90 %)`);
    figure('player decode error lines', played.errors.slice(0, 5), 'none');
    if (played.code !== 0 || played.errors.length) console.log(`--- player stderr ---\n${played.stderr}`);
    assert.ok(loss.dropped() > 0, 'the nftables rule dropped nothing: wrong port?');
    assert.ok(nacks > 0, 'the gateway asked for no retransmission');
    assert.equal(played.code, 0);
    assert.deepEqual(played.errors, []);
    assert.ok(played.frames >= expected, `decoded ${played.frames} frames, expected >= ${expected}`);
  } finally {
    loss.remove();
  }
}, { gateway: { rtmp: true }, browser: { extraArgs: camera } });
