package dev.codeproxy.admin.api.dto;

import java.math.BigDecimal;
import java.util.List;

/** {@code /_/api/tokens}: client tokens for the proxy path. */
public final class TokenDtos {
    private TokenDtos() {
    }

    /**
     * @param token      masked (first 7 and last 4 characters)
     * @param lastUsedAt null when never used; updated at most once a minute
     * @param owner      who holds it ("" when not said)
     * @param limits     its limits (each null or empty when not limited)
     * @param usage      what it used, null when it has no budget or rate (only those are counted)
     */
    public record View(long id, String name, String token, long createdAt, Long lastUsedAt, String owner,
                       Limits limits, Usage usage) {
    }

    /**
     * A token's limits as the API shows and takes them; null (or an empty list) means "no limit".
     *
     * @param budgetUsd dollars per {@code period}
     * @param period    {@code day} or {@code month} (UTC)
     * @param rpm       requests per minute
     * @param tpm       tokens per minute (input, output and cache writes)
     * @param models    allowed models: a request's model is allowed when it contains one of them
     * @param expires   {@code YYYY-MM-DD}: the token stops working at 00:00 UTC that day
     */
    public record Limits(BigDecimal budgetUsd, String period, Long rpm, Long tpm, List<String> models, String expires) {
    }

    /**
     * @param spentUsd           spend in the current period, dollars
     * @param spentMicros        the same in micro-dollars
     * @param budgetMicros       the budget in micro-dollars, null when none
     * @param periodStart        start of the current period (epoch ms, UTC)
     * @param resetsAt           start of the next period (epoch ms)
     * @param requestsThisMinute requests admitted in the current UTC minute
     * @param tokensThisMinute   tokens used in the current UTC minute
     */
    public record Usage(BigDecimal spentUsd, long spentMicros, Long budgetMicros, long periodStart, long resetsAt,
                        long requestsThisMinute, long tokensThisMinute) {
    }

    public record ListView(List<View> tokens) {
    }

    /** The one response that carries a token in full: it is not stored and cannot be shown again. */
    public record Created(long id, String name, String token, String masked, long createdAt, String owner,
                          Limits limits) {
    }
}
