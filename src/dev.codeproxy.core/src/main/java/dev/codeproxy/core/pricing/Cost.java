package dev.codeproxy.core.pricing;

/**
 * The cost of one request in whole micro-USD (rounded once, half up).
 *
 * @param priced false when no price is known for the model: the cost is then unknown, not zero,
 *               and {@code micros} is 0 only so sums stay sums
 */
public record Cost(long micros, boolean priced) {
    public static final Cost UNPRICED = new Cost(0, false);
}
