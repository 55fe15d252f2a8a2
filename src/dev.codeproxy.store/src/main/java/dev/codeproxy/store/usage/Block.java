package dev.codeproxy.store.usage;

import dev.codeproxy.core.usage.Usage;

import java.util.List;

/**
 * One 5-hour usage window: it starts at the hour of the first request after the previous window
 * ended and lasts {@link UsageQueries#BLOCK_MS}.
 *
 * @param firstAt    first request start in the window (epoch ms)
 * @param lastAt     last request start in the window (epoch ms)
 * @param active     the window has not ended and its last request is less than 5 hours old
 * @param burn       for the active window: tokens per minute and USD micros per hour so far, else null
 * @param projection for the active window: totals at its end at the current rate, else null
 */
public record Block(long start, long end, long firstAt, long lastAt, boolean active, long requests, Usage tokens,
                    long costMicros, List<String> models, BurnRate burn, Projection projection) {

    public record BurnRate(double tokensPerMinute, long costMicrosPerHour) {
    }

    public record Projection(long totalTokens, long costMicros, long remainingMinutes) {
    }
}
