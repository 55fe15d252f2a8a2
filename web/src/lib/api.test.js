import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { API, ApiError, api, handleError, request, streamLines } from './api.js';
import { session } from './session.svelte.js';
import { toasts } from './toasts.svelte.js';

/** A fetch double: answers each call with the next of `responses` and records the calls. */
function fakeFetch(...responses) {
  const f = vi.fn(async () => {
    const r = responses.shift();
    if (r instanceof Error) throw r;
    return typeof r === 'function' ? r() : r;
  });
  vi.stubGlobal('fetch', f);
  return f;
}

const json = (status, body, statusText = '') =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    statusText,
    headers: { 'content-type': 'application/json' },
  });

/** A streamed body that arrives in the given chunks. */
function chunked(status, chunks) {
  const enc = new TextEncoder();
  const body = new ReadableStream({
    start(c) {
      for (const s of chunks) c.enqueue(enc.encode(s));
      c.close();
    },
  });
  return new Response(body, { status, headers: { 'content-type': 'application/x-ndjson' } });
}

beforeEach(() => {
  vi.useFakeTimers();
  session.authorized();
});

afterEach(() => {
  for (const t of [...toasts.list]) toasts.dismiss(t.id);
  vi.useRealTimers();
});

describe('request', () => {
  it('GETs JSON with the session cookie and returns the parsed body', async () => {
    const f = fakeFetch(json(200, { version: '1.2.3' }));
    await expect(request(`${API}/status`)).resolves.toEqual({ version: '1.2.3' });
    expect(f).toHaveBeenCalledTimes(1);
    const [url, init] = f.mock.calls[0];
    expect(url).toBe('/_/api/status');
    expect(init.method).toBe('GET');
    expect(init.credentials).toBe('same-origin');
    expect(init.headers).toEqual({ accept: 'application/json' });
    expect(init.body).toBeUndefined();
  });

  it('puts the query in the URL, leaving out empty values', async () => {
    const f = fakeFetch(json(200, []), json(200, []), json(200, []));
    await request('/_/api/logs', { query: { status: '5xx', q: 'time out', a: '', b: null, c: undefined, n: 0 } });
    expect(f.mock.calls[0][0]).toBe('/_/api/logs?status=5xx&q=time+out&n=0');
    await request('/_/api/logs?x=1', { query: { y: 2 } });
    expect(f.mock.calls[1][0]).toBe('/_/api/logs?x=1&y=2');
    await request('/_/api/logs', { query: { a: '' } });
    expect(f.mock.calls[2][0]).toBe('/_/api/logs');
  });

  it('sends a body as JSON, and text as it is', async () => {
    const f = fakeFetch(json(200, { ok: true }), json(200, { ok: true }));
    await request('/x', { method: 'PUT', body: { name: 'a', n: 1 } });
    expect(f.mock.calls[0][1]).toMatchObject({
      method: 'PUT',
      body: '{"name":"a","n":1}',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
    });
    await request('/x', { method: 'POST', text: '{ "raw" : true }' });
    expect(f.mock.calls[1][1].body).toBe('{ "raw" : true }');
    expect(f.mock.calls[1][1].headers['content-type']).toBe('application/json');
  });

  it('passes the abort signal on, and an abort through untouched', async () => {
    const c = new AbortController();
    const abort = new DOMException('The operation was aborted.', 'AbortError');
    const f = fakeFetch(abort);
    await expect(request('/x', { signal: c.signal })).rejects.toBe(abort);
    expect(f.mock.calls[0][1].signal).toBe(c.signal);
  });

  it('returns null for an empty body', async () => {
    fakeFetch(new Response(null, { status: 204 }), new Response('', { status: 200 }));
    await expect(request('/x', { method: 'DELETE' })).resolves.toBeNull();
    await expect(request('/x')).resolves.toBeNull();
  });

  it('says when an answer is not JSON', async () => {
    fakeFetch(new Response('<html>proxy</html>', { status: 200 }));
    const err = await request('/_/api/status').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe('Code Proxy sent a response that is not JSON (/_/api/status)');
    expect(err.status).toBe(200);
  });

  it('turns an unreachable server into status 0 with the reason', async () => {
    fakeFetch(new TypeError('fetch failed'));
    const err = await request('/x').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(0);
    expect(err.message).toBe('Cannot reach Code Proxy (fetch failed)');
  });

  it('takes the message of an error answer from error, error.message or message', async () => {
    fakeFetch(
      json(400, { error: 'port: must be 1 to 65535', fields: { port: 'must be 1 to 65535' } }),
      json(404, { error: { type: 'not_found_error', message: 'no endpoint 7' } }),
      json(409, { message: 'name taken' }),
      new Response('gateway down', { status: 502, statusText: 'Bad Gateway' }),
    );
    const e1 = await request('/x').catch((e) => e);
    expect(e1).toMatchObject({ name: 'ApiError', status: 400, message: 'port: must be 1 to 65535' });
    expect(e1.fields).toEqual({ port: 'must be 1 to 65535' });
    expect(e1.hasFields).toBe(true);
    const e2 = await request('/x').catch((e) => e);
    expect(e2).toMatchObject({ status: 404, message: 'no endpoint 7', fields: {}, hasFields: false });
    expect(e2.data.error.type).toBe('not_found_error');
    await expect(request('/x')).rejects.toMatchObject({ status: 409, message: 'name taken' });
    await expect(request('/x')).rejects.toMatchObject({ status: 502, message: '502 Bad Gateway', data: undefined });
  });

  it('asks for the login on 401, and any later success ends that', async () => {
    fakeFetch(json(401, { error: 'session expired' }), json(200, {}));
    await expect(request('/x')).rejects.toMatchObject({ status: 401, message: 'session expired' });
    expect(session.loginRequired).toBe(true);
    expect(session.message).toBe('session expired');
    await request('/x');
    expect(session.loginRequired).toBe(false);
  });

  it('keeps the login screen up when another call fails otherwise', async () => {
    fakeFetch(json(401, { error: 'log in' }), json(500, { error: 'boom' }));
    await expect(request('/x')).rejects.toMatchObject({ status: 401 });
    await expect(request('/x')).rejects.toMatchObject({ status: 500 });
    expect(session.loginRequired).toBe(true);
  });
});

