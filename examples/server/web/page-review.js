// Revisão: pending photos approved or rejected by keyboard (A/R, arrows)
// or buttons; cross-SKU conflicts (one photo under two SKUs) resolved by
// saying which SKU it belongs to, discarding it or keeping it on both;
// near-duplicate pairs side by side (manter/descartar); photos without a
// SKU linked to a product found by SKU.
import { t, fmt } from './i18n.js';
import { api, query, imageCards, session } from './api.js';
import { h, clear, errorBox, announce, loading, photo, viewName, statusName } from './ui.js';

const QUEUE = 24;

export async function render(main) {
  main.append(h('h1', {}, t('review.title')));
  const canReview = session.can('review');
  const pendingBox = h('section', { class: 'card', id: 'review-pending', 'aria-labelledby': 'rp-h' }, h('h2', { id: 'rp-h' }, t('review.pending')), loading());
  const conflictBox = h('section', { class: 'card', id: 'review-conflicts', 'aria-labelledby': 'rc-h' }, h('h2', { id: 'rc-h' }, t('review.conflicts')), loading());
  const nearBox = h('section', { class: 'card', id: 'review-near', 'aria-labelledby': 'rn-h' }, h('h2', { id: 'rn-h' }, t('review.near')), loading());
  const unmatchedBox = h('section', { class: 'card', id: 'review-unmatched', 'aria-labelledby': 'ru-h' }, h('h2', { id: 'ru-h' }, t('review.unmatched')), loading());
  main.append(pendingBox, conflictBox, nearBox, unmatchedBox);

  async function setStatus(img, status, card) {
    try {
      await api(`/images/${img.id}`, { method: 'PATCH', body: { status } });
      announce(t(status === 'approved' ? 'review.approved' : 'review.rejected', { name: img.original_name }));
      const next = card?.nextElementSibling || card?.previousElementSibling;
      card?.remove();
      next?.focus();
      return true;
    } catch (e) {
      announce(e.message, 'error');
      return false;
    }
  }

  // --- pending ---
  await (async () => {
    try {
      const page = await api(`/images${query({ status: 'pending', limit: QUEUE })}`);
      pendingBox.lastChild.remove();
      if (!page.items.length) { pendingBox.append(h('p', { class: 'muted' }, t('review.noPending'))); return; }
      const cards = await imageCards(page.items.map((i) => i.id));
      const list = h('ul', { class: 'review-grid', 'aria-describedby': 'rp-help' });
      for (const img of page.items) {
        const card = h('li', { class: 'review-card', tabindex: '0', dataset: { image: img.id }, 'aria-label': `${img.original_name}, ${img.sku_base || t('upload.match.nosku')}` },
          photo(cards.get(img.id), { alt: img.original_name }),
          h('span', { class: 'small' }, img.original_name),
          h('span', { class: 'muted small' }, [img.sku_base || '—', img.view ? viewName(img.view) : ''].filter(Boolean).join(' · ')),
          canReview ? h('div', { class: 'row' },
            h('button', { type: 'button', class: 'primary small', dataset: { action: 'approve' }, onclick: () => setStatus(img, 'approved', card) }, t('review.approve')),
            h('button', { type: 'button', class: 'danger small', dataset: { action: 'reject' }, onclick: () => setStatus(img, 'rejected', card) }, t('review.reject'))) : null);
        card.addEventListener('keydown', (e) => {
          if (e.target !== card) return;
          if (canReview && (e.key === 'a' || e.key === 'A')) { e.preventDefault(); setStatus(img, 'approved', card); }
          else if (canReview && (e.key === 'r' || e.key === 'R')) { e.preventDefault(); setStatus(img, 'rejected', card); }
          else if (e.key === 'ArrowRight' || e.key === 'ArrowDown') { e.preventDefault(); card.nextElementSibling?.focus(); }
          else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') { e.preventDefault(); card.previousElementSibling?.focus(); }
        });
        list.append(card);
      }
      pendingBox.append(h('p', { class: 'muted small', id: 'rp-help' }, t('review.pendingHelp')), list);
    } catch (e) {
      clear(pendingBox).append(h('h2', { id: 'rp-h' }, t('review.pending')), errorBox(e));
    }
  })();

  // --- cross-SKU conflicts ---
  await (async () => {
    try {
      const page = await api(`/conflicts${query({ state: 'open', limit: 20 })}`);
      conflictBox.lastChild.remove();
      if (!page.items.length) { conflictBox.append(h('p', { class: 'muted' }, t('review.noConflicts'))); return; }
      const ids = [...new Set(page.items.flatMap((c) => [c.image_id, c.other_image_id]).filter(Boolean))];
      const cards = await imageCards(ids);
      const list = h('ul', { class: 'pairs' });
      for (const c of page.items) {
        const item = h('li', { class: 'pair', dataset: { conflict: c.id } });
        const resolve = async (body, done) => {
          try {
            await api(`/conflicts/${c.id}/resolve`, { method: 'POST', body });
            announce(done);
            item.remove();
          } catch (e) {
            announce(e.message, 'error');
          }
        };
        const side = (id, name, sku) => h('figure', {},
          id ? photo(cards.get(id), { alt: name }) : null,
          h('figcaption', {}, h('span', { class: 'small' }, name), ' ', h('span', { class: 'badge' }, sku)));
        item.append(
          h('p', { class: 'small' }, t(c.kind === 'exact' ? 'review.conflictExact' : 'review.conflictNear',
            { a: c.other_name, sa: c.other_sku, b: c.image_name, sb: c.image_sku, d: fmt.int(c.distance) })),
          h('div', { class: 'pair-sides' },
            side(c.image_id, c.image_name, c.image_sku),
            side(c.other_image_id || c.image_id, c.other_name, c.other_sku)),
          canReview ? h('div', { class: 'row' },
            ...[c.image_sku, c.other_sku].map((sku) => h('button', {
              type: 'button', class: 'primary small', dataset: { action: 'relink', sku },
              onclick: () => resolve({ action: 'relink', sku }, t('review.conflictRelinked', { sku })),
            }, t('review.belongsTo', { sku }))),
            h('button', {
              type: 'button', class: 'danger small', dataset: { action: 'discard' },
              onclick: () => resolve({ action: 'discard' }, t('review.conflictDiscarded', { name: c.other_image_id ? c.other_name : c.image_name })),
            }, t('review.discardPhoto')),
            h('button', {
              type: 'button', class: 'small', dataset: { action: 'dismiss' },
              onclick: () => resolve({ action: 'dismiss' }, t('review.conflictDismissed')),
            }, t('review.keepBoth'))) : null);
        list.append(item);
      }
      conflictBox.append(h('p', { class: 'muted small' }, t('review.conflictsHelp')), list);
    } catch (e) {
      clear(conflictBox).append(h('h2', { id: 'rc-h' }, t('review.conflicts')), errorBox(e));
    }
  })();

  // --- near duplicates ---
  await (async () => {
    try {
      const r = await api('/reports/near-duplicates');
      nearBox.lastChild.remove();
      if (!r.items.length) { nearBox.append(h('p', { class: 'muted' }, t('review.noNear'))); return; }
      const pairs = r.items.slice(0, 20);
      const cards = await imageCards([...new Set(pairs.flatMap((p) => [p.image_id, p.other_image_id]))]);
      const list = h('ul', { class: 'pairs' });
      for (const pair of pairs) {
        const item = h('li', { class: 'pair', dataset: { pair: `${pair.image_id}-${pair.other_image_id}` } });
        const side = (img) => h('figure', {},
          photo(cards.get(img.id), { alt: img.original_name }),
          h('figcaption', {}, h('span', { class: 'small' }, img.original_name), ' ',
            h('span', { class: 'badge', dataset: { state: img.status } }, statusName(img.status))),
          canReview ? h('div', { class: 'row' },
            h('button', { type: 'button', class: 'primary small', 'aria-label': `${t('review.keep')} ${img.original_name}`, async onclick() { if (await setStatus(img, 'approved')) item.remove(); } }, t('review.keep')),
            h('button', { type: 'button', class: 'danger small', 'aria-label': `${t('review.discard')} ${img.original_name}`, async onclick() { if (await setStatus(img, 'rejected')) item.remove(); } }, t('review.discard'))) : null);
        item.append(h('p', { class: 'small muted' }, t('review.pair', { a: pair.image.original_name, b: pair.other.original_name, d: fmt.int(pair.distance) })),
          h('div', { class: 'pair-sides' }, side(pair.image), side(pair.other)));
        list.append(item);
      }
      nearBox.append(list);
    } catch (e) {
      clear(nearBox).append(h('h2', { id: 'rn-h' }, t('review.near')), errorBox(e));
    }
  })();

  // --- without a SKU ---
  try {
    const page = await api(`/images${query({ unmatched: 'true', limit: QUEUE })}`);
    unmatchedBox.lastChild.remove();
    if (!page.items.length) { unmatchedBox.append(h('p', { class: 'muted' }, t('review.noUnmatched'))); return undefined; }
    const cards = await imageCards(page.items.map((i) => i.id));
    const list = h('ul', { class: 'review-grid' });
    for (const img of page.items) {
      const id = `link-${img.id}`;
      const options = h('datalist', { id: `${id}-list` });
      const input = h('input', { id, list: `${id}-list`, autocomplete: 'off', spellcheck: 'false', placeholder: t('review.sku') });
      let found = [];
      let pendingSearch = null;
      input.addEventListener('input', () => {
        clearTimeout(pendingSearch);
        const prefix = input.value.trim();
        if (!prefix) return;
        pendingSearch = setTimeout(async () => {
          try {
            found = (await api(`/products${query({ sku: prefix, limit: 10 })}`)).items;
            clear(options).append(...found.map((p) => h('option', { value: p.sku }, p.fields?.nome_peca || '')));
          } catch { /* keep the old list */ }
        }, 150);
      });
      const card = h('li', { class: 'review-card', dataset: { image: img.id } },
        photo(cards.get(img.id), { alt: img.original_name }),
        h('span', { class: 'small' }, img.original_name),
        canReview ? h('form', {
          class: 'link-form',
          async onsubmit(e) {
            e.preventDefault();
            const sku = input.value.trim();
            if (!sku) return;
            try {
              let product = found.find((p) => p.sku === sku);
              if (!product) product = (await api(`/products${query({ sku, limit: 10 })}`)).items.find((p) => p.sku === sku);
              if (!product) { announce(t('review.noSuchSku', { sku }), 'error'); return; }
              await api(`/images/${img.id}`, { method: 'PATCH', body: { product_id: product.id } });
              announce(t('review.linked', { name: img.original_name, sku: product.sku }));
              card.remove();
            } catch (err) {
              announce(err.message, 'error');
            }
          },
        }, h('label', { for: id }, t('review.skuSearch', { name: img.original_name })), input, options,
        h('button', { type: 'submit', class: 'primary small' }, t('review.link'))) : null);
      list.append(card);
    }
    unmatchedBox.append(list);
  } catch (e) {
    clear(unmatchedBox).append(h('h2', { id: 'ru-h' }, t('review.unmatched')), errorBox(e));
  }
  return undefined;
}
