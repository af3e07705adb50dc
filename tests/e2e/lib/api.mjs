// api.mjs: the gateway's admin API (/api/streams, /api/sessions) and /metrics, parsed.

export async function getJson(gw, path) {
  const res = await fetch(`${gw.url}${path}`);
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

export const streams = (gw) => getJson(gw, '/api/streams');
export const sessions = (gw) => getJson(gw, '/api/sessions');

// Parses Prometheus text format into [{name, labels: {k: v}, value}] (comments skipped).
export function parsePrometheus(text) {
  const out = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const m = t.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/);
    if (!m) throw new Error(`bad metrics line: ${line}`);
    const labels = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

export async function metrics(gw) {
  const res = await fetch(`${gw.url}/metrics`);
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
  return parsePrometheus(await res.text());
}

// Sum of every sample of metric `name` whose labels include `match` (0 when absent).
export function metricSum(samples, name, match = {}) {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

// Sends `body` with `method` and `contentType`; returns {status, text, headers}.
export async function request(gw, method, path, { body, contentType, headers = {} } = {}) {
  const h = { ...headers };
  if (contentType) h['Content-Type'] = contentType;
  const res = await fetch(`${gw.url}${path}`, { method, body, headers: h });
  return { status: res.status, text: await res.text(), headers: res.headers };
}
