// room_chat.js: the chat panel of the conference page — messages to everyone or to one
// participant, over the room's data channels (room.send and the 'data' event).
const MAX_LINES = 200;

// Shows the panel for `room` and keeps its recipient list in step with the participants.
export function attachChat(room, log = []) {
  const panel = document.getElementById('chat');
  const lines = document.getElementById('chat-lines');
  const to = document.getElementById('chat-to');
  const text = document.getElementById('chat-text');
  const form = document.getElementById('chat-form');
  lines.replaceChildren();
  panel.hidden = false;

  const add = (who, body, { mine = false, private: priv = false } = {}) => {
    log.push({ from: who, text: body, private: priv, mine });
    if (log.length > MAX_LINES) log.shift();
    const li = document.createElement('li');
    li.className = mine ? 'mine' : '';
    const name = document.createElement('b');
    name.textContent = priv ? `${who} (private)` : who;
    li.append(name, ' ', document.createTextNode(body));
    lines.append(li);
    while (lines.childElementCount > MAX_LINES) lines.firstElementChild.remove();
    lines.scrollTop = lines.scrollHeight;
  };
  const recipients = () => {
    const keep = to.value;
    const names = [...room.participants.keys()].sort();
    to.replaceChildren(new Option('everyone', ''), ...names.map((n) => new Option(n, n)));
    to.value = names.includes(keep) ? keep : '';
  };
  room.on('participantJoined', recipients);
  room.on('participantLeft', recipients);
  room.on('data', (data, from, info) => {
    if (typeof data?.text === 'string') add(room.participants.get(from)?.displayName ?? from, data.text, info);
  });
  recipients();

  form.onsubmit = (ev) => {
    ev.preventDefault();
    const body = text.value.trim().slice(0, 2000);
    if (!body) return;
    try {
      room.send({ text: body }, to.value ? { to: [to.value] } : {});
      add(to.value ? `me → ${to.value}` : 'me', body, { mine: true });
      text.value = '';
    } catch (err) {
      add('error', err.message);
    }
  };
}

export function detachChat() {
  document.getElementById('chat').hidden = true;
}
