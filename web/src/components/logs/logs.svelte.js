// The request log as the Logs page shows it: filters (mirrored in the URL), cursor paging, and
// requests that finish while the first page is open added at the top, live.
import { api } from '../../lib/api.js';

export const EMPTY_FILTERS = { status: '', outcome: '', endpoint: '', model: '', stream: '', from: '', to: '', q: '', route: '' };
export const PAGE_SIZE = 50;

/** The day after "YYYY-MM-DD": the API's `to` is exclusive, the date field means "up to and including". */
function nextDay(day) {
  const [y, m, d] = day.split('-').map(Number);
  const n = new Date(y, m - 1, d + 1);
  return `${n.getFullYear()}-${String(n.getMonth() + 1).padStart(2, '0')}-${String(n.getDate()).padStart(2, '0')}`;
}

function dayStart(day) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d).getTime();
}

export function createLogs() {
  let filters = $state({ ...EMPTY_FILTERS });
  let entries = $state(/** @type {any[]} */ ([]));
  let cursors = $state(/** @type {(number | undefined)[]} */ ([undefined]));
  let nextBefore = $state(/** @type {number | null} */ (null));
  let loading = $state(true);
  let error = $state(/** @type {string | null} */ (null));
  /** @type {Record<string, string>} */
  let fieldErrors = $state({});
  let fresh = $state(/** @type {Set<number>} */ (new Set()));
  let controller = null;

  function query(before) {
    const f = filters;
    return {
      status: f.status,
      outcome: f.outcome,
      endpoint: f.endpoint,
      model: f.model.trim(),
      stream: f.stream,
      from: f.from,
      to: f.to ? nextDay(f.to) : '',
      q: f.q.trim(),
      route: f.route,
      before,
      limit: PAGE_SIZE,
    };
  }

  async function fetchPage(before, { silent = false } = {}) {
    controller?.abort();
    const c = new AbortController();
    controller = c;
    if (!silent) loading = true;
    try {
      const page = await api.logs(query(before), c.signal);
      if (c.signal.aborted) return;
      entries = page.entries;
      nextBefore = page.nextBefore;
      error = null;
      fieldErrors = {};
    } catch (err) {
      if (c.signal.aborted || err?.name === 'AbortError') return;
      error = err?.message ?? String(err);
      fieldErrors = err?.fields ?? {};
    } finally {
      if (controller === c) loading = false;
    }
  }

  /** Whether a finished request (the entry of a `completed` live message) belongs in the current filter. */
  function matches(m) {
    const f = filters;
    if (f.status && Math.floor(m.status / 100) !== Number(f.status[0])) return false;
    if (f.outcome && m.outcome !== f.outcome) return false;
    if (f.endpoint && m.endpoint !== f.endpoint) return false;
    if (f.route && m.route !== f.route) return false;
    const model = f.model.trim();
    if (model && m.model !== model && m.sentModel !== model) return false;
    if (f.stream && String(m.stream) !== f.stream) return false;
    if (f.from && m.startedAt < dayStart(f.from)) return false;
    if (f.to && m.startedAt >= dayStart(nextDay(f.to))) return false;
    const q = f.q.trim().toLowerCase();
    if (q && !(m.path ?? '').toLowerCase().includes(q) && !(m.error ?? '').toLowerCase().includes(q)) return false;
    return true;
  }

  return {
    get filters() {
      return filters;
    },
    get entries() {
      return entries;
    },
    get loading() {
      return loading;
    },
    get error() {
      return error;
    },
    get fieldErrors() {
      return fieldErrors;
    },
    get page() {
      return cursors.length;
    },
    get hasOlder() {
      return nextBefore !== null;
    },
    get firstPage() {
      return cursors.length === 1;
    },
    isFresh: (id) => fresh.has(id),
    /** Replaces the filters and shows the newest page. */
    setFilters(next) {
      filters = { ...EMPTY_FILTERS, ...next };
      cursors = [undefined];
      fetchPage(undefined);
    },
    reload() {
      return fetchPage(cursors[cursors.length - 1]);
    },
    refresh() {
      return fetchPage(cursors[cursors.length - 1], { silent: true });
    },
    older() {
      if (nextBefore === null) return;
      cursors = [...cursors, nextBefore];
      fetchPage(nextBefore);
    },
    newer() {
      if (cursors.length <= 1) return;
      cursors = cursors.slice(0, -1);
      fetchPage(cursors[cursors.length - 1]);
    },
    newest() {
      cursors = [undefined];
      fetchPage(undefined);
    },
    /** The entry of a `completed` live message: shown at the top of the first page when it matches the filters. */
    completed(entry) {
      if (cursors.length !== 1 || loading || !matches(entry)) return;
      if (entries.some((e) => e.id === entry.id)) return;
      entries.unshift(entry);
      if (entries.length > PAGE_SIZE * 2) entries.splice(PAGE_SIZE * 2);
      fresh = new Set([...fresh, entry.id]);
      setTimeout(() => {
        const s = new Set(fresh);
        s.delete(entry.id);
        fresh = s;
      }, 2500);
    },
    /** Whether an in-flight request could end up in the current filter (only the request itself is known). */
    mayMatch(r) {
      const f = filters;
      if (f.status || f.outcome || f.endpoint || f.route) return false;
      const model = f.model.trim();
      if (model && r.model !== model) return false;
      if (f.stream && String(r.stream) !== f.stream) return false;
      if (f.to && r.startedAt >= dayStart(nextDay(f.to))) return false;
      const q = f.q.trim().toLowerCase();
      if (q && !(r.path ?? '').toLowerCase().includes(q)) return false;
      return true;
    },
  };
}
