// Proxy health as reactive state: one check, no polling yet.
import { health } from './api.js';

export function createHealth() {
  let state = $state({ loading: true, status: null, error: null });

  async function check() {
    state.loading = true;
    try {
      const body = await health();
      // Helidon answers 204 (no body) when healthy and details are off, 200 {"status":"UP",...}
      // with details on, and 503 when a check is down (that arrives below as an ApiError).
      state.status = body?.status ?? 'UP';
      state.error = null;
    } catch (err) {
      // A 503 health report still names the status ("DOWN"): show that, not the HTTP line.
      const reported = err.data?.status;
      state.status = reported ?? null;
      state.error = reported ? null : err.message;
    } finally {
      state.loading = false;
    }
  }

  return {
    get loading() {
      return state.loading;
    },
    get status() {
      return state.status;
    },
    get error() {
      return state.error;
    },
    check,
  };
}
