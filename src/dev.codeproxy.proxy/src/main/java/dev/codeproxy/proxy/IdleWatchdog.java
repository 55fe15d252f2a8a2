package dev.codeproxy.proxy;

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
     * Watches one request until its commit point: when the request deadline passes, the
     * request's thread is interrupted. A virtual thread blocked on a socket read is woken by
     * closing that socket, which cancels the upstream attempt (its headers wait, or the events
     * held before commit). Firing and committing exclude each other. (A client that goes away
     * before the commit point cannot be noticed here: Helidon 4.5's NIO server socket offers no
     * way to see the EOF without consuming the connection's next bytes. {@code CLIENT_GONE} is
     * kept for when it does.)
     */
    static final class Guard {
        private static final int ARMED = 0;
        private static final int COMMITTED = 1;
        private static final int CLIENT_GONE = 2;
        private static final int EXPIRED = 3;
        private final Thread thread;
        private final long deadlineNanos;
        private final AtomicInteger state = new AtomicInteger(ARMED);

        private Guard(Thread thread, long deadlineNanos) {
            this.thread = thread;
            this.deadlineNanos = deadlineNanos;
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

        private synchronized void check(long now) {
            int why = now - deadlineNanos > 0 ? EXPIRED : ARMED;
            if (why != ARMED && state.compareAndSet(ARMED, why)) {
                thread.interrupt();
            }
        }
    }

    private final Set<Guard> guards = ConcurrentHashMap.newKeySet();

    /** Guards the calling thread's request until {@link #release}. */
    Guard guard(long deadlineNanos) {
        Guard g = new Guard(Thread.currentThread(), deadlineNanos);
        guards.add(g);
        return g;
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
            for (Guard g : guards) {
                if (g.state.get() == Guard.ARMED) {
                    try {
                        g.check(now);
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
