// The dashboard's feed: log entries fetched, then the entries of `completed` live messages, one
// record shape for both.
import { describe, expect, it, vi } from 'vitest';
import { createFeed } from './feed.svelte.js';

const entry = (id, more = {}) => ({ id, startedAt: 1000 + id, path: '/v1/messages', status: 200, detailsKept: true, ...more });

function fakeLogs(entries) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => new Response(JSON.stringify({ entries, nextBefore: null }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    })),
  );
}

describe('feed', () => {
  it('puts a live entry above the fetched ones, as it came, once', async () => {
    fakeLogs([entry(2), entry(1)]);
    const feed = createFeed();
    await feed.load();
    const live = entry(3, { query: 'beta=true', outcome: 'success' });
    feed.completed(live);
    feed.completed(entry(3));
    expect(feed.items.map((e) => e.id)).toEqual([3, 2, 1]);
    expect(feed.items[0]).toEqual(live);
  });

  it('keeps live entries that arrived while the log loaded', async () => {
    fakeLogs([entry(1)]);
    const feed = createFeed();
    const loading = feed.load();
    feed.completed(entry(2));
    await loading;
    expect(feed.items.map((e) => e.id)).toEqual([2, 1]);
  });
});
