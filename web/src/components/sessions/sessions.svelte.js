// The Sessions page's state: the newest Claude Code sessions from /_/api/usage/sessions, refetched
// quietly (at most once a second) while requests complete, so active sessions count up live.
import { api } from '../../lib/api.js';
import { resource } from '../../lib/resource.svelte.js';

export function createSessions() {
  const list = resource((signal) => api.usageSessions(200, signal));
  let timer = 0;

  const totals = $derived.by(() => {
    const all = list.data?.sessions ?? [];
    const sum = (f) => all.reduce((a, s) => a + f(s), 0);
    return {
      count: all.length,
      active: all.filter((s) => s.active).length,
      cost: sum((s) => s.costMicros),
      failoverCost: sum((s) => s.failoverCostMicros),
      failoverTokens: sum((s) => s.failoverCacheWriteTokens),
      switches: sum((s) => s.endpointSwitches),
    };
  });

  return {
    list,
    get totals() {
      return totals;
    },
    /** A request finished: refetch soon (bursts collapse into one). */
    refreshSoon() {
      clearTimeout(timer);
      timer = setTimeout(() => list.refresh(), 1000);
    },
    dispose() {
      clearTimeout(timer);
    },
  };
}

/** Cache reads ÷ all input of a session's tokens. */
export function cacheHit(t) {
  const all = t.input + t.cacheWrite5m + t.cacheWrite1h + t.cacheRead;
  return all ? t.cacheRead / all : null;
}

/** The last path segment of a project directory, for narrow cells ("/home/ann/app" → "app"). */
export function projectName(path) {
  if (!path) return '—';
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts.length ? parts[parts.length - 1] : path;
}
