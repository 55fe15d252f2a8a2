// What the dashboard shows, fetched from /_/api/stats and kept fresh: refetched (quietly, at
// most every 1.5 s) when requests complete, and whenever the live channel says data is stale.
import { api } from '../../lib/api.js';
import { resource } from '../../lib/resource.svelte.js';

export function createDashboard() {
  let range = $state('today'); // for cost by model and endpoint latency
  let span = $state('24h'); // for the charts: 24h by hour, 30d by day
  let year = $state(''); // heatmap: '' = the last 12 months

  const summary = resource(() => api.summary('today'));
  // the calendar month so far, and the years that hold data: both answered by the API
  const month = resource(() => api.summary('month'));
  const years = resource(() => api.years());
  // the rolling 24 hours by hour, the current hour last
  const hourly = resource(() => api.series('24h', 'hour'));
  const daily = resource(() => api.series('30d', 'day'));
  const models = resource(() => api.models(range));
  const endpoints = resource(() => api.endpointStats(range));
  const routes = resource(() => api.routeStats(range));
  const heatmap = resource(() => api.heatmap(year || undefined));

  const all = [summary, month, years, hourly, daily, models, endpoints, heatmap, routes];
  let timer = 0;

  return {
    summary,
    month,
    years,
    hourly,
    daily,
    models,
    endpoints,
    routes,
    heatmap,
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
