// GET /_/api/status as shared state: version and address for the sidebar, the auth check at start.
import { api } from './api.js';

function createStatus() {
  let data = $state(/** @type {any} */ (null));
  let loadedAt = $state(0);
  return {
    get data() {
      return data;
    },
    /** When `data` was fetched (client clock), for the uptime estimate. */
    get loadedAt() {
      return loadedAt;
    },
    async load() {
      try {
        data = await api.status();
        loadedAt = Date.now();
      } catch {
        // the login screen or the connection badge says what is wrong
      }
    },
  };
}

export const status = createStatus();
