package dev.codeproxy.proxy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Ends streams whose upstream went quiet for longer than the idle limit. One daemon thread scans
 * the open streams every 50 ms; a stream touches its entry on every chunk, which costs one
 * volatile write.
 */
final class IdleWatchdog {
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
