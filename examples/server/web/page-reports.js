// Relatórios: SKUs without a photo (CSV for the studio), the catalog export
// (xlsx, CSV or JSON Lines: GET /api/v1/exports), coverage per view, image
// status by brand and collection.
import { t, fmt } from './i18n.js';
import { api, query } from './api.js';
import { h, clear, errorBox, announce, loading, statusName } from './ui.js';
import { coverageChart } from './page-dashboard.js';
import { collections } from './page-products.js';

const SHOWN = 100;

export async function render(main, { params }) {
  main.append(h('h1', {}, t('reports.title')));
  const cols = await collections();
  const chosen = params.get('colecao') || '';
  const picker = h('select', { id: 'rep-collection', onchange() { location.hash = `#/relatorios${picker.value ? `?colecao=${encodeURIComponent(picker.value)}` : ''}`; } },
    h('option', { value: '' }, t('common.all')), cols.map((c) => h('option', { value: c.collection, selected: c.collection === chosen }, c.collection)));
  // Fetches `path` with the session's key and saves it as `name`.
  const saver = (id, label, path, name) => {
    const button = h('button', {
      type: 'button', class: 'primary', id,
      async onclick() {
        button.disabled = true;
        try {
          const r = await api(path(), { raw: true });
          const blob = await r.blob();
          const a = h('a', { href: URL.createObjectURL(blob), download: name() });
          document.body.append(a);
          a.click();
          a.remove();
          setTimeout(() => URL.revokeObjectURL(a.href), 10000);
        } catch (e) {
          announce(e.message, 'error');
        } finally {
          button.disabled = false;
        }
      },
    }, label);
    return button;
  };
  const suffix = chosen ? `-${chosen}` : '';
  const download = saver('download-missing', t('reports.download'),
    () => `/reports/missing-photos${query({ collection: chosen, format: 'csv' })}`,
    () => `skus-sem-foto${suffix}.csv`);
  const format = h('select', { id: 'export-format' },
    ['xlsx', 'csv', 'jsonl'].map((f) => h('option', { value: f }, t(`reports.format.${f}`))));
  const exporter = saver('download-export', t('reports.exportButton'),
    () => `/exports/${format.value}${query({ collection: chosen })}`,
    () => `produtos${suffix}.${format.value}`);
  const exports = h('section', { class: 'card', 'aria-labelledby': 'ex-h' }, h('h2', { id: 'ex-h' }, t('reports.export')),
    h('p', { class: 'muted' }, t('reports.exportHint')),
    h('div', { class: 'row' }, h('div', { class: 'field' }, h('label', { for: 'export-format' }, t('reports.exportFormat')), format), h('div', { class: 'field actions' }, exporter)));
  const missing = h('section', { class: 'card', 'aria-labelledby': 'mi-h' }, h('h2', { id: 'mi-h' }, t('reports.missing')),
    h('div', { class: 'row' }, h('div', { class: 'field' }, h('label', { for: 'rep-collection' }, t('products.collection')), picker), h('div', { class: 'field actions' }, download)),
    loading());
  const coverage = h('section', { class: 'card', 'aria-labelledby': 'co-h' }, h('h2', { id: 'co-h' }, t('reports.coverage')));
  const status = h('section', { class: 'card', 'aria-labelledby': 'ss-h' }, h('h2', { id: 'ss-h' }, t('reports.status')), loading());
  main.append(missing, exports, coverage, status);

  coverage.append(coverageChart(chosen ? cols.filter((c) => c.collection === chosen) : cols));

  try {
    const r = await api(`/reports/missing-photos${query({ collection: chosen })}`);
    missing.lastChild.remove();
    missing.append(h('p', { id: 'missing-count' }, t('reports.missingCount', { n: fmt.int(r.items.length) })));
    if (r.truncated) missing.append(h('p', { class: 'notice' }, t('reports.truncated')));
    if (r.items.length) {
      const body = h('tbody');
      for (const p of r.items.slice(0, SHOWN)) {
        body.append(h('tr', {}, h('td', {}, h('a', { href: `#/produto/${p.product_id}` }, p.sku)), h('td', {}, p.nome_peca || ''), h('td', {}, p.cor || ''), h('td', {}, p.collection)));
      }
      missing.append(h('div', { class: 'table-wrap short' }, h('table', { id: 'missing-table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('review.sku')), h('th', { scope: 'col' }, t('field.nome_peca')), h('th', { scope: 'col' }, t('field.cor')), h('th', { scope: 'col' }, t('products.collection')))), body)));
      if (r.items.length > SHOWN) missing.append(h('p', { class: 'muted small' }, t('reports.showing', { n: fmt.int(SHOWN) })));
    }
  } catch (e) {
    missing.lastChild.remove();
    missing.append(errorBox(e));
  }

  try {
    const r = await api(`/reports/status${query({ collection: chosen })}`);
    status.lastChild.remove();
    const body = h('tbody');
    for (const row of r.items) {
      body.append(h('tr', {}, h('td', {}, row.brand || '—'), h('td', {}, row.collection || '—'), h('td', {}, statusName(row.status)), h('td', { class: 'num' }, fmt.int(row.images))));
    }
    status.append(h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('cov.brand')), h('th', { scope: 'col' }, t('cov.collection')), h('th', { scope: 'col' }, t('reports.status.col')), h('th', { scope: 'col', class: 'num' }, t('reports.images')))), body)));
  } catch (e) {
    status.lastChild.remove();
    status.append(errorBox(e));
  }
  return undefined;
}
