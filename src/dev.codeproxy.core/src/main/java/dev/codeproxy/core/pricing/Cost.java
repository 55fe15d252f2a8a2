package dev.codeproxy.core.pricing;

import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.usage.Usage;

/**
 * The cost of one request in whole micro-USD (rounded once, half up).
 *
 * @param priced false when no price is known for the model: the cost is then unknown, not zero,
 *               and {@code micros} is 0 only so sums stay sums
 */
public record Cost(long micros, boolean priced) {
    static final Cost UNPRICED = new Cost(0, false);

    /**
     * The one cost function of a finished request: the upstream bills the model it was sent
     * ({@code sentModel}, else the client's {@code model}) for the usage it reported. The request
     * log, the live feed, the headless request lines and the metrics all use this.
     */
    public static Cost of(RequestRecord r, PriceTable prices) {
        String billed = billedModel(r);
        if (billed == null || r.usage() == null || prices == null) {
            return UNPRICED;
        }
        return prices.cost(billed, r.usage());
    }

    /**
     * The part of {@link #of} that paid for cache writes (5-minute and 1-hour), in micro-USD; 0 when
     * there were none or the model has no price. The usage reports call it the cost of failover
     * when a session's request was served by another endpoint than its previous one.
     */
    public static long cacheWriteMicros(RequestRecord r, PriceTable prices) {
        String billed = billedModel(r);
        Usage u = r.usage();
        if (billed == null || u == null || prices == null || u.cacheWrite5m() + u.cacheWrite1h() == 0) {
            return 0;
        }
        Cost c = prices.cost(billed, new Usage(0, 0, u.cacheWrite5m(), u.cacheWrite1h(), 0));
        return c.priced() ? c.micros() : 0;
    }

    /** The model the upstream bills: the one it was sent, else the one the client asked for (null when neither). */
    private static String billedModel(RequestRecord r) {
        return r.sentModel() == null || r.sentModel().isEmpty() ? r.model() : r.sentModel();
    }
}
