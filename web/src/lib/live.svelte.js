// The live channel (/_/ws) as reactive state: requests in flight, endpoint states, today's
// summary, and a fan-out of every message to the pages that listen. Reconnects by itself with
// backoff; after a reconnect or a {"type":"resync"} the data pages hold may be stale, so
// `generation` goes up and they refetch.
import { api } from './api.js';
import { session } from './session.svelte.js';

/** Waits between reconnects (ms); the last one repeats. A little jitter is added. */
const BACKOFF = [500, 1000, 2000, 4000, 8000, 15000, 30000];
/** Any message counts as activity; the server closes sockets that stay silent too long. */
const PING_MS = 30_000;

function createLive() {
  /** @type {'connecting' | 'open' | 'offline'} */
  let status = $state('connecting');
  /** @type {any[]} requests being served, oldest first */
  let inFlight = $state([]);
  /** @type {any[]} every endpoint's state, in priority order */
  let endpoints = $state([]);
  /** @type {any} today's summary (SummaryView), null until the server sends one */
  let today = $state(null);
  /** Goes up whenever fetched data may be stale (reconnect, resync). */
  let generation = $state(0);
  let skew = 0;

  /** @type {Set<(msg: any) => void>} */
  const listeners = new Set();
  /** request id → when its `completed` message arrived (client clock), the latest few hundred */
  const completedAt = new Map();
  /** @type {WebSocket | null} */
  let ws = null;
  let attempt = 0;
  let everOpened = false;
  let retryTimer = 0;
  let pingTimer = 0;
  let started = false;

  function url() {
    const u = new URL('/_/ws', location.href);
    u.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return u.toString();
  }

  function connect() {
    clearTimeout(retryTimer);
    if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) return;
    status = 'connecting';
    let socket;
    try {
      socket = new WebSocket(url());
    } catch {
      scheduleRetry();
      return;
    }
    ws = socket;
    socket.onopen = () => {
      attempt = 0;
      status = 'open';
      // a reconnect missed whatever happened meanwhile
      if (everOpened) generation++;
      everOpened = true;
      clearInterval(pingTimer);
      pingTimer = setInterval(() => {
        if (socket.readyState === WebSocket.OPEN) socket.send('ping');
      }, PING_MS);
    };
    socket.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      handle(msg);
    };
    socket.onclose = () => {
      clearInterval(pingTimer);
      if (ws !== socket) return;
      ws = null;
      status = 'offline';
      scheduleRetry();
    };
    // onerror is always followed by onclose
    socket.onerror = () => {};
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    const base = BACKOFF[Math.min(attempt, BACKOFF.length - 1)];
    attempt++;
    const wait = base + Math.floor(Math.random() * base * 0.3);
    retryTimer = setTimeout(async () => {
      // the upgrade is refused without a session: ask the API, which shows the login screen on 401
      if (attempt > 1 || session.loginRequired) {
        try {
          await api.status();
        } catch {
          // unreachable or logged out: try again later
          if (session.loginRequired) {
            scheduleRetry();
            return;
          }
        }
      }
      connect();
    }, wait);
  }

  function upsertInFlight(id, patch) {
    const i = inFlight.findIndex((r) => r.id === id);
    if (i >= 0) Object.assign(inFlight[i], patch);
  }

  function handle(msg) {
    switch (msg.type) {
      case 'snapshot':
        inFlight = msg.inFlight ?? [];
        endpoints = msg.endpoints ?? [];
        if (msg.today) today = msg.today;
        skew = (msg.serverTime ?? Date.now()) - Date.now();
        break;
      case 'request_started':
        if (!inFlight.some((r) => r.id === msg.id)) {
          inFlight.push({
            id: msg.id,
            startedAt: msg.startedAt,
            method: msg.method,
            path: msg.path,
            model: msg.model,
            stream: msg.stream,
            state: 'waiting',
            endpoint: null,
            attempts: 0,
          });
        }
        break;
      case 'attempt_failed':
        upsertInFlight(msg.id, { state: 'retrying', endpoint: msg.endpoint, attempts: msg.attempt });
        break;
      case 'committed':
        upsertInFlight(msg.id, { state: 'streaming', endpoint: msg.endpoint, attempts: msg.attempts });
        break;
      case 'completed': {
        const id = msg.entry.id;
        const i = inFlight.findIndex((r) => r.id === id);
        if (i >= 0) inFlight.splice(i, 1);
        completedAt.set(id, Date.now());
        if (completedAt.size > 500) completedAt.delete(completedAt.keys().next().value);
        break;
      }
      case 'endpoint_state': {
        const e = endpoints.find((x) => x.id === msg.id);
        if (e) {
          e.state = msg.state;
          e.until = msg.until;
        }
        break;
      }
      case 'endpoints':
        endpoints = msg.endpoints ?? [];
        break;
      case 'stats':
        if (msg.today) today = msg.today;
        skew = (msg.serverTime ?? Date.now()) - Date.now();
        break;
      case 'resync':
        // the server dropped messages for us; a snapshot follows, and fetched data is stale
        generation++;
        break;
      default:
        break;
    }
    for (const fn of listeners) {
      try {
        fn(msg);
      } catch (err) {
        console.warn('live listener failed', err);
      }
    }
  }

  return {
    get status() {
      return status;
    },
    get inFlight() {
      return inFlight;
    },
    get endpoints() {
      return endpoints;
    },
    get today() {
      return today;
    },
    get generation() {
      return generation;
    },
    /** The server's clock now (ms), as far as the last snapshot or stats message tells. */
    serverNow() {
      return Date.now() + skew;
    },
    /** Milliseconds since request `id` completed, as told by the live channel; null when unknown. */
    sinceCompleted(id) {
      const t = completedAt.get(Number(id));
      return t === undefined ? null : Date.now() - t;
    },
    /** Server clock minus this browser's clock (ms). */
    get skew() {
      return skew;
    },
    start() {
      if (started) return;
      started = true;
      connect();
      window.addEventListener('online', () => {
        attempt = 0;
        connect();
      });
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible' && !ws) {
          attempt = 0;
          connect();
        }
      });
    },
    /** Calls `fn` with every message; returns the unsubscribe function (fits `$effect`). */
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** Marks fetched data stale, as a resync does (used after the session came back). */
    refresh() {
      generation++;
    },
  };
}

export const live = createLive();
