package dev.codeproxy.admin.api.dto;

import java.util.List;
import java.util.Map;

/** {@code /_/api/pricing}. Prices are exact decimals (as strings) in USD per million tokens. */
public final class PricingDtos {
    private PricingDtos() {
    }

    public record Price(String input, String output, String cacheWrite5m, String cacheWrite1h, String cacheRead) {
    }

    /**
     * One row of the price table.
     *
     * @param pattern    bundled model-id prefix, or the override's id / prefix ending in {@code *}
     * @param family     {@code opus}, {@code sonnet}, {@code haiku}, or empty for an override
     * @param source     {@code bundled} or {@code override}
     * @param overridden a bundled row an override replaces for the ids it matches
     */
    public record Row(String pattern, String family, String source, boolean overridden, Price price) {
    }

    /** @param familyFallback the price of a family's ids that no row matches */
    public record Table(List<Row> rows, Map<String, Price> familyFallback) {
    }
}
