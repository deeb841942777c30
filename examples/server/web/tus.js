// A resumable upload over tus 1.0.0, sent by tus-js-client (its browser
// build ships as tus-js-client.js, pinned by package-lock.json; it sets
// globalThis.tus). This module gives the Enviar page one object per file:
// states for its table, the server's job id, pause and retry.
//
// tus-js-client keeps each upload's URL in localStorage under the file's
// fingerprint (batch, path, size, date), so after a page reload the same
// file picks up where it stopped, and a file sent whole before the reload
// is not sent again (the server still knows it: HEAD says it is all in). A
// dropped connection or a server restart is retried with growing pauses,
// the server asked its offset first.
import './tus-js-client.js';

const { Upload } = globalThis.tus;
const ENDPOINT = '/api/v1/uploads';
const PREFIX = 'imagebank:';
// tus-js-client's key for a stored upload: "tus::<fingerprint>::<n>".
const STORE = `tus::${PREFIX}`;
// 30 retries: the first at once, then growing up to 8 s apart (about four
// minutes in all) before a file is marked failed.
const RETRY_DELAYS = [0, 500, 1000, 2000, 4000, ...new Array(25).fill(8000)];

export function fingerprint(file, path, batch) {
  return `${PREFIX}${batch}:${path}:${file.size}:${file.lastModified}`;
}

// Uploads of `batch` kept in localStorage: [{key, url}].
export function storedUploads(batch) {
  const out = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (!key.startsWith(`${STORE}${batch}:`)) continue;
    let url = null;
    try { url = JSON.parse(localStorage.getItem(key)).uploadUrl ?? null; } catch { /* not ours */ }
    out.push({ key, url });
  }
  return out;
}

export function forgetStoredUploads(batch) {
  for (const { key } of storedUploads(batch)) localStorage.removeItem(key);
}

// Worth another try: no answer, the server's fault, busy or locked, or an
// offset that disagrees (asked again before the next chunk).
function retryable(status) {
  return status === 0 || status >= 500 || status === 409 || status === 423 || status === 429;
}

function statusOf(err) {
  return err?.originalResponse?.getStatus?.() ?? 0;
}

// The server's problem+json detail, else the HTTP status.
function reason(err) {
  const res = err?.originalResponse;
  if (!res) return err?.message || String(err);
  try {
    const detail = JSON.parse(res.getBody()).detail;
    if (detail) return detail;
  } catch { /* not JSON */ }
  return `HTTP ${res.getStatus()}`;
}

export class TusUpload {
  // options: batch, path (the name with its folders), key (API key),
  // chunkSize, onProgress(sent, total), onState(state, detail)
  constructor(file, options) {
    this.file = file;
    this.o = options;
    this.state = 'waiting';
    this.job = null;
    this.resumed = false;
    this.upload = null;
    this.settle = null;
  }

  setState(state, detail) {
    this.state = state;
    this.o.onState?.(state, detail);
  }

  // Ends the promise start() returned.
  end(state, detail) {
    this.setState(state, detail);
    const settle = this.settle;
    this.settle = null;
    settle?.();
  }

  // Starts, or goes on after pause() or a failure. Resolves when the file
  // is all in (state done), paused, or failed for good (state error).
  start() {
    if (this.state === 'sending' || this.state === 'retrying' || this.state === 'done') {
      return Promise.resolve();
    }
    this.setState('sending');
    return new Promise((resolve) => {
      this.settle = resolve;
      this.begin().catch((e) => this.end('error', reason(e)));
    });
  }

  async begin() {
    if (!this.upload) {
      this.upload = this.makeUpload();
      const previous = await this.upload.findPreviousUploads();
      if (previous.length) {
        this.upload.resumeFromPreviousUpload(previous[0]);
        this.resumed = true;
      }
    }
    if (this.settle) this.upload.start();
  }

  makeUpload() {
    const { batch, path, key } = this.o;
    return new Upload(this.file, {
      endpoint: ENDPOINT,
      chunkSize: this.o.chunkSize || 8 << 20,
      retryDelays: RETRY_DELAYS,
      headers: { Authorization: `Bearer ${key}` },
      metadata: { batch: String(batch), relativePath: path, filename: this.file.name },
      fingerprint: async () => fingerprint(this.file, path, batch),
      // Kept until the batch is finished (forgetStoredUploads), so a reload
      // in between knows the file went whole.
      removeFingerprintOnSuccess: false,
      onProgress: (sent, total) => this.o.onProgress?.(sent, total),
      onAfterResponse: (_req, res) => {
        const id = res.getHeader('Imagebank-Job-Id');
        if (id) this.job = { id, state: res.getHeader('Imagebank-Job-State') };
        if (this.state === 'retrying' && res.getStatus() < 300) this.setState('sending');
      },
      onShouldRetry: (err) => {
        if (this.settle === null || !retryable(statusOf(err))) return false;
        this.setState('retrying', reason(err));
        return true;
      },
      onSuccess: () => {
        this.o.onProgress?.(this.file.size, this.file.size);
        this.end('done', this.job);
      },
      onError: (err) => this.end('error', reason(err)),
    });
  }

  pause() {
    if (!this.settle) return;
    this.upload?.abort();
    this.end('paused');
  }
}