describe('streamLines', () => {
  it('hands over each JSON line as it comes, however the chunks cut them', async () => {
    const f = fakeFetch(chunked(200, ['{"name":"a","ok":tr', 'ue}\n\n{"name":"b"', ',"ok":false}\n  \n{"done"', ':true}']));
    const seen = [];
    await streamLines('/_/api/selftest', (o) => seen.push(o));
    expect(seen).toEqual([{ name: 'a', ok: true }, { name: 'b', ok: false }, { done: true }]);
    const [url, init] = f.mock.calls[0];
    expect(url).toBe('/_/api/selftest');
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin', headers: { accept: 'application/x-ndjson' } });
  });

  it('decodes characters split across chunks', async () => {
    const bytes = new TextEncoder().encode('{"t":"ü→✓"}\n');
    const body = new ReadableStream({
      start(c) {
        c.enqueue(bytes.slice(0, 7));
        c.enqueue(bytes.slice(7, 9));
        c.enqueue(bytes.slice(9));
        c.close();
      },
    });
    fakeFetch(new Response(body, { status: 200 }));
    const seen = [];
    await streamLines('/s', (o) => seen.push(o));
    expect(seen).toEqual([{ t: 'ü→✓' }]);
  });

  it('fails like request does', async () => {
    fakeFetch(new TypeError('refused'), json(503, { error: 'busy' }), json(401, { error: 'log in again' }));
    await expect(streamLines('/s', () => {})).rejects.toMatchObject({ status: 0, message: 'Cannot reach Code Proxy (refused)' });
    await expect(streamLines('/s', () => {})).rejects.toMatchObject({ status: 503, message: 'busy' });
    await expect(streamLines('/s', () => {})).rejects.toMatchObject({ status: 401, message: 'log in again' });
    expect(session.loginRequired).toBe(true);
  });
});

describe('handleError', () => {
  const texts = () => toasts.list.map((t) => `${t.kind}: ${t.text}`);

  it('shows an error as a toast, with its context', () => {
    expect(handleError(new ApiError('no endpoint 7', 404), { context: 'Delete' })).toEqual({});
    expect(texts()).toEqual(['error: Delete: no endpoint 7']);
  });

  it('shows any thrown value, not only ApiErrors', () => {
    handleError(new Error('plain'));
    handleError('a string');
    expect(texts()).toEqual(['error: plain', 'error: a string']);
  });

  it('hands field errors to the form and says to fix them', () => {
    const setFields = vi.fn();
    const fields = { port: 'must be 1 to 65535', 'models.main': 'required' };
    const out = handleError(new ApiError('invalid', 400, { fields }), { setFields, context: 'Save' });
    expect(out).toEqual(fields);
    expect(setFields).toHaveBeenCalledWith(fields);
    expect(texts()).toEqual(['error: Save: fix the highlighted fields']);
  });

  it('shows field errors as a toast when there is no form', () => {
    const out = handleError(new ApiError('port: must be 1 to 65535', 400, { fields: { port: 'x' } }));
    expect(out).toEqual({});
    expect(texts()).toEqual(['error: port: must be 1 to 65535']);
  });

  it('says nothing for an abort, a 401 (the login screen says it) or when quiet', () => {
    handleError(new DOMException('aborted', 'AbortError'));
    handleError(new ApiError('log in', 401));
    expect(handleError(new ApiError('gone', 500), { quiet: true })).toEqual({});
    expect(texts()).toEqual([]);
  });

  it('says "Fix the highlighted fields" without a context', () => {
    handleError(new ApiError('bad', 400, { fields: { name: 'taken' } }), { setFields: () => {} });
    expect(texts()).toEqual(['error: Fix the highlighted fields']);
  });
});

describe('api', () => {
  it('names each resource as the server does, ids encoded', async () => {
    const f = fakeFetch(...Array.from({ length: 6 }, () => json(200, {})));
    await api.updateEndpoint('a/b c', { name: 'x' });
    await api.enableEndpoint('e1', false);
    await api.enableEndpoint('e1', true);
    await api.importConfig('{"v":1}', 'merge', true);
    await api.series('7d', 'model');
    await api.endSession('h/1');
    const calls = f.mock.calls.map(([url, init]) => `${init.method} ${url}`);
    expect(calls).toEqual([
      'PUT /_/api/endpoints/a%2Fb%20c',
      'POST /_/api/endpoints/e1/disable',
      'POST /_/api/endpoints/e1/enable',
      'POST /_/api/import?mode=merge&dryRun=true',
      'GET /_/api/stats/series?range=7d&by=model',
      'DELETE /_/api/sessions/h%2F1',
    ]);
    expect(f.mock.calls[0][1].body).toBe('{"name":"x"}');
    expect(f.mock.calls[3][1].body).toBe('{"v":1}');
  });

  it('builds the export link with secrets only when asked', () => {
    expect(api.exportUrl(false)).toBe('/_/api/export');
    expect(api.exportUrl(true)).toBe('/_/api/export?secrets=true');
  });
});
