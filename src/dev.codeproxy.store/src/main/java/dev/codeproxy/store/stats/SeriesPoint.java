package dev.codeproxy.store.stats;

import dev.codeproxy.core.usage.Usage;

import java.time.Instant;

/**
 * One hour or day of a time series (empty buckets are included with zeros).
 *
 * @param errors client_error + upstream_error requests
 */
public record SeriesPoint(Instant start, long requests, long errors, long failedOver, Usage tokens, long costMicros) {
}
