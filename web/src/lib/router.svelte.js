// Hash routing: "#/logs?id=42" → path "/logs", query {id: "42"}. The route table is routes.js.

function parse() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const path = (q >= 0 ? raw.slice(0, q) : raw) || '/';
  const query = Object.fromEntries(new URLSearchParams(q >= 0 ? raw.slice(q + 1) : ''));
  return { path, query };
}

function createRouter() {
  let current = $state(parse());
  window.addEventListener('hashchange', () => {
    current = parse();
  });
  return {
    get path() {
      return current.path;
    },
    get query() {
      return current.query;
    },
    /**
     * @param {string} path
     * @param {Record<string, any>} [query] empty values are left out
     * @param {{replace?: boolean}} [opts]
     */
    go(path, query = {}, opts = {}) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) {
        if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
      }
      const s = q.toString();
      const hash = `#${path}${s ? `?${s}` : ''}`;
      if (location.hash === hash) return;
      if (opts.replace) {
        history.replaceState(history.state, '', hash);
        current = parse();
      } else {
        location.hash = hash;
      }
    },
    href(path, query = {}) {
      const s = new URLSearchParams(query).toString();
      return `#${path}${s ? `?${s}` : ''}`;
    },
  };
}

export const router = createRouter();
