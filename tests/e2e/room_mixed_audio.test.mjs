// Mixed audio in a room: three Chromium participants, each microphone a different tone (fake
// capture files). Alice joins asking for mixed audio: she receives one audio track, her
// mix-minus, which carries Bob's and Carol's tones and not her own, and no per-speaker audio.
// A room mix made through the API (POST /api/mixes {"room"}) carries all three and follows
// a participant who leaves.
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { joinRoom } from './lib/rooms.mjs';
import { waitUntil } from './lib/pages.mjs';
import * as api from './lib/api.mjs';
import { postMix, solidSourceArgs, waitForStreams } from './lib/mixes.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const PEOPLE = [
  { name: 'alice', colour: 'red', hz: 440, query: '&size=320x240&mixedAudio=1' },
  { name: 'bob', colour: 'lime', hz: 1100, query: '&size=320x240' },
  { name: 'carol', colour: 'blue', hz: 2700, query: '&size=320x240' },
];

// The level of each frequency in the page's mixed audio track over `ms` (WebAudio FFT, averaged).
async function mixedLevels(page, freqs, ms = 3000) {
  return page.evaluate(async ({ freqs, ms }) => {
    const track = window.room.mixedAudioTrack;
    if (!track) throw new Error('no mixed audio track');
    const ctx = new AudioContext({ sampleRate: 48000 });
    await ctx.resume();
    const src = ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 8192;
    analyser.smoothingTimeConstant = 0;
    src.connect(analyser);
    const bins = new Float32Array(analyser.frequencyBinCount);
    const sums = freqs.map(() => 0);
    let n = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      analyser.getFloatFrequencyData(bins);
      freqs.forEach((f, i) => {
        const bin = Math.round((f * analyser.fftSize) / ctx.sampleRate);
        // The strongest of the neighbouring bins, in dB.
        sums[i] += Math.max(bins[bin - 1], bins[bin], bins[bin + 1]);
      });
      n += 1;
    }
    await ctx.close();
    return sums.map((s) => Math.round(s / n));
  }, { freqs, ms });
}

e2eTest('mixed audio: a participant hears the others in one track without itself; a room mix follows the room', async ({ gw }) => {
  const browsers = [];
  try {
    const pages = {};
    for (const p of PEOPLE) {
      const b = await launchBrowser({ extraArgs: solidSourceArgs(p.colour, p.hz) });
      browsers.push(b);
      pages[p.name] = await joinRoom(b, gw, 'choir', p.name, { query: p.query });
    }
    await waitForStreams(gw, PEOPLE.map((p) => `choir/${p.name}`));
    await waitUntil('alice to receive her mixed audio', () =>
      pages.alice.evaluate(() => !!window.room.mixedAudioTrack), { timeoutMs: 15000 });
    // What alice's subscriber connection carries: video from both, one audio track.
    const inbound = () => pages.alice.evaluate(async () => {
      const out = { audio: 0, video: 0 };
      (await window.room.subscriberConnection.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.packetsReceived > 0) out[s.kind] += 1;
      });
      return out;
    });
    await waitUntil('alice to receive both cameras', async () => (await inbound()).video >= 2, { timeoutMs: 15000 });
    const kinds = await inbound();
    figure('alice receives (inbound streams with packets)', kinds, 'audio 1, video 2');
    await sleep(1500);
    const levels = await mixedLevels(pages.alice, PEOPLE.map((p) => p.hz).concat([3500]));
    figure('alice\'s mixed audio: dB at 440 (her own), 1100 (bob), 2700 (carol), 3500 (floor)', levels);
    assert.equal(kinds.audio, 1, 'one audio track');
    assert.equal(kinds.video, 2, 'both cameras');
    const [own, bob, carol, floor] = levels;
    assert.ok(bob > floor + 30 && carol > floor + 30, 'bob and carol are heard well above the floor');
    assert.ok(own < bob - 30 && own < carol - 30, 'alice does not hear herself');

    // A room mix through the API: all three, then two when carol leaves.
    const created = await postMix(gw, { name: 'choirmix', room: 'choir' });
    figure('POST /api/mixes {room}', `${created.status} ${created.text.trim()}`);
    assert.equal(created.status, 201);
    assert.deepEqual(JSON.parse(created.text).sources.sort(), ['choir/alice', 'choir/bob', 'choir/carol']);
    await waitForStreams(gw, ['choirmix']);
    await pages.carol.evaluate(() => window.room.disconnect());
    const after = await waitUntil('the room mix to drop carol', async () => {
      const m = await api.getJson(gw, '/api/mixes/choirmix');
      return m.sources.length === 2 ? m : { ok: false, sources: m.sources };
    }, { timeoutMs: 10000 });
    figure('room mix sources after carol left', after.sources);
    await sleep(1000);  // what was on its way has played out
    const stillAlice = await mixedLevels(pages.alice, [1100, 2700, 3500], 2000);
    figure('alice\'s mixed audio after carol left: dB at 1100, 2700, 3500', stillAlice);
    assert.ok(stillAlice[0] > stillAlice[2] + 30 && stillAlice[1] < stillAlice[0] - 30, 'bob still heard, carol gone');
  } finally {
    for (const b of browsers) await b.close();
  }
}, { timeoutMs: 120000 });
