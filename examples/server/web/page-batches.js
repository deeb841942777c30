// Lotes: every batch with its state, counts, rate and ETA, live while it
// runs; pause, resume, cancel, retry the failed files; each failure with
// its reason in Portuguese.
import { t, fmt } from './i18n.js';
import { api, session } from './api.js';
import { h, clear, errorBox, announce, progressBar } from './ui.js';
import { batchActive, batchStateText, batchLabel } from './page-dashboard.js';
import { failureList } from './page-upload.js';

export async function render(main, { params }) {
  main.append(h('h1', {}, t('batches.title')));
  const list = h('div', { class: 'batch-list' });
  const details = h('section', { class: 'card', id: 'batch-details', 'aria-live': 'polite', hidden: true });
  main.append(details, list);
  let timer = null;
  let stopped = false;

  const canAct = session.can('upload');
  async function act(b, what) {
    try {
      const r = await api(`/batches/${b.id}/${what}`, { method: 'POST' });
      if (what === 'retry-failed') announce(t('batches.requeued', { n: fmt.int(r.requeued) }));
      await refresh();
    } catch (e) {
      announce(e.message, 'error');
    }
  }

  async function showDetails(id) {
    details.hidden = false;
    clear(details).append(h('h2', { id: 'bd-h', tabindex: '-1' }, t('batches.failures', { id })));
    try {
      const b = await api(`/batches/${id}`);
      const failures = b.review?.failures || [];
      details.append(failures.length ? failureList(failures) : h('p', { class: 'muted' }, t('batches.noFailures')));
    } catch (e) {
      details.append(errorBox(e));
    }
  }

  async function refresh() {
    let batches;
    try {
      batches = (await api('/batches')).items;
    } catch (e) {
      clear(list).append(errorBox(e));
      return;
    }
    if (stopped) return;
    clear(list);
    if (!batches.length) list.append(h('p', { class: 'muted' }, t('batches.empty')));
    for (const b of [...batches].reverse()) {
      const c = b.counts || {};
      const finished = (c.done || 0) + (c.duplicate || 0) + (c.failed || 0) + (c.cancelled || 0);
      const bar = progressBar(batchLabel(b));
      bar.set(c.total ? finished / c.total : 0, t('batch.progress', { done: fmt.int(finished), total: fmt.int(c.total || 0) }));
      const counts = [
        t('batches.count.done', { n: fmt.int(c.done || 0) }),
        t('batches.count.duplicate', { n: fmt.int(c.duplicate || 0) }),
        t('batches.count.failed', { n: fmt.int(c.failed || 0) }),
        t('batches.count.waiting', { n: fmt.int((c.received || 0) + (c.leased || 0)) }),
      ].join(' · ');
      const active = batchActive(b);
      const buttons = h('div', { class: 'row' });
      if (canAct) {
        if (active && b.state !== 'paused') buttons.append(h('button', { type: 'button', class: 'ghost', onclick: () => act(b, 'pause') }, t('batches.pause')));
        if (b.state === 'paused') buttons.append(h('button', { type: 'button', class: 'ghost', onclick: () => act(b, 'resume') }, t('batches.resume')));
        if (active) buttons.append(h('button', { type: 'button', class: 'danger', onclick: () => act(b, 'cancel') }, t('batches.cancel')));
        if (c.failed && b.state !== 'cancelled') buttons.append(h('button', { type: 'button', class: 'ghost', onclick: () => act(b, 'retry-failed') }, t('batches.retry')));
      }
      if (c.failed) buttons.append(h('button', { type: 'button', class: 'ghost', dataset: { details: b.id }, onclick: () => showDetails(b.id) }, t('batches.details')));
      list.append(h('article', { class: 'card batch', dataset: { batch: b.id, state: b.state } },
        h('h2', {}, batchLabel(b), ' ', h('span', { class: 'badge', dataset: { state: b.state } }, batchStateText(b))),
        bar.el,
        h('p', { class: 'small' }, counts),
        h('p', { class: 'muted small' }, [
          b.rate ? t('batch.rate', { rate: fmt.dec(b.rate) }) : null,
          active && b.eta_seconds != null ? t('batch.eta', { eta: fmt.duration(b.eta_seconds) }) : null,
          fmt.date(b.created_ms),
        ].filter(Boolean).join(' · ')),
        b.last_error ? h('p', { class: 'error small' }, b.last_error) : null,
        buttons));
    }
    clearTimeout(timer);
    if (batches.some(batchActive)) timer = setTimeout(refresh, 2000);
  }
  await refresh();
  if (params.get('lote')) await showDetails(Number(params.get('lote')));
  return () => { stopped = true; clearTimeout(timer); };
}
