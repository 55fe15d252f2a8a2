package dev.codeproxy.store.usage;

import dev.codeproxy.core.usage.Usage;

import java.util.List;

/**
 * Usage of one day ({@code YYYY-MM-DD}) or month ({@code YYYY-MM}) in the reports' zone.
 *
 * @param models by billed model, most expensive first
 */
public record PeriodUsage(String period, long requests, Usage tokens, long costMicros, long unpriced,
                          List<ModelUsage> models) {
}
