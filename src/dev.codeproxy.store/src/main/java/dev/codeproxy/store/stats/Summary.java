package dev.codeproxy.store.stats;

import dev.codeproxy.core.usage.Usage;

import java.time.LocalDate;

/**
 * The summary cards for a range.
 *
 * @param firstDay    first day counted, null for {@link StatsRange#ALL}
 * @param successRate (success + failedOver) / requests, 0 when there were none
 * @param unpriced    requests whose model had no price (their cost is unknown, not zero)
 */
public record Summary(StatsRange range, LocalDate firstDay, long requests, long success, long failedOver,
                      long clientErrors, long upstreamErrors, double successRate, Usage tokens, long costMicros,
                      long unpriced) {
}
