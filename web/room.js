// room.js: the conference page. `room.html?room=R&name=N` joins room R as N with camera and
// microphone at once (optional: displayName=, token=, audio=0, video=0); without them it shows a
// join form. One tile per participant (and per screen share), built only from the SDK's events.
// For tests: window.room is the Room, window.roomState a summary kept up to date.
import { Room } from './sdk/rtcgate.js';
import { attachChat, detachChat } from './room_chat.js';

const $ = (id) => document.getElementById(id);
const grid = $('grid');
const roomState = { joined: false, error: null, speakers: [], reconnects: 0, left: null, chat: [] };
window.roomState = roomState;
window.room = null;

let room = null;
let lastJoin = null;
const tiles = new Map(); // `${name}:camera` / `${name}:screen` → <figure>
const audios = new Map(); // remote microphone track id → its <audio>

// ---- names ------------------------------------------------------------------------------------

// The protocol name allows [A-Za-z0-9_-] only; what was typed stays the display name.
function protocolName(text) {
  return text.trim().replace(/\s+/g, '-').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 48);
}

function roomName(text) {
  return text.trim().replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 64);
}

// At most 64 UTF-8 bytes, cut at a character boundary.
function displayNameOf(text) {
  let out = text.trim();
  const enc = new TextEncoder();
  while (enc.encode(out).length > 64) out = [...out].slice(0, -1).join('');
  return out;
}

const guestName = () => `guest-${Math.random().toString(36).slice(2, 6)}`;

// ---- status and errors ------------------------------------------------------------------------

function showError(err) {
  const text = err ? String(err.message ?? err) : null;
  if (text) roomState.error = text;
  $('error').textContent = text ?? '';
  $('error').hidden = !text;
}

function setStatus(text, cls) {
  $('status').textContent = text;
  $('status').className = `state ${cls ?? ''}`;
}

// ---- tiles ------------------------------------------------------------------------------------

// Inline icons: emoji glyphs are missing from many Linux fonts.
const MIC_SVG = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1A7 7 0 0 0 19 11z"/></svg>';
const CAM_SVG = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 6h11a1 1 0 0 1 1 1v3.5l4-3.5v10l-4-3.5V17a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1z"/></svg>';

// A tile: the video, an initial shown when there is no picture, and a caption with the connection
// quality, the name and the mic/camera icons. Remote videos carry data-participant (display name)
// and data-source; they are muted because sound plays from the participant's <audio> element.
function makeTile(p, kind) {
  const fig = document.createElement('figure');
  // A camera tile may have no picture (camera off or muted); a screen tile exists only with one.
  fig.className = `tile ${p.isLocal ? 'local' : 'remote'}${kind === 'camera' ? ' no-video' : ''}`;
  fig.dataset.name = p.name;
  fig.dataset.kind = kind;
  const video = document.createElement('video');
  video.autoplay = true;
  video.playsInline = true;
  video.muted = true;
  if (p.isLocal) video.dataset.local = kind;
  else video.dataset.source = kind;
  const avatar = document.createElement('div');
  avatar.className = 'avatar';
  const caption = document.createElement('figcaption');
  caption.innerHTML = '<span class="quality" data-quality="unknown"><i></i><i></i><i></i></span>' +
    `<span class="label"></span><span class="icon mic" title="microphone">${MIC_SVG}</span>` +
    `<span class="icon cam" title="camera">${CAM_SVG}</span>`;
  if (kind === 'screen') caption.querySelectorAll('.icon').forEach((el) => el.remove());
  fig.append(video, avatar, caption);
  return fig;
}

function tileOf(p, kind) {
  const key = `${p.name}:${kind}`;
  let fig = tiles.get(key);
  if (!fig) {
    fig = makeTile(p, kind);
    tiles.set(key, fig);
    const camera = tiles.get(`${p.name}:camera`);
    if (kind === 'screen' && camera) camera.after(fig);
    else if (p.isLocal) grid.prepend(fig);
    else grid.append(fig);
    label(p);
  }
  return fig;
}

function removeTile(p, kind) {
  const key = `${p.name}:${kind}`;
  tiles.get(key)?.remove();
  tiles.delete(key);
}

// Writes the participant's display name into its tiles and media elements.
function label(p) {
  const you = p.isLocal ? ' (you)' : '';
  for (const kind of ['camera', 'screen']) {
    const fig = tiles.get(`${p.name}:${kind}`);
    if (!fig) continue;
    fig.querySelector('.label').textContent = kind === 'screen' ? `${p.displayName} (screen)` : `${p.displayName}${you}`;
    fig.querySelector('.avatar').textContent = [...p.displayName][0]?.toUpperCase() ?? '?';
    if (!p.isLocal) fig.querySelector('video').dataset.participant = p.displayName;
  }
  for (const audio of audios.values()) {
    if (audio.dataset.name === p.name) audio.dataset.participant = p.displayName;
  }
}

// 'on', 'muted' or 'off' (not published) for one source of `p`.
function sourceState(p, source) {
  const t = p.tracks.get(source);
  return !t ? 'off' : t.muted ? 'muted' : 'on';
}

