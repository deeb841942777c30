// Painel: images by status, batches in progress (live, over SSE), coverage
// per collection as bars, and what needs attention.
import { t, fmt } from './i18n.js';
import { api, query, streamEvents } from './api.js';
import { h, clear, errorBox, loading, progressBar, statusName } from './ui.js';

const STATUSES = ['pending', 'pending_ai_analysis', 'approved', 'rejected'];

export function batchActive(b) {
  return b.receiving || !['done', 'cancelled'].includes(b.state);
}

export function batchStateText(b) {
  if (b.receiving && b.state !== 'cancelled') return t('batch.state.receiving');
  return t(`batch.state.${b.state}`);
}

export function batchLabel(b) {
  const src = (b.source || '').replace(/^upload:/, '');
  return src ? `${t('batch.label', { id: b.id })} · ${src}` : t('batch.label', { id: b.id });
}

// A live card of one batch: its bar follows the batch's event stream.
export function batchCard(b, signal, onEnd) {
  const bar = progressBar(batchLabel(b));
  const state = h('span', { class: 'badge' });
  const detail = h('p', { class: 'muted small' });
  const update = (p) => {
    const c = p.counts || {};
    const finished = (c.done || 0) + (c.duplicate || 0) + (c.failed || 0) + (c.cancelled || 0);
    bar.set(c.total ? finished / c.total : 0, t('batch.progress', { done: fmt.int(finished), total: fmt.int(c.total || 0) }));
    state.textContent = batchStateText(p);
    state.dataset.state = p.state;
    const bits = [];
    if (p.rate) bits.push(t('batch.rate', { rate: fmt.dec(p.rate) }));
    if (p.eta_seconds != null && batchActive(p)) bits.push(t('batch.eta', { eta: fmt.duration(p.eta_seconds) }));
    if (c.failed) bits.push(t('batches.count.failed', { n: fmt.int(c.failed) }));
    if (c.duplicate) bits.push(t('batches.count.duplicate', { n: fmt.int(c.duplicate) }));
    detail.textContent = bits.join(' · ');
  };
  update(b);
  const card = h('article', { class: 'batch-card', dataset: { batch: b.id } },
    h('h3', {}, h('a', { href: `#/lotes?lote=${b.id}` }, batchLabel(b)), ' ', state), bar.el, detail);
  if (signal) {
    streamEvents(`/batches/${b.id}/events`, (name, data) => {
      if (name === 'progress') update(data);
      if (name === 'end') {
        api(`/batches/${b.id}`).then((p) => { update(p); onEnd?.(p); }).catch(() => {});
      }
    }, signal);
  }
  return card;
}

