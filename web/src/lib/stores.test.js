// The small rune stores: toasts, session, resource and the hash router.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toasts } from './toasts.svelte.js';
import { session } from './session.svelte.js';
import { resource } from './resource.svelte.js';

describe('toasts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    for (const t of [...toasts.list]) toasts.dismiss(t.id);
    vi.useRealTimers();
  });

  it('shows a notice for a while by kind: errors longest', () => {
    toasts.ok('saved');
    toasts.info('moving');
    toasts.error('failed');
    expect(toasts.list.map((t) => t.kind)).toEqual(['ok', 'info', 'error']);
    vi.advanceTimersByTime(3500);
    expect(toasts.list.map((t) => t.text)).toEqual(['moving', 'failed']);
    vi.advanceTimersByTime(1000);
    expect(toasts.list.map((t) => t.text)).toEqual(['failed']);
    vi.advanceTimersByTime(2499);
    expect(toasts.list.map((t) => t.text)).toEqual(['failed']);
    vi.advanceTimersByTime(1);
    expect(toasts.list).toEqual([]);
  });

  it('shows the same text of the same kind once', () => {
    toasts.error('retrying');
    toasts.error('retrying');
    toasts.info('retrying');
    expect(toasts.list.map((t) => `${t.kind} ${t.text}`)).toEqual(['error retrying', 'info retrying']);
  });

  it('keeps the newest four', () => {
    for (const n of [1, 2, 3, 4, 5, 6]) toasts.info(`n${n}`);
    expect(toasts.list.map((t) => t.text)).toEqual(['n3', 'n4', 'n5', 'n6']);
  });

  it('dismisses one by id, and only that one', () => {
    toasts.ok('a');
    toasts.ok('b');
    const [a, b] = toasts.list;
    expect(a.id).not.toBe(b.id);
    toasts.dismiss(a.id);
    expect(toasts.list.map((t) => t.text)).toEqual(['b']);
    toasts.dismiss(a.id);
    expect(toasts.list.map((t) => t.text)).toEqual(['b']);
  });
});

describe('session', () => {
  it('flips to login required with the reason, and back', () => {
    session.authorized();
    expect(session.loginRequired).toBe(false);
    session.unauthorized('token rotated');
    expect(session.loginRequired).toBe(true);
    expect(session.message).toBe('token rotated');
    session.authorized();
    expect(session.loginRequired).toBe(false);
  });
});

/** A promise with its resolve and reject at hand. */
function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

describe('resource', () => {
  it('is loading until the first answer, then holds the data', async () => {
    const d = deferred();
    const r = resource(() => d.promise);
    expect(r.loading).toBe(true);
    expect(r.data).toBeNull();
    const done = r.load();
    expect(r.loading).toBe(true);
    d.resolve({ n: 1 });
    await done;
    expect(r).toMatchObject({ loading: false, data: { n: 1 }, error: null });
  });

  it('keeps the last data and says why a load failed; a later success clears the error', async () => {
    let next = () => Promise.resolve('first');
    const r = resource(() => next());
    await r.load();
    next = () => Promise.reject(new Error('503 busy'));
    await r.load();
    expect(r).toMatchObject({ loading: false, data: 'first', error: '503 busy' });
    next = () => Promise.resolve('second');
    await r.load();
    expect(r).toMatchObject({ data: 'second', error: null });
  });

  it('refresh does not blank what is shown', async () => {
    const gates = [deferred(), deferred()];
    let i = 0;
    const r = resource(() => gates[i++].promise);
    const first = r.load();
    gates[0].resolve('a');
    await first;
    const again = r.refresh();
    expect(r.loading).toBe(false);
    gates[1].resolve('b');
    await again;
    expect(r.data).toBe('b');
  });

  it('aborts an older load when a newer one starts, and keeps the newer answer', async () => {
    const calls = [];
    const r = resource((signal) => {
      const d = deferred();
      calls.push({ signal, d });
      return d.promise;
    });
    const older = r.load();
    const newer = r.load();
    expect(calls[0].signal.aborted).toBe(true);
    expect(calls[1].signal.aborted).toBe(false);
    // the older answer comes first: ignored, and the newer load is still under way
    calls[0].d.resolve('old');
    await older;
    expect(r).toMatchObject({ data: null, loading: true });
    calls[1].d.resolve('new');
    await newer;
    expect(r).toMatchObject({ data: 'new', loading: false, error: null });
  });

  it('ignores a failure of a load it aborted', async () => {
    const calls = [];
    const r = resource(() => {
      const d = deferred();
      calls.push(d);
      return d.promise;
    });
    const older = r.load();
    const newer = r.load();
    calls[0].reject(new Error('late failure'));
    await older;
    expect(r).toMatchObject({ error: null, loading: true });
    calls[1].resolve('ok');
    await newer;
    expect(r).toMatchObject({ data: 'ok', error: null });
  });

  it('ignores an abort error', async () => {
    const r = resource(() => Promise.reject(new DOMException('aborted', 'AbortError')));
    await r.load();
    expect(r.error).toBeNull();
  });

  it('lets a page set the data it has (a live update)', async () => {
    const r = resource(() => Promise.resolve([1]));
    await r.load();
    r.data = [1, 2];
    expect(r.data).toEqual([1, 2]);
  });
});

