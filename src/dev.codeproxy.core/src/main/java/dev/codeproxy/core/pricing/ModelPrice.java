package dev.codeproxy.core.pricing;

import dev.codeproxy.core.usage.Usage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * What one model costs, in USD per million tokens, for each kind of token Anthropic bills:
 * uncached input, output, cache writes with a 5-minute and a 1-hour TTL, and cache reads.
 * Decimal, so a table value such as {@code 0.08} is exact.
 */
public record ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cacheWrite5m, BigDecimal cacheWrite1h,
                         BigDecimal cacheRead) {

    public ModelPrice {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(cacheWrite5m, "cacheWrite5m");
        Objects.requireNonNull(cacheWrite1h, "cacheWrite1h");
        Objects.requireNonNull(cacheRead, "cacheRead");
        check("input", input);
        check("output", output);
        check("cacheWrite5m", cacheWrite5m);
        check("cacheWrite1h", cacheWrite1h);
        check("cacheRead", cacheRead);
    }

    /** From decimal strings, e.g. {@code of("3", "15", "3.75", "6", "0.30")}. */
    public static ModelPrice of(String input, String output, String cacheWrite5m, String cacheWrite1h, String cacheRead) {
        return new ModelPrice(parse("input", input), parse("output", output), parse("cacheWrite5m", cacheWrite5m),
                parse("cacheWrite1h", cacheWrite1h), parse("cacheRead", cacheRead));
    }

    /**
     * The exact cost of {@code usage} in micro-USD: tokens times USD per million tokens is
     * micro-USD, so nothing is lost before the caller rounds.
     */
    BigDecimal costMicrosExact(Usage usage) {
        return input.multiply(BigDecimal.valueOf(usage.input()))
                .add(output.multiply(BigDecimal.valueOf(usage.output())))
                .add(cacheWrite5m.multiply(BigDecimal.valueOf(usage.cacheWrite5m())))
                .add(cacheWrite1h.multiply(BigDecimal.valueOf(usage.cacheWrite1h())))
                .add(cacheRead.multiply(BigDecimal.valueOf(usage.cacheRead())));
    }

    /** {@link #costMicrosExact} rounded once, half up, to whole micro-USD. */
    public long costMicros(Usage usage) {
        return costMicrosExact(usage).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    private static BigDecimal parse(String what, String s) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("price " + what + " is missing; expected USD per million tokens, e.g. 3.75");
        }
        try {
            return new BigDecimal(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("price " + what + " '" + s + "' is not a number; expected USD per million "
                    + "tokens, e.g. 3.75");
        }
    }

    private static void check(String what, BigDecimal v) {
        if (v.signum() < 0) {
            throw new IllegalArgumentException("price " + what + " " + v.toPlainString() + " is negative; expected 0 or more "
                    + "USD per million tokens");
        }
        if (v.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("price " + what + " " + v.toPlainString() + " is too large; expected at most "
                    + MAX.toPlainString() + " USD per million tokens");
        }
    }

    /** A sanity cap (USD 1,000,000 per million tokens) that keeps every cost well inside a long. */
    private static final BigDecimal MAX = BigDecimal.valueOf(1_000_000);
}
