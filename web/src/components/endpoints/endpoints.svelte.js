// The endpoint list with its actions. Order, enable and delete update the list at once and put
// it back if the server refuses; live state (breakers) comes from the live channel.
import { api, handleError } from '../../lib/api.js';
import { resource } from '../../lib/resource.svelte.js';
import { toasts } from '../../lib/toasts.svelte.js';

export function createEndpoints() {
  const list = resource(() => api.endpoints());
  /** @type {Record<number, {running: boolean, result?: any}>} */
  let tests = $state({});
  let busy = $state(false);

  const items = () => list.data?.endpoints ?? [];

  async function reorder(ids) {
    const before = list.data;
    const byId = new Map(items().map((e) => [e.id, e]));
    list.data = { endpoints: ids.map((id) => byId.get(id)) };
    busy = true;
    try {
      list.data = await api.reorderEndpoints(ids);
    } catch (err) {
      list.data = before;
      handleError(err, { context: 'Order not saved' });
    } finally {
      busy = false;
    }
  }

  function move(id, delta) {
    const ids = items().map((e) => e.id);
    const i = ids.indexOf(id);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    return reorder(ids);
  }

  function moveTo(id, index) {
    const ids = items().map((e) => e.id);
    const i = ids.indexOf(id);
    if (i < 0 || i === index) return;
    ids.splice(i, 1);
    ids.splice(Math.min(index, ids.length), 0, id);
    return reorder(ids);
  }

  async function setEnabled(e, on) {
    const was = e.enabled;
    e.enabled = on;
    try {
      const v = await api.enableEndpoint(e.id, on);
      Object.assign(e, v);
      toasts.ok(`${e.name} ${on ? 'enabled' : 'disabled'}`);
    } catch (err) {
      e.enabled = was;
      handleError(err, { context: `${e.name} not ${on ? 'enabled' : 'disabled'}` });
    }
  }

  async function remove(e) {
    try {
      await api.deleteEndpoint(e.id);
      toasts.ok(`${e.name} deleted`);
      await list.refresh();
    } catch (err) {
      handleError(err, { context: `${e.name} not deleted` });
    }
  }

  // The test request, then the doctor's checks of the endpoint (DNS, TCP, TLS, key, models, headers).
  async function test(e) {
    tests[e.id] = { running: true };
    let result;
    try {
      result = await api.testEndpoint(e.id);
    } catch (err) {
      result = { ok: false, status: err.status ?? 0, error: err.message };
    }
    tests[e.id] = { running: false, result, checking: true };
    try {
      const d = await api.doctorEndpoint(e.id);
      tests[e.id] = { running: false, result, checks: d.checks };
    } catch (err) {
      tests[e.id] = { running: false, result, checks: [{ name: 'doctor', ok: false, detail: err.message, hint: null }] };
    }
  }

  async function reset(e) {
    try {
      Object.assign(e, await api.resetEndpoint(e.id));
      toasts.ok(`${e.name}: breaker reset`);
    } catch (err) {
      handleError(err, { context: 'Breaker not reset' });
    }
  }

  return {
    list,
    get tests() {
      return tests;
    },
    get busy() {
      return busy;
    },
    move,
    moveTo,
    setEnabled,
    remove,
    test,
    reset,
  };
}
