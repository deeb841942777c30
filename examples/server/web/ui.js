// Small DOM helpers: elements from a tag, attributes and children; a live
// region for announcements; pictures with their placeholders.
import { t } from './i18n.js';
import { blurhashToDataUrl } from './blurhash.js';

// h('button', {class: 'x', onclick: fn}, 'text', child...). Attributes
// starting with "on" are listeners; `false`/null attributes are left out.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// Announced to screen readers and shown at the bottom of the page.
export function announce(text, kind = 'info') {
  const region = document.getElementById('toast');
  if (!region) return;
  const item = h('div', { class: `toast toast-${kind}` }, text);
  region.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

export function errorBox(err) {
  return h('p', { class: 'error', role: 'alert' }, err?.message || String(err));
}

export function loading() {
  return h('p', { class: 'muted', role: 'status' }, t('common.loading'));
}

// A progress bar with its text, updated with set(fraction, text).
export function progressBar(label) {
  const bar = h('progress', { max: 1000, value: 0, 'aria-label': label });
  const text = h('span', { class: 'progress-text' });
  const el = h('div', { class: 'progress' }, bar, text);
  return {
    el,
    set(fraction, caption) {
      bar.value = Math.round(Math.max(0, Math.min(1, fraction)) * 1000);
      text.textContent = caption ?? '';
    },
  };
}

// An <img> of a photo from its signed URLs: a srcset of the sizes the
// server makes (each negotiated to AVIF, WebP or JPEG by the browser's
// Accept), lazy, over its BlurHash while it loads.
export function photo(card, { alt, sizes = '(max-width: 600px) 45vw, 240px', cover = 'grid' } = {}) {
  if (!card) return h('div', { class: 'photo photo-empty' }, t('common.noPhoto'));
  const urls = card.urls || {};
  const srcset = [];
  if (urls.thumbnail) srcset.push(`${urls.thumbnail} 300w`);
  if (urls.small) srcset.push(`${urls.small} 480w`);
  if (urls[cover] && cover === 'grid') srcset.push(`${urls.grid} 500w`);
  if (urls.detail) srcset.push(`${urls.detail} 1200w`);
  const img = h('img', {
    src: urls[cover] || urls.small || urls.thumbnail,
    srcset: srcset.join(', ') || null,
    sizes,
    alt: alt ?? '',
    loading: 'lazy',
    decoding: 'async',
    width: 500,
    height: 500,
  });
  const box = h('div', { class: 'photo' }, img);
  if (card.blurhash) {
    const data = blurhashToDataUrl(card.blurhash, 32, 32);
    if (data) {
      box.style.backgroundImage = `url("${data}")`;
      img.addEventListener('load', () => { box.style.backgroundImage = ''; }, { once: true });
    }
  }
  return box;
}

export function viewName(view) {
  const key = view ? `view.${view}` : 'view.none';
  const text = t(key);
  return text === key ? view : text;
}

export function statusName(status) {
  return t(`status.${status}`);
}
