package dev.codeproxy.proxy;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Ends streams whose upstream went quiet for longer than the idle limit, and requests that may
 * not wait any longer before their commit point. One daemon thread scans every 50 ms; a stream
 * touches its entry on every chunk, which costs one volatile write.
 */
final class IdleWatchdog {
    /**
     * Watches one request until its commit point: when the client goes away
     * ({@link ClientSockets}) or the request deadline passes, the request's thread is
     * interrupted. A virtual thread blocked on a socket read is woken by closing that socket,
     * which cancels the upstream attempt (its headers wait, or the events held before commit).
     * Firing and committing exclude each other.
     */
    static final class Guard {
        private static final int ARMED = 0;
        private static final int COMMITTED = 1;
        private static final int CLIENT_GONE = 2;
        private static final int EXPIRED = 3;
        private final Thread thread;
        private final long deadlineNanos;
        private final ClientSockets.Key client;
        private final long createdNanos = System.nanoTime();
        private boolean seen;
        /** The running attempt's deadline for response headers ({@code headersTimeoutMs}); MAX when none. */
        private long headersDeadline = Long.MAX_VALUE;
        private boolean headersFired;
        private final AtomicInteger state = new AtomicInteger(ARMED);

        private Guard(Thread thread, long deadlineNanos, ClientSockets.Key client) {
            this.thread = thread;
            this.deadlineNanos = deadlineNanos;
            this.client = client;
        }

        /**
         * Called at the commit point, and before the proxy answers by itself: from then on the
         * guard never fires. False when it fired first; the interrupt it sent is then cleared
         * (it is sent under the same lock, so it cannot arrive later and break the answer).
         */
        synchronized boolean commit() {
            if (state.compareAndSet(ARMED, COMMITTED) || state.get() == COMMITTED) {
                return true;
            }
            Thread.interrupted();
            return false;
        }

        /** The attempt about to be sent must have response headers by {@code deadlineNanos}. */
        synchronized void awaitHeaders(long deadlineNanos) {
            headersDeadline = deadlineNanos;
            headersFired = false;
        }

        /**
         * The attempt's wait for headers is over (they arrived, or the send failed). True when
         * the headers deadline fired (the attempt was cancelled for it); its interrupt is cleared.
         */
        synchronized boolean headersDone() {
            headersDeadline = Long.MAX_VALUE;
            boolean fired = headersFired;
            headersFired = false;
            if (fired && state.get() == ARMED) {
                Thread.interrupted();
            }
            return fired;
        }

        boolean clientGone() {
            return state.get() == CLIENT_GONE;
        }

        boolean expired() {
            return state.get() == EXPIRED;
        }

        boolean fired() {
            int s = state.get();
            return s == CLIENT_GONE || s == EXPIRED;
        }

        private synchronized void check(long now, Map<ClientSockets.Key, Integer> sockets) {
            boolean gone = false;
            if (client != null && sockets != null) {
                gone = ClientSockets.gone(sockets, client, seen);
                seen |= ClientSockets.established(sockets, client);
            }
            int why = gone ? CLIENT_GONE : now - deadlineNanos > 0 ? EXPIRED : ARMED;
            if (why != ARMED && state.compareAndSet(ARMED, why)) {
                thread.interrupt();
            } else if (why == ARMED && state.get() == ARMED && !headersFired && now - headersDeadline > 0) {
                // no response headers in time: this attempt is cancelled, the request fails over
                headersFired = true;
                headersDeadline = Long.MAX_VALUE;
                thread.interrupt();
            }
        }
    }

    private final Set<Guard> guards = ConcurrentHashMap.newKeySet();
    /** How often the client sockets are looked at: a client gone is noticed within about this (plus 50 ms). */
    private static final long CLIENT_SCAN_NANOS = 200_000_000L;
    /**
     * The kernel builds the socket tables' text by walking its whole connection hash table: about
     * 10 ms of system time per read here even when nearly empty, and more with thousands of
     * sockets. Scans are spaced to at least this many times the last one's duration (so they take
     * at most about 5 % of a core), up to {@link #MAX_SCAN_NANOS}.
     */
    static final int SCAN_SPACING = 20;
    static final long MAX_SCAN_NANOS = 1_000_000_000L;
    private long lastScan;
    private long scanEvery = CLIENT_SCAN_NANOS;
    /** The kernel's socket tables, read by the watchdog's thread only. */
    private final ClientSockets clientSockets = new ClientSockets();

