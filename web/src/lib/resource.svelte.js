// Fetched data with its loading and error state, refetched on demand. Pages keep one per
// request they show, so each box can say "loading", "failed: why" or "nothing yet" on its own.

/**
 * @template T
 * @param {(signal: AbortSignal) => Promise<T>} fetcher
 */
export function resource(fetcher) {
  let data = $state(/** @type {T | null} */ (null));
  let loading = $state(true);
  let error = $state(/** @type {string | null} */ (null));
  let controller = null;

  async function load({ silent = false } = {}) {
    controller?.abort();
    const c = new AbortController();
    controller = c;
    if (!silent) loading = true;
    try {
      const value = await fetcher(c.signal);
      if (c.signal.aborted) return;
      data = value;
      error = null;
    } catch (err) {
      if (c.signal.aborted || err?.name === 'AbortError') return;
      error = err?.message ?? String(err);
    } finally {
      if (controller === c) loading = false;
    }
  }

  return {
    get data() {
      return data;
    },
    set data(v) {
      data = v;
    },
    get loading() {
      return loading;
    },
    get error() {
      return error;
    },
    load,
    /** Refetch without blanking what is shown (live updates). */
    refresh: () => load({ silent: true }),
  };
}
