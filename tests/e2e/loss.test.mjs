// 5 % of the UDP packets towards the player are dropped (nftables in the suite's private network
// namespace; this kernel has no netem). Retransmissions answering the player's NACKs keep it
// decoding at least 95 % of the frames the publisher encoded.
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import { UdpLoss } from './lib/loss.mjs';
import * as api from './lib/api.mjs';
import { openDemo, startPublisher, startPlayer, waitConnected, readStats, localMediaPort, topEncoding, waitUntil } from './lib/pages.mjs';

const LOSS_PERCENT = 5;
const WINDOW_MS = 20000;

e2eTest(`${LOSS_PERCENT} % loss towards the player`, async ({ gw, browser }) => {
  const pub = await openDemo(browser, gw, 'publisher');
  const player = await openDemo(browser, gw, 'player');
  await startPublisher(pub, 'lossy', { width: 640, height: 360 });
  await waitConnected(pub, 'pub');
  await startPlayer(player, 'lossy');
  await waitConnected(player, 'play');
  await waitUntil('the player to decode its first frames', async () =>
    ((await readStats(player, 'play')).videoIn?.framesDecoded ?? 0) >= 30);

  const port = await localMediaPort(player, 'play');
  figure('player media port', port);
  assert.ok(port, 'no selected candidate pair on the player');
  const metricsBefore = await api.metrics(gw);
  const loss = new UdpLoss('rtcgate_e2e_loss', port, LOSS_PERCENT);
  try {
    const p0 = topEncoding(await readStats(pub, 'pub'));
    const v0 = (await readStats(player, 'play')).videoIn;
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const p1 = topEncoding(await readStats(pub, 'pub'));
    const v1 = (await readStats(player, 'play')).videoIn;
    const dropped = loss.dropped();

    const encoded = p1.framesEncoded - p0.framesEncoded;
    const decoded = v1.framesDecoded - v0.framesDecoded;
    const m = await api.metrics(gw);
    const nacks = api.metricSum(m, 'rtcgate_nacks_received_total') - api.metricSum(metricsBefore, 'rtcgate_nacks_received_total');
    const rtx = api.metricSum(m, 'rtcgate_rtx_sent_total') - api.metricSum(metricsBefore, 'rtcgate_rtx_sent_total');
    figure(`packets dropped by nftables in ${WINDOW_MS / 1000} s`, dropped, '> 0');
    figure('frames encoded by the publisher', encoded);
    figure('frames decoded by the player', decoded, `>= 95 % of ${encoded}`);
    figure('decoded / encoded', decoded / encoded, '>= 0.95');
    figure('player NACKs sent / packets lost (cumulative)', `${v1.nackCount} / ${v1.packetsLost}`);
    figure('freezes during the window', v1.freezeCount - v0.freezeCount);
    figure('gateway NACKs received / RTX sent', `${nacks} / ${rtx}`, 'one of them > 0');

    assert.ok(dropped > 0, 'the nftables rule dropped nothing: wrong port?');
    assert.ok(encoded > 0);
    assert.ok(decoded >= 0.95 * encoded, `decoded ${decoded} of ${encoded} frames`);
    assert.ok(nacks > 0 || rtx > 0, 'no NACK answered according to /metrics');
  } finally {
    loss.remove();
  }
});
