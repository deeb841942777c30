// Text and formats of the user's locale: pt-BR (the only one so far).
import ptBR from './messages-pt-BR.js';

const locale = 'pt-BR';
const messages = ptBR;

// The message `key` with {name} replaced by params.name. A missing key is
// shown as itself, so a gap is visible rather than blank.
export function t(key, params = {}) {
  const text = messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) =>
    name in params ? String(params[name]) : m);
}

export function has(key) {
  return key in messages;
}

const numberFormat = new Intl.NumberFormat(locale);
const decimalFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
const percentFormat = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });

export const fmt = {
  int: (n) => numberFormat.format(n),
  dec: (n) => decimalFormat.format(n),
  pct: (part, whole) => percentFormat.format(whole > 0 ? part / whole : 0),
  date: (ms) => (ms ? dateFormat.format(new Date(ms)) : '—'),
  bytes(n) {
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return `${decimalFormat.format(n)} ${units[i]}`;
  },
  duration(seconds) {
    if (seconds == null || !isFinite(seconds)) return '—';
    seconds = Math.max(0, Math.round(seconds));
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    if (h > 0) return `${h} h ${m} min`;
    if (m > 0) return `${m} min ${s} s`;
    return `${s} s`;
  },
};

export const lang = locale;
