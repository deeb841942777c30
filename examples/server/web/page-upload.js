// Enviar: the Carteira spreadsheet, then photos (files or whole folders,
// dropped or picked) with the SKU each name gives before sending, sent
// over tus with per-file and total progress, speed, ETA, pause and retry;
// an upload cut by a reload or a dropped connection resumes.
import { t, fmt } from './i18n.js';
import { api, session } from './api.js';
import { h, clear, errorBox, announce, progressBar, viewName } from './ui.js';
import { TusUpload, forgetStoredUploads, storedUploads } from './tus.js';
import { collections } from './page-products.js';
import { batchCard } from './page-dashboard.js';

const PENDING = 'imagebank.upload.pending';
const IMAGE_EXT = /\.(jpe?g|png|webp|avif|tiff?|heic|gif)$/i;
const PARALLEL = 3;

function pending() {
  try { return JSON.parse(localStorage.getItem(PENDING) || 'null'); } catch { return null; }
}

// The files of a drop, folders walked: [{file, path}].
async function droppedFiles(dataTransfer) {
  const out = [];
  const entries = [...dataTransfer.items].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
  const walk = async (entry) => {
    if (entry.isFile) {
      const file = await new Promise((res, rej) => entry.file(res, rej));
      out.push({ file, path: entry.fullPath.replace(/^\//, '') });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const e of batch) await walk(e);
      }
    }
  };
  if (entries.length) {
    for (const e of entries) await walk(e);
  } else {
    for (const file of dataTransfer.files) out.push({ file, path: file.name });
  }
  return out;
}

export async function render(main) {
  const controller = new AbortController();
  main.append(h('h1', {}, t('upload.title')));
  let cols = [];
  try { cols = await collections(); } catch { /* the lists only help */ }
  const last = pending();

  // --- where the photos go ---
  const collection = h('input', { id: 'up-collection', name: 'collection', list: 'up-collections', required: true, autocomplete: 'off', value: last?.collection || '' });
  const brand = h('input', { id: 'up-brand', name: 'brand', list: 'up-brands', required: true, autocomplete: 'off', value: last?.brand || '' });
  const season = h('input', { id: 'up-season', name: 'season', autocomplete: 'off', value: last?.season || '' });
  collection.addEventListener('change', () => {
    const c = cols.find((x) => x.collection === collection.value);
    if (c && !brand.value) brand.value = c.brand;
  });
  const target = h('section', { class: 'card', 'aria-labelledby': 'tg-h' }, h('h2', { id: 'tg-h' }, t('upload.target')),
    h('div', { class: 'row' },
      h('div', { class: 'field' }, h('label', { for: 'up-collection' }, t('upload.collection')), collection),
      h('div', { class: 'field' }, h('label', { for: 'up-brand' }, t('upload.brand')), brand),
      h('div', { class: 'field' }, h('label', { for: 'up-season' }, t('upload.season')), season)),
    h('datalist', { id: 'up-collections' }, cols.map((c) => h('option', { value: c.collection }))),
    h('datalist', { id: 'up-brands' }, [...new Set(cols.map((c) => c.brand))].map((b) => h('option', { value: b }))));
  const targetOk = () => {
    if (collection.value.trim() && brand.value.trim()) return true;
    announce(t('upload.needTarget'), 'error');
    (collection.value.trim() ? brand : collection).focus();
    return false;
  };

  // --- Carteira ---
  const sheet = h('input', { id: 'up-carteira', type: 'file', accept: '.xlsx,.xls,.csv,.tsv,.txt' });
  const sheetResult = h('div', { 'aria-live': 'polite' });
  const sheetButton = h('button', {
    type: 'button', class: 'primary', id: 'up-carteira-send',
    async onclick() {
      if (!targetOk() || !sheet.files.length) return;
      const form = new FormData();
      form.append('file', sheet.files[0]);
      form.append('brand', brand.value.trim());
      form.append('collection', collection.value.trim());
      if (season.value.trim()) form.append('season', season.value.trim());
      sheetButton.disabled = true;
      clear(sheetResult);
      try {
        const r = await api('/carteiras', { method: 'POST', body: form });
        const imp = r.import;
        sheetResult.append(h('p', { class: 'ok', id: 'carteira-done' }, t('upload.carteiraDone', {
          rows: fmt.int(imp.rows), created: fmt.int(imp.products_created), updated: fmt.int(imp.products_updated) })));
        if (imp.issues?.length) {
          sheetResult.append(h('details', {}, h('summary', {}, t('upload.carteiraIssues', { n: imp.issues.length })),
            h('ul', {}, imp.issues.slice(0, 50).map((i) => h('li', {}, `${i.sheet} ${i.row}: ${i.message}`)))));
        }
      } catch (e) {
        sheetResult.append(errorBox(e));
      } finally {
        sheetButton.disabled = false;
      }
    },
  }, t('upload.carteiraSend'));
  const carteira = h('section', { class: 'card', 'aria-labelledby': 'ct-h' }, h('h2', { id: 'ct-h' }, t('upload.carteira')),
    h('div', { class: 'row' }, h('div', { class: 'field' }, h('label', { for: 'up-carteira' }, t('upload.carteiraFile')), sheet), h('div', { class: 'field actions' }, sheetButton)),
    sheetResult);

  // --- photos ---
  let chosen = [];
  const preview = h('div', { 'aria-live': 'polite' });
  const filesInput = h('input', { id: 'up-files', type: 'file', multiple: true, accept: 'image/*', class: 'visually-hidden' });
  const folderInput = h('input', { id: 'up-folder', type: 'file', webkitdirectory: true, class: 'visually-hidden' });
  const choose = async (list) => {
    chosen = list.filter(({ file, path }) => IMAGE_EXT.test(path) || file.type.startsWith('image/'));
    await showPreview();
  };
  filesInput.addEventListener('change', () => choose([...filesInput.files].map((file) => ({ file, path: file.webkitRelativePath || file.name }))));
  folderInput.addEventListener('change', () => choose([...folderInput.files].map((file) => ({ file, path: file.webkitRelativePath || file.name }))));
  const drop = h('div', { class: 'dropzone', id: 'dropzone' },
    h('p', {}, t('upload.drop')),
    h('div', { class: 'row center' },
      h('label', { for: 'up-files', class: 'button' }, t('upload.pickFiles')), filesInput,
      h('label', { for: 'up-folder', class: 'button' }, t('upload.pickFolder')), folderInput));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', async (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    await choose(await droppedFiles(e.dataTransfer));
  });
  const notice = h('div');
  if (last) {
    notice.append(h('p', { class: 'notice', id: 'upload-resumable' }, t('upload.resumable', { id: last.batch, n: fmt.int(last.files) }), ' ',
      h('button', { type: 'button', class: 'ghost', onclick() { forgetStoredUploads(last.batch); localStorage.removeItem(PENDING); notice.remove(); } }, t('upload.discard'))));
  }
  const photos = h('section', { class: 'card', 'aria-labelledby': 'pf-h' }, h('h2', { id: 'pf-h' }, t('upload.photos')), notice, drop, preview);
  const progress = h('section', { class: 'card', 'aria-labelledby': 'pg-h', hidden: true }, h('h2', { id: 'pg-h' }, t('upload.total')));
  main.append(target, carteira, photos, progress);

  async function showPreview() {
    clear(preview);
    if (!chosen.length) return;
    let parsed = [];
    try {
      for (let i = 0; i < chosen.length; i += 2000) {
        const r = await api('/sku-parse', { method: 'POST', body: { names: chosen.slice(i, i + 2000).map((c) => c.path), collection: collection.value.trim() || null, brand: brand.value.trim() || null } });
        parsed = parsed.concat(r.items);
      }
    } catch (e) {
      // An unknown collection or brand (a new one): the grammar alone.
      try {
        const r = await api('/sku-parse', { method: 'POST', body: { names: chosen.map((c) => c.path) } });
        parsed = r.items;
      } catch (e2) { preview.append(errorBox(e2)); return; }
    }
    let matched = 0; let unknown = 0; let nosku = 0;
    const body = h('tbody');
    parsed.forEach((p, i) => {
      let state;
      let cls;
      if (p.products?.length) { matched++; state = t('upload.match.product', { sku: p.products.map((x) => x.sku).join(', ') }); cls = 'ok'; }
      else if (p.sku_base) { unknown++; state = t('upload.match.unknown'); cls = 'warn'; }
      else { nosku++; state = p.reason === 'camera_default' ? t('upload.match.camera') : t('upload.match.nosku'); cls = 'bad'; }
      if (i < 500) {
        body.append(h('tr', { class: `match-${cls}` }, h('td', {}, p.name), h('td', {}, p.sku_base || '—'), h('td', {}, p.view ? viewName(p.view) : '—'), h('td', {}, state)));
      }
    });
    preview.append(
      h('h3', {}, t('upload.preview')),
      h('p', { id: 'preview-summary' }, t('upload.previewSummary', { files: fmt.int(chosen.length), matched: fmt.int(matched), unknown: fmt.int(unknown), nosku: fmt.int(nosku) })),
      h('div', { class: 'table-wrap short' }, h('table', { class: 'preview' },
        h('thead', {}, h('tr', {}, ...['file', 'sku', 'view', 'match'].map((k) => h('th', { scope: 'col' }, t(`upload.${k}`))))), body)),
      h('button', { type: 'button', class: 'primary', id: 'upload-start', onclick: send }, t('upload.send', { n: fmt.int(chosen.length) })));
  }

  async function send() {
    if (!targetOk()) return;
    const files = chosen;
    preview.querySelector('#upload-start').disabled = true;
    let batchId;
    const resuming = pending();
    try {
      if (resuming && storedUploads(resuming.batch).length) {
        batchId = resuming.batch;
        announce(t('upload.resumed', { n: fmt.int(storedUploads(batchId).length) }));
      } else {
        const b = await api('/batches', { method: 'POST', body: {
          collection: collection.value.trim(), brand: brand.value.trim(), season: season.value.trim() || undefined,
          label: `web ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
        } });
        batchId = b.batch.id;
      }
    } catch (e) {
      preview.append(errorBox(e));
      return;
    }
    localStorage.setItem(PENDING, JSON.stringify({ batch: batchId, files: files.length, collection: collection.value.trim(), brand: brand.value.trim(), season: season.value.trim() }));
    notice.remove();
    runUploads(batchId, files);
  }

  function runUploads(batchId, files) {
    progress.hidden = false;
    const total = progressBar(t('upload.total'));
    const stats = h('p', { class: 'muted small', id: 'upload-stats' });
    const pauseAll = h('button', { type: 'button', class: 'ghost', id: 'upload-pause' }, t('upload.pause'));
    const rows = h('tbody');
    const totalBytes = files.reduce((n, f) => n + f.file.size, 0);
    const sent = new Array(files.length).fill(0);
    const samples = [];
    const uploads = files.map(({ file, path }, i) => {
      const bar = progressBar(path);
      const state = h('span', { class: 'state' }, t('upload.state.waiting'));
      const retry = h('button', { type: 'button', class: 'ghost small', hidden: true }, t('upload.retry'));
      const row = h('tr', { dataset: { file: path } }, h('td', {}, path), h('td', {}, bar.el), h('td', {}, state, ' ', retry));
      rows.append(row);
      const up = new TusUpload(file, {
        batch: batchId, path, key: session.key(), chunkSize: Number(localStorage.getItem('imagebank.chunkBytes')) || 8 << 20,
        onProgress(n, size) {
          sent[i] = n;
          bar.set(size ? n / size : 1, `${fmt.bytes(n)} / ${fmt.bytes(size)}`);
        },
        onState(s, detail) {
          row.dataset.state = s;
          state.textContent = s === 'error' ? t('upload.state.error', { msg: detail }) : t(`upload.state.${s}`);
          retry.hidden = s !== 'error';
        },
      });
      retry.addEventListener('click', () => { up.state = 'waiting'; queue.push(up); pump(); });
      return up;
    });
    let paused = false;
    pauseAll.addEventListener('click', () => {
      paused = !paused;
      pauseAll.textContent = paused ? t('upload.resume') : t('upload.pause');
      if (paused) uploads.forEach((u) => { if (u.state === 'sending' || u.state === 'retrying') u.pause(); });
      else { uploads.filter((u) => u.state === 'paused').forEach((u) => queue.push(u)); pump(); }
    });
    clear(progress).append(h('h2', { id: 'pg-h' }, t('upload.total')), total.el, stats, pauseAll,
      h('div', { class: 'table-wrap short' }, h('table', { class: 'uploads' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('upload.file')), h('th', { scope: 'col' }, t('upload.total')), h('th', { scope: 'col' }, t('upload.match')))), rows)));

    const queue = [...uploads];
    let running = 0;
    const pump = () => {
      while (!paused && running < PARALLEL && queue.length) {
        const up = queue.shift();
        running++;
        up.start().finally(() => { running--; pump(); checkEnd(); });
      }
    };
    const timer = setInterval(() => {
      const now = performance.now();
      const bytes = sent.reduce((a, b) => a + b, 0);
      samples.push([now, bytes]);
      while (samples.length > 2 && now - samples[0][0] > 5000) samples.shift();
      const [t0, b0] = samples[0];
      const speed = now > t0 ? ((bytes - b0) * 1000) / (now - t0) : 0;
      total.set(totalBytes ? bytes / totalBytes : 1, `${fmt.bytes(bytes)} / ${fmt.bytes(totalBytes)}`);
      stats.textContent = `${t('upload.speed', { speed: fmt.bytes(speed) })} · ${speed > 0 ? t('upload.eta', { eta: fmt.duration((totalBytes - bytes) / speed) }) : '—'}`;
    }, 500);
    controller.signal.addEventListener('abort', () => { clearInterval(timer); uploads.forEach((u) => u.pause()); });
    let ended = false;
    const checkEnd = async () => {
      if (ended || uploads.some((u) => u.state !== 'done' && u.state !== 'error')) return;
      if (uploads.some((u) => u.state === 'error')) return;
      ended = true;
      clearInterval(timer);
      total.set(1, `${fmt.bytes(totalBytes)} / ${fmt.bytes(totalBytes)}`);
      try {
        await api(`/batches/${batchId}/finish`, { method: 'POST' });
      } catch (e) {
        progress.append(errorBox(e));
        return;
      }
      forgetStoredUploads(batchId);
      localStorage.removeItem(PENDING);
      progress.append(h('p', { class: 'ok', id: 'upload-finished', role: 'status' }, t('upload.finished', { n: fmt.int(files.length), id: batchId })));
      const b = await api(`/batches/${batchId}`);
      const failures = h('div', { id: 'upload-failures' });
      progress.append(h('h3', {}, t('upload.processing', { id: batchId })), batchCard(b, controller.signal, (p) => showFailures(failures, p)), failures);
      if (!(b.receiving || !['done', 'cancelled'].includes(b.state))) showFailures(failures, b);
    };
    pump();
  }

  return () => controller.abort();
}

// The failures of a batch, each with its reason in Portuguese.
export function failureList(failures) {
  return h('ul', { class: 'failures' }, failures.map((f) => h('li', { dataset: { job: f.job_id } },
    h('strong', {}, f.original_name), ': ', failureText(f.code),
    h('span', { class: 'muted small block' }, t('fail.detail', { reason: f.reason })))));
}

export function failureText(code) {
  const key = `fail.${code}`;
  const text = t(key);
  return text === key ? t('fail.other') : text;
}

function showFailures(box, p) {
  clear(box);
  const failures = p.review?.failures || [];
  if (failures.length) box.append(failureList(failures));
}
