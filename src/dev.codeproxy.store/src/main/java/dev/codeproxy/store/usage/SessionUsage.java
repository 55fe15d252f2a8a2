package dev.codeproxy.store.usage;

import dev.codeproxy.core.usage.Usage;

import java.util.List;

/**
 * One Claude Code session as the aggregates keep it (it survives log pruning).
 *
 * @param firstAt                  start of its first request (epoch ms)
 * @param lastAt                   end of its latest request (epoch ms)
 * @param errors                   requests not served
 * @param failedOver               requests served by a later endpoint than the first tried
 * @param endpointSwitches         served requests whose endpoint differs from the previous served one
 * @param failoverCacheWriteTokens cache writes of those requests: the prompt cache the switches threw away
 * @param failoverCostMicros       what those cache writes cost
 * @param lastEndpoint             endpoint of the latest served request, '' when none
 * @param endpoints                every endpoint that served it, in order of first use
 * @param models                   by billed model, most expensive first
 */
public record SessionUsage(String sessionId, String project, long firstAt, long lastAt, long requests, long errors,
                           long failedOver, Usage tokens, long costMicros, long unpriced, long endpointSwitches,
                           long failoverCacheWriteTokens, long failoverCostMicros, String lastEndpoint,
                           List<String> endpoints, List<ModelUsage> models) {

    /** Cache reads ÷ all input (uncached input, cache writes and cache reads); 0 without input. */
    public double cacheHitRatio() {
        long all = tokens.input() + tokens.cacheWrite5m() + tokens.cacheWrite1h() + tokens.cacheRead();
        return all == 0 ? 0 : (double) tokens.cacheRead() / all;
    }
}
