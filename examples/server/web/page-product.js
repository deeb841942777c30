// Produto: photos by view (zoom on click), the Carteira's fields beside the
// AI's attributes with disagreements marked, and the SKU history.
import { t, fmt } from './i18n.js';
import { api } from './api.js';
import { h, photo, viewName, statusName } from './ui.js';

// Carteira field -> analysis field, for the side-by-side.
const COMPARE = [
  ['tipo_peca', 'garment_type'],
  ['cor', 'color'],
  [null, 'material'],
  [null, 'style'],
];
const FIELDS = ['nome_peca', 'categoria', 'subcategoria', 'tipo_peca', 'origem', 'marca', 'colecao', 'cor',
  'tamanho', 'quantidade', 'preco_custo', 'preco_venda', 'fornecedor', 'data_entrega'];

const fold = (s) => (s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').trim().toLowerCase();

export async function render(main, { args }) {
  const id = Number(args[0]);
  const p = await api(`/products/${id}`);
  main.append(
    h('p', {}, h('a', { href: '#/produtos' }, `← ${t('product.back')}`)),
    h('h1', {}, t('product.title', { sku: p.sku })),
    p.fields?.nome_peca ? h('p', { class: 'lead' }, p.fields.nome_peca) : null);

  // Photos by view.
  const photos = h('section', { class: 'card', 'aria-labelledby': 'ph-h' }, h('h2', { id: 'ph-h' }, t('product.photos')));
  const all = p.photos.flatMap((g) => g.images);
  if (!all.length) photos.append(h('p', { class: 'muted' }, t('product.noPhotos')));
  const dialog = zoomDialog();
  for (const group of p.photos) {
    const list = h('ul', { class: 'photo-row' });
    for (const img of group.images) {
      const name = img.original_name;
      list.append(h('li', { dataset: { image: img.id, status: img.status } },
        h('button', {
          type: 'button', class: 'zoom-button', 'aria-label': t('product.zoom', { name }),
          onclick: () => dialog.open(img.urls.zoom || img.urls.detail, name),
        }, photo({ urls: img.urls }, { alt: name, sizes: '(max-width: 600px) 45vw, 200px' })),
        h('span', { class: 'small' }, name), ' ',
        h('span', { class: 'badge', dataset: { state: img.status } }, statusName(img.status))));
    }
    photos.append(h('h3', {}, viewName(group.view)), list);
  }

  // Carteira and AI.
  let analysis = null;
  for (const img of all) {
    try {
      const rec = await api(`/images/${img.id}`);
      const ok = (rec.analyses || []).filter((a) => !a.error);
      if (ok.length) { analysis = ok[ok.length - 1]; break; }
    } catch { /* the record is optional here */ }
  }
  const rows = h('tbody');
  const shown = new Set();
  for (const [field, ai] of COMPARE) {
    const mine = field ? p.fields[field] : '';
    const theirs = analysis ? analysis[ai] || '' : '';
    if (field) shown.add(field);
    const differ = field && mine && theirs && fold(mine) !== fold(theirs) && !fold(theirs).includes(fold(mine));
    rows.append(h('tr', { class: differ ? 'differ' : null },
      h('th', { scope: 'row' }, t(field ? `field.${field}` : ai === 'material' ? 'field.material' : 'field.estilo')),
      h('td', {}, mine || '—'),
      h('td', {}, theirs || '—', differ ? h('span', { class: 'badge warn' }, t('product.disagree')) : null)));
  }
  for (const field of FIELDS) {
    if (shown.has(field)) continue;
    rows.append(h('tr', {}, h('th', { scope: 'row' }, t(`field.${field}`)), h('td', {}, p.fields[field] || '—'), h('td', {}, '')));
  }
  const fields = h('section', { class: 'card', 'aria-labelledby': 'fi-h' }, h('h2', { id: 'fi-h' }, t('product.fields')),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('product.field')), h('th', { scope: 'col' }, t('product.carteira')), h('th', { scope: 'col' }, t('product.ai')))),
      rows)));

  // SKU history.
  const history = h('section', { class: 'card', 'aria-labelledby': 'hi-h' }, h('h2', { id: 'hi-h' }, t('product.history')));
  if (!p.sku_history.length) history.append(h('p', { class: 'muted' }, t('product.noHistory')));
  else {
    const body = h('tbody');
    for (const e of p.sku_history) {
      body.append(h('tr', {}, h('td', {}, e.old_sku || '—'), h('td', {}, e.new_sku || '—'), h('td', {}, e.actor), h('td', {}, e.reason), h('td', {}, fmt.date(e.at_ms))));
    }
    history.append(h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ...['old', 'new', 'actor', 'reason', 'at'].map((k) => h('th', { scope: 'col' }, t(`hist.${k}`))))), body)));
  }
  main.append(photos, h('div', { class: 'grid-2' }, fields, history), dialog.el);
  return () => dialog.el.close?.();
}

function zoomDialog() {
  const img = h('img', { alt: '' });
  const title = h('h2', { id: 'zoom-title' }, t('product.zoomTitle'));
  const el = h('dialog', { class: 'zoom', 'aria-labelledby': 'zoom-title' },
    h('div', { class: 'zoom-head' }, title,
      h('button', { type: 'button', class: 'ghost', onclick: () => el.close() }, t('common.close'))),
    img);
  el.addEventListener('click', (e) => { if (e.target === el) el.close(); });
  return {
    el,
    open(url, name) {
      img.src = url;
      img.alt = name;
      title.textContent = name;
      el.showModal();
    },
  };
}
