package dev.codeproxy.proxy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The request bodies held in memory at once, summed over the requests in flight, have a
 * ceiling: a burst of large requests gets 503 with {@code retry-after} (clients retry those)
 * instead of exhausting the heap. A request reserves its declared {@code content-length}
 * before reading; a body without one is counted once read. One request alone is always
 * admitted when nothing else is held, so a single body up to {@code maxRequestBytes} works
 * whatever the ceiling.
 */
final class BodyBudget {
    private final long limit;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long limit) {
        this.limit = Math.max(1, limit);
    }

    /** System property that overrides {@link #defaultLimit()} (bytes). */
    static final String PROPERTY = "codeproxy.maxBufferedBodyBytes";

    /**
     * A quarter of the heap limit (128 MiB with the image's default 512 MB heap), at least 32 MiB;
     * the system property {@value #PROPERTY} overrides it (e.g. {@code CODE_PROXY_JAVA_OPTS=
     * -Dcodeproxy.maxBufferedBodyBytes=268435456}).
     */
    static long defaultLimit() {
        Long set = Long.getLong(PROPERTY);
        return set != null && set > 0 ? set : Math.max(32L << 20, Runtime.getRuntime().maxMemory() / 4);
    }

    long limit() {
        return limit;
    }

    boolean tryReserve(long bytes) {
        if (bytes <= 0) {
            return true;
        }
        while (true) {
            long now = held.get();
            if (now > 0 && now + bytes > limit) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Replaces a reservation by the size actually read; returns the new reservation. */
    long adjust(long reserved, long actual) {
        held.addAndGet(actual - reserved);
        return actual;
    }

    void release(long bytes) {
        if (bytes != 0) {
            held.addAndGet(-bytes);
        }
    }

    long held() {
        return held.get();
    }
}