describe('router', () => {
  /** A browser's location, history and hashchange event, enough for the router. */
  function fakeBrowser(hash) {
    const listeners = [];
    const location = {
      _hash: hash,
      get hash() {
        return this._hash;
      },
      set hash(v) {
        this._hash = v.startsWith('#') ? v : `#${v}`;
        for (const fn of listeners) fn();
      },
    };
    const history = {
      state: null,
      replaceState: vi.fn((_state, _title, url) => {
        location._hash = url;
      }),
    };
    vi.stubGlobal('location', location);
    vi.stubGlobal('history', history);
    vi.stubGlobal('window', { addEventListener: (type, fn) => type === 'hashchange' && listeners.push(fn) });
    return { location, history };
  }

  async function freshRouter(hash) {
    vi.resetModules();
    const b = fakeBrowser(hash);
    const { router } = await import('./router.svelte.js');
    return { router, ...b };
  }

  it('reads the path and query from the hash', async () => {
    const { router } = await freshRouter('#/logs?status=5xx&id=42');
    expect(router.path).toBe('/logs');
    expect(router.query).toEqual({ status: '5xx', id: '42' });
  });

  it('starts at / without a hash', async () => {
    const { router } = await freshRouter('');
    expect(router.path).toBe('/');
    expect(router.query).toEqual({});
  });

  it('goes to a page through the hash, leaving out empty values', async () => {
    const { router, location, history } = await freshRouter('#/');
    router.go('/logs', { status: '4xx', q: '', id: null, page: undefined, n: 0 });
    expect(location.hash).toBe('#/logs?status=4xx&n=0');
    expect(history.replaceState).not.toHaveBeenCalled();
    expect(router.path).toBe('/logs');
    expect(router.query).toEqual({ status: '4xx', n: '0' });
  });

  it('replaces the history entry when asked', async () => {
    const { router, history } = await freshRouter('#/logs?id=1');
    router.go('/logs', {}, { replace: true });
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '#/logs');
    expect(router.path).toBe('/logs');
    expect(router.query).toEqual({});
  });

  it('does nothing when already there', async () => {
    const { router, location, history } = await freshRouter('#/endpoints?edit=new');
    const set = vi.spyOn(location, 'hash', 'set');
    router.go('/endpoints', { edit: 'new' });
    router.go('/endpoints', { edit: 'new' }, { replace: true });
    expect(set).not.toHaveBeenCalled();
    expect(history.replaceState).not.toHaveBeenCalled();
  });

  it('builds links', async () => {
    const { router } = await freshRouter('#/');
    expect(router.href('/logs', { id: 7, q: 'a b' })).toBe('#/logs?id=7&q=a+b');
    expect(router.href('/settings')).toBe('#/settings');
  });
});
