// How numbers, money, durations and times read in the dashboard. Pure functions.

const nf = new Intl.NumberFormat();

/** 1234567 → "1,234,567" */
export function int(n) {
  return n == null ? '—' : nf.format(n);
}

/** Compact counts: 950, 12.3k, 4.56M, 1.2B. */
export function compact(n) {
  if (n == null) return '—';
  const a = Math.abs(n);
  if (a < 1000) return String(Math.round(n));
  if (a < 1e6) return `${trim(n / 1e3, a < 1e4 ? 2 : a < 1e5 ? 1 : 0)}k`;
  if (a < 1e9) return `${trim(n / 1e6, a < 1e7 ? 2 : a < 1e8 ? 1 : 0)}M`;
  return `${trim(n / 1e9, 2)}B`;
}

function trim(v, digits) {
  return v.toFixed(digits).replace(/\.0+$|(\.\d*?)0+$/, '$1');
}

/** Micro-USD → "$0.0123", "$12.34", "$1,234". */
export function usd(micros) {
  if (micros == null) return '—';
  const v = micros / 1e6;
  if (v === 0) return '$0.00';
  const a = Math.abs(v);
  if (a < 0.01) return `$${v.toFixed(4)}`;
  if (a < 1000) return `$${v.toFixed(2)}`;
  return `$${nf.format(Math.round(v))}`;
}

/** 0.9876 → "98.8%" */
export function percent(x, digits = 1) {
  if (x == null || Number.isNaN(x)) return '—';
  if (x === 1) return '100%';
  return `${(x * 100).toFixed(digits)}%`;
}

/** Milliseconds → "850 ms", "12.3 s", "4 min 5 s". Negative (not measured) → "—". */
export function ms(v) {
  if (v == null || v < 0) return '—';
  if (v < 1000) return `${Math.round(v)} ms`;
  if (v < 60_000) return `${(v / 1000).toFixed(v < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(v / 60_000);
  const s = Math.round((v % 60_000) / 1000);
  return `${m} min${s ? ` ${s} s` : ''}`;
}

/** A long span: "3 d 4 h", "5 h 12 min", "42 s". */
export function span(v) {
  if (v == null || v < 0) return '—';
  const s = Math.floor(v / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d} d ${h} h`;
  if (h) return `${h} h ${m} min`;
  if (m) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

/** Bytes → "512 B", "12.5 KiB", "3.2 MiB". */
export function bytes(n) {
  if (n == null) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Epoch ms → "14:03:12" today, "Mar 3, 14:03:12" otherwise. */
export function when(epochMs) {
  if (!epochMs) return '—';
  const d = new Date(epochMs);
  const now = new Date();
  return d.toDateString() === now.toDateString() ? timeFmt.format(d) : dateTimeFmt.format(d);
}

export function fullTime(epochMs) {
  return epochMs ? fullFmt.format(new Date(epochMs)) : '—';
}

/** "2026-03-04" → a local Date (midnight). */
export function parseDay(day) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d);
}

/** A local Date → "2026-03-04". */
export function dayKey(date) {
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

const longDay = new Intl.DateTimeFormat(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' });

/** "2026-03-04" → "Wed, Mar 4, 2026" */
export function dayLabel(day) {
  return longDay.format(parseDay(day));
}

/** The model as sent, with the requested one when the endpoint mapped it. */
export function modelLabel(model, sentModel) {
  if (sentModel && model && sentModel !== model) return `${model} → ${sentModel}`;
  return model || sentModel || '—';
}

/** A model id without its date suffix: "claude-sonnet-4-5-20250929" → "claude-sonnet-4-5". */
export function shortModel(model) {
  return model ? model.replace(/-\d{8}$/, '') : model;
}

/** Outcome words as the log names them → what a person reads. */
export const OUTCOMES = {
  success: 'Success',
  failed_over: 'Failed over',
  client_error: 'Client error',
  upstream_error: 'Upstream error',
};
