// Room chat over data channels: three Chromium participants of /room.html (Alice publishes her
// camera, Bob and Carol only watch and chat). Each sends 30 messages to everyone: every other
// participant gets them all, in order, with the sender's name. Alice sends one to Bob alone: he
// gets it marked private, Carol never does (she gets the public message Alice sends right after
// it, on the same ordered channel). A 60,000-character message arrives whole, lossy messages
// arrive on the unordered channel, and a message to someone not in the room comes back as an
// error to its sender alone. The metrics count what the gateway routed.
import assert from 'node:assert/strict';
import { e2eTest, figure } from './lib/harness.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { joinRoom, received } from './lib/rooms.mjs';
import { waitUntil } from './lib/pages.mjs';
import * as api from './lib/api.mjs';

const PEOPLE = [
  { name: 'alice', query: '&size=320x180&audio=0' },
  { name: 'bob', query: '&audio=0&video=0' },
  { name: 'carol', query: '&audio=0&video=0' },
];
const EACH = 30;

const chat = (page) => page.evaluate(() => window.roomState.chat.filter((m) => !m.mine));

// What each page's data side looks like, printed when a wait fails.
async function diagnose(pages) {
  for (const [n, page] of Object.entries(pages)) {
    const d = await page.evaluate(async () => {
      const pc = window.room?.subscriberConnection;
      const channels = [];
      if (pc) (await pc.getStats()).forEach((s) => { if (s.type === 'data-channel') channels.push([s.label, s.state, s.messagesSent, s.messagesReceived]); });
      return { chat: window.roomState.chat.length, pc: pc?.connectionState, sctp: pc?.sctp?.state,
               application: /m=application/.test(pc?.remoteDescription?.sdp ?? ''), channels };
    }).catch((e) => e.message);
    console.log(`# ${n}: ${JSON.stringify(d)}`);
  }
}

async function sendAll(page, texts, options = {}) {
  await page.evaluate(({ texts, options }) => {
    for (const text of texts) window.room.send({ text }, options);
  }, { texts, options });
}

e2eTest('room chat: to everyone and to one, with the sender\'s name, over data channels', async ({ gw }) => {
  const browser = await launchBrowser();
  try {
    const pages = {};
    for (const p of PEOPLE) pages[p.name] = await joinRoom(browser, gw, 'lounge', p.name, { query: p.query });
    const names = PEOPLE.map((p) => p.name);
    for (const n of names) {
      await waitUntil(`${n} to see the others`, () => pages[n].evaluate(() => window.room.participants.size === 2));
      // Messages to everyone reach those whose data channels are up when they are sent.
      await waitUntil(`${n}'s data channels`, () => pages[n].evaluate(() => window.room.dataReady));
    }
    for (const n of names) {
      pages[n].on('pageerror', (e) => console.log(`# ${n} page error: ${e.message}`));
      await pages[n].evaluate(() => {
        window.__errors = [];
        window.room.on('error', (e) => window.__errors.push({ code: e.code, message: e.message }));
      });
    }

    // To everyone: 30 each, sent at once.
    const t0 = Date.now();
    await Promise.all(names.map((n) => sendAll(pages[n], Array.from({ length: EACH }, (_, i) => `${n} ${i}`))));
    await waitUntil('every message at every participant', async () => {
      const got = await Promise.all(names.map((n) => chat(pages[n])));
      return got.every((g) => g.length >= 2 * EACH);
    }, { timeoutMs: 15000 }).catch(async (e) => { await diagnose(pages); throw e; });
    figure('ms until all 180 messages arrived', Date.now() - t0);
    for (const n of names) {
      const got = await chat(pages[n]);
      const bySender = {};
      for (const m of got) (bySender[m.from] ??= []).push(m.text);
      figure(`${n} received per sender`, Object.fromEntries(Object.entries(bySender).map(([k, v]) => [k, v.length])));
      for (const other of names.filter((x) => x !== n)) {
        assert.deepEqual(bySender[other], Array.from({ length: EACH }, (_, i) => `${other} ${i}`),
          `${n} got ${other}'s messages in order, each once`);
      }
      assert.equal(bySender[n], undefined, `${n} is not sent its own messages`);
      assert.ok(got.every((m) => !m.private));
    }

    // To one: Bob only; then a public one, after which Carol would have had the private one.
    await sendAll(pages.alice, ['for bob only'], { to: ['bob'] });
    await sendAll(pages.alice, ['after the private one']);
    await waitUntil('Carol to get the public message', async () => (await chat(pages.carol)).some((m) => m.text === 'after the private one'));
    await waitUntil('Bob to get the private message', async () => (await chat(pages.bob)).some((m) => m.text === 'for bob only'));
    const bobPrivate = (await chat(pages.bob)).find((m) => m.text === 'for bob only');
    figure('what Bob got', bobPrivate);
    assert.equal(bobPrivate.from, 'alice');
    assert.equal(bobPrivate.private, true);
    assert.ok(!(await chat(pages.carol)).some((m) => m.text === 'for bob only'), 'Carol does not get a message to Bob');
    assert.ok(!(await chat(pages.alice)).some((m) => m.text === 'for bob only'));

    // A big message, and lossy ones (unordered, no retransmission: on this path they all arrive).
    const big = 'x'.repeat(60000);
    await sendAll(pages.carol, [big]);
    await waitUntil('the big message', async () => (await chat(pages.bob)).some((m) => m.text === big));
    await pages.bob.evaluate(() => {
      window.__lossy = [];
      window.room.on('data', (d, from, info) => { if (!info.reliable) window.__lossy.push(d.n); });
    });
    await pages.alice.evaluate(() => { for (let n = 0; n < 20; n++) window.room.send({ n }, { reliable: false }); });
    await waitUntil('lossy messages', () => pages.bob.evaluate(() => window.__lossy.length >= 15), { timeoutMs: 5000 });
    figure('lossy messages Bob got of 20', await pages.bob.evaluate(() => window.__lossy.length));

    // Someone not in the room: refused, and only the sender hears of it.
    await sendAll(pages.bob, ['hello?'], { to: ['dave'] });
    await waitUntil('the refusal', () => pages.bob.evaluate(() => window.__errors.length > 0));
    const errors = await pages.bob.evaluate(() => window.__errors);
    figure('Bob was told', errors);
    assert.equal(errors[0].code, 'data_refused');
    assert.match(errors[0].message, /not in the room/);
    await new Promise((r) => setTimeout(r, 300));
    for (const n of ['alice', 'carol']) assert.ok(!(await chat(pages[n])).some((m) => m.text === 'hello?'));

    // The chat rides beside the media: Bob and Carol still decode Alice's camera.
    for (const n of ['bob', 'carol']) {
      await waitUntil(`${n} to decode Alice`, async () => ((await received(pages[n])).alice?.camera?.framesDecoded ?? 0) > 10, { timeoutMs: 15000 });
    }
    const metrics = await api.metrics(gw);
    const routed = api.metricSum(metrics, 'rtcgate_data_messages_sent_total');
    figure('rtcgate_data_messages_sent_total', routed);
    assert.ok(routed >= 3 * 2 * EACH + 1, 'the gateway counted what it routed');
  } finally {
    await browser.close();
  }
});
