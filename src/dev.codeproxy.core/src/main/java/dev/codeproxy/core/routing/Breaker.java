package dev.codeproxy.core.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * One endpoint's circuit breaker. Closed until {@code threshold} consecutive failures; then open
 * for a cooldown that starts at {@code baseCooldown} and doubles on each re-open up to 10 minutes;
 * then half-open, where exactly one request probes it: success closes it and resets the backoff,
 * failure re-opens it. A 429 puts it in a cooldown for the upstream's retry-after without
 * counting as a failure; 401/403 mark it {@code auth_failed} with a long cooldown.
 *
 * <p>Runtime state only (a config reload keeps it); thread-safe; time comes from an injected clock.
 */
public final class Breaker {
    static final Duration MAX_COOLDOWN = Duration.ofMinutes(10);
    static final Duration AUTH_COOLDOWN = Duration.ofMinutes(10);

    /** What the dashboard and the log show. */
    public enum State {
        CLOSED, OPEN, HALF_OPEN, COOLDOWN, AUTH_FAILED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Receives state changes. */
    @FunctionalInterface
    public interface Listener {
        void changed(State state, Instant until);
    }

    private final Clock clock;
    private final Listener listener;
    private State state = State.CLOSED;
    private int failures;
    private Instant until = Instant.EPOCH;
    private Duration nextCooldown;
    private boolean probing;

    public Breaker(Clock clock, Listener listener) {
        this.clock = clock;
        this.listener = listener;
    }

    public synchronized State state() {
        return state;
    }

    /** When an open, cooling-down or auth-failed endpoint may be tried again. */
    public synchronized Instant until() {
        return until;
    }

    /** True when requests may use the endpoint now without taking a probe (closed, or its cooldown is over). */
    public synchronized boolean healthy() {
        return state == State.CLOSED;
    }

    /**
     * Asks to send a request. Closed: yes. Open / cooldown / auth-failed past their time: the caller
     * becomes the one half-open probe. Half-open with a probe in flight: no.
     */
    public synchronized boolean tryAcquire() {
        Instant now = clock.instant();
        switch (state) {
            case CLOSED:
                return true;
            case HALF_OPEN:
                if (probing) {
                    return false;
                }
                probing = true;
                return true;
            default:
                if (now.isBefore(until)) {
                    return false;
                }
                set(State.HALF_OPEN, until);
                probing = true;
                return true;
        }
    }

    /** Takes the request even though the breaker is open (used when no endpoint is healthy). */
    public synchronized void forceAcquire() {
        if (state != State.CLOSED) {
            set(State.HALF_OPEN, until);
            probing = true;
        }
    }

    /** Returns a probe that was taken but not used (e.g. the request ended before reaching this endpoint). */
    public synchronized void release() {
        probing = false;
    }

    public synchronized void onSuccess() {
        failures = 0;
        probing = false;
        nextCooldown = null;
        if (state != State.CLOSED) {
            set(State.CLOSED, Instant.EPOCH);
        }
    }

    /** A failure: opens after {@code threshold} in a row; a failed probe re-opens with the doubled cooldown. */
    public synchronized void onFailure(int threshold, Duration baseCooldown) {
        probing = false;
        failures++;
        if (state == State.HALF_OPEN) {
            open(nextCooldown != null ? nextCooldown : baseCooldown);
        } else if (state == State.CLOSED && failures >= threshold) {
            open(baseCooldown);
        }
    }

    private void open(Duration d) {
        Duration cooldown = d.compareTo(MAX_COOLDOWN) > 0 ? MAX_COOLDOWN : d;
        set(State.OPEN, clock.instant().plus(cooldown));
        Duration doubled = cooldown.multipliedBy(2);
        nextCooldown = doubled.compareTo(MAX_COOLDOWN) > 0 ? MAX_COOLDOWN : doubled;
    }

    /** 429: hold off for the retry-after (capped), without counting a failure. */
    public synchronized void onRateLimited(Duration retryAfter) {
        probing = false;
        if (retryAfter.isZero() || retryAfter.isNegative()) {
            return;
        }
        Instant t = clock.instant().plus(retryAfter);
        if (state == State.OPEN || state == State.AUTH_FAILED) {
            return;
        }
        set(State.COOLDOWN, t);
    }

    public synchronized void onAuthFailed() {
        probing = false;
        set(State.AUTH_FAILED, clock.instant().plus(AUTH_COOLDOWN));
    }

    /** Back to closed by hand (the dashboard's "reset breaker"). */
    public synchronized void reset() {
        failures = 0;
        probing = false;
        nextCooldown = null;
        if (state != State.CLOSED) {
            set(State.CLOSED, Instant.EPOCH);
        }
    }

    private void set(State s, Instant t) {
        boolean changed = s != state || !t.equals(until);
        state = s;
        until = t;
        if (changed) {
            listener.changed(s, t);
        }
    }
}