// Recomputes icons, the no-picture state and the quality of `p`'s camera tile.
function refresh(p) {
  const fig = tiles.get(`${p.name}:camera`);
  if (!fig) return;
  const mic = sourceState(p, 'microphone');
  const cam = sourceState(p, 'camera');
  fig.dataset.mic = mic;
  fig.dataset.camera = cam;
  const shows = cam === 'on' && (p.isLocal || p.tracks.get('camera')?.subscribed);
  fig.classList.toggle('no-video', !shows);
  const q = fig.querySelector('.quality');
  q.dataset.quality = p.quality;
  q.title = `connection: ${p.quality}`;
  if (p.isLocal) updateButtons();
}

function clearGrid() {
  for (const fig of tiles.values()) fig.remove();
  tiles.clear();
  for (const a of audios.values()) a.remove();
  audios.clear();
  grid.replaceChildren();
}

// ---- controls ---------------------------------------------------------------------------------

function updateButtons() {
  const lp = room?.localParticipant;
  for (const [id, source, noun] of [['mic', 'microphone', 'mic'], ['camera', 'camera', 'camera']]) {
    const t = lp?.tracks.get(source);
    const button = $(id);
    button.disabled = !t;
    button.textContent = t?.muted ? `Unmute ${noun}` : `Mute ${noun}`;
    button.setAttribute('aria-pressed', String(!!t?.muted));
    button.classList.toggle('off', !!t?.muted);
  }
  const sharing = !!lp?.tracks.get('screen');
  $('screen').textContent = sharing ? 'Stop sharing' : 'Share screen';
  $('screen').setAttribute('aria-pressed', String(sharing));
}

// Runs a control action with the button disabled, showing (not throwing) its error.
async function act(button, action) {
  button.disabled = true;
  try {
    await action();
  } catch (err) {
    if (err?.name !== 'NotAllowedError') showError(err); // a cancelled screen picker is no error
  } finally {
    button.disabled = false;
    updateButtons();
  }
}

function toggleMute(source) {
  const t = room?.localParticipant?.tracks.get(source);
  if (t) return room.setMuted(source, !t.muted);
}

$('mic').addEventListener('click', (ev) => act(ev.currentTarget, () => toggleMute('microphone')));
$('camera').addEventListener('click', (ev) => act(ev.currentTarget, () => toggleMute('camera')));
$('screen').addEventListener('click', (ev) => act(ev.currentTarget, () =>
  room.localParticipant.tracks.has('screen') ? room.unpublish('screen') : room.publishScreen()));
$('leave').addEventListener('click', () => room?.disconnect());
$('enable-audio').addEventListener('click', () => {
  for (const a of audios.values()) a.play().catch(() => {});
  $('enable-audio').hidden = true;
});

// ---- room events ------------------------------------------------------------------------------

function wire(r) {
  attachChat(r, roomState.chat);
  r.on('participantJoined', (p) => { tileOf(p, 'camera'); refresh(p); });
  // Mixed audio: one <audio> element plays the whole room (without us).
  r.on('mixedAudio', (track) => {
    let el = document.getElementById('mixed-audio');
    if (!el) {
      el = document.createElement('audio');
      el.id = 'mixed-audio';
      el.autoplay = true;
      document.body.append(el);
    }
    el.srcObject = new MediaStream([track]);
    el.play().catch(() => {});
  });
  r.on('participantLeft', (p) => {
    removeTile(p, 'camera');
    removeTile(p, 'screen');
    for (const [id, audio] of audios) {
      if (audio.dataset.name === p.name) { audio.remove(); audios.delete(id); }
    }
  });
  r.on('participantUpdated', (p) => label(p));
  r.on('trackPublished', (t, p) => refresh(p));
  r.on('trackUnpublished', (t, p) => {
    if (t.source === 'screen') removeTile(p, 'screen');
    refresh(p);
  });
  r.on('trackSubscribed', (t, p) => {
    if (t.source === 'microphone') {
      // Played, not just attached: Chromium decodes remote audio only in a started element.
      const audio = audios.get(t.id) ?? t.attach(document.createElement('audio'));
      audio.dataset.name = p.name;
      audio.dataset.source = 'microphone';
      audios.set(t.id, audio);
      $('audio').append(audio);
      label(p);
    } else {
      t.attach(tileOf(p, t.source).querySelector('video'));
    }
    refresh(p);
  });
  r.on('trackUnsubscribed', (t, p) => {
    if (t.source === 'screen') removeTile(p, 'screen');
    if (t.source === 'microphone') {
      audios.get(t.id)?.remove();
      audios.delete(t.id);
    }
    refresh(p);
  });
  r.on('trackMuted', (t, p) => refresh(p));
  r.on('connectionQuality', (p) => refresh(p));
  r.on('activeSpeakers', (speakers) => {
    const active = speakers.filter((s) => s.level > 0);
    roomState.speakers = active.map((s) => s.participant.name);
    const loudest = active[0]?.participant.name;
    for (const fig of tiles.values()) {
      fig.classList.toggle('speaking', fig.dataset.kind === 'camera' && fig.dataset.name === loudest);
    }
  });
  r.on('localTrackPublished', (t, p) => {
    if (t.kind === 'video') t.attach(tileOf(p, t.source).querySelector('video'));
    refresh(p);
  });
  r.on('localTrackUnpublished', (t, p) => {
    if (t.source === 'screen') removeTile(p, 'screen');
    refresh(p);
  });
  r.on('playbackBlocked', () => { $('enable-audio').hidden = false; });
  r.on('reconnecting', () => setStatus('reconnecting…', 'connecting'));
  r.on('reconnected', () => {
    roomState.reconnects += 1;
    setStatus('connected', 'connected');
  });
  r.on('disconnected', (reason, err) => {
    roomState.joined = false;
    roomState.left = reason;
    if (reason !== 'client') showError(`left the room: ${reason}${err ? ` (${err.message})` : ''}`);
    ended();
  });
  r.on('error', (err) => showError(err));
}

