package dev.codeproxy.admin.api.dto;

import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.store.stats.Summary;

import java.util.Map;

/** Records used by several resources and by the live channel. Times are epoch milliseconds, days {@code YYYY-MM-DD}. */
public final class Shared {
    private Shared() {
    }

    /**
     * Every error of the API: a sentence, and for validation failures one message per field.
     *
     * @param fields field (or JSON path) to what is wrong with it; empty when the error is not about a field
     */
    public record Error(String error, Map<String, String> fields) {
        public static Error of(String message) {
            return new Error(message, Map.of());
        }
    }

    /** Token counts by kind (Anthropic semantics: {@code input} excludes cached tokens). */
    public record Tokens(long input, long output, long cacheWrite5m, long cacheWrite1h, long cacheRead, long total) {
        public static Tokens of(Usage u) {
            Usage x = u == null ? Usage.NONE : u;
            return new Tokens(x.input(), x.output(), x.cacheWrite5m(), x.cacheWrite1h(), x.cacheRead(), x.total());
        }
    }

    /**
     * The summary cards of a range.
     *
     * @param firstDay    first day counted, null for {@code all}
     * @param successRate (success + failedOver) / requests
     * @param costMicros  cost in micro-USD (requests with an unpriced model count 0; see {@code unpriced})
     */
    public record SummaryView(String range, String firstDay, long requests, long success, long failedOver,
                              long clientErrors, long upstreamErrors, double successRate, Tokens tokens,
                              long costMicros, long unpriced) {
        public static SummaryView of(Summary s) {
            return new SummaryView(s.range().wire(), s.firstDay() == null ? null : s.firstDay().toString(), s.requests(),
                    s.success(), s.failedOver(), s.clientErrors(), s.upstreamErrors(), s.successRate(),
                    Tokens.of(s.tokens()), s.costMicros(), s.unpriced());
        }
    }

    /**
     * An endpoint's live state.
     *
     * @param state {@code healthy}, {@code open}, {@code cooldown}, {@code half_open}, {@code auth_failed} or {@code disabled}
     * @param until when an open / cooldown / auth-failed endpoint may be tried again; null otherwise
     */
    public record EndpointState(long id, String name, boolean enabled, int priority, String state, Long until) {
    }
}
