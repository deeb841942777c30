// The server's JSON API, with the API key of this tab (sessionStorage: never
// in a URL, gone when the tab closes).
import { t } from './i18n.js';

const KEY = 'imagebank.key';
const WHO = 'imagebank.who';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  who() {
    try { return JSON.parse(sessionStorage.getItem(WHO) || 'null'); } catch { return null; }
  },
  set(key, who) {
    sessionStorage.setItem(KEY, key);
    sessionStorage.setItem(WHO, JSON.stringify(who));
  },
  clear() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(WHO);
  },
  // Whether the key's scopes allow `scope` (admin allows everything).
  can(scope) {
    const who = this.who();
    if (!who) return false;
    return scope === 'read' || who.scopes.includes('admin') || who.scopes.includes(scope);
  },
};

export class ApiError extends Error {
  constructor(status, problem) {
    const detail = problem?.detail || problem?.title || '';
    super(status === 0 ? t('error.network') : messageFor(status, detail));
    this.status = status;
    this.problem = problem;
  }
}

function messageFor(status, detail) {
  if (status === 401) return t('error.401');
  if (status === 403) return t('error.403');
  if (status === 409) return t('error.409', { msg: detail });
  if (status === 404) return `${t('error.404')} ${detail}`;
  return t('common.error', { msg: detail || `HTTP ${status}` });
}

// Listeners of an expired key (the shell sends the user back to Entrar).
const unauthorized = new Set();
export function onUnauthorized(fn) { unauthorized.add(fn); }

export function authHeaders(key = session.key()) {
  return key ? { Authorization: `Bearer ${key}` } : {};
}

// JSON in, JSON out; a FormData body goes as multipart. Errors are
// ApiError with a message for people.
export async function api(path, { method = 'GET', body, key, raw = false, signal } = {}) {
  const headers = authHeaders(key);
  let payload = body;
  if (body !== undefined && !(body instanceof FormData)) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`/api/v1${path}`, { method, headers, body: payload, signal, cache: 'no-store' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, null);
  }
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch { /* not JSON */ }
    if (response.status === 401 && key === undefined) unauthorized.forEach((fn) => fn());
    throw new ApiError(response.status, problem);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

// ?a=1&b=2 without the empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Server-Sent Events over fetch (EventSource cannot send the key): calls
// onEvent(name, data) for each event, reconnects after `retry` ms (with
// Last-Event-ID) until the stream sends `end` or `signal` aborts.
export async function streamEvents(path, onEvent, signal) {
  let lastId = '';
  let retry = 2000;
  while (!signal.aborted) {
    try {
      const headers = { ...authHeaders(), Accept: 'text/event-stream' };
      if (lastId) headers['Last-Event-ID'] = lastId;
      const response = await fetch(`/api/v1${path}`, { headers, signal, cache: 'no-store' });
      if (response.status === 401 || response.status === 403 || response.status === 404) {
        onEvent('error', { status: response.status });
        return;
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let event = { name: 'message', data: [] };
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let nl;
        while ((nl = buffer.search(/\r?\n/)) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + (buffer[nl] === '\r' ? 2 : 1));
          if (line === '') {
            if (event.data.length) {
              let data = event.data.join('\n');
              try { data = JSON.parse(data); } catch { /* text */ }
              onEvent(event.name, data);
              if (event.name === 'end') return;
            }
            event = { name: 'message', data: [] };
          } else if (line.startsWith(':')) {
            // a comment: the server's keep-alive
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') event.name = val;
            else if (field === 'data') event.data.push(val);
            else if (field === 'id') lastId = val;
            else if (field === 'retry' && /^\d+$/.test(val)) retry = Number(val);
          }
        }
      }
    } catch (e) {
      if (signal.aborted) return;
    }
    await new Promise((resolve) => setTimeout(resolve, retry));
  }
}

// Signed URLs (and BlurHash) of images, in requests of at most 100 ids.
export async function imageCards(ids) {
  const out = new Map();
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    if (!chunk.length) continue;
    const r = await api(`/image-urls${query({ ids: chunk.join(',') })}`);
    for (const item of r.items) out.set(item.id, item);
  }
  return out;
}