    /**
     * Guards the calling thread's request until {@link #release}.
     *
     * @param client the client's connection, null when unknown (then only the deadline is watched)
     */
    Guard guard(long deadlineNanos, ClientSockets.Key client) {
        Guard g = new Guard(Thread.currentThread(), deadlineNanos, client);
        guards.add(g);
        return g;
    }

    /** True when some guarded request has waited for its commit point longer than a scan interval. */
    private boolean waiting(long now) {
        for (Guard g : guards) {
            if (g.client != null && g.state.get() == Guard.ARMED && now - g.createdNanos > CLIENT_SCAN_NANOS) {
                return true;
            }
        }
        return false;
    }

    /** Stops guarding; clears an interrupt the guard may have delivered. */
    void release(Guard g) {
        if (g != null) {
            guards.remove(g);
            g.commit();
        }
    }

    /** An open stream being watched. */
    static final class Watch {
        private final long idleNanos;
        private final Runnable abort;
        private volatile long last = System.nanoTime();
        private volatile boolean fired;
        private volatile boolean stopped;

        private Watch(long idleNanos, Runnable abort) {
            this.idleNanos = idleNanos;
            this.abort = abort;
        }

        void touch() {
            last = System.nanoTime();
        }

        /** True when the watchdog ended this stream for idling. */
        boolean fired() {
            return fired;
        }

        /** True when the stream was ended because the proxy is stopping. */
        boolean stopped() {
            return stopped;
        }
    }

    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();

    IdleWatchdog() {
        Thread.ofPlatform().daemon().name("stream-idle-watchdog").start(this::loop);
    }

    Watch watch(long idleMs, Runnable abort) {
        Watch w = new Watch(idleMs * 1_000_000L, abort);
        watches.add(w);
        return w;
    }

    void release(Watch w) {
        watches.remove(w);
    }

    /** Ends every watched stream now (the grace period of a stop is over). */
    void stopAll() {
        for (Watch w : watches) {
            watches.remove(w);
            w.stopped = true;
            try {
                w.abort.run();
            } catch (RuntimeException ignored) {
                // the stream's own thread reports the failure
            }
        }
    }

    private void loop() {
        while (true) {
            LockSupport.parkNanos(50_000_000L);
            long now = System.nanoTime();
            // the kernel's socket table, read at most every CLIENT_SCAN_NANOS and only while requests wait
            // (only requests that have waited a while are looked at: most commit within milliseconds)
            Map<ClientSockets.Key, Integer> sockets = null;
            if (ClientSockets.AVAILABLE && now - lastScan >= scanEvery && waiting(now)) {
                lastScan = now;
                // every armed guard is checked against the snapshot, so it holds all their sockets
                Set<ClientSockets.Key> wanted = new HashSet<>();
                for (Guard g : guards) {
                    if (g.client != null && g.state.get() == Guard.ARMED) {
                        wanted.add(g.client);
                    }
                }
                sockets = clientSockets.snapshot(wanted);
                long took = System.nanoTime() - now;
                scanEvery = Math.clamp(took * SCAN_SPACING, CLIENT_SCAN_NANOS, MAX_SCAN_NANOS);
            }
            for (Guard g : guards) {
                if (g.state.get() == Guard.ARMED) {
                    try {
                        g.check(now, sockets);
                    } catch (RuntimeException ignored) {
                        // a broken link must not stop the watchdog
                    }
                } else {
                    guards.remove(g);
                }
            }
            for (Watch w : watches) {
                if (now - w.last > w.idleNanos) {
                    watches.remove(w);
                    w.fired = true;
                    try {
                        w.abort.run();
                    } catch (RuntimeException ignored) {
                        // the stream's own thread reports the failure
                    }
                }
            }
        }
    }
}
