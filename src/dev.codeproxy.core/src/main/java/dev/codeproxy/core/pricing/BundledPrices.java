package dev.codeproxy.core.pricing;

import java.util.List;
import java.util.Map;

/**
 * The bundled price table: Anthropic's published list prices in USD per million tokens
 * (input, output, cache write 5 m, cache write 1 h, cache read). Cache writes are 1.25x (5 m)
 * and 2x (1 h) the input price; cache reads 0.1x. Long-context (&gt; 200k input) surcharges are
 * not modelled. Users correct or extend it with {@link PriceOverride}s, never by editing this.
 */
public final class BundledPrices {
    /**
     * One row of the table.
     *
     * @param prefix model-id prefix without the date suffix ({@code claude-sonnet-4-5} matches
     *               {@code claude-sonnet-4-5-20250929}, but not {@code claude-sonnet-4-6})
     */
    public record Entry(String prefix, String family, ModelPrice price) {
    }

    static final ModelPrice OPUS_4_5 = ModelPrice.of("5", "25", "6.25", "10", "0.50");
    static final ModelPrice OPUS_4 = ModelPrice.of("15", "75", "18.75", "30", "1.50");
    static final ModelPrice SONNET = ModelPrice.of("3", "15", "3.75", "6", "0.30");
    static final ModelPrice HAIKU_4_5 = ModelPrice.of("1", "5", "1.25", "2", "0.10");
    static final ModelPrice HAIKU_3_5 = ModelPrice.of("0.80", "4", "1", "1.6", "0.08");
    static final ModelPrice HAIKU_3 = ModelPrice.of("0.25", "1.25", "0.30", "0.50", "0.03");

    /** Every bundled row, newest model first within a family. */
    public static final List<Entry> ENTRIES = List.of(
            new Entry("claude-opus-4-6", "opus", OPUS_4_5),
            new Entry("claude-opus-4-5", "opus", OPUS_4_5),
            new Entry("claude-opus-4-1", "opus", OPUS_4),
            new Entry("claude-opus-4", "opus", OPUS_4),
            new Entry("claude-3-opus", "opus", OPUS_4),
            new Entry("claude-sonnet-4-6", "sonnet", SONNET),
            new Entry("claude-sonnet-4-5", "sonnet", SONNET),
            new Entry("claude-sonnet-4", "sonnet", SONNET),
            new Entry("claude-3-7-sonnet", "sonnet", SONNET),
            new Entry("claude-3-5-sonnet", "sonnet", SONNET),
            new Entry("claude-haiku-4-5", "haiku", HAIKU_4_5),
            new Entry("claude-3-5-haiku", "haiku", HAIKU_3_5),
            new Entry("claude-3-haiku", "haiku", HAIKU_3));

    /**
     * The price an id of a family gets when no row matches it (a model newer than this build,
     * e.g. {@code claude-opus-4-8}, {@code claude-sonnet-5}): the family's newest price.
     */
    public static final Map<String, ModelPrice> FAMILY_NEWEST = Map.of(
            "opus", OPUS_4_5,
            "sonnet", SONNET,
            "haiku", HAIKU_4_5);

    /** Families are looked for in this order (an id naming two is priced by the first). */
    static final List<String> FAMILIES = List.of("opus", "sonnet", "haiku");

    private BundledPrices() {
    }
}
