// ICE over TCP (RFC 6544). With every UDP packet dropped (nftables in the suite's namespace), a
// page publishes over WHIP and another plays over WHEP through the workers' passive TCP
// candidates: both select a TCP pair and the player decodes. With UDP open, the same answer's
// TCP candidates lose to UDP.
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import { UdpBlock } from './lib/loss.mjs';
import * as api from './lib/api.mjs';
import { openDemo, startPublisher, startPlayer, waitConnected, readStats, selectedPair, waitUntil } from './lib/pages.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function assertTcpPair(pair, label, tcpPort) {
  figure(`${label} selected pair`, pair && `${pair.local.protocol}/${pair.local.tcpType} -> ${pair.remote.protocol}/${pair.remote.tcpType}:${pair.remote.port}`);
  assert.ok(pair, `${label}: no selected candidate pair`);
  assert.equal(pair.local.protocol, 'tcp', `${label}: local candidate is not TCP`);
  assert.equal(pair.remote.protocol, 'tcp', `${label}: remote candidate is not TCP`);
  assert.equal(pair.remote.tcpType, 'passive');
  assert.equal(pair.remote.port, tcpPort, `${label}: not the worker's ICE-TCP port`);
}

e2eTest('ICE-TCP: UDP dropped, a page publishes and another plays over TCP', async ({ gw, browser }) => {
  const tcpPort = gw.tcpPorts()[0];
  figure('worker ICE-TCP port', tcpPort, 'same number as UDP');
  assert.equal(tcpPort, gw.udpPorts()[0]);
  const block = new UdpBlock('rtcgate_e2e_noudp');
  try {
    const pub = await openDemo(browser, gw, 'publisher');
    const player = await openDemo(browser, gw, 'player');
    await startPublisher(pub, 'tcpcam', { width: 640, height: 360 });
    await waitConnected(pub, 'pub', 30000);
    assertTcpPair(await selectedPair(pub, 'pub'), 'publisher', tcpPort);

    await startPlayer(player, 'tcpcam');
    await waitConnected(player, 'play', 30000);
    assertTcpPair(await selectedPair(player, 'play'), 'player', tcpPort);

    await waitUntil('the player to decode its first frames', async () =>
      ((await readStats(player, 'play')).videoIn?.framesDecoded ?? 0) >= 1, { timeoutMs: 20000 });
    const f0 = (await readStats(player, 'play')).videoIn.framesDecoded;
    await sleep(5000);
    const v1 = (await readStats(player, 'play')).videoIn;
    const decoded = v1.framesDecoded - f0;
    figure('frames decoded over TCP in 5 s', decoded, '>= 30');
    figure('player frame size', `${v1.frameWidth}x${v1.frameHeight}`);
    assert.ok(decoded >= 30, `only ${decoded} frames decoded in 5 s`);

    const m = await api.metrics(gw);
    const udpIn = api.metricSum(m, 'rtcgate_packets_in_total');
    const tcpOpen = api.metricSum(m, 'rtcgate_ice_tcp_connections');
    const framesIn = api.metricSum(m, 'rtcgate_ice_tcp_frames_in_total');
    const framesOut = api.metricSum(m, 'rtcgate_ice_tcp_frames_out_total');
    figure('UDP datagrams the gateway received', udpIn, '0: all blocked');
    figure('UDP packets nftables dropped', block.dropped(), '> 0');
    figure('open ICE-TCP connections', tcpOpen, '>= 2');
    figure('ICE-TCP frames in / out', `${framesIn} / ${framesOut}`, 'each > 300');
    assert.equal(udpIn, 0);
    assert.ok(block.dropped() > 0, 'the browsers never tried UDP: the block proves nothing');
    assert.ok(tcpOpen >= 2);
    assert.ok(framesIn > 300 && framesOut > 300);
    const sessions = await api.sessions(gw);
    assert.ok(sessions.every((s) => s.state === 'connected'), JSON.stringify(sessions.map((s) => s.state)));
  } finally {
    block.remove();
  }
});

e2eTest('ICE-TCP: with UDP open, the TCP candidates are offered and UDP wins', async ({ gw, browser }) => {
  const pub = await openDemo(browser, gw, 'publisher');
  await startPublisher(pub, 'udpcam', { width: 640, height: 360 });
  await waitConnected(pub, 'pub');
  const answer = await pub.evaluate(() => window.__e2e.sessions.pub.pc.remoteDescription.sdp);
  const candidates = answer.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
  figure('answer candidates', candidates);
  const udp = candidates.find((l) => / udp /.test(l));
  const tcp = candidates.find((l) => / tcp /.test(l) && /tcptype passive/.test(l));
  assert.ok(udp && tcp, 'the answer lacks a UDP or a passive TCP candidate');
  const prio = (l) => Number(l.split(' ')[3]);
  figure('candidate priorities udp / tcp', `${prio(udp)} / ${prio(tcp)}`, 'udp > tcp');
  assert.ok(prio(udp) > prio(tcp));
  assert.equal(Number(tcp.split(' ')[5]), gw.tcpPorts()[0]);
  const pair = await selectedPair(pub, 'pub');
  figure('selected pair', pair && `${pair.local.protocol} -> ${pair.remote.protocol}`, 'udp');
  assert.equal(pair?.remote.protocol, 'udp');
});
