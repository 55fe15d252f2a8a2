package dev.codeproxy.store.stats;

/**
 * Latency of served requests in ms, from the fixed-bucket histograms (see
 * {@link Histogram#quantile}). Every value is -1 when {@code count} is 0.
 */
public record Latency(long count, long mean, long p50, long p95, long p99, long max) {
    public static final Latency NONE = new Latency(0, -1, -1, -1, -1, -1);

    static Latency of(Histogram h, long sum, long max) {
        long n = h.count();
        if (n == 0) {
            return NONE;
        }
        return new Latency(n, Math.round((double) sum / n), h.quantile(0.50, max), h.quantile(0.95, max),
                h.quantile(0.99, max), max);
    }
}
