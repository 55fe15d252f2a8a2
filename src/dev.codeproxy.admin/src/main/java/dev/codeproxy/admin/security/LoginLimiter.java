package dev.codeproxy.admin.security;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed admin logins per remote address: after {@value #MAX_FAILURES} failures within a minute
 * the address is refused (429) until the oldest of them is a minute old, whatever it presents.
 * Failures are a wrong token on {@code /_/login} or a wrong admin bearer token.
 */
public final class LoginLimiter {
    public static final int MAX_FAILURES = 5;
    public static final long WINDOW_MS = 60_000;
    /** Addresses remembered at most; the table is cleared when full (a flood of addresses is not a login). */
    private static final int MAX_ADDRESSES = 10_000;

    private final Clock clock;
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    public LoginLimiter(Clock clock) {
        this.clock = clock;
    }

    /** Seconds until {@code remote} may try again, 0 when it may now. */
    public long retryAfterSeconds(String remote) {
        Deque<Long> d = failures.get(remote);
        if (d == null) {
            return 0;
        }
        synchronized (d) {
            long now = clock.millis();
            prune(d, now);
            if (d.size() < MAX_FAILURES) {
                return 0;
            }
            long oldest = d.peekFirst();
            return Math.max(1, (oldest + WINDOW_MS - now + 999) / 1000);
        }
    }

    public void failed(String remote) {
        if (failures.size() > MAX_ADDRESSES) {
            failures.clear();
        }
        Deque<Long> d = failures.computeIfAbsent(remote, k -> new ArrayDeque<>());
        synchronized (d) {
            long now = clock.millis();
            prune(d, now);
            d.addLast(now);
        }
    }

    private static void prune(Deque<Long> d, long now) {
        while (!d.isEmpty() && d.peekFirst() <= now - WINDOW_MS) {
            d.pollFirst();
        }
    }
}
