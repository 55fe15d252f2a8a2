// The one HTTP client of the dashboard. Every call goes through `request`; every failure becomes
// an ApiError there, and `handleError` is the one place that decides what a user sees: 401 → the
// login screen, field errors → next to their fields, anything else → a toast.
import { session } from './session.svelte.js';
import { toasts } from './toasts.svelte.js';

/** An API failure with a message fit to show a user. */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status HTTP status, or 0 when the server could not be reached
   * @param {any} [data] parsed error body, if any
   */
  constructor(message, status, data) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.data = data;
    /** @type {Record<string, string>} field (or JSON path) → what is wrong with it */
    this.fields = data && typeof data.fields === 'object' && data.fields ? data.fields : {};
  }

  get hasFields() {
    return Object.keys(this.fields).length > 0;
  }
}

/** The admin API's base path. */
export const API = '/_/api';

async function errorFrom(res) {
  let data;
  try {
    data = await res.json();
  } catch {
    data = undefined;
  }
  const message =
    (typeof data?.error === 'string' ? data.error : data?.error?.message) ??
    data?.message ??
    `${res.status} ${res.statusText}`.trim();
  return new ApiError(message, res.status, data);
}

/**
 * fetch with the session cookie, for `request` and `streamLines`: an unreachable server becomes
 * an ApiError of status 0 (an abort stays an abort), a 401 also shows the login screen, any other
 * failure status an ApiError; returns the successful response.
 * @param {string} url
 * @param {RequestInit} init
 */
async function send(url, init) {
  let res;
  try {
    res = await fetch(url, { ...init, credentials: 'same-origin' });
  } catch (err) {
    if (err?.name === 'AbortError') throw err;
    throw new ApiError(`Cannot reach Code Proxy (${err?.message ?? err})`, 0);
  }
  if (res.status === 401) {
    const e = await errorFrom(res);
    session.unauthorized(e.message);
    throw e;
  }
  if (!res.ok) throw await errorFrom(res);
  return res;
}

/**
 * Sends a request and returns the parsed JSON body (null for an empty body). A 401 also flips
 * the session to "login required", whoever asked.
 * @param {string} path absolute path, e.g. "/_/api/status"
 * @param {{method?: string, body?: any, text?: string, query?: Record<string, any>, signal?: AbortSignal}} [opts]
 */
export async function request(path, opts = {}) {
  const { method = 'GET', body, text, query, signal } = opts;
  let url = path;
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    }
    const s = q.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const headers = { accept: 'application/json' };
  let payload;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  } else if (text !== undefined) {
    headers['content-type'] = 'application/json';
    payload = text;
  }
  const res = await send(url, { method, headers, body: payload, signal });
  session.authorized();
  const t = await res.text();
  if (!t) return null;
  try {
    return JSON.parse(t);
  } catch {
    throw new ApiError(`Code Proxy sent a response that is not JSON (${path})`, res.status);
  }
}

/**
 * POSTs to a path that answers one JSON object per line (application/x-ndjson) and hands each
 * to `online` as it arrives. Failures go through the same errors as `request`.
 * @param {string} path
 * @param {(obj: any) => void} online
 */
export async function streamLines(path, online) {
  const res = await send(path, { method: 'POST', headers: { accept: 'application/x-ndjson' } });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buf += decoder.decode(value, { stream: true });
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) online(JSON.parse(line));
    }
    if (done) break;
  }
  if (buf.trim()) online(JSON.parse(buf.trim()));
}

/**
 * The central error handler. Shows a 401 as the login screen (already done by `request`), field
 * errors at their fields (through `setFields`, when the caller has a form), the rest as a toast.
 * Returns the field errors it handed over (empty when none).
 * @param {unknown} err
 * @param {{setFields?: (fields: Record<string,string>) => void, context?: string, quiet?: boolean}} [opts]
 */
export function handleError(err, opts = {}) {
  if (err?.name === 'AbortError') return {};
  const e = err instanceof ApiError ? err : new ApiError(String(err?.message ?? err), 0);
  if (e.status === 401) return {};
  if (e.hasFields && opts.setFields) {
    opts.setFields(e.fields);
    toasts.error(opts.context ? `${opts.context}: fix the highlighted fields` : 'Fix the highlighted fields');
    return e.fields;
  }
  if (!opts.quiet) toasts.error(opts.context ? `${opts.context}: ${e.message}` : e.message);
  return {};
}

