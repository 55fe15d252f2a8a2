package dev.codeproxy.core.pricing;

import dev.codeproxy.core.event.RequestRecord;

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
        String billed = r.sentModel() == null || r.sentModel().isEmpty() ? r.model() : r.sentModel();
        if (billed == null || r.usage() == null || prices == null) {
            return UNPRICED;
        }
        return prices.cost(billed, r.usage());
    }
}
