// metadata.mjs: timed metadata in step with the picture, in browser pages. A publisher draws a
// frame counter into a canvas it publishes over WHIP and, while sending is on, sends
// {counter} on its 'metadata' channel every 30 frames; a player reads the counter off the
// frame presented when the SDK raises each metadata event.

// Publishes the counter canvas as `stream` on `page` (session 'pub'), with `channels`.
export async function publishCounter(page, stream, channels = ['metadata']) {
  await page.evaluate(async ({ stream, channels }) => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 180;
    document.body.append(canvas);
    const ctx = canvas.getContext('2d');
    // The counter as 16 bars, white for a set bit: big enough to survive the encoder.
    const draw = (k) => {
      for (let b = 0; b < 16; b++) {
        ctx.fillStyle = (k >> b) & 1 ? '#fff' : '#000';
        ctx.fillRect(b * 20, 0, 20, 180);
      }
    };
    // The counter runs from the start (a canvas only yields frames when it changes); the
    // messages start when the test says so.
    let counter = 0;
    window.__e2e.sent = 0;
    window.__e2e.sending = false;
    draw(0);
    setInterval(() => {
      counter += 1;
      draw(counter);
      if (window.__e2e.sending && counter % 30 === 0) {
        window.__e2e.sessions.pub.send('metadata', JSON.stringify({ counter }));
        window.__e2e.sent += 1;
      }
    }, 1000 / 30);
    const s = await window.__e2e.client.publish(`/whip/${stream}`, canvas.captureStream(30), { dataChannels: channels });
    window.__e2e.sessions.pub = s;
  }, { stream, channels });
}

// Starts or stops the publisher's metadata; stopping returns how many it sent.
export const sendMetadata = (page, on) =>
  page.evaluate((on) => { window.__e2e.sending = on; return window.__e2e.sent; }, on);

// On player session `name`: each metadata event is recorded with the counter it carries (k),
// the counter of the frame presented then (shown) and its RTP timestamp.
export async function watchMetadata(page, name = 'play') {
  await page.evaluate((name) => {
    const s = window.__e2e.sessions[name];
    const video = window.__e2e.elements[name].video;
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 180;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    window.__e2e.events = [];
    s.showMetadataWith(video);
    s.onmetadata = (data, info) => {
      // The frame being presented now: read its counter.
      ctx.drawImage(video, 0, 0, 320, 180);
      let shown = 0;
      for (let b = 0; b < 16; b++) {
        const [r, g, bl] = ctx.getImageData(b * 20 + 10, 90, 1, 1).data;
        if (r + g + bl > 3 * 128) shown |= 1 << b;
      }
      window.__e2e.events.push({ k: data?.counter, shown, ts: info.rtpTimestamp });
    };
  }, name);
}

// The events recorded: {events, histogram of shown - k, share within K ± 2}.
export async function metadataEvents(page) {
  const events = await page.evaluate(() => window.__e2e.events);
  const offsets = events.map((e) => e.shown - e.k);
  const histogram = {};
  for (const o of offsets) histogram[o] = (histogram[o] ?? 0) + 1;
  const within = offsets.filter((o) => Math.abs(o) <= 2).length / Math.max(1, events.length);
  return { events, histogram, within: +within.toFixed(3) };
}
