package dev.codeproxy.core.routing;

import java.util.random.RandomGenerator;

/**
 * The one place that decides what happens after a failed attempt: a pure function of the failure
 * class, how often this endpoint was already retried, the upstream's {@code retry-after}, and the
 * retry settings.
 *
 * @param retrySameAfterMs wait before trying the same endpoint again, or -1 for no retry there
 * @param tryNext          move on to the next candidate (when the same endpoint is not retried)
 * @param breaker          what the endpoint's breaker records
 */
public record RetryDecision(long retrySameAfterMs, boolean tryNext, BreakerEffect breaker) {

    /** What an attempt's outcome does to the endpoint's circuit breaker. */
    public enum BreakerEffect {
        NONE, FAILURE, COOLDOWN, AUTH_FAILED
    }

    /** Exponential backoff base for 5xx retries: 250 ms, 500 ms, 1 s ... plus up to 50% jitter, capped. */
    static final long BACKOFF_BASE_MS = 250;

    /**
     * @param failure         the failure class
     * @param retriesDone     retries of this endpoint already made for this request (0 on the first failure)
     * @param retryAfterMs    the upstream's retry-after in ms, or -1 when absent
     * @param maxRetries      setting: retries of one endpoint on 5xx
     * @param retryCapMs      setting: longest wait before any retry
     * @param random          jitter source (inject a seeded one in tests)
     */
    public static RetryDecision decide(FailureClass failure, int retriesDone, long retryAfterMs, int maxRetries,
                                       long retryCapMs, RandomGenerator random) {
        return switch (failure) {
            // once, immediately, on a fresh connection (a pooled connection may have gone stale)
            case CONNECT -> new RetryDecision(retriesDone < 1 ? 0 : -1, true, BreakerEffect.FAILURE);
            case TIMEOUT, BAD_STREAM, BAD_JSON -> new RetryDecision(-1, true, BreakerEffect.FAILURE);
            case RATE_LIMITED -> new RetryDecision(
                    retryAfterMs >= 0 && retryAfterMs <= retryCapMs && retriesDone < Math.max(1, maxRetries)
                            ? retryAfterMs : -1,
                    true, BreakerEffect.COOLDOWN);
            case SERVER -> {
                if (retriesDone >= maxRetries) {
                    yield new RetryDecision(-1, true, BreakerEffect.FAILURE);
                }
                long wait;
                if (retryAfterMs >= 0) {
                    wait = retryAfterMs <= retryCapMs ? retryAfterMs : -1;
                } else {
                    long base = BACKOFF_BASE_MS << Math.min(retriesDone, 16);
                    long jitter = (long) (random.nextDouble() * base * 0.5);
                    wait = Math.min(retryCapMs, base + jitter);
                }
                yield new RetryDecision(wait, true, BreakerEffect.FAILURE);
            }
            case AUTH -> new RetryDecision(-1, true, BreakerEffect.AUTH_FAILED);
            case CLIENT -> new RetryDecision(-1, false, BreakerEffect.NONE);
        };
    }
}
