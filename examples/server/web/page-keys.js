// Chaves de API (admin): create (the key shown once), list, revoke.
import { t, fmt } from './i18n.js';
import { api, session } from './api.js';
import { h, clear, errorBox, announce, loading } from './ui.js';

const SCOPES = ['read', 'upload', 'review', 'admin'];

export async function render(main) {
  main.append(h('h1', {}, t('keys.title')));
  if (!session.can('admin')) {
    main.append(h('p', { class: 'notice' }, t('keys.needAdmin')));
    return undefined;
  }
  const made = h('div', { 'aria-live': 'polite' });
  const name = h('input', { id: 'key-name', required: true, maxlength: 100, autocomplete: 'off' });
  const boxes = SCOPES.map((s) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'scope', value: s, checked: s === 'read' }), ` ${t(`scope.${s}`)}`));
  const form = h('form', {
    class: 'card', 'aria-labelledby': 'kc-h',
    async onsubmit(e) {
      e.preventDefault();
      const scopes = boxes.map((b) => b.firstChild).filter((c) => c.checked).map((c) => c.value);
      clear(made);
      try {
        const r = await api('/keys', { method: 'POST', body: { name: name.value.trim(), scopes } });
        const out = h('input', { id: 'new-key', readonly: true, value: r.key, class: 'wide mono', 'aria-label': t('keys.made') });
        made.append(h('p', { class: 'notice' }, t('keys.made')), h('div', { class: 'row' }, out,
          h('button', { type: 'button', class: 'ghost', async onclick() { await navigator.clipboard?.writeText(r.key).catch(() => {}); announce(t('common.copied')); } }, t('common.copy'))));
        name.value = '';
        await refresh();
      } catch (err) {
        made.append(errorBox(err));
      }
    },
  }, h('h2', { id: 'kc-h' }, t('keys.create')),
  h('div', { class: 'field' }, h('label', { for: 'key-name' }, t('keys.newName')), name),
  h('fieldset', {}, h('legend', {}, t('keys.newScopes')), boxes),
  h('button', { type: 'submit', class: 'primary', id: 'key-create' }, t('keys.create')),
  made);
  const list = h('section', { class: 'card', 'aria-labelledby': 'kl-h' }, h('h2', { id: 'kl-h' }, t('keys.list')), loading());
  main.append(form, list);
  const me = session.who();

  async function refresh() {
    let items;
    try {
      items = (await api('/keys')).items;
    } catch (e) {
      clear(list).append(h('h2', { id: 'kl-h' }, t('keys.list')), errorBox(e));
      return;
    }
    const body = h('tbody');
    for (const k of items) {
      const mine = me && me.prefix === k.prefix;
      let armed = false;
      const revoke = h('button', {
        type: 'button', class: 'danger small', dataset: { prefix: k.prefix },
        async onclick() {
          if (!armed) { armed = true; revoke.textContent = t('keys.confirm', { prefix: k.prefix }); return; }
          try {
            await api(`/keys/${encodeURIComponent(k.prefix)}`, { method: 'DELETE' });
            announce(t('keys.revokedOk', { prefix: k.prefix }));
            await refresh();
          } catch (e) { announce(e.message, 'error'); }
        },
      }, t('keys.revoke'));
      body.append(h('tr', { dataset: { prefix: k.prefix } },
        h('td', {}, k.name, mine ? h('span', { class: 'muted small' }, ` ${t('keys.you')}`) : null),
        h('td', { class: 'mono' }, k.prefix),
        h('td', {}, k.scopes.map((s) => t(`scope.${s}`)).join(', ')),
        h('td', {}, fmt.date(k.created_ms)),
        h('td', {}, k.revoked_ms ? t('keys.revoked', { at: fmt.date(k.revoked_ms) }) : t('keys.active')),
        h('td', {}, k.revoked_ms || mine ? '' : revoke)));
    }
    clear(list).append(h('h2', { id: 'kl-h' }, t('keys.list')), h('div', { class: 'table-wrap' }, h('table', { id: 'keys-table' },
      h('thead', {}, h('tr', {}, ...['name', 'prefix', 'scopes', 'created', 'state'].map((k) => h('th', { scope: 'col' }, t(`keys.${k}`))), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('batches.actions'))))), body)));
  }
  await refresh();
  return undefined;
}
