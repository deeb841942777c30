// Entrar: paste an API key; what each scope allows.
import { t } from './i18n.js';
import { api, session } from './api.js';
import { h } from './ui.js';

export async function render(main) {
  const input = h('input', {
    id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off',
    spellcheck: 'false', required: true, class: 'wide',
  });
  const message = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', {
    class: 'card login',
    async onsubmit(e) {
      e.preventDefault();
      message.hidden = true;
      const key = input.value.trim();
      try {
        const who = await api('/me', { key });
        session.set(key, who);
        location.hash = '#/painel';
      } catch (err) {
        message.textContent = t('login.bad', { msg: err.message });
        message.hidden = false;
        input.focus();
      }
    },
  },
  h('p', {}, t('login.intro')),
  h('label', { for: 'api-key' }, t('login.key')),
  input,
  message,
  h('button', { type: 'submit', class: 'primary', id: 'login-submit' }, t('login.submit')));

  const scopes = h('dl', { class: 'scopes' });
  for (const s of ['read', 'upload', 'review', 'admin']) {
    scopes.append(h('dt', {}, t(`scope.${s}`)), h('dd', {}, t(`scope.${s}.help`)));
  }
  main.append(
    h('h1', {}, t('login.title')),
    form,
    h('section', { class: 'card', 'aria-labelledby': 'scopes-title' },
      h('h2', { id: 'scopes-title' }, t('login.scopes')), scopes));
  input.focus();
}
