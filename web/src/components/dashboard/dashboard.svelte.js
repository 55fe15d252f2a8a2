// What the dashboard shows, fetched from /_/api/stats and kept fresh: refetched (quietly, at
// most every 1.5 s) when requests complete, and whenever the live channel says data is stale.
import { api } from '../../lib/api.js';
import { resource } from '../../lib/resource.svelte.js';

export function createDashboard() {
  let range = $state('today'); // for cost by model and endpoint latency
  let span = $state('24h'); // for the charts: 24h by hour, 30d by day
  let year = $state(''); // heatmap: '' = the last 12 months

  const summary = resource(() => api.summary('today'));
  const allTime = resource(() => api.summary('all'));
  // 7 days by hour, of which the charts show the last 24 hours
  const hourly = resource(() => api.series('7d', 'hour'));
  const daily = resource(() => api.series('30d', 'day'));
  const models = resource(() => api.models(range));
  const endpoints = resource(() => api.endpointStats(range));
  const routes = resource(() => api.routeStats(range));
  const heatmap = resource(() => api.heatmap(year || undefined));
  // the last 365 days, for "cost this month" (there is no month range in the API)
  const lastYear = resource(() => api.heatmap(undefined));

  const all = [summary, allTime, hourly, daily, models, endpoints, heatmap, lastYear, routes];
  let timer = 0;

  return {
    summary,
    allTime,
    hourly,
    daily,
    models,
    endpoints,
    routes,
    heatmap,
    lastYear,
    get range() {
      return range;
    },
    setRange(r) {
      range = r;
      models.load();
      endpoints.load();
      routes.load();
    },
    get span() {
      return span;
    },
    setSpan(s) {
      span = s;
    },
    get year() {
      return year;
    },
    setYear(y) {
      year = y;
      heatmap.load();
    },
    loadAll() {
      for (const r of all) r.load();
    },
    /** Quiet refetch of everything a finished request changes; bursts collapse into one. */
    refreshSoon() {
      clearTimeout(timer);
      timer = setTimeout(() => {
        for (const r of all) r.refresh();
      }, 1500);
    },
    refreshAll() {
      for (const r of all) r.refresh();
    },
    dispose() {
      clearTimeout(timer);
    },
  };
}
