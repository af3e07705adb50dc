// The suite's own prerequisites, checked first so a broken machine fails with a clear reason rather
// than as a WebRTC timeout: the gateway starts and stops on free ports, Chromium runs headless in the
// namespace, its fake camera and microphone deliver media, and two local peer connections connect
// over loopback.
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';

e2eTest('environment: gateway, headless Chromium, fake devices, loopback WebRTC', async ({ gw, browser }) => {
  const health = await fetch(`${gw.url}/healthz`);
  assert.equal(health.status, 200);
  figure('gateway UDP ports', gw.udpPorts());

  const page = await browser.newPage('env');
  // Any page of the gateway's origin is a secure context (http://127.0.0.1), as getUserMedia needs.
  await page.goto(`${gw.url}/healthz`);
  const result = await page.evaluate(async () => {
    const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 }, audio: true });
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    const candidates = [];
    a.onicecandidate = (e) => e.candidate && (candidates.push(e.candidate.candidate), b.addIceCandidate(e.candidate));
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
    media.getTracks().forEach((t) => a.addTrack(t, media));
    const got = new Promise((resolve) => (b.ontrack = (e) => resolve(e.track.kind)));
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription);
    await got;
    const deadline = Date.now() + 10000;
    let frames = 0;
    while (Date.now() < deadline && frames < 30) {
      await new Promise((r) => setTimeout(r, 250));
      (await b.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') frames = s.framesDecoded ?? 0;
      });
    }
    const settings = media.getVideoTracks()[0].getSettings();
    const out = { frames, state: b.connectionState, width: settings.width, height: settings.height, candidates };
    a.close();
    b.close();
    return out;
  });
  figure('fake camera', `${result.width}x${result.height}`);
  figure('local candidates', result.candidates);
  figure('frames decoded over loopback', result.frames, '>= 30');
  assert.equal(result.width, 640);
  assert.ok(result.candidates.some((c) => c.includes('127.0.0.1')), 'no 127.0.0.1 candidate: --allow-loopback-in-peer-connection missing?');
  assert.equal(result.state, 'connected');
  assert.ok(result.frames >= 30);
});
