// app.js: wires the demo page: one publisher (camera + mic over WHIP) and one player (WHEP),
// each with its connection state and a live stats table.
import { publish, play } from './sdk/whip.js';
import { StatsMonitor, formatBitrate } from './stats.js';

const $ = (id) => document.getElementById(id);

// Handles for whoever inspects the page (the end-to-end tests read these).
const demo = { publisher: null, player: null, publisherStats: null, playerStats: null };
window.rtcgateDemo = demo;

function streamName() {
  return encodeURIComponent($('stream').value.trim() || 'demo');
}

function showError(err) {
  const box = $('error');
  box.textContent = err ? String(err.message ?? err) : '';
  box.hidden = !err;
}

function trackState(pc, badge) {
  const update = () => {
    badge.textContent = pc.connectionState;
    badge.className = `state ${pc.connectionState}`;
  };
  pc.addEventListener('connectionstatechange', update);
  update();
}

function setIdle(badge) {
  badge.textContent = 'idle';
  badge.className = 'state';
}

function renderStats(table, rows) {
  table.replaceChildren(
    ...rows.map(([name, value]) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      const td = document.createElement('td');
      th.textContent = name;
      td.textContent = value ?? '–';
      tr.append(th, td);
      return tr;
    }),
  );
}

const fmtCodec = (mime) => mime?.split('/')[1] ?? null;
const fmtRes = (s) => (s.width ? `${s.width}×${s.height}` : null);
const fmtRtt = (s) => (s.rttMs == null ? null : `${Math.round(s.rttMs)} ms`);

function publisherRows(s) {
  const rows = [
    ['Bitrate out', formatBitrate(s.bitrateOutBps)],
    ['Resolution', fmtRes(s)],
    ['Frame rate', s.fps ? `${Math.round(s.fps)} fps` : null],
    ['Codecs', [fmtCodec(s.videoCodec), fmtCodec(s.audioCodec)].filter(Boolean).join(' + ') || null],
    ['RTT', fmtRtt(s)],
  ];
  if (s.layers) rows.push(['Layers', s.layers.join('  ')]);
  return rows;
}

function playerRows(s) {
  return [
    ['Bitrate in', formatBitrate(s.bitrateInBps)],
    ['Resolution', fmtRes(s)],
    ['Frame rate', s.fps ? `${Math.round(s.fps)} fps` : null],
    ['Codecs', [fmtCodec(s.videoCodec), fmtCodec(s.audioCodec)].filter(Boolean).join(' + ') || null],
    ['RTT', fmtRtt(s)],
    ['Packets lost', s.packetsLost == null ? null : String(s.packetsLost)],
    ['Frames decoded / freezes', s.framesDecoded == null ? null : `${s.framesDecoded} / ${s.freezeCount}`],
    ['Audio energy', s.audioEnergy == null ? null : s.audioEnergy.toFixed(3)],
  ];
}

async function startPublishing() {
  const media = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 1280 }, height: { ideal: 720 } },
    audio: true,
  });
  $('pub-video').srcObject = media;
  try {
    demo.publisher = await publish(`/whip/${streamName()}`, media, { simulcast: $('simulcast').checked });
  } catch (err) {
    media.getTracks().forEach((t) => t.stop());
    $('pub-video').srcObject = null;
    throw err;
  }
  trackState(demo.publisher.pc, $('pub-state'));
  demo.publisherStats = new StatsMonitor(demo.publisher.pc, (s) => renderStats($('pub-stats'), publisherRows(s)));
}

async function stopPublishing() {
  demo.publisherStats?.stop();
  await demo.publisher?.stop();
  demo.publisher = demo.publisherStats = null;
  $('pub-video').srcObject = null;
  setIdle($('pub-state'));
}

async function startPlaying() {
  demo.player = await play(`/whep/${streamName()}`, { layer: $('layer').value });
  const video = $('play-video');
  video.srcObject = demo.player.stream;
  // Audio only plays (and reports energy) from an element that was started.
  video.play().catch(() => {});
  trackState(demo.player.pc, $('play-state'));
  demo.playerStats = new StatsMonitor(demo.player.pc, (s) => renderStats($('play-stats'), playerRows(s)));
}

async function stopPlaying() {
  demo.playerStats?.stop();
  await demo.player?.stop();
  demo.player = demo.playerStats = null;
  $('play-video').srcObject = null;
  setIdle($('play-state'));
}

// Makes `button` toggle between start() and stop(), showing errors instead of throwing them.
function toggle(button, labels, isRunning, start, stop) {
  button.addEventListener('click', async () => {
    button.disabled = true;
    showError(null);
    try {
      if (isRunning()) await stop();
      else await start();
    } catch (err) {
      showError(err);
    } finally {
      button.disabled = false;
      button.textContent = isRunning() ? labels[1] : labels[0];
      button.className = isRunning() ? 'stop' : 'primary';
      $('simulcast').disabled = !!demo.publisher; // takes effect at the next publish only
    }
  });
}

toggle($('pub-button'), ['Publish', 'Stop'], () => !!demo.publisher, startPublishing, stopPublishing);
toggle($('play-button'), ['Play', 'Stop'], () => !!demo.player, startPlaying, stopPlaying);

$('layer').addEventListener('change', async () => {
  if (!demo.player) return;
  showError(null);
  try {
    await demo.player.setLayer($('layer').value);
  } catch (err) {
    showError(err);
  }
});

// Where an RTMP encoder publishes the same stream (default RTMP port; see rtmp_listen).
function showRtmpUrl() {
  $('rtmp-url').textContent = `rtmp://${location.hostname}:1935/live/${decodeURIComponent(streamName())}`;
}
$('stream').addEventListener('input', showRtmpUrl);
showRtmpUrl();

renderStats($('pub-stats'), publisherRows({ bitrateOutBps: 0 }));
renderStats($('play-stats'), playerRows({ bitrateInBps: 0 }));
