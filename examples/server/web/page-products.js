// Produtos: a grid of products with their cover photos, filtered (coleção,
// marca, com/sem foto, vista faltando) and searched by SKU prefix, in
// keyset pages of 48: the server filters in SQL, so 10,000 products cost
// what one page costs.
import { t, fmt } from './i18n.js';
import { api, query } from './api.js';
import { h, clear, errorBox, loading, photo, viewName } from './ui.js';

const PAGE = 48;
let collectionsCache = null;

export async function collections() {
  if (!collectionsCache) collectionsCache = api('/reports/coverage').then((r) => r.items).catch((e) => { collectionsCache = null; throw e; });
  return collectionsCache;
}

function select(id, label, options, value) {
  const el = h('select', { id, name: id });
  for (const [v, text] of options) el.append(h('option', { value: v, selected: v === value }, text));
  return h('div', { class: 'field' }, h('label', { for: id }, label), el);
}

export async function render(main, { params }) {
  const state = {
    colecao: params.get('colecao') || '',
    marca: params.get('marca') || '',
    sku: params.get('sku') || '',
    foto: params.get('foto') || '',
    falta: params.get('falta') || '',
    apos: params.get('apos') || '',
    pagina: Number(params.get('pagina') || 1),
    antes: params.get('antes') || '',
  };
  main.append(h('h1', {}, t('products.title')));
  const cols = await collections();
  const brands = [...new Set(cols.map((c) => c.brand))].sort();
  const form = h('form', {
    class: 'filters card', role: 'search',
    onsubmit(e) {
      e.preventDefault();
      const f = new FormData(form);
      const q = new URLSearchParams();
      for (const k of ['colecao', 'marca', 'sku', 'foto', 'falta']) if (f.get(k)) q.set(k, f.get(k));
      location.hash = `#/produtos?${q}`;
    },
  },
  select('colecao', t('products.collection'), [['', t('common.all')], ...cols.map((c) => [c.collection, c.collection])], state.colecao),
  select('marca', t('products.brand'), [['', t('common.all')], ...brands.map((b) => [b, b])], state.marca),
  h('div', { class: 'field' }, h('label', { for: 'sku' }, t('products.sku')),
    h('input', { id: 'sku', name: 'sku', type: 'search', value: state.sku, autocomplete: 'off', spellcheck: 'false' })),
  select('foto', t('products.photo'), [['', t('common.any')], ['com', t('products.photo.with')], ['sem', t('products.photo.without')]], state.foto),
  select('falta', t('products.missing'), [['', t('common.any')], ...['front', 'back', 'detail'].map((v) => [v, viewName(v)])], state.falta),
  h('div', { class: 'field actions' },
    h('button', { type: 'submit', class: 'primary' }, t('common.filter')),
    h('a', { href: '#/produtos', class: 'button ghost' }, t('common.clear'))));
  const results = h('section', { 'aria-live': 'polite', 'aria-busy': 'true' }, loading());
  main.append(form, results);

  let page;
  try {
    page = await api(`/products${query({
      collection: state.colecao, brand: state.marca, sku: state.sku,
      has_photo: state.foto === 'com' ? 'true' : state.foto === 'sem' ? 'false' : '',
      missing_view: state.falta, after: state.apos, limit: PAGE,
    })}`);
  } catch (e) {
    clear(results).append(errorBox(e));
    results.removeAttribute('aria-busy');
    return undefined;
  }
  clear(results);
  results.removeAttribute('aria-busy');
  if (!page.items.length) {
    results.append(h('p', { class: 'muted' }, t('products.empty')));
    return undefined;
  }
  const grid = h('ul', { class: 'product-grid' });
  const covers = new Map();
  for (const p of page.items) {
    const slot = h('div', { class: 'photo photo-loading' });
    covers.set(p.id, slot);
    const views = (p.views || []).filter((v) => v.view).map((v) => viewName(v.view)).join(', ');
    grid.append(h('li', { class: 'product', dataset: { sku: p.sku } },
      h('a', { href: `#/produto/${p.id}`, class: 'product-link' },
        slot,
        h('span', { class: 'sku' }, p.sku),
        h('span', { class: 'name' }, p.fields?.nome_peca || ''),
        h('span', { class: 'muted small' }, `${t('products.photos', { n: fmt.int(p.photo_count) })}${views ? ` · ${views}` : ''}`))));
  }
  const nav = pager(state, page);
  results.append(h('p', { class: 'muted small' }, t('products.count', { n: fmt.int(page.items.length) })), grid, nav);
  performance.mark('produtos-grade');
  window.__imagebankProductsRendered = performance.now();

  // The covers, in one request for the page.
  api(`/product-covers${query({ ids: page.items.map((p) => p.id).join(',') })}`).then((r) => {
    for (const item of r.items) {
      const slot = covers.get(item.product_id);
      if (!slot) continue;
      const product = page.items.find((p) => p.id === item.product_id);
      slot.replaceWith(photo(item.image, { alt: product ? `${product.sku} ${product.fields?.nome_peca || ''}`.trim() : '' }));
    }
  }).catch((e) => results.prepend(errorBox(e)));
  return undefined;
}

function pager(state, page) {
  const base = new URLSearchParams();
  for (const k of ['colecao', 'marca', 'sku', 'foto', 'falta']) if (state[k]) base.set(k, state[k]);
  const links = h('nav', { class: 'pager', 'aria-label': t('common.page', { n: state.pagina }) });
  // Back: the browser's history holds the earlier cursors.
  if (state.pagina > 1) {
    links.append(h('button', { type: 'button', class: 'ghost', onclick: () => history.back() }, `← ${t('common.prev')}`));
  }
  links.append(h('span', { class: 'muted' }, t('common.page', { n: fmt.int(state.pagina) })));
  if (page.next) {
    const q = new URLSearchParams(base);
    q.set('apos', page.next);
    q.set('pagina', String(state.pagina + 1));
    links.append(h('a', { href: `#/produtos?${q}`, class: 'button ghost', rel: 'next' }, `${t('common.next')} →`));
  }
  return links;
}
