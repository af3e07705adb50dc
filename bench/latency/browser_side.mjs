// browser_side.mjs: the WebRTC ends of a latency run, inside a Chromium page. The meter reads the
// time code of every frame a <video> presents (requestVideoFrameCallback → canvas → pixels) and
// compares it with the frame's expected display time; the canvas publisher draws the current
// time code 30 times a second into a canvas whose captureStream is published over WHIP.
import { pageScript } from './timecode.mjs';

// Defines window.__timecode in `page`.
export async function installTimecode(page) {
  await page.addScriptTag({ content: pageScript() });
}

// Starts measuring every frame presented by the <video> that plays a remote stream: WHEP session
// `session`'s (pages.mjs startPlayer) or, without one, window.__loopbackStream. Frames before
// `warmupMs` are not counted.
export async function startMeter(page, { session = null, warmupMs = 3000 } = {}) {
  await page.evaluate(({ session, warmupMs }) => {
    const stream = session ? window.__e2e.sessions[session].stream : window.__loopbackStream;
    const video = [...document.querySelectorAll('video')].find((v) => v.srcObject === stream) ?? (() => {
      const v = document.createElement('video');
      v.muted = true;
      v.autoplay = true;
      v.playsInline = true;
      v.srcObject = stream;
      document.body.append(v);
      return v;
    })();
    video.play().catch(() => {});
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const m = { latencies: [], rejected: 0, frames: 0, sizes: {}, warmUntil: performance.now() + warmupMs };
    window.__meter = m;
    const onFrame = (now, meta) => {
      video.requestVideoFrameCallback(onFrame);
      const w = meta.width;
      const h = meta.height;
      if (!w || !h) return;
      ++m.frames;
      m.sizes[`${w}x${h}`] = (m.sizes[`${w}x${h}`] ?? 0) + 1;
      if (canvas.width !== w || canvas.height !== h) Object.assign(canvas, { width: w, height: h });
      ctx.drawImage(video, 0, 0, w, h);
      const rows = window.__timecode.timecodeRows(h);
      const px = ctx.getImageData(0, 0, w, rows).data;
      const r = window.__timecode.decodeTimecode((x, y) => px[(y * w + x) * 4 + 1], w, h);
      if (now < m.warmUntil) return;
      const shownAt = performance.timeOrigin + (meta.expectedDisplayTime ?? now);
      if (r.error || Math.abs(shownAt - r.ms) > 60000) {
        ++m.rejected;
        return;
      }
      m.latencies.push(shownAt - r.ms);
    };
    video.requestVideoFrameCallback(onFrame);
  }, { session, warmupMs });
}

// {latencies, rejected, frames, sizes} measured so far.
export async function readMeter(page) {
  return page.evaluate(() => window.__meter);
}

// Creates a width x height canvas showing the current time code, captured at `fps` into
// window.__canvasStream.
export async function startCanvasSource(page, { width = 640, height = 360, fps = 30 } = {}) {
  await page.evaluate(({ width, height, fps }) => {
    const canvas = document.createElement('canvas');
    Object.assign(canvas, { width, height });
    document.body.append(canvas);
    const ctx = canvas.getContext('2d');
    // Redrawn on every animation frame (60 Hz) so the frame the capture takes (at `fps`) carries
    // a time code at most one display refresh old, as a camera frame would be.
    let i = 0;
    const draw = () => {
      window.__timecode.drawCanvasFrame(ctx, width, height, performance.timeOrigin + performance.now(), i++);
      requestAnimationFrame(draw);
    };
    draw();
    window.__canvasStream = canvas.captureStream(fps);
  }, { width, height, fps });
}

// Publishes window.__canvasStream over WHIP as `key` with the demo's whip-client (the page must
// be the gateway's demo page, see pages.mjs openDemo).
export async function publishCanvas(page, key) {
  await page.evaluate(async (key) => {
    const s = await window.__e2e.client.publish(`/whip/${key}`, window.__canvasStream);
    window.__e2e.sessions.pub = s;
  }, key);
}

// WebRTC alone, without a server: window.__canvasStream through two local peer connections into
// window.__loopbackStream. The floor every WebRTC direction of the gateway adds to.
export async function startLoopback(page) {
  await page.evaluate(async () => {
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
    window.__loopbackStream = new MediaStream();
    const got = new Promise((resolve) => (b.ontrack = (e) => {
      window.__loopbackStream.addTrack(e.track);
      resolve();
    }));
    window.__canvasStream.getTracks().forEach((t) => a.addTrack(t, window.__canvasStream));
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription);
    await got;
    window.__loopback = { a, b };
  });
}