// ---- joining ----------------------------------------------------------------------------------

// Captures camera and microphone with one prompt, falling back to whichever one works.
async function capture({ audio, video, size }) {
  const [width, height] = /^\d+x\d+$/.test(size ?? '') ? size.split('x').map(Number) : [1280, 720];
  const want = { audio, video: video && { width: { ideal: width }, height: { ideal: height } } };
  if (!audio && !video) return [];
  try {
    return (await navigator.mediaDevices.getUserMedia(want)).getTracks();
  } catch (err) {
    if (!(audio && video)) throw err;
    const one = await Promise.allSettled([
      navigator.mediaDevices.getUserMedia({ audio: true }),
      navigator.mediaDevices.getUserMedia({ video: want.video }),
    ]);
    const tracks = one.filter((r) => r.status === 'fulfilled').flatMap((r) => r.value.getTracks());
    if (!tracks.length) throw err;
    return tracks;
  }
}

async function join(name, opts) {
  lastJoin = opts;
  $('join-form').hidden = true;
  $('controls').hidden = false;
  $('room-title').textContent = `· ${opts.room}`;
  showError(null);
  roomState.error = null;
  roomState.left = null;
  setStatus('connecting…', 'connecting');
  room = new Room({ token: opts.token });
  window.room = room;
  wire(room);
  try {
    await room.connect(opts.room, name, { displayName: opts.displayName, mixedAudio: opts.mixedAudio });
  } catch (err) {
    showError(err);
    ended();
    return;
  }
  roomState.joined = true;
  setStatus('connected', 'connected');
  tileOf(room.localParticipant, 'camera');
  refresh(room.localParticipant);
  try {
    const tracks = await capture(opts);
    const jobs = tracks.map((t) => t.kind === 'video'
      ? room.publishCamera({ track: t, stopOnUnpublish: true })
      : room.publishMicrophone({ track: t, stopOnUnpublish: true }));
    const results = await Promise.allSettled(jobs);
    results.forEach((r, i) => {
      if (r.status !== 'rejected') return;
      tracks[i].stop();  // not published (left while the camera prompt was open): let the device go
      showError(r.reason);
    });
  } catch (err) {
    showError(err);
  }
  updateButtons();
}

// Back to the form after leaving (or failing to join).
function ended() {
  clearGrid();
  detachChat();
  $('controls').hidden = true;
  $('enable-audio').hidden = true;
  setStatus('not joined', 'failed');
  showForm(lastJoin?.room ?? '', lastJoin?.displayName ?? '');
  if (location.search) history.replaceState(null, '', location.pathname);
}

function showForm(roomValue, nameValue) {
  $('join-room').value = roomValue;
  $('join-name').value = nameValue;
  $('join-form').hidden = false;
}

$('join-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const r = roomName($('join-room').value);
  const typed = displayNameOf($('join-name').value);
  if (!r || !typed) {
    showError('enter a room (letters, digits, _ . -) and a name');
    return;
  }
  const name = protocolName(typed) || guestName();
  const query = new URLSearchParams({ room: r, name });
  if (typed !== name) query.set('displayName', typed);
  history.replaceState(null, '', `?${query}`);
  join(name, { room: r, displayName: typed, audio: true, video: true });
});

// The page opens straight into the room when the link names one.
const params = new URLSearchParams(location.search);
const wantRoom = roomName(params.get('room') ?? '');
const wantName = params.get('name') ?? '';
if (wantRoom && protocolName(wantName)) {
  join(protocolName(wantName), {
    room: wantRoom,
    displayName: displayNameOf(params.get('displayName') ?? wantName),
    token: params.get('token') ?? undefined,
    audio: params.get('audio') !== '0',
    video: params.get('video') !== '0',
    size: params.get('size') ?? undefined,  // camera capture size, e.g. 640x360 (default 1280x720)
    mixedAudio: params.get('mixedAudio') === '1',  // hear the room as one mixed track
  });
} else {
  showForm(wantRoom, wantName);
}
