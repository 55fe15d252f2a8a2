package dev.codeproxy.core.usage;

/**
 * Token usage of one response, Anthropic semantics: {@code input} excludes cached tokens;
 * cache writes are split by TTL (5 minutes / 1 hour); cache reads are counted apart.
 */
public record Usage(long input, long output, long cacheWrite5m, long cacheWrite1h, long cacheRead) {
    public static final Usage NONE = new Usage(0, 0, 0, 0, 0);

    public long total() {
        return input + output + cacheWrite5m + cacheWrite1h + cacheRead;
    }

    public boolean isEmpty() {
        return total() == 0;
    }

    Usage plus(Usage o) {
        return new Usage(input + o.input, output + o.output, cacheWrite5m + o.cacheWrite5m, cacheWrite1h + o.cacheWrite1h,
                cacheRead + o.cacheRead);
    }
}
