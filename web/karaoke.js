// karaoke.js: the karaoke page. The singer publishes camera and microphone over WHIP with a
// 'metadata' data channel and sends each lyric line on it when its cue comes; rtcgate
// stamps every line with the frame being received and gives it to each listener in its own
// RTP clock, and the listener's SDK raises it when that frame is shown.
import { publish, play } from './sdk/whip.js';

const $ = (id) => document.getElementById(id);
const page = { singer: null, listener: null, shown: [] };
window.rtcgateKaraoke = page;  // for whoever inspects the page (the end-to-end tests)

function streamName() {
  return encodeURIComponent($('stream').value.trim() || 'karaoke');
}

function showError(err) {
  $('error').textContent = err ? String(err.message ?? err) : '';
  $('error').hidden = !err;
}

function trackState(pc, badge) {
  const update = () => {
    badge.textContent = pc.connectionState;
    badge.className = `state ${pc.connectionState}`;
  };
  pc.addEventListener('connectionstatechange', update);
  update();
}

// LRC lines "[mm:ss.xx] text" (several tags on one line allowed), sorted by time.
export function parseLyrics(text) {
  const cues = [];
  for (const line of text.split(/\r?\n/)) {
    const tags = [...line.matchAll(/\[(\d+):(\d+(?:\.\d+)?)\]/g)];
    const words = line.replace(/\[[^\]]*\]/g, '').trim();
    for (const t of tags) cues.push({ at: Number(t[1]) * 60 + Number(t[2]), text: words });
  }
  return cues.sort((a, b) => a.at - b.at);
}

function highlight(list, index) {
  [...list.children].forEach((li, i) => {
    li.className = i === index ? 'now' : i < index ? 'sung' : '';
  });
}

async function sing() {
  const button = $('sing-button');
  if (page.singer) {
    clearTimeouts();
    await page.singer.stop();
    page.singer = null;
    button.textContent = 'Publish and start';
    return;
  }
  const cues = parseLyrics($('lyrics').value);
  const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 }, audio: true });
  $('sing-video').srcObject = media;
  const session = await publish(`/whip/${streamName()}`, media, { dataChannels: ['metadata'] });
  page.singer = session;
  trackState(session.pc, $('sing-state'));
  button.textContent = 'Stop';
  const list = $('sing-lines');
  list.replaceChildren(...cues.map((c) => Object.assign(document.createElement('li'), { textContent: c.text })));
  const channel = session.channels.get('metadata');
  if (channel.readyState !== 'open') await new Promise((r) => channel.addEventListener('open', r, { once: true }));
  const start = performance.now();
  page.timers = cues.map((c, i) => setTimeout(() => {
    session.send('metadata', JSON.stringify({ line: i, text: c.text, at: c.at }));
    highlight(list, i);
  }, Math.max(0, c.at * 1000 - (performance.now() - start))));
}

function clearTimeouts() {
  for (const t of page.timers ?? []) clearTimeout(t);
  page.timers = [];
}

async function listen() {
  const button = $('listen-button');
  if (page.listener) {
    await page.listener.stop();
    page.listener = null;
    button.textContent = 'Listen';
    return;
  }
  const session = await play(`/whep/${streamName()}`, { dataChannels: ['metadata'] });
  page.listener = session;
  trackState(session.pc, $('listen-state'));
  button.textContent = 'Stop';
  const video = $('listen-video');
  video.srcObject = session.stream;
  video.play().catch(() => {});
  const list = $('listen-lines');
  list.replaceChildren();
  session.showMetadataWith(video);
  session.onmetadata = (data, info) => {
    // A line from this page's singer ({line, text}) or any other text (an RTMP source's
    // onTextData arrives as {type, data: {text}}).
    const text = data?.text ?? data?.data?.text ?? (typeof data === 'string' ? data : JSON.stringify(data));
    const li = Object.assign(document.createElement('li'), { textContent: text });
    list.append(li);
    highlight(list, list.children.length - 1);
    page.shown.push({ text, rtpTimestamp: info.rtpTimestamp, shownAt: performance.now() });
  };
}

function guard(fn) {
  return () => fn().catch((err) => {
    console.error(err);
    showError(err);
  });
}

$('sing-button').addEventListener('click', guard(sing));
$('listen-button').addEventListener('click', guard(listen));