export async function render(main) {
  const controller = new AbortController();
  main.append(h('h1', {}, t('dash.title')));
  const statusBox = h('section', { class: 'card', 'aria-labelledby': 'st-h' }, h('h2', { id: 'st-h' }, t('dash.images')), loading());
  const batchBox = h('section', { class: 'card', 'aria-labelledby': 'ba-h' }, h('h2', { id: 'ba-h' }, t('dash.batches')), loading());
  const alertBox = h('section', { class: 'card', 'aria-labelledby': 'al-h' }, h('h2', { id: 'al-h' }, t('dash.alerts')), loading());
  const covBox = h('section', { class: 'card span-2', 'aria-labelledby': 'cv-h' }, h('h2', { id: 'cv-h' }, t('dash.coverage')), loading());
  main.append(h('div', { class: 'grid-2' }, statusBox, alertBox, batchBox, covBox));

  const [status, batches, coverage, near, unmatched] = await Promise.allSettled([
    api('/reports/status'), api('/batches'), api('/reports/coverage'),
    api('/reports/near-duplicates'), api(`/images${query({ unmatched: 'true', limit: 1 })}`),
  ]);

  // Images by status.
  statusBox.lastChild.remove();
  if (status.status === 'fulfilled') {
    const by = Object.fromEntries(STATUSES.map((s) => [s, 0]));
    for (const row of status.value.items) by[row.status] = (by[row.status] || 0) + row.images;
    const list = h('ul', { class: 'stats' });
    for (const s of STATUSES) {
      list.append(h('li', { dataset: { status: s } }, h('span', { class: 'stat-n' }, fmt.int(by[s])), h('span', {}, statusName(s))));
    }
    list.append(h('li', {}, h('span', { class: 'stat-n' }, fmt.int(status.value.total ?? 0)), h('span', {}, t('dash.total'))));
    statusBox.append(list);
  } else statusBox.append(errorBox(status.reason));

  // Batches in progress.
  batchBox.lastChild.remove();
  if (batches.status === 'fulfilled') {
    const active = batches.value.items.filter(batchActive).slice(-6);
    if (!active.length) batchBox.append(h('p', { class: 'muted' }, t('dash.noBatches')));
    for (const b of active) batchBox.append(batchCard(b, controller.signal));
  } else batchBox.append(errorBox(batches.reason));

  // Alerts.
  alertBox.lastChild.remove();
  const alerts = h('ul', { class: 'alerts' });
  if (batches.status === 'fulfilled') {
    const failed = batches.value.items.reduce((n, b) => n + (b.counts?.failed || 0), 0);
    if (failed) alerts.append(h('li', { class: 'alert-bad' }, h('a', { href: '#/lotes' }, t('dash.alert.failed', { n: fmt.int(failed) }))));
  }
  if (near.status === 'fulfilled' && near.value.items.length) {
    alerts.append(h('li', { class: 'alert-warn' }, h('a', { href: '#/revisao' }, t('dash.alert.near', { n: fmt.int(near.value.items.length) }))));
  }
  if (coverage.status === 'fulfilled') {
    const missing = coverage.value.items.reduce((n, c) => n + (c.products - c.products_with_photo), 0);
    if (missing) alerts.append(h('li', { class: 'alert-warn' }, h('a', { href: '#/relatorios' }, t('dash.alert.missing', { n: fmt.int(missing) }))));
  }
  if (unmatched.status === 'fulfilled' && unmatched.value.items.length) {
    alerts.append(h('li', { class: 'alert-warn' }, h('a', { href: '#/revisao' }, t('dash.alert.unmatched'))));
  }
  if (!alerts.children.length) alerts.append(h('li', { class: 'alert-ok' }, t('dash.alert.none')));
  alertBox.append(alerts);

  // Coverage chart.
  covBox.lastChild.remove();
  if (coverage.status === 'fulfilled') covBox.append(coverageChart(coverage.value.items));
  else covBox.append(errorBox(coverage.reason));

  return () => controller.abort();
}

function viewCount(c, view) {
  return (c.views || {})[view] ?? 0;
}

// A table whose cells carry bars: readable as a chart and as numbers.
export function coverageChart(items) {
  if (!items.length) return h('p', { class: 'muted' }, t('common.none'));
  const head = h('tr', {}, h('th', { scope: 'col' }, t('cov.collection')), h('th', { scope: 'col' }, t('cov.products')),
    ...['withPhoto', 'front', 'back', 'detail'].map((k) => h('th', { scope: 'col' }, t(`cov.${k}`))));
  const body = h('tbody');
  for (const c of items) {
    const cells = [c.products_with_photo, viewCount(c, 'front'), viewCount(c, 'back'), viewCount(c, 'detail')].map((n) => {
      const fill = h('span', { class: 'bar-fill' });
      fill.style.width = `${c.products ? (100 * n) / c.products : 0}%`;
      return h('td', { class: 'bar-cell' }, h('span', { class: 'bar', 'aria-hidden': 'true' }, fill),
        h('span', { class: 'bar-text' }, `${fmt.int(n)} (${fmt.pct(n, c.products)})`));
    });
    body.append(h('tr', { dataset: { collection: c.collection } },
      h('th', { scope: 'row' }, c.collection, h('span', { class: 'muted small block' }, c.brand)),
      h('td', {}, fmt.int(c.products)), ...cells));
  }
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'coverage' }, h('caption', {}, t('dash.coverageCaption')), h('thead', {}, head), body));
}
