// The app's shell: header, navigation, theme, and the pages by URL hash
// (#/produtos?colecao=...): each page module renders into <main> and may
// return a function that stops what it started (event streams, timers).
import { t } from './i18n.js';
import { api, session, onUnauthorized } from './api.js';
import { h, clear, errorBox } from './ui.js';
import * as login from './page-login.js';
import * as dashboard from './page-dashboard.js';
import * as products from './page-products.js';
import * as product from './page-product.js';
import * as upload from './page-upload.js';
import * as batches from './page-batches.js';
import * as review from './page-review.js';
import * as reports from './page-reports.js';
import * as keys from './page-keys.js';

const pages = [
  { path: 'painel', page: dashboard, nav: 'nav.painel' },
  { path: 'produtos', page: products, nav: 'nav.produtos' },
  { path: 'produto', page: product },
  { path: 'enviar', page: upload, nav: 'nav.enviar' },
  { path: 'lotes', page: batches, nav: 'nav.lotes' },
  { path: 'revisao', page: review, nav: 'nav.revisao' },
  { path: 'relatorios', page: reports, nav: 'nav.relatorios' },
  { path: 'chaves', page: keys, nav: 'nav.chaves', scope: 'admin' },
  { path: 'entrar', page: login },
];

// --- theme: dark unless the system prefers light; the toggle wins ---
const THEME = 'imagebank.theme';
const prefersLight = window.matchMedia('(prefers-color-scheme: light)');
function currentTheme() {
  return localStorage.getItem(THEME) || (prefersLight.matches ? 'light' : 'dark');
}
function applyTheme() {
  const theme = currentTheme();
  document.documentElement.dataset.theme = theme;
  const button = document.getElementById('theme-toggle');
  if (button) {
    const label = theme === 'dark' ? t('theme.toLight') : t('theme.toDark');
    button.setAttribute('aria-label', label);
    button.title = label;
    button.textContent = theme === 'dark' ? '☀' : '☾';
  }
}
prefersLight.addEventListener('change', applyTheme);

// --- shell ---
const app = document.getElementById('app');
const nav = h('nav', { 'aria-label': t('nav.label'), class: 'nav' });
const main = h('main', { id: 'main', tabindex: '-1' });
const header = h('header', { class: 'top' },
  h('a', { class: 'brand', href: '#/painel' }, t('app.name')),
  nav,
  h('div', { class: 'top-actions' },
    h('button', {
      id: 'theme-toggle', type: 'button', class: 'icon',
      onclick() {
        localStorage.setItem(THEME, currentTheme() === 'dark' ? 'light' : 'dark');
        applyTheme();
      },
    }),
    h('button', {
      id: 'logout', type: 'button', class: 'ghost',
      onclick() { session.clear(); location.hash = '#/entrar'; },
    }, t('nav.sair'))));
const skip = h('a', {
  class: 'skip', href: '#main',
  onclick(e) { e.preventDefault(); main.focus(); },
}, t('app.skip'));
app.append(skip, header, main, h('div', { id: 'toast', class: 'toasts', role: 'status', 'aria-live': 'polite' }));
applyTheme();

function renderNav(active) {
  clear(nav);
  const logged = !!session.key();
  header.classList.toggle('anonymous', !logged);
  if (!logged) return;
  const list = h('ul');
  for (const p of pages) {
    if (!p.nav || (p.scope && !session.can(p.scope))) continue;
    list.append(h('li', {}, h('a', {
      href: `#/${p.path}`,
      'aria-current': p.path === active || (active === 'produto' && p.path === 'produtos') ? 'page' : null,
    }, t(p.nav))));
  }
  nav.append(list);
  // On a phone the list scrolls sideways: keep the current page in view.
  nav.querySelector('[aria-current=page]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [pathPart, queryPart = ''] = raw.split('?');
  const [path, ...rest] = pathPart.split('/');
  return { path: path || 'painel', args: rest, params: new URLSearchParams(queryPart) };
}

let stop = null;
let rendering = 0;
async function route() {
  const { path, args, params } = parseHash();
  let entry = pages.find((p) => p.path === path) || pages[0];
  if (!session.key() && entry.page !== login) entry = pages.find((p) => p.page === login);
  if (stop) { try { stop(); } catch { /* already stopped */ } stop = null; }
  const mine = ++rendering;
  renderNav(entry.path);
  clear(main);
  document.title = `${t(entry.nav || (entry.page === product ? 'nav.produtos' : 'login.title'))} · ${t('app.name')}`;
  try {
    const result = await entry.page.render(main, { args, params });
    if (mine !== rendering) { if (typeof result === 'function') result(); return; }
    stop = typeof result === 'function' ? result : null;
  } catch (e) {
    if (mine === rendering) main.append(errorBox(e));
  }
}

onUnauthorized(() => {
  session.clear();
  if (!location.hash.startsWith('#/entrar')) location.hash = '#/entrar';
});
window.addEventListener('hashchange', () => { route().then(() => main.focus({ preventScroll: true })); });

// A key from an earlier visit of this tab may have been revoked.
if (session.key()) api('/me').then((who) => session.set(session.key(), who)).catch(() => {});
route();
