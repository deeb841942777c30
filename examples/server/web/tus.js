// A resumable upload over tus 1.0.0 (creation, HEAD, PATCH in chunks).
// The upload's URL is kept in localStorage under the file's fingerprint, so
// after a page reload the same file picks up where it stopped; a dropped
// connection or a server restart is retried with growing pauses, asking the
// server its offset first.
const ENDPOINT = '/api/v1/uploads';
const STORE = 'imagebank.tus.';
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
const MAX_RETRIES = 30;

function b64(text) {
  const bytes = new TextEncoder().encode(text);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fingerprint(file, path, batch) {
  return `${STORE}${batch}:${path}:${file.size}:${file.lastModified}`;
}

// Uploads of `batch` kept in localStorage: [{key, url}] ('done' for the
// files sent whole).
export function storedUploads(batch) {
  const out = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key.startsWith(`${STORE}${batch}:`)) out.push({ key, url: localStorage.getItem(key) });
  }
  return out;
}

export function forgetStoredUploads(batch) {
  for (const { key } of storedUploads(batch)) localStorage.removeItem(key);
}

class Fatal extends Error {}

export class TusUpload {
  // options: batch, path (the name with its folders), key (API key),
  // chunkSize, onProgress(sent, total), onState(state, detail)
  constructor(file, options) {
    this.file = file;
    this.o = options;
    this.offset = 0;
    this.url = null;
    this.state = 'waiting';
    this.xhr = null;
    this.job = null;
    this.resumed = false;
  }

  setState(state, detail) {
    this.state = state;
    this.o.onState?.(state, detail);
  }

  headers(extra = {}) {
    return { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${this.o.key}`, ...extra };
  }

  // One HTTP request by XHR (upload progress); resolves {status, header()}.
  request(method, url, headers, body, onUpload) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      this.xhr = xhr;
      xhr.open(method, url);
      for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
      if (onUpload) xhr.upload.onprogress = (e) => onUpload(e.loaded);
      const done = () => {
        this.xhr = null;
        resolve({ status: xhr.status, header: (n) => xhr.getResponseHeader(n), text: xhr.responseText });
      };
      xhr.onload = done;
      xhr.onerror = done;
      xhr.onabort = done;
      xhr.ontimeout = done;
      xhr.send(body ?? null);
    });
  }

  // Starts, or goes on after pause() or a failure. Resolves when the file
  // is all in (state done), paused, or failed for good (state error).
  async start() {
    if (this.state === 'sending' || this.state === 'retrying' || this.state === 'done') return;
    this.paused = false;
    this.setState('sending');
    const key = fingerprint(this.file, this.o.path, this.o.batch);
    let attempt = 0;
    for (;;) {
      try {
        if (!this.url) {
          const stored = localStorage.getItem(key);
          if (stored && stored.startsWith('done')) {
            // Sent whole before the page was reloaded.
            this.o.onProgress?.(this.file.size, this.file.size);
            this.setState('done', null);
            return;
          }
          if (stored && (await this.sync(stored))) {
            this.resumed = true;
          } else {
            await this.create();
            localStorage.setItem(key, this.url);
          }
        }
        while (this.offset < this.file.size) {
          if (this.paused) { this.setState('paused'); return; }
          await this.patch();
          attempt = 0;
          if (this.state !== 'sending') this.setState('sending');
        }
        localStorage.setItem(key, 'done');
        this.o.onProgress?.(this.file.size, this.file.size);
        this.setState('done', this.job);
        return;
      } catch (e) {
        if (this.paused) { this.setState('paused'); return; }
        if (e instanceof Fatal || attempt >= MAX_RETRIES) {
          localStorage.removeItem(key);
          this.setState('error', e.message);
          return;
        }
        this.setState('retrying', e.message);
        await new Promise((r) => setTimeout(r, BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]));
        attempt++;
        if (this.url) {
          try { await this.sync(this.url); } catch { /* next attempt */ }
        }
      }
    }
  }

  pause() {
    this.paused = true;
    if (this.xhr) this.xhr.abort();
  }

  // HEAD: the server's offset for `url`; false when the upload is gone.
  async sync(url) {
    const r = await this.request('HEAD', url, this.headers());
    if (r.status === 200 || r.status === 204) {
      this.url = url;
      this.offset = Number(r.header('Upload-Offset') || 0);
      this.o.onProgress?.(this.offset, this.file.size);
      if (r.header('Imagebank-Job-Id')) this.job = { id: r.header('Imagebank-Job-Id'), state: r.header('Imagebank-Job-State') };
      return true;
    }
    if (r.status === 404 || r.status === 410) { this.url = null; return false; }
    throw this.failure(r);
  }

  async create() {
    const meta = [`batch ${b64(String(this.o.batch))}`, `relativePath ${b64(this.o.path)}`, `filename ${b64(this.file.name)}`];
    const r = await this.request('POST', ENDPOINT, this.headers({
      'Upload-Length': String(this.file.size),
      'Upload-Metadata': meta.join(','),
    }));
    if (r.status !== 201) throw this.failure(r);
    this.url = new URL(r.header('Location'), location.href).pathname;
    this.offset = 0;
    if (r.header('Imagebank-Job-Id')) this.job = { id: r.header('Imagebank-Job-Id'), state: r.header('Imagebank-Job-State') };
  }

  async patch() {
    const end = Math.min(this.file.size, this.offset + (this.o.chunkSize || 8 << 20));
    const start = this.offset;
    const r = await this.request('PATCH', this.url, this.headers({
      'Content-Type': 'application/offset+octet-stream',
      'Upload-Offset': String(start),
    }), this.file.slice(start, end), (loaded) => this.o.onProgress?.(start + loaded, this.file.size));
    if (r.status === 204) {
      this.offset = Number(r.header('Upload-Offset'));
      if (r.header('Imagebank-Job-Id')) this.job = { id: r.header('Imagebank-Job-Id'), state: r.header('Imagebank-Job-State') };
      this.o.onProgress?.(this.offset, this.file.size);
      return;
    }
    if (r.status === 409) {
      await this.sync(this.url);
      return;
    }
    throw this.failure(r);
  }

  failure(r) {
    let detail = '';
    try { detail = JSON.parse(r.text).detail || ''; } catch { /* empty */ }
    if (r.status === 0 || r.status >= 500 || r.status === 423 || r.status === 429) {
      return new Error(detail || `HTTP ${r.status}`);
    }
    return new Fatal(detail || `HTTP ${r.status}`);
  }
}
