// The route table: hash path → page. The live pages load with the app; the pages people open
// now and then (endpoints, settings) load on first visit.
import PageDashboard from './components/dashboard/PageDashboard.svelte';
import PageLogs from './components/logs/PageLogs.svelte';

export const routes = [
  { path: '/', title: 'Dashboard', icon: 'dashboard', component: PageDashboard },
  {
    path: '/endpoints',
    title: 'Endpoints',
    icon: 'endpoints',
    load: () => import('./components/endpoints/PageEndpoints.svelte'),
  },
  { path: '/logs', title: 'Logs', icon: 'logs', component: PageLogs },
  {
    path: '/settings',
    title: 'Settings',
    icon: 'settings',
    load: () => import('./components/settings/PageSettings.svelte'),
  },
  {
    path: '/sessions',
    title: 'Sessions',
    icon: 'sessions',
    load: () => import('./components/sessions/PageSessions.svelte'),
  },
];

/** The route of a path; unknown paths get null (the app shows "not found"). */
export function findRoute(path) {
  return routes.find((r) => r.path === path) ?? null;
}