const enc = encodeURIComponent;

/** Every resource of the admin API, named as the server names them. */
export const api = {
  status: () => request(`${API}/status`),

  endpoints: () => request(`${API}/endpoints`),
  createEndpoint: (body) => request(`${API}/endpoints`, { method: 'POST', body }),
  updateEndpoint: (id, body) => request(`${API}/endpoints/${enc(id)}`, { method: 'PUT', body }),
  deleteEndpoint: (id) => request(`${API}/endpoints/${enc(id)}`, { method: 'DELETE' }),
  reorderEndpoints: (ids) => request(`${API}/endpoints/reorder`, { method: 'POST', body: { ids } }),
  enableEndpoint: (id, on) =>
    request(`${API}/endpoints/${enc(id)}/${on ? 'enable' : 'disable'}`, { method: 'POST' }),
  resetEndpoint: (id) => request(`${API}/endpoints/${enc(id)}/reset`, { method: 'POST' }),
  testEndpoint: (id) => request(`${API}/endpoints/${enc(id)}/test`, { method: 'POST' }),
  doctorEndpoint: (id) => request(`${API}/endpoints/${enc(id)}/doctor`, { method: 'POST' }),
  selftest: (oncheck) => streamLines(`${API}/selftest`, oncheck),

  settings: () => request(`${API}/settings`),
  saveSettings: (changes) => request(`${API}/settings`, { method: 'PUT', body: changes }),

  logs: (query, signal) => request(`${API}/logs`, { query, signal }),
  log: (id, signal) => request(`${API}/logs/${enc(id)}`, { signal }),
  /** The stored request body byte for byte, as a download link. */
  logRequestBodyUrl: (id) => `${API}/logs/${enc(id)}/request-body`,
  logHealth: (signal) => request(`${API}/log-health`, { signal }),

  summary: (range) => request(`${API}/stats/summary`, { query: { range } }),
  series: (range, by) => request(`${API}/stats/series`, { query: { range, by } }),
  models: (range) => request(`${API}/stats/models`, { query: { range } }),
  endpointStats: (range) => request(`${API}/stats/endpoints`, { query: { range } }),
  heatmap: (year) => request(`${API}/stats/heatmap`, { query: { year } }),

  pricing: () => request(`${API}/pricing`),
  savePriceOverrides: (overrides) =>
    request(`${API}/pricing/overrides`, { method: 'PUT', body: { overrides } }),
  resetPrices: () => request(`${API}/pricing/reset`, { method: 'POST' }),

  importConfig: (text, mode, dryRun) =>
    request(`${API}/import`, { method: 'POST', text, query: { mode, dryRun } }),
  exportUrl: (secrets) => `${API}/export${secrets ? '?secrets=true' : ''}`,

  claude: () => request(`${API}/claude`),
  claudeApply: () => request(`${API}/claude/apply`, { method: 'POST' }),
  claudeRestore: () => request(`${API}/claude/restore`, { method: 'POST' }),

  tokens: () => request(`${API}/tokens`),
  createToken: (name, limits = {}) => request(`${API}/tokens`, { method: 'POST', body: { name, ...limits } }),
  updateToken: (id, limits) => request(`${API}/tokens/${enc(id)}`, { method: 'PUT', body: limits }),
  revokeToken: (id) => request(`${API}/tokens/${enc(id)}`, { method: 'DELETE' }),

  routes: () => request(`${API}/routes`),
  saveRoutes: (routes) => request(`${API}/routes`, { method: 'PUT', body: { routes } }),
  testRoute: (body, routes, agentHeader) =>
    request(`${API}/routes/test`, { method: 'POST', body: { body, routes, agentHeader } }),
  routeStats: (range) => request(`${API}/stats/routes`, { query: { range } }),

  logout: () => request('/_/logout', { method: 'POST' }),
  sessions: () => request(`${API}/sessions`),
  endSession: (handle) => request(`${API}/sessions/${enc(handle)}`, { method: 'DELETE' }),
  endAllSessions: () => request(`${API}/sessions/revoke-all`, { method: 'POST' }),
  rotateAdminToken: () => request(`${API}/admin-token/rotate`, { method: 'POST' }),

  years: () => request(`${API}/stats/years`),
  usageSessions: (limit, signal) => request(`${API}/usage/sessions`, { query: { limit }, signal }),
  usageSession: (id, signal) => request(`${API}/usage/sessions/${enc(id)}`, { signal }),
};
