// The dashboard's live feed: the latest finished requests (seeded from the log, then pushed by
// the live channel); requests in flight come from live.inFlight.
import { api } from '../../lib/api.js';

const KEEP = 30;

export function createFeed() {
  let items = $state(/** @type {any[]} */ ([]));
  let loading = $state(true);
  let error = $state(/** @type {string | null} */ (null));

  async function load() {
    try {
      const page = await api.logs({ limit: 15 });
      // keep live ones that arrived while the page loaded
      const ids = new Set(page.entries.map((e) => e.id));
      items = [...items.filter((e) => !ids.has(e.id)), ...page.entries]
        .sort((a, b) => b.id - a.id)
        .slice(0, KEEP);
      error = null;
    } catch (err) {
      error = err?.message ?? String(err);
    } finally {
      loading = false;
    }
  }

  /** The entry of a `completed` live message: the same record as a log entry. */
  function completed(entry) {
    if (items.some((e) => e.id === entry.id)) return;
    items.unshift(entry);
    if (items.length > KEEP) items.splice(KEEP);
  }

  return {
    get items() {
      return items;
    },
    get loading() {
      return loading;
    },
    get error() {
      return error;
    },
    load,
    completed,
  };
}
