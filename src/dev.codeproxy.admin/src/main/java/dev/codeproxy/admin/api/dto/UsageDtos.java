package dev.codeproxy.admin.api.dto;

import java.util.List;

/** {@code /_/api/usage/...}: Claude Code sessions and the usage reports. Costs in micro-USD. */
public final class UsageDtos {
    private UsageDtos() {
    }

    public record ModelRow(String model, long requests, Shared.Tokens tokens, long costMicros) {
    }

    /**
     * @param active                   a request within the last 5 minutes
     * @param cacheHitRatio            cache reads ÷ all input
     * @param endpointSwitches         served requests on another endpoint than the previous one
     * @param failoverCacheWriteTokens cache writes after those switches (the prompt cache switching threw away)
     * @param failoverCostMicros       their cost
     */
    public record Session(String sessionId, String project, long firstAt, long lastAt, long durationMs, boolean active,
                          long requests, long errors, long failedOver, Shared.Tokens tokens, long costMicros,
                          long unpriced, double cacheHitRatio, List<String> endpoints, String lastEndpoint,
                          long endpointSwitches, long failoverCacheWriteTokens, long failoverCostMicros,
                          List<ModelRow> models) {
    }

    /** @param activeWindowMs how recent a session's last request must be for it to count as active */
    public record Sessions(List<Session> sessions, long activeWindowMs) {
    }

    /** @param switched served by another endpoint than the session's previous served request */
    public record TimelineRow(long id, long startedAt, String model, String endpoint, int status, String outcome,
                              int attempts, long totalMs, Shared.Tokens tokens, long costMicros, boolean switched) {
    }

    /** @param timeline the session's requests still in the log, oldest first (the newest 500 at most) */
    public record SessionDetail(Session session, List<TimelineRow> timeline) {
    }

    public record Period(String period, long requests, Shared.Tokens tokens, long costMicros, List<ModelRow> models) {
    }

    public record Periods(String by, List<Period> periods) {
    }

    public record Block(long start, long end, long firstAt, long lastAt, boolean active, long requests,
                        Shared.Tokens tokens, long costMicros, List<String> models, Double tokensPerMinute,
                        Long costMicrosPerHour, Long projectedTokens, Long projectedCostMicros, Long remainingMinutes) {
    }

    public record Blocks(List<Block> blocks) {
    }
}
